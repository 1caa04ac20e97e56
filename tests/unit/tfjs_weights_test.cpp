// ParseTfjsWeights on small hand-made manifests: storage types, dequantization, exact
// consumption of the weight files, and errors naming what is wrong.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>

#include "faces/tfjs_weights.h"

namespace {

pg::Bytes Text(const std::string& s) { return pg::Bytes(s.begin(), s.end()); }

void AppendFloat(pg::Bytes* b, float v) {
  std::uint8_t raw[4];
  std::memcpy(raw, &v, 4);
  b->insert(b->end(), raw, raw + 4);
}

/// Serves weight files from memory; an unknown path is a NotFound error.
pg::WeightFileReader Files(std::map<std::string, pg::Bytes> files) {
  return [files](const std::string& path) -> pg::Result<pg::Bytes> {
    auto it = files.find(path);
    if (it == files.end()) return pg::Status::NotFound(path + ": no such weight file");
    return it->second;
  };
}

/// One group in w.bin: a uint8-quantized [2,2] float tensor, an int32 scalar constant
/// stored as uint8, a float32 [3] tensor.
const std::string kManifest = R"([{"paths": ["w.bin"], "weights": [
  {"name": "conv/filters", "shape": [2, 2], "dtype": "float32",
   "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
  {"name": "stack/axis", "shape": [], "dtype": "int32",
   "quantization": {"dtype": "uint8", "scale": 1.0, "min": 0.0}},
  {"name": "anchors", "shape": [3], "dtype": "float32"}]}])";

pg::Bytes WeightBytes() {
  pg::Bytes b = {0, 1, 2, 255, 7};  // four quantized values, then the int32 constant
  for (float v : {0.25f, -3.5f, 1e6f}) AppendFloat(&b, v);
  return b;
}

}  // namespace

TEST_CASE("tfjs weights: uint8 values are dequantized as q * scale + min, float32 copied", "[tfjs]") {
  auto w = pg::ParseTfjsWeights(Text(kManifest), Files({{"w.bin", WeightBytes()}}), "m.json");
  REQUIRE(w.ok());
  REQUIRE(w->tensors.size() == 2);
  CHECK(w->tensors[0].name == "conv/filters");
  CHECK(w->tensors[0].shape == std::vector<int>{2, 2});
  CHECK(w->tensors[0].values == std::vector<float>{-1.0f, -0.5f, 0.0f, 126.5f});
  CHECK(w->tensors[1].values == std::vector<float>{0.25f, -3.5f, 1e6f});
  CHECK(w->quantized == 1);
  CHECK(w->float32 == 1);
  CHECK(w->skipped_int32 == 1);
  CHECK(w->parameters == 7);
  CHECK(w->bytes == 17);
  REQUIRE(pg::FindTensor(*w, "anchors") != nullptr);
  CHECK(pg::FindTensor(*w, "anchors")->values.size() == 3);
  CHECK(pg::FindTensor(*w, "stack/axis") == nullptr);  // a constant, not a weight
}

TEST_CASE("tfjs weights: a file one byte short or one byte long is refused", "[tfjs]") {
  pg::Bytes short_file = WeightBytes();
  short_file.pop_back();
  auto a = pg::ParseTfjsWeights(Text(kManifest), Files({{"w.bin", short_file}}), "m.json");
  REQUIRE_FALSE(a.ok());
  CHECK(a.status().code() == pg::Code::kBadData);
  CHECK_THAT(a.status().message(), Catch::Contains("m.json") && Catch::Contains("ends inside tensor anchors"));

  pg::Bytes long_file = WeightBytes();
  long_file.push_back(0);
  auto b = pg::ParseTfjsWeights(Text(kManifest), Files({{"w.bin", long_file}}), "m.json");
  REQUIRE_FALSE(b.ok());
  CHECK(b.status().code() == pg::Code::kBadData);
  CHECK_THAT(b.status().message(), Catch::Contains("1 bytes of weight data left over"));
}

TEST_CASE("tfjs weights: malformed JSON, a missing field or an unknown storage type is an error", "[tfjs]") {
  auto reader = Files({{"w.bin", WeightBytes()}});
  for (const std::string& bad : {std::string("not json"), std::string("{}"), std::string("[]"),
                                 std::string(R"([{"paths": ["w.bin"]}])")}) {
    INFO(bad);
    auto r = pg::ParseTfjsWeights(Text(bad), reader, "m.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == pg::Code::kBadData);
  }
  const std::string float16 = R"([{"paths": ["w.bin"], "weights": [
    {"name": "half", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}}]}])";
  auto r = pg::ParseTfjsWeights(Text(float16), reader, "m.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == pg::Code::kUnsupported);
  CHECK_THAT(r.status().message(), Catch::Contains("half") && Catch::Contains("float16"));
}

TEST_CASE("tfjs weights: the reader's error for a named file is passed on unchanged", "[tfjs]") {
  auto r = pg::ParseTfjsWeights(Text(kManifest), Files({}), "m.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == pg::Code::kNotFound);
  CHECK(r.status().message() == "w.bin: no such weight file");
}

TEST_CASE("tfjs weights: a group split over several files is read as one stream", "[tfjs]") {
  const std::string split = R"([{"paths": ["a.bin", "b.bin"], "weights": [
    {"name": "v", "shape": [2], "dtype": "float32"}]}])";
  pg::Bytes all;
  AppendFloat(&all, 1.5f);
  AppendFloat(&all, -2.0f);
  pg::Bytes a(all.begin(), all.begin() + 3), b(all.begin() + 3, all.end());  // split mid-float
  auto r = pg::ParseTfjsWeights(Text(split), Files({{"a.bin", a}, {"b.bin", b}}), "m.json");
  REQUIRE(r.ok());
  CHECK(r->tensors.at(0).values == std::vector<float>{1.5f, -2.0f});
}
