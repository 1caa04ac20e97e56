// Lossless WebP stripping: the same VP8/VP8L bitstreams in a container rebuilt from an
// allowlist, through libwebpmux.
//
// In: WebP bytes (borrowed). Out: a new WebP holding only the image (VP8 or VP8L, with its
// ALPH chunk), the ICC profile (ICCP), and for an animation the canvas size, the ANIM
// parameters (loop count, background colour) and every ANMF frame with its offset,
// duration, blend and dispose settings. EXIF, XMP, unknown chunks (top-level and inside
// frames) and bytes after the RIFF end are not copied; libwebpmux writes a fresh VP8X whose
// flags match what is left (or no VP8X when nothing needs it). Compressed image data is
// copied byte for byte: nothing is decoded or re-encoded. Own mux objects per call;
// thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// Appends one name per removed thing to *removed (may be null): "WebP EXIF", "WebP XMP ",
/// "WebP ANMF/ABCD" (an unknown chunk inside a frame), "trailer after RIFF (7 bytes)".
/// Errors: BadData when the RIFF structure does not parse (webp_chunks.h) or libwebpmux
/// refuses the file; Internal when libwebpmux fails while assembling.
Result<Bytes> StripWebpChunks(const Bytes& webp, std::vector<std::string>* removed);

}  // namespace pg
