// GIF block walker: the layout of a GIF file (header, extension and image blocks, trailer)
// and the content of its extension blocks (comments, XMP, ICC, application data).
//
// In: GIF bytes (borrowed). Out: ParseGifLayout gives every top-level block's position and
// kind (offsets into the caller's buffer); WalkGif gives every extension block with its
// label, application id and payload (copied), in file order. Image data is skipped, not
// decoded. Bounds-checked; a structural problem is BadData with the blocks before it still
// listed. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

inline constexpr std::uint8_t kGifExtensionIntroducer = 0x21, kGifImageSeparator = 0x2C,
                              kGifTrailer = 0x3B;
inline constexpr std::uint8_t kGifPlainText = 0x01, kGifGraphicControl = 0xF9,
                              kGifComment = 0xFE, kGifApplication = 0xFF;

/// One top-level block as it lies in the file.
struct GifBlock {
  std::uint8_t introducer = 0;  ///< kGifExtensionIntroducer or kGifImageSeparator
  std::uint8_t label = 0;       ///< extension label; 0 for an image
  /// Application extension (0xFF) whose first sub-block has 11 bytes: those bytes, e.g.
  /// "NETSCAPE2.0", "XMP DataXMP", "ICCRGBG1012". Empty otherwise.
  std::string app_id;
  std::size_t offset = 0;  ///< position of the introducer
  std::size_t size = 0;    ///< bytes from the introducer through the zero-length terminator
};

struct GifLayout {
  /// Signature, logical screen descriptor and global colour table: bytes [0, header_size).
  std::size_t header_size = 0;
  int screen_width = 0, screen_height = 0;  ///< logical screen (the canvas)
  std::vector<GifBlock> blocks;             ///< in file order
  std::size_t trailer_offset = 0;           ///< position of the 0x3B trailer
  std::size_t after_trailer = 0;            ///< bytes after the trailer
};

/// Walks header, colour tables, extensions and image blocks up to the trailer (0x3B).
/// Errors: BadData ("not a GIF (bad signature)", "truncated GIF extension at offset 812",
/// "unknown GIF block type 0 at offset 40", "no GIF trailer: file is truncated").
Status ParseGifLayout(const Bytes& data, GifLayout* out);

struct GifExtension {
  std::uint8_t label = 0;  ///< 0xFE comment, 0xFF application, 0x01 plain text, 0xF9 control
  std::string app_id;      ///< for 0xFF: the 11-byte identifier, e.g. "XMP DataXMP", "ICCRGBG1012"
  Bytes data;              ///< sub-block payloads joined (after the identifier for 0xFF)
  /// For 0xFF: the raw bytes after the identifier block up to the terminator, length bytes
  /// included. XMP is stored this way: the packet's own bytes double as sub-block lengths.
  Bytes raw;
  std::size_t offset = 0;  ///< position of the 0x21 introducer
};

/// The extension blocks of ParseGifLayout, with their content. Errors: as ParseGifLayout.
Status WalkGif(const Bytes& data, std::vector<GifExtension>* out);

/// The XMP packet from an "XMP DataXMP" extension's raw bytes, without the 258-byte
/// "magic trailer" that follows it.
std::string GifXmpPacket(const GifExtension& ext);

}  // namespace pg
