// tfjs weights manifest + binary parsing (tfjs_weights.h).
#include "faces/tfjs_weights.h"

#include <cstring>

#include <nlohmann/json.hpp>

namespace pg {

namespace {

/// Byte width of one stored value, 0 for a storage type this parser does not read.
size_t StoredWidth(const std::string& stored) {
  if (stored == "uint8") return 1;
  if (stored == "float32" || stored == "int32") return 4;
  return 0;
}

/// Decodes the tensors of one group from `data`, appending them to `out`.
Status ParseGroup(const nlohmann::json& group, const Bytes& data, const std::string& what,
                  TfjsWeights* out) {
  size_t offset = 0;
  for (const auto& w : group.at("weights")) {
    NamedTensor t;
    t.name = w.at("name").get<std::string>();
    t.shape = w.at("shape").get<std::vector<int>>();
    size_t count = 1;
    for (int d : t.shape) {
      if (d < 0) return Status::BadData(what + ": tensor " + t.name + " has shape " + ShapeString(t.shape));
      count *= static_cast<size_t>(d);
    }
    const std::string dtype = w.at("dtype").get<std::string>();
    const bool quantized = w.contains("quantization");
    const std::string stored = quantized ? w["quantization"].at("dtype").get<std::string>() : dtype;
    const size_t width = StoredWidth(stored);
    const bool known = (dtype == "float32" || dtype == "int32") && width != 0 &&
                       (quantized ? stored == "uint8" : stored == dtype);
    if (!known) {
      return Status::Unsupported(what + ": tensor " + t.name + " is " + dtype + " stored as " + stored);
    }
    if (count > (data.size() - offset) / width) {
      return Status::BadData(what + ": weight data ends inside tensor " + t.name);
    }
    const std::uint8_t* src = data.data() + offset;
    offset += count * width;
    if (dtype == "int32") {  // a graph constant (a shape, an axis), not a weight
      ++out->skipped_int32;
      continue;
    }
    t.values.resize(count);
    if (quantized) {
      const double scale = w["quantization"].at("scale").get<double>();
      const double min = w["quantization"].at("min").get<double>();
      for (size_t i = 0; i < count; ++i) t.values[i] = static_cast<float>(src[i] * scale + min);
      ++out->quantized;
    } else {
      std::memcpy(t.values.data(), src, count * sizeof(float));  // unaligned source
      ++out->float32;
    }
    out->parameters += count;
    out->tensors.push_back(std::move(t));
  }
  if (offset != data.size()) {
    return Status::BadData(what + ": " + std::to_string(data.size() - offset) +
                           " bytes of weight data left over after the last tensor");
  }
  out->bytes += data.size();
  return Status::Ok();
}

}  // namespace

std::string ShapeString(const std::vector<int>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

Result<TfjsWeights> ParseTfjsWeights(const Bytes& manifest_json, const WeightFileReader& read,
                                     const std::string& what) {
  const nlohmann::json manifest =
      nlohmann::json::parse(manifest_json.begin(), manifest_json.end(), nullptr, false);
  if (!manifest.is_array() || manifest.empty()) {
    return Status::BadData(what + ": not a tfjs weights manifest (expected a JSON array of groups)");
  }
  TfjsWeights weights;
  try {
    for (const auto& group : manifest) {
      Bytes data;
      for (const auto& p : group.at("paths")) {
        Result<Bytes> part = read(p.get<std::string>());
        if (!part.ok()) return part.status();
        data.insert(data.end(), part->begin(), part->end());
      }
      Status s = ParseGroup(group, data, what, &weights);
      if (!s.ok()) return s;
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::BadData(what + ": malformed manifest (" + e.what() + ")");
  }
  return weights;
}

const NamedTensor* FindTensor(const TfjsWeights& weights, const std::string& name) {
  for (const NamedTensor& t : weights.tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace pg
