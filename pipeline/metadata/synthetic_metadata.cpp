#include "metadata/synthetic_metadata.h"

#include <webp/mux.h>

#include <cstring>

#include "metadata/jpeg_segments.h"
#include "metadata/png_chunks.h"
#include "metadata/reencode.h"

namespace pg {
namespace {

void PutBe32(Bytes* b, std::size_t at, std::uint32_t v) {
  (*b)[at] = static_cast<std::uint8_t>(v >> 24);
  (*b)[at + 1] = static_cast<std::uint8_t>(v >> 16);
  (*b)[at + 2] = static_cast<std::uint8_t>(v >> 8);
  (*b)[at + 3] = static_cast<std::uint8_t>(v);
}

void Append(Bytes* b, const std::string& s) { b->insert(b->end(), s.begin(), s.end()); }

}  // namespace

Bytes BuildPlaceholderIccProfile(std::size_t size) {
  if (size < 132) size = 132;
  Bytes p(size, 0);
  PutBe32(&p, 0, static_cast<std::uint32_t>(size));
  p[8] = 0x02;  // version 2.1.0
  p[9] = 0x10;
  std::memcpy(&p[12], "mntr", 4);
  std::memcpy(&p[16], "RGB ", 4);
  std::memcpy(&p[20], "XYZ ", 4);
  std::memcpy(&p[36], "acsp", 4);
  PutBe32(&p, 68, 0x0000F6D6);  // D50 X = 0.9642
  PutBe32(&p, 72, 0x00010000);  //     Y = 1.0
  PutBe32(&p, 76, 0x0000D32D);  //     Z = 0.8249
  PutBe32(&p, 128, 0);          // no tags
  for (std::size_t i = 132; i < size; ++i) p[i] = static_cast<std::uint8_t>((i * 7 + 3) & 0xFF);
  return p;
}

Result<Bytes> InsertIccIntoJpeg(const Bytes& jpeg, const Bytes& icc) {
  if (jpeg.size() < 2 || jpeg[0] != 0xFF || jpeg[1] != kJpegSoi) {
    return Status::BadData("not a JPEG (no SOI marker)");
  }
  const std::vector<Bytes> parts = IccToJpegApp2Payloads(icc);
  if (parts.empty()) return Status::BadData("ICC profile is empty or too large for APP2 chunks");
  Bytes out = jpeg;
  for (const Bytes& p : parts) out = InsertJpegSegment(out, kJpegApp2, p);
  return out;
}

Bytes BuildIptcApp13Payload(const std::vector<std::pair<int, std::string>>& record2) {
  Bytes iim = {0x1C, 1, 90, 0, 3, 0x1B, '%', 'G'};  // 1:90 CodedCharacterSet = UTF-8
  for (const auto& [dataset, value] : record2) {
    const std::size_t n = std::min<std::size_t>(value.size(), 0x7FFF);
    iim.push_back(0x1C);
    iim.push_back(2);
    iim.push_back(static_cast<std::uint8_t>(dataset));
    iim.push_back(static_cast<std::uint8_t>(n >> 8));
    iim.push_back(static_cast<std::uint8_t>(n & 0xFF));
    iim.insert(iim.end(), value.begin(), value.begin() + static_cast<std::ptrdiff_t>(n));
  }
  Bytes out;
  Append(&out, std::string("Photoshop 3.0", 14));  // with its NUL
  Append(&out, "8BIM");
  out.push_back(0x04);
  out.push_back(0x04);
  out.push_back(0);  // empty Pascal name, padded to even
  out.push_back(0);
  const std::size_t at = out.size();
  out.resize(out.size() + 4);
  PutBe32(&out, at, static_cast<std::uint32_t>(iim.size()));
  out.insert(out.end(), iim.begin(), iim.end());
  if (iim.size() & 1) out.push_back(0);
  return out;
}

Bytes PngTextPayload(const std::string& keyword, const std::string& text) {
  Bytes out;
  Append(&out, keyword);
  out.push_back(0);
  Append(&out, text);
  return out;
}

Bytes PngZtxtPayload(const std::string& keyword, const std::string& text) {
  Bytes out;
  Append(&out, keyword);
  out.push_back(0);
  out.push_back(0);  // zlib
  const Bytes z = Deflate(Bytes(text.begin(), text.end()));
  out.insert(out.end(), z.begin(), z.end());
  return out;
}

Bytes PngItxtPayload(const std::string& keyword, const std::string& text, bool compressed) {
  Bytes out;
  Append(&out, keyword);
  out.push_back(0);
  out.push_back(compressed ? 1 : 0);
  out.push_back(0);  // zlib
  out.push_back(0);  // no language tag
  out.push_back(0);  // no translated keyword
  if (compressed) {
    const Bytes z = Deflate(Bytes(text.begin(), text.end()));
    out.insert(out.end(), z.begin(), z.end());
  } else {
    Append(&out, text);
  }
  return out;
}

Result<Bytes> InsertPngChunk(const Bytes& png, const std::string& type, const Bytes& data,
                             bool after_idat) {
  PngStructure s;
  const Status st = ParsePng(png, &s);
  if (!st.ok()) return st;
  const char* before = after_idat ? "IEND" : "IDAT";
  for (const PngChunk& c : s.chunks) {
    if (c.type != before) continue;
    const Bytes chunk = MakePngChunk(type, data);
    Bytes out(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(c.offset));
    out.insert(out.end(), chunk.begin(), chunk.end());
    out.insert(out.end(), png.begin() + static_cast<std::ptrdiff_t>(c.offset), png.end());
    return out;
  }
  return Status::BadData(std::string("PNG has no ") + before + " chunk");
}

Result<Bytes> AddWebpMetadata(const Bytes& webp, const Bytes& exif, const std::string& xmp,
                              const Bytes& icc) {
  const WebPData in = {webp.data(), webp.size()};
  WebPMux* mux = WebPMuxCreate(&in, 1);
  if (mux == nullptr) return Status::BadData("not a WebP libwebpmux can read");
  bool ok = true;
  auto set = [&](const char* fourcc, const std::uint8_t* p, std::size_t n) {
    if (n == 0 || !ok) return;
    const WebPData d = {p, n};
    ok = WebPMuxSetChunk(mux, fourcc, &d, 1) == WEBP_MUX_OK;
  };
  set("EXIF", exif.data(), exif.size());
  set("XMP ", reinterpret_cast<const std::uint8_t*>(xmp.data()), xmp.size());
  set("ICCP", icc.data(), icc.size());
  WebPData out = {nullptr, 0};
  ok = ok && WebPMuxAssemble(mux, &out) == WEBP_MUX_OK;
  WebPMuxDelete(mux);
  if (!ok) {
    WebPDataClear(&out);
    return Status::Internal("libwebpmux could not add the metadata chunks");
  }
  Bytes result(out.bytes, out.bytes + out.size);
  WebPDataClear(&out);
  return result;
}

}  // namespace pg
