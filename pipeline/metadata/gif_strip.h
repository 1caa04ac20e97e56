// Lossless GIF stripping: the same GIF, frames and colours untouched, without its metadata.
//
// In: GIF bytes (borrowed). Out: a new GIF that keeps the header, logical screen descriptor,
// colour tables, image blocks (LZW data) and graphic control extensions byte for byte, the
// looping extension (NETSCAPE2.0 / ANIMEXTS1.0, rewritten to its loop-count sub-block only)
// and the ICC profile extension ("ICCRGBG1012"); everything else goes: comments, plain text,
// XMP and every other application extension, unknown extension labels, bytes after the
// trailer. Every frame is kept: the caller decides whether all of them were analysed (see
// frames.h). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// Appends one short name per removed thing to *removed (may be null): "GIF comment",
/// "GIF plain text", "GIF application XMP DataXMP", "GIF extension 0x42",
/// "GIF NETSCAPE2.0 extra sub-blocks", "trailer after GIF end (12 bytes)".
/// Errors: BadData from the block walk (truncated or unknown blocks), or a file without
/// any image.
Result<Bytes> StripGifBlocks(const Bytes& gif, std::vector<std::string>* removed);

}  // namespace pg
