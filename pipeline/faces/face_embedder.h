// FaceEmbedder: turns one detected face into a 128-D descriptor for recognition.
//
// In: oriented BGR pixels (CV_8UC3) and a face box in them. Out: the descriptor, or an
// error (no landmarks could be fitted, the model failed). Descriptors of the same person
// are close in Euclidean distance. The real implementation (DlibFaceEmbedder: dlib's
// 68-point landmarks, 150x150 chip with 0.25 padding, dlib's ResNet "anet_type"
// converted from face-api's weights) is created from model files checked against
// models/manifest.txt; tests use a fake. One instance per thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

using FaceDescriptor = std::vector<float>;

class FaceEmbedder {
 public:
  virtual ~FaceEmbedder() = default;
  virtual Result<FaceDescriptor> Embed(const cv::Mat& bgr, const Box& face) = 0;
  /// Identifies the model (name + weights checksum prefix); descriptors from different
  /// models are never compared. e.g. "dlib-resnet-v1/face-api-1.7.15/3f2a9c1e".
  virtual std::string ModelId() const = 0;
};

/// Euclidean distance. REQUIRES: a.size() == b.size().
double DescriptorDistance(const FaceDescriptor& a, const FaceDescriptor& b);

/// Loads the landmark model and the face-recognition network from `models_dir`, after
/// checking each file's SHA-256 against `models_dir`/manifest.txt. A missing or corrupt
/// file is Status::Config naming the file and how to fetch it (tools/fetch-models).
Result<std::unique_ptr<FaceEmbedder>> MakeDlibFaceEmbedder(const std::string& models_dir);

}  // namespace pg
