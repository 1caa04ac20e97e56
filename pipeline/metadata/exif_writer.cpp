#include "metadata/exif_writer.h"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "metadata/jpeg_segments.h"

namespace pg {
namespace {

constexpr std::size_t kMaxApp1Payload = 65533;

struct MemDeleter {
  void operator()(ExifMem* m) const { exif_mem_unref(m); }
};
struct DataDeleter {
  void operator()(ExifData* d) const { exif_data_unref(d); }
};

class Builder {
 public:
  Builder(ExifData* ed, ExifMem* mem) : ed_(ed), mem_(mem) {}

  /// Adds an entry with zeroed data of the right size; null when allocation fails.
  ExifEntry* Add(ExifIfd ifd, int tag, ExifFormat format, unsigned components) {
    ExifEntry* e = exif_entry_new_mem(mem_);
    if (e == nullptr) return nullptr;
    const unsigned size = exif_format_get_size(format) * components;
    e->data = static_cast<unsigned char*>(exif_mem_alloc(mem_, size));
    if (e->data == nullptr) {
      exif_entry_unref(e);
      return nullptr;
    }
    std::memset(e->data, 0, size);
    e->size = size;
    e->tag = static_cast<ExifTag>(tag);
    e->format = format;
    e->components = components;
    exif_content_add_entry(ed_->ifd[ifd], e);
    exif_entry_unref(e);  // the IFD holds the reference now
    return e;
  }

  bool Ascii(ExifIfd ifd, int tag, const std::string& value) {
    if (value.empty()) return true;
    ExifEntry* e = Add(ifd, tag, EXIF_FORMAT_ASCII, static_cast<unsigned>(value.size() + 1));
    if (e == nullptr) return false;
    std::memcpy(e->data, value.data(), value.size());
    return true;
  }

  bool Raw(ExifIfd ifd, int tag, ExifFormat format, const Bytes& value) {
    ExifEntry* e = Add(ifd, tag, format, static_cast<unsigned>(value.size()));
    if (e == nullptr) return false;
    std::memcpy(e->data, value.data(), value.size());
    return true;
  }

  /// Degrees as three rationals: whole degrees, whole minutes, seconds in 1/10000.
  bool Coordinate(int tag, double degrees) {
    ExifEntry* e = Add(EXIF_IFD_GPS, tag, EXIF_FORMAT_RATIONAL, 3);
    if (e == nullptr) return false;
    const double a = std::fabs(degrees);
    const auto d = static_cast<ExifLong>(a);
    const auto m = static_cast<ExifLong>((a - d) * 60.0);
    const double s = ((a - d) * 60.0 - m) * 60.0;
    const ExifByteOrder o = exif_data_get_byte_order(ed_);
    exif_set_rational(e->data, o, {d, 1});
    exif_set_rational(e->data + 8, o, {m, 1});
    exif_set_rational(e->data + 16, o, {static_cast<ExifLong>(std::lround(s * 10000.0)), 10000});
    return true;
  }

 private:
  ExifData* ed_;
  ExifMem* mem_;
};

/// UTF-8 to UCS-2LE (code points above U+FFFF as surrogate pairs), with a 2-byte terminator.
Bytes Utf8ToUtf16Le(const std::string& s, bool terminate) {
  Bytes out;
  auto put = [&](std::uint32_t u) {
    out.push_back(static_cast<std::uint8_t>(u & 0xFF));
    out.push_back(static_cast<std::uint8_t>(u >> 8));
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if (c >= 0xC0) {
      cp = c & 0x1F;
      len = 2;
    }
    if (i + len > s.size()) break;
    for (std::size_t k = 1; k < len; ++k) {
      cp = (cp << 6) | (static_cast<std::uint8_t>(s[i + k]) & 0x3F);
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xD800 + (cp >> 10));
      put(0xDC00 + (cp & 0x3FF));
    } else {
      put(cp);
    }
  }
  if (terminate) put(0);
  return out;
}

}  // namespace

Result<Bytes> BuildExifApp1Payload(const SyntheticExif& f) {
  if ((f.gps_lat && std::fabs(*f.gps_lat) > 90.0) || (f.gps_lon && std::fabs(*f.gps_lon) > 180.0)) {
    return Status::BadData("GPS coordinate out of range");
  }
  std::unique_ptr<ExifMem, MemDeleter> mem(exif_mem_new_default());
  if (!mem) return Status::Internal("libexif could not allocate");
  std::unique_ptr<ExifData, DataDeleter> ed(exif_data_new_mem(mem.get()));
  if (!ed) return Status::Internal("libexif could not allocate");
  exif_data_unset_option(ed.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_set_byte_order(ed.get(), EXIF_BYTE_ORDER_INTEL);
  exif_data_set_data_type(ed.get(), EXIF_DATA_TYPE_COMPRESSED);

  Builder b(ed.get(), mem.get());
  bool ok =
      b.Ascii(EXIF_IFD_0, EXIF_TAG_MAKE, f.make) && b.Ascii(EXIF_IFD_0, EXIF_TAG_MODEL, f.model) &&
      b.Ascii(EXIF_IFD_0, EXIF_TAG_IMAGE_DESCRIPTION, f.image_description) &&
      b.Ascii(EXIF_IFD_0, EXIF_TAG_ARTIST, f.artist) &&
      b.Ascii(EXIF_IFD_0, EXIF_TAG_COPYRIGHT, f.copyright) &&
      b.Ascii(EXIF_IFD_0, EXIF_TAG_SOFTWARE, f.software) &&
      b.Ascii(EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, f.date_time_original) &&
      b.Ascii(EXIF_IFD_EXIF, 0xa430, f.owner_name) && b.Ascii(EXIF_IFD_EXIF, 0xa431, f.body_serial);
  if (ok && f.orientation != 0) {
    ExifEntry* e = b.Add(EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT, 1);
    ok = e != nullptr;
    if (ok) exif_set_short(e->data, EXIF_BYTE_ORDER_INTEL, static_cast<ExifShort>(f.orientation));
  }
  if (ok && !f.xp_author.empty()) {
    ok = b.Raw(EXIF_IFD_0, EXIF_TAG_XP_AUTHOR, EXIF_FORMAT_BYTE, Utf8ToUtf16Le(f.xp_author, true));
  }
  if (ok && !f.user_comment.empty()) {
    Bytes v = {'U', 'N', 'I', 'C', 'O', 'D', 'E', 0};
    const Bytes text = Utf8ToUtf16Le(f.user_comment, false);
    v.insert(v.end(), text.begin(), text.end());
    ok = b.Raw(EXIF_IFD_EXIF, EXIF_TAG_USER_COMMENT, EXIF_FORMAT_UNDEFINED, v);
  }
  if (ok && f.gps_lat && f.gps_lon) {
    ok = b.Raw(EXIF_IFD_GPS, 0x0000, EXIF_FORMAT_BYTE, {2, 3, 0, 0}) &&  // GPSVersionID
         b.Ascii(EXIF_IFD_GPS, 0x0001, *f.gps_lat < 0 ? "S" : "N") &&
         b.Coordinate(0x0002, *f.gps_lat) &&
         b.Ascii(EXIF_IFD_GPS, 0x0003, *f.gps_lon < 0 ? "W" : "E") &&
         b.Coordinate(0x0004, *f.gps_lon);
  }
  if (!ok) return Status::Internal("libexif could not allocate an entry");
  if (!f.thumbnail_jpeg.empty()) {
    auto* thumb = static_cast<unsigned char*>(
        exif_mem_alloc(mem.get(), static_cast<ExifLong>(f.thumbnail_jpeg.size())));
    if (thumb == nullptr) return Status::Internal("libexif could not allocate the thumbnail");
    std::memcpy(thumb, f.thumbnail_jpeg.data(), f.thumbnail_jpeg.size());
    ed->data = thumb;  // freed by exif_data_unref with the same allocator
    ed->size = static_cast<unsigned>(f.thumbnail_jpeg.size());
  }
  unsigned char* out = nullptr;
  unsigned int size = 0;
  exif_data_save_data(ed.get(), &out, &size);
  if (out == nullptr || size == 0) return Status::Internal("libexif could not serialise the block");
  Bytes payload(out, out + size);
  exif_mem_free(mem.get(), out);
  if (payload.size() > kMaxApp1Payload) {
    return Status::BadData("EXIF block of " + std::to_string(payload.size()) +
                           " bytes does not fit in one APP1 segment");
  }
  return payload;
}

Result<Bytes> InsertExifIntoJpeg(const Bytes& jpeg, const SyntheticExif& fields) {
  if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != kJpegSoi) {
    return Status::BadData("not a JPEG (no SOI marker)");
  }
  Result<Bytes> payload = BuildExifApp1Payload(fields);
  if (!payload.ok()) return payload.status();
  std::size_t at = 2;
  if (jpeg.size() >= 11 && jpeg[2] == 0xFF && jpeg[3] == kJpegApp0 &&
      std::memcmp(&jpeg[6], "JFIF\0", 5) == 0) {
    at = 4 + ((static_cast<std::size_t>(jpeg[4]) << 8) | jpeg[5]);
    if (at > jpeg.size()) return Status::BadData("truncated APP0 segment");
  }
  const Bytes seg = MakeJpegSegment(kJpegApp1, *payload);
  Bytes out(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(at));
  out.insert(out.end(), seg.begin(), seg.end());
  out.insert(out.end(), jpeg.begin() + static_cast<std::ptrdiff_t>(at), jpeg.end());
  return out;
}

Bytes MakeXmpApp1Payload(const std::string& xml) {
  static const char kId[] = "http://ns.adobe.com/xap/1.0/";
  Bytes out(sizeof(kId) + xml.size());
  std::memcpy(out.data(), kId, sizeof(kId));  // includes the NUL
  std::memcpy(out.data() + sizeof(kId), xml.data(), xml.size());
  return out;
}

Bytes AppendTrailer(const Bytes& file, const Bytes& trailer) {
  Bytes out = file;
  out.insert(out.end(), trailer.begin(), trailer.end());
  return out;
}

}  // namespace pg
