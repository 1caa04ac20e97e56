// Match metrics: the arithmetic of a face-recognition evaluation, on plain distance lists.
//
// In: genuine distances (a face against a reference of the same person) and impostor
// distances (against another person's reference). Out: summary statistics, true- and
// false-match rates at a threshold, the operating point for a target false-match rate,
// and histograms. A distance at or below the threshold counts as a match, as in
// FaceMatcher. Pure functions on values the caller owns; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pg {

/// Order statistics of a list of distances. All zero when count == 0.
struct DistanceStats {
  size_t count = 0;
  double min = 0, p1 = 0, p5 = 0, p25 = 0, median = 0, p75 = 0, p95 = 0, p99 = 0, max = 0;
  double mean = 0;
};

/// The q-th percentile (0 <= q <= 100) by linear interpolation between the two nearest
/// ranks (position (n - 1) * q / 100 in the sorted list; numpy's default).
/// REQUIRES: `sorted` is ascending and not empty.
double Percentile(const std::vector<double>& sorted, double q);

/// Statistics of `distances` (any order). Empty input gives a zero DistanceStats.
DistanceStats Summarize(std::vector<double> distances);

/// How many of `distances` are <= threshold.
size_t CountAtOrBelow(const std::vector<double>& distances, double threshold);

/// The outcome of one threshold on a genuine and an impostor list.
struct OperatingPoint {
  double threshold = 0;      ///< distance <= threshold is a match
  size_t true_matches = 0;   ///< genuine distances <= threshold
  size_t genuine = 0;        ///< genuine comparisons
  size_t false_matches = 0;  ///< impostor distances <= threshold
  size_t impostor = 0;       ///< impostor comparisons
  double tmr() const;        ///< true_matches / genuine (0 when genuine == 0)
  double fmr() const;        ///< false_matches / impostor (0 when impostor == 0)
};

/// Counts both lists at `threshold`.
OperatingPoint AtThreshold(const std::vector<double>& genuine, const std::vector<double>& impostor,
                           double threshold);

/// The largest threshold whose false-match rate is at most `target_fmr`, and the rates
/// there. With the impostor distances sorted, k = floor(target_fmr * n) of them may match,
/// so the threshold is the largest double below the (k+1)-th smallest impostor distance
/// (ties are then all excluded, so the FMR can come out below k / n); +infinity when
/// k >= n. The answer is only meaningful when n >= 1 / target_fmr (FmrResolvable):
/// with fewer impostors k is 0 and the threshold is merely "below every impostor".
/// REQUIRES: 0 <= target_fmr <= 1.
OperatingPoint AtFalseMatchRate(const std::vector<double>& genuine,
                                const std::vector<double>& impostor, double target_fmr);

/// True when `impostor_count` comparisons can resolve a false-match rate of `target_fmr`
/// (at least 1 / target_fmr of them, e.g. 1000 for 0.1 %).
bool FmrResolvable(size_t impostor_count, double target_fmr);

/// Counts of `values` in `bins` equal-width bins over [lo, hi). Values below lo are
/// counted in the first bin, values at or above hi in the last. REQUIRES: bins >= 1, lo < hi.
std::vector<size_t> Histogram(const std::vector<double>& values, double lo, double hi, int bins);

/// A text histogram of Histogram(values, lo, hi, bins), one line per bin:
/// "0.40-0.45 | #####      12". Bars are scaled so the largest count is `width`
/// characters and padded to `width`; a non-zero count gets at least one '#'. Bin edges are
/// printed with `decimals` digits. Values outside [lo, hi) are folded into the end bins, so
/// the caller picks a range that covers the data. REQUIRES: as Histogram, width >= 1.
std::string TextHistogram(const std::vector<double>& values, double lo, double hi, int bins,
                          int width, int decimals = 2);

/// `x` rounded down (RoundDown) or up (RoundUp) to a multiple of `step` (> 0), robust to
/// binary fractions: RoundUp(0.6, 0.01) is 0.6, not 0.61.
double RoundDown(double x, double step);
double RoundUp(double x, double step);

}  // namespace pg
