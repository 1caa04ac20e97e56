#include "metadata/gif_blocks.h"

#include <cstring>

namespace pg {
namespace {

/// Skips sub-blocks starting at *pos; appends their payloads to `data` when not null.
/// Returns false if the data ends before the zero-length terminator.
bool ReadSubBlocks(const Bytes& d, std::size_t* pos, Bytes* data) {
  while (true) {
    if (*pos >= d.size()) return false;
    const std::size_t len = d[*pos];
    ++*pos;
    if (len == 0) return true;
    if (len > d.size() - *pos) return false;
    if (data != nullptr) data->insert(data->end(), d.begin() + *pos, d.begin() + *pos + len);
    *pos += len;
  }
}

std::size_t ColorTableSize(std::uint8_t packed) {
  return (packed & 0x80) ? 3u * (1u << ((packed & 7) + 1)) : 0;
}

std::string At(std::size_t offset) { return " at offset " + std::to_string(offset); }

}  // namespace

Status ParseGifLayout(const Bytes& d, GifLayout* out) {
  *out = GifLayout{};
  if (d.size() < 13 ||
      (std::memcmp(d.data(), "GIF87a", 6) != 0 && std::memcmp(d.data(), "GIF89a", 6) != 0)) {
    return Status::BadData("not a GIF (bad signature)");
  }
  out->screen_width = d[6] | (d[7] << 8);
  out->screen_height = d[8] | (d[9] << 8);
  out->header_size = 13 + ColorTableSize(d[10]);
  std::size_t pos = out->header_size;
  while (true) {
    if (pos >= d.size()) return Status::BadData("no GIF trailer: file is truncated");
    GifBlock b;
    b.offset = pos;
    b.introducer = d[pos++];
    if (b.introducer == kGifTrailer) {
      out->trailer_offset = b.offset;
      out->after_trailer = d.size() - pos;
      return Status::Ok();
    }
    if (b.introducer == kGifExtensionIntroducer) {
      if (pos >= d.size()) return Status::BadData("truncated GIF extension" + At(b.offset));
      b.label = d[pos++];
      if (b.label == kGifApplication && pos + 12 <= d.size() && d[pos] == 11) {
        b.app_id.assign(reinterpret_cast<const char*>(&d[pos + 1]), 11);
      }
      if (!ReadSubBlocks(d, &pos, nullptr)) {
        return Status::BadData("truncated GIF extension" + At(b.offset));
      }
    } else if (b.introducer == kGifImageSeparator) {
      if (pos + 9 > d.size()) return Status::BadData("truncated GIF image descriptor" + At(b.offset));
      pos += 9 + ColorTableSize(d[pos + 8]);
      ++pos;  // LZW minimum code size
      if (pos > d.size() || !ReadSubBlocks(d, &pos, nullptr)) {
        return Status::BadData("truncated GIF image data" + At(b.offset));
      }
    } else {
      return Status::BadData("unknown GIF block type " + std::to_string(b.introducer) +
                             At(b.offset));
    }
    b.size = pos - b.offset;
    out->blocks.push_back(std::move(b));
  }
}

Status WalkGif(const Bytes& d, std::vector<GifExtension>* out) {
  out->clear();
  GifLayout layout;
  const Status st = ParseGifLayout(d, &layout);
  for (const GifBlock& b : layout.blocks) {  // every listed block is complete and in bounds
    if (b.introducer != kGifExtensionIntroducer) continue;
    GifExtension ext;
    ext.label = b.label;
    ext.offset = b.offset;
    std::size_t pos = b.offset + 2;
    if (b.label == kGifApplication && !b.app_id.empty()) {
      ext.app_id = b.app_id;
      pos += 12;
      const std::size_t raw_start = pos;
      ReadSubBlocks(d, &pos, &ext.data);
      ext.raw.assign(d.begin() + raw_start, d.begin() + pos);
    } else {
      ReadSubBlocks(d, &pos, &ext.data);
    }
    out->push_back(std::move(ext));
  }
  return st;
}

std::string GifXmpPacket(const GifExtension& ext) {
  static const std::uint8_t kMagic[3] = {0x01, 0xFF, 0xFE};
  std::size_t end = ext.raw.size();
  for (std::size_t i = 0; i + 3 <= ext.raw.size(); ++i) {
    if (std::memcmp(&ext.raw[i], kMagic, 3) == 0) {
      end = i;
      break;
    }
  }
  return std::string(reinterpret_cast<const char*>(ext.raw.data()), end);
}

}  // namespace pg
