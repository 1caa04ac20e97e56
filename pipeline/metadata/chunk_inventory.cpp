#include "metadata/chunk_inventory.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "metadata/exif_inventory.h"
#include "metadata/gif_blocks.h"
#include "metadata/iptc_inventory.h"
#include "metadata/png_chunks.h"
#include "metadata/text_encoding.h"
#include "metadata/webp_chunks.h"
#include "metadata/xmp_inventory.h"

namespace pg {
namespace {

constexpr std::size_t kMaxTextInflate = 16u << 20;  // one text chunk inflates to at most 16 MiB
constexpr std::size_t kInflateBudget = 64u << 20;   // all text chunks of a file together

std::string AsString(const Bytes& b) { return std::string(b.begin(), b.end()); }

bool IsPngImageChunk(const std::string& t) {
  static const char* kKnown[] = {"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "sRGB",
                                 "gAMA", "cHRM", "pHYs", "sBIT", "bKGD"};
  for (const char* k : kKnown) {
    if (t == k) return true;
  }
  return false;
}

/// One PNG text (keyword + raw bytes): XMP and raw profiles go to their readers, everything
/// else is a text for the names stage (tEXt/zTXt are Latin-1, iTXt UTF-8: BytesToUtf8 keeps
/// valid UTF-8 and reads the rest as Latin-1).
void HandlePngText(const std::string& keyword, const std::uint8_t* raw, std::size_t size,
                   const std::string& where, MetadataFacts* f) {
  if (keyword == "XML:com.adobe.xmp") {
    InventoryXmp(std::string_view(reinterpret_cast<const char*>(raw), size), where, f);
    return;
  }
  if (keyword.rfind("Raw profile type ", 0) == 0) {
    const std::string type = keyword.substr(17);
    Bytes bytes = DecodeRawProfile(std::string(reinterpret_cast<const char*>(raw), size));
    if (bytes.empty()) bytes.assign(raw, raw + size);  // Photoshop stores the profile unencoded
    const std::string at = where + " raw profile";
    if (type == "exif" || type == "APP1") {
      InventoryExif(bytes.data(), bytes.size(), at, f);
    } else if (type == "iptc" || type == "8bim") {
      if (bytes.size() >= 4 && std::memcmp(bytes.data(), "8BIM", 4) == 0) {
        InventoryPhotoshopResources(bytes.data(), bytes.size(), at, f);
      } else {
        InventoryIptcIim(bytes.data(), bytes.size(), at, f);
      }
    } else if (type == "xmp") {
      InventoryXmp(AsString(bytes), at, f);
    } else {
      AddFinding(f, type == "icc" || type == "icm" ? "icc" : "other",
                 "PNG '" + keyword + "' (" + std::to_string(bytes.size()) + " bytes)", where);
    }
    return;
  }
  const std::string value = TrimText(BytesToUtf8(raw, size));
  std::string kind = "text";
  if (keyword == "Comment" || keyword == "Description") kind = "comment";
  if (keyword == "Author" || keyword == "Artist") kind = "artist";
  if (keyword == "Copyright") kind = "copyright";
  if (keyword == "Creation Time") kind = "date";
  if (keyword == "Software") kind = "software";
  AddFinding(f, kind, "PNG text '" + keyword + "': " + Abbreviate(value), where);
  AddText(f, "png:" + keyword, value);
}

/// Splits "keyword\0rest"; false if there is no NUL.
bool SplitKeyword(const std::uint8_t* d, std::size_t n, std::string* keyword, std::size_t* rest) {
  const void* nul = std::memchr(d, 0, n);
  if (nul == nullptr) return false;
  *rest = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - d) + 1;
  *keyword = BytesToUtf8(d, *rest - 1);
  return true;
}

/// `budget` is what is left of kInflateBudget for this file; inflated text counts against it,
/// and a chunk that hits the cap uses up the whole cap (so bombs cannot be retried cheaply).
void PngTextChunk(const Bytes& data, const PngChunk& c, std::size_t* budget, MetadataFacts* f) {
  const std::uint8_t* d = data.data() + c.data_offset;
  const std::size_t n = c.data_size;
  const std::string where = "png " + c.type;
  std::string keyword;
  std::size_t at = 0;
  if (!SplitKeyword(d, n, &keyword, &at)) {
    AddFinding(f, "other", "PNG " + c.type + " chunk present but unreadable: no keyword", where);
    return;
  }
  if (c.type == "tEXt") {
    HandlePngText(keyword, d + at, n - at, where, f);
    return;
  }
  bool compressed = c.type == "zTXt";
  if (c.type == "iTXt") {
    // compression flag, method, language tag\0, translated keyword\0, text
    if (at + 2 > n) {
      AddFinding(f, "other", "PNG iTXt chunk '" + keyword + "' present but unreadable", where);
      return;
    }
    compressed = d[at] != 0;
    at += 2;
    for (int field = 0; field < 2; ++field) {
      const void* nul = std::memchr(d + at, 0, n - at);
      if (nul == nullptr) {
        AddFinding(f, "other", "PNG iTXt chunk '" + keyword + "' present but unreadable", where);
        return;
      }
      const std::size_t end = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - d);
      if (field == 1 && end > at) AddText(f, "png:" + keyword, BytesToUtf8(d + at, end - at));
      at = end + 1;
    }
  } else {
    if (at >= n) {
      AddFinding(f, "other", "PNG zTXt chunk '" + keyword + "' present but unreadable", where);
      return;
    }
    ++at;  // compression method
  }
  if (!compressed) {
    HandlePngText(keyword, d + at, n - at, where, f);
    return;
  }
  if (*budget == 0) {
    AddFinding(f, "other",
               "PNG " + c.type + " chunk '" + keyword +
                   "' not inflated: the file's text budget is used up",
               where);
    return;
  }
  const std::size_t cap = std::min(kMaxTextInflate, *budget);
  Result<Bytes> text = Inflate(d + at, n - at, cap);
  *budget -= text.ok() ? text->size() : (text.status().code() == Code::kTooLarge ? cap : 0);
  if (!text.ok()) {
    AddFinding(f, "other",
               "PNG " + c.type + " chunk '" + keyword +
                   "' present but unreadable: " + text.status().message(),
               where);
    return;
  }
  HandlePngText(keyword, text->data(), text->size(), where, f);
}

}  // namespace

Bytes DecodeRawProfile(const std::string& text) {
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  skip_space();
  while (i < text.size() && text[i] != '\n') ++i;  // profile name line
  skip_space();
  std::size_t length = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    length = length * 10 + static_cast<std::size_t>(text[i++] - '0');
    if (length > (64u << 20)) return {};
  }
  Bytes out;
  out.reserve(length);
  int high = -1;
  for (; i < text.size() && out.size() < length; ++i) {
    const char c = text[i];
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else if (std::isspace(static_cast<unsigned char>(c)))
      continue;
    else
      return {};
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high * 16 + v));
      high = -1;
    }
  }
  if (length == 0 || out.size() != length) return {};
  return out;
}

int InventoryPng(const Bytes& data, MetadataFacts* f) {
  PngStructure s;
  const Status st = ParsePng(data, &s);
  int orientation = 0;
  std::size_t budget = kInflateBudget;
  for (const PngChunk& c : s.chunks) {
    const std::uint8_t* d = data.data() + c.data_offset;
    if (c.type == "eXIf") {
      const int o = InventoryExif(d, c.data_size, "png eXIf", f);
      if (orientation == 0) orientation = o;
    } else if (c.type == "tEXt" || c.type == "zTXt" || c.type == "iTXt") {
      PngTextChunk(data, c, &budget, f);
    } else if (c.type == "iCCP") {
      AddFinding(f, "icc", "ICC profile (iCCP, " + std::to_string(c.data_size) + " bytes)", "png");
    } else if (c.type == "tIME" && c.data_size == 7) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "PNG tIME %04d-%02d-%02d %02d:%02d:%02d", (d[0] << 8) | d[1],
                    d[2], d[3], d[4], d[5], d[6]);
      AddFinding(f, "date", buf, "png");
    } else if (!IsPngImageChunk(c.type)) {
      AddFinding(f, "other",
                 "PNG chunk '" + c.type + "' (" + std::to_string(c.data_size) + " bytes)", "png");
      if (c.type != "fdAT" && c.type != "fcTL" && c.type != "acTL") {
        AddText(f, "png:" + c.type, PrintableText(d, c.data_size));
      }
    }
  }
  if (!st.ok()) AddFinding(f, "other", "PNG structure unreadable: " + st.message(), "png");
  if (s.trailer_size > 0) {
    AddFinding(f, "other", std::to_string(s.trailer_size) + " bytes after end of image", "trailer");
  }
  return orientation;
}

int InventoryWebp(const Bytes& data, MetadataFacts* f) {
  WebpStructure s;
  const Status st = ParseWebp(data, &s);
  int orientation = 0;
  for (const WebpChunk& c : s.chunks) {
    const std::uint8_t* d = data.data() + c.data_offset;
    if (c.fourcc == "EXIF") {
      const int o = InventoryExif(d, c.data_size, "webp EXIF", f);
      if (orientation == 0) orientation = o;
    } else if (c.fourcc == "XMP ") {
      InventoryXmp(std::string_view(reinterpret_cast<const char*>(d), c.data_size), "webp XMP", f);
    } else if (c.fourcc == "ICCP") {
      AddFinding(f, "icc", "ICC profile (" + std::to_string(c.data_size) + " bytes)", "webp");
    } else if (c.fourcc != "VP8 " && c.fourcc != "VP8L" && c.fourcc != "VP8X" &&
               c.fourcc != "ALPH" && c.fourcc != "ANIM" && c.fourcc != "ANMF") {
      AddFinding(
          f, "other",
          "WebP chunk '" + BytesToUtf8(c.fourcc) + "' (" + std::to_string(c.data_size) + " bytes)",
          "webp");
      AddText(f, "webp:" + BytesToUtf8(c.fourcc), PrintableText(d, c.data_size));
    }
  }
  if (!st.ok()) AddFinding(f, "other", "WebP structure unreadable: " + st.message(), "webp");
  if (s.trailer_size > 0) {
    AddFinding(f, "other", std::to_string(s.trailer_size) + " bytes after end of image", "trailer");
  }
  return orientation;
}

void InventoryGif(const Bytes& data, MetadataFacts* f) {
  std::vector<GifExtension> exts;
  const Status st = WalkGif(data, &exts);
  for (const GifExtension& e : exts) {
    if (e.label == 0xFE) {
      const std::string text = TrimText(BytesToUtf8(e.data.data(), e.data.size()));
      AddFinding(f, "comment", "GIF comment: " + Abbreviate(text), "gif");
      AddText(f, "gif:Comment", text);
    } else if (e.label == 0x01) {
      AddText(f, "gif:PlainText", PrintableText(e.data.data(), e.data.size(), 2));
    } else if (e.label == 0xFF && e.app_id == "XMP DataXMP") {
      InventoryXmp(GifXmpPacket(e), "gif XMP", f);
    } else if (e.label == 0xFF && e.app_id == "ICCRGBG1012") {
      AddFinding(f, "icc", "ICC profile (" + std::to_string(e.data.size()) + " bytes)", "gif");
    } else if (e.label == 0xFF && e.app_id != "NETSCAPE2.0" && e.app_id != "ANIMEXTS1.0") {
      const std::string id = BytesToUtf8(e.app_id);
      AddFinding(f, "other", "GIF application extension '" + id + "'", "gif");
      AddText(f, "gif:" + id, PrintableText(e.data.data(), e.data.size()));
    }
  }
  if (!st.ok()) AddFinding(f, "other", "GIF structure unreadable: " + st.message(), "gif");
  GifLayout layout;
  if (ParseGifLayout(data, &layout).ok() && layout.after_trailer > 0) {
    AddFinding(f, "other", std::to_string(layout.after_trailer) + " bytes after end of image",
               "trailer");
  }
}

}  // namespace pg
