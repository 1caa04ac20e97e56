// Metadata writers for the other containers: ICC, IPTC, PNG text chunks, WebP chunks.
//
// In: an encoded image (borrowed) and the metadata to add. Out: a new encoded image with the
// metadata where real writers put it (APP2/APP13 after the APPn segments, PNG chunks before
// IDAT or before IEND, WebP chunks through libwebpmux). Together with exif_writer.h this
// lets tests and the example builder make photos that carry every kind of metadata the
// gate must find and remove. Stateless; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// A structurally valid ICC v2 RGB display profile (128-byte header with 'acsp' and the D50
/// illuminant, empty tag table) padded to `size` bytes with a fixed byte pattern. It has
/// no colour meaning; it exists to be carried through byte for byte. REQUIRES: size >= 132.
Bytes BuildPlaceholderIccProfile(std::size_t size);

/// Inserts `icc` as APP2 "ICC_PROFILE" chunks (numbered 1..n of n) after the APPn segments.
/// Errors: BadData for a non-JPEG or a profile that needs more than 255 chunks.
Result<Bytes> InsertIccIntoJpeg(const Bytes& jpeg, const Bytes& icc);

/// APP13 payload: "Photoshop 3.0\0" + one 8BIM 0x0404 resource holding the 1:90 UTF-8
/// charset record and the given IPTC-IIM record-2 datasets ({80, "By-line text"}, ...).
Bytes BuildIptcApp13Payload(const std::vector<std::pair<int, std::string>>& record2);

/// PNG text chunk payloads (UTF-8 `text`; tEXt/zTXt values should be Latin-1 range).
Bytes PngTextPayload(const std::string& keyword, const std::string& text);
Bytes PngZtxtPayload(const std::string& keyword, const std::string& text);
Bytes PngItxtPayload(const std::string& keyword, const std::string& text, bool compressed);

/// Inserts a chunk before the first IDAT, or before IEND when `after_idat`.
/// Errors: BadData when `png` does not parse.
Result<Bytes> InsertPngChunk(const Bytes& png, const std::string& type, const Bytes& data,
                             bool after_idat = false);

/// Adds EXIF (bare TIFF or "Exif\0\0"-prefixed), XMP and ICCP chunks (each only if not empty)
/// to a WebP through libwebpmux, which also sets the VP8X flags.
Result<Bytes> AddWebpMetadata(const Bytes& webp, const Bytes& exif, const std::string& xmp,
                              const Bytes& icc);

}  // namespace pg
