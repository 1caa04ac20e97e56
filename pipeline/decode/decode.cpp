#include "decode/decode.h"

#include <csetjmp>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include <png.h>
#include <turbojpeg.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "decode/decode_formats.h"
#include "decode/png_source.h"

namespace pg {
namespace {

using decode_internal::CompositeOnWhite;
using Dimensions = std::pair<int, int>;

// ---- JPEG (TurboJPEG) -------------------------------------------------------------------

struct TjHandle {
  tjhandle handle = tjInitDecompress();
  ~TjHandle() {
    if (handle != nullptr) tjDestroy(handle);
  }
};

Status JpegError(tjhandle handle) {
  const std::string msg = tjGetErrorStr2(handle);
  // Valid JPEG variants libjpeg-turbo cannot decode (12-bit, lossless, odd colour transforms)
  // are unsupported; anything else ("Unsupported marker type" included) is corruption.
  for (const char* prefix : {"Unsupported JPEG", "Unsupported color conversion"}) {
    if (msg.rfind(prefix, 0) == 0) return Status::Unsupported("JPEG: " + msg);
  }
  return Status::BadData("corrupt or truncated JPEG: " + msg);
}

Result<Dimensions> JpegDimensions(const Bytes& data, int* colorspace) {
  TjHandle tj;
  if (tj.handle == nullptr) return Status::Internal(std::string("TurboJPEG: ") + tjGetErrorStr2(nullptr));
  int width = 0, height = 0, subsamp = 0;
  if (tjDecompressHeader3(tj.handle, data.data(), static_cast<unsigned long>(data.size()), &width,
                          &height, &subsamp, colorspace) != 0) {
    return JpegError(tj.handle);
  }
  return Dimensions{width, height};
}

// Any libjpeg warning ("Premature end of JPEG file", "Corrupt JPEG data") stops decoding and
// fails: TJFLAG_STOPONWARNING. TJFLAG_LIMITSCANS refuses progressive files with > 500 scans.
Result<cv::Mat> DecodeJpeg(const Bytes& data) {
  int colorspace = TJCS_RGB;
  auto dims = JpegDimensions(data, &colorspace);
  if (!dims.ok()) return dims.status();
  const auto [width, height] = *dims;
  const bool cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
  cv::Mat pixels(height, width, cmyk ? CV_8UC4 : CV_8UC3);
  TjHandle tj;
  if (tj.handle == nullptr) return Status::Internal(std::string("TurboJPEG: ") + tjGetErrorStr2(nullptr));
  if (tjDecompress2(tj.handle, data.data(), static_cast<unsigned long>(data.size()), pixels.data,
                    width, static_cast<int>(pixels.step), height, cmyk ? TJPF_CMYK : TJPF_BGR,
                    TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0) {
    return JpegError(tj.handle);
  }
  if (!cmyk) return pixels;
  // CMYK JPEGs come from Adobe software, which stores the channels inverted (255 = no ink).
  cv::Mat bgr(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    const cv::Vec4b* in = pixels.ptr<cv::Vec4b>(y);
    cv::Vec3b* out = bgr.ptr<cv::Vec3b>(y);
    for (int x = 0; x < width; ++x) {
      const int k = in[x][3];
      out[x] = cv::Vec3b(static_cast<uchar>(in[x][2] * k / 255), static_cast<uchar>(in[x][1] * k / 255),
                         static_cast<uchar>(in[x][0] * k / 255));
    }
  }
  return bgr;
}

// ---- PNG (libpng) -----------------------------------------------------------------------

using png_io::PngSource;

// Runs libpng up to the end of the file. Only trivially destructible locals live in this
// frame, so libpng's longjmp on error skips no destructor. Returns false on a libpng error.
bool RunPng(png_structp png, png_infop info, cv::Mat* bgra, std::vector<png_bytep>* rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  const int color_type = png_get_color_type(png, info);
  png_io::ExpandToWholeSamples(png, info);
  if (png_get_bit_depth(png, info) == 16) png_set_scale_16(png);
  if ((color_type & PNG_COLOR_MASK_COLOR) == 0) png_set_gray_to_rgb(png);
  png_set_filler(png, 0xFF, PNG_FILLER_AFTER);  // only takes effect when there is no alpha
  png_set_bgr(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_channels(png, info) != 4 || png_get_bit_depth(png, info) != 8) {
    png_error(png, "unexpected pixel layout after conversion to 8-bit BGRA");
  }
  const png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
  bgra->create(static_cast<int>(height), static_cast<int>(width), CV_8UC4);
  rows->resize(height);
  for (png_uint_32 y = 0; y < height; ++y) (*rows)[y] = bgra->ptr(static_cast<int>(y));
  png_read_image(png, rows->data());
  png_read_end(png, nullptr);  // checks the chunks after the image data up to IEND
  return true;
}

Result<Dimensions> PngDimensions(const Bytes& data) {
  // Signature (8), then the IHDR chunk: length (4) "IHDR" width (4) height (4), big-endian.
  if (data.size() < 24 || std::memcmp(data.data() + 12, "IHDR", 4) != 0) {
    return Status::BadData("corrupt PNG: no IHDR header chunk");
  }
  auto be32 = [&](std::size_t o) {
    return (std::uint32_t{data[o]} << 24) | (std::uint32_t{data[o + 1]} << 16) |
           (std::uint32_t{data[o + 2]} << 8) | std::uint32_t{data[o + 3]};
  };
  const std::uint32_t width = be32(16), height = be32(20);
  if (width == 0 || height == 0 || width > 0x7FFFFFFFu || height > 0x7FFFFFFFu) {
    return Status::BadData("corrupt PNG: invalid size " + std::to_string(width) + "x" + std::to_string(height));
  }
  return Dimensions{static_cast<int>(width), static_cast<int>(height)};
}

// Strict: a bad CRC in any chunk (critical or ancillary), a bad zlib stream and a file that
// ends before IEND are all errors.
Result<cv::Mat> DecodePng(const Bytes& data) {
  PngSource source{&data, 0, {}};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, png_io::OnError, png_io::OnWarning);
  if (png == nullptr) return Status::Internal("libpng: cannot create a read struct");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return Status::Internal("libpng: cannot create an info struct");
  }
  png_set_read_fn(png, &source, png_io::OnRead);
  png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
  cv::Mat bgra;
  std::vector<png_bytep> rows;
  const bool ok = RunPng(png, info, &bgra, &rows);
  png_destroy_read_struct(&png, &info, nullptr);
  if (!ok) return Status::BadData("corrupt or truncated PNG: " + source.error);
  return bgra;  // straight alpha: DecodeChecked composites it and keeps the hidden colours
}

// ---- WebP (libwebp, libwebpdemux) ---------------------------------------------------------

const char* WebpStatusText(VP8StatusCode code) {
  switch (code) {
    case VP8_STATUS_OK: return "ok";
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR: return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
    case VP8_STATUS_SUSPENDED: return "decoding suspended";
    case VP8_STATUS_USER_ABORT: return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "not enough data (file is truncated)";
  }
  return "unknown error";
}

Result<Dimensions> WebpDimensions(const Bytes& data, WebPBitstreamFeatures* features) {
  const VP8StatusCode code = WebPGetFeatures(data.data(), data.size(), features);
  if (code != VP8_STATUS_OK) return Status::BadData(std::string("corrupt WebP: ") + WebpStatusText(code));
  return Dimensions{features->width, features->height};
}

// First frame of an animation, composed onto the (transparent) canvas by WebPAnimDecoder.
Result<cv::Mat> DecodeAnimatedWebp(const Bytes& data, int width, int height) {
  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) return Status::Internal("libwebp: version mismatch");
  options.color_mode = MODE_BGRA;
  options.use_threads = 0;
  const WebPData webp{data.data(), data.size()};
  WebPAnimDecoder* decoder = WebPAnimDecoderNew(&webp, &options);
  if (decoder == nullptr) return Status::BadData("corrupt animated WebP: cannot parse its frames");
  std::uint8_t* canvas = nullptr;
  int timestamp = 0;
  WebPAnimInfo info;
  cv::Mat bgra;
  if (WebPAnimDecoderGetInfo(decoder, &info) && static_cast<int>(info.canvas_width) == width &&
      static_cast<int>(info.canvas_height) == height &&
      WebPAnimDecoderGetNext(decoder, &canvas, &timestamp)) {
    bgra = cv::Mat(height, width, CV_8UC4, canvas).clone();
  }
  WebPAnimDecoderDelete(decoder);
  if (bgra.empty()) return Status::BadData("corrupt or truncated animated WebP: first frame does not decode");
  return CompositeOnWhite(bgra, /*premultiplied=*/false);
}

Result<cv::Mat> DecodeWebp(const Bytes& data) {
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) return Status::Internal("libwebp: version mismatch");
  auto dims = WebpDimensions(data, &config.input);
  if (!dims.ok()) return dims.status();
  const auto [width, height] = *dims;
  if (config.input.has_animation) return DecodeAnimatedWebp(data, width, height);
  cv::Mat bgra(height, width, CV_8UC4);
  config.output.colorspace = MODE_BGRA;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = bgra.data;
  config.output.u.RGBA.stride = static_cast<int>(bgra.step);
  config.output.u.RGBA.size = bgra.step * static_cast<std::size_t>(height);
  const VP8StatusCode code = WebPDecode(data.data(), data.size(), &config);
  WebPFreeDecBuffer(&config.output);
  if (code != VP8_STATUS_OK) {
    return Status::BadData(std::string("corrupt or truncated WebP: ") + WebpStatusText(code));
  }
  return bgra;  // straight alpha: DecodeChecked composites it and keeps the hidden colours
}

Result<DecodedImage> DecodeChecked(const Bytes& data, int exif_orientation, std::uint64_t max_pixels) {
  const ImageFormat format = SniffFormat(data);
  if (format == ImageFormat::kUnknown) {
    return Status::Unsupported("not a supported image: " + DescribeUnknown(data));
  }
  auto dims = ReadDimensions(data, format);
  if (!dims.ok()) return dims.status();
  const auto [width, height] = *dims;
  const std::uint64_t pixels = std::uint64_t(width) * std::uint64_t(height);
  if (pixels > max_pixels) {
    return Status::TooLarge(std::string(ImageFormatName(format)) + " image is " + std::to_string(width) +
                            "x" + std::to_string(height) + " = " + std::to_string(pixels) +
                            " pixels, over the limit of " + std::to_string(max_pixels));
  }
  DecodedImage out;
  out.format = format;
  out.stored_width = width;
  out.stored_height = height;
  int orientation = (exif_orientation >= 1 && exif_orientation <= 8) ? exif_orientation : 1;
  Result<cv::Mat> pixels_or = Status::Internal("unreachable");
  switch (format) {
    case ImageFormat::kJpeg: pixels_or = DecodeJpeg(data); break;
    case ImageFormat::kPng: pixels_or = DecodePng(data); break;
    case ImageFormat::kWebp: pixels_or = DecodeWebp(data); break;
    case ImageFormat::kHeif:
      pixels_or = decode_internal::DecodeHeif(data);
      orientation = 1;
      break;
    case ImageFormat::kTiff: {
      auto tiff = decode_internal::DecodeTiff(data);
      if (!tiff.ok()) return tiff.status();
      orientation = tiff->orientation;
      pixels_or = std::move(tiff->bgr);
      break;
    }
    case ImageFormat::kGif:
      pixels_or = decode_internal::DecodeGif(data, max_pixels);
      orientation = 1;
      break;
    case ImageFormat::kUnknown: break;
  }
  if (!pixels_or.ok()) return pixels_or.status();
  cv::Mat hidden;
  if (pixels_or->type() == CV_8UC4) {
    // A lossless output keeps the colour values under transparent pixels; anyone can
    // recover them by dropping the alpha channel, so they must be analysed too.
    cv::Mat alpha;
    cv::extractChannel(*pixels_or, alpha, 3);
    double min_alpha = 255;
    cv::minMaxLoc(alpha, &min_alpha);
    if (min_alpha < 255) cv::cvtColor(*pixels_or, hidden, cv::COLOR_BGRA2BGR);
    *pixels_or = CompositeOnWhite(*pixels_or, /*premultiplied=*/false);
  }
  const cv::Mat& decoded = *pixels_or;
  // HEIF's transforms may crop or swap sides; every other decoder must match its header.
  const bool size_ok = format == ImageFormat::kHeif
                           ? std::uint64_t(decoded.total()) <= pixels
                           : decoded.cols == width && decoded.rows == height;
  if (decoded.empty() || decoded.type() != CV_8UC3 || !size_ok) {
    return Status::BadData(std::string(ImageFormatName(format)) + ": decoded pixels (" +
                           std::to_string(decoded.cols) + "x" + std::to_string(decoded.rows) +
                           ") do not match the header size " + std::to_string(width) + "x" +
                           std::to_string(height));
  }
  out.orientation_applied = orientation;
  out.bgr = orientation == 1 ? decoded : ApplyOrientation(decoded, orientation);
  if (!hidden.empty()) out.hidden_bgr = orientation == 1 ? hidden : ApplyOrientation(hidden, orientation);
  return out;
}

}  // namespace

Result<std::pair<int, int>> ReadDimensions(const Bytes& data, ImageFormat format) {
  Result<Dimensions> dims = Status::Unsupported("not a supported image: " + DescribeUnknown(data));
  int colorspace = 0;
  WebPBitstreamFeatures features;
  switch (format) {
    case ImageFormat::kJpeg: dims = JpegDimensions(data, &colorspace); break;
    case ImageFormat::kPng: dims = PngDimensions(data); break;
    case ImageFormat::kWebp: dims = WebpDimensions(data, &features); break;
    case ImageFormat::kHeif: dims = decode_internal::HeifDimensions(data); break;
    case ImageFormat::kTiff: dims = decode_internal::TiffDimensions(data); break;
    case ImageFormat::kGif: dims = decode_internal::GifDimensions(data); break;
    case ImageFormat::kUnknown: break;
  }
  if (dims.ok() && (dims->first <= 0 || dims->second <= 0)) {
    return Status::BadData(std::string("corrupt ") + ImageFormatName(format) + ": header gives an empty size " +
                           std::to_string(dims->first) + "x" + std::to_string(dims->second));
  }
  return dims;
}

Result<DecodedImage> DecodeImage(const Bytes& data, int exif_orientation, std::uint64_t max_pixels) {
  try {
    return DecodeChecked(data, exif_orientation, max_pixels);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("OpenCV error while decoding: ") + e.what());
  } catch (const std::bad_alloc&) {
    return Status::TooLarge("out of memory while decoding the image");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected error while decoding: ") + e.what());
  }
}

cv::Mat ApplyOrientation(const cv::Mat& src, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(src, out, 1); break;
    case 3: cv::rotate(src, out, cv::ROTATE_180); break;
    case 4: cv::flip(src, out, 0); break;
    case 5: cv::transpose(src, out); break;
    case 6: cv::rotate(src, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7:
      cv::transpose(src, out);
      cv::flip(out, out, -1);
      break;
    case 8: cv::rotate(src, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = src.clone(); break;
  }
  return out;
}

}  // namespace pg
