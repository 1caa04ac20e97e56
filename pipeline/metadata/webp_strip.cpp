#include "metadata/webp_strip.h"

#include <webp/mux.h>

#include <memory>

#include "metadata/webp_chunks.h"

namespace pg {
namespace {

struct MuxDeleter {
  void operator()(WebPMux* m) const { WebPMuxDelete(m); }
};
using MuxPtr = std::unique_ptr<WebPMux, MuxDeleter>;

/// A frame or image bitstream from WebPMuxGetFrame, which the caller must free.
struct Frame {
  WebPMuxFrameInfo info{};
  ~Frame() { WebPDataClear(&info.bitstream); }
};

bool IsKeptTopLevel(const std::string& cc) {
  return cc == "VP8X" || cc == "VP8 " || cc == "VP8L" || cc == "ALPH" || cc == "ICCP" ||
         cc == "ANIM" || cc == "ANMF";
}

std::uint32_t Le32(const Bytes& d, std::size_t at) {
  return d[at] | (static_cast<std::uint32_t>(d[at + 1]) << 8) |
         (static_cast<std::uint32_t>(d[at + 2]) << 16) |
         (static_cast<std::uint32_t>(d[at + 3]) << 24);
}

/// Names what the rebuild leaves behind, from our own parse (libwebpmux does not list it).
void NameDropped(const Bytes& d, const WebpStructure& s, std::vector<std::string>* removed) {
  for (const WebpChunk& c : s.chunks) {
    if (!IsKeptTopLevel(c.fourcc)) removed->push_back("WebP " + c.fourcc);
    if (c.fourcc != "ANMF" || c.data_size < 16) continue;
    const std::size_t end = c.data_offset + c.data_size;
    for (std::size_t pos = c.data_offset + 16; pos + 8 <= end;) {
      const std::string cc(reinterpret_cast<const char*>(&d[pos]), 4);
      const std::size_t len = Le32(d, pos + 4);
      if (cc != "ALPH" && cc != "VP8 " && cc != "VP8L") removed->push_back("WebP ANMF/" + cc);
      if (len > end - pos - 8) break;
      pos += 8 + len + (len & 1);
    }
  }
  if (s.trailer_size > 0) {
    removed->push_back("trailer after RIFF (" + std::to_string(s.trailer_size) + " bytes)");
  }
}

Status MuxFailure(const char* what, WebPMuxError err) {
  return Status::Internal(std::string("libwebpmux: ") + what + " failed (error " +
                          std::to_string(static_cast<int>(err)) + ")");
}

}  // namespace

Result<Bytes> StripWebpChunks(const Bytes& webp, std::vector<std::string>* removed) {
  WebpStructure s;
  const Status st = ParseWebp(webp, &s);
  if (!st.ok()) return st;
  // Bytes after the RIFF end are not handed to libwebpmux (1.2 refuses them); they are dropped.
  const WebPData in = {webp.data(), webp.size() - s.trailer_size};
  MuxPtr src(WebPMuxCreate(&in, /*copy_data=*/0));
  if (src == nullptr) return Status::BadData("libwebpmux cannot read this WebP container");
  std::uint32_t flags = 0;
  WebPMuxError err = WebPMuxGetFeatures(src.get(), &flags);
  if (err != WEBP_MUX_OK) return Status::BadData("WebP canvas or VP8X header is invalid");

  MuxPtr dst(WebPMuxNew());
  if (dst == nullptr) return Status::Internal("libwebpmux: out of memory");
  WebPData icc;
  if (WebPMuxGetChunk(src.get(), "ICCP", &icc) == WEBP_MUX_OK &&
      (err = WebPMuxSetChunk(dst.get(), "ICCP", &icc, 1)) != WEBP_MUX_OK) {
    return MuxFailure("copying the ICC profile", err);
  }
  if (flags & ANIMATION_FLAG) {
    WebPMuxAnimParams params;
    int width = 0, height = 0, frames = 0;
    if (WebPMuxGetAnimationParams(src.get(), &params) != WEBP_MUX_OK ||
        WebPMuxGetCanvasSize(src.get(), &width, &height) != WEBP_MUX_OK ||
        WebPMuxNumChunks(src.get(), WEBP_CHUNK_ANMF, &frames) != WEBP_MUX_OK || frames < 1) {
      return Status::BadData("animated WebP without valid ANIM parameters or frames");
    }
    if ((err = WebPMuxSetAnimationParams(dst.get(), &params)) != WEBP_MUX_OK ||
        (err = WebPMuxSetCanvasSize(dst.get(), width, height)) != WEBP_MUX_OK) {
      return MuxFailure("copying the animation parameters", err);
    }
    for (int i = 1; i <= frames; ++i) {
      Frame f;
      if ((err = WebPMuxGetFrame(src.get(), static_cast<std::uint32_t>(i), &f.info)) !=
          WEBP_MUX_OK) {
        return Status::BadData("WebP frame " + std::to_string(i) + " is invalid");
      }
      if ((err = WebPMuxPushFrame(dst.get(), &f.info, 1)) != WEBP_MUX_OK) {
        return MuxFailure("copying a frame", err);
      }
    }
  } else {
    Frame f;
    if (WebPMuxGetFrame(src.get(), 1, &f.info) != WEBP_MUX_OK) {
      return Status::BadData("WebP holds no valid image");
    }
    if ((err = WebPMuxSetImage(dst.get(), &f.info.bitstream, 1)) != WEBP_MUX_OK) {
      return MuxFailure("copying the image", err);
    }
  }
  WebPData assembled;
  WebPDataInit(&assembled);
  if ((err = WebPMuxAssemble(dst.get(), &assembled)) != WEBP_MUX_OK) {
    WebPDataClear(&assembled);
    return MuxFailure("assembling", err);
  }
  Bytes out(assembled.bytes, assembled.bytes + assembled.size);
  WebPDataClear(&assembled);
  if (removed != nullptr) NameDropped(webp, s, removed);
  return out;
}

}  // namespace pg
