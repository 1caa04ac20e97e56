// FakeFaceEmbedder: a deterministic stand-in for the face-recognition network, and
// FakeEnrolmentSource: enrolments held in a vector.
//
// The fake descriptor of a face is the mean colour inside its box: values 0..2 are the
// mean blue, green and red divided by 255, the other 125 are 0. So two faces painted in
// colours whose channels differ by 0.5*255 are at distance 0.5, and tests choose
// distances by choosing colours. At(x) is a descriptor at distance |x - y| from At(y).
// Failures on demand: `fail` (every Embed), or a `fn` that decides per call.
// PaintedFaces() is the matching detector for a FakeFaceDetector::detect_fn: every
// coloured blob a test painted on a white image is a face.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <tuple>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "faces/face_embedder.h"
#include "faces/face_matcher.h"

namespace pg::testing {

class FakeFaceEmbedder : public FaceEmbedder {
 public:
  static constexpr size_t kDims = 128;
  std::string model_id = "fake-model/1";
  bool fail = false;
  int calls = 0;
  /// When set, decides the descriptor instead of the mean colour.
  std::function<Result<FaceDescriptor>(const cv::Mat&, const Box&)> fn;

  Result<FaceDescriptor> Embed(const cv::Mat& bgr, const Box& face) override {
    ++calls;
    if (fail) return Status::Internal("fake embedder failure: no landmarks");
    if (fn) return fn(bgr, face);
    cv::Rect r = cv::Rect(face.x, face.y, face.w, face.h) & cv::Rect(0, 0, bgr.cols, bgr.rows);
    if (r.area() == 0) return Status::BadData("face box outside the image");
    cv::Scalar mean = cv::mean(bgr(r));
    return Colour(mean[0], mean[1], mean[2]);
  }
  std::string ModelId() const override { return model_id; }

  /// The descriptor of a face painted in BGR colour (b, g, r).
  static FaceDescriptor Colour(double b, double g, double r) {
    FaceDescriptor d(kDims, 0.0f);
    d[0] = static_cast<float>(b / 255.0);
    d[1] = static_cast<float>(g / 255.0);
    d[2] = static_cast<float>(r / 255.0);
    return d;
  }
  /// A descriptor on one axis: DescriptorDistance(At(x), At(y)) == |x - y|.
  static FaceDescriptor At(double x) {
    FaceDescriptor d(kDims, 0.0f);
    d[0] = static_cast<float>(x);
    return d;
  }
};

/// Faces a test painted: the bounding box of every blob that is not (near) white and
/// covers at least 16 pixels, in top-to-bottom, left-to-right order.
inline std::vector<FaceFact> PaintedFaces(const cv::Mat& bgr) {
  cv::Mat white, mask;
  cv::inRange(bgr, cv::Scalar(235, 235, 235), cv::Scalar(255, 255, 255), white);
  cv::bitwise_not(white, mask);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  std::vector<cv::Rect> rects;
  for (const auto& c : contours) {
    cv::Rect r = cv::boundingRect(c);
    if (r.area() >= 16) rects.push_back(r);
  }
  std::sort(rects.begin(), rects.end(),
            [](const cv::Rect& a, const cv::Rect& b) { return std::tie(a.y, a.x) < std::tie(b.y, b.x); });
  std::vector<FaceFact> faces;
  for (const auto& r : rects) {
    FaceFact f;
    f.box = {r.x, r.y, r.width, r.height};
    f.score = 1.0;
    f.detector = "fake";
    faces.push_back(f);
  }
  return faces;
}

/// A white w x h image with one filled square face per (rect, BGR colour).
inline cv::Mat PaintFaces(int w, int h, const std::vector<std::pair<cv::Rect, cv::Scalar>>& faces) {
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
  for (const auto& [r, colour] : faces) img(r).setTo(colour);
  return img;
}

class FakeEnrolmentSource : public EnrolmentSource {
 public:
  std::vector<Enrolment> enrolments;
  bool fail = false;

  Result<std::vector<Enrolment>> AllEnrolments() override {
    if (fail) return Status::IoError("fake enrolment store failure");
    return enrolments;
  }

  /// An enrolment of `student_id` with `descriptor`, of model "fake-model/1" by default.
  static Enrolment Make(const std::string& student_id, FaceDescriptor descriptor,
                        const std::string& expires_at = "2027-06-30",
                        const std::string& model_id = "fake-model/1") {
    Enrolment e;
    e.student_id = student_id;
    e.photo_path = "/ref/" + student_id + ".jpg";
    e.photo_sha256 = std::string(64, '0');
    e.model_id = model_id;
    e.descriptor = std::move(descriptor);
    e.enrolled_at = "2026-09-01T00:00:00Z";
    e.expires_at = expires_at;
    return e;
  }
};

}  // namespace pg::testing
