#include "decode/decode.h"

#include <catch2/catch.hpp>

#include "test_util.h"
#include "skip.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gif_lib.h>
#include <libheif/heif.h>
#include <tiffio.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace pg {
namespace {

const cv::Scalar kRed(0, 0, 255), kBlue(255, 0, 0), kGreen(0, 255, 0), kGrey(128, 128, 128);
constexpr std::uint64_t kMaxPixels = 100'000'000;

// Left half red, right half blue.
cv::Mat RedBlue(int width, int height) {
  cv::Mat img(height, width, CV_8UC3, kRed);
  img(cv::Rect(width / 2, 0, width - width / 2, height)).setTo(kBlue);
  return img;
}

// Grey with a green block in the top-left corner: shows where the stored top-left lands.
cv::Mat GreenCorner(int width, int height, int block) {
  cv::Mat img(height, width, CV_8UC3, kGrey);
  img(cv::Rect(0, 0, block, block)).setTo(kGreen);
  return img;
}

bool Near(const cv::Vec3b& px, const cv::Scalar& want, int tol = 40) {
  for (int c = 0; c < 3; ++c) {
    if (std::abs(px[c] - static_cast<int>(want[c])) > tol) return false;
  }
  return true;
}

Bytes Encode(const std::string& ext, const cv::Mat& img, const std::vector<int>& params = {}) {
  std::vector<uchar> buf;
  REQUIRE(cv::imencode(ext, img, buf, params));
  return Bytes(buf.begin(), buf.end());
}

Bytes ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Bytes Cut(const Bytes& data, double fraction) {
  return Bytes(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(data.size() * fraction));
}

void PutBigEndian16(Bytes* data, std::size_t at, int v) {
  (*data)[at] = static_cast<std::uint8_t>(v >> 8);
  (*data)[at + 1] = static_cast<std::uint8_t>(v & 0xFF);
}

void PutBigEndian32(Bytes* data, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) (*data)[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

std::uint32_t Crc32(const std::uint8_t* p, std::size_t n) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// ---- GIF writer (giflib) over a memory buffer ----

int GifWrite(GifFileType* gif, const GifByteType* buf, int len) {
  auto* out = static_cast<Bytes*>(gif->UserData);
  out->insert(out->end(), buf, buf + len);
  return len;
}

// Writes each frame (palette indices, one byte per pixel) with the given colours (RGB).
Bytes EncodeGif(int width, int height, const std::vector<GifColorType>& colours,
                const std::vector<std::vector<std::uint8_t>>& frames, int transparent = NO_TRANSPARENT_COLOR,
                bool interlace = false) {
  Bytes out;
  int err = 0;
  GifFileType* gif = EGifOpen(&out, GifWrite, &err);
  REQUIRE(gif != nullptr);
  ColorMapObject* map = GifMakeMapObject(8, nullptr);
  for (std::size_t i = 0; i < colours.size() && i < 8; ++i) map->Colors[i] = colours[i];
  EGifSetGifVersion(gif, true);
  REQUIRE(EGifPutScreenDesc(gif, width, height, 3, 0, map) == GIF_OK);
  for (const auto& frame : frames) {
    if (transparent != NO_TRANSPARENT_COLOR) {
      GraphicsControlBlock gcb{DISPOSAL_UNSPECIFIED, false, 0, transparent};
      GifByteType ext[4];
      const size_t len = EGifGCBToExtension(&gcb, ext);
      REQUIRE(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(len), ext) == GIF_OK);
    }
    REQUIRE(EGifPutImageDesc(gif, 0, 0, width, height, interlace, nullptr) == GIF_OK);
    std::vector<int> order;
    if (interlace) {
      for (int y = 0; y < height; y += 8) order.push_back(y);
      for (int y = 4; y < height; y += 8) order.push_back(y);
      for (int y = 2; y < height; y += 4) order.push_back(y);
      for (int y = 1; y < height; y += 2) order.push_back(y);
    } else {
      for (int y = 0; y < height; ++y) order.push_back(y);
    }
    for (int y : order) {
      auto* row = const_cast<GifPixelType*>(frame.data() + static_cast<std::size_t>(y) * width);
      REQUIRE(EGifPutLine(gif, row, width) == GIF_OK);
    }
  }
  GifFreeMapObject(map);
  REQUIRE(EGifCloseFile(gif, &err) == GIF_OK);
  return out;
}

// Palette indices for a red-left / blue-right image: colour 0 red, 1 blue.
std::vector<std::uint8_t> RedBlueIndices(int width, int height) {
  std::vector<std::uint8_t> px(static_cast<std::size_t>(width) * height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) px[static_cast<std::size_t>(y) * width + x] = x < width / 2 ? 0 : 1;
  }
  return px;
}

const std::vector<GifColorType> kGifColours = {{255, 0, 0}, {0, 0, 255}, {0, 255, 0}, {255, 255, 0},
                                               {0, 255, 255}, {255, 0, 255}, {0, 0, 0}, {128, 128, 128}};

// ---- HEIF writer (libheif); empty when no HEVC encoder is installed ----

heif_error HeifWrite(heif_context*, const void* data, size_t size, void* user) {
  auto* out = static_cast<Bytes*>(user);
  const auto* p = static_cast<const std::uint8_t*>(data);
  out->insert(out->end(), p, p + size);
  return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

Bytes EncodeHeif(const cv::Mat& bgr, heif_orientation orientation = heif_orientation_normal) {
  heif_init(nullptr);
  if (!heif_have_encoder_for_format(heif_compression_HEVC)) return {};
  heif_context* ctx = heif_context_alloc();
  heif_encoder* encoder = nullptr;
  REQUIRE(heif_context_get_encoder_for_format(ctx, heif_compression_HEVC, &encoder).code == heif_error_Ok);
  heif_encoder_set_lossy_quality(encoder, 90);
  heif_image* image = nullptr;
  REQUIRE(heif_image_create(bgr.cols, bgr.rows, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &image).code ==
          heif_error_Ok);
  REQUIRE(heif_image_add_plane(image, heif_channel_interleaved, bgr.cols, bgr.rows, 8).code == heif_error_Ok);
  int stride = 0;
  std::uint8_t* plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
  cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, plane, static_cast<std::size_t>(stride));
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  heif_encoding_options* options = heif_encoding_options_alloc();
  options->image_orientation = orientation;
  REQUIRE(heif_context_encode_image(ctx, image, encoder, options, nullptr).code == heif_error_Ok);
  Bytes out;
  heif_writer writer{1, HeifWrite};
  REQUIRE(heif_context_write(ctx, &writer, &out).code == heif_error_Ok);
  heif_encoding_options_free(options);
  heif_image_release(image);
  heif_encoder_release(encoder);
  heif_context_free(ctx);
  return out;
}

// ---- TIFF writer (libtiff) via a temporary file, with an Orientation tag ----

Bytes EncodeTiff(const cv::Mat& bgr, int orientation) {
  const pg::testing::TempDir dir;  // own folder: suites running side by side do not collide
  const auto path = std::filesystem::path(dir.path()) / "orient.tif";
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  REQUIRE(tif != nullptr);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(bgr.cols));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(bgr.rows));
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_ORIENTATION, orientation);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, static_cast<std::uint32_t>(bgr.rows));
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  for (int y = 0; y < rgb.rows; ++y) REQUIRE(TIFFWriteScanline(tif, rgb.ptr(y), static_cast<std::uint32_t>(y), 0) == 1);
  TIFFClose(tif);
  return ReadFile(path);
}

// ---- Animated WebP writer (libwebpmux): frame colours in order ----

Bytes EncodeAnimatedWebp(const std::vector<cv::Scalar>& colours, int width, int height) {
  WebPAnimEncoderOptions anim_options;
  REQUIRE(WebPAnimEncoderOptionsInit(&anim_options));
  WebPAnimEncoder* enc = WebPAnimEncoderNew(width, height, &anim_options);
  REQUIRE(enc != nullptr);
  WebPConfig config;
  REQUIRE(WebPConfigInit(&config));
  config.lossless = 1;
  int timestamp = 0;
  for (const auto& colour : colours) {
    cv::Mat bgra(height, width, CV_8UC4, cv::Scalar(colour[0], colour[1], colour[2], 255));
    WebPPicture pic;
    REQUIRE(WebPPictureInit(&pic));
    pic.width = width;
    pic.height = height;
    pic.use_argb = 1;
    REQUIRE(WebPPictureImportBGRA(&pic, bgra.data, static_cast<int>(bgra.step)));
    REQUIRE(WebPAnimEncoderAdd(enc, &pic, timestamp, &config));
    WebPPictureFree(&pic);
    timestamp += 100;
  }
  REQUIRE(WebPAnimEncoderAdd(enc, nullptr, timestamp, nullptr));
  WebPData webp;
  WebPDataInit(&webp);
  REQUIRE(WebPAnimEncoderAssemble(enc, &webp));
  Bytes out(webp.bytes, webp.bytes + webp.size);
  WebPDataClear(&webp);
  WebPAnimEncoderDelete(enc);
  return out;
}

void CheckRedBlue(const DecodedImage& img, int width, int height) {
  REQUIRE(img.bgr.type() == CV_8UC3);
  REQUIRE(img.bgr.cols == width);
  REQUIRE(img.bgr.rows == height);
  CHECK(Near(img.bgr.at<cv::Vec3b>(height / 2, width / 4), kRed));
  CHECK(Near(img.bgr.at<cv::Vec3b>(height / 2, 3 * width / 4), kBlue));
}

}  // namespace

TEST_CASE("every format decodes to its stored size with the right colours", "[decode]") {
  const int w = 64, h = 48;
  const cv::Mat img = RedBlue(w, h);
  struct Case {
    const char* name;
    Bytes bytes;
    ImageFormat format;
  };
  std::vector<Case> cases = {
      {"jpeg", Encode(".jpg", img, {cv::IMWRITE_JPEG_QUALITY, 95}), ImageFormat::kJpeg},
      {"png", Encode(".png", img), ImageFormat::kPng},
      {"webp", Encode(".webp", img, {cv::IMWRITE_WEBP_QUALITY, 95}), ImageFormat::kWebp},
      {"tiff", Encode(".tiff", img), ImageFormat::kTiff},
      {"gif", EncodeGif(w, h, kGifColours, {RedBlueIndices(w, h)}), ImageFormat::kGif},
  };
  const Bytes heif = EncodeHeif(img);
  if (heif.empty()) {
    pg::testing::SkipTest(
        "no HEVC encoder in libheif: the HEIF case did not run (the other formats did)");
  } else {
    cases.push_back({"heif", heif, ImageFormat::kHeif});
  }
  for (const auto& c : cases) {
    SECTION(c.name) {
      CHECK(SniffFormat(c.bytes) == c.format);
      auto dims = ReadDimensions(c.bytes, c.format);
      REQUIRE(dims.ok());
      CHECK(*dims == std::pair<int, int>(w, h));
      auto decoded = DecodeImage(c.bytes, 1, kMaxPixels);
      INFO(decoded.status().ToString());
      REQUIRE(decoded.ok());
      CHECK(decoded->format == c.format);
      CHECK(decoded->stored_width == w);
      CHECK(decoded->stored_height == h);
      CHECK(decoded->orientation_applied == 1);
      CheckRedBlue(*decoded, w, h);
    }
  }
}

TEST_CASE("grey, 16-bit and transparent PNGs become 8-bit BGR with transparency on white", "[decode]") {
  cv::Mat grey(20, 30, CV_8UC1, cv::Scalar(200));
  auto g = DecodeImage(Encode(".png", grey), 1, kMaxPixels);
  REQUIRE(g.ok());
  CHECK(g->bgr.type() == CV_8UC3);
  CHECK(g->bgr.at<cv::Vec3b>(5, 5) == cv::Vec3b(200, 200, 200));

  cv::Mat deep(20, 30, CV_16UC3, cv::Scalar(65535, 0, 0));  // 16-bit blue
  auto d = DecodeImage(Encode(".png", deep), 1, kMaxPixels);
  REQUIRE(d.ok());
  CHECK(d->bgr.type() == CV_8UC3);
  CHECK(d->bgr.at<cv::Vec3b>(5, 5) == cv::Vec3b(255, 0, 0));

  cv::Mat bgra(20, 30, CV_8UC4, cv::Scalar(0, 0, 255, 255));  // opaque red ...
  bgra(cv::Rect(15, 0, 15, 20)).setTo(cv::Scalar(0, 0, 0, 0));  // ... right half fully transparent
  auto t = DecodeImage(Encode(".png", bgra), 1, kMaxPixels);
  REQUIRE(t.ok());
  CHECK(t->bgr.at<cv::Vec3b>(10, 5) == cv::Vec3b(0, 0, 255));
  CHECK(t->bgr.at<cv::Vec3b>(10, 25) == cv::Vec3b(255, 255, 255));
}

TEST_CASE("GIF: transparency is white, interlaced rows land in place, first frame only", "[decode]") {
  const int w = 16, h = 16;
  std::vector<std::uint8_t> half_clear = RedBlueIndices(w, h);
  for (auto& px : half_clear) px = px == 1 ? 7 : 0;  // right half uses index 7 = transparent
  auto t = DecodeImage(EncodeGif(w, h, kGifColours, {half_clear}, 7), 1, kMaxPixels);
  REQUIRE(t.ok());
  CHECK(t->bgr.at<cv::Vec3b>(8, 2) == cv::Vec3b(0, 0, 255));
  CHECK(t->bgr.at<cv::Vec3b>(8, 12) == cv::Vec3b(255, 255, 255));

  std::vector<std::uint8_t> stripes(static_cast<std::size_t>(w) * h);
  for (int y = 0; y < h; ++y) std::fill_n(stripes.begin() + y * w, w, static_cast<std::uint8_t>(y % 8));
  auto s = DecodeImage(EncodeGif(w, h, kGifColours, {stripes}, NO_TRANSPARENT_COLOR, true), 1, kMaxPixels);
  REQUIRE(s.ok());
  for (int y = 0; y < h; ++y) {
    const GifColorType& c = kGifColours[static_cast<std::size_t>(y % 8)];
    INFO("row " << y);
    CHECK(s->bgr.at<cv::Vec3b>(y, 3) == cv::Vec3b(c.Blue, c.Green, c.Red));
  }

  std::vector<std::uint8_t> all_blue(static_cast<std::size_t>(w) * h, 1);
  auto a = DecodeImage(EncodeGif(w, h, kGifColours, {RedBlueIndices(w, h), all_blue}), 1, kMaxPixels);
  REQUIRE(a.ok());
  CheckRedBlue(*a, w, h);
}

TEST_CASE("animated WebP decodes its first frame", "[decode]") {
  const Bytes anim = EncodeAnimatedWebp({kRed, kBlue}, 32, 24);
  REQUIRE(SniffFormat(anim) == ImageFormat::kWebp);
  auto decoded = DecodeImage(anim, 1, kMaxPixels);
  INFO(decoded.status().ToString());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->bgr.size() == cv::Size(32, 24));
  CHECK(decoded->bgr.at<cv::Vec3b>(12, 16) == cv::Vec3b(0, 0, 255));
}

TEST_CASE("ApplyOrientation puts the stored corners where EXIF orientations 1..8 say", "[decode][orientation]") {
  // 4x2 stored image; A = stored top-left, B = stored top-right.
  cv::Mat src(2, 4, CV_8UC1, cv::Scalar(0));
  src.at<uchar>(0, 0) = 'A';
  src.at<uchar>(0, 3) = 'B';
  struct Expect {
    int orientation;
    cv::Size size;
    cv::Point a, b;  // where A and B end up (x, y)
  };
  const std::vector<Expect> table = {
      {1, {4, 2}, {0, 0}, {3, 0}}, {2, {4, 2}, {3, 0}, {0, 0}}, {3, {4, 2}, {3, 1}, {0, 1}},
      {4, {4, 2}, {0, 1}, {3, 1}}, {5, {2, 4}, {0, 0}, {0, 3}}, {6, {2, 4}, {1, 0}, {1, 3}},
      {7, {2, 4}, {1, 3}, {1, 0}}, {8, {2, 4}, {0, 3}, {0, 0}},
  };
  for (const auto& e : table) {
    INFO("orientation " << e.orientation);
    const cv::Mat out = ApplyOrientation(src, e.orientation);
    REQUIRE(out.size() == e.size);
    CHECK(out.at<uchar>(e.a) == 'A');
    CHECK(out.at<uchar>(e.b) == 'B');
  }
  CHECK(src.at<uchar>(0, 0) == 'A');  // input untouched
  const cv::Mat same = ApplyOrientation(src, 9);  // out of range: unchanged copy
  CHECK(same.size() == src.size());
  CHECK(same.data != src.data);
}

TEST_CASE("EXIF orientation 6 turns a wide JPEG or PNG tall, its top-left corner to the top-right", "[decode][orientation]") {
  const cv::Mat wide = GreenCorner(80, 48, 16);
  for (const char* ext : {".jpg", ".png", ".webp"}) {
    INFO(ext);
    auto decoded = DecodeImage(Encode(ext, wide), 6, kMaxPixels);
    REQUIRE(decoded.ok());
    CHECK(decoded->stored_width == 80);
    CHECK(decoded->stored_height == 48);
    CHECK(decoded->orientation_applied == 6);
    REQUIRE(decoded->bgr.size() == cv::Size(48, 80));
    CHECK(Near(decoded->bgr.at<cv::Vec3b>(4, 43), kGreen));  // top-right
    CHECK(Near(decoded->bgr.at<cv::Vec3b>(4, 4), kGrey));
    CHECK(Near(decoded->bgr.at<cv::Vec3b>(75, 43), kGrey));
  }
}

TEST_CASE("all 8 EXIF orientations decode a PNG with the stored corner where expected", "[decode][orientation]") {
  const cv::Mat wide = GreenCorner(40, 20, 4);
  const Bytes png = Encode(".png", wide);
  const std::vector<cv::Point> corner = {{0, 0}, {39, 0}, {39, 19}, {0, 19},  // 1..4 (40x20)
                                         {0, 0}, {19, 0}, {19, 39}, {0, 39}};  // 5..8 (20x40)
  for (int o = 1; o <= 8; ++o) {
    INFO("orientation " << o);
    auto decoded = DecodeImage(png, o, kMaxPixels);
    REQUIRE(decoded.ok());
    CHECK(decoded->bgr.size() == (o <= 4 ? cv::Size(40, 20) : cv::Size(20, 40)));
    CHECK(decoded->bgr.at<cv::Vec3b>(corner[static_cast<std::size_t>(o - 1)]) == cv::Vec3b(0, 255, 0));
  }
  auto bogus = DecodeImage(png, 0, kMaxPixels);  // 0 and out-of-range values count as 1
  REQUIRE(bogus.ok());
  CHECK(bogus->orientation_applied == 1);
  CHECK(bogus->bgr.size() == cv::Size(40, 20));
}

TEST_CASE("TIFF follows its own Orientation tag and ignores the EXIF value", "[decode][orientation]") {
  const Bytes tiff = EncodeTiff(GreenCorner(40, 20, 4), 6);
  for (int exif : {1, 3}) {
    auto decoded = DecodeImage(tiff, exif, kMaxPixels);
    INFO(decoded.status().ToString());
    REQUIRE(decoded.ok());
    CHECK(decoded->orientation_applied == 6);
    CHECK(decoded->stored_width == 40);
    REQUIRE(decoded->bgr.size() == cv::Size(20, 40));
    CHECK(decoded->bgr.at<cv::Vec3b>(0, 19) == cv::Vec3b(0, 255, 0));
  }
  auto mirrored = DecodeImage(EncodeTiff(GreenCorner(40, 20, 4), 2), 1, kMaxPixels);
  REQUIRE(mirrored.ok());
  CHECK(mirrored->bgr.at<cv::Vec3b>(0, 39) == cv::Vec3b(0, 255, 0));
}

TEST_CASE("HEIF applies its own irot and ignores the EXIF value", "[decode][orientation]") {
  const Bytes heif = EncodeHeif(GreenCorner(64, 48, 16), heif_orientation_rotate_90_cw);
  if (heif.empty()) {
    pg::testing::SkipTest("no HEVC encoder in libheif (Debian: libheif1 built with x265)");
    return;
  }
  auto decoded = DecodeImage(heif, 3, kMaxPixels);
  INFO(decoded.status().ToString());
  REQUIRE(decoded.ok());
  // (libheif 1.15's encoder writes a rotated second ispe box, so stored_* is not checked here;
  // the iPhone [testdata] file checks it.)
  CHECK(decoded->orientation_applied == 1);
  REQUIRE(decoded->bgr.size() == cv::Size(48, 64));
  CHECK(Near(decoded->bgr.at<cv::Vec3b>(4, 43), kGreen));
  CHECK(Near(decoded->bgr.at<cv::Vec3b>(59, 4), kGrey));
}

TEST_CASE("truncated or corrupt files are errors, not partial images", "[decode]") {
  const cv::Mat img = RedBlue(96, 64);
  cv::Mat noisy(64, 96, CV_8UC3);
  cv::randu(noisy, 0, 255);  // noise compresses badly: the cut lands inside the image data
  SECTION("JPEG cut at 60%") {
    auto r = DecodeImage(Cut(Encode(".jpg", noisy), 0.6), 1, kMaxPixels);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadData);
    CHECK_THAT(r.status().message(), Catch::Contains("JPEG"));
  }
  SECTION("PNG with a broken IDAT CRC") {
    Bytes png = Encode(".png", noisy);
    std::size_t idat = 8;
    while (idat + 8 < png.size() && std::string(png.begin() + idat + 4, png.begin() + idat + 8) != "IDAT") {
      idat += 12 + (std::uint32_t{png[idat]} << 24 | std::uint32_t{png[idat + 1]} << 16 |
                    std::uint32_t{png[idat + 2]} << 8 | png[idat + 3]);
    }
    REQUIRE(idat + 8 < png.size());
    const std::uint32_t len = std::uint32_t{png[idat]} << 24 | std::uint32_t{png[idat + 1]} << 16 |
                              std::uint32_t{png[idat + 2]} << 8 | png[idat + 3];
    png[idat + 8 + len] ^= 0x5A;  // first CRC byte
    auto r = DecodeImage(png, 1, kMaxPixels);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadData);
    CHECK_THAT(r.status().message(), Catch::Contains("CRC"));
  }
  SECTION("PNG cut at 60%") {
    auto r = DecodeImage(Cut(Encode(".png", noisy), 0.6), 1, kMaxPixels);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadData);
  }
  SECTION("PNG without its IEND chunk") {
    Bytes png = Encode(".png", img);
    REQUIRE(png.size() > 12);
    png.erase(png.end() - 12, png.end());
    auto r = DecodeImage(png, 1, kMaxPixels);
    CHECK(r.status().code() == Code::kBadData);
  }
  SECTION("WebP cut at 60%, lossy and lossless") {
    for (int quality : {80, 101}) {  // > 100 selects lossless
      auto r = DecodeImage(Cut(Encode(".webp", noisy, {cv::IMWRITE_WEBP_QUALITY, quality}), 0.6), 1, kMaxPixels);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Code::kBadData);
      CHECK_THAT(r.status().message(), Catch::Contains("WebP"));
    }
  }
  SECTION("TIFF cut at 60%") {
    auto r = DecodeImage(Cut(Encode(".tiff", noisy), 0.6), 1, kMaxPixels);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadData);
  }
  SECTION("GIF cut at 60%") {
    std::vector<std::uint8_t> px(96 * 64);
    std::mt19937 rng(7);
    for (auto& p : px) p = static_cast<std::uint8_t>(rng() % 8);
    auto r = DecodeImage(Cut(EncodeGif(96, 64, kGifColours, {px}), 0.6), 1, kMaxPixels);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadData);
  }
  SECTION("HEIF cut at 60%") {
    const Bytes heif = EncodeHeif(noisy);
    if (heif.empty()) {
      pg::testing::SkipTest("no HEVC encoder in libheif: the cut HEIF case did not run");
      return;
    }
    auto r = DecodeImage(Cut(heif, 0.6), 1, kMaxPixels);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadData);
  }
}

TEST_CASE("a header claiming 30000x30000 is refused as too large before decoding", "[decode]") {
  SECTION("JPEG with a patched SOF") {
    Bytes jpeg = Encode(".jpg", RedBlue(64, 48));
    std::size_t sof = 2;  // walk the marker segments to SOF0
    while (sof + 9 < jpeg.size() && jpeg[sof + 1] != 0xC0) sof += 2 + (jpeg[sof + 2] << 8 | jpeg[sof + 3]);
    REQUIRE(jpeg[sof + 1] == 0xC0);
    PutBigEndian16(&jpeg, sof + 5, 30000);  // height
    PutBigEndian16(&jpeg, sof + 7, 30000);  // width
    auto dims = ReadDimensions(jpeg, ImageFormat::kJpeg);
    REQUIRE(dims.ok());
    CHECK(*dims == std::pair<int, int>(30000, 30000));
    auto r = DecodeImage(jpeg, 1, kMaxPixels);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kTooLarge);
    CHECK_THAT(r.status().message(), Catch::Contains("30000x30000"));
  }
  SECTION("PNG with a patched IHDR and a valid CRC") {
    Bytes png = Encode(".png", RedBlue(64, 48));
    PutBigEndian32(&png, 16, 30000);
    PutBigEndian32(&png, 20, 30000);
    PutBigEndian32(&png, 29, Crc32(png.data() + 12, 17));  // CRC over "IHDR" + 13 data bytes
    auto r = DecodeImage(png, 1, kMaxPixels);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kTooLarge);
    CHECK_THAT(r.status().message(), Catch::Contains("30000x30000"));
  }
  SECTION("a GIF frame far bigger than its logical screen") {
    Bytes gif = EncodeGif(8, 8, kGifColours, {std::vector<std::uint8_t>(64, 1)});
    const std::size_t desc = 13 + 3 * 8;  // header + screen descriptor + 8-colour global table
    REQUIRE(gif[desc] == 0x2C);
    gif[desc + 5] = gif[desc + 6] = gif[desc + 7] = gif[desc + 8] = 0xFF;  // 65535 x 65535
    auto r = DecodeImage(gif, 1, kMaxPixels);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kTooLarge);
  }
  SECTION("the limit itself is honoured") {
    const Bytes png = Encode(".png", RedBlue(64, 48));
    CHECK(DecodeImage(png, 1, 64 * 48).ok());
    CHECK(DecodeImage(png, 1, 64 * 48 - 1).status().code() == Code::kTooLarge);
  }
}

TEST_CASE("random bytes and an empty buffer are unsupported, garbage after a magic number is bad data", "[decode]") {
  auto empty = DecodeImage(Bytes{}, 1, kMaxPixels);
  CHECK(empty.status().code() == Code::kUnsupported);
  auto html = DecodeImage(Bytes{'<', 'h', 't', 'm', 'l', '>'}, 1, kMaxPixels);
  CHECK(html.status().code() == Code::kUnsupported);
  CHECK(html.status().message() == "not a supported image: text, not an image");
  CHECK(empty.status().message() == "not a supported image: an empty file");
  // Messages never echo a file's content (a path may point at /etc/shadow).
  const std::string secret = "root:$6$saltsalt$hashhash:19000:0:99999:7:::\n";
  auto shadow = DecodeImage(Bytes(secret.begin(), secret.end()), 1, kMaxPixels);
  CHECK(shadow.status().message() == "not a supported image: text, not an image");
  auto binary = DecodeImage(Bytes{0x00, 0x72, 0x6f, 0x6f, 0x74, 0x01}, 1, kMaxPixels);
  CHECK(binary.status().message() ==
        "not a supported image: no supported image format (JPEG, PNG, WebP, HEIF/AVIF, TIFF, GIF)");
  std::mt19937 rng(1234);
  for (int i = 0; i < 50; ++i) {
    Bytes noise(static_cast<std::size_t>(1 + rng() % 2000));
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
    noise[0] = 0x00;  // never a magic number
    CHECK(DecodeImage(noise, 1, kMaxPixels).status().code() == Code::kUnsupported);
  }
  const std::vector<Bytes> magics = {{0xFF, 0xD8, 0xFF},
                                     {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
                                     {'R', 'I', 'F', 'F', 0x40, 0, 0, 0, 'W', 'E', 'B', 'P'},
                                     {'G', 'I', 'F', '8', '9', 'a'},
                                     {'I', 'I', '*', 0},
                                     {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c'}};
  for (const auto& magic : magics) {
    for (int i = 0; i < 20; ++i) {
      Bytes data = magic;
      const std::size_t extra = rng() % 300;
      for (std::size_t k = 0; k < extra; ++k) data.push_back(static_cast<std::uint8_t>(rng()));
      auto r = DecodeImage(data, 1, kMaxPixels);
      INFO(HexPrefix(data, 12) << " -> " << r.status().ToString());
      CHECK_FALSE(r.ok());
      CHECK((r.status().code() == Code::kBadData || r.status().code() == Code::kUnsupported ||
             r.status().code() == Code::kTooLarge));
      CHECK_FALSE(r.status().message().empty());
    }
  }
}

TEST_CASE("each decode reports its own error: a failed call leaves nothing behind for the next",
          "[decode]") {
  // The libraries keep error state (libpng/libjpeg longjmp, libtiff handlers): interleave
  // failing and good decodes of every format, in a fixed order, on one thread.
  cv::Mat noisy(64, 96, CV_8UC3);
  cv::randu(noisy, 0, 255);
  const std::vector<Bytes> good = {Encode(".jpg", noisy), Encode(".png", noisy), Encode(".webp", noisy),
                                   Encode(".tiff", noisy), EncodeGif(16, 16, kGifColours, {RedBlueIndices(16, 16)})};
  std::vector<std::pair<Bytes, std::string>> bad;  // a cut file, the format its error names
  for (const char* ext : {".jpg", ".png", ".webp", ".tiff"}) bad.emplace_back(Cut(Encode(ext, noisy), 0.6), "");
  bad[1].second = "PNG";
  bad[3].second = "TIFF";
  for (const auto& [broken, names] : bad) {
    for (const auto& bytes : good) {
      auto failed = DecodeImage(broken, 1, kMaxPixels);
      REQUIRE_FALSE(failed.ok());
      if (!names.empty()) CHECK_THAT(failed.status().message(), Catch::Contains(names));
      auto ok = DecodeImage(bytes, 1, kMaxPixels);
      INFO(ok.status().ToString());
      CHECK(ok.ok());
    }
  }
}

// A smoke test only: several threads at once neither crash nor mix up results here, but a
// passing run cannot show that a race is absent (that needs ThreadSanitizer).
TEST_CASE("decoding on four threads at once: every call gets its own result (smoke test)", "[decode]") {
  cv::Mat noisy(64, 96, CV_8UC3);
  cv::randu(noisy, 0, 255);
  const std::vector<Bytes> good = {Encode(".jpg", noisy), Encode(".png", noisy), Encode(".webp", noisy),
                                   Encode(".tiff", noisy), EncodeGif(16, 16, kGifColours, {RedBlueIndices(16, 16)})};
  const Bytes bad_tiff = Cut(Encode(".tiff", noisy), 0.6);
  const Bytes bad_png = Cut(Encode(".png", noisy), 0.6);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 10; ++round) {
        for (const auto& bytes : good) {
          if (!DecodeImage(bytes, 1, kMaxPixels).ok()) ++failures;
        }
        auto tiff = DecodeImage(bad_tiff, 1, kMaxPixels);
        if (tiff.ok() || tiff.status().message().find("TIFF") == std::string::npos) ++failures;
        auto png = DecodeImage(bad_png, 1, kMaxPixels);
        if (png.ok() || png.status().message().find("PNG") == std::string::npos) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
}

// ---- third-party files, used in place ----

namespace {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<std::vector<std::string>> ReadIndex(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  REQUIRE(in.good());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(SplitCsvLine(line));
  }
  return rows;
}

}  // namespace

TEST_CASE("every malformed test file is sniffed and decoded without crash or hang", "[decode][testdata]") {
  const std::filesystem::path dir = std::filesystem::path(PG_TESTDATA_DIR) / "malformed";
  const auto rows = ReadIndex(dir / "INDEX.csv");
  REQUIRE(rows.size() > 50);
  std::ostringstream summary;
  int decoded_count = 0;
  for (const auto& row : rows) {
    const std::string& file = row[0];
    const Bytes data = ReadFile(dir / file);
    REQUIRE(data.size() == std::stoul(row[1]));
    // A hang is caught by the test's ctest TIMEOUT (tests/CMakeLists.txt), not by a clock here.
    auto result = DecodeImage(data, 1, 50'000'000);
    INFO(file << " -> " << result.status().ToString());
    if (result.ok()) {
      ++decoded_count;
      CHECK(result->bgr.type() == CV_8UC3);
      CHECK_FALSE(result->bgr.empty());
      summary << "  decoded  " << file << " (" << ImageFormatName(result->format) << " "
              << result->bgr.cols << "x" << result->bgr.rows << ")\n";
    } else {
      CHECK_FALSE(result.status().message().empty());
      summary << "  refused  " << file << ": " << result.status().ToString() << "\n";
    }
  }
  // Known-bad files must be refused; the unusual-but-valid 8-bit encodings must decode.
  auto outcome = [&](const std::string& file) {
    return DecodeImage(ReadFile(dir / file), 1, 50'000'000).status().code();
  };
  CHECK(outcome("pillow/truncated_jpeg.jpg") == Code::kBadData);
  CHECK(outcome("pillow/truncated_image.png") == Code::kBadData);
  CHECK(outcome("pillow/broken_data_stream.png") == Code::kBadData);
  CHECK(outcome("libpng_crashers/badcrc.png") == Code::kBadData);
  CHECK(outcome("libpng_crashers/badadler.png") == Code::kBadData);
  CHECK(outcome("pillow/zero_width.gif") == Code::kBadData);
  CHECK(outcome("exiv2_poc/issue_2160_poc.jpg") == Code::kUnsupported);  // JPEG 2000 named .jpg
  CHECK(outcome("unusual_valid/testimgari.jpg") == Code::kOk);           // arithmetic coding
  CHECK(outcome("unusual_valid/monkey16.png") == Code::kOk);             // 16-bit PNG
  std::cout << "malformed/: " << decoded_count << " of " << rows.size() << " decoded\n" << summary.str();
}

TEST_CASE("orientation test files decode wide or tall as their EXIF orientation says", "[decode][testdata]") {
  const std::filesystem::path dir = std::filesystem::path(PG_TESTDATA_DIR) / "metadata";
  int checked = 0;
  for (const auto& row : ReadIndex(dir / "INDEX.csv")) {
    const std::string& file = row[0];
    const std::string& features = row[4];
    const auto at = features.find("Orientation=");
    const auto x = row[2].find('x');
    static const std::set<std::string> kDecodable = {"JPEG", "PNG", "TIFF", "HEIC", "HEIF", "AVIF",
                                                     "WEBP", "Extended WEBP", "GIF"};
    if (at == std::string::npos || x == std::string::npos || kDecodable.count(row[1]) == 0) continue;
    const int orientation = features[at + 12] - '0';
    const int w = std::stoi(row[2].substr(0, x)), h = std::stoi(row[2].substr(x + 1));
    const cv::Size expected = orientation >= 5 && orientation <= 8 ? cv::Size(h, w) : cv::Size(w, h);
    auto decoded = DecodeImage(ReadFile(dir / file), orientation, kMaxPixels);
    INFO(file << " Orientation=" << orientation << " " << row[2] << " -> " << decoded.status().ToString());
    REQUIRE(decoded.ok());
    CHECK(decoded->bgr.size() == expected);
    ++checked;
  }
  CHECK(checked >= 30);
  // The Landscape_N set shows one scene: every oriented version is 1800x1200.
  for (int n = 0; n <= 8; ++n) {
    auto d = DecodeImage(ReadFile(dir / "orientation" / ("Landscape_" + std::to_string(n) + ".jpg")), n, kMaxPixels);
    REQUIRE(d.ok());
    CHECK(d->bgr.size() == cv::Size(1800, 1200));
  }
}

TEST_CASE("a real iPhone HEIC decodes, a DNG is refused rather than judged by its preview", "[decode][testdata]") {
  const std::filesystem::path root(PG_TESTDATA_DIR);
  const Bytes heic = ReadFile(root / "detection/negatives/IMG_3578.heic");
  REQUIRE(SniffFormat(heic) == ImageFormat::kHeif);
  auto decoded = DecodeImage(heic, 1, kMaxPixels);
  INFO(decoded.status().ToString());
  REQUIRE(decoded.ok());
  CHECK(decoded->bgr.type() == CV_8UC3);
  CHECK(decoded->bgr.total() == static_cast<std::size_t>(decoded->stored_width) * decoded->stored_height);
  // An iPhone photo stored 4032x3024 with irot (and EXIF Orientation=6) comes out tall.
  auto rotated = DecodeImage(ReadFile(root / "metadata/exiv2/2021-02-13-1929.heic"), 6, kMaxPixels);
  REQUIRE(rotated.ok());
  CHECK(rotated->stored_width == 4032);
  CHECK(rotated->stored_height == 3024);
  CHECK(rotated->bgr.size() == cv::Size(3024, 4032));
  auto dng = DecodeImage(ReadFile(root / "metadata/exiftool/DNG.dng"), 1, kMaxPixels);
  CHECK(dng.status().code() == Code::kUnsupported);
}

}  // namespace pg

TEST_CASE("colours under transparent pixels are kept for analysis", "[decode]") {
  cv::Mat bgra(20, 30, CV_8UC4, cv::Scalar(10, 20, 30, 255));
  std::vector<uchar> buf;
  cv::imencode(".png", bgra, buf);
  auto opaque = pg::DecodeImage(pg::Bytes(buf.begin(), buf.end()), 1, 1'000'000);
  REQUIRE(opaque.ok());
  CHECK(opaque->hidden_bgr.empty());

  bgra(cv::Rect(0, 0, 10, 20)).setTo(cv::Scalar(0, 0, 255, 0));  // invisible red
  cv::imencode(".png", bgra, buf);
  auto r = pg::DecodeImage(pg::Bytes(buf.begin(), buf.end()), 6, 1'000'000);
  REQUIRE(r.ok());
  REQUIRE(r->hidden_bgr.size() == r->bgr.size());
  CHECK(r->bgr.size() == cv::Size(20, 30));  // oriented like bgr
  CHECK(r->bgr.at<cv::Vec3b>(0, 19) == cv::Vec3b(255, 255, 255));  // composited on white
  CHECK(r->hidden_bgr.at<cv::Vec3b>(0, 19) == cv::Vec3b(0, 0, 255));
}
