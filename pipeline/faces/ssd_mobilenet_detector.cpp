// SSD MobileNetV1 detector (ssd_mobilenet_detector.h): model loading, face-api's
// preprocessing (NetInput.toBatchTensor, padToSquare, resizeBilinear) and
// post-processing (nonMaxSuppression.ts, SsdMobilenetv1.locateFaces).
#include "faces/ssd_mobilenet_detector.h"

#include <algorithm>
#include <cmath>

#include "faces/model_files.h"
#include "faces/tfjs_weights.h"

namespace pg {

namespace {

/// One output row's (or column's) bilinear taps in the padded square source.
struct Tap {
  int i0 = 0, i1 = 0;
  double frac = 0;
};

std::vector<Tap> Taps(int source_side, int out_side) {
  std::vector<Tap> taps(out_side);
  const double ratio = static_cast<double>(source_side) / out_side;  // alignCorners = false
  for (int o = 0; o < out_side; ++o) {
    const double src = ratio * o;  // halfPixelCenters = false
    taps[o].i0 = static_cast<int>(std::floor(src));
    taps[o].i1 = std::min(source_side - 1, static_cast<int>(std::ceil(src)));
    taps[o].frac = src - taps[o].i0;
  }
  return taps;
}

/// face-api's IOU() over unclipped normalized boxes (min/max make corners ordered).
float Iou(const SsdCandidate& a, const SsdCandidate& b) {
  const float ay0 = std::min(a.ymin, a.ymax), ax0 = std::min(a.xmin, a.xmax);
  const float ay1 = std::max(a.ymin, a.ymax), ax1 = std::max(a.xmin, a.xmax);
  const float by0 = std::min(b.ymin, b.ymax), bx0 = std::min(b.xmin, b.xmax);
  const float by1 = std::max(b.ymin, b.ymax), bx1 = std::max(b.xmin, b.xmax);
  const float area_a = (ay1 - ay0) * (ax1 - ax0), area_b = (by1 - by0) * (bx1 - bx0);
  if (area_a <= 0 || area_b <= 0) return 0;
  const float inter = std::max(std::min(ay1, by1) - std::max(ay0, by0), 0.0f) *
                      std::max(std::min(ax1, bx1) - std::max(ax0, bx0), 0.0f);
  return inter / (area_a + area_b - inter);
}

}  // namespace

Result<cv::Mat> SsdInputBlob(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return Status::Internal("SSD MobileNetV1 needs a non-empty 8-bit 3-channel image");
  }
  constexpr int n = SsdMobilenetNet::kInputSize;
  const int side = std::max(bgr.rows, bgr.cols);
  const std::vector<Tap> taps = Taps(side, n);
  const int sizes[4] = {1, 3, n, n};
  cv::Mat blob(4, sizes, CV_32F);
  float* plane[3] = {blob.ptr<float>(0, 0), blob.ptr<float>(0, 1), blob.ptr<float>(0, 2)};  // R, G, B
  const cv::Vec3b black(0, 0, 0);
  auto pixel = [&](int y, int x) -> const cv::Vec3b& {  // the padded square
    return y < bgr.rows && x < bgr.cols ? bgr.at<cv::Vec3b>(y, x) : black;
  };
  for (int oy = 0; oy < n; ++oy) {
    const Tap& ty = taps[oy];
    for (int ox = 0; ox < n; ++ox) {
      const Tap& tx = taps[ox];
      const cv::Vec3b& tl = pixel(ty.i0, tx.i0);
      const cv::Vec3b& tr = pixel(ty.i0, tx.i1);
      const cv::Vec3b& bl = pixel(ty.i1, tx.i0);
      const cv::Vec3b& br = pixel(ty.i1, tx.i1);
      for (int c = 0; c < 3; ++c) {
        const int bgr_c = 2 - c;
        const double top = tl[bgr_c] + (tr[bgr_c] - tl[bgr_c]) * tx.frac;
        const double bottom = bl[bgr_c] + (br[bgr_c] - bl[bgr_c]) * tx.frac;
        const float value = static_cast<float>(top + (bottom - top) * ty.frac);
        plane[c][oy * n + ox] = value / 127.5f - 1.0f;
      }
    }
  }
  return blob;
}

std::vector<int> SsdNonMaxSuppression(const std::vector<SsdCandidate>& candidates, float min_score,
                                      float iou, int max_results) {
  std::vector<int> order;
  for (int i = 0; i < static_cast<int>(candidates.size()); ++i) {
    if (candidates[i].score > min_score) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return candidates[a].score > candidates[b].score; });
  std::vector<int> kept;
  for (int i : order) {
    if (static_cast<int>(kept.size()) >= max_results) break;
    const bool suppressed = std::any_of(kept.begin(), kept.end(), [&](int k) {
      return Iou(candidates[i], candidates[k]) > iou;
    });
    if (!suppressed) kept.push_back(i);
  }
  return kept;
}

Result<std::unique_ptr<SsdMobilenetDetector>> SsdMobilenetDetector::Load(const std::string& models_dir,
                                                                         float min_score) {
  if (!(min_score > 0 && min_score < 1)) {
    return Status::Config("SSD MobileNetV1: minimum face score must be between 0 and 1 (exclusive), got " +
                          std::to_string(min_score));
  }
  Result<Bytes> manifest = ReadVerifiedModel(models_dir, kSsdManifestFile);
  if (!manifest.ok()) return manifest.status();
  // Every weight file the manifest names is checked against manifest.txt too.
  const std::string what = models_dir + "/" + kSsdManifestFile;
  Result<TfjsWeights> weights = ParseTfjsWeights(
      *manifest, [&](const std::string& path) { return ReadVerifiedModel(models_dir, path); }, what);
  if (!weights.ok()) {
    return weights.status().code() == Code::kConfig ? weights.status()
                                                    : Status::Config(weights.status().message());
  }
  Result<std::unique_ptr<SsdMobilenetNet>> net = SsdMobilenetNet::FromTfjsWeights(*weights);
  if (!net.ok()) return Status::Config(what + ": " + net.status().message());
  return std::unique_ptr<SsdMobilenetDetector>(new SsdMobilenetDetector(std::move(*net), min_score));
}

Result<std::vector<SsdCandidate>> SsdMobilenetDetector::Candidates(const cv::Mat& bgr) {
  Result<cv::Mat> blob = SsdInputBlob(bgr);
  if (!blob.ok()) return blob.status();
  return net_->Forward(*blob);
}

Result<std::vector<SsdFace>> SsdMobilenetDetector::DetectFaces(const cv::Mat& bgr) {
  Result<std::vector<SsdCandidate>> candidates = Candidates(bgr);
  if (!candidates.ok()) return candidates.status();
  // Fractions of the padded square -> pixels; boxes are clipped to the image itself.
  const float side = static_cast<float>(std::max(bgr.rows, bgr.cols));
  auto to_px = [side](float v, int limit) {
    return std::clamp(std::clamp(v, 0.0f, 1.0f) * side, 0.0f, static_cast<float>(limit));
  };
  std::vector<SsdFace> faces;
  for (int i : SsdNonMaxSuppression(*candidates, min_score_, kSsdNmsIou, kSsdMaxResults)) {
    const SsdCandidate& c = (*candidates)[i];
    SsdFace f;
    f.x = to_px(c.xmin, bgr.cols);
    f.y = to_px(c.ymin, bgr.rows);
    f.w = to_px(c.xmax, bgr.cols) - f.x;
    f.h = to_px(c.ymax, bgr.rows) - f.y;
    f.score = c.score;
    if (f.w > 0 && f.h > 0) faces.push_back(f);
  }
  return faces;
}

Result<std::vector<FaceFact>> SsdMobilenetDetector::Detect(const cv::Mat& bgr) {
  Result<std::vector<SsdFace>> found = DetectFaces(bgr);
  if (!found.ok()) return found.status();
  std::vector<FaceFact> faces;
  for (const SsdFace& s : *found) {
    FaceFact f;
    f.box.x = static_cast<int>(std::floor(s.x));
    f.box.y = static_cast<int>(std::floor(s.y));
    f.box.w = std::max(1, static_cast<int>(std::ceil(s.x + s.w)) - f.box.x);
    f.box.h = std::max(1, static_cast<int>(std::ceil(s.y + s.h)) - f.box.y);
    f.score = s.score;
    f.detector = Name();
    faces.push_back(f);
  }
  return faces;
}

int SsdMobilenetDetector::MinFaceSize(int width, int height) const {
  const double side = std::max(width, height);
  return static_cast<int>(std::ceil(kSsdMinFaceInput * side / SsdMobilenetNet::kInputSize));
}

Result<std::unique_ptr<FaceDetector>> MakeSsdMobilenetDetector(const std::string& models_dir,
                                                               float min_score) {
  Result<std::unique_ptr<SsdMobilenetDetector>> d = SsdMobilenetDetector::Load(models_dir, min_score);
  if (!d.ok()) return d.status();
  return std::unique_ptr<FaceDetector>(std::move(*d));
}

}  // namespace pg
