#include <catch2/catch.hpp>

#include "faces/detection_metrics.h"

namespace {

pg::FaceFact Det(int x, int y, int w, int h, double score) {
  pg::FaceFact f;
  f.box = {x, y, w, h};
  f.score = score;
  return f;
}

}  // namespace

TEST_CASE("IoU of identical, disjoint, half-overlapping and empty boxes", "[detection-metrics]") {
  CHECK(pg::IntersectionOverUnion({0, 0, 10, 10}, {0, 0, 10, 10}) == Approx(1.0));
  CHECK(pg::IntersectionOverUnion({0, 0, 10, 10}, {20, 20, 10, 10}) == 0.0);
  // 50 px shared of 100 + 100 - 50
  CHECK(pg::IntersectionOverUnion({0, 0, 10, 10}, {5, 0, 10, 10}) == Approx(50.0 / 150.0));
  CHECK(pg::IntersectionOverUnion({0, 0, 0, 10}, {0, 0, 10, 10}) == 0.0);
}

TEST_CASE("the highest-scoring detection takes a face, a duplicate is a false positive", "[detection-metrics]") {
  const std::vector<pg::TruthBox> truth = {{{100, 100, 40, 40}, false}, {{300, 100, 40, 40}, false}};
  const std::vector<pg::FaceFact> dets = {Det(102, 101, 40, 40, 0.6), Det(98, 99, 42, 42, 0.9),
                                          Det(600, 600, 40, 40, 0.95)};
  const pg::DetectionMatch m = pg::MatchDetections(truth, dets, 0.3);
  CHECK(m.truth_to_detection == std::vector<int>{1, -1});
  CHECK(m.detection_matched == std::vector<bool>{false, true, false});
  CHECK(m.false_positives == 2);
}

TEST_CASE("a detection below the IoU floor does not count as found", "[detection-metrics]") {
  const std::vector<pg::TruthBox> truth = {{{0, 0, 100, 100}, false}};
  // a 40x40 box inside a 100x100 face: IoU 0.16
  const pg::DetectionMatch m = pg::MatchDetections(truth, {Det(30, 30, 40, 40, 1.0)}, 0.3);
  CHECK(m.truth_to_detection[0] == -1);
  CHECK(m.false_positives == 1);
}

TEST_CASE("a detection on an ignored face is neither a hit nor a false positive", "[detection-metrics]") {
  const std::vector<pg::TruthBox> truth = {{{0, 0, 50, 50}, true}, {{200, 0, 50, 50}, false}};
  const pg::DetectionMatch m = pg::MatchDetections(truth, {Det(0, 0, 50, 50, 0.8), Det(1, 1, 50, 50, 0.7)}, 0.5);
  CHECK(m.false_positives == 0);
  CHECK(m.truth_to_detection == std::vector<int>{-1, -1});
  std::vector<pg::SizeBucket> buckets = pg::MakeSizeBuckets({0, 100});
  pg::TallyBySize(truth, m, &buckets);
  CHECK(buckets[0].faces == 1);  // the ignored face is not counted
  CHECK(buckets[0].found == 0);
}

TEST_CASE("faces are tallied in the bucket of their shorter side", "[detection-metrics]") {
  const std::vector<pg::TruthBox> truth = {{{0, 0, 35, 80}, false},    // 35 -> 30-40
                                           {{100, 0, 40, 40}, false},  // 40 -> 40-60
                                           {{200, 0, 400, 300}, false}};  // 300 -> 300+
  const pg::DetectionMatch m = pg::MatchDetections(truth, {Det(100, 0, 40, 40, 1.0)}, 0.3);
  std::vector<pg::SizeBucket> buckets = pg::MakeSizeBuckets({30, 40, 60, 300});
  pg::TallyBySize(truth, m, &buckets);
  CHECK(buckets[0].faces == 1);
  CHECK(buckets[0].found == 0);
  CHECK(buckets[1].faces == 1);
  CHECK(buckets[1].found == 1);
  CHECK(buckets[1].Recall() == Approx(1.0));
  CHECK(buckets[2].faces == 0);
  CHECK(buckets[3].faces == 1);
  CHECK(buckets[3].Label() == "300+ px");
  CHECK(buckets[0].Label() == "30-40 px");
}
