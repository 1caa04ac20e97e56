// libpng reading from bytes in memory: the source struct and the three callbacks that
// png_create_read_struct / png_set_read_fn take, and the sample expansion both readers share. The error callback records libpng's message
// in PngSource::error and longjmps back to the caller's setjmp, so the frame holding the
// setjmp must own only trivially destructible locals. Shared by decode and metadata.
#pragma once

#include <png.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "core/image_record.h"

namespace pg::png_io {

struct PngSource {
  const Bytes* data = nullptr;  ///< borrowed; outlives the png_struct
  std::size_t pos = 0;
  std::string error;  ///< libpng's message after a failure
};

[[noreturn]] inline void OnError(png_structp png, png_const_charp msg) {
  static_cast<PngSource*>(png_get_error_ptr(png))->error = msg;
  png_longjmp(png, 1);
}

inline void OnWarning(png_structp, png_const_charp) {}  // benign (e.g. a known-bad sRGB profile)

inline void OnRead(png_structp png, png_bytep out, png_size_t length) {
  auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
  if (length > src->data->size() - src->pos) png_error(png, "file is truncated (read beyond end of data)");
  std::memcpy(out, src->data->data() + src->pos, length);
  src->pos += length;
}

/// After png_read_info: palettes, grey below 8 bits and tRNS transparency become whole
/// samples (RGB / grey, 8 or 16 bits, alpha as a channel). The callers add their own
/// depth and channel-order transforms after it.
inline void ExpandToWholeSamples(png_structp png, png_infop info) {
  const int color_type = png_get_color_type(png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) {
    png_set_expand_gray_1_2_4_to_8(png);
  }
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
}

}  // namespace pg::png_io
