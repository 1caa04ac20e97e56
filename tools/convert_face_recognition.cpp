// pg_convert_face_recognition: face-api's tfjs port of dlib's face-recognition ResNet
// (model/face_recognition_model-weights_manifest.json + .bin) -> dlib's serialized
// anet_type (models/dlib_face_recognition_resnet_model_v1.dat). Run by tools/fetch-models
// on files whose checksums it has already verified.
//
// The tfjs weight files are parsed by ParseTfjsWeights (pipeline/faces/tfjs_weights.h).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>

#include "core/status.h"
#include "faces/dlib_resnet.h"
#include "faces/tfjs_weights.h"

namespace {

using pg::Bytes;
using pg::Result;
using pg::Status;

Result<Bytes> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open");
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int Fail(const Status& s) {
  std::cerr << "pg_convert_face_recognition: " << s.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Converts face-api's face-recognition weights into dlib's anet_type file."};
  std::string manifest_path, out_path;
  app.add_option("manifest", manifest_path, "face_recognition_model-weights_manifest.json")
      ->required()->check(CLI::ExistingFile);
  app.add_option("output", out_path, "dlib file to write, e.g. models/dlib_face_recognition_resnet_model_v1.dat")
      ->required();
  CLI11_PARSE(app, argc, argv);

  Result<Bytes> manifest = ReadAll(manifest_path);
  if (!manifest.ok()) return Fail(manifest.status());
  const std::filesystem::path dir = std::filesystem::path(manifest_path).parent_path();
  Result<pg::TfjsWeights> weights = pg::ParseTfjsWeights(
      *manifest, [&](const std::string& p) { return ReadAll((dir / p).string()); }, manifest_path);
  if (!weights.ok()) return Fail(weights.status());
  const pg::TfjsWeights& stats = *weights;
  Result<std::unique_ptr<pg::DlibResnet>> net = pg::DlibResnet::FromTfjsTensors(weights->tensors);
  if (!net.ok()) return Fail(net.status());
  Result<Bytes> bytes = (*net)->Serialize();
  if (!bytes.ok()) return Fail(bytes.status());

  const std::string tmp = out_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
    if (!out.flush()) return Fail(Status::IoError(tmp + ": cannot write"));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) return Fail(Status::IoError(out_path + ": " + ec.message()));
  std::cout << "pg_convert_face_recognition: " << stats.tensors.size() << " tensors ("
            << stats.quantized << " uint8-quantized, " << stats.float32 << " float32, "
            << stats.skipped_int32 << " int32 constants skipped), " << stats.parameters
            << " parameters from " << stats.bytes << " bytes -> " << out_path << " ("
            << bytes->size() << " bytes)\n";
  return 0;
}
