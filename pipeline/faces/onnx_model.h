// LoadVerifiedOnnx: an ONNX network from the models folder, read only after its checksum
// matched models/manifest.txt (model_files.h), parsed by OpenCV DNN. Errors are
// Status::Config naming the file: missing or altered (and tools/fetch-models), or not a
// loadable ONNX network. Thread-safe; the Net returned is the caller's.
#pragma once

#include <string>

#include <opencv2/dnn.hpp>

#include "core/status.h"

namespace pg {

Result<cv::dnn::Net> LoadVerifiedOnnx(const std::string& models_dir, const std::string& file);

}  // namespace pg
