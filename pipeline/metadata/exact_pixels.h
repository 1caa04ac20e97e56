// Exact pixels: every stored sample of a still PNG or WebP, for the one re-encoding route
// that must lose nothing (turning a lossless picture by its EXIF orientation).
//
// In: the file's bytes (borrowed). Out: a cv::Mat that owns its pixels, in the file's own
// layout rather than the decode stage's 8-bit BGR: no alpha compositing, no depth
// reduction. Decoding is strict (any libpng or libwebp error is BadData). Each call has its
// own decoder objects; thread-safe.
#pragma once

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// PNG samples at their own depth: CV_8U or CV_16U (native byte order), with 1 channel
/// (grey), 2 (grey + alpha), 3 (BGR) or 4 (BGRA). A palette becomes BGR (BGRA with tRNS); a
/// tRNS colour key on grey or RGB becomes an alpha channel (255 / 65535 where opaque), so
/// the result stays exact; grey of 1, 2 or 4 bits is widened to 8 (values scaled, as every
/// viewer shows them). REQUIRES: the decode stage accepted the file within its pixel limit.
/// Errors: BadData with libpng's message (bad CRC, bad zlib data, truncation).
Result<cv::Mat> DecodePngExact(const Bytes& png);

/// Still WebP (lossy or lossless): CV_8UC4 BGRA when the file has alpha, else CV_8UC3 BGR.
/// Colours under fully transparent pixels are returned as decoded.
/// REQUIRES: as DecodePngExact. Errors: BadData for a corrupt or truncated file;
/// Unsupported for an animation (one Mat cannot hold its frames).
Result<cv::Mat> DecodeWebpExact(const Bytes& webp);

}  // namespace pg
