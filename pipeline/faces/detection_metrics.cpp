#include "faces/detection_metrics.h"

#include <algorithm>
#include <numeric>

namespace pg {

double IntersectionOverUnion(const Box& a, const Box& b) {
  if (a.w <= 0 || a.h <= 0 || b.w <= 0 || b.h <= 0) return 0.0;
  const long ix = std::max(0, std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x));
  const long iy = std::max(0, std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y));
  const double inter = double(ix) * double(iy);
  const double uni = double(a.w) * a.h + double(b.w) * b.h - inter;
  return inter / uni;
}

DetectionMatch MatchDetections(const std::vector<TruthBox>& truth, const std::vector<FaceFact>& detections,
                               double min_iou) {
  DetectionMatch m;
  m.truth_to_detection.assign(truth.size(), -1);
  m.detection_matched.assign(detections.size(), false);
  std::vector<size_t> order(detections.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return detections[a].score > detections[b].score; });
  std::vector<bool> taken(truth.size(), false);
  for (size_t d : order) {
    int best = -1;
    double best_iou = min_iou;
    for (size_t t = 0; t < truth.size(); ++t) {
      if (taken[t] && !truth[t].ignore) continue;
      const double iou = IntersectionOverUnion(detections[d].box, truth[t].box);
      if (iou >= best_iou) {
        best_iou = iou;
        best = int(t);
      }
    }
    if (best < 0) {
      ++m.false_positives;
      continue;
    }
    m.detection_matched[d] = true;
    if (!truth[size_t(best)].ignore) {
      taken[size_t(best)] = true;
      m.truth_to_detection[size_t(best)] = int(d);
    }
  }
  return m;
}

std::string SizeBucket::Label() const {
  if (max_px <= 0) return std::to_string(min_px) + "+ px";
  return std::to_string(min_px) + "-" + std::to_string(max_px) + " px";
}

std::vector<SizeBucket> MakeSizeBuckets(const std::vector<int>& lower_edges) {
  std::vector<SizeBucket> buckets;
  for (size_t i = 0; i < lower_edges.size(); ++i)
    buckets.push_back({lower_edges[i], i + 1 < lower_edges.size() ? lower_edges[i + 1] : 0, 0, 0});
  return buckets;
}

void TallyBySize(const std::vector<TruthBox>& truth, const DetectionMatch& match, std::vector<SizeBucket>* buckets) {
  for (size_t t = 0; t < truth.size(); ++t) {
    if (truth[t].ignore) continue;
    const int side = std::min(truth[t].box.w, truth[t].box.h);
    for (SizeBucket& b : *buckets) {
      if (side >= b.min_px && (b.max_px <= 0 || side < b.max_px)) {
        ++b.faces;
        if (match.truth_to_detection[t] >= 0) ++b.found;
        break;
      }
    }
  }
}

}  // namespace pg
