#include "metadata/verify_gif.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "metadata/verify_messages.h"

namespace pg {
namespace {

using verify_internal::At;
using verify_internal::SizeMismatch;

/// Sub-blocks from `pos` through the terminator; appends payloads to `data` when not null.
/// Returns the position after the terminator, or 0 when the data ends first.
std::size_t GifSubBlocks(const Bytes& d, std::size_t pos, Bytes* data) {
  while (pos < d.size()) {
    const std::size_t len = d[pos++];
    if (len == 0) return pos;
    if (len > d.size() - pos) return 0;
    if (data != nullptr) data->insert(data->end(), d.begin() + pos, d.begin() + pos + len);
    pos += len;
  }
  return 0;
}

std::size_t GifTableSize(std::uint8_t packed) {
  return (packed & 0x80) ? 3u * (1u << ((packed & 7) + 1)) : 0;
}

/// Extension at `pos` (the 0x21): only a plain graphic control block, the looping extension
/// holding nothing but its loop count, and the ICC profile extension (collected into *icc).
Status CheckGifExtension(const Bytes& d, std::size_t pos, Bytes* icc, std::size_t* next) {
  if (pos + 2 >= d.size()) return Status::BadData("truncated GIF extension" + At(pos));
  const std::uint8_t label = d[pos + 1];
  if (label == 0xF9) {
    if (pos + 8 > d.size() || d[pos + 2] != 4 || d[pos + 7] != 0)
      return Status::BadData("GIF graphic control extension is not the plain 4-byte form" + At(pos));
    *next = pos + 8;
    return Status::Ok();
  }
  if (label == 0xFE) return Status::BadData("residual GIF comment extension" + At(pos));
  if (label == 0x01) return Status::BadData("residual GIF plain text extension" + At(pos));
  if (label != 0xFF) {
    return Status::BadData("GIF extension label " + std::to_string(label) + " is not allowed" +
                           At(pos));
  }
  if (pos + 14 > d.size() || d[pos + 2] != 11) {
    return Status::BadData("GIF application extension without identifier" + At(pos));
  }
  const std::string id(reinterpret_cast<const char*>(&d[pos + 3]), 11);
  const std::size_t body = pos + 14;
  if (id == "NETSCAPE2.0" || id == "ANIMEXTS1.0") {
    if (body + 5 > d.size() || d[body] != 3 || d[body + 1] != 1 || d[body + 4] != 0) {
      return Status::BadData("GIF " + id + " extension holds more than a loop count" + At(pos));
    }
    *next = body + 5;
    return Status::Ok();
  }
  if (id == "ICCRGBG1012") {
    icc->clear();
    *next = GifSubBlocks(d, body, icc);
    if (*next == 0) return Status::BadData("truncated GIF ICC extension" + At(pos));
    return Status::Ok();
  }
  return Status::BadData("residual GIF application extension '" + id + "'" + At(pos));
}

struct GifReader {
  const Bytes* data;
  std::size_t pos;
};

int GifReadMem(GifFileType* gif, GifByteType* buf, int size) {
  auto* r = static_cast<GifReader*>(gif->UserData);
  const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(size), r->data->size() - r->pos);
  std::memcpy(buf, r->data->data() + r->pos, n);
  r->pos += n;
  return static_cast<int>(n);
}

std::string GifErrorText(int code) {
  const char* text = GifErrorString(code);
  return text != nullptr ? text : "error " + std::to_string(code);
}

/// Decodes every frame with giflib, line by line into one reusable buffer (an animation
/// with many frames never holds more than one line). Counts the frames into *frames.
Status DecodeGif(const Bytes& d, int ew, int eh, int* frames) {
  GifReader reader{&d, 0};
  int err = 0;
  GifFileType* gif = DGifOpen(&reader, GifReadMem, &err);
  if (gif == nullptr) return Status::BadData("output GIF does not open: " + GifErrorText(err));
  Status result;
  if (gif->SWidth != ew || gif->SHeight != eh) {
    result = Status::BadData(SizeMismatch(gif->SWidth, gif->SHeight, ew, eh));
  }
  std::vector<GifPixelType> line;
  GifRecordType type = UNDEFINED_RECORD_TYPE;
  while (result.ok() && type != TERMINATE_RECORD_TYPE) {
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) {
      result = Status::BadData("output GIF does not decode: " + GifErrorText(gif->Error));
    } else if (type == IMAGE_DESC_RECORD_TYPE) {
      if (DGifGetImageDesc(gif) == GIF_ERROR || gif->Image.Width <= 0 || gif->Image.Height <= 0) {
        result = Status::BadData("output GIF frame header is invalid");
        break;
      }
      line.resize(static_cast<std::size_t>(gif->Image.Width));
      for (int y = 0; y < gif->Image.Height && result.ok(); ++y) {
        if (DGifGetLine(gif, line.data(), gif->Image.Width) == GIF_ERROR) {
          result = Status::BadData("output GIF frame " + std::to_string(*frames + 1) +
                                   " does not decode: " + GifErrorText(gif->Error));
        }
      }
      ++*frames;
    } else if (type == EXTENSION_RECORD_TYPE) {
      int code = 0;
      GifByteType* block = nullptr;
      if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) {
        result = Status::BadData("output GIF extension does not decode");
      }
      while (result.ok() && block != nullptr) {
        if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) {
          result = Status::BadData("output GIF extension does not decode");
        }
      }
    }
  }
  DGifCloseFile(gif, &err);
  return result;
}

}  // namespace

Status VerifyGifStructure(const Bytes& d, int ew, int eh, Bytes* icc) {
  if (d.size() < 14 ||
      (std::memcmp(d.data(), "GIF87a", 6) != 0 && std::memcmp(d.data(), "GIF89a", 6) != 0)) {
    return Status::BadData("output is not a GIF (bad signature)");
  }
  std::size_t pos = 13 + GifTableSize(d[10]);
  int images = 0;
  icc->clear();
  while (true) {
    if (pos >= d.size()) return Status::BadData("output GIF ends without its trailer");
    const std::uint8_t kind = d[pos];
    if (kind == 0x3B) break;
    if (kind == 0x21) {
      std::size_t next = 0;
      const Status st = CheckGifExtension(d, pos, icc, &next);
      if (!st.ok()) return st;
      pos = next;
    } else if (kind == 0x2C) {
      if (pos + 11 > d.size()) return Status::BadData("truncated GIF image descriptor" + At(pos));
      const std::size_t data_at = pos + 10 + GifTableSize(d[pos + 9]) + 1;  // after LZW size
      const std::size_t next = data_at <= d.size() ? GifSubBlocks(d, data_at, nullptr) : 0;
      if (next == 0) return Status::BadData("truncated GIF image data" + At(pos));
      pos = next;
      ++images;
    } else {
      return Status::BadData("unexpected GIF block type " + std::to_string(kind) + At(pos));
    }
  }
  if (pos + 1 != d.size()) return Status::BadData(std::to_string(d.size() - pos - 1) +
                                                  " bytes after the GIF trailer");
  if (images == 0) return Status::BadData("output GIF holds no image");
  int frames = 0;
  const Status decoded = DecodeGif(d, ew, eh, &frames);
  if (!decoded.ok()) return decoded;
  if (frames != images) {
    return Status::BadData("giflib decoded " + std::to_string(frames) + " of " +
                           std::to_string(images) + " GIF frames");
  }
  return Status::Ok();
}


}  // namespace pg
