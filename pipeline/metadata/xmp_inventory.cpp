#include "metadata/xmp_inventory.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <pugixml.hpp>
#include <set>
#include <vector>

#include "metadata/exif_inventory.h"
#include "metadata/text_encoding.h"

namespace pg {
namespace {

constexpr int kMaxDepth = 64;  // real XMP nests < 20 levels
constexpr const char* kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// Canonical prefixes, so field names do not depend on the prefixes a writer chose.
const std::map<std::string, std::string>& KnownNamespaces() {
  static const std::map<std::string, std::string> k = {
      {"http://purl.org/dc/elements/1.1/", "dc"},
      {"http://www.metadataworkinggroup.com/schemas/regions/", "mwg-rs"},
      {"http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "Iptc4xmpExt"},
      {"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/", "Iptc4xmpCore"},
      {"http://ns.adobe.com/photoshop/1.0/", "photoshop"},
      {"http://ns.adobe.com/xap/1.0/", "xmp"},
      {"http://ns.adobe.com/xap/1.0/rights/", "xmpRights"},
      {"http://ns.adobe.com/xap/1.0/mm/", "xmpMM"},
      {"http://ns.adobe.com/exif/1.0/", "exif"},
      {"http://cipa.jp/exif/1.0/", "exifEX"},
      {"http://ns.adobe.com/tiff/1.0/", "tiff"},
      {"http://ns.adobe.com/exif/1.0/aux/", "aux"},
      {"http://ns.adobe.com/camera-raw-settings/1.0/", "crs"},
      {"http://ns.adobe.com/xap/1.0/sType/ResourceEvent#", "stEvt"},
      {"http://ns.adobe.com/xap/1.0/sType/ResourceRef#", "stRef"},
      {"http://ns.adobe.com/xap/1.0/sType/Dimensions#", "stDim"},
      {"http://ns.adobe.com/xmp/sType/Area#", "stArea"},
      {"http://ns.adobe.com/xmp/note/", "xmpNote"},
      {"http://ns.microsoft.com/photo/1.2/t/Region#", "MPReg"},
      {"http://ns.microsoft.com/photo/1.2/t/RegionInfo#", "MPRI"},
      {"http://ns.microsoft.com/photo/1.2/", "MP"},
      {"http://ns.microsoft.com/photo/1.0/", "MicrosoftPhoto"},
      {"http://ns.adobe.com/lightroom/1.0/", "lr"},
      {"http://www.digikam.org/ns/1.0/", "digiKam"},
      {"http://ns.useplus.org/ldf/xmp/1.0/", "plus"},
      {"http://ns.camerabits.com/photomechanic/1.0/", "photomechanic"},
      {"adobe:ns:meta/", "x"},
  };
  return k;
}

/// Namespaces whose values are technical (settings, history, geometry): not texts.
bool IsTechnical(const std::string& prefix, const std::string& local) {
  static const std::set<std::string> kSkip = {"x",       "xmpMM",  "stEvt",        "stRef",
                                              "stDim",   "stArea", "crs",          "tiff",
                                              "xmpNote", "aux",    "photomechanic"};
  if (kSkip.count(prefix) != 0) return true;
  if (prefix == "xmp") return local != "Label" && local != "Nickname";
  if (prefix == "exif" || prefix == "exifEX") {
    return local != "UserComment" && local != "CameraOwnerName";
  }
  return false;
}

struct Property {
  std::string prefix, local;
  std::vector<std::string> values;
};

class Walker {
 public:
  std::vector<Property> props;
  bool too_deep = false;  ///< some elements were nested beyond kMaxDepth and not read

  void Walk(const pugi::xml_node& node, std::map<std::string, std::string> ns,
            const std::string& prop_key, int depth) {
    if (depth > kMaxDepth) {
      too_deep = true;
      return;
    }
    for (const pugi::xml_attribute& a : node.attributes()) {
      const std::string name = a.name();
      if (name.rfind("xmlns:", 0) == 0) ns[name.substr(6)] = a.value();
      if (name == "xmlns") ns[""] = a.value();
    }
    std::string key = prop_key;
    const auto [uri, local] = Resolve(node.name(), ns);
    if (uri != kRdf && !local.empty()) key = Register(uri, local, ns, node.name());
    // Attributes of any element are simple properties (rdf:Description shorthand).
    for (const pugi::xml_attribute& a : node.attributes()) {
      const std::string name = a.name();
      if (name.find(':') == std::string::npos) continue;  // old-style rdf "about", "ID"
      if (name.rfind("xmlns:", 0) == 0 || name.rfind("xml:", 0) == 0) continue;
      const auto [auri, alocal] = Resolve(name, ns);
      if (auri == kRdf || alocal.empty()) continue;
      Add(Register(auri, alocal, ns, name), a.value());
    }
    for (const pugi::xml_node& child : node.children()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        if (!key.empty()) Add(key, child.value());
      } else if (child.type() == pugi::node_element) {
        Walk(child, ns, key, depth + 1);
      }
    }
  }

 private:
  std::map<std::string, std::size_t> index_;

  static std::pair<std::string, std::string> Resolve(const std::string& qname,
                                                     const std::map<std::string, std::string>& ns) {
    const auto colon = qname.find(':');
    const std::string prefix = colon == std::string::npos ? "" : qname.substr(0, colon);
    const std::string local = colon == std::string::npos ? qname : qname.substr(colon + 1);
    const auto it = ns.find(prefix);
    return {it != ns.end() ? it->second : prefix, local};
  }

  std::string Register(const std::string& uri, const std::string& local,
                       const std::map<std::string, std::string>&, const std::string& qname) {
    const auto& known = KnownNamespaces();
    const auto it = known.find(uri);
    std::string prefix = it != known.end() ? it->second : "";
    if (prefix.empty()) {
      const auto colon = qname.find(':');
      prefix = colon == std::string::npos ? "ns" : qname.substr(0, colon);
    }
    const std::string key = prefix + ":" + local;
    if (index_.emplace(key, props.size()).second) props.push_back({prefix, local, {}});
    return key;
  }

  void Add(const std::string& key, const std::string& raw) {
    const std::string v = TrimText(BytesToUtf8(raw));
    if (v.empty()) return;
    auto& values = props[index_.at(key)].values;
    for (const auto& existing : values) {
      if (existing == v) return;
    }
    values.push_back(v);
  }
};

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
  return out;
}

const std::vector<std::string>* Values(const std::vector<Property>& props, const char* prefix,
                                       const char* local) {
  for (const auto& p : props) {
    if (p.prefix == prefix && p.local == local && !p.values.empty()) return &p.values;
  }
  return nullptr;
}

}  // namespace

std::optional<double> ParseXmpGpsCoordinate(std::string_view text) {
  std::string s = TrimText(std::string(text));
  if (s.empty()) return std::nullopt;
  double sign = 1.0;
  const char dir = s.back();
  if (dir == 'N' || dir == 'S' || dir == 'E' || dir == 'W') {
    if (dir == 'S' || dir == 'W') sign = -1.0;
    s.pop_back();
  }
  double value = 0.0, scale = 1.0;
  std::size_t start = 0;
  for (int part = 0; part < 3 && start <= s.size(); ++part) {
    const auto comma = s.find(',', start);
    const std::string piece = s.substr(start, comma == std::string::npos ? comma : comma - start);
    char* end = nullptr;
    const double d = std::strtod(piece.c_str(), &end);
    if (piece.empty() || end == piece.c_str() || *end != '\0') return std::nullopt;
    value += (part == 0 ? d : std::fabs(d)) / scale;
    scale *= 60.0;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (!std::isfinite(value)) return std::nullopt;
  return sign * value;
}

void InventoryXmp(std::string_view xml, const std::string& where, MetadataFacts* f) {
  std::string converted;
  const auto* raw = reinterpret_cast<const std::uint8_t*>(xml.data());
  if (xml.size() >= 2 && (raw[0] == 0 || raw[1] == 0 || (raw[0] == 0xFE && raw[1] == 0xFF) ||
                          (raw[0] == 0xFF && raw[1] == 0xFE))) {
    // XMP may be UTF-16 (ExifTool writes UTF-16BE with a BOM); a BOM overrides the guess.
    converted = Utf16ToUtf8(raw, xml.size(), /*little_endian=*/raw[1] == 0);
    xml = converted;
  }
  const auto first = xml.find('<');
  const auto last = xml.rfind('>');
  if (first == std::string_view::npos || last == std::string_view::npos || last < first) {
    AddFinding(f, "other", "XMP packet present but unreadable: no XML in it", where);
    return;
  }
  const std::string_view body = xml.substr(first, last - first + 1);
  AddFinding(f, "xmp", "XMP packet (" + std::to_string(xml.size()) + " bytes)", where);
  pugi::xml_document doc;
  const pugi::xml_parse_result r =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) {
    AddFinding(f, "other",
               std::string("XMP packet present but unreadable: ") + r.description() +
                   " at offset " + std::to_string(r.offset),
               where);
    AddText(f, "xmp:unparsed",
            PrintableText(reinterpret_cast<const std::uint8_t*>(body.data()), body.size(), 2));
    return;
  }
  Walker w;
  w.Walk(doc, {}, "", 0);
  if (w.too_deep) {
    AddFinding(f, "other", "XMP packet nested too deeply to read completely", where);
    AddText(f, "xmp:unparsed",
            PrintableText(reinterpret_cast<const std::uint8_t*>(body.data()), body.size(), 2));
  }

  for (const Property& p : w.props) {
    if (p.values.empty() || IsTechnical(p.prefix, p.local)) continue;
    for (const auto& v : p.values) AddText(f, "xmp:" + p.prefix + ":" + p.local, v);
  }
  struct Rule {
    const char* prefix;
    const char* local;
    const char* kind;
  };
  static const Rule kRules[] = {
      {"dc", "creator", "artist"},
      {"dc", "rights", "copyright"},
      {"photoshop", "Credit", "artist"},
      {"xmpRights", "Owner", "copyright"},
      {"dc", "title", "text"},
      {"dc", "description", "text"},
      {"mwg-rs", "Name", "text"},
      {"MPReg", "PersonDisplayName", "text"},
      {"Iptc4xmpExt", "PersonInImage", "text"},
      {"Iptc4xmpExt", "PersonName", "text"},
      {"aux", "SerialNumber", "camera_serial"},
      {"aux", "LensSerialNumber", "camera_serial"},
      {"exifEX", "BodySerialNumber", "camera_serial"},
      {"exifEX", "LensSerialNumber", "camera_serial"},
      {"aux", "OwnerName", "owner"},
      {"exifEX", "CameraOwnerName", "owner"},
      {"xmp", "CreatorTool", "software"},
      {"xmp", "CreateDate", "date"},
      {"photoshop", "DateCreated", "date"},
      {"exif", "DateTimeOriginal", "date"},
  };
  for (const Rule& rule : kRules) {
    if (const auto* v = Values(w.props, rule.prefix, rule.local)) {
      AddFinding(f, rule.kind,
                 std::string(rule.prefix) + ":" + rule.local + ": " + Abbreviate(Join(*v)), where);
    }
  }
  const auto* lat = Values(w.props, "exif", "GPSLatitude");
  const auto* lon = Values(w.props, "exif", "GPSLongitude");
  if (lat != nullptr || lon != nullptr) {
    const auto la = lat ? ParseXmpGpsCoordinate(lat->front()) : std::nullopt;
    const auto lo = lon ? ParseXmpGpsCoordinate(lon->front()) : std::nullopt;
    AddFinding(f, "gps",
               la && lo ? FormatGpsDetail(*la, *lo)
                        : std::string("GPS data present (no readable position)"),
               where);
  }
}

}  // namespace pg
