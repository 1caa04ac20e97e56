// Decode stage: image bytes in, 8-bit BGR pixels out, the right way up, or a precise error.
//
// In: the original file bytes (borrowed, not modified), the EXIF orientation the metadata stage
// read, and the pixel limit from Options::max_pixels. Out: a DecodedImage that owns its pixels,
// or a Status (BadData, TooLarge, Unsupported, Internal). Decoding is strict: a truncated or
// corrupt file is an error, never a partly grey image, because a face hidden in the missing
// part would go unseen. Every call uses its own decoder objects: safe to call from many threads.
#pragma once

#include <cstdint>
#include <utility>

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"
#include "decode/format_sniff.h"

namespace pg {

/// Pixels ready for analysis: 8-bit BGR (CV_8UC3), EXIF/container orientation already applied.
/// Transparent pixels are composited onto white.
struct DecodedImage {
  cv::Mat bgr;
  ImageFormat format = ImageFormat::kUnknown;
  int stored_width = 0, stored_height = 0;  ///< as stored in the file, before orientation
  /// EXIF orientation value 1..8 that publish-gate applied to the pixels. Stays 1 for HEIF,
  /// whose own irot/imir transforms libheif applies (then stored_* is the ispe size), and GIF.
  int orientation_applied = 1;
  /// For a PNG or still WebP with any pixel that is not fully opaque: the colour values
  /// stored under the alpha channel (alpha ignored), oriented like `bgr`. Lossless outputs
  /// keep these values, so they are analysed too. Empty otherwise.
  cv::Mat hidden_bgr;
};

/// Stored dimensions {width, height} read from the header only, without decoding pixels
/// (for HEIF: the primary image's ispe size; for GIF: the logical screen).
/// Errors: BadData for a missing/corrupt header or a zero dimension; Unsupported for kUnknown
/// and for DNG raw files (their first TIFF directory is only a preview).
Result<std::pair<int, int>> ReadDimensions(const Bytes& data, ImageFormat format);

/// Decodes the image strictly. Order: sniff format; read dimensions from the header; refuse with
/// Status::TooLarge if width*height > max_pixels (before allocating pixels: decompression bombs);
/// decode; apply orientation. `exif_orientation` (1..8; other values count as 1) is applied for
/// JPEG, PNG and WebP; TIFF uses its own Orientation tag (274); HEIF applies its own irot/imir
/// transforms in libheif and ignores the EXIF value, as browsers do; GIF has no orientation.
/// Animated formats (GIF, WebP) yield their first frame, composed onto the canvas.
/// Errors: BadData for truncated/corrupt data (with the decoder's message), TooLarge, Unsupported
/// ("not a supported image format (starts with xx xx xx xx)") for unknown bytes.
Result<DecodedImage> DecodeImage(const Bytes& data, int exif_orientation, std::uint64_t max_pixels);

/// Applies EXIF orientation 1..8 (TIFF/EXIF semantics: 2 mirror horizontal, 3 rotate 180,
/// 4 mirror vertical, 5 transpose, 6 rotate 90 CW, 7 transverse, 8 rotate 270 CW) and returns a
/// new Mat (a copy for 1 and for out-of-range values). `src` is not modified.
cv::Mat ApplyOrientation(const cv::Mat& src, int orientation);

}  // namespace pg
