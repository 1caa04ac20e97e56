#include "decode/decode_formats.h"

#include <algorithm>
#include <bit>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gif_lib.h>
#include <libheif/heif.h>
#include <tiffio.h>

#include <opencv2/imgproc.hpp>

namespace pg::decode_internal {
namespace {

using Dimensions = std::pair<int, int>;

// ---- HEIF (libheif) -----------------------------------------------------------------------

using HeifContextPtr = std::unique_ptr<heif_context, decltype(&heif_context_free)>;
using HeifHandlePtr = std::unique_ptr<heif_image_handle, decltype(&heif_image_handle_release)>;
using HeifImagePtr = std::unique_ptr<heif_image, decltype(&heif_image_release)>;
using HeifOptionsPtr = std::unique_ptr<heif_decoding_options, decltype(&heif_decoding_options_free)>;

Status HeifError(const char* what, const heif_error& err) {
  const std::string msg = std::string(what) + ": " + (err.message ? err.message : "unknown error");
  if (err.code == heif_error_Unsupported_feature || err.code == heif_error_Unsupported_filetype) {
    return Status::Unsupported("HEIF: " + msg);
  }
  return Status::BadData("corrupt or truncated HEIF: " + msg);
}

// The primary image of a HEIF file. `data` must outlive the returned context.
struct HeifFile {
  HeifContextPtr context{nullptr, heif_context_free};
  HeifHandlePtr primary{nullptr, heif_image_handle_release};
};

Result<HeifFile> OpenHeif(const Bytes& data) {
  static std::once_flag init_once;  // loads libheif's codec plugins; heif_init is ref-counted
  std::call_once(init_once, [] { heif_init(nullptr); });
  HeifFile file;
  file.context.reset(heif_context_alloc());
  if (!file.context) return Status::Internal("libheif: cannot allocate a context");
  heif_error err = heif_context_read_from_memory_without_copy(file.context.get(), data.data(),
                                                              data.size(), nullptr);
  if (err.code != heif_error_Ok) return HeifError("cannot read the file structure", err);
  heif_image_handle* handle = nullptr;
  err = heif_context_get_primary_image_handle(file.context.get(), &handle);
  if (err.code != heif_error_Ok) return HeifError("no primary image", err);
  file.primary.reset(handle);
  return file;
}

// ---- TIFF (libtiff, in memory, errors routed to this call only) -----------------------------

struct TiffSource {
  const Bytes* data = nullptr;
  std::uint64_t pos = 0;
  std::string error;
};

tmsize_t TiffRead(thandle_t h, void* buf, tmsize_t size) {
  auto* src = static_cast<TiffSource*>(h);
  if (size <= 0 || src->pos >= src->data->size()) return 0;
  const std::uint64_t n = std::min<std::uint64_t>(std::uint64_t(size), src->data->size() - src->pos);
  std::memcpy(buf, src->data->data() + src->pos, n);
  src->pos += n;
  return static_cast<tmsize_t>(n);
}
tmsize_t TiffWrite(thandle_t, void*, tmsize_t) { return -1; }
toff_t TiffSeek(thandle_t h, toff_t off, int whence) {
  auto* src = static_cast<TiffSource*>(h);
  std::uint64_t base = 0;
  if (whence == SEEK_CUR) base = src->pos;
  if (whence == SEEK_END) base = src->data->size();
  if (off > UINT64_MAX - base) return static_cast<toff_t>(-1);
  src->pos = base + off;
  return src->pos;
}
int TiffClose(thandle_t) { return 0; }
toff_t TiffSize(thandle_t h) { return static_cast<TiffSource*>(h)->data->size(); }
int TiffMap(thandle_t, void**, toff_t*) { return 0; }
void TiffUnmap(thandle_t, void*, toff_t) {}

int OnTiffError(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* src = static_cast<TiffSource*>(user);
  char buf[512];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  if (!src->error.empty()) src->error += "; ";
  src->error += (module ? std::string(module) + ": " : std::string()) + buf;
  return 1;  // handled: libtiff's global handler (stderr) is not called
}
int OnTiffWarning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

using TiffPtr = std::unique_ptr<TIFF, decltype(&TIFFClose)>;

// Opens the first directory. `source` must outlive the handle.
Result<TiffPtr> OpenTiff(TiffSource* source) {
  TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
  TIFFOpenOptionsSetErrorHandlerExtR(options, OnTiffError, source);
  TIFFOpenOptionsSetWarningHandlerExtR(options, OnTiffWarning, source);
  TIFFOpenOptionsSetMaxSingleMemAlloc(options, tmsize_t{256} << 20);  // libtiff's own buffers
  TIFF* tif = TIFFClientOpenExt("image.tiff", "rm", source, TiffRead, TiffWrite, TiffSeek, TiffClose,
                                TiffSize, TiffMap, TiffUnmap, options);
  TIFFOpenOptionsFree(options);
  if (tif == nullptr) return Status::BadData("corrupt TIFF: " + source->error);
  return TiffPtr(tif, TIFFClose);
}

// ---- GIF (giflib) ------------------------------------------------------------------------

struct GifSource {
  const Bytes* data = nullptr;
  std::size_t pos = 0;
};

int GifRead(GifFileType* gif, GifByteType* buf, int size) {
  auto* src = static_cast<GifSource*>(gif->UserData);
  const std::size_t n = std::min<std::size_t>(size < 0 ? 0 : std::size_t(size), src->data->size() - src->pos);
  std::memcpy(buf, src->data->data() + src->pos, n);
  src->pos += n;
  return static_cast<int>(n);
}

Status GifError(int code) {
  const char* text = GifErrorString(code);
  return Status::BadData(std::string("corrupt or truncated GIF: ") + (text ? text : "unknown error"));
}

void CloseGif(GifFileType* gif) {
  int err = 0;
  DGifCloseFile(gif, &err);
}

// Reads the first image's rows (de-interlaced) and paints non-transparent pixels onto `canvas`.
Status PaintFirstFrame(GifFileType* gif, int transparent, std::uint64_t max_pixels, cv::Mat* canvas) {
  const GifImageDesc& desc = gif->Image;
  if (desc.Width <= 0 || desc.Height <= 0) return Status::BadData("corrupt GIF: first frame is empty");
  if (std::uint64_t(desc.Width) * std::uint64_t(desc.Height) > max_pixels) {
    return Status::TooLarge("GIF frame is " + std::to_string(desc.Width) + "x" +
                            std::to_string(desc.Height) + ", over the limit of " +
                            std::to_string(max_pixels) + " pixels");
  }
  const ColorMapObject* map = desc.ColorMap ? desc.ColorMap : gif->SColorMap;
  if (map == nullptr) return Status::BadData("corrupt GIF: first frame has no colour map");
  std::vector<int> row_order;
  if (desc.Interlace) {
    static constexpr int kStart[] = {0, 4, 2, 1}, kStep[] = {8, 8, 4, 2};
    for (int pass = 0; pass < 4; ++pass) {
      for (int y = kStart[pass]; y < desc.Height; y += kStep[pass]) row_order.push_back(y);
    }
  } else {
    for (int y = 0; y < desc.Height; ++y) row_order.push_back(y);
  }
  std::vector<GifPixelType> line(static_cast<std::size_t>(desc.Width));
  for (int y : row_order) {
    if (DGifGetLine(gif, line.data(), desc.Width) == GIF_ERROR) return GifError(gif->Error);
    const int cy = desc.Top + y;
    if (cy < 0 || cy >= canvas->rows) continue;
    cv::Vec3b* out = canvas->ptr<cv::Vec3b>(cy);
    for (int x = 0; x < desc.Width; ++x) {
      const int cx = desc.Left + x;
      if (line[x] == transparent || cx < 0 || cx >= canvas->cols) continue;
      if (line[x] >= map->ColorCount) {
        out[cx] = cv::Vec3b(0, 0, 0);
      } else {
        const GifColorType& c = map->Colors[line[x]];
        out[cx] = cv::Vec3b(c.Blue, c.Green, c.Red);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

cv::Mat CompositeOnWhite(const cv::Mat& bgra, bool premultiplied) {
  CV_Assert(bgra.type() == CV_8UC4);
  cv::Mat bgr(bgra.rows, bgra.cols, CV_8UC3);
  for (int y = 0; y < bgra.rows; ++y) {
    const cv::Vec4b* in = bgra.ptr<cv::Vec4b>(y);
    cv::Vec3b* out = bgr.ptr<cv::Vec3b>(y);
    for (int x = 0; x < bgra.cols; ++x) {
      const int a = in[x][3];
      for (int c = 0; c < 3; ++c) {
        const int v = premultiplied ? in[x][c] + (255 - a) : (in[x][c] * a + 255 * (255 - a) + 127) / 255;
        out[x][c] = static_cast<uchar>(std::min(v, 255));
      }
    }
  }
  return bgr;
}

Result<std::pair<int, int>> HeifDimensions(const Bytes& data) {
  auto file = OpenHeif(data);
  if (!file.ok()) return file.status();
  int width = heif_image_handle_get_ispe_width(file->primary.get());
  int height = heif_image_handle_get_ispe_height(file->primary.get());
  if (width <= 0 || height <= 0) {
    width = heif_image_handle_get_width(file->primary.get());
    height = heif_image_handle_get_height(file->primary.get());
  }
  return Dimensions{width, height};
}

Result<cv::Mat> DecodeHeif(const Bytes& data) {
  auto file = OpenHeif(data);
  if (!file.ok()) return file.status();
  const bool alpha = heif_image_handle_has_alpha_channel(file->primary.get()) != 0;
  HeifOptionsPtr options(heif_decoding_options_alloc(), heif_decoding_options_free);
  if (!options) return Status::Internal("libheif: cannot allocate decoding options");
  options->ignore_transformations = 0;  // apply irot / imir / clap
  options->convert_hdr_to_8bit = 1;
  options->strict_decoding = 1;
  heif_image* raw = nullptr;
  const heif_error err =
      heif_decode_image(file->primary.get(), &raw, heif_colorspace_RGB,
                        alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, options.get());
  if (err.code != heif_error_Ok) return HeifError("primary image does not decode", err);
  HeifImagePtr image(raw, heif_image_release);
  const int width = heif_image_get_width(image.get(), heif_channel_interleaved);
  const int height = heif_image_get_height(image.get(), heif_channel_interleaved);
  int stride = 0;
  const std::uint8_t* plane = heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
  if (plane == nullptr || width <= 0 || height <= 0) {
    return Status::BadData("corrupt HEIF: decoded image has no pixel plane");
  }
  const cv::Mat rgb(height, width, alpha ? CV_8UC4 : CV_8UC3, const_cast<std::uint8_t*>(plane),
                    static_cast<std::size_t>(stride));
  cv::Mat bgr;
  if (!alpha) {
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    return bgr;
  }
  cv::cvtColor(rgb, bgr, cv::COLOR_RGBA2BGRA);
  return CompositeOnWhite(bgr, /*premultiplied=*/false);
}

Result<std::pair<int, int>> TiffDimensions(const Bytes& data) {
  TiffSource source{&data, 0, {}};
  auto tif = OpenTiff(&source);
  if (!tif.ok()) return tif.status();
  void* dng_version = nullptr;
  if (TIFFGetField(tif->get(), TIFFTAG_DNGVERSION, &dng_version) == 1) {
    return Status::Unsupported("DNG raw images are not supported (the first TIFF directory is only a preview)");
  }
  std::uint32_t width = 0, height = 0;
  if (TIFFGetField(tif->get(), TIFFTAG_IMAGEWIDTH, &width) != 1 ||
      TIFFGetField(tif->get(), TIFFTAG_IMAGELENGTH, &height) != 1) {
    return Status::BadData("corrupt TIFF: no ImageWidth/ImageLength tag");
  }
  if (width == 0 || height == 0 || width > 0x7FFFFFFFu || height > 0x7FFFFFFFu) {
    return Status::BadData("corrupt TIFF: invalid size " + std::to_string(width) + "x" + std::to_string(height));
  }
  return Dimensions{static_cast<int>(width), static_cast<int>(height)};
}

Result<TiffPixels> DecodeTiff(const Bytes& data) {
  static_assert(std::endian::native == std::endian::little, "the TIFF RGBA raster is read as R,G,B,A bytes");
  auto dims = TiffDimensions(data);
  if (!dims.ok()) return dims.status();
  TiffSource source{&data, 0, {}};
  auto tif = OpenTiff(&source);
  if (!tif.ok()) return tif.status();
  char why[1024] = {0};
  if (TIFFRGBAImageOK(tif->get(), why) != 1) return Status::Unsupported(std::string("TIFF: ") + why);
  std::uint16_t orientation = ORIENTATION_TOPLEFT;
  TIFFGetFieldDefaulted(tif->get(), TIFFTAG_ORIENTATION, &orientation);
  const auto [width, height] = *dims;
  cv::Mat rgba(height, width, CV_8UC4);
  // Asking for the file's own orientation makes libtiff flip nothing: rows come in stored
  // order, and the caller applies all 8 orientations (libtiff itself cannot transpose).
  const int ok = TIFFReadRGBAImageOriented(tif->get(), static_cast<std::uint32_t>(width),
                                           static_cast<std::uint32_t>(height),
                                           reinterpret_cast<std::uint32_t*>(rgba.data), orientation,
                                           /*stop_on_error=*/1);
  if (ok != 1 || !source.error.empty()) {
    return Status::BadData("corrupt or truncated TIFF: " +
                           (source.error.empty() ? std::string("pixel data does not decode") : source.error));
  }
  cv::Mat bgra;
  cv::cvtColor(rgba, bgra, cv::COLOR_RGBA2BGRA);
  TiffPixels out;
  out.bgr = CompositeOnWhite(bgra, /*premultiplied=*/true);  // libtiff's raster is associated alpha
  out.orientation = (orientation >= 1 && orientation <= 8) ? orientation : 1;
  return out;
}

Result<std::pair<int, int>> GifDimensions(const Bytes& data) {
  if (data.size() < 10) return Status::BadData("corrupt GIF: header is truncated");
  const int width = data[6] | (data[7] << 8), height = data[8] | (data[9] << 8);
  if (width == 0 || height == 0) {
    return Status::BadData("corrupt GIF: logical screen is " + std::to_string(width) + "x" + std::to_string(height));
  }
  return Dimensions{width, height};
}

Result<cv::Mat> DecodeGif(const Bytes& data, std::uint64_t max_pixels) {
  auto dims = GifDimensions(data);
  if (!dims.ok()) return dims.status();
  GifSource source{&data, 0};
  int err = 0;
  std::unique_ptr<GifFileType, decltype(&CloseGif)> gif(DGifOpen(&source, GifRead, &err), CloseGif);
  if (!gif) return GifError(err);
  cv::Mat canvas(dims->second, dims->first, CV_8UC3, cv::Scalar(255, 255, 255));
  int transparent = NO_TRANSPARENT_COLOR;
  for (;;) {
    GifRecordType type = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif.get(), &type) == GIF_ERROR) return GifError(gif->Error);
    if (type == IMAGE_DESC_RECORD_TYPE) {
      if (DGifGetImageDesc(gif.get()) == GIF_ERROR) return GifError(gif->Error);
      Status painted = PaintFirstFrame(gif.get(), transparent, max_pixels, &canvas);
      if (!painted.ok()) return painted;
      return canvas;
    }
    if (type != EXTENSION_RECORD_TYPE) return Status::BadData("corrupt GIF: no image before the end of the file");
    int code = 0;
    GifByteType* block = nullptr;
    if (DGifGetExtension(gif.get(), &code, &block) == GIF_ERROR) return GifError(gif->Error);
    if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr && block[0] >= 4) {
      GraphicsControlBlock gcb;
      if (DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK) transparent = gcb.TransparentColor;
    }
    while (block != nullptr) {
      if (DGifGetExtensionNext(gif.get(), &block) == GIF_ERROR) return GifError(gif->Error);
    }
  }
}

}  // namespace pg::decode_internal
