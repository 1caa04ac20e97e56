// SsdMobilenetNet: face-api.js's SSD MobileNetV1 face detector (trained on WIDER FACE)
// rebuilt as an OpenCV DNN network, layer by layer, from face-api's tfjs tensors.
//
// In: the parsed weights (tfjs_weights.h) once; then a [1,3,512,512] float blob, RGB
// scaled to [-1,1]. Out: for each of the 5118 anchors, its decoded box (normalized to the
// network input) and face score, in face-api's anchor order, before any threshold or
// non-maximum suppression. Owns its cv::dnn::Net; Forward() is not thread-safe (one
// instance per thread); the thread count is OpenCV's global setting (cv::setNumThreads).
#pragma once

#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "faces/tfjs_weights.h"

namespace pg {

/// One anchor's prediction. Coordinates are fractions of the network input side (the
/// padded, resized square), as face-api's outputLayer returns them: not clipped.
struct SsdCandidate {
  float ymin = 0, xmin = 0, ymax = 0, xmax = 0;
  float score = 0;  ///< sigmoid of the "face" class logit
};

class SsdMobilenetNet {
 public:
  static constexpr int kInputSize = 512;     ///< input side, pixels
  static constexpr int kNumAnchors = 5118;   ///< 32x32x3 + (16x16 + 8x8 + 4x4 + 2x2 + 1x1) x 6

  ~SsdMobilenetNet();
  SsdMobilenetNet(const SsdMobilenetNet&) = delete;
  SsdMobilenetNet& operator=(const SsdMobilenetNet&) = delete;

  /// Builds the network from face-api's ssd_mobilenetv1 tensors (MobilenetV1/*,
  /// Prediction/*, Output/extra_dim). A missing tensor or a shape that does not fit the
  /// architecture is Status::BadData naming the tensor; an OpenCV failure is
  /// Status::Internal.
  static Result<std::unique_ptr<SsdMobilenetNet>> FromTfjsWeights(const TfjsWeights& weights);

  /// Runs the network on `blob` (CV_32F, dims {1, 3, 512, 512}, RGB, x / 127.5 - 1) and
  /// decodes every anchor (box scale factors 10, 10, 5, 5). Returns kNumAnchors
  /// candidates. A blob of another shape, or an OpenCV failure, is Status::Internal.
  Result<std::vector<SsdCandidate>> Forward(const cv::Mat& blob);

 private:
  struct Impl;
  explicit SsdMobilenetNet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pg
