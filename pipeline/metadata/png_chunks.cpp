#include "metadata/png_chunks.h"

#include <zlib.h>

#include <cstring>

namespace pg {
namespace {

std::uint32_t ReadBe32(const Bytes& d, std::size_t at) {
  return (static_cast<std::uint32_t>(d[at]) << 24) | (static_cast<std::uint32_t>(d[at + 1]) << 16) |
         (static_cast<std::uint32_t>(d[at + 2]) << 8) | d[at + 3];
}

void AppendBe32(std::uint32_t v, Bytes* out) {
  out->push_back(static_cast<std::uint8_t>(v >> 24));
  out->push_back(static_cast<std::uint8_t>(v >> 16));
  out->push_back(static_cast<std::uint8_t>(v >> 8));
  out->push_back(static_cast<std::uint8_t>(v));
}

bool IsLetter(std::uint8_t c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

std::uint32_t PngCrc(const std::uint8_t* data, std::size_t size, std::uint32_t crc) {
  // zlib's crc32 is the same CRC-32 (ISO 3309) that PNG uses; feed it in <4 GiB steps.
  uLong c = crc;
  while (size > 0) {
    const uInt step = size > (1u << 30) ? (1u << 30) : static_cast<uInt>(size);
    c = crc32(c, data, step);
    data += step;
    size -= step;
  }
  return static_cast<std::uint32_t>(c);
}

Status ParsePng(const Bytes& d, PngStructure* out) {
  *out = PngStructure{};
  if (d.size() < 8 || std::memcmp(d.data(), kPngSignature, 8) != 0) {
    return Status::BadData("not a PNG (bad signature)");
  }
  std::size_t pos = 8;
  while (true) {
    if (pos == d.size()) return Status::BadData("no IEND chunk: file is truncated");
    if (pos + 8 > d.size()) {
      return Status::BadData("truncated chunk header at offset " + std::to_string(pos));
    }
    const std::uint32_t len = ReadBe32(d, pos);
    for (int i = 4; i < 8; ++i) {
      if (!IsLetter(d[pos + i])) {
        return Status::BadData("chunk type at offset " + std::to_string(pos + 4) +
                               " is not ASCII letters");
      }
    }
    PngChunk c;
    c.type.assign(reinterpret_cast<const char*>(&d[pos + 4]), 4);
    c.offset = pos;
    c.data_offset = pos + 8;
    c.data_size = len;
    if (len > 0x7FFFFFFFu || d.size() - c.data_offset < static_cast<std::size_t>(len) + 4) {
      return Status::BadData("truncated chunk '" + c.type + "' at offset " + std::to_string(pos) +
                             " (length " + std::to_string(len) + ")");
    }
    const std::uint32_t stored = ReadBe32(d, c.data_offset + len);
    c.crc_ok = PngCrc(&d[pos + 4], 4 + static_cast<std::size_t>(len)) == stored;
    out->chunks.push_back(c);
    pos = c.data_offset + len + 4;
    if (c.type == "IEND") {
      out->complete = true;
      out->trailer_size = d.size() - pos;
      return Status::Ok();
    }
  }
}

Bytes MakePngChunk(const std::string& type, const Bytes& data) {
  Bytes out;
  out.reserve(data.size() + 12);
  AppendBe32(static_cast<std::uint32_t>(data.size()), &out);
  out.insert(out.end(), type.begin(), type.begin() + 4);
  out.insert(out.end(), data.begin(), data.end());
  AppendBe32(PngCrc(&out[4], 4 + data.size()), &out);
  return out;
}

Result<Bytes> Inflate(const std::uint8_t* data, std::size_t size, std::size_t max_out) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Status::Internal("zlib inflateInit failed");
  Bytes out;
  std::uint8_t buf[16384];
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = static_cast<uInt>(size);  // metadata blobs are far below 4 GiB
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = buf;
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::BadData(std::string("corrupt zlib data: ") +
                             (zs.msg != nullptr ? zs.msg : "unexpected end"));
    }
    const std::size_t got = sizeof(buf) - zs.avail_out;
    if (out.size() + got > max_out) {
      inflateEnd(&zs);
      return Status::TooLarge("zlib data inflates beyond " + std::to_string(max_out) + " bytes");
    }
    out.insert(out.end(), buf, buf + got);
    if (rc == Z_OK && got == 0 && zs.avail_in == 0) {
      inflateEnd(&zs);
      return Status::BadData("corrupt zlib data: stream ends early");
    }
  }
  inflateEnd(&zs);
  return out;
}

Bytes Deflate(const Bytes& data) {
  uLongf cap = compressBound(static_cast<uLong>(data.size()));
  Bytes out(cap);
  if (compress2(out.data(), &cap, data.data(), static_cast<uLong>(data.size()), 9) != Z_OK) {
    return {};
  }
  out.resize(cap);
  return out;
}

}  // namespace pg
