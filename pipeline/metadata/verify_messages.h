// Message helpers shared by the verifiers (verify.cpp, verify_gif.cpp): one wording for
// offsets and size mismatches in every format's verification errors.
#pragma once

#include <cstddef>
#include <string>

namespace pg::verify_internal {

/// " at offset 1234"
inline std::string At(std::size_t offset) { return " at offset " + std::to_string(offset); }

/// "decoded size WxH, expected EWxEH"
inline std::string SizeMismatch(int w, int h, int ew, int eh) {
  return "decoded size " + std::to_string(w) + "x" + std::to_string(h) + ", expected " +
         std::to_string(ew) + "x" + std::to_string(eh);
}

}  // namespace pg::verify_internal
