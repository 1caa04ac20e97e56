#include "metadata/frames.h"

#include "metadata/gif_blocks.h"
#include "metadata/webp_chunks.h"

namespace pg {

int FrameCount(const Bytes& data, ImageFormat format) {
  switch (format) {
    case ImageFormat::kGif: {
      GifLayout layout;
      if (!ParseGifLayout(data, &layout).ok()) return 0;
      int images = 0;
      for (const GifBlock& b : layout.blocks) images += b.introducer == kGifImageSeparator;
      return images;
    }
    case ImageFormat::kWebp: {
      WebpStructure s;
      if (!ParseWebp(data, &s).ok()) return 0;
      int frames = 0, stills = 0;
      for (const WebpChunk& c : s.chunks) {
        frames += c.fourcc == "ANMF";
        stills += c.fourcc == "VP8 " || c.fourcc == "VP8L";
      }
      if (frames > 0 || (s.vp8x_flags & kVp8xAnimation)) return frames;
      return stills;  // 1; more than one image chunk is malformed and counts as unanalysed
    }
    case ImageFormat::kJpeg:
    case ImageFormat::kPng:
    case ImageFormat::kHeif:
    case ImageFormat::kTiff:
      return 1;
    case ImageFormat::kUnknown:
      break;
  }
  return 0;
}

}  // namespace pg
