// VerifyGifStructure: the GIF part of VerifySanitized (verify.h), an independent re-read of
// a sanitized GIF before it may be published.
//
// In: the output GIF's bytes (borrowed) and the expected canvas size. Out: ok and the ICC
// profile it carries (empty if none), or BadData naming the first problem ("residual GIF
// comment extension at offset 812", "GIF NETSCAPE2.0 extension holds more than a loop
// count", "3 bytes after the GIF trailer", "output GIF frame 2 does not decode: ...").
// Shares no code with the writer (gif_strip, gif_blocks): its own block walk, then giflib
// decodes every frame. Stateless; thread-safe.
#pragma once

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// Allowed: header and colour tables, image blocks, graphic control extensions in their plain
/// 4-byte form, NETSCAPE2.0 / ANIMEXTS1.0 holding exactly one loop-count sub-block, and the
/// "ICCRGBG1012" profile (returned in *icc); the trailer must be the last byte. Then every
/// frame must decode with giflib, the logical screen must be expected_width x
/// expected_height, and at least one frame must exist.
Status VerifyGifStructure(const Bytes& gif, int expected_width, int expected_height, Bytes* icc);

}  // namespace pg
