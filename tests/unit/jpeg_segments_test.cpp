#include "metadata/jpeg_segments.h"

#include <catch2/catch.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace {

pg::Bytes EncodeJpeg(int w, int h, bool progressive = false) {
  cv::Mat img(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 3, y * 5, (x + y) * 2);
  }
  std::vector<uchar> buf;
  std::vector<int> params = {cv::IMWRITE_JPEG_QUALITY, 90};
  if (progressive) params.insert(params.end(), {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
  cv::imencode(".jpg", img, buf, params);
  return pg::Bytes(buf.begin(), buf.end());
}

std::vector<std::uint8_t> Markers(const pg::JpegStructure& s) {
  std::vector<std::uint8_t> m;
  for (const auto& seg : s.segments) m.push_back(seg.marker);
  return m;
}

int Count(const pg::JpegStructure& s, std::uint8_t marker) {
  int n = 0;
  for (const auto& seg : s.segments) n += seg.marker == marker;
  return n;
}

pg::Bytes Str(const std::string& s) { return pg::Bytes(s.begin(), s.end()); }

}  // namespace

TEST_CASE("an encoder's JPEG parses from SOI to EOI with one scan ending at EOI", "[metadata]") {
  const pg::Bytes jpeg = EncodeJpeg(40, 24);
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(jpeg, &s).ok());
  CHECK(s.complete);
  CHECK(s.trailer_size == 0);
  CHECK(s.eoi_offset == jpeg.size() - 2);
  const auto m = Markers(s);
  CHECK(m.front() == pg::kJpegSoi);
  CHECK(m.back() == pg::kJpegEoi);
  REQUIRE(Count(s, pg::kJpegSos) == 1);
  for (const auto& seg : s.segments) {
    if (seg.marker == pg::kJpegSos) CHECK(seg.scan_end == s.eoi_offset);
    if (seg.marker != pg::kJpegSoi && seg.marker != pg::kJpegEoi) {
      CHECK(seg.payload_offset == seg.offset + 4);
      CHECK(seg.size == seg.payload_size + 4);
    }
  }
}

TEST_CASE("a progressive JPEG's several scans and tables between them are all found",
          "[metadata]") {
  const pg::Bytes jpeg = EncodeJpeg(64, 48, /*progressive=*/true);
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(jpeg, &s).ok());
  CHECK(Count(s, pg::kJpegSos) > 1);
  CHECK(s.complete);
  // Every scan ends where the next marker segment begins.
  for (std::size_t i = 0; i + 1 < s.segments.size(); ++i) {
    if (s.segments[i].marker == pg::kJpegSos)
      CHECK(s.segments[i].scan_end == s.segments[i + 1].offset);
  }
}

TEST_CASE("bytes after EOI are counted as a trailer", "[metadata]") {
  pg::Bytes jpeg = EncodeJpeg(16, 16);
  const std::size_t eoi = jpeg.size() - 2;
  jpeg.insert(jpeg.end(), 1234, 0xAB);
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(jpeg, &s).ok());
  CHECK(s.eoi_offset == eoi);
  CHECK(s.trailer_size == 1234);
}

TEST_CASE("an inserted segment lands after the APP segments and before the tables", "[metadata]") {
  const pg::Bytes jpeg = EncodeJpeg(16, 16);
  const pg::Bytes with_com = pg::InsertJpegSegment(jpeg, pg::kJpegCom, Str("hello"));
  REQUIRE(with_com.size() == jpeg.size() + 9);
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(with_com, &s).ok());
  const auto m = Markers(s);
  REQUIRE(m.size() >= 4);
  CHECK(m[1] == pg::kJpegApp0);  // encoder's JFIF stays first
  CHECK(m[2] == pg::kJpegCom);
  CHECK(m[3] == 0xDB);  // DQT
  CHECK(pg::JpegSegmentName(with_com, s.segments[2]) == "COM");
  CHECK(std::string(with_com.begin() + s.segments[2].payload_offset,
                    with_com.begin() + s.segments[2].payload_offset + 5) == "hello");
}

TEST_CASE("application segments are named by their identifier", "[metadata]") {
  pg::Bytes jpeg = EncodeJpeg(16, 16);
  jpeg = pg::InsertJpegSegment(jpeg, pg::kJpegApp1, Str(std::string("Exif\0\0II*\0", 10)));
  jpeg = pg::InsertJpegSegment(jpeg, pg::kJpegApp1,
                               Str(std::string("http://ns.adobe.com/xap/1.0/\0<x/>", 33)));
  jpeg = pg::InsertJpegSegment(jpeg, pg::kJpegApp13, Str(std::string("Photoshop 3.0\0", 14)));
  jpeg = pg::InsertJpegSegment(jpeg, pg::kJpegApp2, Str(std::string("MPF\0II*\0", 8)));
  jpeg = pg::InsertJpegSegment(jpeg, pg::kJpegApp2, Str(std::string("ICC_PROFILE\0\1\1", 14)));
  jpeg = pg::InsertJpegSegment(jpeg, 0xE9, Str(std::string("Media Jukebox\0", 14)));
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(jpeg, &s).ok());
  std::vector<std::string> names;
  for (const auto& seg : s.segments) names.push_back(pg::JpegSegmentName(jpeg, seg));
  const std::vector<std::string> expected_prefix = {
      "SOI",      "APP0 JFIF",        "APP1 Exif",         "APP1 XMP", "APP13 Photoshop/IPTC",
      "APP2 MPF", "APP2 ICC_PROFILE", "APP9 Media Jukebox"};
  REQUIRE(names.size() > expected_prefix.size());
  CHECK(std::vector<std::string>(names.begin(), names.begin() + 8) == expected_prefix);
  CHECK(names.back() == "EOI");
}

TEST_CASE("a JPEG cut inside its scan data is an error that keeps the segments before it",
          "[metadata]") {
  const pg::Bytes jpeg = EncodeJpeg(64, 64);
  const pg::Bytes cut(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(jpeg.size() - 40));
  pg::JpegStructure s;
  const pg::Status st = pg::ParseJpeg(cut, &s);
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == pg::Code::kBadData);
  CHECK_THAT(st.message(), Catch::Contains("truncated"));
  CHECK_FALSE(s.complete);
  CHECK(Count(s, pg::kJpegSos) == 1);
  CHECK(Count(s, 0xDB) >= 1);
}

TEST_CASE("a segment whose length runs past the end is reported with its offset", "[metadata]") {
  pg::Bytes jpeg = EncodeJpeg(16, 16);
  // An APP1 at offset 2 that claims 0x4000 bytes in a file far shorter than that.
  const pg::Bytes bogus = {0xFF, 0xE1, 0x40, 0x00, 'E', 'x', 'i', 'f'};
  jpeg.insert(jpeg.begin() + 2, bogus.begin(), bogus.end());
  jpeg.resize(200);
  pg::JpegStructure s;
  const pg::Status st = pg::ParseJpeg(jpeg, &s);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == "truncated APP1 segment at offset 2 (length 16384)");
}

TEST_CASE("data that does not start with SOI is not a JPEG", "[metadata]") {
  pg::JpegStructure s;
  CHECK_FALSE(pg::ParseJpeg(Str("\x89PNG\r\n\x1a\n"), &s).ok());
  CHECK_FALSE(pg::ParseJpeg(pg::Bytes{}, &s).ok());
  CHECK_FALSE(pg::ParseJpeg(pg::Bytes{0xFF, 0xD8}, &s).ok());  // SOI only: no EOI
}

TEST_CASE("structural markers are told apart from metadata markers", "[metadata]") {
  for (int m : {0xC0, 0xC2, 0xC4, 0xCC, 0xDA, 0xDB, 0xDD, 0xD0, 0xD7, 0xD8, 0xD9}) {
    CHECK(pg::IsStructuralJpegMarker(static_cast<std::uint8_t>(m)));
  }
  for (int m : {0xE0, 0xE1, 0xED, 0xEF, 0xFE, 0xC8, 0xF0}) {
    CHECK_FALSE(pg::IsStructuralJpegMarker(static_cast<std::uint8_t>(m)));
  }
}
