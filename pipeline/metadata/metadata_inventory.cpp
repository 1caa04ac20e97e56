#include "metadata/metadata_inventory.h"

#include <cstring>
#include <exception>
#include <map>

#include "metadata/chunk_inventory.h"
#include "metadata/exif_inventory.h"
#include "metadata/heif_metadata.h"
#include "metadata/iptc_inventory.h"
#include "metadata/jpeg_segments.h"
#include "metadata/text_encoding.h"
#include "metadata/xmp_inventory.h"

namespace pg {
namespace {

constexpr char kXmpId[] = "http://ns.adobe.com/xap/1.0/";           // + NUL = 29 bytes
constexpr char kExtXmpId[] = "http://ns.adobe.com/xmp/extension/";  // + NUL = 35 bytes
constexpr std::size_t kMaxExtendedXmp = 64u << 20;
constexpr std::size_t kMaxExtendedGuids = 4;

/// ExtendedXMP chunks of one GUID, reassembled by offset.
struct ExtendedXmp {
  Bytes data;
  bool ok = true;
};

int InventoryJpeg(const Bytes& data, MetadataFacts* f, int depth);

void InventoryTrailer(const Bytes& data, std::size_t start, MetadataFacts* f, int depth) {
  const std::size_t size = data.size() - start;
  AddFinding(f, "other", std::to_string(size) + " bytes after end of image", "trailer");
  if (depth > 0) return;
  // Phones append further JPEGs (MPF depth maps, previews, motion photos) with EXIF of their own.
  static const std::uint8_t kSoi[3] = {0xFF, 0xD8, 0xFF};
  for (std::size_t i = start; i + 3 <= data.size(); ++i) {
    if (std::memcmp(&data[i], kSoi, 3) != 0) continue;
    MetadataFacts inner;
    InventoryJpeg(Bytes(data.begin() + static_cast<std::ptrdiff_t>(i), data.end()), &inner, 1);
    for (auto& x : inner.found) AddFinding(f, x.kind, x.detail, "trailer " + x.where);
    for (auto& t : inner.texts) AddText(f, "trailer:" + t.field, t.value);
    break;
  }
}

int InventoryJpeg(const Bytes& data, MetadataFacts* f, int depth) {
  JpegStructure s;
  const Status st = ParseJpeg(data, &s);
  int orientation = 0;
  Bytes photoshop;
  std::map<std::string, ExtendedXmp> extended;
  std::size_t icc_bytes = 0, icc_chunks = 0;
  for (const JpegSegment& seg : s.segments) {
    const std::uint8_t* p = data.data() + seg.payload_offset;
    const std::size_t n = seg.payload_size;
    const std::string name = JpegSegmentName(data, seg);
    if (seg.marker == kJpegCom) {
      const std::string text = TrimText(BytesToUtf8(p, n));
      AddFinding(f, "comment", "JPEG comment: " + Abbreviate(text), "jpeg-com");
      AddText(f, "jpeg:COM", text);
      continue;
    }
    if (IsStructuralJpegMarker(seg.marker)) continue;
    const std::string id = JpegAppIdentifier(data, seg);
    if (name == "APP1 Exif") {
      const int o = n > 6 ? InventoryExif(p, n, "exif", f) : 0;
      if (n <= 6) AddFinding(f, "other", "EXIF block present but unreadable: empty", "exif");
      if (orientation == 0) orientation = o;
    } else if (name == "APP1 XMP") {
      if (n < sizeof(kXmpId)) {
        AddFinding(f, "other", "XMP packet present but unreadable: empty", "xmp");
        continue;
      }
      InventoryXmp(
          std::string_view(reinterpret_cast<const char*>(p) + sizeof(kXmpId), n - sizeof(kXmpId)),
          "xmp", f);
    } else if (name == "APP1 ExtendedXMP") {
      // id\0, 32-byte GUID, 4-byte full length, 4-byte offset, data
      const std::size_t head = sizeof(kExtXmpId) + 40;
      if (n < head) {
        AddFinding(f, "other", "ExtendedXMP segment present but unreadable", "xmp");
        continue;
      }
      const std::string guid(reinterpret_cast<const char*>(p) + sizeof(kExtXmpId), 32);
      auto be32 = [&](std::size_t at) {
        return (static_cast<std::size_t>(p[at]) << 24) | (p[at + 1] << 16) | (p[at + 2] << 8) |
               p[at + 3];
      };
      const std::size_t full = be32(sizeof(kExtXmpId) + 32);
      const std::size_t offset = be32(sizeof(kExtXmpId) + 36);
      if (extended.count(guid) == 0 && extended.size() >= kMaxExtendedGuids) {
        AddFinding(f, "other", "ExtendedXMP: too many packets, the rest were not read", "xmp");
        continue;
      }
      ExtendedXmp& x = extended[guid];
      // A packet cannot be longer than the file that carries it.
      if (full > kMaxExtendedXmp || full > data.size() || offset > full ||
          n - head > full - offset) {
        x.ok = false;
        continue;
      }
      if (x.data.size() != full) x.data.resize(full, ' ');
      std::memcpy(x.data.data() + offset, p + head, n - head);
    } else if (name == "APP13 Photoshop/IPTC") {
      const std::size_t skip = id.size() + 1;  // "Photoshop 3.0\0"
      if (n > skip) photoshop.insert(photoshop.end(), p + skip, p + n);
    } else if (name == "APP2 ICC_PROFILE") {
      icc_bytes += n > 14 ? n - 14 : 0;
      ++icc_chunks;
    } else if (seg.marker == kJpegApp0 && id == "JFIF") {
      if (n >= 14 && p[12] != 0 && p[13] != 0) {
        AddFinding(f, "thumbnail",
                   "JFIF thumbnail (" + std::to_string(p[12]) + "x" + std::to_string(p[13]) + ")",
                   "jfif");
      }
    } else if (seg.marker == kJpegApp14 && id == "Adobe") {
      // colour-transform flag the decoder needs; kept
    } else if (seg.marker == kJpegApp0 && id == "JFXX") {
      AddFinding(f, "thumbnail", "JFIF extension thumbnail (APP0 JFXX)", "jfif");
    } else {
      AddFinding(f, "other", name + " segment (" + std::to_string(n) + " bytes)", "jpeg");
      AddText(f, "jpeg:" + name, PrintableText(p, n));
    }
  }
  if (!photoshop.empty())
    InventoryPhotoshopResources(photoshop.data(), photoshop.size(), "iptc", f);
  for (const auto& [guid, x] : extended) {
    if (!x.ok || x.data.empty()) {
      AddFinding(f, "other", "ExtendedXMP present but unreadable (bad chunk offsets)", "xmp");
      continue;
    }
    InventoryXmp(std::string_view(reinterpret_cast<const char*>(x.data.data()), x.data.size()),
                 "xmp (extended)", f);
  }
  if (icc_chunks > 0) {
    AddFinding(f, "icc",
               "ICC profile (" + std::to_string(icc_bytes) + " bytes in " +
                   std::to_string(icc_chunks) + " APP2 segments)",
               "icc");
  }
  if (!st.ok()) {
    AddFinding(f, "other", "JPEG structure unreadable: " + st.message(), "jpeg");
  } else if (s.trailer_size > 0) {
    InventoryTrailer(data, s.eoi_offset + 2, f, depth);
  }
  return orientation;
}

int InventoryTiff(const Bytes& data, MetadataFacts* f) {
  ExifEmbedded embedded;
  const int orientation = InventoryExif(data.data(), data.size(), "tiff", f, &embedded);
  if (!embedded.xmp.empty()) {
    InventoryXmp(
        std::string_view(reinterpret_cast<const char*>(embedded.xmp.data()), embedded.xmp.size()),
        "tiff XMP", f);
  }
  if (!embedded.iptc.empty()) {
    InventoryIptcIim(embedded.iptc.data(), embedded.iptc.size(), "tiff IPTC", f);
  }
  if (!embedded.icc.empty()) {
    AddFinding(f, "icc", "ICC profile (" + std::to_string(embedded.icc.size()) + " bytes)", "tiff");
  }
  AddFinding(f, "other",
             "TIFF: only the first image directory (with its EXIF and GPS directories) was "
             "inventoried; the output is re-encoded without any of it",
             "tiff");
  return orientation;
}

}  // namespace

MetadataFacts InspectMetadata(const Bytes& data, ImageFormat format) {
  MetadataFacts facts;
  int orientation = 0;
  try {
    switch (format) {
      case ImageFormat::kJpeg:
        orientation = InventoryJpeg(data, &facts, 0);
        break;
      case ImageFormat::kPng:
        orientation = InventoryPng(data, &facts);
        break;
      case ImageFormat::kWebp:
        orientation = InventoryWebp(data, &facts);
        break;
      case ImageFormat::kHeif:
        orientation = InventoryHeif(data, &facts);
        break;
      case ImageFormat::kTiff:
        orientation = InventoryTiff(data, &facts);
        break;
      case ImageFormat::kGif:
        InventoryGif(data, &facts);
        break;
      case ImageFormat::kUnknown:
        AddFinding(&facts, "other", "unknown format: metadata not inventoried", "file");
        break;
    }
  } catch (const std::exception& e) {  // std::bad_alloc from a hostile length, mostly
    AddFinding(&facts, "other", std::string("metadata inventory stopped early: ") + e.what(),
               "file");
  }
  facts.exif_orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
  return facts;
}

}  // namespace pg
