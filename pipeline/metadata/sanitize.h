// Sanitize: publishable bytes with ALL metadata removed, losslessly where the format allows.
//
// In: the original bytes and format (borrowed), the EXIF orientation the inventory read, and
// the decoded, oriented pixels (borrowed; only used when re-encoding). Out: SanitizedOutput
// (bytes, format, extension, reencoded; verified = false: VerifySanitized is a separate,
// independent check) and one short name per removed thing appended to *removed. JPEG keeps
// its DCT data byte-identical (segment rewrite, or TurboJPEG lossless transform to bake in
// the orientation); PNG keeps its pixel chunks verbatim. WebP, HEIF, TIFF and GIF are
// re-encoded. The ICC profile is the only metadata kept. Stateless; thread-safe.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// JPEG: keeps SOI, APP0 JFIF (an embedded JFIF thumbnail is cut out; JFXX is dropped), every
/// APP2 "ICC_PROFILE" (in order), APP14 "Adobe",
/// the structural segments (DQT, DHT, DAC, SOFn, DRI, SOS + scan data, RSTn, DNL) and EOI;
/// drops every other APPn, COM, JPGn and anything after EOI. Orientation 2..8 is baked in with
/// tjTransform (TJXOPT_PERFECT); when that is impossible (partial MCUs) `oriented_bgr` is
/// re-encoded at quality 95 with the ICC profile (reencoded = true).
/// PNG: keeps IHDR PLTE IDAT IEND tRNS iCCP sRGB gAMA cHRM pHYs sBIT bKGD verbatim, drops the
/// rest (tEXt zTXt iTXt eXIf tIME, APNG and unknown chunks, bytes after IEND); with an eXIf
/// orientation other than 1 the pixels are re-encoded as PNG (lossless) with the ICC profile.
/// WebP -> lossless WebP; HEIF -> JPEG q92; TIFF, GIF -> PNG; all from `oriented_bgr`, ICC kept.
/// REQUIRES: the decode stage accepted the file within its pixel limit (the lossless
/// transform allocates coefficient buffers of the stored image's size).
/// Errors: BadData when the structure cannot be parsed (truncated segment, bad CRC in a kept
/// PNG chunk, ...); Unsupported for kUnknown; Internal when an encoder fails or the pixels
/// needed for re-encoding are missing.
Result<SanitizedOutput> Sanitize(const Bytes& original, ImageFormat format, int exif_orientation,
                                 const cv::Mat& oriented_bgr, std::vector<std::string>* removed);

/// The JPEG segment filter on its own (no orientation handling): the kept segments and scans,
/// byte for byte, in their original order. Appends removed segment names to *removed
/// (may be null). Errors: BadData from the segment parser.
Result<Bytes> StripJpegSegments(const Bytes& jpeg, std::vector<std::string>* removed);

/// Lossless JPEG orientation: TurboJPEG tjTransform with TJXOPT_PERFECT, all markers copied
/// (so the ICC profile survives; run StripJpegSegments afterwards). `orientation` 2..8.
/// Errors: BadData with TurboJPEG's message when the transform is not perfect or fails.
Result<Bytes> TransformJpegLossless(const Bytes& jpeg, int orientation);

}  // namespace pg
