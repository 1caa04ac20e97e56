// dlib HOG adapter. dlib's headers are heavy; they stay in this one file.
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv/cv_image.h>

#include <opencv2/imgproc.hpp>

#include "faces/face_detector.h"

namespace pg {

namespace {

constexpr int kHogWindow = 80;  // dlib's frontal detector window is 80x80

class DlibHogDetector : public FaceDetector {
 public:
  DlibHogDetector(int upsample, int upsample_max_side)
      : detector_(dlib::get_frontal_face_detector()),
        upsample_(upsample),
        upsample_max_side_(upsample_max_side) {}

  Result<std::vector<FaceFact>> Detect(const cv::Mat& bgr) override {
    if (bgr.empty() || bgr.type() != CV_8UC3) {
      return Status::Internal("HOG detector needs an 8-bit 3-channel image");
    }
    try {
      cv::Mat gray;
      cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
      dlib::array2d<unsigned char> img;
      dlib::assign_image(img, dlib::cv_image<unsigned char>(gray));
      int steps = StepsFor(bgr.cols, bgr.rows);
      for (int i = 0; i < steps; ++i) dlib::pyramid_up(img);
      std::vector<dlib::rect_detection> dets;
      detector_(img, dets, 0.0);
      const double scale = static_cast<double>(1 << steps);
      std::vector<FaceFact> faces;
      for (const auto& d : dets) {
        FaceFact f;
        long l = std::max(0L, d.rect.left()), t = std::max(0L, d.rect.top());
        f.box.x = static_cast<int>(l / scale);
        f.box.y = static_cast<int>(t / scale);
        f.box.w = static_cast<int>(std::min<long>(d.rect.right(), img.nc() - 1) / scale) - f.box.x + 1;
        f.box.h = static_cast<int>(std::min<long>(d.rect.bottom(), img.nr() - 1) / scale) - f.box.y + 1;
        f.score = d.detection_confidence;
        f.detector = Name();
        faces.push_back(f);
      }
      return faces;
    } catch (const std::exception& e) {
      return Status::Internal(std::string("dlib HOG detector failed: ") + e.what());
    }
  }

  std::string Name() const override { return "dlib-hog"; }

  int MinFaceSize(int width, int height) const override {
    return kHogWindow >> StepsFor(width, height);
  }

 private:
  int StepsFor(int width, int height) const {
    return std::max(width, height) <= upsample_max_side_ ? upsample_ : 0;
  }

  dlib::frontal_face_detector detector_;
  int upsample_;
  int upsample_max_side_;
};

}  // namespace

std::unique_ptr<FaceDetector> MakeDlibHogDetector(int upsample, int upsample_max_side) {
  return std::make_unique<DlibHogDetector>(upsample, upsample_max_side);
}

}  // namespace pg
