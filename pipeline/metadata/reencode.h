// Re-encoders for the cases where metadata cannot be removed by rewriting the container:
// pixels in, a fresh file out that carries nothing but the pixels and (optionally) the
// original ICC profile.
//
// In: decoded pixels, borrowed: 8- or 16-bit, grey, grey + alpha, BGR or BGRA. PNG keeps
// each of those as it is; WebP keeps 8-bit BGRA (alpha and the colours under it) and takes
// the rest as 8-bit BGR; JPEG takes everything as 8-bit BGR (alpha dropped, not composited).
// An ICC profile to embed, or empty. Out: the encoded bytes, or a Status (Internal for an
// encoder failure, BadData for an empty or unusable Mat). Library exceptions are caught
// here. Each call has its own encoder objects; thread-safe.
#pragma once

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

/// Baseline JPEG through TurboJPEG (4:2:0, accurate DCT) at `quality` 1..100, with JFIF APP0
/// and, when `icc` is not empty, the profile in APP2 "ICC_PROFILE" segments.
Result<Bytes> EncodeJpeg(const cv::Mat& pixels, int quality, const Bytes& icc);

/// Lossless PNG through libpng at the pixels' own depth (CV_8U: 8 bits, CV_16U: 16 bits per
/// sample) and colour type (1 channel: grey, 2: grey + alpha, 3: RGB from BGR, 4: RGBA from
/// BGRA), with an iCCP chunk when `icc` is not empty. BadData for other depths or counts.
Result<Bytes> EncodePng(const cv::Mat& pixels, const Bytes& icc);

/// Lossless WebP through libwebp, with an ICCP chunk (via libwebpmux) when `icc` is not empty.
/// CV_8UC4 is encoded as BGRA with `exact` set: alpha and the colours under transparent
/// pixels survive. Any other Mat goes through the 8-bit BGR conversion (WebP has no 16-bit
/// or grey samples).
Result<Bytes> EncodeWebpLossless(const cv::Mat& pixels, const Bytes& icc);

/// APP2 "ICC_PROFILE" segment payloads for a profile (chunks of at most 65519 bytes,
/// numbered 1..n of n). Empty for an empty profile or one needing more than 255 chunks.
std::vector<Bytes> IccToJpegApp2Payloads(const Bytes& icc);

}  // namespace pg
