// DlibFaceEmbedder: dlib's 68-point landmarks -> aligned 150x150 chip -> DlibResnet.
// Model files are read once, verified against models/manifest.txt, and deserialized from
// the verified bytes (so the file checked is the file used).
#include "faces/dlib_face_embedder.h"

#include <istream>
#include <streambuf>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/opencv/cv_image.h>

#include "faces/dlib_resnet.h"
#include "faces/face_embedder.h"

namespace pg {

namespace {

/// Names the weights' origin; ModelId() adds the converted file's checksum.
constexpr const char* kModelIdPrefix = "dlib-resnet-v1/face-api-1.7.15/";

/// Reads verified bytes in place (a 100 MB model is not copied into a string first).
class ByteStreamBuf : public std::streambuf {
 public:
  explicit ByteStreamBuf(const Bytes& data) {
    char* p = reinterpret_cast<char*>(const_cast<std::uint8_t*>(data.data()));
    setg(p, p, p + data.size());
  }
};

class DlibFaceEmbedder : public FaceEmbedder {
 public:
  DlibFaceEmbedder(std::unique_ptr<FaceChipper> chipper, std::unique_ptr<DlibResnet> net,
                   std::string model_id)
      : chipper_(std::move(chipper)), net_(std::move(net)), model_id_(std::move(model_id)) {}

  Result<FaceDescriptor> Embed(const cv::Mat& bgr, const Box& face) override {
    Result<cv::Mat> chip = chipper_->Chip(bgr, face);
    if (!chip.ok()) return chip.status();
    return net_->Describe(*chip);
  }

  std::string ModelId() const override { return model_id_; }

 private:
  std::unique_ptr<FaceChipper> chipper_;
  std::unique_ptr<DlibResnet> net_;
  std::string model_id_;
};

}  // namespace

struct FaceChipper::Impl {
  dlib::shape_predictor predictor;
};

FaceChipper::FaceChipper(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FaceChipper::~FaceChipper() = default;

Result<std::unique_ptr<FaceChipper>> FaceChipper::Deserialize(const Bytes& model,
                                                              const std::string& what) {
  try {
    auto impl = std::make_unique<Impl>();
    ByteStreamBuf buf(model);
    std::istream in(&buf);
    dlib::deserialize(impl->predictor, in);
    if (impl->predictor.num_parts() != 68) {
      return Status::Config(what + ": a shape predictor with " +
                            std::to_string(impl->predictor.num_parts()) +
                            " landmarks, expected 68");
    }
    return std::unique_ptr<FaceChipper>(new FaceChipper(std::move(impl)));
  } catch (const std::exception& e) {
    return Status::Config(what + ": not a dlib shape predictor (" + e.what() + ")");
  }
}

Result<cv::Mat> FaceChipper::Chip(const cv::Mat& bgr, const Box& box) const {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return Status::Internal("face chip: needs a non-empty 8-bit 3-channel image");
  }
  if (box.w <= 0 || box.h <= 0) return Status::Internal("face chip: empty face box");
  try {
    dlib::cv_image<dlib::bgr_pixel> image(bgr);
    const dlib::rectangle rect(box.x, box.y, box.x + box.w - 1, box.y + box.h - 1);
    const dlib::full_object_detection shape = impl_->predictor(image, rect);
    dlib::matrix<dlib::bgr_pixel> chip;
    dlib::extract_image_chip(image, dlib::get_face_chip_details(shape, kChipSize, kChipPadding),
                             chip);
    cv::Mat out(kChipSize, kChipSize, CV_8UC3);
    for (int y = 0; y < kChipSize; ++y) {
      cv::Vec3b* row = out.ptr<cv::Vec3b>(y);
      for (int x = 0; x < kChipSize; ++x) {
        row[x] = cv::Vec3b(chip(y, x).blue, chip(y, x).green, chip(y, x).red);
      }
    }
    return out;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("face landmarks failed: ") + e.what());
  }
}

Result<std::unique_ptr<FaceEmbedder>> MakeDlibFaceEmbedder(const std::string& models_dir) {
  Result<Bytes> landmarks = ReadVerifiedModel(models_dir, kLandmarkModelFile);
  if (!landmarks.ok()) return landmarks.status();
  std::string net_sha;
  Result<Bytes> net_bytes = ReadVerifiedModel(models_dir, kFaceRecognitionModelFile, &net_sha);
  if (!net_bytes.ok()) return net_bytes.status();

  Result<std::unique_ptr<FaceChipper>> chipper =
      FaceChipper::Deserialize(*landmarks, models_dir + "/" + kLandmarkModelFile);
  if (!chipper.ok()) return chipper.status();
  Result<std::unique_ptr<DlibResnet>> net =
      DlibResnet::Deserialize(*net_bytes, models_dir + "/" + kFaceRecognitionModelFile);
  if (!net.ok()) return net.status();
  return std::unique_ptr<FaceEmbedder>(new DlibFaceEmbedder(
      std::move(*chipper), std::move(*net), kModelIdPrefix + net_sha.substr(0, 8)));
}

}  // namespace pg
