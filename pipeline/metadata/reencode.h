// Re-encoders for the cases where metadata cannot be removed by rewriting the container:
// pixels in, a fresh file out that carries nothing but the pixels and (optionally) the
// original ICC profile.
//
// In: decoded pixels (CV_8UC3 BGR; CV_8UC1, CV_8UC4 and 16-bit depths are converted to 8-bit
// BGR), borrowed; an ICC profile to embed, or empty. Out: the encoded bytes, or a Status
// (Internal for an encoder failure, BadData for an empty or unusable Mat). Library
// exceptions are caught here. Each call has its own encoder objects; thread-safe.
#pragma once

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// Baseline JPEG through TurboJPEG (4:2:0, accurate DCT) at `quality` 1..100, with JFIF APP0
/// and, when `icc` is not empty, the profile in APP2 "ICC_PROFILE" segments.
Result<Bytes> EncodeJpeg(const cv::Mat& pixels, int quality, const Bytes& icc);

/// Lossless PNG through libpng (8-bit RGB), with an iCCP chunk when `icc` is not empty.
Result<Bytes> EncodePng(const cv::Mat& pixels, const Bytes& icc);

/// Lossless WebP through libwebp, with an ICCP chunk (via libwebpmux) when `icc` is not empty.
Result<Bytes> EncodeWebpLossless(const cv::Mat& pixels, const Bytes& icc);

/// APP2 "ICC_PROFILE" segment payloads for a profile (chunks of at most 65519 bytes,
/// numbered 1..n of n). Empty for an empty profile or one needing more than 255 chunks.
std::vector<Bytes> IccToJpegApp2Payloads(const Bytes& icc);

}  // namespace pg
