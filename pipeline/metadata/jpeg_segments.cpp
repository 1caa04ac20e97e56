#include "metadata/jpeg_segments.h"

#include <cstring>

namespace pg {
namespace {

std::string MarkerName(std::uint8_t m) {
  if (m >= 0xE0 && m <= 0xEF) return "APP" + std::to_string(m - 0xE0);
  if (m >= 0xF0 && m <= 0xFD) return "JPG" + std::to_string(m - 0xF0);
  if (m == kJpegCom) return "COM";
  if (m == kJpegSos) return "SOS";
  if (m == kJpegEoi) return "EOI";
  if (m == kJpegSoi) return "SOI";
  static const char* kHex = "0123456789abcdef";
  return std::string("marker 0x") + kHex[m >> 4] + kHex[m & 15];
}

bool IsStandalone(std::uint8_t m) {
  return m == kJpegSoi || m == kJpegEoi || m == 0x01 || (m >= 0xD0 && m <= 0xD7);
}

/// End (exclusive) of the entropy-coded data starting at `pos`: the position of the next
/// 0xFF that begins a real marker (not a stuffed 00, an RSTn or a fill byte), or npos.
std::size_t FindScanEnd(const Bytes& d, std::size_t pos) {
  const std::size_t n = d.size();
  while (pos < n) {
    const void* hit = std::memchr(d.data() + pos, 0xFF, n - pos);
    if (hit == nullptr) return std::string::npos;
    pos = static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - d.data());
    if (pos + 1 >= n) return std::string::npos;
    const std::uint8_t next = d[pos + 1];
    if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
      pos += 2;  // stuffed byte or restart marker: part of the scan
    } else if (next == 0xFF) {
      pos += 1;  // fill byte before a marker
    } else {
      return pos;
    }
  }
  return std::string::npos;
}

}  // namespace

bool IsStructuralJpegMarker(std::uint8_t m) {
  if (m >= 0xC0 && m <= 0xCF && m != 0xC8) return true;  // SOFn, DHT (C4), DAC (CC)
  if (m >= 0xD0 && m <= 0xD9) return true;               // RSTn, SOI, EOI
  return m == 0xDA || m == 0xDB || m == 0xDC || m == 0xDD || m == 0xDE || m == 0xDF;
}

Status ParseJpeg(const Bytes& d, JpegStructure* out) {
  *out = JpegStructure{};
  const std::size_t n = d.size();
  if (n < 2 || d[0] != 0xFF || d[1] != kJpegSoi) {
    return Status::BadData("not a JPEG (no SOI marker)");
  }
  out->segments.push_back({kJpegSoi, 0, 2, 2, 0, 0});
  std::size_t pos = 2;
  while (true) {
    if (pos >= n) return Status::BadData("no EOI marker: file is truncated");
    if (d[pos] != 0xFF) {
      return Status::BadData("expected a marker at offset " + std::to_string(pos) +
                             ", found byte " + std::to_string(d[pos]));
    }
    while (pos + 1 < n && d[pos + 1] == 0xFF) ++pos;  // fill bytes
    if (pos + 1 >= n) return Status::BadData("no EOI marker: file is truncated");
    const std::uint8_t m = d[pos + 1];
    if (m == 0x00) {
      return Status::BadData("invalid marker 0x00 at offset " + std::to_string(pos));
    }
    if (m == kJpegSoi) {
      return Status::BadData("second SOI marker at offset " + std::to_string(pos));
    }
    if (IsStandalone(m)) {
      out->segments.push_back({m, pos, 2, pos + 2, 0, 0});
      if (m == kJpegEoi) {
        out->complete = true;
        out->eoi_offset = pos;
        out->trailer_size = n - (pos + 2);
        return Status::Ok();
      }
      pos += 2;
      continue;
    }
    if (pos + 4 > n) {
      return Status::BadData("truncated " + MarkerName(m) + " segment at offset " +
                             std::to_string(pos));
    }
    const std::size_t len = (static_cast<std::size_t>(d[pos + 2]) << 8) | d[pos + 3];
    if (len < 2 || pos + 2 + len > n) {
      return Status::BadData("truncated " + MarkerName(m) + " segment at offset " +
                             std::to_string(pos) + " (length " + std::to_string(len) + ")");
    }
    JpegSegment seg{m, pos, 2 + len, pos + 4, len - 2, 0};
    pos += 2 + len;
    if (m == kJpegSos) {
      const std::size_t end = FindScanEnd(d, pos);
      if (end == std::string::npos) {
        out->segments.push_back(seg);
        return Status::BadData("scan data starting at offset " + std::to_string(pos) +
                               " is not terminated: file is truncated");
      }
      seg.scan_end = end;
      pos = end;
    }
    out->segments.push_back(seg);
  }
}

std::string JpegAppIdentifier(const Bytes& d, const JpegSegment& seg) {
  std::string id;
  for (std::size_t i = 0; i < seg.payload_size && i < 40; ++i) {
    const std::uint8_t c = d[seg.payload_offset + i];
    if (c == 0) return id;
    if (c < 0x20 || c >= 0x7F) return id;
    id.push_back(static_cast<char>(c));
  }
  return id;
}

std::string JpegSegmentName(const Bytes& d, const JpegSegment& seg) {
  const std::string base = MarkerName(seg.marker);
  if (seg.marker < 0xE0 || seg.marker > 0xEF) {
    if (seg.marker >= 0xF0 && seg.marker <= 0xFD) return base + " extension";
    return base;
  }
  const std::string id = JpegAppIdentifier(d, seg);
  if (seg.marker == kJpegApp1 && id == "Exif") return "APP1 Exif";
  if (seg.marker == kJpegApp1 && id == "http://ns.adobe.com/xap/1.0/") return "APP1 XMP";
  if (seg.marker == kJpegApp1 && id == "http://ns.adobe.com/xmp/extension/") {
    return "APP1 ExtendedXMP";
  }
  if (seg.marker == kJpegApp13 && id.rfind("Photoshop 3.0", 0) == 0) {
    return "APP13 Photoshop/IPTC";
  }
  if (seg.marker == kJpegApp2 && id == "ICC_PROFILE") return "APP2 ICC_PROFILE";
  if (id.empty()) return base;
  return base + " " + id.substr(0, 32);
}

Bytes MakeJpegSegment(std::uint8_t marker, const Bytes& payload) {
  Bytes out;
  out.reserve(payload.size() + 4);
  const std::size_t len = payload.size() + 2;
  out.push_back(0xFF);
  out.push_back(marker);
  out.push_back(static_cast<std::uint8_t>(len >> 8));
  out.push_back(static_cast<std::uint8_t>(len & 0xFF));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes InsertJpegSegment(const Bytes& jpeg, std::uint8_t marker, const Bytes& payload) {
  JpegStructure s;
  ParseJpeg(jpeg, &s);  // a partial parse is enough to find the insertion point
  std::size_t at = 2;
  for (const JpegSegment& seg : s.segments) {
    if (seg.marker == kJpegSoi) continue;
    if (seg.marker >= 0xE0 && seg.marker <= 0xEF) {
      at = seg.offset + seg.size;
      continue;
    }
    at = seg.offset;
    break;
  }
  const Bytes seg = MakeJpegSegment(marker, payload);
  Bytes out(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(at));
  out.insert(out.end(), seg.begin(), seg.end());
  out.insert(out.end(), jpeg.begin() + static_cast<std::ptrdiff_t>(at), jpeg.end());
  return out;
}

}  // namespace pg
