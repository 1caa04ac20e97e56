// TensorFlow.js weight files (a weights manifest plus the binary files it names), as
// face-api.js ships its networks.
//
// In: the manifest's JSON text and a reader for the files its groups name. Out: every
// float tensor, dequantized, in manifest order; int32 constants some manifests carry are
// counted and skipped. Each group's files must be consumed exactly: a tensor running past
// the data, or bytes left over, is an error naming the manifest. Pure functions over
// their arguments; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// One weight tensor, dequantized, in the manifest's layout (row-major; conv filters
/// HWIO, i.e. [kh][kw][in][out]; depthwise filters [kh][kw][channels][1]).
struct NamedTensor {
  std::string name;         ///< e.g. "MobilenetV1/Conv2d_0_pointwise/weights"
  std::vector<int> shape;   ///< e.g. {3, 3, 3, 32}; {} for a scalar
  std::vector<float> values;
};

struct TfjsWeights {
  std::vector<NamedTensor> tensors;  ///< float32 tensors, manifest order
  size_t quantized = 0;              ///< how many of them were stored as uint8
  size_t float32 = 0;                ///< how many were stored as float32
  size_t skipped_int32 = 0;          ///< int32 constants (graph shapes), not weights
  size_t parameters = 0;             ///< floats in `tensors`
  size_t bytes = 0;                  ///< weight-file bytes consumed
};

/// Returns the bytes of the weight file a manifest group names (its "paths" entry).
using WeightFileReader = std::function<Result<Bytes>(const std::string& path)>;

/// Parses a tfjs weights manifest. Stored types: float32, int32, or uint8-quantized
/// (value = q * scale + min, computed in double). `what` names the manifest in errors.
/// Malformed JSON, sizes that do not consume the files exactly, or a negative dimension
/// is Status::BadData; another storage type is Status::Unsupported; a reader error is
/// passed on as it is.
Result<TfjsWeights> ParseTfjsWeights(const Bytes& manifest_json, const WeightFileReader& read,
                                     const std::string& what);

/// The tensor called `name`, or nullptr.
const NamedTensor* FindTensor(const TfjsWeights& weights, const std::string& name);

/// "[3,3,32,1]": a shape as written in errors.
std::string ShapeString(const std::vector<int>& shape);

}  // namespace pg
