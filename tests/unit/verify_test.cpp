#include "metadata/verify.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <zlib.h>
#include <string>
#include <vector>

#include "metadata/exif_writer.h"
#include "metadata/jpeg_segments.h"
#include "metadata/png_chunks.h"
#include "metadata/reencode.h"
#include "metadata/sanitize.h"
#include "metadata/synthetic_animation.h"
#include "metadata/synthetic_metadata.h"

namespace {

pg::Bytes Str(const std::string& s) { return pg::Bytes(s.begin(), s.end()); }

cv::Mat Picture(int w, int h) {
  cv::Mat img(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) img.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 5, y * 7, 90);
  }
  return img;
}

pg::Bytes Encode(const std::string& ext, const cv::Mat& img) {
  std::vector<uchar> buf;
  cv::imencode(ext, img, buf);
  return pg::Bytes(buf.begin(), buf.end());
}

pg::SanitizedOutput Jpeg(pg::Bytes bytes) {
  pg::SanitizedOutput out;
  out.bytes = std::move(bytes);
  out.format = pg::ImageFormat::kJpeg;
  out.extension = ".jpg";
  return out;
}

pg::SanitizedOutput Png(pg::Bytes bytes) {
  pg::SanitizedOutput out = Jpeg(std::move(bytes));
  out.format = pg::ImageFormat::kPng;
  out.extension = ".png";
  return out;
}

/// A clean, published-ready JPEG of 32x24 carrying `icc` (none when empty).
pg::SanitizedOutput CleanJpeg(const pg::Bytes& icc) {
  pg::Bytes jpeg = Encode(".jpg", Picture(32, 24));
  if (!icc.empty()) {
    auto with_icc = pg::InsertIccIntoJpeg(jpeg, icc);
    REQUIRE(with_icc.ok());
    jpeg = *with_icc;
  }
  auto out = pg::Sanitize(jpeg, pg::ImageFormat::kJpeg, 1, cv::Mat(), nullptr);
  REQUIRE(out.ok());
  return *out;
}

void RequireRejected(const pg::Status& st, const std::string& why) {
  INFO(st.ToString());
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == pg::Code::kBadData);
  CHECK_THAT(st.message(), Catch::Contains(why));
}

}  // namespace

TEST_CASE("a clean JPEG with its original ICC profile passes verification", "[metadata]") {
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(70000);
  const pg::SanitizedOutput out = CleanJpeg(icc);
  CHECK(pg::VerifySanitized(out, 32, 24, icc).ok());
  CHECK(pg::VerifySanitized(out, 32, 24, {}).ok());  // ICC not compared
}

TEST_CASE("verification rejects a JPEG that still has an Exif segment, naming its offset",
          "[metadata]") {
  pg::SyntheticExif f;
  f.artist = "Dana Reyes";
  auto with_exif = pg::InsertExifIntoJpeg(Encode(".jpg", Picture(32, 24)), f);
  REQUIRE(with_exif.ok());
  RequireRejected(pg::VerifySanitized(Jpeg(*with_exif), 32, 24, {}),
                  "residual APP1 Exif segment at offset 20");
}

TEST_CASE("verification rejects XMP, IPTC, comments and other application segments", "[metadata]") {
  const pg::Bytes clean = CleanJpeg({}).bytes;
  RequireRejected(pg::VerifySanitized(Jpeg(pg::InsertJpegSegment(clean, pg::kJpegApp1,
                                                                 pg::MakeXmpApp1Payload("<x/>"))),
                                      32, 24, {}),
                  "residual APP1 XMP segment");
  RequireRejected(
      pg::VerifySanitized(Jpeg(pg::InsertJpegSegment(clean, pg::kJpegApp13,
                                                     pg::BuildIptcApp13Payload({{80, "A"}}))),
                          32, 24, {}),
      "residual APP13 Photoshop/IPTC segment");
  RequireRejected(
      pg::VerifySanitized(Jpeg(pg::InsertJpegSegment(clean, pg::kJpegCom, Str("hi"))), 32, 24, {}),
      "residual COM segment");
  RequireRejected(pg::VerifySanitized(Jpeg(pg::InsertJpegSegment(clean, pg::kJpegApp2,
                                                                 Str(std::string("MPF\0", 4)))),
                                      32, 24, {}),
                  "residual APP2 MPF segment");
}

TEST_CASE("verification rejects a JFIF header that carries a thumbnail", "[metadata]") {
  pg::Bytes jpeg = CleanJpeg({}).bytes;
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(jpeg, &s).ok());
  REQUIRE(s.segments[1].marker == pg::kJpegApp0);
  jpeg[s.segments[1].payload_offset + 12] = 1;  // Xthumbnail = 1 (no thumbnail bytes follow)
  RequireRejected(pg::VerifySanitized(Jpeg(jpeg), 32, 24, {}), "residual APP0 JFIF segment");
}

TEST_CASE("verification rejects bytes after EOI", "[metadata]") {
  const pg::Bytes jpeg = pg::AppendTrailer(CleanJpeg({}).bytes, pg::Bytes(100, 0));
  RequireRejected(pg::VerifySanitized(Jpeg(jpeg), 32, 24, {}), "100 bytes after EOI");
}

TEST_CASE("verification rejects a truncated JPEG", "[metadata]") {
  const pg::Bytes jpeg = CleanJpeg({}).bytes;
  for (std::size_t keep : {std::size_t{1}, std::size_t{100}, jpeg.size() - 2, jpeg.size() - 1}) {
    INFO(keep);
    const pg::Status st = pg::VerifySanitized(
        Jpeg(pg::Bytes(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(keep))), 32, 24,
        {});
    CHECK_FALSE(st.ok());
  }
}

TEST_CASE("verification rejects a JPEG whose scan data is corrupt", "[metadata]") {
  pg::Bytes jpeg = CleanJpeg({}).bytes;
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(jpeg, &s).ok());
  std::size_t sos = 0;
  for (const auto& seg : s.segments) {
    if (seg.marker == pg::kJpegSos) sos = seg.offset + seg.size;
  }
  REQUIRE(sos > 0);
  // Cut the scan short but keep a well-formed EOI: the decoder must notice missing data.
  pg::Bytes cut(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(sos + 20));
  cut.push_back(0xFF);
  cut.push_back(0xD9);
  RequireRejected(pg::VerifySanitized(Jpeg(cut), 32, 24, {}), "does not decode");
}

TEST_CASE("verification rejects corrupt entropy-coded data mid-scan despite its 1/8-scale decode",
          "[metadata]") {
  // 256x192: 768 MCUs, decoded by the verifier at 32x24. The file keeps its length, its
  // markers and its EOI; only bytes inside a scan change, to 12 stuffed 0xFF bytes (96 one
  // bits in a row, which no JPEG Huffman table codes), so only the entropy decoder can tell.
  cv::Mat img(192, 256, CV_8UC3);
  cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(img, img, cv::Size(5, 5), 0);
  for (bool progressive : {false, true}) {
    INFO((progressive ? "progressive" : "baseline"));
    std::vector<uchar> buf;
    cv::imencode(".jpg", img, buf, {cv::IMWRITE_JPEG_PROGRESSIVE, progressive ? 1 : 0});
    auto clean = pg::Sanitize(pg::Bytes(buf.begin(), buf.end()), pg::ImageFormat::kJpeg, 1,
                              cv::Mat(), nullptr);
    REQUIRE(clean.ok());
    REQUIRE(pg::VerifySanitized(*clean, 256, 192, {}).ok());
    pg::JpegStructure s;
    REQUIRE(pg::ParseJpeg(clean->bytes, &s).ok());
    std::vector<std::pair<std::size_t, std::size_t>> scans;  // [data start, data end)
    for (const auto& seg : s.segments) {
      if (seg.marker == pg::kJpegSos) scans.emplace_back(seg.offset + seg.size, seg.scan_end);
    }
    REQUIRE((progressive ? scans.size() > 1 : scans.size() == 1));
    const auto [from, to] = *std::max_element(scans.begin(), scans.end(), [](auto a, auto b) {
      return a.second - a.first < b.second - b.first;
    });
    REQUIRE(to - from > 200);
    pg::SanitizedOutput bad = *clean;
    const std::size_t at = from + (to - from) / 2;
    for (std::size_t i = 0; i < 24; i += 2) {
      bad.bytes[at + i] = 0xFF;
      bad.bytes[at + i + 1] = 0x00;
    }
    REQUIRE(bad.bytes.size() == clean->bytes.size());
    RequireRejected(pg::VerifySanitized(bad, 256, 192, {}), "does not decode");
  }
}

namespace {

/// An 8-bit grey PNG of w x h made by hand, Adam7-interlaced when `interlaced`. Pixel (x, y)
/// is (7x + 13y) mod 256. `bad_filter` gives the last stored row filter type 9, which PNG
/// does not define; the zlib stream and every CRC stay valid.
pg::Bytes GreyPng(int w, int h, bool interlaced, bool bad_filter) {
  pg::Bytes raw;
  std::size_t last_row = 0;
  auto add_rows = [&](int x0, int y0, int dx, int dy) {
    if (x0 >= w || y0 >= h) return;  // an empty pass stores no rows
    for (int y = y0; y < h; y += dy) {
      last_row = raw.size();
      raw.push_back(0);  // filter: none
      for (int x = x0; x < w; x += dx) raw.push_back(static_cast<std::uint8_t>(7 * x + 13 * y));
    }
  };
  if (interlaced) {
    for (const auto& [x0, y0, dx, dy] : std::vector<std::array<int, 4>>{
             {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2},
             {0, 1, 1, 2}}) {
      add_rows(x0, y0, dx, dy);
    }
  } else {
    add_rows(0, 0, 1, 1);
  }
  if (bad_filter) raw[last_row] = 9;
  auto be32 = [](pg::Bytes* b, std::uint32_t v) {
    for (int shift : {24, 16, 8, 0}) b->push_back(static_cast<std::uint8_t>(v >> shift));
  };
  pg::Bytes ihdr;
  be32(&ihdr, static_cast<std::uint32_t>(w));
  be32(&ihdr, static_cast<std::uint32_t>(h));
  ihdr.insert(ihdr.end(), {8, 0, 0, 0, static_cast<std::uint8_t>(interlaced ? 1 : 0)});
  pg::Bytes png = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  for (const pg::Bytes& c : {pg::MakePngChunk("IHDR", ihdr),
                             pg::MakePngChunk("IDAT", pg::Deflate(raw)), pg::MakePngChunk("IEND", {})}) {
    png.insert(png.end(), c.begin(), c.end());
  }
  return png;
}

}  // namespace

TEST_CASE("verification decodes every row of every interlace pass of a PNG", "[metadata]") {
  for (bool interlaced : {false, true}) {
    INFO((interlaced ? "Adam7" : "not interlaced"));
    const pg::Bytes good = GreyPng(37, 29, interlaced, false);
    // The hand-made file is what it should be, by OpenCV's reading.
    cv::Mat expected(29, 37, CV_8UC1);
    for (int y = 0; y < 29; ++y) {
      for (int x = 0; x < 37; ++x) expected.at<uchar>(y, x) = static_cast<uchar>(7 * x + 13 * y);
    }
    const cv::Mat read = cv::imdecode(good, cv::IMREAD_UNCHANGED);
    REQUIRE(read.type() == CV_8UC1);
    REQUIRE(cv::norm(read, expected, cv::NORM_INF) == 0);
    CHECK(pg::VerifySanitized(Png(good), 37, 29, {}).ok());
    // Only a decoder that reaches the last row of the last pass sees the bad filter type.
    RequireRejected(pg::VerifySanitized(Png(GreyPng(37, 29, interlaced, true)), 37, 29, {}),
                    "does not decode");
  }
}

TEST_CASE("verification rejects a still WebP whose image data is cut short", "[metadata]") {
  cv::Mat img(96, 128, CV_8UC3);
  cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(255));
  for (int quality : {80, 101}) {  // lossy VP8, lossless VP8L
    INFO("quality " << quality);
    std::vector<uchar> buf;
    cv::imencode(".webp", img, buf, {cv::IMWRITE_WEBP_QUALITY, quality});
    pg::SanitizedOutput out = Jpeg(pg::Bytes(buf.begin(), buf.end()));
    out.format = pg::ImageFormat::kWebp;
    REQUIRE(pg::VerifySanitized(out, 128, 96, {}).ok());
    // A simple file: RIFF header, then one VP8/VP8L chunk. Drop the last third of its data
    // and make both sizes agree, so the container walk passes and only the decoder can tell.
    REQUIRE(out.bytes.size() > 300);
    const std::size_t keep = 20 + (out.bytes.size() - 20) * 2 / 3;
    out.bytes.resize(keep + (keep & 1));
    auto le32 = [&out](std::size_t at, std::size_t v) {
      for (int i = 0; i < 4; ++i) out.bytes[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
    };
    le32(4, out.bytes.size() - 8);
    le32(16, out.bytes.size() - 20);
    RequireRejected(pg::VerifySanitized(out, 128, 96, {}), "does not decode");
  }
}

TEST_CASE("verification rejects the wrong size and the wrong ICC profile", "[metadata]") {
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(1000);
  const pg::SanitizedOutput out = CleanJpeg(icc);
  RequireRejected(pg::VerifySanitized(out, 24, 32, icc), "decoded size 32x24, expected 24x32");
  pg::Bytes other = icc;
  other[500] ^= 1;
  RequireRejected(pg::VerifySanitized(out, 32, 24, other), "ICC profile differs");
  RequireRejected(pg::VerifySanitized(CleanJpeg({}), 32, 24, icc),
                  "ICC profile of the original is missing");
}

TEST_CASE("verification rejects PNG text chunks, bad CRCs, trailers and truncation", "[metadata]") {
  const pg::Bytes png = Encode(".png", Picture(10, 6));
  CHECK(pg::VerifySanitized(Png(png), 10, 6, {}).ok());

  auto with_text = pg::InsertPngChunk(png, "tEXt", pg::PngTextPayload("Author", "Dana"));
  REQUIRE(with_text.ok());
  RequireRejected(pg::VerifySanitized(Png(*with_text), 10, 6, {}),
                  "PNG chunk 'tEXt' is not allowed");

  auto with_exif = pg::InsertPngChunk(png, "eXIf", Str("MM\0*"));
  REQUIRE(with_exif.ok());
  RequireRejected(pg::VerifySanitized(Png(*with_exif), 10, 6, {}), "'eXIf' is not allowed");

  pg::Bytes bad_crc = png;
  bad_crc[bad_crc.size() - 20] ^= 0x01;  // inside the last IDAT
  RequireRejected(pg::VerifySanitized(Png(bad_crc), 10, 6, {}), "bad CRC");

  RequireRejected(pg::VerifySanitized(Png(pg::AppendTrailer(png, Str("tail"))), 10, 6, {}),
                  "4 bytes after IEND");
  RequireRejected(pg::VerifySanitized(Png(pg::Bytes(png.begin(), png.end() - 12)), 10, 6, {}),
                  "without IEND");
  RequireRejected(pg::VerifySanitized(Png(png), 6, 10, {}), "decoded size 10x6, expected 6x10");
}

TEST_CASE("verification compares a PNG's inflated iCCP profile with the original", "[metadata]") {
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(800);
  auto png = pg::EncodePng(Picture(10, 6), icc);
  REQUIRE(png.ok());
  CHECK(pg::VerifySanitized(Png(*png), 10, 6, icc).ok());
  RequireRejected(pg::VerifySanitized(Png(*png), 10, 6, pg::BuildPlaceholderIccProfile(801)),
                  "ICC profile differs");
}

TEST_CASE("verification rejects WebP with EXIF or XMP chunks", "[metadata]") {
  const cv::Mat img = Picture(12, 8);
  auto clean = pg::EncodeWebpLossless(img, {});
  REQUIRE(clean.ok());
  pg::SanitizedOutput out;
  out.format = pg::ImageFormat::kWebp;
  out.bytes = *clean;
  CHECK(pg::VerifySanitized(out, 12, 8, {}).ok());

  auto exif = pg::BuildExifApp1Payload(pg::SyntheticExif{});
  REQUIRE(exif.ok());
  auto with_exif = pg::AddWebpMetadata(*clean, *exif, "", {});
  REQUIRE(with_exif.ok());
  out.bytes = *with_exif;
  RequireRejected(pg::VerifySanitized(out, 12, 8, {}), "residual WebP EXIF chunk");

  auto with_xmp = pg::AddWebpMetadata(*clean, {}, "<x:xmpmeta/>", {});
  REQUIRE(with_xmp.ok());
  out.bytes = *with_xmp;
  RequireRejected(pg::VerifySanitized(out, 12, 8, {}), "residual WebP XMP  chunk");

  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(300);
  auto with_icc = pg::EncodeWebpLossless(img, icc);
  REQUIRE(with_icc.ok());
  out.bytes = *with_icc;
  CHECK(pg::VerifySanitized(out, 12, 8, icc).ok());
  out.bytes.resize(out.bytes.size() - 10);
  CHECK_FALSE(pg::VerifySanitized(out, 12, 8, icc).ok());
}

TEST_CASE("verification rejects bytes whose format is not the one announced", "[metadata]") {
  const pg::Bytes png = Encode(".png", Picture(10, 6));
  RequireRejected(pg::VerifySanitized(Jpeg(png), 10, 6, {}), "not a JPEG");
  pg::SanitizedOutput tiff = Png(Encode(".tiff", Picture(10, 6)));
  tiff.format = pg::ImageFormat::kTiff;
  RequireRejected(pg::VerifySanitized(tiff, 10, 6, {}), "never published");
}

TEST_CASE("the ICC profile is reassembled in chunk order from a JPEG", "[metadata]") {
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(140000);  // three APP2 chunks
  auto jpeg = pg::InsertIccIntoJpeg(Encode(".jpg", Picture(8, 8)), icc);
  REQUIRE(jpeg.ok());
  CHECK(pg::ExtractIcc(*jpeg, pg::ImageFormat::kJpeg) == icc);
  // Swap the first two chunks in the file: the sequence numbers still give the order.
  pg::JpegStructure s;
  REQUIRE(pg::ParseJpeg(*jpeg, &s).ok());
  std::vector<pg::Bytes> app2;
  for (const auto& seg : s.segments) {
    if (seg.marker == pg::kJpegApp2) {
      app2.emplace_back(
          jpeg->begin() + static_cast<std::ptrdiff_t>(seg.payload_offset),
          jpeg->begin() + static_cast<std::ptrdiff_t>(seg.payload_offset + seg.payload_size));
    }
  }
  REQUIRE(app2.size() == 3);
  pg::Bytes swapped = Encode(".jpg", Picture(8, 8));
  for (int i : {1, 0, 2}) swapped = pg::InsertJpegSegment(swapped, pg::kJpegApp2, app2[i]);
  CHECK(pg::ExtractIcc(swapped, pg::ImageFormat::kJpeg) == icc);
  CHECK(pg::ExtractIcc(Encode(".jpg", Picture(8, 8)), pg::ImageFormat::kJpeg).empty());
}

TEST_CASE("a grey PNG keeps an ICC profile that libpng would not accept for it", "[metadata]") {
  // Regression: skimage's page.png (grey, with an iCCP that libpng drops) failed verification
  // as "ICC profile missing" although the profile was carried through byte for byte.
  cv::Mat grey(6, 10, CV_8UC1, cv::Scalar(128));
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(800);  // an RGB profile: wrong for grey
  pg::Bytes png = Encode(".png", grey);
  pg::Bytes iccp = Str("ICC Profile");
  iccp.push_back(0);
  iccp.push_back(0);  // compression method: deflate
  uLongf zlen = compressBound(static_cast<uLong>(icc.size()));
  pg::Bytes z(zlen);
  REQUIRE(compress(z.data(), &zlen, icc.data(), static_cast<uLong>(icc.size())) == Z_OK);
  iccp.insert(iccp.end(), z.begin(), z.begin() + static_cast<long>(zlen));
  auto with_icc = pg::InsertPngChunk(png, "iCCP", iccp, false);
  REQUIRE(with_icc.ok());
  cv::Mat oriented;
  cv::cvtColor(grey, oriented, cv::COLOR_GRAY2BGR);
  auto out = pg::Sanitize(*with_icc, pg::ImageFormat::kPng, 1, oriented, nullptr);
  REQUIRE(out.ok());
  INFO(pg::VerifySanitized(*out, 10, 6, icc).ToString());
  CHECK(pg::VerifySanitized(*out, 10, 6, icc).ok());
}

namespace {

pg::SanitizedOutput Webp(pg::Bytes bytes) {
  pg::SanitizedOutput out;
  out.bytes = std::move(bytes);
  out.format = pg::ImageFormat::kWebp;
  out.extension = ".webp";
  return out;
}

}  // namespace

TEST_CASE("a clean animated GIF with its ICC profile passes verification", "[metadata]") {
  pg::SyntheticGif spec;
  spec.frames = {Picture(16, 10), Picture(16, 10) * 0.5, Picture(16, 10) * 0.2};
  spec.icc = pg::BuildPlaceholderIccProfile(900);
  auto gif = pg::BuildGif(spec);
  REQUIRE(gif.ok());
  const pg::SanitizedOutput out{*gif, pg::ImageFormat::kGif, ".gif"};
  CHECK(pg::VerifySanitized(out, 16, 10, spec.icc).ok());
  CHECK(pg::VerifySanitized(out, 16, 10, {}).ok());
  RequireRejected(pg::VerifySanitized(out, 16, 10, pg::BuildPlaceholderIccProfile(901)),
                  "ICC profile differs");
  spec.icc.clear();
  auto plain = pg::BuildGif(spec);
  REQUIRE(plain.ok());
  RequireRejected(pg::VerifySanitized({*plain, pg::ImageFormat::kGif, ".gif"}, 16, 10,
                                      pg::BuildPlaceholderIccProfile(900)),
                  "ICC profile of the original is missing");
}

TEST_CASE("verification rejects unknown WebP chunks, also inside animation frames",
          "[metadata]") {
  auto clean = pg::EncodeWebpLossless(Picture(12, 8), pg::BuildPlaceholderIccProfile(300));
  REQUIRE(clean.ok());
  pg::Bytes with_unknown = *clean;
  const pg::Bytes chunk = {'A', 'B', 'C', 'D', 2, 0, 0, 0, 'h', 'i'};
  with_unknown.insert(with_unknown.end(), chunk.begin(), chunk.end());
  const std::size_t riff = with_unknown.size() - 8;
  for (int i = 0; i < 4; ++i) with_unknown[4 + i] = static_cast<std::uint8_t>(riff >> (8 * i));
  RequireRejected(pg::VerifySanitized(Webp(with_unknown), 12, 8, {}),
                  "WebP chunk 'ABCD' is not allowed");

  auto anim = pg::BuildAnimatedWebp({Picture(12, 8), Picture(12, 8) * 0.5}, 100, true);
  REQUIRE(anim.ok());
  CHECK(pg::VerifySanitized(Webp(*anim), 12, 8, {}).ok());
  RequireRejected(pg::VerifySanitized(Webp(*anim), 8, 12, {}), "decoded size 12x8, expected 8x12");
  // Grow the last ANMF chunk by an unknown sub-chunk at its end.
  pg::Bytes hidden = *anim;
  std::size_t pos = 12, last_anmf = 0;
  while (pos + 8 <= hidden.size()) {
    const std::size_t len = hidden[pos + 4] | (hidden[pos + 5] << 8) | (hidden[pos + 6] << 16);
    if (std::string(reinterpret_cast<const char*>(&hidden[pos]), 4) == "ANMF") last_anmf = pos;
    pos += 8 + len + (len & 1);
  }
  REQUIRE(last_anmf > 0);
  hidden.insert(hidden.end(), chunk.begin(), chunk.end());
  auto grow = [&](std::size_t at, std::size_t by) {
    std::size_t v = hidden[at] | (hidden[at + 1] << 8) | (hidden[at + 2] << 16) |
                    (static_cast<std::size_t>(hidden[at + 3]) << 24);
    v += by;
    for (int i = 0; i < 4; ++i) hidden[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  grow(4, chunk.size());
  grow(last_anmf + 4, chunk.size());
  RequireRejected(pg::VerifySanitized(Webp(hidden), 12, 8, {}),
                  "WebP frame chunk 'ABCD' is not allowed");
}

TEST_CASE("verification rejects a PNG iCCP chunk that keeps its original profile name",
          "[metadata]") {
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(400);
  pg::Bytes iccp = Str("Dana's camera");
  iccp.push_back(0);
  iccp.push_back(0);
  uLongf zlen = compressBound(static_cast<uLong>(icc.size()));
  pg::Bytes z(zlen);
  REQUIRE(compress(z.data(), &zlen, icc.data(), static_cast<uLong>(icc.size())) == Z_OK);
  iccp.insert(iccp.end(), z.begin(), z.begin() + static_cast<long>(zlen));
  auto png = pg::InsertPngChunk(Encode(".png", Picture(10, 6)), "iCCP", iccp);
  REQUIRE(png.ok());
  RequireRejected(pg::VerifySanitized(Png(*png), 10, 6, icc), "iCCP profile name");
  std::vector<std::string> removed;
  auto out = pg::Sanitize(*png, pg::ImageFormat::kPng, 1, cv::Mat(), &removed);
  REQUIRE(out.ok());
  CHECK(removed == std::vector<std::string>{"PNG iCCP profile name"});
  CHECK(pg::VerifySanitized(*out, 10, 6, icc).ok());
  const std::string text(out->bytes.begin(), out->bytes.end());
  CHECK(text.find("Dana") == std::string::npos);
}
