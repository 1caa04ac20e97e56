// The parts of DlibFaceEmbedder (face_embedder.h) that set-up tools and tests use on
// their own: cutting dlib's aligned face chip (model files are read with
// ReadVerifiedModel, model_files.h). In: model bytes; oriented BGR pixels and a face
// box. Out: a 150x150 BGR chip (68-point landmarks, get_face_chip_details(shape, 150, 0.25)).
// FaceChipper owns its landmark model and is immutable once loaded (Chip() keeps no
// state between calls).
#pragma once

#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"
#include "faces/model_files.h"

namespace pg {

/// File names in the models folder (see models/README.md).
inline constexpr const char* kLandmarkModelFile = "shape_predictor_68_face_landmarks.dat";
inline constexpr const char* kFaceRecognitionModelFile = "dlib_face_recognition_resnet_model_v1.dat";

class FaceChipper {
 public:
  static constexpr int kChipSize = 150;
  static constexpr double kChipPadding = 0.25;

  ~FaceChipper();
  FaceChipper(const FaceChipper&) = delete;
  FaceChipper& operator=(const FaceChipper&) = delete;

  /// Loads dlib's 68-point shape predictor from its serialized bytes; `what` names the
  /// source in errors (Status::Config when the bytes are not a shape predictor).
  static Result<std::unique_ptr<FaceChipper>> Deserialize(const Bytes& model,
                                                          const std::string& what);

  /// The aligned 150x150 BGR chip of the face in `box` (which may reach past the image
  /// edge; pixels outside are black). An empty image, a non-CV_8UC3 image or an empty
  /// box is Status::Internal.
  Result<cv::Mat> Chip(const cv::Mat& bgr, const Box& box) const;

 private:
  struct Impl;
  explicit FaceChipper(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pg
