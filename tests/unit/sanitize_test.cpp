#include "metadata/sanitize.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "decode/decode.h"
#include "decode/format_sniff.h"
#include "metadata/exif_writer.h"
#include "metadata/frames.h"
#include "metadata/icc_profile.h"
#include "metadata/jpeg_segments.h"
#include "metadata/metadata_inventory.h"
#include "metadata/png_chunks.h"
#include "metadata/reencode.h"
#include "metadata/synthetic_animation.h"
#include "metadata/synthetic_metadata.h"
#include "metadata/verify.h"
#include "metadata/webp_chunks.h"
#include "skip.h"

namespace fs = std::filesystem;

namespace {

pg::Bytes Str(const std::string& s) { return pg::Bytes(s.begin(), s.end()); }

cv::Mat Picture(int w, int h) {
  cv::Mat img(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      img.at<cv::Vec3b>(y, x) = cv::Vec3b((x * 255) / w, (y * 255) / h, ((x + y) * 4) & 0xFF);
    }
  }
  cv::circle(img, {w / 3, h / 3}, std::max(2, std::min(w, h) / 5), cv::Scalar(20, 240, 30), -1);
  return img;
}

pg::Bytes Encode(const std::string& ext, const cv::Mat& img) {
  std::vector<uchar> buf;
  cv::imencode(ext, img, buf);
  return pg::Bytes(buf.begin(), buf.end());
}

cv::Mat Decode(const pg::Bytes& b) {
  return cv::imdecode(b, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
}

/// EXIF orientation applied to pixels (TIFF semantics), independent of the code under test.
cv::Mat Orient(const cv::Mat& m, int o) {
  cv::Mat out;
  switch (o) {
    case 2:
      cv::flip(m, out, 1);
      break;
    case 3:
      cv::rotate(m, out, cv::ROTATE_180);
      break;
    case 4:
      cv::flip(m, out, 0);
      break;
    case 5:
      cv::transpose(m, out);
      break;
    case 6:
      cv::rotate(m, out, cv::ROTATE_90_CLOCKWISE);
      break;
    case 7:
      cv::transpose(m, out);
      cv::flip(out, out, -1);
      break;
    case 8:
      cv::rotate(m, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      break;
    default:
      out = m.clone();
  }
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<std::string> SegmentNames(const pg::Bytes& jpeg) {
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(jpeg, &s).ok());
  std::vector<std::string> names;
  for (const auto& seg : s.segments) names.push_back(pg::JpegSegmentName(jpeg, seg));
  return names;
}

/// Bytes from the first SOS marker through EOI: the compressed image itself.
pg::Bytes ScanData(const pg::Bytes& jpeg) {
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(jpeg, &s).ok());
  for (const auto& seg : s.segments) {
    if (seg.marker == pg::kJpegSos) {
      return pg::Bytes(jpeg.begin() + static_cast<std::ptrdiff_t>(seg.offset),
                       jpeg.begin() + static_cast<std::ptrdiff_t>(s.eoi_offset + 2));
    }
  }
  FAIL("no SOS");
  return {};
}

pg::Bytes PngChunkData(const pg::Bytes& png, const std::string& type) {
  pg::PngStructure s;
  REQUIRE(pg::ParsePng(png, &s).ok());
  pg::Bytes out;
  for (const auto& c : s.chunks) {
    if (c.type == type) {
      out.insert(out.end(), png.begin() + static_cast<std::ptrdiff_t>(c.data_offset),
                 png.begin() + static_cast<std::ptrdiff_t>(c.data_offset + c.data_size));
    }
  }
  return out;
}

std::vector<std::string> PngChunkTypes(const pg::Bytes& png) {
  pg::PngStructure s;
  REQUIRE(pg::ParsePng(png, &s).ok());
  std::vector<std::string> out;
  for (const auto& c : s.chunks) out.push_back(c.type);
  return out;
}

pg::Bytes IccpPayload(const pg::Bytes& icc) {
  pg::Bytes p = Str(std::string("ICC\0\0", 5));
  const pg::Bytes z = pg::Deflate(icc);
  p.insert(p.end(), z.begin(), z.end());
  return p;
}

const char* kXmp =
    R"(<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">)"
    R"(<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq>)"
    R"(<rdf:li>José Núñez</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>)";

pg::SyntheticExif Exif(int orientation) {
  pg::SyntheticExif f;
  f.gps_lat = 37.422;
  f.gps_lon = -122.084;
  f.body_serial = "SN-4711";
  f.artist = "José Núñez";
  f.xp_author = "José Núñez";
  f.orientation = orientation;
  f.thumbnail_jpeg = Encode(".jpg", Picture(16, 16));
  return f;
}

/// A JPEG with EXIF, XMP, a 2-chunk ICC profile, IPTC, a comment, an unknown APP9 and a trailer.
pg::Bytes LoadedJpeg(const cv::Mat& img, int orientation, const pg::Bytes& icc) {
  auto j = pg::InsertExifIntoJpeg(Encode(".jpg", img), Exif(orientation));
  REQUIRE(j.ok());
  pg::Bytes jpeg = pg::InsertJpegSegment(*j, pg::kJpegApp1, pg::MakeXmpApp1Payload(kXmp));
  auto with_icc = pg::InsertIccIntoJpeg(jpeg, icc);
  REQUIRE(with_icc.ok());
  jpeg = pg::InsertJpegSegment(*with_icc, pg::kJpegApp13,
                               pg::BuildIptcApp13Payload({{80, "Dana Reyes"}}));
  jpeg = pg::InsertJpegSegment(jpeg, 0xE9, Str(std::string("Media Jukebox\0Fay Wong", 22)));
  jpeg = pg::InsertJpegSegment(jpeg, pg::kJpegCom, Str("Taken by Mr. Smith"));
  return pg::AppendTrailer(jpeg, pg::Bytes(1234, 0x5A));
}

pg::Bytes ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return pg::Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& path, const pg::Bytes& b) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

bool HaveExiftool() { return std::system("command -v exiftool >/dev/null 2>&1") == 0; }

std::string Run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

/// Metadata groups exiftool must not find in a published file (family-0 group prefixes).
void CheckExiftoolFindsNoMetadata(const std::string& json) {
  for (const char* group : {"\"EXIF:", "\"XMP:", "\"IPTC:", "\"Photoshop:", "\"MakerNotes:",
                            "\"APP9:", "\"APP12:", "\"FlashPix:", "\"MPF:"}) {
    INFO(group);
    CHECK_THAT(json, !Catch::Contains(group));
  }
  CHECK_THAT(json, !Catch::Contains("GPS"));
  CHECK_THAT(json, !Catch::Contains("\"File:Comment"));
  CHECK_THAT(json, !Catch::Contains("Trailer"));
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("pg_sanitize_" + std::to_string(::getpid()) + "_" + std::to_string(std::rand()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("stripping a JPEG keeps its compressed image byte for byte and drops all metadata",
          "[metadata]") {
  const cv::Mat img = Picture(64, 48);
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(70000);
  const pg::Bytes original = LoadedJpeg(img, 0, icc);
  std::vector<std::string> removed;
  auto out = pg::Sanitize(original, pg::ImageFormat::kJpeg, 1, cv::Mat(), &removed);
  REQUIRE(out.ok());
  CHECK(out->format == pg::ImageFormat::kJpeg);
  CHECK(out->extension == ".jpg");
  CHECK_FALSE(out->reencoded);
  CHECK_FALSE(out->verified);

  CHECK(ScanData(out->bytes) == ScanData(original));
  CHECK(cv::norm(Decode(out->bytes), Decode(original), cv::NORM_INF) == 0);
  CHECK(pg::ExtractIcc(out->bytes, pg::ImageFormat::kJpeg) == icc);

  for (const std::string& name : SegmentNames(out->bytes)) {
    INFO(name);
    CHECK((name.rfind("APP", 0) != 0 || name == "APP0 JFIF" || name == "APP2 ICC_PROFILE"));
    CHECK(name != "COM");
  }
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(out->bytes, &s).ok());
  CHECK(s.trailer_size == 0);

  for (const char* what : {"APP1 Exif", "APP1 XMP", "APP13 Photoshop/IPTC", "APP9 Media Jukebox",
                           "COM", "trailer after EOI (1234 bytes)"}) {
    INFO(what);
    CHECK(Contains(removed, what));
  }
  CHECK_FALSE(Contains(removed, "APP2 ICC_PROFILE"));
  CHECK(pg::VerifySanitized(*out, 64, 48, icc).ok());

  // The inventory of the output finds nothing but the ICC profile.
  const pg::MetadataFacts after = pg::InspectMetadata(out->bytes, pg::ImageFormat::kJpeg);
  REQUIRE(after.found.size() == 1);
  CHECK(after.found[0].kind == "icc");
  CHECK(after.texts.empty());
}

TEST_CASE("a thumbnail inside the JFIF header is removed, the header kept", "[metadata]") {
  const pg::Bytes plain = Encode(".jpg", Picture(32, 32));
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(plain, &s).ok());
  const pg::JpegSegment& app0 = s.segments[1];
  REQUIRE(app0.marker == pg::kJpegApp0);
  REQUIRE(app0.payload_size == 14);
  // Same JFIF header announcing a 2x2 RGB thumbnail, followed by its 12 bytes.
  pg::Bytes payload(plain.begin() + static_cast<std::ptrdiff_t>(app0.payload_offset),
                    plain.begin() + static_cast<std::ptrdiff_t>(app0.payload_offset + 14));
  payload[12] = 2;
  payload[13] = 2;
  payload.insert(payload.end(), 12, 0x80);
  pg::Bytes jpeg(plain.begin(), plain.begin() + 2);
  const pg::Bytes seg = pg::MakeJpegSegment(pg::kJpegApp0, payload);
  jpeg.insert(jpeg.end(), seg.begin(), seg.end());
  jpeg.insert(jpeg.end(), plain.begin() + static_cast<std::ptrdiff_t>(app0.offset + app0.size),
              plain.end());
  CHECK_FALSE(
      pg::VerifySanitized(pg::SanitizedOutput{jpeg, pg::ImageFormat::kJpeg, ".jpg"}, 32, 32, {})
          .ok());

  std::vector<std::string> removed;
  auto out = pg::Sanitize(jpeg, pg::ImageFormat::kJpeg, 1, cv::Mat(), &removed);
  REQUIRE(out.ok());
  CHECK(removed == std::vector<std::string>{"APP0 JFIF thumbnail"});
  CHECK(out->bytes == plain);  // exactly the encoder's file again
  CHECK(pg::VerifySanitized(*out, 32, 32, {}).ok());
}

TEST_CASE("orientation 6 on an MCU-aligned JPEG is baked in losslessly", "[metadata]") {
  const cv::Mat img = Picture(64, 48);
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(3000);
  const pg::Bytes original = LoadedJpeg(img, 6, icc);
  const cv::Mat expected = Orient(Decode(original), 6);
  std::vector<std::string> removed;
  auto out = pg::Sanitize(original, pg::ImageFormat::kJpeg, 6, expected, &removed);
  REQUIRE(out.ok());
  CHECK_FALSE(out->reencoded);
  const cv::Mat got = Decode(out->bytes);
  REQUIRE(got.cols == 48);
  REQUIRE(got.rows == 64);
  // Rotating DCT blocks equals rotating pixels up to IDCT rounding.
  CHECK(cv::norm(got, expected, cv::NORM_INF) <= 4);
  CHECK(pg::ExtractIcc(out->bytes, pg::ImageFormat::kJpeg) == icc);
  CHECK(Contains(removed, "APP1 Exif"));
  const pg::MetadataFacts after = pg::InspectMetadata(out->bytes, pg::ImageFormat::kJpeg);
  CHECK(after.exif_orientation == 1);  // no tag left to rotate it a second time
  CHECK(pg::VerifySanitized(*out, 48, 64, icc).ok());
}

TEST_CASE("every orientation is applied, losslessly when the size allows", "[metadata]") {
  const cv::Mat img = Picture(32, 16);
  for (int o = 2; o <= 8; ++o) {
    INFO("orientation " << o);
    auto j = pg::InsertExifIntoJpeg(Encode(".jpg", img), Exif(o));
    REQUIRE(j.ok());
    const cv::Mat expected = Orient(Decode(*j), o);
    auto out = pg::Sanitize(*j, pg::ImageFormat::kJpeg, o, expected, nullptr);
    REQUIRE(out.ok());
    CHECK_FALSE(out->reencoded);
    const cv::Mat got = Decode(out->bytes);
    REQUIRE(got.size() == expected.size());
    CHECK(cv::norm(got, expected, cv::NORM_INF) <= 4);
  }
}

TEST_CASE("an odd-sized rotated JPEG is re-encoded from the decoded pixels", "[metadata]") {
  const cv::Mat img = Picture(17, 13);
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(500);
  const pg::Bytes original = LoadedJpeg(img, 6, icc);
  const cv::Mat oriented = Orient(Decode(original), 6);
  std::vector<std::string> removed;
  auto out = pg::Sanitize(original, pg::ImageFormat::kJpeg, 6, oriented, &removed);
  REQUIRE(out.ok());
  CHECK(out->reencoded);
  CHECK(out->format == pg::ImageFormat::kJpeg);
  const cv::Mat got = Decode(out->bytes);
  REQUIRE(got.cols == 13);
  REQUIRE(got.rows == 17);
  CHECK(cv::PSNR(got, oriented) > 30.0);
  CHECK(pg::ExtractIcc(out->bytes, pg::ImageFormat::kJpeg) == icc);
  CHECK(Contains(removed, "APP1 Exif"));
  CHECK(pg::VerifySanitized(*out, 13, 17, icc).ok());

  auto without_pixels = pg::Sanitize(original, pg::ImageFormat::kJpeg, 6, cv::Mat(), nullptr);
  CHECK_FALSE(without_pixels.ok());
}

TEST_CASE("stripping a PNG drops text, eXIf and tIME and keeps IDAT byte for byte", "[metadata]") {
  const cv::Mat img = Picture(40, 30);
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(900);
  pg::Bytes png = Encode(".png", img);
  auto exif = pg::BuildExifApp1Payload(Exif(1));
  REQUIRE(exif.ok());
  const std::vector<std::tuple<const char*, pg::Bytes, bool>> chunks = {
      {"iCCP", IccpPayload(icc), false},
      {"tEXt", pg::PngTextPayload("Author", "Dana Reyes"), false},
      {"zTXt", pg::PngZtxtPayload("Comment", "Choir"), false},
      {"iTXt", pg::PngItxtPayload("XML:com.adobe.xmp", kXmp, false), false},
      {"eXIf", pg::Bytes(exif->begin() + 6, exif->end()), false},
      {"tIME", pg::Bytes{0x07, 0xEA, 5, 1, 10, 0, 0}, true},
      {"prVt", Str("private"), true},
  };
  for (const auto& [type, data, after] : chunks) {
    auto next = pg::InsertPngChunk(png, type, data, after);
    REQUIRE(next.ok());
    png = *next;
  }
  png = pg::AppendTrailer(png, Str("after the end"));
  std::vector<std::string> removed;
  auto out = pg::Sanitize(png, pg::ImageFormat::kPng, 1, cv::Mat(), &removed);
  REQUIRE(out.ok());
  CHECK_FALSE(out->reencoded);
  CHECK(out->extension == ".png");
  CHECK(PngChunkData(out->bytes, "IDAT") == PngChunkData(png, "IDAT"));
  CHECK(PngChunkTypes(out->bytes) == std::vector<std::string>{"IHDR", "iCCP", "IDAT", "IEND"});
  for (const char* what : {"PNG tEXt", "PNG zTXt", "PNG iTXt", "PNG eXIf", "PNG tIME", "PNG prVt",
                           "trailer after IEND (13 bytes)"}) {
    INFO(what);
    CHECK(Contains(removed, what));
  }
  CHECK(cv::norm(Decode(out->bytes), img, cv::NORM_INF) == 0);
  CHECK(pg::ExtractIcc(out->bytes, pg::ImageFormat::kPng) == icc);
  CHECK(pg::VerifySanitized(*out, 40, 30, icc).ok());
}

TEST_CASE("a PNG with eXIf orientation is re-encoded losslessly the right way up", "[metadata]") {
  const cv::Mat img = Picture(21, 11);
  auto exif = pg::BuildExifApp1Payload(Exif(6));
  REQUIRE(exif.ok());
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(700);
  auto png =
      pg::InsertPngChunk(Encode(".png", img), "eXIf", pg::Bytes(exif->begin() + 6, exif->end()));
  REQUIRE(png.ok());
  png = pg::InsertPngChunk(*png, "iCCP", IccpPayload(icc));
  REQUIRE(png.ok());
  const cv::Mat oriented = Orient(img, 6);
  std::vector<std::string> removed;
  auto out = pg::Sanitize(*png, pg::ImageFormat::kPng, 6, oriented, &removed);
  REQUIRE(out.ok());
  CHECK(out->reencoded);
  CHECK(Contains(removed, "PNG eXIf"));
  CHECK(cv::norm(Decode(out->bytes), oriented, cv::NORM_INF) == 0);
  CHECK(pg::ExtractIcc(out->bytes, pg::ImageFormat::kPng) == icc);
  CHECK(pg::VerifySanitized(*out, 11, 21, icc).ok());
}

TEST_CASE("a turned PNG keeps its gAMA, cHRM and pHYs chunks byte for byte", "[metadata]") {
  const cv::Mat img = Picture(21, 11);
  auto exif = pg::BuildExifApp1Payload(Exif(6));
  REQUIRE(exif.ok());
  const pg::Bytes gama = {0x00, 0x00, 0xB1, 0x8F};                      // 1/2.2
  const pg::Bytes phys = {0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1};       // 72 dpi
  pg::Bytes chrm(32);
  for (size_t i = 0; i < chrm.size(); ++i) chrm[i] = static_cast<std::uint8_t>(i * 7);
  auto png = pg::InsertPngChunk(Encode(".png", img), "eXIf", pg::Bytes(exif->begin() + 6, exif->end()));
  REQUIRE(png.ok());
  for (const auto& [type, data] : {std::pair<const char*, pg::Bytes>{"gAMA", gama}, {"cHRM", chrm}, {"pHYs", phys}}) {
    png = pg::InsertPngChunk(*png, type, data);
    REQUIRE(png.ok());
  }
  auto out = pg::Sanitize(*png, pg::ImageFormat::kPng, 6, Orient(img, 6), nullptr);
  REQUIRE(out.ok());
  CHECK(out->reencoded);
  pg::PngStructure s;
  REQUIRE(pg::ParsePng(out->bytes, &s).ok());
  auto data_of = [&](const std::string& type) {
    for (const auto& c : s.chunks)
      if (c.type == type) return pg::Bytes(out->bytes.begin() + c.data_offset, out->bytes.begin() + c.data_offset + c.data_size);
    return pg::Bytes();
  };
  CHECK(data_of("gAMA") == gama);
  CHECK(data_of("cHRM") == chrm);
  CHECK(data_of("pHYs") == phys);
  CHECK(data_of("eXIf").empty());
  CHECK(cv::norm(Decode(out->bytes), Orient(img, 6), cv::NORM_INF) == 0);
  CHECK(pg::VerifySanitized(*out, 11, 21, {}).ok());
}

TEST_CASE("a turned PNG keeps its 16-bit depth, its alpha and the colours under it",
          "[metadata]") {
  auto exif = pg::BuildExifApp1Payload(Exif(6));
  REQUIRE(exif.ok());
  // IHDR bit depth and colour type for each layout OpenCV writes.
  const std::vector<std::tuple<int, int, int>> layouts = {
      {CV_16UC4, 16, 6}, {CV_16UC3, 16, 2}, {CV_16UC1, 16, 0}, {CV_8UC4, 8, 6}};
  for (const auto& [type, depth, color_type] : layouts) {
    INFO("type " << type);
    cv::Mat img(11, 21, type);
    cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(CV_MAT_DEPTH(type) == CV_16U ? 65536 : 256));
    if (img.channels() == 4) {  // a fully transparent column whose colours must survive
      for (int y = 0; y < img.rows; ++y) {
        if (CV_MAT_DEPTH(type) == CV_16U) img.at<cv::Vec<std::uint16_t, 4>>(y, 0)[3] = 0;
        else img.at<cv::Vec4b>(y, 0)[3] = 0;
      }
    }
    auto png =
        pg::InsertPngChunk(Encode(".png", img), "eXIf", pg::Bytes(exif->begin() + 6, exif->end()));
    REQUIRE(png.ok());
    REQUIRE(pg::InspectMetadata(*png, pg::ImageFormat::kPng).exif_orientation == 6);
    // What the decode stage hands over: 8-bit BGR, alpha composited onto white.
    auto decoded = pg::DecodeImage(*png, 6, 1'000'000);
    REQUIRE(decoded.ok());
    std::vector<std::string> removed;
    auto out = pg::Sanitize(*png, pg::ImageFormat::kPng, 6, decoded->bgr, &removed);
    REQUIRE(out.ok());
    CHECK(out->reencoded);
    CHECK(Contains(removed, "PNG eXIf"));
    REQUIRE(out->bytes.size() > 26);
    CHECK(int{out->bytes[24]} == depth);
    CHECK(int{out->bytes[25]} == color_type);
    const cv::Mat back = cv::imdecode(out->bytes, cv::IMREAD_UNCHANGED);
    REQUIRE(back.type() == type);
    CHECK(cv::norm(back, Orient(img, 6), cv::NORM_INF) == 0);
    CHECK(pg::VerifySanitized(*out, 11, 21, {}).ok());
  }
}

TEST_CASE("a turned WebP keeps its alpha and the colours under it", "[metadata]") {
  cv::Mat img(11, 21, CV_8UC4);
  cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(256));
  for (int y = 0; y < img.rows; ++y) img.at<cv::Vec4b>(y, 0)[3] = 0;
  // The input keeps the colours under alpha 0 too (libwebp's `exact`): written by
  // EncodeWebpLossless, checked with OpenCV's reader.
  auto lossless = pg::EncodeWebpLossless(img, {});
  REQUIRE(lossless.ok());
  REQUIRE(cv::norm(cv::imdecode(*lossless, cv::IMREAD_UNCHANGED), img, cv::NORM_INF) == 0);
  auto exif = pg::BuildExifApp1Payload(Exif(6));
  REQUIRE(exif.ok());
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(300);
  auto webp = pg::AddWebpMetadata(*lossless, *exif, "", icc);
  REQUIRE(webp.ok());
  auto out = pg::Sanitize(*webp, pg::ImageFormat::kWebp, 6, cv::Mat(), nullptr);
  REQUIRE(out.ok());
  CHECK(out->reencoded);
  const cv::Mat back = cv::imdecode(out->bytes, cv::IMREAD_UNCHANGED);
  REQUIRE(back.type() == CV_8UC4);
  CHECK(cv::norm(back, Orient(img, 6), cv::NORM_INF) == 0);
  CHECK(pg::ExtractIcc(out->bytes, pg::ImageFormat::kWebp) == icc);
  CHECK(pg::VerifySanitized(*out, 11, 21, icc).ok());

  // A lossy WebP with alpha keeps its decoded alpha plane, turned.
  auto lossy = pg::AddWebpMetadata(Encode(".webp", img), *exif, "", {});
  REQUIRE(lossy.ok());
  auto lossy_out = pg::Sanitize(*lossy, pg::ImageFormat::kWebp, 6, cv::Mat(), nullptr);
  REQUIRE(lossy_out.ok());
  const cv::Mat lossy_back = cv::imdecode(lossy_out->bytes, cv::IMREAD_UNCHANGED);
  REQUIRE(lossy_back.type() == CV_8UC4);
  CHECK(cv::norm(lossy_back, Orient(cv::imdecode(*lossy, cv::IMREAD_UNCHANGED), 6),
                 cv::NORM_INF) == 0);
}

TEST_CASE("WebP is stripped without re-encoding: same bitstream, no EXIF or XMP, ICC kept",
          "[metadata]") {
  const cv::Mat img = Picture(30, 20);
  auto exif = pg::BuildExifApp1Payload(Exif(1));
  REQUIRE(exif.ok());
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(400);
  auto webp = pg::AddWebpMetadata(Encode(".webp", img), *exif, kXmp, icc);
  REQUIRE(webp.ok());
  std::vector<std::string> removed;
  auto out = pg::Sanitize(*webp, pg::ImageFormat::kWebp, 1, cv::Mat(), &removed);
  REQUIRE(out.ok());
  CHECK_FALSE(out->reencoded);
  CHECK(out->format == pg::ImageFormat::kWebp);
  CHECK(out->extension == ".webp");
  CHECK(Contains(removed, "WebP EXIF"));
  CHECK(Contains(removed, "WebP XMP "));
  CHECK(out->bytes.size() < webp->size());  // nothing re-encoded, nothing grew
  pg::WebpStructure before, after;
  REQUIRE(pg::ParseWebp(*webp, &before).ok());
  REQUIRE(pg::ParseWebp(out->bytes, &after).ok());
  auto vp8 = [](const pg::Bytes& b, const pg::WebpStructure& s) {  // VP8 or VP8L payload
    for (const auto& c : s.chunks) {
      if (c.fourcc == "VP8 " || c.fourcc == "VP8L") {
        return pg::Bytes(b.begin() + static_cast<std::ptrdiff_t>(c.data_offset),
                         b.begin() + static_cast<std::ptrdiff_t>(c.data_offset + c.data_size));
      }
    }
    return pg::Bytes();
  };
  CHECK_FALSE(vp8(out->bytes, after).empty());
  CHECK(vp8(out->bytes, after) == vp8(*webp, before));
  CHECK(cv::norm(Decode(out->bytes), Decode(*webp), cv::NORM_INF) == 0);
  for (const auto& c : after.chunks) CHECK((c.fourcc != "EXIF" && c.fourcc != "XMP "));
  CHECK(pg::ExtractIcc(out->bytes, pg::ImageFormat::kWebp) == icc);
  CHECK(pg::VerifySanitized(*out, 30, 20, icc).ok());
  CHECK(pg::InspectMetadata(out->bytes, pg::ImageFormat::kWebp).found.size() == 1);  // the ICC
}

TEST_CASE("a WebP with EXIF orientation is re-encoded losslessly the right way up",
          "[metadata]") {
  const cv::Mat img = Picture(21, 11);
  auto exif = pg::BuildExifApp1Payload(Exif(6));
  REQUIRE(exif.ok());
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(300);
  auto webp = pg::AddWebpMetadata(Encode(".webp", img), *exif, "", icc);
  REQUIRE(webp.ok());
  REQUIRE(pg::InspectMetadata(*webp, pg::ImageFormat::kWebp).exif_orientation == 6);
  const cv::Mat oriented = Orient(Decode(*webp), 6);
  std::vector<std::string> removed;
  auto out = pg::Sanitize(*webp, pg::ImageFormat::kWebp, 6, oriented, &removed);
  REQUIRE(out.ok());
  CHECK(out->reencoded);
  CHECK(out->format == pg::ImageFormat::kWebp);
  CHECK(Contains(removed, "WebP EXIF"));
  CHECK(cv::norm(Decode(out->bytes), oriented, cv::NORM_INF) == 0);  // lossless
  CHECK(pg::InspectMetadata(out->bytes, pg::ImageFormat::kWebp).exif_orientation == 1);
  CHECK(pg::VerifySanitized(*out, 11, 21, icc).ok());
  // The WebP is turned from its own samples: the caller's pixels are not needed.
  auto without = pg::Sanitize(*webp, pg::ImageFormat::kWebp, 6, cv::Mat(), nullptr);
  REQUIRE(without.ok());
  CHECK(without->bytes == out->bytes);
}

TEST_CASE("an animated WebP keeps all frames, and a rotated one is refused", "[metadata]") {
  const std::vector<cv::Mat> frames = {Picture(24, 16), Orient(Picture(24, 16), 3),
                                       Orient(Picture(24, 16), 2)};
  auto anim = pg::BuildAnimatedWebp(frames, 120, true);
  REQUIRE(anim.ok());
  auto exif = pg::BuildExifApp1Payload(Exif(1));
  REQUIRE(exif.ok());
  auto webp = pg::AddWebpMetadata(*anim, *exif, kXmp, {});
  REQUIRE(webp.ok());
  auto out = pg::Sanitize(*webp, pg::ImageFormat::kWebp, 1, cv::Mat(), nullptr);
  REQUIRE(out.ok());
  CHECK_FALSE(out->reencoded);
  CHECK(pg::FrameCount(out->bytes, pg::ImageFormat::kWebp) == 3);
  CHECK(pg::VerifySanitized(*out, 24, 16, {}).ok());

  auto rotated = pg::Sanitize(*webp, pg::ImageFormat::kWebp, 6, Orient(frames[0], 6), nullptr);
  REQUIRE_FALSE(rotated.ok());
  CHECK(rotated.status().code() == pg::Code::kUnsupported);
  CHECK_THAT(rotated.status().message(), Catch::Contains("3 frames"));
}

TEST_CASE("TIFF becomes a PNG built from the decoded pixels only", "[metadata]") {
  const cv::Mat img = Picture(12, 9);
  std::vector<std::string> removed;
  auto tiff = pg::Sanitize(Encode(".tiff", img), pg::ImageFormat::kTiff, 1, img, &removed);
  REQUIRE(tiff.ok());
  CHECK(tiff->format == pg::ImageFormat::kPng);
  CHECK(tiff->extension == ".png");
  CHECK(tiff->reencoded);
  CHECK(removed == std::vector<std::string>{"TIFF container (all tags and further images)"});
  CHECK(cv::norm(Decode(tiff->bytes), img, cv::NORM_INF) == 0);
  CHECK(pg::VerifySanitized(*tiff, 12, 9, {}).ok());
}

TEST_CASE("GIF stays GIF: image data kept, comment removed", "[metadata]") {
  const pg::Bytes gif = {'G', 'I', 'F', '8', '9',  'a',  1, 0,   1,   0,    0x80, 0, 0,    0, 0,
                         0,   255, 255, 255, 0x21, 0xFE, 4, 'J', 'u', 'n',  'o',  0, 0x2C, 0, 0,
                         0,   0,   1,   0,   1,    0,    0, 2,   2,   0x44, 0x01, 0, 0x3B};
  std::vector<std::string> removed;
  auto out = pg::Sanitize(gif, pg::ImageFormat::kGif, 1, cv::Mat(), &removed);
  REQUIRE(out.ok());
  CHECK(out->format == pg::ImageFormat::kGif);
  CHECK(out->extension == ".gif");
  CHECK_FALSE(out->reencoded);
  CHECK(removed == std::vector<std::string>{"GIF comment"});
  pg::Bytes expected(gif.begin(), gif.begin() + 19);  // header + colour table
  expected.insert(expected.end(), gif.begin() + 27, gif.end());
  CHECK(out->bytes == expected);
  CHECK(pg::InspectMetadata(out->bytes, pg::ImageFormat::kGif).texts.empty());
  CHECK(pg::VerifySanitized(*out, 1, 1, {}).ok());
}

TEST_CASE("a JPEG quality outside 1..100 is a configuration error", "[metadata]") {
  pg::SanitizeOptions options;
  options.jpeg_quality = 0;
  auto r = pg::Sanitize(Encode(".jpg", Picture(8, 8)), pg::ImageFormat::kJpeg, 1, cv::Mat(),
                        nullptr, options);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == pg::Code::kConfig);
}

TEST_CASE("structurally broken files are refused, not half-stripped", "[metadata]") {
  const pg::Bytes jpeg = Encode(".jpg", Picture(32, 32));
  const pg::Bytes cut(jpeg.begin(), jpeg.end() - 30);
  auto r = pg::Sanitize(cut, pg::ImageFormat::kJpeg, 1, cv::Mat(), nullptr);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == pg::Code::kBadData);

  pg::Bytes png = Encode(".png", Picture(8, 8));
  pg::PngStructure s;
  REQUIRE(pg::ParsePng(png, &s).ok());
  for (const auto& c : s.chunks) {
    if (c.type == "IDAT") png[c.data_offset] ^= 0xFF;  // CRC no longer matches
  }
  auto bad_crc = pg::Sanitize(png, pg::ImageFormat::kPng, 1, cv::Mat(), nullptr);
  REQUIRE_FALSE(bad_crc.ok());
  CHECK_THAT(bad_crc.status().message(), Catch::Contains("bad CRC"));

  auto unknown = pg::Sanitize(Str("hello"), pg::ImageFormat::kUnknown, 1, cv::Mat(), nullptr);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == pg::Code::kUnsupported);
}

TEST_CASE("exiftool finds no EXIF, XMP, IPTC, GPS or comment in a stripped JPEG", "[metadata]") {
  if (!HaveExiftool()) {
    pg::testing::SkipTest("exiftool not on PATH (Debian: libimage-exiftool-perl): "
                          "independent check of stripped output not run");
    return;
  }
  const pg::Bytes original = LoadedJpeg(Picture(64, 48), 0, pg::BuildPlaceholderIccProfile(2000));
  auto out = pg::Sanitize(original, pg::ImageFormat::kJpeg, 1, cv::Mat(), nullptr);
  REQUIRE(out.ok());
  TempDir dir;
  WriteFile(dir.path / "before.jpg", original);
  WriteFile(dir.path / "after.jpg", out->bytes);
  // The check is only meaningful if exiftool sees the metadata in the original.
  const std::string before = Run("exiftool -j -G -a " + (dir.path / "before.jpg").string());
  CHECK_THAT(before, Catch::Contains("\"EXIF:GPSLatitude"));
  CHECK_THAT(before, Catch::Contains("\"XMP:Creator"));
  CHECK_THAT(before, Catch::Contains("\"IPTC:By-line"));
  const std::string after = Run("exiftool -j -G -a " + (dir.path / "after.jpg").string());
  CHECK_THAT(after, Catch::Contains("\"File:ImageWidth\": 64"));
  CheckExiftoolFindsNoMetadata(after);
}

/// exiftool -G1 tags a published file may carry: container basics and the ICC profile.
/// Everything else (EXIF IFD0/ExifIFD/IFD1/GPS, XMP-*, IPTC, Photoshop, MakerNotes, FlashPix,
/// MPF, comments, thumbnails, previews, warnings about leftovers) fails the check.
bool AllowedExiftoolTag(const std::string& key, const nlohmann::json& value) {
  const std::size_t colon = key.find(':');
  if (colon == std::string::npos) return key == "SourceFile";
  const std::string group = key.substr(0, colon), tag = key.substr(colon + 1);
  // The ICC profile is kept on purpose, with its own description and copyright texts.
  if (group.rfind("ICC", 0) == 0) return true;
  for (const char* banned : {"GPS", "Thumbnail", "Preview", "Comment", "Serial", "Owner",
                             "Artist", "Author", "Creator", "Copyright"}) {
    if (tag.find(banned) != std::string::npos) return false;
  }
  if (group == "System") return true;
  auto one_of = [&](std::initializer_list<const char*> names) {
    for (const char* n : names) {
      if (tag == n) return true;
    }
    return false;
  };
  if (group == "ExifTool") return tag == "ExifToolVersion";
  if (group == "File") {
    return one_of({"FileType", "FileTypeExtension", "MIMEType", "ImageWidth", "ImageHeight",
                   "EncodingProcess", "BitsPerSample", "ColorComponents", "YCbCrSubSampling"});
  }
  if (group == "Composite") return one_of({"ImageSize", "Megapixels", "Duration"});
  if (group == "JFIF") return one_of({"JFIFVersion", "ResolutionUnit", "XResolution", "YResolution"});
  if (group == "Adobe") {
    return one_of({"DCTEncodeVersion", "APP14Flags0", "APP14Flags1", "ColorTransform"});
  }
  if (group == "PNG" || group.rfind("PNG-", 0) == 0) {  // PNG, PNG-pHYs, PNG-sRGB, ...
    if (tag == "ProfileName") return value == "ICC Profile";
    return one_of({"ImageWidth", "ImageHeight", "BitDepth", "ColorType", "Compression", "Filter",
                   "Interlace", "SRGBRendering", "Gamma", "WhitePointX", "WhitePointY", "RedX",
                   "RedY", "GreenX", "GreenY", "BlueX", "BlueY", "PixelsPerUnitX",
                   "PixelsPerUnitY", "PixelUnits", "SignificantBits", "BackgroundColor",
                   "Palette", "Transparency"});
  }
  if (group == "RIFF") {
    return one_of({"VP8Version", "ImageWidth", "ImageHeight", "HorizontalScale",
                   "VerticalScale", "WebP_Flags", "AlphaPreprocessing", "AlphaFiltering",
                   "AlphaCompression", "BackgroundColor", "AnimationLoopCount", "Duration"});
  }
  if (group == "GIF") {
    return one_of({"GIFVersion", "ImageWidth", "ImageHeight", "HasColorMap", "PixelAspectRatio",
                   "ColorResolutionDepth", "BitsPerPixel", "BackgroundColor",
                   "AnimationIterations", "FrameCount", "Duration", "TransparentColor"});
  }
  return false;
}

TEST_CASE("testdata: every sample is stripped, verified and passes exiftool's allowlist",
          "[metadata][testdata]") {
  const fs::path root = fs::path(PG_TESTDATA_DIR) / "metadata";
  std::ifstream index(root / "INDEX.csv");
  REQUIRE(index.good());
  TempDir dir;
  std::map<std::string, std::string> source_of;  // output file name -> sample
  std::string line, report;
  std::getline(index, line);
  int done = 0, refused = 0;
  while (std::getline(index, line)) {
    const std::string file = line.substr(0, line.find(','));
    const pg::Bytes data = ReadFile(root / file);
    const pg::ImageFormat format = pg::SniffFormat(data);
    std::string ext = fs::path(file).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    INFO(file);
    const pg::MetadataFacts facts = pg::InspectMetadata(data, format);
    auto decoded = pg::DecodeImage(data, facts.exif_orientation, 200'000'000);
    if (ext == ".dng" || ext == ".jxl") {  // not publishable formats: refused, never crashed
      REQUIRE_FALSE(decoded.ok());
      CHECK(decoded.status().code() == pg::Code::kUnsupported);
      report += file + ": refused (" + decoded.status().message() + ")\n";
      ++refused;
      continue;
    }
    if (file == "exiftool/QuickTime.heic") {  // exiftool's sample is cut short after its header
      REQUIRE_FALSE(decoded.ok());
      CHECK(decoded.status().code() == pg::Code::kBadData);
      report += file + ": refused (" + decoded.status().message() + ")\n";
      continue;
    }
    if (format == pg::ImageFormat::kUnknown) {
      report += file + ": skipped (not an image)\n";
      continue;
    }
    INFO(decoded.status().ToString());
    REQUIRE(decoded.ok());
    std::vector<std::string> removed;
    auto out = pg::Sanitize(data, format, facts.exif_orientation, decoded->bgr, &removed);
    INFO(out.status().ToString());
    REQUIRE(out.ok());
    const pg::Bytes icc = pg::ExtractIcc(data, format);
    const pg::Status v = pg::VerifySanitized(*out, decoded->bgr.cols, decoded->bgr.rows, icc);
    INFO(v.ToString());
    CHECK(v.ok());
    if (!icc.empty()) CHECK(pg::ExtractIcc(out->bytes, out->format) == icc);
    for (const auto& x : pg::InspectMetadata(out->bytes, out->format).found) {
      INFO(x.kind << ": " << x.detail);
      CHECK(x.kind == "icc");
    }
    const std::string name = std::to_string(done) + out->extension;
    WriteFile(dir.path / name, out->bytes);
    source_of[name] = file;
    report += file + ": " + ImageFormatName(format) + " -> " + ImageFormatName(out->format) +
              (out->reencoded ? " (re-encoded)" : " (lossless)") + ", " +
              std::to_string(removed.size()) + " removed" + (icc.empty() ? "" : ", ICC kept");
    report += "\n";
    ++done;
  }
  CHECK(done >= 75);
  CHECK(refused == 4);
  if (!HaveExiftool()) {
    WARN(report);
    pg::testing::SkipTest("exiftool not on PATH (Debian: libimage-exiftool-perl): "
                          "independent check of stripped samples not run");
    return;
  }
  const std::string json = Run("exiftool -j -G1 -a -s -ee " + dir.path.string() + "/* 2>/dev/null");
  const nlohmann::json all = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  REQUIRE(all.is_array());
  CHECK(static_cast<int>(all.size()) == done);
  std::string exif_report;
  for (const auto& entry : all) {
    const std::string name = fs::path(entry.value("SourceFile", "")).filename().string();
    INFO(source_of[name] << " (stripped as " << name << ")");
    std::vector<std::string> bad;
    for (const auto& [key, value] : entry.items()) {
      if (!AllowedExiftoolTag(key, value)) bad.push_back(key + "=" + value.dump());
    }
    for (const std::string& b : bad) {
      INFO("exiftool found " << b);
      CHECK(false);
    }
    exif_report += "exiftool " + std::string(bad.empty() ? "clean: " : "FOUND METADATA: ") +
                   source_of[name] + " (" + std::to_string(entry.size()) + " tags)\n";
  }
  WARN(report << exif_report);
}

TEST_CASE("testdata: HEIF becomes a JPEG, or a PNG when asked, keeping the ICC profile",
          "[metadata][testdata]") {
  const pg::Bytes heic =
      ReadFile(fs::path(PG_TESTDATA_DIR) / "metadata/exiv2/2021-02-13-1929.heic");
  REQUIRE(!heic.empty());
  const pg::Bytes icc = pg::ExtractIcc(heic, pg::ImageFormat::kHeif);
  REQUIRE(icc.size() > 128);
  const cv::Mat pixels = Picture(300, 400);  // stands in for the decode stage's output
  std::vector<std::string> removed;
  auto out = pg::Sanitize(heic, pg::ImageFormat::kHeif, 6, pixels, &removed);
  REQUIRE(out.ok());
  CHECK(out->format == pg::ImageFormat::kJpeg);
  CHECK(out->extension == ".jpg");
  CHECK(out->reencoded);
  CHECK(pg::VerifySanitized(*out, 300, 400, icc).ok());

  pg::SanitizeOptions options;
  options.jpeg_quality = 40;
  auto small = pg::Sanitize(heic, pg::ImageFormat::kHeif, 6, pixels, nullptr, options);
  REQUIRE(small.ok());
  CHECK(small->bytes.size() < out->bytes.size());

  options.heif_output = pg::HeifOutput::kPng;
  auto png = pg::Sanitize(heic, pg::ImageFormat::kHeif, 6, pixels, nullptr, options);
  REQUIRE(png.ok());
  CHECK(png->format == pg::ImageFormat::kPng);
  CHECK(png->extension == ".png");
  CHECK(png->reencoded);
  CHECK(cv::norm(Decode(png->bytes), pixels, cv::NORM_INF) == 0);  // exactly the decoded pixels
  CHECK(pg::ExtractIcc(png->bytes, pg::ImageFormat::kPng) == icc);
  CHECK(pg::VerifySanitized(*png, 300, 400, icc).ok());
}

TEST_CASE("testdata: malformed files never crash the inventory or the stripper",
          "[metadata][testdata]") {
  const fs::path root = fs::path(PG_TESTDATA_DIR) / "malformed";
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().filename() == "INDEX.csv") continue;
    const pg::Bytes data = ReadFile(entry.path());
    const pg::ImageFormat format = pg::SniffFormat(data);
    INFO(entry.path().string());
    const pg::MetadataFacts facts = pg::InspectMetadata(data, format);
    CHECK(facts.exif_orientation >= 1);
    CHECK(facts.exif_orientation <= 8);
    // Stand-in pixels: these files are not decoded here (some are decompression bombs).
    const cv::Mat pixels = Picture(8, 8);
    std::vector<std::string> removed;
    auto out = pg::Sanitize(data, format, facts.exif_orientation, pixels, &removed);
    if (out.ok()) {
      (void)pg::VerifySanitized(*out, pixels.cols, pixels.rows, pg::ExtractIcc(data, format));
    } else {
      CHECK_FALSE(out.status().message().empty());
    }
    ++files;
  }
  CHECK(files > 50);
}
