// Model files in the models folder, checked against its manifest.txt before use.
//
// In: a models folder and a file name. Out: the file's bytes, only if their SHA-256 is
// the one manifest.txt pins for that name ("<sha256 hex>  <name>" lines, sha256sum format,
// '#' comments). Anything else (no manifest, no pin, no file, other bytes) is a
// Status::Config naming the file and tools/fetch-models, so a detector or embedder built
// from the bytes is built from exactly the file that was checked. Thread-safe.
#pragma once

#include <string>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// Reads `models_dir`/`name` after checking its SHA-256 against `models_dir`/manifest.txt.
/// Missing file, file absent from the manifest, or a checksum mismatch is Status::Config
/// naming the file and saying to run tools/fetch-models. `sha256_out`, when given,
/// receives the file's checksum.
Result<Bytes> ReadVerifiedModel(const std::string& models_dir, const std::string& name,
                                std::string* sha256_out = nullptr);

}  // namespace pg
