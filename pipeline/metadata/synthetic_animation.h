// Synthetic animations for tests and examples: animated GIFs (giflib) carrying every kind of
// GIF extension, and animated WebPs (libwebpmux's WebPAnimEncoder).
//
// In: frames (CV_8UC3 BGR, borrowed, all the same size) and what to embed. Out: the encoded
// file, or a Status (BadData for no frames or mixed sizes, Internal for an encoder
// failure). Extensions go where real writers put them (looping and ICC after the screen
// descriptor, XMP and comments after the last frame). Own encoder objects per call;
// thread-safe.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

struct SyntheticGif {
  /// Full-canvas frames. Colours are reduced to 8: each channel becomes 0 or 255 (>= 128).
  std::vector<cv::Mat> frames;
  int delay_cs = 10;        ///< graphic control extension before each frame; < 0: none
  int loop_count = 0;       ///< NETSCAPE2.0 loop count (0 = forever); < 0: no such extension
  std::string comment;      ///< comment extension, if not empty
  std::string xmp;          ///< "XMP DataXMP" extension (raw packet + magic trailer), if not empty
  Bytes icc;                ///< "ICCRGBG1012" extension, if not empty
  std::string plain_text;   ///< plain text extension before the first frame, if not empty
  std::string app_id;       ///< one more application extension (11 chars), if not empty
  Bytes app_data;           ///< its payload
};

/// A GIF89a built from `spec`. Errors: BadData (no frames, mixed sizes, app_id not 11
/// characters, a frame over 65535 pixels wide/high), Internal (giflib failure).
Result<Bytes> BuildGif(const SyntheticGif& spec);

/// What BuildGif's 8-colour palette makes of `bgr` (each channel 0 or 255).
cv::Mat GifPaletteColors(const cv::Mat& bgr);

/// An animated WebP, `duration_ms` per frame, looping forever; lossless or lossy (q90).
/// Errors: BadData (no frames, mixed sizes), Internal (libwebp failure).
Result<Bytes> BuildAnimatedWebp(const std::vector<cv::Mat>& frames, int duration_ms,
                                bool lossless);

}  // namespace pg
