// PNG chunk parser and writer, plus the zlib helpers PNG metadata needs.
//
// In: PNG bytes (borrowed). Out: a PngStructure listing every chunk (type, offsets into the
// caller's buffer, whether its CRC matches), and how many bytes trail IEND. Parsing never
// reads out of bounds; a structural problem is BadData while the chunks before it stay
// listed. Inflate() is capped so a zlib bomb in a text chunk cannot exhaust memory.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

inline constexpr std::uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

struct PngChunk {
  std::string type;        ///< four ASCII letters, e.g. "IHDR", "tEXt"
  std::size_t offset = 0;  ///< position of the length field
  std::size_t data_offset = 0;
  std::size_t data_size = 0;
  bool crc_ok = false;
  /// Total bytes of the chunk in the file: length + type + data + CRC.
  std::size_t total_size() const { return data_size + 12; }
};

struct PngStructure {
  std::vector<PngChunk> chunks;  ///< in file order
  bool complete = false;         ///< IEND was reached
  std::size_t trailer_size = 0;  ///< bytes after IEND
};

/// Walks all chunks from the signature to IEND. Fills *out as far as it gets.
/// Errors: BadData ("not a PNG (bad signature)", "truncated chunk 'IDAT' at offset 4242",
/// "no IEND chunk: file is truncated", "chunk type at offset 33 is not ASCII letters").
/// CRC mismatches are recorded per chunk, not reported as errors.
Status ParsePng(const Bytes& data, PngStructure* out);

/// Ancillary chunks have a lower-case first letter (bit 5 of the first byte).
inline bool IsAncillaryPngChunk(const std::string& type) {
  return !type.empty() && (type[0] & 0x20) != 0;
}

/// CRC-32 as PNG defines it (over chunk type and data).
std::uint32_t PngCrc(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0);

/// One serialised chunk: length, type, data, CRC. REQUIRES: type.size() == 4.
Bytes MakePngChunk(const std::string& type, const Bytes& data);

/// Inflates a zlib stream. Errors: BadData for corrupt data; TooLarge when the output
/// would exceed `max_out` bytes.
Result<Bytes> Inflate(const std::uint8_t* data, std::size_t size, std::size_t max_out);

/// Compresses `data` as a zlib stream (level 9).
Bytes Deflate(const Bytes& data);

}  // namespace pg
