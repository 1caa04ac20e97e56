#include "metadata/synthetic_animation.h"

#include <gif_lib.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include <memory>

namespace pg {
namespace {

int GifWrite(GifFileType* gif, const GifByteType* data, int size) {
  auto* out = static_cast<Bytes*>(gif->UserData);
  out->insert(out->end(), data, data + size);
  return size;
}

Status CheckFrames(const std::vector<cv::Mat>& frames) {
  if (frames.empty()) return Status::BadData("no frames");
  for (const cv::Mat& f : frames) {
    if (f.type() != CV_8UC3 || f.size() != frames[0].size() || f.empty()) {
      return Status::BadData("frames must be non-empty CV_8UC3 of one size");
    }
  }
  return Status::Ok();
}

/// Palette index of a BGR pixel: bit 0 red, bit 1 green, bit 2 blue.
GifPixelType PaletteIndex(const cv::Vec3b& p) {
  return static_cast<GifPixelType>((p[2] >= 128 ? 1 : 0) | (p[1] >= 128 ? 2 : 0) |
                                   (p[0] >= 128 ? 4 : 0));
}

bool PutExtension(GifFileType* gif, int label, const std::vector<Bytes>& blocks) {
  if (EGifPutExtensionLeader(gif, label) == GIF_ERROR) return false;
  for (const Bytes& b : blocks) {
    if (EGifPutExtensionBlock(gif, static_cast<int>(b.size()), b.data()) == GIF_ERROR) {
      return false;
    }
  }
  return EGifPutExtensionTrailer(gif) != GIF_ERROR;
}

/// `head` (if not empty) as the first sub-block, then `data` in sub-blocks of <= 255 bytes.
std::vector<Bytes> SubBlocks(const Bytes& head, const Bytes& data) {
  std::vector<Bytes> blocks;
  if (!head.empty()) blocks.push_back(head);
  for (std::size_t i = 0; i < data.size(); i += 255) {
    blocks.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(i),
                        data.begin() + static_cast<std::ptrdiff_t>(std::min(data.size(), i + 255)));
  }
  return blocks;
}

Bytes Str(const std::string& s) { return Bytes(s.begin(), s.end()); }

bool WriteGif(GifFileType* gif, const SyntheticGif& spec, Bytes* out) {
  const int w = spec.frames[0].cols, h = spec.frames[0].rows;
  GifColorType colors[8];
  for (int i = 0; i < 8; ++i) {
    colors[i] = {static_cast<GifByteType>(i & 1 ? 255 : 0),
                 static_cast<GifByteType>(i & 2 ? 255 : 0),
                 static_cast<GifByteType>(i & 4 ? 255 : 0)};
  }
  ColorMapObject* map = GifMakeMapObject(8, colors);
  if (map == nullptr) return false;
  EGifSetGifVersion(gif, true);
  const bool screen = EGifPutScreenDesc(gif, w, h, 8, 0, map) != GIF_ERROR;
  GifFreeMapObject(map);
  if (!screen) return false;
  if (spec.loop_count >= 0) {
    const Bytes loop = {1, static_cast<std::uint8_t>(spec.loop_count & 0xFF),
                        static_cast<std::uint8_t>(spec.loop_count >> 8)};
    if (!PutExtension(gif, APPLICATION_EXT_FUNC_CODE, {Str("NETSCAPE2.0"), loop})) return false;
  }
  if (!spec.icc.empty() &&
      !PutExtension(gif, APPLICATION_EXT_FUNC_CODE, SubBlocks(Str("ICCRGBG1012"), spec.icc))) {
    return false;
  }
  if (!spec.plain_text.empty()) {
    const Bytes grid = {0, 0, 0, 0, static_cast<std::uint8_t>(w & 0xFF), static_cast<std::uint8_t>(w >> 8),
                        8, 0, 8, 8, 1, 0};
    if (!PutExtension(gif, PLAINTEXT_EXT_FUNC_CODE, SubBlocks(grid, Str(spec.plain_text)))) {
      return false;
    }
  }
  std::vector<GifPixelType> line(static_cast<std::size_t>(w));
  for (const cv::Mat& frame : spec.frames) {
    if (spec.delay_cs >= 0) {
      const Bytes gce = {0, static_cast<std::uint8_t>(spec.delay_cs & 0xFF),
                         static_cast<std::uint8_t>(spec.delay_cs >> 8), 0};
      if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, gce.data()) == GIF_ERROR) return false;
    }
    if (EGifPutImageDesc(gif, 0, 0, w, h, false, nullptr) == GIF_ERROR) return false;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) line[x] = PaletteIndex(frame.at<cv::Vec3b>(y, x));
      if (EGifPutLine(gif, line.data(), w) == GIF_ERROR) return false;
    }
  }
  if (!spec.app_id.empty() &&
      !PutExtension(gif, APPLICATION_EXT_FUNC_CODE, SubBlocks(Str(spec.app_id), spec.app_data))) {
    return false;
  }
  if (!spec.comment.empty() &&
      !PutExtension(gif, COMMENT_EXT_FUNC_CODE, SubBlocks({}, Str(spec.comment)))) {
    return false;
  }
  if (!spec.xmp.empty()) {
    // XMP is stored raw (its own bytes act as sub-block lengths), then the 258-byte "magic
    // trailer" 01 FF FE ... 01 00 00 lets readers skip it; the final 00 is the terminator.
    if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(gif, 11, Str("XMP DataXMP").data()) == GIF_ERROR) {
      return false;
    }
    out->insert(out->end(), spec.xmp.begin(), spec.xmp.end());
    out->push_back(0x01);
    for (int v = 0xFF; v >= 0; --v) out->push_back(static_cast<std::uint8_t>(v));
    if (EGifPutExtensionTrailer(gif) == GIF_ERROR) return false;
  }
  return true;
}

}  // namespace

Result<Bytes> BuildGif(const SyntheticGif& spec) {
  const Status frames = CheckFrames(spec.frames);
  if (!frames.ok()) return frames;
  if (spec.frames[0].cols > 65535 || spec.frames[0].rows > 65535) {
    return Status::BadData("GIF frames are at most 65535 pixels wide and high");
  }
  if (!spec.app_id.empty() && spec.app_id.size() != 11) {
    return Status::BadData("application extension id must have 11 characters");
  }
  Bytes out;
  int err = 0;
  GifFileType* gif = EGifOpen(&out, GifWrite, &err);
  if (gif == nullptr) return Status::Internal("giflib: cannot start a GIF");
  const bool ok = WriteGif(gif, spec, &out);
  const bool closed = EGifCloseFile(gif, &err) != GIF_ERROR;  // writes the trailer, frees
  if (!ok || !closed) return Status::Internal("giflib failed writing the GIF");
  return out;
}

cv::Mat GifPaletteColors(const cv::Mat& bgr) {
  cv::Mat out(bgr.size(), CV_8UC3);
  for (int y = 0; y < bgr.rows; ++y) {
    for (int x = 0; x < bgr.cols; ++x) {
      const GifPixelType i = PaletteIndex(bgr.at<cv::Vec3b>(y, x));
      out.at<cv::Vec3b>(y, x) = cv::Vec3b(i & 4 ? 255 : 0, i & 2 ? 255 : 0, i & 1 ? 255 : 0);
    }
  }
  return out;
}

Result<Bytes> BuildAnimatedWebp(const std::vector<cv::Mat>& frames, int duration_ms,
                                bool lossless) {
  const Status st = CheckFrames(frames);
  if (!st.ok()) return st;
  const int w = frames[0].cols, h = frames[0].rows;
  WebPAnimEncoderOptions options;
  WebPConfig config;
  if (!WebPAnimEncoderOptionsInit(&options) || !WebPConfigInit(&config)) {
    return Status::Internal("libwebp version mismatch");
  }
  options.anim_params.loop_count = 0;
  config.lossless = lossless ? 1 : 0;
  config.quality = lossless ? 75 : 90;
  std::unique_ptr<WebPAnimEncoder, void (*)(WebPAnimEncoder*)> enc(
      WebPAnimEncoderNew(w, h, &options), WebPAnimEncoderDelete);
  if (enc == nullptr) return Status::Internal("libwebp: cannot start an animation");
  int timestamp = 0;
  for (const cv::Mat& frame : frames) {
    const cv::Mat f = frame.isContinuous() ? frame : frame.clone();
    WebPPicture pic;
    if (!WebPPictureInit(&pic)) return Status::Internal("libwebp version mismatch");
    pic.width = w;
    pic.height = h;
    pic.use_argb = 1;
    const bool ok = WebPPictureImportBGR(&pic, f.data, static_cast<int>(f.step)) &&
                    WebPAnimEncoderAdd(enc.get(), &pic, timestamp, &config);
    WebPPictureFree(&pic);
    if (!ok) return Status::Internal("libwebp could not encode a frame");
    timestamp += duration_ms;
  }
  WebPData data;
  WebPDataInit(&data);
  if (!WebPAnimEncoderAdd(enc.get(), nullptr, timestamp, nullptr) ||
      !WebPAnimEncoderAssemble(enc.get(), &data)) {
    WebPDataClear(&data);
    return Status::Internal("libwebp could not assemble the animation");
  }
  Bytes out(data.bytes, data.bytes + data.size);
  WebPDataClear(&data);
  return out;
}

}  // namespace pg
