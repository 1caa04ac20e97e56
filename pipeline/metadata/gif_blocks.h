// GIF block walker: the extension blocks of a GIF file (comments, XMP, ICC, application data).
//
// In: GIF bytes (borrowed). Out: every extension block with its label, application id and
// payload (copied), in file order. Image data is skipped, not decoded. Bounds-checked; a
// structural problem is BadData with the blocks before it still listed. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

struct GifExtension {
  std::uint8_t label = 0;  ///< 0xFE comment, 0xFF application, 0x01 plain text, 0xF9 control
  std::string app_id;      ///< for 0xFF: the 11-byte identifier, e.g. "XMP DataXMP", "ICCRGBG1012"
  Bytes data;              ///< sub-block payloads joined (after the identifier for 0xFF)
  /// For 0xFF: the raw bytes after the identifier block up to the terminator, length bytes
  /// included. XMP is stored this way: the packet's own bytes double as sub-block lengths.
  Bytes raw;
  std::size_t offset = 0;  ///< position of the 0x21 introducer
};

/// Walks header, colour tables, extensions and image blocks up to the trailer (0x3B).
/// Errors: BadData ("not a GIF (bad signature)", "truncated GIF extension at offset 812",
/// "unknown GIF block type 0 at offset 40", "no GIF trailer: file is truncated").
Status WalkGif(const Bytes& data, std::vector<GifExtension>* out);

/// The XMP packet from an "XMP DataXMP" extension's raw bytes, without the 258-byte
/// "magic trailer" that follows it.
std::string GifXmpPacket(const GifExtension& ext);

}  // namespace pg
