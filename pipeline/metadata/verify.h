// VerifySanitized: an independent second reader that checks a sanitized output before it
// may be published.
//
// In: a SanitizedOutput (borrowed), the oriented size the pixels must have, and the
// original's ICC profile (empty: not compared). Out: ok, or BadData naming the first problem
// ("residual APP1 Exif segment at offset 20", "12 bytes after EOI", "PNG chunk 'tEXt' is not
// allowed", "decoded size 640x480, expected 480x640", "ICC profile differs from the
// original"). Deliberately shares no parsing code with the writer (sanitize.cpp and the
// segment/chunk/block parsers): its own marker/chunk/block walk, then a full pixel decode
// (every frame of an animation) through TurboJPEG, libpng, libwebp or giflib. "Full" means
// every coded byte is decoded; the pixels are not kept, so JPEG and still WebP are delivered
// at 1/8 size and PNG one row at a time (verify.cpp argues why that loses nothing).
// Stateless; thread-safe.
#pragma once

#include "core/image_record.h"
#include "core/status.h"
#include "metadata/icc_profile.h"  // ExtractIcc, for callers that fetch original_icc

namespace pg {

/// JPEG: SOI first; only APP0 "JFIF" (no thumbnail), APP2 "ICC_PROFILE", APP14 "Adobe" and
/// structural segments; EOI is the last two bytes. PNG: signature, IHDR first, only
/// IHDR PLTE IDAT IEND tRNS iCCP sRGB gAMA cHRM pHYs sBIT bKGD, iCCP named "ICC Profile",
/// every CRC valid, nothing after IEND. WebP: RIFF size equals the file size; only VP8X
/// (first), VP8, VP8L, ALPH, ICCP, ANIM, ANMF at the top and only ALPH, VP8, VP8L inside
/// ANMF; VP8X flags match the chunks. GIF: only image blocks, plain 4-byte graphic control
/// extensions, NETSCAPE2.0/ANIMEXTS1.0 holding just a loop count and the ICCRGBG1012
/// profile; the trailer is the last byte.
/// Then a full decode must succeed (all frames of an animation) with width x height ==
/// expected (the canvas / logical screen for animations), and the embedded ICC profile must
/// equal `original_icc` when that is not empty.
Status VerifySanitized(const SanitizedOutput& out, int expected_width, int expected_height,
                       const Bytes& original_icc);

}  // namespace pg
