#include "metadata/iptc_inventory.h"

#include <cstring>
#include <map>
#include <vector>

#include "metadata/exif_inventory.h"
#include "metadata/text_encoding.h"
#include "metadata/xmp_inventory.h"

namespace pg {
namespace {

std::uint32_t Be32(const std::uint8_t* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
         (static_cast<std::uint32_t>(p[2]) << 8) | p[3];
}

struct Dataset {
  const char* name;
  const char* kind;  ///< finding kind; nullptr: texts only
  bool is_text;      ///< handed to the names stage
};

/// IIM record 2 (application record) datasets that carry words.
const std::map<int, Dataset>& Record2() {
  static const std::map<int, Dataset> k = {
      {5, {"ObjectName", "text", true}},
      {15, {"Category", nullptr, true}},
      {20, {"SupplementalCategories", nullptr, true}},
      {25, {"Keywords", "text", true}},
      {40, {"SpecialInstructions", "text", true}},
      {55, {"DateCreated", "date", false}},
      {62, {"DigitalCreationDate", "date", false}},
      {80, {"By-line", "artist", true}},
      {85, {"By-lineTitle", nullptr, true}},
      {90, {"City", "text", true}},
      {92, {"Sub-location", "text", true}},
      {95, {"Province-State", nullptr, true}},
      {101, {"Country-PrimaryLocationName", nullptr, true}},
      {105, {"Headline", "text", true}},
      {110, {"Credit", "artist", true}},
      {115, {"Source", nullptr, true}},
      {116, {"CopyrightNotice", "copyright", true}},
      {118, {"Contact", "owner", true}},
      {120, {"Caption-Abstract", "text", true}},
      {122, {"Writer-Editor", "artist", true}},
  };
  return k;
}

}  // namespace

void InventoryIptcIim(const std::uint8_t* d, std::size_t n, const std::string& where,
                      MetadataFacts* f) {
  int datasets = 0;
  std::map<int, std::vector<std::string>> values;  // record-2 dataset -> values, file order
  std::size_t pos = 0;
  std::string problem;
  while (pos + 5 <= n) {
    if (d[pos] != 0x1C) {
      if (d[pos] == 0) break;  // padding at the end of the resource
      problem = "bad IIM tag marker at offset " + std::to_string(pos);
      break;
    }
    const int record = d[pos + 1];
    const int dataset = d[pos + 2];
    std::size_t len = (static_cast<std::size_t>(d[pos + 3]) << 8) | d[pos + 4];
    pos += 5;
    if (len & 0x8000) {  // extended dataset: the low bits count the length bytes
      const std::size_t count = len & 0x7FFF;
      if (count > 4 || pos + count > n) {
        problem = "bad extended IIM length";
        break;
      }
      len = 0;
      for (std::size_t i = 0; i < count; ++i) len = (len << 8) | d[pos + i];
      pos += count;
    }
    if (len > n - pos) {
      problem = "IIM dataset " + std::to_string(record) + ":" + std::to_string(dataset) +
                " runs past the end";
      break;
    }
    ++datasets;
    if (record == 2 && Record2().count(dataset) != 0) {
      values[dataset].push_back(std::string(reinterpret_cast<const char*>(d + pos), len));
    }
    pos += len;
  }
  if (datasets == 0) {
    AddFinding(f, "other",
               "IPTC block present but unreadable: " + (problem.empty() ? "no datasets" : problem),
               where);
    return;
  }
  AddFinding(f, "iptc", "IPTC-IIM block with " + std::to_string(datasets) + " datasets", where);
  if (!problem.empty()) AddFinding(f, "other", "IPTC block partly unreadable: " + problem, where);
  for (const auto& [id, raw_values] : values) {
    const Dataset& ds = Record2().at(id);
    std::string joined;
    for (const std::string& raw : raw_values) {
      // Valid UTF-8 (what the 1:90 "ESC % G" charset record announces) stays as it is;
      // anything else is read as Latin-1, the usual charset of writers without 1:90.
      std::string v = TrimText(BytesToUtf8(raw));
      if (v.empty()) continue;
      if (ds.is_text) AddText(f, std::string("iptc:") + ds.name, v);
      joined += (joined.empty() ? "" : "; ") + v;
    }
    if (ds.kind != nullptr && !joined.empty()) {
      AddFinding(f, ds.kind, std::string(ds.name) + ": " + Abbreviate(joined), where);
    }
  }
}

void InventoryPhotoshopResources(const std::uint8_t* d, std::size_t n, const std::string& where,
                                 MetadataFacts* f) {
  std::size_t pos = 0;
  int others = 0;
  while (pos + 12 <= n) {
    if (std::memcmp(d + pos, "8BIM", 4) != 0 && std::memcmp(d + pos, "MeSa", 4) != 0 &&
        std::memcmp(d + pos, "PHUT", 4) != 0 && std::memcmp(d + pos, "AgHg", 4) != 0 &&
        std::memcmp(d + pos, "DCSR", 4) != 0) {
      if (pos == 0)
        AddFinding(f, "other", "Photoshop resource block present but unreadable", where);
      break;
    }
    const int id = (d[pos + 4] << 8) | d[pos + 5];
    std::size_t name_len = d[pos + 6];
    std::size_t name_field = 1 + name_len;
    if (name_field & 1) ++name_field;  // Pascal string padded to an even size
    std::size_t at = pos + 6 + name_field;
    if (at + 4 > n) break;
    const std::size_t size = Be32(d + at);
    at += 4;
    if (size > n - at) break;
    const std::uint8_t* body = d + at;
    switch (id) {
      case 0x0404:
        InventoryIptcIim(body, size, where, f);
        break;
      case 0x0409:
      case 0x040C:
        AddFinding(f, "thumbnail", "Photoshop thumbnail (" + std::to_string(size) + " bytes)",
                   where);
        break;
      case 0x0422:
      case 0x0423:
        InventoryExif(body, size, where, f);
        break;
      case 0x0424:
        InventoryXmp(std::string_view(reinterpret_cast<const char*>(body), size), where, f);
        break;
      case 0x040F:
        AddFinding(f, "icc",
                   "ICC profile in Photoshop resources (" + std::to_string(size) + " bytes)",
                   where);
        break;
      default:
        ++others;
    }
    pos = at + size + (size & 1);
  }
  if (others > 0) {
    AddFinding(f, "other", "Photoshop resources: " + std::to_string(others) + " other blocks",
               where);
  }
}

}  // namespace pg
