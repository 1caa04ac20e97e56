// SsdMobilenetDetector: face-api.js's SSD MobileNetV1 face detector (WIDER FACE) on
// OpenCV DNN, one pass over the whole image, preprocessed and post-processed as
// face-api.js does it (pad bottom/right to a square, resize to 512, non-maximum
// suppression at IoU 0.5, at most 100 faces).
// In: oriented BGR pixels (CV_8UC3). Out: faces with boxes in those pixels and the
// sigmoid face score. One pass misses faces below MinFaceSize() and faces that fill most
// of the frame (tight face crops: 6/40 found; 40/40 with a margin of one crop width).
// Owns its network (models/ssd_mobilenetv1_model.bin + manifest, checked against
// models/manifest.txt at load). One instance per thread; the thread count of a pass is
// OpenCV's global setting (cv::setNumThreads), left to the caller.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "faces/face_detector.h"
#include "faces/ssd_mobilenet_net.h"

namespace pg {

/// File names in the models folder (see models/README.md).
inline constexpr const char* kSsdModelFile = "ssd_mobilenetv1_model.bin";
inline constexpr const char* kSsdManifestFile = "ssd_mobilenetv1_model-weights_manifest.json";
/// face-api's default minConfidence (SsdMobilenetv1Options), which its golden boxes use.
inline constexpr float kSsdDefaultMinScore = 0.5f;
/// face-api's defaults: maxResults, and the IoU above which a weaker box is suppressed.
inline constexpr int kSsdMaxResults = 100;
inline constexpr float kSsdNmsIou = 0.5f;
/// Smallest face side, in pixels of the 512-px network input, found reliably in one pass.
/// Measured on the 41 annotated faces of shared testdata, rescaled onto a 512-px canvas:
/// 40/41 found at 20 and 24 px, 29/41 at 16 px (ssd_mobilenet_detector_test.cpp).
inline constexpr int kSsdMinFaceInput = 24;

/// A detection in pixels of the image given, clipped to it; not rounded.
struct SsdFace {
  float x = 0, y = 0, w = 0, h = 0;
  float score = 0;  ///< sigmoid face score, in (min_score, 1)
};

/// The network input for `bgr`: RGB, zero-padded at the bottom or right to a square of
/// side max(rows, cols), resized to 512x512 with TensorFlow's bilinear resize
/// (alignCorners = false, halfPixelCenters = false, as tf.image.resizeBilinear in
/// face-api), scaled x / 127.5 - 1; dims {1, 3, 512, 512}, CV_32F. A non-CV_8UC3 or
/// empty image is Status::Internal.
Result<cv::Mat> SsdInputBlob(const cv::Mat& bgr);

/// face-api's nonMaxSuppression: candidates scoring above `min_score`, strongest first
/// (ties in anchor order), each kept unless it overlaps a kept one by IoU > `iou`; at
/// most `max_results`. Returns indices into `candidates`.
std::vector<int> SsdNonMaxSuppression(const std::vector<SsdCandidate>& candidates, float min_score,
                                      float iou, int max_results);

class SsdMobilenetDetector : public FaceDetector {
 public:
  /// Loads the two model files from `models_dir`, each checked against manifest.txt.
  /// A missing, unlisted or altered file, weights that do not fit the network, or a
  /// `min_score` outside (0, 1) is Status::Config (exit 78) naming the file or value.
  static Result<std::unique_ptr<SsdMobilenetDetector>> Load(const std::string& models_dir,
                                                           float min_score);

  /// Faces in `bgr`, boxes rounded outwards to whole pixels.
  Result<std::vector<FaceFact>> Detect(const cv::Mat& bgr) override;
  /// The same faces with unrounded boxes, strongest first.
  Result<std::vector<SsdFace>> DetectFaces(const cv::Mat& bgr);
  /// Every anchor's candidate before the score threshold and suppression (coordinates
  /// are fractions of the padded square), kNumAnchors of them.
  Result<std::vector<SsdCandidate>> Candidates(const cv::Mat& bgr);

  std::string Name() const override { return "ssd-mobilenetv1"; }
  /// kSsdMinFaceInput scaled from the 512-px input back to the image: one pass does not
  /// reliably see faces smaller than max(width, height) * 24 / 512 (rounded up).
  int MinFaceSize(int width, int height) const override;
  float min_score() const { return min_score_; }

 private:
  SsdMobilenetDetector(std::unique_ptr<SsdMobilenetNet> net, float min_score)
      : net_(std::move(net)), min_score_(min_score) {}
  std::unique_ptr<SsdMobilenetNet> net_;
  float min_score_;
};

/// SsdMobilenetDetector::Load as a FaceDetector.
Result<std::unique_ptr<FaceDetector>> MakeSsdMobilenetDetector(const std::string& models_dir,
                                                               float min_score);

}  // namespace pg
