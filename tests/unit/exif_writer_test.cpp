#include "metadata/exif_writer.h"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "metadata/jpeg_segments.h"
#include "skip.h"

namespace {

pg::Bytes EncodeJpeg(int w, int h) {
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(40, 120, 200));
  cv::circle(img, {w / 2, h / 2}, std::min(w, h) / 3, cv::Scalar(250, 250, 250), -1);
  std::vector<uchar> buf;
  cv::imencode(".jpg", img, buf, {cv::IMWRITE_JPEG_QUALITY, 90});
  return pg::Bytes(buf.begin(), buf.end());
}

struct ExifDataUnref {
  void operator()(ExifData* d) const { exif_data_unref(d); }
};
using ExifPtr = std::unique_ptr<ExifData, ExifDataUnref>;

ExifPtr Load(const pg::Bytes& payload) {
  return ExifPtr(exif_data_new_from_data(payload.data(), static_cast<unsigned>(payload.size())));
}

std::string Ascii(ExifData* ed, ExifIfd ifd, int tag) {
  ExifEntry* e = exif_content_get_entry(ed->ifd[ifd], static_cast<ExifTag>(tag));
  if (e == nullptr) return "<missing>";
  return std::string(reinterpret_cast<char*>(e->data),
                     strnlen(reinterpret_cast<char*>(e->data), e->size));
}

double Degrees(ExifData* ed, int tag) {
  ExifEntry* e = exif_content_get_entry(ed->ifd[EXIF_IFD_GPS], static_cast<ExifTag>(tag));
  REQUIRE(e != nullptr);
  REQUIRE(e->components == 3);
  const ExifByteOrder o = exif_data_get_byte_order(ed);
  double v = 0, scale = 1;
  for (int i = 0; i < 3; ++i) {
    const ExifRational r = exif_get_rational(e->data + 8 * i, o);
    v += static_cast<double>(r.numerator) / r.denominator / scale;
    scale *= 60;
  }
  return v;
}

/// Runs a command and returns its standard output.
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

bool HaveExiftool() { return std::system("command -v exiftool >/dev/null 2>&1") == 0; }

pg::SyntheticExif FullFields() {
  pg::SyntheticExif f;
  f.gps_lat = 37.422;
  f.gps_lon = -122.084;
  f.make = "Canon";
  f.model = "Canon EOS R6";
  f.body_serial = "012345678901";
  f.artist = "José Núñez";
  f.image_description = "Field day, grade 3";
  f.copyright = "Lincoln Elementary";
  f.owner_name = "Ms. Ortega";
  f.software = "PhotoTool 2.1";
  f.date_time_original = "2026:05:01 10:00:00";
  f.xp_author = "José Núñez";
  f.orientation = 6;
  f.thumbnail_jpeg = EncodeJpeg(16, 16);
  return f;
}

}  // namespace

TEST_CASE("the EXIF payload is an Exif header and a TIFF structure libexif reads back",
          "[metadata]") {
  const pg::SyntheticExif f = FullFields();
  auto payload = pg::BuildExifApp1Payload(f);
  REQUIRE(payload.ok());
  REQUIRE(payload->size() > 14);
  CHECK(std::memcmp(payload->data(), "Exif\0\0II*\0", 10) == 0);

  ExifPtr ed = Load(*payload);
  REQUIRE(ed);
  CHECK(Ascii(ed.get(), EXIF_IFD_0, EXIF_TAG_MAKE) == "Canon");
  CHECK(Ascii(ed.get(), EXIF_IFD_0, EXIF_TAG_ARTIST) == "José Núñez");
  CHECK(Ascii(ed.get(), EXIF_IFD_EXIF, 0xa431) == "012345678901");
  CHECK(Ascii(ed.get(), EXIF_IFD_EXIF, 0xa430) == "Ms. Ortega");
  CHECK(Ascii(ed.get(), EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL) == "2026:05:01 10:00:00");
  CHECK(Ascii(ed.get(), EXIF_IFD_GPS, 0x0001) == "N");
  CHECK(Ascii(ed.get(), EXIF_IFD_GPS, 0x0003) == "W");
  CHECK(Degrees(ed.get(), 0x0002) == Approx(37.422).margin(1e-6));
  CHECK(Degrees(ed.get(), 0x0004) == Approx(122.084).margin(1e-6));

  ExifEntry* o = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
  REQUIRE(o != nullptr);
  CHECK(exif_get_short(o->data, exif_data_get_byte_order(ed.get())) == 6);

  ExifEntry* xp = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_XP_AUTHOR);
  REQUIRE(xp != nullptr);
  // "J o s é" in UCS-2LE: 'J',0,'o',0,'s',0,0xE9,0
  REQUIRE(xp->size >= 8);
  CHECK(pg::Bytes(xp->data, xp->data + 8) == pg::Bytes{'J', 0, 'o', 0, 's', 0, 0xE9, 0});

  REQUIRE(ed->data != nullptr);
  CHECK(pg::Bytes(ed->data, ed->data + ed->size) == f.thumbnail_jpeg);
}

TEST_CASE("without fields the payload has no GPS, orientation or thumbnail", "[metadata]") {
  pg::SyntheticExif f;
  f.artist = "Someone";
  auto payload = pg::BuildExifApp1Payload(f);
  REQUIRE(payload.ok());
  ExifPtr ed = Load(*payload);
  REQUIRE(ed);
  CHECK(ed->ifd[EXIF_IFD_GPS]->count == 0);
  CHECK(exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION) == nullptr);
  CHECK(ed->data == nullptr);
  CHECK(Ascii(ed.get(), EXIF_IFD_0, EXIF_TAG_ARTIST) == "Someone");
}

TEST_CASE("southern and western coordinates get S and W references", "[metadata]") {
  pg::SyntheticExif f;
  f.gps_lat = -33.8568;
  f.gps_lon = 151.2153;
  auto payload = pg::BuildExifApp1Payload(f);
  REQUIRE(payload.ok());
  ExifPtr ed = Load(*payload);
  CHECK(Ascii(ed.get(), EXIF_IFD_GPS, 0x0001) == "S");
  CHECK(Ascii(ed.get(), EXIF_IFD_GPS, 0x0003) == "E");
  CHECK(Degrees(ed.get(), 0x0002) == Approx(33.8568).margin(1e-6));
}

TEST_CASE("out-of-range coordinates are refused", "[metadata]") {
  pg::SyntheticExif f;
  f.gps_lat = 91.0;
  f.gps_lon = 0.0;
  auto payload = pg::BuildExifApp1Payload(f);
  REQUIRE_FALSE(payload.ok());
  CHECK(payload.status().code() == pg::Code::kBadData);
}

TEST_CASE("EXIF goes right after the JFIF header and the image still decodes the same",
          "[metadata]") {
  const pg::Bytes jpeg = EncodeJpeg(48, 32);
  auto with_exif = pg::InsertExifIntoJpeg(jpeg, FullFields());
  REQUIRE(with_exif.ok());
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(*with_exif, &s).ok());
  REQUIRE(s.segments.size() > 3);
  CHECK(pg::JpegSegmentName(*with_exif, s.segments[1]) == "APP0 JFIF");
  CHECK(pg::JpegSegmentName(*with_exif, s.segments[2]) == "APP1 Exif");

  const cv::Mat a = cv::imdecode(jpeg, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  const cv::Mat b = cv::imdecode(*with_exif, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  REQUIRE(a.size() == b.size());
  CHECK(cv::norm(a, b, cv::NORM_INF) == 0);
}

TEST_CASE("inserting EXIF into something that is not a JPEG fails", "[metadata]") {
  auto r = pg::InsertExifIntoJpeg(pg::Bytes{0x89, 'P', 'N', 'G'}, FullFields());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == pg::Code::kBadData);
}

TEST_CASE("exiftool reads the written EXIF: GPS, names in UTF-8, serial, thumbnail", "[metadata]") {
  if (!HaveExiftool()) {
    pg::testing::SkipTest(
        "exiftool not on PATH (Debian: libimage-exiftool-perl): independent EXIF check not run");
    return;
  }
  auto with_exif = pg::InsertExifIntoJpeg(EncodeJpeg(48, 32), FullFields());
  REQUIRE(with_exif.ok());
  const auto path = std::filesystem::temp_directory_path() /
                    ("pg_exif_writer_" + std::to_string(::getpid()) + ".jpg");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(with_exif->data()),
              static_cast<std::streamsize>(with_exif->size()));
  }
  const std::string json = Run("exiftool -j -n -G -a " + path.string());
  std::filesystem::remove(path);
  CHECK_THAT(json, Catch::Contains("\"EXIF:GPSLatitude\": 37.422"));
  CHECK_THAT(json, Catch::Contains("\"EXIF:GPSLongitude\": 122.084"));
  CHECK_THAT(json, Catch::Contains("\"EXIF:GPSLongitudeRef\": \"W\""));
  CHECK_THAT(json, Catch::Contains("\"Composite:GPSLongitude\": -122.084"));
  CHECK_THAT(json, Catch::Contains("\"EXIF:Artist\": \"José Núñez\""));
  CHECK_THAT(json, Catch::Contains("\"EXIF:XPAuthor\": \"José Núñez\""));
  CHECK_THAT(json, Catch::Contains("\"EXIF:SerialNumber\": \"012345678901\""));
  CHECK_THAT(json, Catch::Contains("\"EXIF:OwnerName\": \"Ms. Ortega\""));
  CHECK_THAT(json, Catch::Contains("\"EXIF:Orientation\": 6"));
  CHECK_THAT(json, Catch::Contains("\"EXIF:ThumbnailLength\""));
}
