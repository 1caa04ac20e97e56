#include "metadata/gif_strip.h"

#include <catch2/catch.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "decode/decode.h"
#include "metadata/frames.h"
#include "metadata/gif_blocks.h"
#include "metadata/icc_profile.h"
#include "metadata/metadata_inventory.h"
#include "metadata/synthetic_animation.h"
#include "metadata/synthetic_metadata.h"
#include "metadata/verify.h"

namespace {

cv::Mat Frame(int w, int h, int seed) {
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::rectangle(img, {seed * 3, 2}, {seed * 3 + w / 3, h - 3}, cv::Scalar(255, 255, 0), -1);
  cv::circle(img, {w - 6, h / 2}, 4, cv::Scalar(0, 0, 255), -1);
  return img;
}

pg::Bytes Str(const std::string& s) { return pg::Bytes(s.begin(), s.end()); }

const char* kXmp =
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
    "22-rdf-syntax-ns#\"><rdf:Description xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
    "<dc:creator><rdf:Seq><rdf:li>Dana Reyes</rdf:li></rdf:Seq></dc:creator>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>";

/// Blocks of one kind, as bytes, in file order.
std::vector<pg::Bytes> Blocks(const pg::Bytes& gif, std::uint8_t introducer, std::uint8_t label) {
  pg::GifLayout layout;
  REQUIRE(pg::ParseGifLayout(gif, &layout).ok());
  std::vector<pg::Bytes> out;
  for (const auto& b : layout.blocks) {
    if (b.introducer == introducer && b.label == label) {
      out.emplace_back(gif.begin() + static_cast<std::ptrdiff_t>(b.offset),
                       gif.begin() + static_cast<std::ptrdiff_t>(b.offset + b.size));
    }
  }
  return out;
}

/// `gif` with raw bytes inserted right after the header (before the first block).
pg::Bytes InsertAfterHeader(const pg::Bytes& gif, const pg::Bytes& raw) {
  pg::GifLayout layout;
  REQUIRE(pg::ParseGifLayout(gif, &layout).ok());
  pg::Bytes out = gif;
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(layout.header_size), raw.begin(), raw.end());
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

pg::Bytes LoadedGif(const pg::Bytes& icc) {
  pg::SyntheticGif spec;
  spec.frames = {Frame(30, 20, 0), Frame(30, 20, 1), Frame(30, 20, 2)};
  spec.loop_count = 3;
  spec.comment = "Photo by Mr. Smith";
  spec.xmp = kXmp;
  spec.icc = icc;
  spec.plain_text = "Dana Reyes";
  spec.app_id = "ImageMagick";
  spec.app_data = Str("gamma=0.45455");
  auto gif = pg::BuildGif(spec);
  REQUIRE(gif.ok());
  return *gif;
}

}  // namespace

TEST_CASE("stripping a GIF keeps frames and colour tables byte for byte and drops comments and XMP",
          "[metadata]") {
  const pg::Bytes icc = pg::BuildPlaceholderIccProfile(600);
  const pg::Bytes original = LoadedGif(icc);
  REQUIRE(pg::InspectMetadata(original, pg::ImageFormat::kGif).texts.size() >= 3);
  std::vector<std::string> removed;
  auto out = pg::StripGifBlocks(original, &removed);
  REQUIRE(out.ok());

  pg::GifLayout before, after;
  REQUIRE(pg::ParseGifLayout(original, &before).ok());
  REQUIRE(pg::ParseGifLayout(*out, &after).ok());
  CHECK(pg::Bytes(out->begin(), out->begin() + static_cast<std::ptrdiff_t>(after.header_size)) ==
        pg::Bytes(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(before.header_size)));
  CHECK(Blocks(*out, 0x2C, 0) == Blocks(original, 0x2C, 0));
  CHECK(Blocks(*out, 0x2C, 0).size() == 3);
  CHECK(Blocks(*out, 0x21, 0xF9) == Blocks(original, 0x21, 0xF9));
  CHECK(Blocks(*out, 0x21, 0xFE).empty());
  CHECK(Blocks(*out, 0x21, 0x01).empty());
  CHECK(pg::FrameCount(*out, pg::ImageFormat::kGif) == 3);
  CHECK(pg::ExtractIcc(*out, pg::ImageFormat::kGif) == icc);
  for (const char* what : {"GIF comment", "GIF plain text", "GIF application XMP DataXMP",
                           "GIF application ImageMagick"}) {
    INFO(what);
    CHECK(Contains(removed, what));
  }
  CHECK(removed.size() == 4);

  const pg::MetadataFacts facts = pg::InspectMetadata(*out, pg::ImageFormat::kGif);
  CHECK(facts.texts.empty());
  REQUIRE(facts.found.size() == 1);
  CHECK(facts.found[0].kind == "icc");
  const std::string text(out->begin(), out->end());
  CHECK(text.find("Dana") == std::string::npos);
  CHECK(text.find("Smith") == std::string::npos);
  CHECK(text.find("NETSCAPE2.0\x03\x01\x03", 0) != std::string::npos);  // loop count kept

  auto decoded = pg::DecodeImage(*out, 1, 1'000'000);
  REQUIRE(decoded.ok());
  CHECK(cv::norm(decoded->bgr, pg::GifPaletteColors(Frame(30, 20, 0)), cv::NORM_INF) == 0);
  pg::SanitizedOutput so{*out, pg::ImageFormat::kGif, ".gif"};
  CHECK(pg::VerifySanitized(so, 30, 20, icc).ok());
}

TEST_CASE("a GIF's looping extension keeps only its loop count", "[metadata]") {
  pg::SyntheticGif spec;
  spec.frames = {Frame(12, 8, 0)};
  spec.loop_count = -1;
  auto gif = pg::BuildGif(spec);
  REQUIRE(gif.ok());
  // NETSCAPE2.0 with the loop sub-block, a buffering sub-block and a hidden text sub-block.
  pg::Bytes ext = {0x21, 0xFF, 11};
  const std::string id = "NETSCAPE2.0";
  ext.insert(ext.end(), id.begin(), id.end());
  ext.insert(ext.end(), {3, 1, 0, 0, 5, 2, 0, 0, 1, 0, 4, 'D', 'a', 'n', 'a', 0});
  std::vector<std::string> removed;
  auto out = pg::StripGifBlocks(InsertAfterHeader(*gif, ext), &removed);
  REQUIRE(out.ok());
  CHECK(removed == std::vector<std::string>{"GIF NETSCAPE2.0 extra sub-blocks"});
  const auto apps = Blocks(*out, 0x21, 0xFF);
  REQUIRE(apps.size() == 1);
  pg::Bytes expected = {0x21, 0xFF, 11};
  expected.insert(expected.end(), id.begin(), id.end());
  expected.insert(expected.end(), {3, 1, 0, 0, 0});
  CHECK(apps[0] == expected);

  // Without a loop-count sub-block the extension has nothing worth keeping.
  pg::Bytes no_loop = {0x21, 0xFF, 11};
  no_loop.insert(no_loop.end(), id.begin(), id.end());
  no_loop.insert(no_loop.end(), {4, 'D', 'a', 'n', 'a', 0});
  removed.clear();
  out = pg::StripGifBlocks(InsertAfterHeader(*gif, no_loop), &removed);
  REQUIRE(out.ok());
  CHECK(Blocks(*out, 0x21, 0xFF).empty());
  CHECK(removed == std::vector<std::string>{"GIF NETSCAPE2.0 without a loop count"});
}

TEST_CASE("odd GIF extensions and bytes after the trailer are removed", "[metadata]") {
  pg::SyntheticGif spec;
  spec.frames = {Frame(12, 8, 1)};
  auto gif = pg::BuildGif(spec);
  REQUIRE(gif.ok());
  // A graphic control extension padded to 6 bytes, an unknown label 0x42.
  const pg::Bytes odd = {0x21, 0xF9, 6, 0, 0, 0, 0, 'D', 'R', 0, 0x21, 0x42, 3, 'a', 'b', 'c', 0};
  pg::Bytes input = InsertAfterHeader(*gif, odd);
  input.insert(input.end(), {'t', 'a', 'i', 'l'});
  CHECK(pg::InspectMetadata(input, pg::ImageFormat::kGif).found.size() == 1);  // the trailer
  std::vector<std::string> removed;
  auto out = pg::StripGifBlocks(input, &removed);
  REQUIRE(out.ok());
  CHECK(removed == std::vector<std::string>{"GIF malformed graphic control extension",
                                            "GIF extension 0x42", "trailer after GIF end (4 bytes)"});
  CHECK(*out == *gif);  // exactly the encoder's file again
}

TEST_CASE("a truncated or image-less GIF is refused by the stripper", "[metadata]") {
  pg::SyntheticGif spec;
  spec.frames = {Frame(12, 8, 0)};
  auto gif = pg::BuildGif(spec);
  REQUIRE(gif.ok());
  auto cut = pg::StripGifBlocks(pg::Bytes(gif->begin(), gif->end() - 5), nullptr);
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.status().code() == pg::Code::kBadData);
  pg::GifLayout layout;
  REQUIRE(pg::ParseGifLayout(*gif, &layout).ok());
  pg::Bytes header_only(gif->begin(), gif->begin() + static_cast<std::ptrdiff_t>(layout.header_size));
  header_only.push_back(0x3B);
  auto empty = pg::StripGifBlocks(header_only, nullptr);
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.status().message(), Catch::Contains("no image"));
}
