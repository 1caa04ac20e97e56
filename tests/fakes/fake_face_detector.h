// FakeFaceDetector: returns the faces it is told to, or fails on demand.
#pragma once

#include <functional>

#include "faces/face_detector.h"

namespace pg::testing {

class FakeFaceDetector : public FaceDetector {
 public:
  std::vector<FaceFact> faces;  ///< returned by every Detect() (unless detect_fn is set)
  /// When set, decides the faces per image instead of `faces`.
  std::function<std::vector<FaceFact>(const cv::Mat&)> detect_fn;
  bool fail = false;            ///< Detect() returns an Internal error
  /// When > 0, only that call (1-based, counted over the fake's life) fails: e.g. 2 = the
  /// pipeline's second pass over one image (the colours under transparency).
  int fail_call = 0;
  int calls = 0;
  std::string name = "fake";    ///< Name()
  int min_face = 40;            ///< MinFaceSize() for every image size

  Result<std::vector<FaceFact>> Detect(const cv::Mat& bgr) override {
    ++calls;
    if (fail || calls == fail_call) return Status::Internal("fake detector failure");
    return detect_fn ? detect_fn(bgr) : faces;
  }
  std::string Name() const override { return name; }
  int MinFaceSize(int, int) const override { return min_face; }

  /// One face of the given box.
  static FaceFact Face(int x, int y, int w, int h) {
    FaceFact f;
    f.box = {x, y, w, h};
    f.score = 1.0;
    f.detector = "fake";
    return f;
  }
};

}  // namespace pg::testing
