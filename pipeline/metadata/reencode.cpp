#include "metadata/reencode.h"

#include <png.h>
#include <turbojpeg.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include <bit>
#include <csetjmp>
#include <cstring>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <string>

#include "metadata/jpeg_segments.h"
#include "metadata/png_chunks.h"

namespace pg {
namespace {

constexpr std::size_t kIccChunk = 65519;  // 65535 - 2 (length) - 14 ("ICC_PROFILE\0" + seq + n)

/// 8-bit, 3-channel BGR, continuous in memory.
Result<cv::Mat> ToBgr8(const cv::Mat& in) {
  if (in.empty()) return Status::BadData("no pixels to encode");
  try {
    cv::Mat m = in;
    if (m.depth() == CV_16U) {
      m.convertTo(m, CV_8U, 1.0 / 257.0);
    } else if (m.depth() != CV_8U) {
      return Status::BadData("unsupported pixel depth for re-encoding");
    }
    if (m.channels() == 1)
      cv::cvtColor(m, m, cv::COLOR_GRAY2BGR);
    else if (m.channels() == 4)
      cv::cvtColor(m, m, cv::COLOR_BGRA2BGR);
    else if (m.channels() != 3)
      return Status::BadData("unsupported channel count for re-encoding");
    if (!m.isContinuous()) m = m.clone();
    return m;
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("pixel conversion failed: ") + e.what());
  }
}

struct PngWriteState {
  Bytes out;
  char error[200] = {0};
};

void PngWrite(png_structp png, png_bytep data, png_size_t size) {
  auto* s = static_cast<PngWriteState*>(png_get_io_ptr(png));
  s->out.insert(s->out.end(), data, data + size);
}

void PngError(png_structp png, png_const_charp msg) {
  auto* s = static_cast<PngWriteState*>(png_get_error_ptr(png));
  std::snprintf(s->error, sizeof(s->error), "%s", msg);
  png_longjmp(png, 1);
}

void PngWarning(png_structp, png_const_charp) {}

/// 8- or 16-bit samples with 1 to 4 channels (grey, grey + alpha, BGR, BGRA), continuous.
Result<cv::Mat> ToPngLayout(const cv::Mat& in) {
  if (in.empty()) return Status::BadData("no pixels to encode");
  if (in.depth() != CV_8U && in.depth() != CV_16U) {
    return Status::BadData("unsupported pixel depth for a PNG");
  }
  if (in.channels() < 1 || in.channels() > 4) {
    return Status::BadData("unsupported channel count for a PNG");
  }
  return in.isContinuous() ? in : in.clone();
}

/// Writes the pixels with libpng at their own depth and channel count; no metadata chunks.
/// Kept free of C++ objects with destructors between setjmp and longjmp.
bool WritePngPixels(const cv::Mat& pixels, PngWriteState* state) {
  static const int kColorType[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                    PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, state, PngError, PngWarning);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  const bool wide = pixels.depth() == CV_16U;
  png_set_write_fn(png, state, PngWrite, nullptr);
  png_set_IHDR(png, info, static_cast<png_uint_32>(pixels.cols),
               static_cast<png_uint_32>(pixels.rows), wide ? 16 : 8, kColorType[pixels.channels()],
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_set_bgr(png);  // no effect on grey
  if (wide && std::endian::native == std::endian::little) png_set_swap(png);  // PNG: big-endian
  for (int y = 0; y < pixels.rows; ++y) {
    png_write_row(png, const_cast<png_bytep>(pixels.ptr<png_byte>(y)));
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

struct WebpWriterDeleter {
  void operator()(WebPMemoryWriter* w) const {
    WebPMemoryWriterClear(w);
    delete w;
  }
};

/// Lossless WebP of 8-bit BGR or BGRA through the advanced API: `exact` keeps the colours
/// under fully transparent pixels (the simple API would overwrite them to save bytes).
/// Effort as the simple API's WebPEncodeLossless* (quality 70, default method).
Result<Bytes> WebpLossless(const cv::Mat& pixels) {
  WebPConfig config;
  WebPPicture picture;
  if (!WebPConfigPreset(&config, WEBP_PRESET_DEFAULT, 70) || !WebPPictureInit(&picture)) {
    return Status::Internal("libwebp version mismatch");
  }
  config.lossless = 1;
  config.exact = 1;
  picture.use_argb = 1;
  picture.width = pixels.cols;
  picture.height = pixels.rows;
  std::unique_ptr<WebPMemoryWriter, WebpWriterDeleter> writer(new WebPMemoryWriter);
  WebPMemoryWriterInit(writer.get());
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = writer.get();
  const int stride = static_cast<int>(pixels.step);
  const bool imported = pixels.channels() == 4
                            ? WebPPictureImportBGRA(&picture, pixels.data, stride)
                            : WebPPictureImportBGR(&picture, pixels.data, stride);
  const bool ok = imported && WebPEncode(&config, &picture);
  const int error = picture.error_code;
  WebPPictureFree(&picture);
  if (!ok) {
    return Status::Internal("WebP encoding failed (libwebp error " + std::to_string(error) + ")");
  }
  return Bytes(writer->mem, writer->mem + writer->size);
}

}  // namespace

std::vector<Bytes> IccToJpegApp2Payloads(const Bytes& icc) {
  std::vector<Bytes> out;
  const std::size_t n = (icc.size() + kIccChunk - 1) / kIccChunk;
  if (n == 0 || n > 255) return out;
  for (std::size_t i = 0; i < n; ++i) {
    Bytes p = {'I',
               'C',
               'C',
               '_',
               'P',
               'R',
               'O',
               'F',
               'I',
               'L',
               'E',
               0,
               static_cast<std::uint8_t>(i + 1),
               static_cast<std::uint8_t>(n)};
    const std::size_t from = i * kIccChunk;
    const std::size_t to = std::min(icc.size(), from + kIccChunk);
    p.insert(p.end(), icc.begin() + static_cast<std::ptrdiff_t>(from),
             icc.begin() + static_cast<std::ptrdiff_t>(to));
    out.push_back(std::move(p));
  }
  return out;
}

Result<Bytes> EncodeJpeg(const cv::Mat& pixels, int quality, const Bytes& icc) {
  Result<cv::Mat> bgr = ToBgr8(pixels);
  if (!bgr.ok()) return bgr.status();
  const std::vector<Bytes> icc_segments = IccToJpegApp2Payloads(icc);
  if (!icc.empty() && icc_segments.empty()) {
    return Status::BadData("ICC profile too large to embed in a JPEG");
  }
  tjhandle tj = tjInitCompress();
  if (tj == nullptr) return Status::Internal("TurboJPEG compressor unavailable");
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  const int rc = tjCompress2(tj, bgr->data, bgr->cols, static_cast<int>(bgr->step), bgr->rows,
                             TJPF_BGR, &buf, &size, TJSAMP_420, quality, TJFLAG_ACCURATEDCT);
  if (rc != 0) {
    const std::string why = tjGetErrorStr2(tj);
    tjFree(buf);
    tjDestroy(tj);
    return Status::Internal("JPEG encoding failed: " + why);
  }
  Bytes out(buf, buf + size);
  tjFree(buf);
  tjDestroy(tj);
  for (const Bytes& seg : icc_segments) out = InsertJpegSegment(out, kJpegApp2, seg);
  return out;
}

Result<Bytes> EncodePng(const cv::Mat& pixels, const Bytes& icc) {
  Result<cv::Mat> layout = ToPngLayout(pixels);
  if (!layout.ok()) return layout.status();
  PngWriteState state;
  if (!WritePngPixels(*layout, &state)) {
    return Status::Internal(std::string("PNG encoding failed: ") + state.error);
  }
  if (icc.empty()) return std::move(state.out);
  // iCCP goes right after IHDR (8-byte signature + 25-byte IHDR chunk); written here rather
  // than through png_set_iCCP so libpng's profile checks cannot silently drop it.
  Bytes chunk = {'I', 'C', 'C', ' ', 'P', 'r', 'o', 'f', 'i', 'l', 'e', 0, 0};
  const Bytes z = Deflate(icc);
  if (z.empty()) return Status::Internal("could not compress the ICC profile");
  chunk.insert(chunk.end(), z.begin(), z.end());
  const Bytes iccp = MakePngChunk("iCCP", chunk);
  Bytes& out = state.out;
  out.insert(out.begin() + 33, iccp.begin(), iccp.end());
  return std::move(out);
}

Result<Bytes> EncodeWebpLossless(const cv::Mat& pixels, const Bytes& icc) {
  Result<cv::Mat> layout = pixels.type() == CV_8UC4 ? Result<cv::Mat>(pixels) : ToBgr8(pixels);
  if (!layout.ok()) return layout.status();
  if (!layout->isContinuous()) *layout = layout->clone();
  Result<Bytes> encoded = WebpLossless(*layout);
  if (!encoded.ok()) return encoded.status();
  Bytes out = std::move(*encoded);
  if (icc.empty()) return out;
  WebPMux* mux = WebPMuxNew();
  if (mux == nullptr) return Status::Internal("WebP mux unavailable");
  const WebPData image = {out.data(), out.size()};
  const WebPData profile = {icc.data(), icc.size()};
  WebPData assembled = {nullptr, 0};
  const bool ok = WebPMuxSetImage(mux, &image, 1) == WEBP_MUX_OK &&
                  WebPMuxSetChunk(mux, "ICCP", &profile, 1) == WEBP_MUX_OK &&
                  WebPMuxAssemble(mux, &assembled) == WEBP_MUX_OK;
  WebPMuxDelete(mux);
  if (!ok) {
    WebPDataClear(&assembled);
    return Status::Internal("could not add the ICC profile to the WebP");
  }
  Bytes with_icc(assembled.bytes, assembled.bytes + assembled.size);
  WebPDataClear(&assembled);
  return with_icc;
}

}  // namespace pg
