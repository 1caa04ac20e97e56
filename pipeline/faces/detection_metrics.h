// Detection metrics: how well a face detector's boxes agree with ground truth.
//
// In: ground-truth boxes and detections of one image (borrowed). Out: which detection matched
// which ground-truth face, greedily by score (the PASCAL VOC rule), and per-size tallies. Used
// by the evaluation tool (tools/eval-detection) and tests; pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/image_record.h"

namespace pg {

/// Intersection over union of two boxes; 0 when either is empty.
double IntersectionOverUnion(const Box& a, const Box& b);

/// Ground-truth box with a flag for faces that count neither way (dlib's ignore='1').
struct TruthBox {
  Box box;
  bool ignore = false;
};

struct DetectionMatch {
  std::vector<int> truth_to_detection;  ///< per truth box: matched detection index, or -1
  std::vector<bool> detection_matched;  ///< per detection: matched a truth box (or an ignored one)
  int false_positives = 0;              ///< detections matching nothing
};

/// Greedy matching: detections in descending score order each take the not-yet-taken truth
/// box with the highest IoU >= min_iou. A detection on an ignored box is neither a hit nor a
/// false positive.
DetectionMatch MatchDetections(const std::vector<TruthBox>& truth, const std::vector<FaceFact>& detections,
                               double min_iou);

/// Per face-size bucket tallies; the size of a face is the shorter side of its truth box.
struct SizeBucket {
  int min_px = 0, max_px = 0;  ///< [min_px, max_px)
  int faces = 0, found = 0;
  double Recall() const { return faces == 0 ? 0.0 : double(found) / faces; }
  std::string Label() const;   ///< "30-40 px", "300+ px"
};

/// Buckets with the given lower edges (ascending); the last one is open-ended.
std::vector<SizeBucket> MakeSizeBuckets(const std::vector<int>& lower_edges);

/// Adds one image's outcome to the buckets (ignored truth boxes are skipped).
void TallyBySize(const std::vector<TruthBox>& truth, const DetectionMatch& match, std::vector<SizeBucket>* buckets);

}  // namespace pg
