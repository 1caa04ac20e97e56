// match_metrics: hand-made distance lists with exactly known answers.
#include "faces/match_metrics.h"

#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

namespace {

const std::vector<double> kGenuine = {0.30, 0.40, 0.45, 0.50, 0.55, 0.60, 0.62};

/// 1000 impostor distances 0.5000, 0.5005, ..., 0.9995.
std::vector<double> ThousandImpostors() {
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(0.5 + i * 0.0005);
  return v;
}

}  // namespace

TEST_CASE("percentiles interpolate linearly between ranks", "[match_metrics]") {
  const std::vector<double> v = {1, 2, 3, 4};
  CHECK(pg::Percentile(v, 0) == 1);
  CHECK(pg::Percentile(v, 25) == Approx(1.75));
  CHECK(pg::Percentile(v, 50) == Approx(2.5));
  CHECK(pg::Percentile(v, 95) == Approx(3.85));
  CHECK(pg::Percentile(v, 100) == 4);
  CHECK(pg::Percentile({7}, 50) == 7);
}

TEST_CASE("summary statistics of an unsorted list", "[match_metrics]") {
  const pg::DistanceStats s = pg::Summarize({4, 1, 3, 2});
  CHECK(s.count == 4);
  CHECK(s.min == 1);
  CHECK(s.max == 4);
  CHECK(s.mean == Approx(2.5));
  CHECK(s.median == Approx(2.5));
  CHECK(s.p5 == Approx(1.15));
  CHECK(s.p95 == Approx(3.85));
  const pg::DistanceStats none = pg::Summarize({});
  CHECK(none.count == 0);
  CHECK(none.max == 0);
}

TEST_CASE("a distance equal to the threshold counts as a match", "[match_metrics]") {
  const pg::OperatingPoint p = pg::AtThreshold(kGenuine, {0.5, 0.7, 0.9}, 0.5);
  CHECK(p.true_matches == 4);
  CHECK(p.genuine == 7);
  CHECK(p.false_matches == 1);
  CHECK(p.impostor == 3);
  CHECK(p.tmr() == Approx(4.0 / 7));
  CHECK(p.fmr() == Approx(1.0 / 3));
  CHECK(pg::CountAtOrBelow({0.1, 0.2, 0.2, 0.3}, 0.2) == 3);
}

TEST_CASE("FMR 0.1 % of 1000 impostors lets exactly the nearest one match", "[match_metrics]") {
  const auto impostor = ThousandImpostors();
  const pg::OperatingPoint p = pg::AtFalseMatchRate(kGenuine, impostor, 0.001);
  CHECK(p.threshold < 0.5005);
  CHECK(p.threshold == std::nextafter(impostor[1], 0.0));
  CHECK(p.false_matches == 1);
  CHECK(p.fmr() == Approx(0.001));
  CHECK(p.true_matches == 4);  // 0.30 0.40 0.45 0.50

  const pg::OperatingPoint one = pg::AtFalseMatchRate(kGenuine, impostor, 0.01);
  CHECK(one.false_matches == 10);
  CHECK(one.threshold < impostor[10]);
  CHECK(one.threshold > impostor[9]);
  CHECK(one.true_matches == 4);
}

TEST_CASE("the FMR threshold sits just below the first impostor that must not match",
          "[match_metrics]") {
  const std::vector<double> impostor = {0.9, 0.6, 0.7, 0.8};
  const pg::OperatingPoint quarter = pg::AtFalseMatchRate(kGenuine, impostor, 0.25);
  CHECK(quarter.false_matches == 1);  // 0.6
  CHECK(quarter.threshold < 0.7);
  CHECK(quarter.true_matches == 7);

  const pg::OperatingPoint zero = pg::AtFalseMatchRate(kGenuine, impostor, 0.0);
  CHECK(zero.false_matches == 0);
  CHECK(zero.threshold < 0.6);
  CHECK(zero.true_matches == 5);  // 0.60 and 0.62 are not below the nearest impostor

  const pg::OperatingPoint all = pg::AtFalseMatchRate(kGenuine, impostor, 1.0);
  CHECK(std::isinf(all.threshold));
  CHECK(all.false_matches == 4);
}

TEST_CASE("tied impostor distances are excluded together, never half-counted", "[match_metrics]") {
  const pg::OperatingPoint p = pg::AtFalseMatchRate(kGenuine, {0.5, 0.5, 0.7, 0.8}, 0.25);
  CHECK(p.false_matches == 0);
  CHECK(p.threshold < 0.5);
  CHECK(p.true_matches == 3);
}

TEST_CASE("an FMR is resolvable only with at least 1/FMR impostor comparisons", "[match_metrics]") {
  CHECK_FALSE(pg::FmrResolvable(999, 0.001));
  CHECK(pg::FmrResolvable(1000, 0.001));
  CHECK(pg::FmrResolvable(100, 0.01));
  CHECK_FALSE(pg::FmrResolvable(5000, 0.0));
}

TEST_CASE("histogram bins are half-open and outliers fold into the end bins", "[match_metrics]") {
  const auto counts = pg::Histogram({0.1, 0.2, 0.25, 0.39, 0.4, 0.99, -1, 5}, 0, 1, 5);
  CHECK(counts == std::vector<size_t>{2, 3, 1, 0, 2});
}

TEST_CASE("text histogram scales bars to the largest bin", "[match_metrics]") {
  CHECK(pg::TextHistogram({0.1, 0.3, 0.3, 0.5}, 0, 0.6, 3, 4) ==
        "0.00-0.20 | ##   1\n"
        "0.20-0.40 | #### 2\n"
        "0.40-0.60 | ##   1\n");
  // one value among many still shows
  std::vector<double> v(100, 0.1);
  v.push_back(0.9);
  const std::string text = pg::TextHistogram(v, 0, 1, 2, 10, 1);
  CHECK(text == "0.0-0.5 | ########## 100\n0.5-1.0 | #          1\n");
}

TEST_CASE("thresholds round to whole steps without binary-fraction drift", "[match_metrics]") {
  CHECK(pg::RoundUp(0.6, 0.01) == 0.6);
  CHECK(pg::RoundUp(0.601, 0.01) == 0.61);
  CHECK(pg::RoundDown(0.479, 0.01) == 0.47);
  CHECK(pg::RoundDown(0.35, 0.01) == 0.35);
  CHECK(pg::RoundUp(0.35, 0.05) == 0.35);
  CHECK(pg::RoundUp(0.36, 0.05) == 0.4);
}
