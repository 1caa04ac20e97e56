#include <catch2/catch.hpp>

#include "report/report.h"

namespace {

pg::ItemResult Sample() {
  pg::ItemResult r;
  r.record.input.rel_path = "photos/a,b.jpg";
  r.record.sha256 = std::string(64, 'a');
  r.record.format = pg::ImageFormat::kJpeg;
  r.record.decoded = true;
  r.record.width = 640;
  r.record.height = 480;
  pg::FaceFact f;
  f.box = {1, 2, 30, 40};
  f.score = 0.5;
  f.detector = "dlib-hog";
  r.record.faces.push_back(f);
  r.record.names.push_back({"Maya Okafor", "caption", "S1"});
  r.record.metadata.found.push_back({"gps", "GPS position 1, 2", "exif"});
  r.record.metadata.removed.push_back("APP1 Exif");
  r.decision.verdict = pg::Verdict::kBlock;
  r.decision.reasons.push_back({pg::ReasonCode::kOptedOutNameWithPhoto, "msg",
                                {{"student_id", "S1"}, {"source", "caption"}}});
  return r;
}

}  // namespace

TEST_CASE("item JSON follows the report contract", "[report]") {
  auto j = pg::ItemJson(Sample());
  CHECK(j["file"] == "photos/a,b.jpg");
  CHECK(j["kind"] == "photo");
  CHECK(j["verdict"] == "block");
  CHECK(j["reasons"][0]["code"] == "opted_out_name_with_photo");
  CHECK(j["reasons"][0]["evidence"]["student_id"] == "S1");
  CHECK(j["faces"][0]["box"]["w"] == 30);
  CHECK(j["faces"][0]["match"].is_null());
  CHECK(j["faces"][0]["detector"] == "dlib-hog");
  CHECK_FALSE(j["faces"][0].contains("quarter_turns"));  // upright: as before turns existed
  CHECK(j["names"][0]["source"] == "caption");
  CHECK(j["metadata"]["found"][0]["kind"] == "gps");
  CHECK(j["metadata"]["removed"][0] == "APP1 Exif");
  CHECK(j["output"].is_null());
}

TEST_CASE("unreadable items have null sha256 and no size", "[report]") {
  pg::ItemResult r;
  r.record.input.rel_path = "x.jpg";
  auto j = pg::ItemJson(r);
  CHECK(j["sha256"].is_null());
  CHECK_FALSE(j.contains("size"));
}

TEST_CASE("CSV report quotes commas and neutralises formulas", "[report]") {
  pg::BatchResult b;
  b.items.push_back(Sample());
  pg::ItemResult evil;
  evil.record.input.rel_path = "=HYPERLINK(\"x\")";
  b.items.push_back(evil);
  std::string csv = pg::BatchReportCsv(b);
  CHECK_THAT(csv, Catch::Contains("\"photos/a,b.jpg\",block,opted_out_name_with_photo,1,S1@caption,,"));
  CHECK_THAT(csv, Catch::Contains("\"'=HYPERLINK(\"\"x\"\")\""));
}

TEST_CASE("human summary names the reason and its evidence", "[report]") {
  std::string s = pg::HumanSummary(Sample());
  CHECK_THAT(s, Catch::StartsWith("BLOCK  photos/a,b.jpg  (jpeg, 640x480, 1 face(s))"));
  CHECK_THAT(s, Catch::Contains("[opted_out_name_with_photo]"));
  CHECK_THAT(s, Catch::Contains("student_id: S1"));
}

TEST_CASE("a face found in the photo turned shows its quarter turns in JSON and text", "[report]") {
  pg::ItemResult r = Sample();
  pg::FaceFact turned;
  turned.box = {100, 50, 40, 60};
  turned.detector = "ssd-mobilenetv1";
  turned.quarter_turns = 1;
  r.record.faces.push_back(turned);
  r.record.faces[0].other_turns.push_back({3, {1, 2, 40, 30}});
  auto j = pg::ItemJson(r);
  CHECK(j["faces"][1]["quarter_turns"] == 1);
  CHECK(j["faces"][0]["other_quarter_turns"] == nlohmann::json::array({3}));
  CHECK_FALSE(j["faces"][1].contains("other_quarter_turns"));
  CHECK_FALSE(j["faces"][0].contains("quarter_turns"));
  std::string s = pg::HumanSummary(r);
  CHECK_THAT(s, Catch::Contains("faces found in the photo turned (no EXIF orientation said so): "
                                "40x60 at (100,50) (found turned 90\u00b0)"));
  CHECK_THAT(pg::HumanSummary(Sample()), !Catch::Contains("found turned"));
}

TEST_CASE("names say whether they are full names or a given name alone", "[report]") {
  pg::BatchResult b;
  b.items.push_back(Sample());
  b.items[0].record.names.push_back({"Lucas", "alt_text", "S2", pg::NameMatch::kGivenOnly});
  auto j = pg::ItemJson(b.items[0]);
  REQUIRE(j["names"].size() == 2);
  CHECK(j["names"][0]["match"] == "full");
  CHECK(j["names"][0]["text"] == "Maya Okafor");
  CHECK(j["names"][1]["match"] == "given_name");
  CHECK(j["names"][1]["text"] == "Lucas");
  CHECK(j["names"][1]["source"] == "alt_text");
  CHECK(j["names"][1]["student_id"] == "S2");
  CHECK_THAT(pg::BatchReportCsv(b), Catch::Contains(",S1@caption;S2@alt_text(given_name),"));
}
