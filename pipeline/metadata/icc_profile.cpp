#include "metadata/icc_profile.h"

#include <algorithm>
#include <cstring>
#include <exception>

#include "metadata/exif_inventory.h"
#include "metadata/gif_blocks.h"
#include "metadata/heif_metadata.h"
#include "metadata/jpeg_segments.h"
#include "metadata/png_chunks.h"
#include "metadata/webp_chunks.h"

namespace pg {
namespace {

constexpr std::size_t kMaxIcc = 64u << 20;

Bytes JpegIcc(const Bytes& data) {
  JpegStructure s;
  ParseJpeg(data, &s);  // the APP segments before any later damage are still usable
  struct Part {
    int seq;
    const JpegSegment* seg;
  };
  std::vector<Part> parts;
  for (const JpegSegment& seg : s.segments) {
    if (seg.marker != kJpegApp2 || seg.payload_size < 14) continue;
    if (std::memcmp(&data[seg.payload_offset], "ICC_PROFILE\0", 12) != 0) continue;
    parts.push_back({data[seg.payload_offset + 12], &seg});
  }
  std::stable_sort(parts.begin(), parts.end(),
                   [](const Part& a, const Part& b) { return a.seq < b.seq; });
  Bytes icc;
  for (const Part& p : parts) {
    const auto begin = data.begin() + static_cast<std::ptrdiff_t>(p.seg->payload_offset + 14);
    icc.insert(icc.end(), begin, begin + static_cast<std::ptrdiff_t>(p.seg->payload_size - 14));
  }
  return icc;
}

Bytes PngIcc(const Bytes& data) {
  PngStructure s;
  ParsePng(data, &s);
  for (const PngChunk& c : s.chunks) {
    if (c.type != "iCCP") continue;
    const std::uint8_t* d = data.data() + c.data_offset;
    const void* nul = std::memchr(d, 0, c.data_size);
    if (nul == nullptr) return {};
    const std::size_t at = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - d) + 2;
    if (at > c.data_size) return {};
    Result<Bytes> icc = Inflate(d + at, c.data_size - at, kMaxIcc);
    return icc.ok() ? *icc : Bytes();
  }
  return {};
}

Bytes WebpIcc(const Bytes& data) {
  WebpStructure s;
  ParseWebp(data, &s);
  for (const WebpChunk& c : s.chunks) {
    if (c.fourcc == "ICCP") {
      return Bytes(data.begin() + static_cast<std::ptrdiff_t>(c.data_offset),
                   data.begin() + static_cast<std::ptrdiff_t>(c.data_offset + c.data_size));
    }
  }
  return {};
}

Bytes GifIcc(const Bytes& data) {
  std::vector<GifExtension> exts;
  WalkGif(data, &exts);
  for (const GifExtension& e : exts) {
    if (e.label == 0xFF && e.app_id == "ICCRGBG1012") return e.data;
  }
  return {};
}

Bytes TiffIcc(const Bytes& data) {
  MetadataFacts ignored;
  ExifEmbedded embedded;
  InventoryExif(data.data(), data.size(), "tiff", &ignored, &embedded);
  return embedded.icc;
}

}  // namespace

Bytes ExtractIcc(const Bytes& data, ImageFormat format) {
  try {
    switch (format) {
      case ImageFormat::kJpeg:
        return JpegIcc(data);
      case ImageFormat::kPng:
        return PngIcc(data);
      case ImageFormat::kWebp:
        return WebpIcc(data);
      case ImageFormat::kHeif:
        return HeifIcc(data);
      case ImageFormat::kTiff:
        return TiffIcc(data);
      case ImageFormat::kGif:
        return GifIcc(data);
      case ImageFormat::kUnknown:
        break;
    }
  } catch (const std::exception&) {  // bad_alloc on a hostile size: treat as no profile
  }
  return {};
}

}  // namespace pg
