#include "metadata/exif_inventory.h"

#include <libexif/exif-data.h>
#include <libexif/exif-log.h>
#include <libexif/exif-mnote-data.h>
#include <libexif/exif-utils.h>

#include <cctype>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "metadata/text_encoding.h"

namespace pg {
namespace {

constexpr std::uint8_t kExifHeader[6] = {'E', 'x', 'i', 'f', 0, 0};

struct LogCapture {
  std::string first_problem;
};

void CaptureLog(ExifLog*, ExifLogCode code, const char* domain, const char* format, va_list args,
                void* data) {
  if (code != EXIF_LOG_CODE_CORRUPT_DATA && code != EXIF_LOG_CODE_NO_MEMORY) return;
  auto* capture = static_cast<LogCapture*>(data);
  if (!capture->first_problem.empty()) return;
  char buf[256];
  std::vsnprintf(buf, sizeof(buf), format, args);
  capture->first_problem = std::string(domain != nullptr ? domain : "libexif") + ": " + buf;
}

struct ExifDataDeleter {
  void operator()(ExifData* d) const { exif_data_unref(d); }
};
struct ExifLogDeleter {
  void operator()(ExifLog* l) const { exif_log_unref(l); }
};

/// An ASCII/UNDEFINED entry as UTF-8; interior NULs (Copyright "photographer\0editor")
/// separate parts, joined with "; ".
std::string EntryText(const ExifEntry* e) {
  if (e == nullptr || e->data == nullptr || e->size == 0) return "";
  std::string joined;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= e->size; ++i) {
    if (i == e->size || e->data[i] == 0) {
      std::string part = TrimText(BytesToUtf8(e->data + start, i - start));
      if (!part.empty()) joined += (joined.empty() ? "" : "; ") + part;
      start = i + 1;
    }
  }
  return joined;
}

/// XP* tags: UCS-2 little-endian regardless of the TIFF byte order (Windows Explorer).
std::string XpText(const ExifEntry* e) {
  if (e == nullptr || e->data == nullptr) return "";
  return TrimText(Utf16ToUtf8(e->data, e->size, /*little_endian=*/true));
}

/// UserComment: an 8-byte character-code prefix, then the text.
std::string UserCommentText(const ExifEntry* e, ExifByteOrder order) {
  if (e == nullptr || e->data == nullptr || e->size <= 8) return "";
  const std::uint8_t* text = e->data + 8;
  const std::size_t n = e->size - 8;
  if (std::memcmp(e->data, "UNICODE\0", 8) == 0) {
    return TrimText(Utf16ToUtf8(text, n, order == EXIF_BYTE_ORDER_INTEL));
  }
  // "ASCII\0\0\0", undefined (8 NULs) and anything else: bytes as UTF-8 or Latin-1.
  // JIS is rare and not decoded; its bytes still pass through as Latin-1.
  std::string s(reinterpret_cast<const char*>(text), n);
  const auto nul = s.find('\0');
  if (nul != std::string::npos) s.resize(nul);
  return TrimText(BytesToUtf8(s));
}

/// Degrees from a GPS rational triple (degrees, minutes, seconds); nullopt if unusable.
std::optional<double> GpsCoordinate(const ExifEntry* e, ExifByteOrder order) {
  if (e == nullptr || e->data == nullptr || e->format != EXIF_FORMAT_RATIONAL ||
      e->components == 0 || e->size < 8 * e->components) {
    return std::nullopt;
  }
  double value = 0.0;
  double scale = 1.0;
  for (unsigned i = 0; i < e->components && i < 3; ++i) {
    const ExifRational r = exif_get_rational(e->data + 8 * i, order);
    if (r.denominator == 0) {
      if (i == 0) return std::nullopt;
      break;
    }
    value += static_cast<double>(r.numerator) / r.denominator / scale;
    scale *= 60.0;
  }
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

int CountEntries(const ExifData* ed) {
  int n = 0;
  for (int i = 0; i < EXIF_IFD_COUNT; ++i) n += ed->ifd[i] != nullptr ? ed->ifd[i]->count : 0;
  return n;
}

ExifEntry* Get(ExifData* ed, ExifIfd ifd, int tag) {
  return ed->ifd[ifd] != nullptr ? exif_content_get_entry(ed->ifd[ifd], static_cast<ExifTag>(tag))
                                 : nullptr;
}

void InventoryGps(ExifData* ed, ExifByteOrder order, const std::string& where, MetadataFacts* f) {
  if (ed->ifd[EXIF_IFD_GPS] == nullptr || ed->ifd[EXIF_IFD_GPS]->count == 0) return;
  const auto lat = GpsCoordinate(Get(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE), order);
  const auto lon = GpsCoordinate(Get(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE), order);
  if (lat && lon) {
    const std::string lat_ref = EntryText(Get(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE_REF));
    const std::string lon_ref = EntryText(Get(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE_REF));
    const double la = (lat_ref == "S" || lat_ref == "s") ? -*lat : *lat;
    const double lo = (lon_ref == "W" || lon_ref == "w") ? -*lon : *lon;
    AddFinding(f, "gps", FormatGpsDetail(la, lo), where);
  } else {
    AddFinding(f, "gps",
               "GPS data present (" + std::to_string(ed->ifd[EXIF_IFD_GPS]->count) +
                   " tags, no readable position)",
               where);
  }
}

void InventoryMakerNote(ExifData* ed, const std::string& where, MetadataFacts* f) {
  ExifEntry* mn = Get(ed, EXIF_IFD_EXIF, EXIF_TAG_MAKER_NOTE);
  if (mn == nullptr) return;
  AddFinding(f, "other", "MakerNote (" + std::to_string(mn->size) + " bytes of vendor data)",
             where);
  ExifMnoteData* md = exif_data_get_mnote_data(ed);
  if (md == nullptr) return;
  const unsigned count = exif_mnote_data_count(md);
  for (unsigned i = 0; i < count && i < 4096; ++i) {
    const char* name = exif_mnote_data_get_name(md, i);
    if (name == nullptr) continue;
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool serial = lower.find("serial") != std::string::npos;
    const bool owner = lower.find("owner") != std::string::npos;
    if (!serial && !owner) continue;
    char buf[256] = {0};
    if (exif_mnote_data_get_value(md, i, buf, sizeof(buf) - 1) == nullptr) continue;
    const std::string value = TrimText(BytesToUtf8(std::string_view(buf)));
    if (value.empty()) continue;
    AddFinding(f, serial ? "camera_serial" : "owner",
               std::string("MakerNote ") + name + ": " + Abbreviate(value), where);
    if (owner) AddText(f, "exif:MakerNoteOwnerName", value);
  }
}

}  // namespace

void AddText(MetadataFacts* facts, const std::string& field, const std::string& value) {
  if (value.empty()) return;
  for (const auto& t : facts->texts) {
    if (t.field == field && t.value == value) return;
  }
  if (facts->texts.size() == kMaxTexts) {
    AddFinding(facts, "other",
               "more than " + std::to_string(kMaxTexts) + " text fields: the rest were not read",
               "file");
  }
  if (facts->texts.size() >= kMaxTexts) return;
  facts->texts.push_back(
      {field, value.size() > kMaxTextBytes ? Abbreviate(value, kMaxTextBytes) : value});
}

void AddFinding(MetadataFacts* facts, const std::string& kind, const std::string& detail,
                const std::string& where) {
  if (facts->found.size() > kMaxFindings) return;
  if (facts->found.size() == kMaxFindings) {
    facts->found.push_back({"other",
                            "more than " + std::to_string(kMaxFindings) +
                                " metadata findings: the rest are not listed",
                            "file"});
    return;
  }
  facts->found.push_back({kind, detail, where});
}

std::string FormatGpsDetail(double lat, double lon) {
  char buf[96];
  std::snprintf(buf, sizeof(buf), "GPS position %.6f, %.6f", lat, lon);
  return buf;
}

int InventoryExif(const std::uint8_t* data, std::size_t size, const std::string& where,
                  MetadataFacts* f, ExifEmbedded* embedded) {
  Bytes block;
  if (size < 6 || std::memcmp(data, kExifHeader, 6) != 0) {
    block.assign(kExifHeader, kExifHeader + 6);  // libexif wants the APP1 header
  }
  block.insert(block.end(), data, data + size);
  if (block.size() > 0xFFFFFFFFu) {
    AddFinding(f, "other", "EXIF block present but unreadable: larger than 4 GiB", where);
    return 0;
  }

  LogCapture capture;
  std::unique_ptr<ExifLog, ExifLogDeleter> log(exif_log_new());
  std::unique_ptr<ExifData, ExifDataDeleter> ed(exif_data_new());
  if (!log || !ed) {
    AddFinding(f, "other", "EXIF block present but unreadable: libexif out of memory", where);
    return 0;
  }
  exif_log_set_func(log.get(), CaptureLog, &capture);
  exif_data_log(ed.get(), log.get());
  exif_data_unset_option(ed.get(), EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
  exif_data_unset_option(ed.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_load_data(ed.get(), block.data(), static_cast<unsigned>(block.size()));

  ExifData* e = ed.get();
  const int entries = CountEntries(e);
  const bool thumb = e->data != nullptr && e->size > 0;
  if (entries == 0 && !thumb) {
    AddFinding(f, "other",
               "EXIF block present but unreadable: " + (capture.first_problem.empty()
                                                            ? std::string("no readable tags")
                                                            : capture.first_problem),
               where);
    return 0;
  }
  AddFinding(f, "other", "EXIF block with " + std::to_string(entries) + " tags", where);
  if (!capture.first_problem.empty()) {
    AddFinding(f, "other", "EXIF block partly unreadable: " + capture.first_problem, where);
  }
  const ExifByteOrder order = exif_data_get_byte_order(e);

  InventoryGps(e, order, where, f);

  const std::string make = EntryText(Get(e, EXIF_IFD_0, EXIF_TAG_MAKE));
  const std::string model = EntryText(Get(e, EXIF_IFD_0, EXIF_TAG_MODEL));
  if (!make.empty() || !model.empty()) {
    AddFinding(f, "camera", Abbreviate(TrimText(make + " " + model)), where);
  }
  struct Simple {
    ExifIfd ifd;
    int tag;
    const char* kind;
    const char* label;
    const char* text_field;  // nullptr: not a text for the names stage
  };
  static const Simple kSimple[] = {
      {EXIF_IFD_EXIF, 0xa431, "camera_serial", "BodySerialNumber", nullptr},
      {EXIF_IFD_EXIF, 0xa435, "camera_serial", "LensSerialNumber", nullptr},
      {EXIF_IFD_0, 0xc62f, "camera_serial", "CameraSerialNumber", nullptr},
      {EXIF_IFD_EXIF, 0xa420, "other", "ImageUniqueID", nullptr},
      {EXIF_IFD_EXIF, 0xa430, "owner", "CameraOwnerName", "exif:CameraOwnerName"},
      {EXIF_IFD_0, EXIF_TAG_ARTIST, "artist", "Artist", "exif:Artist"},
      {EXIF_IFD_0, EXIF_TAG_COPYRIGHT, "copyright", "Copyright", "exif:Copyright"},
      {EXIF_IFD_0, EXIF_TAG_SOFTWARE, "software", "Software", nullptr},
      {EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, "date", "DateTimeOriginal", nullptr},
      {EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_DIGITIZED, "date", "DateTimeDigitized", nullptr},
      {EXIF_IFD_0, EXIF_TAG_DATE_TIME, "date", "DateTime", nullptr},
      {EXIF_IFD_GPS, 0x001d, "date", "GPSDateStamp", nullptr},
      {EXIF_IFD_0, EXIF_TAG_IMAGE_DESCRIPTION, "text", "ImageDescription", "exif:ImageDescription"},
      {EXIF_IFD_0, EXIF_TAG_DOCUMENT_NAME, "text", "DocumentName", "exif:DocumentName"},
  };
  for (const Simple& s : kSimple) {
    const std::string v = EntryText(Get(e, s.ifd, s.tag));
    if (v.empty()) continue;
    AddFinding(f, s.kind, std::string(s.label) + ": " + Abbreviate(v), where);
    if (s.text_field != nullptr) AddText(f, s.text_field, v);
  }
  static const std::pair<int, const char*> kXp[] = {{EXIF_TAG_XP_TITLE, "XPTitle"},
                                                    {EXIF_TAG_XP_COMMENT, "XPComment"},
                                                    {EXIF_TAG_XP_AUTHOR, "XPAuthor"},
                                                    {EXIF_TAG_XP_SUBJECT, "XPSubject"},
                                                    {EXIF_TAG_XP_KEYWORDS, "XPKeywords"}};
  for (const auto& [tag, label] : kXp) {
    const std::string v = XpText(Get(e, EXIF_IFD_0, tag));
    if (v.empty()) continue;
    AddFinding(f, tag == EXIF_TAG_XP_AUTHOR ? "artist" : "text",
               std::string(label) + ": " + Abbreviate(v), where);
    AddText(f, std::string("exif:") + label, v);
  }
  const std::string comment = UserCommentText(Get(e, EXIF_IFD_EXIF, EXIF_TAG_USER_COMMENT), order);
  if (!comment.empty()) {
    AddFinding(f, "text", "UserComment: " + Abbreviate(comment), where);
    AddText(f, "exif:UserComment", comment);
  }
  if (thumb) {
    AddFinding(f, "thumbnail", "EXIF thumbnail (" + std::to_string(e->size) + " bytes)", where);
  }
  InventoryMakerNote(e, where, f);
  if (embedded != nullptr) {
    auto raw = [&](int tag) {
      const ExifEntry* x = Get(e, EXIF_IFD_0, tag);
      return x != nullptr && x->data != nullptr ? Bytes(x->data, x->data + x->size) : Bytes();
    };
    embedded->xmp = raw(700);
    embedded->iptc = raw(33723);
    embedded->icc = raw(34675);
  }

  ExifEntry* o = Get(e, EXIF_IFD_0, EXIF_TAG_ORIENTATION);
  if (o != nullptr && o->format == EXIF_FORMAT_SHORT && o->size >= 2 && o->data != nullptr) {
    const int v = exif_get_short(o->data, order);
    if (v >= 1 && v <= 8) return v;
  }
  return 0;
}

}  // namespace pg
