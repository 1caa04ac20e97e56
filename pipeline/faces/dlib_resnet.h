// DlibResnet: dlib's 128-D face-recognition ResNet (the `anet_type` of dlib's
// dnn_face_recognition_ex) behind a plain interface, so that dlib_resnet.cpp is the one
// translation unit that instantiates the network (it takes ~50 s to compile).
// In: a 150x150 BGR face chip (CV_8UC3) cut as dlib's get_face_chip_details(shape, 150,
// 0.25) does. Out: 128 floats. Built from face-api's tfjs tensors (the set-up converter)
// or from the dlib-serialized file; owns the network. Not thread-safe: one per thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"
#include "faces/face_embedder.h"
#include "faces/tfjs_weights.h"

namespace pg {

class DlibResnet {
 public:
  static constexpr int kChipSize = 150;     ///< input side, pixels
  static constexpr int kDescriptorSize = 128;

  ~DlibResnet();
  DlibResnet(const DlibResnet&) = delete;
  DlibResnet& operator=(const DlibResnet&) = delete;

  /// Builds the network from face-api's 117 tensors, in manifest order (29 conv units of
  /// filters, bias, scale weights, scale biases, then "fc"). Any other name, order or
  /// shape is Status::BadData naming the first tensor that does not fit.
  static Result<std::unique_ptr<DlibResnet>> FromTfjsTensors(
      const std::vector<NamedTensor>& tensors);

  /// Reads a network serialized by Serialize() (or dlib's own
  /// dlib_face_recognition_resnet_model_v1.dat). `what` names the source in errors.
  static Result<std::unique_ptr<DlibResnet>> Deserialize(const Bytes& data,
                                                         const std::string& what);

  /// dlib's serialization of the network (no cached activations: the same weights
  /// always give the same bytes).
  Result<Bytes> Serialize();

  /// The descriptor of one chip (dlib's input scaling: (x - channel mean) / 256). A chip
  /// that is not 150x150 CV_8UC3 is Status::Internal; so is a dlib failure.
  Result<FaceDescriptor> Describe(const cv::Mat& bgr_chip);

 private:
  struct Impl;
  explicit DlibResnet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pg
