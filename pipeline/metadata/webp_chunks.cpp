#include "metadata/webp_chunks.h"

#include <cstring>

namespace pg {
namespace {

std::uint32_t ReadLe32(const Bytes& d, std::size_t at) {
  return d[at] | (static_cast<std::uint32_t>(d[at + 1]) << 8) |
         (static_cast<std::uint32_t>(d[at + 2]) << 16) |
         (static_cast<std::uint32_t>(d[at + 3]) << 24);
}

}  // namespace

Status ParseWebp(const Bytes& d, WebpStructure* out) {
  *out = WebpStructure{};
  if (d.size() < 12 || std::memcmp(d.data(), "RIFF", 4) != 0 ||
      std::memcmp(d.data() + 8, "WEBP", 4) != 0) {
    return Status::BadData("not a WebP (no RIFF/WEBP header)");
  }
  out->riff_size = ReadLe32(d, 4);
  if (static_cast<std::size_t>(out->riff_size) + 8 > d.size()) {
    return Status::BadData("RIFF size " + std::to_string(out->riff_size) +
                           " is larger than the file: truncated");
  }
  const std::size_t end = static_cast<std::size_t>(out->riff_size) + 8;
  out->trailer_size = d.size() - end;
  std::size_t pos = 12;
  while (pos < end) {
    if (pos + 8 > end) {
      return Status::BadData("truncated WebP chunk header at offset " + std::to_string(pos));
    }
    WebpChunk c;
    c.fourcc.assign(reinterpret_cast<const char*>(&d[pos]), 4);
    c.offset = pos;
    c.data_offset = pos + 8;
    c.data_size = ReadLe32(d, pos + 4);
    if (c.data_size > end - c.data_offset) {
      return Status::BadData("truncated WebP chunk '" + c.fourcc + "' at offset " +
                             std::to_string(pos));
    }
    if (c.fourcc == "VP8X" && c.data_size >= 10) {
      out->has_vp8x = true;
      out->vp8x_flags = d[c.data_offset];
    }
    out->chunks.push_back(c);
    pos = c.data_offset + c.data_size + (c.data_size & 1);
  }
  return Status::Ok();
}

}  // namespace pg
