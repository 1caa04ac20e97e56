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

}  // namespace

Status WalkGif(const Bytes& d, std::vector<GifExtension>* out) {
  out->clear();
  if (d.size() < 13 ||
      (std::memcmp(d.data(), "GIF87a", 6) != 0 && std::memcmp(d.data(), "GIF89a", 6) != 0)) {
    return Status::BadData("not a GIF (bad signature)");
  }
  std::size_t pos = 13 + ColorTableSize(d[10]);
  while (true) {
    if (pos >= d.size()) return Status::BadData("no GIF trailer: file is truncated");
    const std::size_t start = pos;
    const std::uint8_t kind = d[pos++];
    if (kind == 0x3B) return Status::Ok();
    if (kind == 0x21) {
      if (pos >= d.size())
        return Status::BadData("truncated GIF extension at offset " + std::to_string(start));
      GifExtension ext;
      ext.label = d[pos++];
      ext.offset = start;
      if (ext.label == 0xFF && pos < d.size() && d[pos] == 11 && pos + 12 <= d.size()) {
        ext.app_id.assign(reinterpret_cast<const char*>(&d[pos + 1]), 11);
        pos += 12;
        const std::size_t raw_start = pos;
        if (!ReadSubBlocks(d, &pos, &ext.data)) {
          return Status::BadData("truncated GIF extension at offset " + std::to_string(start));
        }
        ext.raw.assign(d.begin() + raw_start, d.begin() + pos);
      } else if (!ReadSubBlocks(d, &pos, &ext.data)) {
        return Status::BadData("truncated GIF extension at offset " + std::to_string(start));
      }
      out->push_back(std::move(ext));
    } else if (kind == 0x2C) {
      if (pos + 9 > d.size()) {
        return Status::BadData("truncated GIF image descriptor at offset " + std::to_string(start));
      }
      pos += 9 + ColorTableSize(d[pos + 8]);
      ++pos;  // LZW minimum code size
      if (pos > d.size() || !ReadSubBlocks(d, &pos, nullptr)) {
        return Status::BadData("truncated GIF image data at offset " + std::to_string(start));
      }
    } else {
      return Status::BadData("unknown GIF block type " + std::to_string(kind) + " at offset " +
                             std::to_string(start));
    }
  }
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
