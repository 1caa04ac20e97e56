// Internal to the decode stage: the adapters for libheif, libtiff and giflib, plus a shared
// alpha helper. decode.cpp calls them after sniffing and after the pixel-limit check; nothing
// outside pipeline/decode/ should include this header. Each call owns its decoder objects and
// borrows `data`; no global state is touched, so calls are safe from many threads.
#pragma once

#include <cstdint>
#include <utility>

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"

namespace pg::decode_internal {

/// Composites 8-bit BGRA onto white and returns BGR. `premultiplied`: colour already scaled by
/// alpha (libtiff's RGBA raster) rather than straight alpha (libpng, libwebp, libheif).
cv::Mat CompositeOnWhite(const cv::Mat& bgra, bool premultiplied);

/// HEIF/HEIC/AVIF primary image: ispe size {width, height} (before irot/imir).
Result<std::pair<int, int>> HeifDimensions(const Bytes& data);
/// Decodes the primary image with libheif's transforms (irot, imir, clap) applied, strictly.
Result<cv::Mat> DecodeHeif(const Bytes& data);

/// First TIFF directory's ImageWidth/ImageLength. Unsupported for DNG (DNGVersion tag present).
Result<std::pair<int, int>> TiffDimensions(const Bytes& data);
/// Pixels of the first directory in stored row order, plus its Orientation tag (1 if absent
/// or out of range) for the caller to apply.
struct TiffPixels {
  cv::Mat bgr;
  int orientation = 1;
};
Result<TiffPixels> DecodeTiff(const Bytes& data);

/// GIF logical screen size from the header bytes.
Result<std::pair<int, int>> GifDimensions(const Bytes& data);
/// First frame drawn onto the logical screen (white where transparent or not covered).
/// TooLarge if the frame itself is bigger than `max_pixels` (frames may exceed the screen).
Result<cv::Mat> DecodeGif(const Bytes& data, std::uint64_t max_pixels);

}  // namespace pg::decode_internal
