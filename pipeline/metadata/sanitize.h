// Sanitize: publishable bytes with ALL metadata removed, losslessly where the format allows.
//
// In: the original bytes and format (borrowed), the EXIF orientation the inventory read, the
// decoded, oriented pixels (borrowed; used to re-encode JPEG, HEIF and TIFF; PNG and WebP
// are turned from their own samples instead) and SanitizeOptions. Out:
// SanitizedOutput (bytes, format, extension, reencoded; verified = false: VerifySanitized is
// a separate, independent check) and one short name per removed thing appended to *removed.
// Lossless routes (compressed image data copied byte for byte): JPEG (segment rewrite, or a
// TurboJPEG lossless transform to bake in the orientation), PNG (chunk rewrite), WebP
// (container rebuilt by libwebpmux), GIF (block rewrite, every frame kept). HEIF and TIFF
// are re-encoded (see SanitizeOptions). The ICC profile is the only metadata kept.
// Stateless; thread-safe.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// What a HEIF/HEIC/AVIF file becomes. There is no lossless route for HEIF with the libraries
/// publish-gate uses: libheif 1.15 only writes images it encodes itself (no call copies a
/// coded HEVC/AV1 image into a new file, none deletes Exif/XMP items or thumbnails from an
/// existing one), and re-encoding to HEIF would be lossy anyway and is not displayed by most
/// browsers. So the decoded pixels are re-encoded, and the only choice is the target: JPEG
/// for web publishing (small, shown everywhere; the default), or PNG when the pixels must
/// stay exactly the decoded ones (files several times larger).
enum class HeifOutput {
  kJpeg,  ///< baseline JPEG at SanitizeOptions::jpeg_quality, ICC profile in APP2
  kPng,   ///< lossless PNG of the decoded pixels, ICC profile in iCCP
};

/// Choices for the re-encoding routes. The lossless routes (JPEG, PNG, WebP, GIF) have none.
/// TIFF always becomes a lossless PNG: browsers do not show TIFF, and PNG keeps every
/// decoded pixel while no IFD0 tag (private tags, GPS, EXIF, XMP, IPTC, later directories)
/// can survive; the ICC profile moves to iCCP.
struct SanitizeOptions {
  /// Target of a HEIF/HEIC/AVIF file. Default: kJpeg.
  HeifOutput heif_output = HeifOutput::kJpeg;
  /// JPEG quality 1..100 for HEIF -> JPEG. Default: 92 (visually lossless for photos).
  int jpeg_quality = 92;
};

/// JPEG: keeps SOI, APP0 JFIF (an embedded JFIF thumbnail is cut out; JFXX is dropped), every
/// APP2 "ICC_PROFILE" (in order), APP14 "Adobe",
/// the structural segments (DQT, DHT, DAC, SOFn, DRI, SOS + scan data, RSTn, DNL) and EOI;
/// drops every other APPn, COM, JPGn and anything after EOI. Orientation 2..8 is baked in with
/// tjTransform (TJXOPT_PERFECT); when that is impossible (partial MCUs) `oriented_bgr` is
/// re-encoded at quality 95 with the ICC profile (reencoded = true).
/// PNG: keeps IHDR PLTE IDAT IEND tRNS iCCP sRGB gAMA cHRM pHYs sBIT bKGD verbatim, drops the
/// rest (tEXt zTXt iTXt eXIf tIME, APNG and unknown chunks, bytes after IEND). With an eXIf
/// orientation other than 1 the file's own samples (DecodePngExact: 8 or 16 bits, grey or
/// colour, alpha and the colours under it) are turned and re-encoded as PNG, losslessly,
/// with the ICC profile (reencoded = true); a palette becomes RGB(A). The iCCP chunk's
/// profile name (free text) is replaced by "ICC Profile"; its compressed profile is copied
/// as is.
/// WebP: StripWebpChunks (webp_strip.h): the VP8/VP8L/ALPH bitstreams of every frame are
/// kept byte for byte with ICCP and the animation parameters; EXIF, XMP and unknown chunks
/// go. With an EXIF orientation other than 1 a still WebP is decoded (DecodeWebpExact: with
/// its alpha), turned and re-encoded as lossless WebP that keeps alpha and the colours
/// under it (reencoded = true); an animated one is refused (Unsupported): its frames cannot
/// be re-encoded from one decoded frame.
/// GIF: StripGifBlocks (gif_strip.h): stays GIF, all frames kept (see frames.h).
/// HEIF -> JPEG or PNG (SanitizeOptions::heif_output); TIFF -> PNG; both from
/// `oriented_bgr`, ICC kept.
/// REQUIRES: the decode stage accepted the file within its pixel limit (the lossless
/// transform allocates coefficient buffers of the stored image's size).
/// Errors: BadData when the structure cannot be parsed (truncated segment, bad CRC in a kept
/// PNG chunk, ...); Unsupported for kUnknown and a rotated animated WebP; Config for a
/// jpeg_quality outside 1..100; Internal when an encoder fails or the pixels needed for
/// re-encoding are missing.
Result<SanitizedOutput> Sanitize(const Bytes& original, ImageFormat format, int exif_orientation,
                                 const cv::Mat& oriented_bgr, std::vector<std::string>* removed,
                                 const SanitizeOptions& options);

/// Sanitize with default SanitizeOptions (HEIF -> JPEG q92).
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
