// Manifest-checked model reads (model_files.h).
#include "faces/model_files.h"

#include <fstream>
#include <iterator>
#include <sstream>

#include "core/sha256.h"

namespace pg {

namespace {

constexpr const char* kFetchHint = "; run tools/fetch-models";

bool ReadFile(const std::string& path, Bytes* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

Result<Bytes> ReadVerifiedModel(const std::string& models_dir, const std::string& name,
                                std::string* sha256_out) {
  const std::string manifest_path = models_dir + "/manifest.txt";
  const std::string path = models_dir + "/" + name;
  Bytes manifest;
  if (!ReadFile(manifest_path, &manifest)) {
    return Status::Config(manifest_path + ": missing (it lists the model checksums; --models must "
                          "name the models/ folder, filled by tools/fetch-models)");
  }
  std::istringstream lines(std::string(manifest.begin(), manifest.end()));
  std::string line, expected;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string hash, file;
    if (!(fields >> hash >> file) || hash[0] == '#') continue;
    if (file == name) expected = hash;
  }
  if (expected.empty()) return Status::Config(manifest_path + ": no checksum for " + name);
  Bytes data;
  if (!ReadFile(path, &data)) return Status::Config(path + ": missing" + kFetchHint);
  const std::string actual = Sha256Hex(data);
  if (actual != expected) {
    return Status::Config(path + ": checksum mismatch (sha256 " + actual + ", manifest.txt says " +
                          expected + ")" + kFetchHint);
  }
  if (sha256_out) *sha256_out = actual;
  return data;
}

}  // namespace pg
