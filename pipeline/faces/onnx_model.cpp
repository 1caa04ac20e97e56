#include "faces/onnx_model.h"

#include "faces/model_files.h"

namespace pg {

Result<cv::dnn::Net> LoadVerifiedOnnx(const std::string& models_dir, const std::string& file) {
  Result<Bytes> bytes = ReadVerifiedModel(models_dir, file);
  if (!bytes.ok()) return bytes.status();
  const std::string what = models_dir + "/" + file;
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  } catch (const std::exception& e) {
    return Status::Config(what + ": not a loadable ONNX network (" + e.what() + ")");
  }
  if (net.empty()) return Status::Config(what + ": not a loadable ONNX network");
  return net;
}

}  // namespace pg
