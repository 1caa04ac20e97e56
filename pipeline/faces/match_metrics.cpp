#include "faces/match_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace pg {

namespace {

/// n steps of `step`, computed as n / (1 / step) when 1 / step is a whole number, so that
/// 35 steps of 0.01 print as 0.35 rather than 0.35000000000000003.
double Steps(double n, double step) {
  const double inv = 1.0 / step;
  if (std::abs(inv - std::round(inv)) < 1e-9) return n / std::round(inv);
  return n * step;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

double Percentile(const std::vector<double>& sorted, double q) {
  const double pos = (sorted.size() - 1) * q / 100.0;
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

DistanceStats Summarize(std::vector<double> distances) {
  DistanceStats s;
  if (distances.empty()) return s;
  std::sort(distances.begin(), distances.end());
  s.count = distances.size();
  s.min = distances.front();
  s.max = distances.back();
  s.p1 = Percentile(distances, 1);
  s.p5 = Percentile(distances, 5);
  s.p25 = Percentile(distances, 25);
  s.median = Percentile(distances, 50);
  s.p75 = Percentile(distances, 75);
  s.p95 = Percentile(distances, 95);
  s.p99 = Percentile(distances, 99);
  double sum = 0;
  for (double d : distances) sum += d;
  s.mean = sum / distances.size();
  return s;
}

size_t CountAtOrBelow(const std::vector<double>& distances, double threshold) {
  return static_cast<size_t>(
      std::count_if(distances.begin(), distances.end(), [&](double d) { return d <= threshold; }));
}

double OperatingPoint::tmr() const { return genuine == 0 ? 0.0 : double(true_matches) / genuine; }
double OperatingPoint::fmr() const { return impostor == 0 ? 0.0 : double(false_matches) / impostor; }

OperatingPoint AtThreshold(const std::vector<double>& genuine, const std::vector<double>& impostor,
                           double threshold) {
  OperatingPoint p;
  p.threshold = threshold;
  p.genuine = genuine.size();
  p.impostor = impostor.size();
  p.true_matches = CountAtOrBelow(genuine, threshold);
  p.false_matches = CountAtOrBelow(impostor, threshold);
  return p;
}

OperatingPoint AtFalseMatchRate(const std::vector<double>& genuine,
                                const std::vector<double>& impostor, double target_fmr) {
  std::vector<double> sorted = impostor;
  std::sort(sorted.begin(), sorted.end());
  // 1e-9 absorbs binary fractions: 0.001 * 1000 must allow exactly 1 false match.
  const size_t k = static_cast<size_t>(std::floor(target_fmr * sorted.size() + 1e-9));
  const double threshold = k >= sorted.size()
                               ? std::numeric_limits<double>::infinity()
                               : std::nextafter(sorted[k], -std::numeric_limits<double>::infinity());
  return AtThreshold(genuine, impostor, threshold);
}

bool FmrResolvable(size_t impostor_count, double target_fmr) {
  return target_fmr > 0 && impostor_count * target_fmr >= 1.0 - 1e-9;
}

std::vector<size_t> Histogram(const std::vector<double>& values, double lo, double hi, int bins) {
  std::vector<size_t> counts(static_cast<size_t>(bins), 0);
  const double width = (hi - lo) / bins;
  for (double v : values) {
    long i = static_cast<long>(std::floor((v - lo) / width));
    i = std::clamp(i, 0L, static_cast<long>(bins) - 1);
    ++counts[static_cast<size_t>(i)];
  }
  return counts;
}

std::string TextHistogram(const std::vector<double>& values, double lo, double hi, int bins,
                          int width, int decimals) {
  const std::vector<size_t> counts = Histogram(values, lo, hi, bins);
  const size_t most = *std::max_element(counts.begin(), counts.end());
  std::string out;
  for (int i = 0; i < bins; ++i) {
    const size_t n = counts[static_cast<size_t>(i)];
    size_t bar = most == 0 ? 0 : (n * static_cast<size_t>(width) + most / 2) / most;
    if (n > 0 && bar == 0) bar = 1;
    out += Fixed(lo + (hi - lo) * i / bins, decimals) + "-" +
           Fixed(lo + (hi - lo) * (i + 1) / bins, decimals) + " | " + std::string(bar, '#') +
           std::string(static_cast<size_t>(width) - bar, ' ') + " " + std::to_string(n) + "\n";
  }
  return out;
}

double RoundDown(double x, double step) { return Steps(std::floor(x / step + 1e-9), step); }
double RoundUp(double x, double step) { return Steps(std::ceil(x / step - 1e-9), step); }

}  // namespace pg
