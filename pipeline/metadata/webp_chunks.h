// WebP (RIFF) chunk parser: which chunks a WebP file holds and where.
//
// In: WebP bytes (borrowed). Out: the list of top-level RIFF chunks (fourcc, data offsets
// into the caller's buffer) and the VP8X feature flags when present. Bounds-checked; a
// structural problem is BadData with the chunks before it still listed. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

struct WebpChunk {
  std::string fourcc;      ///< "VP8X", "VP8 ", "VP8L", "ICCP", "EXIF", "XMP ", "ANIM", ...
  std::size_t offset = 0;  ///< position of the fourcc
  std::size_t data_offset = 0;
  std::size_t data_size = 0;  ///< without the padding byte
};

/// VP8X flag bits (WebP container specification).
inline constexpr std::uint8_t kVp8xIcc = 0x20, kVp8xAlpha = 0x10, kVp8xExif = 0x08, kVp8xXmp = 0x04,
                              kVp8xAnimation = 0x02;

struct WebpStructure {
  std::vector<WebpChunk> chunks;
  std::uint32_t riff_size = 0;   ///< as declared in the RIFF header
  std::size_t trailer_size = 0;  ///< file bytes beyond the declared RIFF size
  bool has_vp8x = false;
  std::uint8_t vp8x_flags = 0;
};

/// Errors: BadData ("not a WebP (no RIFF/WEBP header)", "truncated WebP chunk 'EXIF' at
/// offset 30", "RIFF size larger than the file").
Status ParseWebp(const Bytes& data, WebpStructure* out);

}  // namespace pg
