#include "metadata/exact_pixels.h"

#include <png.h>
#include <webp/decode.h>

#include <bit>
#include <csetjmp>
#include <cstring>
#include <string>
#include <vector>

#include "decode/png_source.h"

namespace pg {
namespace {

using png_io::PngSource;

/// Runs libpng over the whole file into *pixels. Only trivially destructible locals live in
/// this frame, so libpng's longjmp skips no destructor. False on a libpng error.
bool RunPng(png_structp png, png_infop info, cv::Mat* pixels, std::vector<png_bytep>* rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  png_io::ExpandToWholeSamples(png, info);
  if (png_get_bit_depth(png, info) == 16 && std::endian::native == std::endian::little) {
    png_set_swap(png);  // PNG stores 16-bit samples big-endian; cv::Mat holds native ones
  }
  png_set_bgr(png);  // no effect on grey
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const int channels = png_get_channels(png, info), depth = png_get_bit_depth(png, info);
  if (channels < 1 || channels > 4 || (depth != 8 && depth != 16)) {
    png_error(png, "unexpected sample layout after expansion");
  }
  const png_uint_32 width = png_get_image_width(png, info);
  const png_uint_32 height = png_get_image_height(png, info);
  pixels->create(static_cast<int>(height), static_cast<int>(width),
                 CV_MAKETYPE(depth == 16 ? CV_16U : CV_8U, channels));
  rows->resize(height);
  for (png_uint_32 y = 0; y < height; ++y) (*rows)[y] = pixels->ptr(static_cast<int>(y));
  png_read_image(png, rows->data());
  png_read_end(png, nullptr);
  return true;
}

}  // namespace

Result<cv::Mat> DecodePngExact(const Bytes& png_bytes) {
  PngSource source;
  source.data = &png_bytes;
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, png_io::OnError, png_io::OnWarning);
  if (png == nullptr) return Status::Internal("libpng: cannot create a read struct");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return Status::Internal("libpng: cannot create an info struct");
  }
  png_set_read_fn(png, &source, png_io::OnRead);
  png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
  cv::Mat pixels;
  std::vector<png_bytep> rows;
  const bool ok = RunPng(png, info, &pixels, &rows);
  png_destroy_read_struct(&png, &info, nullptr);
  if (!ok) return Status::BadData(std::string("corrupt or truncated PNG: ") + source.error);
  return pixels;
}

Result<cv::Mat> DecodeWebpExact(const Bytes& webp) {
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) return Status::Internal("libwebp: version mismatch");
  if (WebPGetFeatures(webp.data(), webp.size(), &config.input) != VP8_STATUS_OK) {
    return Status::BadData("corrupt WebP: unreadable header");
  }
  if (config.input.has_animation) {
    return Status::Unsupported("an animated WebP has no single set of pixels");
  }
  const bool alpha = config.input.has_alpha != 0;
  cv::Mat pixels(config.input.height, config.input.width, alpha ? CV_8UC4 : CV_8UC3);
  config.output.colorspace = alpha ? MODE_BGRA : MODE_BGR;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = pixels.data;
  config.output.u.RGBA.stride = static_cast<int>(pixels.step);
  config.output.u.RGBA.size = pixels.step * static_cast<std::size_t>(pixels.rows);
  const VP8StatusCode code = WebPDecode(webp.data(), webp.size(), &config);
  WebPFreeDecBuffer(&config.output);
  if (code != VP8_STATUS_OK) {
    return Status::BadData("corrupt or truncated WebP (libwebp status " + std::to_string(code) +
                           ")");
  }
  return pixels;
}

}  // namespace pg
