#include "metadata/metadata_inventory.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "metadata/chunk_inventory.h"
#include "metadata/exif_inventory.h"
#include "metadata/exif_writer.h"
#include "metadata/jpeg_segments.h"
#include "metadata/synthetic_metadata.h"
#include "metadata/text_encoding.h"
#include "metadata/xmp_inventory.h"

namespace {

pg::Bytes Str(const std::string& s) { return pg::Bytes(s.begin(), s.end()); }

pg::Bytes Encode(const std::string& ext, int w, int h) {
  cv::Mat img(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 4, y * 4, 128);
  }
  std::vector<uchar> buf;
  cv::imencode(ext, img, buf);
  return pg::Bytes(buf.begin(), buf.end());
}

bool HasText(const pg::MetadataFacts& f, const std::string& field, const std::string& value) {
  for (const auto& t : f.texts) {
    if (t.field == field && t.value == value) return true;
  }
  return false;
}

/// True if some text (any field) contains `needle`.
bool AnyTextContains(const pg::MetadataFacts& f, const std::string& needle) {
  for (const auto& t : f.texts) {
    if (t.value.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::vector<pg::MetadataFinding> Findings(const pg::MetadataFacts& f, const std::string& kind) {
  std::vector<pg::MetadataFinding> out;
  for (const auto& x : f.found) {
    if (x.kind == kind) out.push_back(x);
  }
  return out;
}

bool HasFinding(const pg::MetadataFacts& f, const std::string& kind, const std::string& part) {
  for (const auto& x : Findings(f, kind)) {
    if (x.detail.find(part) != std::string::npos) return true;
  }
  return false;
}

/// The first "GPS position lat, lon" finding (from container `where`, if given), parsed.
bool GpsPosition(const pg::MetadataFacts& f, double* lat, double* lon,
                 const std::string& where = "") {
  for (const auto& x : Findings(f, "gps")) {
    if (!where.empty() && x.where != where) continue;
    if (std::sscanf(x.detail.c_str(), "GPS position %lf, %lf", lat, lon) == 2) return true;
  }
  return false;
}

const char* kXmp = R"(<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
    xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/">
   <dc:creator><rdf:Seq><rdf:li>José Núñez</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Spring concert</rdf:li></rdf:Alt></dc:description>
   <mwg-rs:Regions rdf:parseType="Resource">
    <mwg-rs:RegionList><rdf:Bag>
     <rdf:li><rdf:Description mwg-rs:Name="Ana Lima" mwg-rs:Type="Face">
      <mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="0.1" stArea:h="0.1"/>
     </rdf:Description></rdf:li>
     <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Ben Okafor</mwg-rs:Name></rdf:li>
    </rdf:Bag></mwg-rs:RegionList>
   </mwg-rs:Regions>
   <Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Chloé Martin</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>
   <exif:GPSLatitude>40,26.7670N</exif:GPSLatitude>
   <exif:GPSLongitude>79,58.9330W</exif:GPSLongitude>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>)";

pg::SyntheticExif Fields() {
  pg::SyntheticExif f;
  f.gps_lat = 37.422;
  f.gps_lon = -122.084;
  f.make = "Canon";
  f.model = "Canon EOS R6";
  f.body_serial = "012345678901";
  f.artist = "José Núñez";
  f.image_description = "Field day";
  f.copyright = "Lincoln Elementary";
  f.owner_name = "Ms. Ortega";
  f.software = "PhotoTool 2.1";
  f.date_time_original = "2026:05:01 10:00:00";
  f.xp_author = "José Núñez";
  f.user_comment = "Photo of Ana Lima";
  f.orientation = 6;
  f.thumbnail_jpeg = Encode(".jpg", 16, 16);
  return f;
}

/// A JPEG carrying every kind of metadata a phone, a camera and an editor leave behind.
pg::Bytes LoadedJpeg() {
  auto j = pg::InsertExifIntoJpeg(Encode(".jpg", 64, 48), Fields());
  REQUIRE(j.ok());
  pg::Bytes jpeg = *j;
  jpeg = pg::InsertJpegSegment(jpeg, pg::kJpegApp1, pg::MakeXmpApp1Payload(kXmp));
  auto with_icc = pg::InsertIccIntoJpeg(jpeg, pg::BuildPlaceholderIccProfile(70000));
  REQUIRE(with_icc.ok());
  jpeg = *with_icc;
  jpeg = pg::InsertJpegSegment(
      jpeg, pg::kJpegApp13,
      pg::BuildIptcApp13Payload(
          {{80, "Dana Reyes"}, {120, "Dana and friends"}, {25, "Eli Park"}, {25, "choir"}}));
  jpeg = pg::InsertJpegSegment(jpeg, 0xE9,
                               Str(std::string("Media Jukebox\0<MJMD>\r\n<People>Fay Wong</People>"
                                               "\r\n</MJMD>",
                                               56)));
  jpeg = pg::InsertJpegSegment(jpeg, pg::kJpegCom, Str("Taken by Mr. Smith"));
  pg::SyntheticExif trailer_exif;
  trailer_exif.artist = "Gus Trailer";
  auto trailer = pg::InsertExifIntoJpeg(Encode(".jpg", 16, 16), trailer_exif);
  REQUIRE(trailer.ok());
  return pg::AppendTrailer(jpeg, *trailer);
}

pg::ImageFormat Sniff(const pg::Bytes& b) {
  auto at = [&](std::size_t off, const char* magic, std::size_t n) {
    return b.size() >= off + n && std::memcmp(b.data() + off, magic, n) == 0;
  };
  if (at(0, "\xFF\xD8\xFF", 3)) return pg::ImageFormat::kJpeg;
  if (at(0, "\x89PNG\r\n\x1a\n", 8)) return pg::ImageFormat::kPng;
  if (at(0, "RIFF", 4) && at(8, "WEBP", 4)) return pg::ImageFormat::kWebp;
  if (at(0, "II*\0", 4) || at(0, "MM\0*", 4) || at(0, "II+\0", 4) || at(0, "MM\0+", 4)) {
    return pg::ImageFormat::kTiff;
  }
  if (at(0, "GIF87a", 6) || at(0, "GIF89a", 6)) return pg::ImageFormat::kGif;
  if (at(4, "ftyp", 4)) return pg::ImageFormat::kHeif;
  return pg::ImageFormat::kUnknown;
}

pg::Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return pg::Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Splits a CSV line, honouring double quotes.
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      out.emplace_back();
    else
      out.back().push_back(c);
  }
  return out;
}

}  // namespace

TEST_CASE("a photo's EXIF yields GPS coordinates, serial, owner, names and thumbnail",
          "[metadata]") {
  const pg::MetadataFacts f = pg::InspectMetadata(LoadedJpeg(), pg::ImageFormat::kJpeg);
  double lat = 0, lon = 0;
  REQUIRE(GpsPosition(f, &lat, &lon));
  CHECK(lat == Approx(37.422).margin(1e-4));
  CHECK(lon == Approx(-122.084).margin(1e-4));
  CHECK(HasFinding(f, "camera_serial", "012345678901"));
  CHECK(HasFinding(f, "camera", "Canon EOS R6"));
  CHECK(HasFinding(f, "owner", "Ms. Ortega"));
  CHECK(HasFinding(f, "artist", "José Núñez"));
  CHECK(HasFinding(f, "copyright", "Lincoln Elementary"));
  CHECK(HasFinding(f, "date", "2026:05:01 10:00:00"));
  CHECK(HasFinding(f, "software", "PhotoTool 2.1"));
  CHECK(HasFinding(f, "thumbnail", "EXIF thumbnail"));
  CHECK(f.exif_orientation == 6);

  CHECK(HasText(f, "exif:Artist", "José Núñez"));
  CHECK(HasText(f, "exif:XPAuthor", "José Núñez"));
  CHECK(HasText(f, "exif:UserComment", "Photo of Ana Lima"));
  CHECK(HasText(f, "exif:ImageDescription", "Field day"));
  CHECK(HasText(f, "exif:Copyright", "Lincoln Elementary"));
  CHECK(HasText(f, "exif:CameraOwnerName", "Ms. Ortega"));
}

TEST_CASE("XMP creators, face region names and people shown become texts", "[metadata]") {
  const pg::MetadataFacts f = pg::InspectMetadata(LoadedJpeg(), pg::ImageFormat::kJpeg);
  CHECK(HasFinding(f, "xmp", "XMP packet"));
  CHECK(HasText(f, "xmp:dc:creator", "José Núñez"));
  CHECK(HasText(f, "xmp:dc:description", "Spring concert"));
  CHECK(HasText(f, "xmp:mwg-rs:Name", "Ana Lima"));    // attribute form
  CHECK(HasText(f, "xmp:mwg-rs:Name", "Ben Okafor"));  // element form
  CHECK(HasText(f, "xmp:Iptc4xmpExt:PersonInImage", "Chloé Martin"));
  CHECK_FALSE(AnyTextContains(f, "0.5"));  // region geometry is not text
  // The XMP GPS position is reported too (second gps finding).
  CHECK(HasFinding(f, "gps", "GPS position 40.446117, -79.982217"));
}

TEST_CASE("IPTC, comments, unknown segments, ICC and the trailer are inventoried", "[metadata]") {
  const pg::MetadataFacts f = pg::InspectMetadata(LoadedJpeg(), pg::ImageFormat::kJpeg);
  CHECK(HasFinding(f, "iptc", "IPTC-IIM"));
  CHECK(HasText(f, "iptc:By-line", "Dana Reyes"));
  CHECK(HasText(f, "iptc:Caption-Abstract", "Dana and friends"));
  CHECK(HasText(f, "iptc:Keywords", "Eli Park"));
  CHECK(HasText(f, "iptc:Keywords", "choir"));
  CHECK(HasFinding(f, "comment", "Taken by Mr. Smith"));
  CHECK(HasText(f, "jpeg:COM", "Taken by Mr. Smith"));
  CHECK(HasFinding(f, "other", "APP9 Media Jukebox"));
  CHECK(AnyTextContains(f, "Fay Wong"));
  CHECK(HasFinding(f, "icc", "in 2 APP2 segments"));
  CHECK(HasFinding(f, "other", "bytes after end of image"));
  CHECK(HasText(f, "trailer:exif:Artist", "Gus Trailer"));
}

TEST_CASE("namespace prefixes are normalised, whatever the writer called them", "[metadata]") {
  const std::string xmp =
      R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">)"
      R"(<rdf:Description xmlns:elements="http://purl.org/dc/elements/1.1/" elements:title="Recital">)"
      R"(<elements:creator><rdf:Seq><rdf:li>Kim Lee</rdf:li></rdf:Seq></elements:creator>)"
      R"(</rdf:Description></rdf:RDF></x:xmpmeta>)";
  pg::MetadataFacts f;
  pg::InventoryXmp(xmp, "xmp", &f);
  CHECK(HasText(f, "xmp:dc:creator", "Kim Lee"));
  CHECK(HasText(f, "xmp:dc:title", "Recital"));
}

TEST_CASE("unreadable EXIF becomes a finding, not a failure", "[metadata]") {
  pg::Bytes jpeg = Encode(".jpg", 16, 16);
  pg::Bytes junk = Str(std::string("Exif\0\0", 6));
  for (int i = 0; i < 64; ++i) junk.push_back(static_cast<std::uint8_t>(i * 37));
  jpeg = pg::InsertJpegSegment(jpeg, pg::kJpegApp1, junk);
  const pg::MetadataFacts f = pg::InspectMetadata(jpeg, pg::ImageFormat::kJpeg);
  CHECK(HasFinding(f, "other", "EXIF block present but unreadable: "));
  CHECK(f.exif_orientation == 1);
}

TEST_CASE("malformed XMP is reported and its words still reach the names stage", "[metadata]") {
  pg::Bytes jpeg = Encode(".jpg", 16, 16);
  jpeg = pg::InsertJpegSegment(
      jpeg, pg::kJpegApp1,
      pg::MakeXmpApp1Payload("<x:xmpmeta><dc:creator>Hana Sato</dc:creator><broken"));
  const pg::MetadataFacts f = pg::InspectMetadata(jpeg, pg::ImageFormat::kJpeg);
  CHECK(HasFinding(f, "other", "XMP packet present but unreadable"));
  CHECK(AnyTextContains(f, "Hana Sato"));
}

TEST_CASE("deeply nested XMP is reported and its words still reach the names stage", "[metadata]") {
  std::string xml = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">";
  for (int i = 0; i < 100; ++i) xml += "<a:n" + std::to_string(i) + " xmlns:a=\"urn:a\">";
  xml += "Ivo Petrov";
  for (int i = 99; i >= 0; --i) xml += "</a:n" + std::to_string(i) + ">";
  xml += "</x:xmpmeta>";
  pg::MetadataFacts f;
  pg::InventoryXmp(xml, "xmp", &f);
  CHECK(HasFinding(f, "other", "nested too deeply"));
  CHECK(AnyTextContains(f, "Ivo Petrov"));
}

TEST_CASE("a truncated JPEG still yields the metadata before the damage", "[metadata]") {
  const pg::Bytes full = LoadedJpeg();
  // Half-way lands inside the 70 KB ICC profile, after EXIF and XMP.
  const pg::Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(full.size() / 2));
  const pg::MetadataFacts f = pg::InspectMetadata(cut, pg::ImageFormat::kJpeg);
  CHECK(HasText(f, "exif:Artist", "José Núñez"));
  CHECK(HasFinding(f, "other", "JPEG structure unreadable"));
}

TEST_CASE("PNG text chunks, XMP, eXIf and tIME are inventoried in UTF-8", "[metadata]") {
  pg::Bytes png = Encode(".png", 20, 10);
  pg::SyntheticExif exif;
  exif.gps_lat = -33.8568;
  exif.gps_lon = 151.2153;
  exif.orientation = 8;
  auto payload = pg::BuildExifApp1Payload(exif);
  REQUIRE(payload.ok());
  const pg::Bytes tiff(payload->begin() + 6, payload->end());  // eXIf holds bare TIFF
  struct Chunk {
    const char* type;
    pg::Bytes data;
    bool after_idat;
  };
  const std::vector<Chunk> chunks = {
      {"tEXt",
       pg::PngTextPayload("Author",
                          "Jos\xE9 N\xFA\xF1"
                          "ez"),
       false},  // Latin-1
      {"zTXt", pg::PngZtxtPayload("Comment", "Choir practice"), false},
      {"iTXt", pg::PngItxtPayload("Description", "Zoë and Ana", true), true},
      {"iTXt", pg::PngItxtPayload("XML:com.adobe.xmp", kXmp, false), false},
      {"eXIf", tiff, false},
      {"tIME", pg::Bytes{0x07, 0xEA, 5, 1, 10, 0, 0}, true},
      {"prVt", Str("owner=Ivy Chen"), false},
  };
  for (const Chunk& c : chunks) {
    auto next = pg::InsertPngChunk(png, c.type, c.data, c.after_idat);
    REQUIRE(next.ok());
    png = *next;
  }
  const pg::MetadataFacts f = pg::InspectMetadata(png, pg::ImageFormat::kPng);
  CHECK(HasText(f, "png:Author", "José Núñez"));
  CHECK(HasText(f, "png:Comment", "Choir practice"));
  CHECK(HasText(f, "png:Description", "Zoë and Ana"));
  CHECK(HasText(f, "xmp:mwg-rs:Name", "Ana Lima"));
  CHECK(HasFinding(f, "comment", "Choir practice"));
  CHECK(HasFinding(f, "date", "PNG tIME 2026-05-01 10:00:00"));
  CHECK(HasFinding(f, "other", "PNG chunk 'prVt'"));
  CHECK(AnyTextContains(f, "Ivy Chen"));
  double lat = 0, lon = 0;
  REQUIRE(GpsPosition(f, &lat, &lon, "png eXIf"));
  CHECK(lat == Approx(-33.8568).margin(1e-4));
  CHECK(lon == Approx(151.2153).margin(1e-4));
  CHECK(f.exif_orientation == 8);
}

TEST_CASE("WebP EXIF, XMP and ICC chunks are inventoried", "[metadata]") {
  pg::SyntheticExif exif;
  exif.artist = "Omar Haddad";
  exif.orientation = 3;
  auto payload = pg::BuildExifApp1Payload(exif);
  REQUIRE(payload.ok());
  auto webp = pg::AddWebpMetadata(Encode(".webp", 24, 16), *payload, kXmp,
                                  pg::BuildPlaceholderIccProfile(600));
  REQUIRE(webp.ok());
  const pg::MetadataFacts f = pg::InspectMetadata(*webp, pg::ImageFormat::kWebp);
  CHECK(HasText(f, "exif:Artist", "Omar Haddad"));
  CHECK(HasText(f, "xmp:Iptc4xmpExt:PersonInImage", "Chloé Martin"));
  CHECK(HasFinding(f, "icc", "600 bytes"));
  CHECK(f.exif_orientation == 3);
}

TEST_CASE("GIF comments are texts", "[metadata]") {
  // 1x1 GIF: header, screen descriptor with a 2-colour table, a comment, one image, trailer.
  const pg::Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 1,   0,    1,    0,    0x80, 0,
                         0,   0,   0,   0,   255, 255, 255, 0x21, 0xFE, 9,    'J',  'u',
                         'n', 'o', ' ', 'R', 'o', 's', 's', 0,    0x2C, 0,    0,    0,
                         0,   1,   0,   1,   0,   0,   2,   2,    0x44, 0x01, 0,    0x3B};
  const pg::MetadataFacts f = pg::InspectMetadata(gif, pg::ImageFormat::kGif);
  CHECK(HasText(f, "gif:Comment", "Juno Ross"));
  CHECK(HasFinding(f, "comment", "Juno Ross"));
  CHECK(Findings(f, "other").empty());
}

TEST_CASE("zlib bombs in PNG text chunks are inflated only up to a budget", "[metadata]") {
  pg::Bytes png = Encode(".png", 8, 8);
  const std::string zeros(17u << 20, '\0');  // each chunk inflates past the 16 MiB cap
  for (int i = 0; i < 6; ++i) {
    auto next =
        pg::InsertPngChunk(png, "zTXt", pg::PngZtxtPayload("Bomb" + std::to_string(i), zeros));
    REQUIRE(next.ok());
    png = *next;
  }
  REQUIRE(png.size() < 1000000);
  const pg::MetadataFacts f = pg::InspectMetadata(png, pg::ImageFormat::kPng);
  CHECK(HasFinding(f, "other", "zlib data inflates beyond"));
  CHECK(HasFinding(f, "other", "text budget is used up"));
  CHECK(f.texts.empty());
}

TEST_CASE("a flood of segments is summarised instead of listed without end", "[metadata]") {
  pg::Bytes jpeg = Encode(".jpg", 8, 8);
  for (int i = 0; i < 3000; ++i) {
    jpeg = pg::InsertJpegSegment(jpeg, pg::kJpegCom, Str("comment " + std::to_string(i)));
  }
  const pg::MetadataFacts f = pg::InspectMetadata(jpeg, pg::ImageFormat::kJpeg);
  CHECK(f.found.size() == pg::kMaxFindings + 1);
  CHECK(f.found.back().detail.find("the rest are not listed") != std::string::npos);
  CHECK(f.texts.size() == pg::kMaxTexts);
}

TEST_CASE("unknown formats and empty input give a finding, never an exception", "[metadata]") {
  CHECK(HasFinding(pg::InspectMetadata(Str("hello"), pg::ImageFormat::kUnknown), "other",
                   "unknown format"));
  for (auto fmt : {pg::ImageFormat::kJpeg, pg::ImageFormat::kPng, pg::ImageFormat::kWebp,
                   pg::ImageFormat::kHeif, pg::ImageFormat::kTiff, pg::ImageFormat::kGif}) {
    const pg::MetadataFacts f = pg::InspectMetadata(pg::Bytes{}, fmt);
    CHECK_FALSE(f.found.empty());
    CHECK(f.exif_orientation == 1);
  }
}

TEST_CASE("metadata text decoding handles Latin-1, UTF-16 and surrogates", "[metadata]") {
  const std::uint8_t latin1[] = {'N', 0xFA, 0xF1, 'e', 'z'};
  CHECK(pg::BytesToUtf8(latin1, sizeof(latin1)) == "Núñez");
  CHECK(pg::BytesToUtf8(std::string_view("Núñez")) == "Núñez");              // valid UTF-8 kept
  const std::uint8_t le[] = {'A', 0, 0x3D, 0xD8, 0x00, 0xDE, 0, 0, 'x', 0};  // A😀 then NUL
  CHECK(pg::Utf16ToUtf8(le, sizeof(le), true) == "A\xF0\x9F\x98\x80");
  const std::uint8_t bom_be[] = {0xFE, 0xFF, 0, 'h', 0, 'i'};
  CHECK(pg::Utf16ToUtf8(bom_be, sizeof(bom_be), true) == "hi");
  CHECK_FALSE(pg::IsValidUtf8("\xC0\xAF"));      // overlong '/'
  CHECK_FALSE(pg::IsValidUtf8("\xED\xA0\x80"));  // surrogate
  static const char kBlob[] = "\x01\x02<People>Fay Wong</People>\x00\xFFok";
  const std::string blob(kBlob, sizeof(kBlob) - 1);
  CHECK(pg::PrintableText(reinterpret_cast<const std::uint8_t*>(blob.data()), blob.size()) ==
        "Fay Wong");
  CHECK(pg::Abbreviate("ééé", 3) == "é...");
}

TEST_CASE("XMP GPS coordinates parse in degree-minute forms", "[metadata]") {
  CHECK(*pg::ParseXmpGpsCoordinate("37,25.32N") == Approx(37.422));
  CHECK(*pg::ParseXmpGpsCoordinate("122,5,2.4W") == Approx(-122.084));
  CHECK(*pg::ParseXmpGpsCoordinate("-33.5") == Approx(-33.5));
  CHECK_FALSE(pg::ParseXmpGpsCoordinate("north").has_value());
  CHECK_FALSE(pg::ParseXmpGpsCoordinate("").has_value());
}

TEST_CASE("ImageMagick raw profiles decode from their hex form", "[metadata]") {
  CHECK(pg::DecodeRawProfile("\nexif\n       4\n45786966\n") == Str("Exif"));
  CHECK(pg::DecodeRawProfile("\nexif\n       8\n4578\n") == pg::Bytes{});  // short
  CHECK(pg::DecodeRawProfile("garbage") == pg::Bytes{});
}

TEST_CASE("testdata: GPS and people's names listed in the index are found",
          "[metadata][testdata]") {
  const std::string root = std::string(PG_TESTDATA_DIR) + "/metadata/";
  std::ifstream index(root + "INDEX.csv");
  REQUIRE(index.good());
  std::string line;
  std::getline(index, line);  // header
  int checked = 0;
  while (std::getline(index, line)) {
    const auto cols = SplitCsv(line);
    if (cols.size() < 6) continue;
    const std::string& type = cols[1];
    if (type != "JPEG" && type != "PNG" && type != "Extended WEBP") continue;
    const pg::Bytes data = ReadFile(root + cols[0]);
    REQUIRE(!data.empty());
    const pg::MetadataFacts f = pg::InspectMetadata(data, Sniff(data));
    INFO(cols[0]);
    if (cols[4].find("GPS") != std::string::npos) CHECK_FALSE(Findings(f, "gps").empty());
    std::stringstream names(cols[5]);
    std::string name;
    while (std::getline(names, name, ';')) {
      name = pg::TrimText(name);
      if (name.empty()) continue;
      INFO(name);
      CHECK(AnyTextContains(f, name));
    }
    ++checked;
  }
  CHECK(checked > 40);
}

TEST_CASE("testdata: HEIF EXIF gives the iPhone's position and orientation",
          "[metadata][testdata]") {
  const pg::Bytes heic =
      ReadFile(std::string(PG_TESTDATA_DIR) + "/metadata/exiv2/2021-02-13-1929.heic");
  REQUIRE(!heic.empty());
  const pg::MetadataFacts f = pg::InspectMetadata(heic, pg::ImageFormat::kHeif);
  double lat = 0, lon = 0;
  REQUIRE(GpsPosition(f, &lat, &lon));
  CHECK(lat == Approx(30.580367).margin(1e-4));
  CHECK(lon == Approx(-88.073906).margin(1e-4));
  CHECK(HasFinding(f, "camera", "iPhone XR"));
  CHECK(HasFinding(f, "thumbnail", "HEIF thumbnail"));
  CHECK(HasFinding(f, "icc", "ICC profile"));
  CHECK(f.exif_orientation == 6);
}

TEST_CASE("testdata: TIFF tags are read from the first directory", "[metadata][testdata]") {
  const pg::Bytes tiff = ReadFile(std::string(PG_TESTDATA_DIR) + "/metadata/exiftool/ExifTool.tif");
  REQUIRE(!tiff.empty());
  const pg::MetadataFacts f = pg::InspectMetadata(tiff, pg::ImageFormat::kTiff);
  CHECK(HasText(f, "exif:ImageDescription", "The picture caption"));
  CHECK(HasFinding(f, "iptc", "IPTC-IIM"));
  CHECK(HasFinding(f, "icc", "ICC profile"));
  CHECK(HasFinding(f, "other", "only the first image directory"));
}
