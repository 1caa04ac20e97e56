// pg_convert_face_recognition: face-api's tfjs port of dlib's face-recognition ResNet
// (model/face_recognition_model-weights_manifest.json + .bin) -> dlib's serialized
// anet_type (models/dlib_face_recognition_resnet_model_v1.dat). Run by tools/fetch-models
// on files whose checksums it has already verified.
//
// tfjs weight files: the manifest lists groups of weights, each group's bytes in the
// files named by "paths", tensors back to back, unaligned, row-major. A quantized tensor
// holds one uint8 per value, value = q * scale + min; others are float32. int32 tensors
// (constants some manifests carry) occupy bytes but are not weights.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/status.h"
#include "faces/dlib_resnet.h"

namespace {

using pg::Bytes;
using pg::NamedTensor;
using pg::Result;
using pg::Status;

Result<Bytes> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open");
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Stats {
  size_t quantized = 0, float32 = 0, skipped = 0, parameters = 0, bytes = 0;
};

/// Parses the manifest and the weight files it names (relative to the manifest).
Result<std::vector<NamedTensor>> ReadTfjsWeights(const std::string& manifest_path, Stats* stats) {
  Result<Bytes> text = ReadAll(manifest_path);
  if (!text.ok()) return text.status();
  const nlohmann::json manifest = nlohmann::json::parse(text->begin(), text->end(), nullptr, false);
  if (!manifest.is_array()) return Status::BadData(manifest_path + ": not a tfjs weights manifest");
  const std::filesystem::path dir = std::filesystem::path(manifest_path).parent_path();

  std::vector<NamedTensor> tensors;
  try {
    for (const auto& group : manifest) {
      Bytes data;
      for (const auto& p : group.at("paths")) {
        Result<Bytes> part = ReadAll((dir / p.get<std::string>()).string());
        if (!part.ok()) return part.status();
        data.insert(data.end(), part->begin(), part->end());
      }
      size_t offset = 0;
      for (const auto& w : group.at("weights")) {
        NamedTensor t;
        t.name = w.at("name").get<std::string>();
        t.shape = w.at("shape").get<std::vector<int>>();
        size_t count = 1;
        for (int d : t.shape) count *= static_cast<size_t>(d);
        const std::string dtype = w.at("dtype").get<std::string>();
        const bool quantized = w.contains("quantization");
        const std::string stored = quantized ? w["quantization"].at("dtype").get<std::string>() : dtype;
        const size_t width = stored == "uint8" ? 1 : 4;
        const bool known = quantized ? (stored == "uint8" && dtype == "float32")
                                     : (dtype == "float32" || dtype == "int32");
        if (!known) {
          return Status::Unsupported(manifest_path + ": tensor " + t.name + " stored as " + stored);
        }
        if (offset + count * width > data.size()) {
          return Status::BadData(manifest_path + ": weight data ends inside tensor " + t.name);
        }
        const std::uint8_t* src = data.data() + offset;
        offset += count * width;
        if (dtype == "int32") {  // a constant, not a weight
          ++stats->skipped;
          continue;
        }
        t.values.resize(count);
        if (quantized) {
          const double scale = w["quantization"].at("scale").get<double>();
          const double min = w["quantization"].at("min").get<double>();
          for (size_t i = 0; i < count; ++i) t.values[i] = static_cast<float>(src[i] * scale + min);
          ++stats->quantized;
        } else {
          std::memcpy(t.values.data(), src, count * sizeof(float));  // unaligned source
          ++stats->float32;
        }
        stats->parameters += count;
        tensors.push_back(std::move(t));
      }
      if (offset != data.size()) {
        return Status::BadData(manifest_path + ": " + std::to_string(data.size() - offset) +
                               " bytes of weight data left over");
      }
      stats->bytes += data.size();
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::BadData(manifest_path + ": malformed manifest (" + e.what() + ")");
  }
  return tensors;
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

  Stats stats;
  Result<std::vector<NamedTensor>> tensors = ReadTfjsWeights(manifest_path, &stats);
  if (!tensors.ok()) return Fail(tensors.status());
  Result<std::unique_ptr<pg::DlibResnet>> net = pg::DlibResnet::FromTfjsTensors(*tensors);
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
  std::cout << "pg_convert_face_recognition: " << tensors->size() << " tensors ("
            << stats.quantized << " uint8-quantized, " << stats.float32 << " float32, "
            << stats.skipped << " int32 constants skipped), " << stats.parameters
            << " parameters from " << stats.bytes << " bytes -> " << out_path << " ("
            << bytes->size() << " bytes)\n";
  return 0;
}
