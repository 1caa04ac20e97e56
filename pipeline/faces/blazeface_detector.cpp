// BlazeFace adapter. The ONNX graphs (keijiro's Barracuda conversion of MediaPipe's tflite
// models) take NHWC float input in [-1,1], RGB, and give four outputs: logits for the
// 16x16x2 and 8x8x6 anchors ("Identity:0", "Identity_1:0") and 16 regressors per anchor
// ("Identity_2:0", "Identity_3:0"). The package's own decoder (Shaders/Postprocess1Kernel.hlsl)
// uses the same anchor centres, (cell + 0.5) / cells, and box = anchor + regressor / size.
#include "faces/blazeface_detector.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "faces/onnx_model.h"

namespace pg {

namespace {

constexpr float kRawScoreClip = 100.0f;  // MediaPipe's score_clipping_thresh
constexpr int kRegressorsPerAnchor = 16;
constexpr int kAnchorsPerLayer = 2;  // aspect ratio 1.0 + interpolated_scale_aspect_ratio 1.0
constexpr int kAnchorCount = 896;
// Smallest face found in one pass, in network-input pixels. Measured by shrinking the 69
// identity portraits onto a grey input at five positions relative to the anchor grid: every
// face found from 29 px (back, 11% of the input side) and 31 px (front, 24%) up to 64 px;
// at 24-28 px one to three of 69 are missed depending on position. The test "finds faces
// of MinFaceSize anywhere in a larger image" checks these values.
constexpr int kBackMinFaceInput = 29;
constexpr int kFrontMinFaceInput = 31;

struct Output {
  const char* name;
  int anchors;
  int values;  // per anchor
};
constexpr Output kOutputs[] = {{"Identity:0", 512, 1},
                               {"Identity_1:0", 384, 1},
                               {"Identity_2:0", 512, kRegressorsPerAnchor},
                               {"Identity_3:0", 384, kRegressorsPerAnchor}};

float Iou(const BlazeDetection& a, const BlazeDetection& b) {
  const float iw = std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin);
  const float ih = std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin);
  if (iw <= 0 || ih <= 0) return 0.0f;
  const float inter = iw * ih;
  const float uni = (a.xmax - a.xmin) * (a.ymax - a.ymin) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

class BlazeFaceDetector : public FaceDetector {
 public:
  BlazeFaceDetector(cv::dnn::Net net, BlazeFaceModel model, float min_score)
      : net_(std::move(net)),
        model_(model),
        size_(BlazeFaceInputSize(model)),
        min_score_(min_score),
        anchors_(BlazeFaceAnchors(model)) {
    for (const Output& o : kOutputs) names_.emplace_back(o.name);
  }

  /// One pass on a black input; checks the outputs have the expected shapes.
  Status CheckGraph(const std::string& what) {
    std::vector<cv::Mat> outs;
    Status s = Run(cv::Mat(size_, size_, CV_8UC3, cv::Scalar::all(0)), &outs);
    if (!s.ok()) return Status::Config(what + ": not a BlazeFace network (" + s.message() + ")");
    for (size_t i = 0; i < outs.size(); ++i) {
      const Output& o = kOutputs[i];
      if (outs[i].total() != static_cast<size_t>(o.anchors) * o.values) {
        return Status::Config(what + ": output " + o.name + " has " +
                              std::to_string(outs[i].total()) + " values, expected " +
                              std::to_string(o.anchors * o.values) + ": not a BlazeFace network");
      }
    }
    return Status::Ok();
  }

  Result<std::vector<FaceFact>> Detect(const cv::Mat& bgr) override {
    if (bgr.empty() || bgr.type() != CV_8UC3) {
      return Status::Internal(Name() + " detector needs a non-empty 8-bit 3-channel image");
    }
    // Letterbox: scale the longer side to the input size, centre, pad with black (-1).
    const double scale = static_cast<double>(size_) / std::max(bgr.cols, bgr.rows);
    const int rw = std::clamp(static_cast<int>(std::lround(bgr.cols * scale)), 1, size_);
    const int rh = std::clamp(static_cast<int>(std::lround(bgr.rows * scale)), 1, size_);
    const int off_x = (size_ - rw) / 2, off_y = (size_ - rh) / 2;
    std::vector<cv::Mat> outs;
    try {
      cv::Mat input(size_, size_, CV_8UC3, cv::Scalar::all(0));
      cv::resize(bgr, input(cv::Rect(off_x, off_y, rw, rh)), cv::Size(rw, rh), 0, 0,
                 scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
      Status s = Run(input, &outs);
      if (!s.ok()) return s;
    } catch (const std::exception& e) {
      return Status::Internal(Name() + " preprocessing failed: " + e.what());
    }
    std::vector<float> scores(kAnchorCount), regressors(kAnchorCount * kRegressorsPerAnchor);
    std::copy_n(outs[0].ptr<float>(), 512, scores.begin());
    std::copy_n(outs[1].ptr<float>(), 384, scores.begin() + 512);
    std::copy_n(outs[2].ptr<float>(), 512 * kRegressorsPerAnchor, regressors.begin());
    std::copy_n(outs[3].ptr<float>(), 384 * kRegressorsPerAnchor,
                regressors.begin() + 512 * kRegressorsPerAnchor);
    std::vector<BlazeDetection> dets = WeightedNonMaxSuppression(
        DecodeBlazeFace(scores.data(), regressors.data(), anchors_, size_, min_score_),
        kBlazeFaceNmsIou);

    // Back to the image's pixels; boxes reaching past the edge are clipped to it.
    const double sx = static_cast<double>(bgr.cols) / rw, sy = static_cast<double>(bgr.rows) / rh;
    std::vector<FaceFact> faces;
    for (const BlazeDetection& d : dets) {
      const auto box = ClippedFaceBox((d.xmin * size_ - off_x) * sx, (d.ymin * size_ - off_y) * sy,
                                      (d.xmax * size_ - off_x) * sx, (d.ymax * size_ - off_y) * sy, bgr.size());
      if (!box) continue;  // entirely in the padding
      FaceFact f;
      f.box = *box;
      f.score = d.score;
      f.detector = Name();
      faces.push_back(std::move(f));
    }
    return faces;
  }

  std::string Name() const override {
    return model_ == BlazeFaceModel::kBackRange256 ? "blazeface-back" : "blazeface-front";
  }

  int MinFaceSize(int width, int height) const override {
    const double px = static_cast<double>(BlazeFaceMinFaceInput(model_)) *
                      std::max(width, height) / size_;
    return static_cast<int>(std::ceil(px));
  }

 private:
  /// BGR input_size x input_size pixels -> the four outputs, in kOutputs order.
  Status Run(const cv::Mat& bgr_square, std::vector<cv::Mat>* outs) {
    try {
      cv::Mat rgb, input;
      cv::cvtColor(bgr_square, rgb, cv::COLOR_BGR2RGB);
      rgb.convertTo(input, CV_32F, 1.0 / 127.5, -1.0);  // [0,255] -> [-1,1]
      const int shape[] = {1, size_, size_, 3};            // NHWC
      net_.setInput(cv::Mat(4, shape, CV_32F, input.ptr<float>()));
      net_.forward(*outs, names_);
    } catch (const std::exception& e) {
      return Status::Internal(Name() + " network failed: " + e.what());
    }
    return Status::Ok();
  }

  cv::dnn::Net net_;
  BlazeFaceModel model_;
  int size_;
  float min_score_;
  std::vector<BlazeAnchor> anchors_;
  std::vector<std::string> names_;
};

}  // namespace

int BlazeFaceInputSize(BlazeFaceModel model) {
  return model == BlazeFaceModel::kBackRange256 ? 256 : 128;
}

int BlazeFaceMinFaceInput(BlazeFaceModel model) {
  return model == BlazeFaceModel::kBackRange256 ? kBackMinFaceInput : kFrontMinFaceInput;
}

std::vector<BlazeAnchor> BlazeFaceAnchors(BlazeFaceModel model) {
  const int size = BlazeFaceInputSize(model);
  const std::vector<int> strides = model == BlazeFaceModel::kBackRange256
                                       ? std::vector<int>{16, 32, 32, 32}
                                       : std::vector<int>{8, 16, 16, 16};
  constexpr float kOffset = 0.5f;  // anchor_offset_x / _y
  std::vector<BlazeAnchor> anchors;
  for (size_t layer = 0; layer < strides.size();) {
    // Consecutive layers with the same stride share one feature map.
    size_t last = layer;
    while (last < strides.size() && strides[last] == strides[layer]) ++last;
    const int per_cell = static_cast<int>(last - layer) * kAnchorsPerLayer;
    const int cells = (size + strides[layer] - 1) / strides[layer];
    for (int y = 0; y < cells; ++y) {
      for (int x = 0; x < cells; ++x) {
        const BlazeAnchor a{(x + kOffset) / cells, (y + kOffset) / cells};
        anchors.insert(anchors.end(), per_cell, a);
      }
    }
    layer = last;
  }
  return anchors;
}

std::vector<BlazeDetection> DecodeBlazeFace(const float* raw_scores, const float* regressors,
                                            const std::vector<BlazeAnchor>& anchors,
                                            int input_size, float min_score) {
  std::vector<BlazeDetection> out;
  const float inv = 1.0f / static_cast<float>(input_size);
  for (size_t i = 0; i < anchors.size(); ++i) {
    const float raw = std::clamp(raw_scores[i], -kRawScoreClip, kRawScoreClip);
    const float score = 1.0f / (1.0f + std::exp(-raw));
    if (score < min_score) continue;
    const float* r = regressors + i * kRegressorsPerAnchor;
    const float cx = anchors[i].x + r[0] * inv, cy = anchors[i].y + r[1] * inv;
    const float w = r[2] * inv, h = r[3] * inv;
    if (!(w > 0 && h > 0)) continue;  // a degenerate (or NaN) box is no face box
    out.push_back({cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score});
  }
  return out;
}

std::vector<BlazeDetection> WeightedNonMaxSuppression(std::vector<BlazeDetection> detections,
                                                      float iou_threshold) {
  std::stable_sort(detections.begin(), detections.end(),
                   [](const BlazeDetection& a, const BlazeDetection& b) { return a.score > b.score; });
  std::vector<BlazeDetection> out;
  while (!detections.empty()) {
    const BlazeDetection best = detections.front();
    BlazeDetection sum{0, 0, 0, 0, best.score};
    float weight = 0;
    std::vector<BlazeDetection> rest;
    for (const BlazeDetection& d : detections) {
      if (&d == &detections.front() || Iou(best, d) > iou_threshold) {
        sum.xmin += d.xmin * d.score;
        sum.ymin += d.ymin * d.score;
        sum.xmax += d.xmax * d.score;
        sum.ymax += d.ymax * d.score;
        weight += d.score;
      } else {
        rest.push_back(d);
      }
    }
    sum.xmin /= weight;
    sum.ymin /= weight;
    sum.xmax /= weight;
    sum.ymax /= weight;
    out.push_back(sum);
    detections = std::move(rest);
  }
  return out;
}

Result<std::unique_ptr<FaceDetector>> MakeBlazeFaceDetector(const std::string& models_dir,
                                                            BlazeFaceModel model, float min_score) {
  if (!(min_score > 0.0f && min_score < 1.0f)) {
    return Status::Config("BlazeFace min score must be between 0 and 1, got " +
                          std::to_string(min_score));
  }
  const char* file = model == BlazeFaceModel::kBackRange256 ? kBlazeFaceBackModelFile
                                                            : kBlazeFaceFrontModelFile;
  Result<cv::dnn::Net> net = LoadVerifiedOnnx(models_dir, file);
  if (!net.ok()) return net.status();
  const std::string what = models_dir + "/" + file;
  auto detector = std::make_unique<BlazeFaceDetector>(std::move(*net), model, min_score);
  Status checked = detector->CheckGraph(what);
  if (!checked.ok()) return checked;
  return std::unique_ptr<FaceDetector>(std::move(detector));
}

}  // namespace pg
