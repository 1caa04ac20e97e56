// FaceDetector: finds faces in oriented BGR pixels. Boxes are in the pixels given.
// Implementations: DlibHogDetector (built in, no model file), CNN detectors, and the
// decorators TiledDetector and EnsembleDetector; detector_factory.h builds the configured
// one (`--detector`). Tests use fakes.
// A detector instance is used from one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

class FaceDetector {
 public:
  virtual ~FaceDetector() = default;
  /// Faces in `bgr` (CV_8UC3). An error means the image could not be analysed; the
  /// caller must then treat faces as unknown (fail closed), not as "no faces".
  virtual Result<std::vector<FaceFact>> Detect(const cv::Mat& bgr) = 0;
  /// Stable name used in reports, e.g. "dlib-hog".
  virtual std::string Name() const = 0;
  /// Smallest face side, in pixels of the given image, that this detector reliably finds
  /// for an image of the given size (reported so reviewers know what was not looked for).
  virtual int MinFaceSize(int width, int height) const = 0;
};

/// A detector's box with corners (x0, y0)-(x1, y1) in `image` pixels, rounded outward to whole
/// pixels and clipped to the image; nullopt when nothing of it is inside the image.
std::optional<Box> ClippedFaceBox(double x0, double y0, double x1, double y1, cv::Size image);

/// dlib's HOG + linear SVM frontal face detector (get_frontal_face_detector()). Finds
/// frontal faces of about 80 px; with `upsample` 2x steps, 80/2^n px. Upsampling is
/// applied only when the image's longer side is <= upsample_max_side (cost grows 4x per step).
std::unique_ptr<FaceDetector> MakeDlibHogDetector(int upsample, int upsample_max_side);

}  // namespace pg
