// recognition_eval: the evaluation protocol on fake descriptors (FakeFaceEmbedder::At(x) puts
// faces on a line, so distances are chosen by hand), and the regression check of the
// thresholds in core/options.h on the shared identities with the real models.
#include "faces/recognition_eval.h"

#include <filesystem>

#include <catch2/catch.hpp>

#include "core/options.h"
#include "fakes/fake_face_detector.h"
#include "fakes/fake_face_embedder.h"
#include "fakes/memory_file_system.h"
#include "faces/dlib_face_embedder.h"
#include "faces/match_metrics.h"
#include "test_util.h"
#include "skip.h"

using pg::PhotoRole;
using pg::testing::FakeFaceDetector;
using pg::testing::FakeFaceEmbedder;

namespace {

const pg::Box kBox{10, 10, 50, 50};

pg::EvalFace Face(double x, pg::Box box = kBox) { return {box, FakeFaceEmbedder::At(x), 1.0, 1.0}; }

pg::EmbeddedPhoto Photo(const std::string& file, std::vector<std::string> people, PhotoRole role,
                        std::vector<pg::EvalFace> faces) {
  pg::EmbeddedPhoto p;
  p.label = {file, std::move(people), role};
  p.faces = std::move(faces);
  return p;
}

/// amy at 0.0 and 0.3, bob at 5.0 and 5.4, a distractor at 9.0, and a photo of both.
std::vector<pg::EmbeddedPhoto> SmallSet() {
  return {Photo("amy/1.png", {"amy"}, PhotoRole::kReference, {Face(0.0)}),
          Photo("amy/2.png", {"amy"}, PhotoRole::kReference, {Face(0.3)}),
          Photo("bob/1.png", {"bob"}, PhotoRole::kReference, {Face(5.0)}),
          Photo("bob/2.png", {"bob"}, PhotoRole::kReference, {Face(5.4)}),
          Photo("_d/1.jpg", {}, PhotoRole::kDistractor, {Face(9.0)}),
          Photo("_multi/1.jpg", {"amy", "bob"}, PhotoRole::kMulti,
                {Face(5.2, {0, 0, 60, 60}), Face(0.1, {100, 0, 60, 60})})};
}

}  // namespace

TEST_CASE("photos with no face, several faces or a problem are left out and noted", "[recognition_eval]") {
  auto set = SmallSet();
  set.push_back(Photo("amy/3.png", {"amy"}, PhotoRole::kReference, {}));
  set.push_back(Photo("amy/4.png", {"amy"}, PhotoRole::kReference, {Face(0.2), Face(3.0, {90, 0, 40, 40})}));
  set.push_back(Photo("amy/5.png", {"amy"}, PhotoRole::kReference, {}));
  set.back().problem = "unreadable: broken";
  const pg::LabelledFaces faces = pg::LabelFaces(set);
  CHECK(faces.probes.size() == 7);  // 5 single faces + 2 from the multi-person photo
  auto noted = [&](const std::string& what) {
    return std::any_of(faces.notes.begin(), faces.notes.end(),
                       [&](const std::string& n) { return n.find(what) != std::string::npos; });
  };
  CHECK(noted("amy/3.png: 0 faces found where one is expected; not used"));
  CHECK(noted("amy/4.png: 2 faces found (50x50 at (10,10); 40x40 at (90,0)) where one is expected"));
  CHECK(noted("amy/5.png: unreadable: broken; not used"));
}

TEST_CASE("faces of a multi-person photo get distinct listed people, nearest first", "[recognition_eval]") {
  const pg::LabelledFaces faces = pg::LabelFaces(SmallSet());
  REQUIRE(faces.probes.size() == 7);
  CHECK(faces.probes[5].person == "bob");  // at 5.2: bob's nearest reference is 0.2 away
  CHECK(faces.probes[6].person == "amy");  // at 0.1
  CHECK(faces.probes[5].role == PhotoRole::kMulti);
  CHECK(faces.probes[5].photo_people == std::vector<std::string>{"amy", "bob"});

  // Both faces nearest to amy: the assignment still gives each face a different person.
  auto set = SmallSet();
  set.back().faces = {Face(0.05), Face(0.2)};
  const auto both = pg::LabelFaces(set);
  REQUIRE(both.probes.size() == 7);
  CHECK(both.probes[5].person != both.probes[6].person);

  set.back().faces.push_back(Face(7.0));  // three faces for two people
  CHECK(pg::LabelFaces(set).probes.size() == 5);
  set.back().faces.pop_back();
  set.back().label.people = {"amy", "carl"};  // carl has no reference face
  const auto no_ref = pg::LabelFaces(set);
  CHECK(no_ref.probes.size() == 5);
  CHECK_THAT(no_ref.notes.back(), Catch::Contains("carl has no reference face"));
}

TEST_CASE("every reference in turn: genuine and impostor comparisons are counted exactly",
          "[recognition_eval]") {
  const auto probes = pg::LabelFaces(SmallSet()).probes;
  const auto refs = pg::ReferenceFaces(probes);
  REQUIRE(refs.at("amy") == std::vector<size_t>{0, 1});
  REQUIRE(refs.at("bob") == std::vector<size_t>{2, 3});
  const pg::ComparisonSet all = pg::Compare(probes, {0, 1, 2, 3});
  // Each amy reference: the other amy photo + the multi face scored amy -> 2 genuine;
  // impostor: 2 bob photos + distractor (the multi photo lists amy: left out) -> 3. Same for bob.
  CHECK(all.genuine.size() == 8);
  CHECK(all.impostor.size() == 12);
  CHECK(all.references == 4);
  CHECK(all.distinct_impostor_pairs == 8);  // amy-bob pairs counted from both sides once
  const auto gen = pg::Distances(all.genuine);
  CHECK(*std::max_element(gen.begin(), gen.end()) == Approx(0.4));  // bob 5.4 vs 5.0
  const auto imp = pg::Distances(all.impostor);
  CHECK(*std::min_element(imp.begin(), imp.end()) == Approx(3.6));  // distractor 9.0 vs bob 5.4

  const pg::ComparisonSet first = pg::Compare(probes, pg::Gallery(refs, 0));
  CHECK(first.genuine.size() == 4);
  CHECK(first.impostor.size() == 6);
}

TEST_CASE("enrolment rounds cycle through each identity's references", "[recognition_eval]") {
  const std::map<std::string, std::vector<size_t>> refs = {{"amy", {0, 1, 2}}, {"bob", {5}}};
  CHECK(pg::Gallery(refs, 0) == std::vector<size_t>{0, 5});
  CHECK(pg::Gallery(refs, 2) == std::vector<size_t>{2, 5});
  CHECK(pg::Gallery(refs, 4) == std::vector<size_t>{1, 5});
}

TEST_CASE("identification says what FaceMatcher would: opted_out, uncertain, no_match", "[recognition_eval]") {
  std::vector<pg::Probe> probes;
  auto add = [&](const std::string& file, const std::string& person, double x) {
    probes.push_back({file, person, person.empty() ? std::vector<std::string>{} : std::vector<std::string>{person},
                      person.empty() ? PhotoRole::kDistractor : PhotoRole::kReference, kBox,
                      FakeFaceEmbedder::At(x)});
  };
  add("amy/1", "amy", 0.0);
  add("amy/2", "amy", 0.3);   // 0.3: opted_out
  add("amy/3", "amy", 0.6);   // 0.6: uncertain
  add("amy/4", "amy", -0.8);  // 0.8: no_match
  add("bob/1", "bob", 5.0);
  add("d/1", "", 4.8);        // 0.2 from bob: a distractor blocked
  add("d/2", "", 9.0);
  const pg::MatchThresholds t{0.5, 0.65, 40};
  auto c = pg::Identify(probes, {0, 4}, t);
  REQUIRE(c.ok());
  CHECK(c->genuine == 3);
  CHECK(c->genuine_opted_out == 1);
  CHECK(c->genuine_uncertain == 1);
  CHECK(c->genuine_no_match == 1);
  CHECK(c->genuine_no_match_faces == std::vector<std::string>{"amy/4 (distance 0.800)"});
  CHECK(c->genuine_other_student == 0);
  CHECK(c->impostor == 2);
  CHECK(c->impostor_opted_out == 1);
  CHECK(c->impostor_no_match == 1);
  CHECK(c->impostor_opted_out_faces == std::vector<std::string>{"d/1 (distance 0.200) as bob"});

  pg::IdentificationCounts sum;
  sum.Add(*c);
  sum.Add(*c);
  CHECK(sum.genuine_no_match == 2);
  CHECK(sum.genuine_no_match_faces.size() == 2);

  auto bad = pg::Identify(probes, {0, 4}, {0.7, 0.6, 40});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == pg::Code::kConfig);
}

TEST_CASE("embedding records unreadable photos and undescribable faces as problems", "[recognition_eval]") {
  pg::MemoryFileSystem fs;
  fs.files["/ids/ok.png"] = pg::testing::Encode(pg::testing::DrawScene(), ".png");
  fs.files["/ids/junk.png"] = pg::Bytes{'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'};
  FakeFaceDetector detector;
  detector.faces = {FakeFaceDetector::Face(10, 10, 60, 60)};
  FakeFaceEmbedder embedder;
  const std::vector<pg::LabelledPhoto> labels = {
      {"ok.png", {"amy"}, PhotoRole::kReference}, {"junk.png", {"amy"}, PhotoRole::kReference},
      {"missing.png", {"amy"}, PhotoRole::kReference}};
  auto photos = pg::EmbedLabelledPhotos("/ids", labels, fs, detector, embedder);
  REQUIRE(photos.size() == 3);
  CHECK(photos[0].problem.empty());
  CHECK(photos[0].width == 320);
  REQUIRE(photos[0].faces.size() == 1);
  CHECK(photos[0].faces[0].descriptor.size() == FakeFaceEmbedder::kDims);
  CHECK_THAT(photos[1].problem, Catch::StartsWith("unreadable: /ids/junk.png:"));
  CHECK_THAT(photos[2].problem, Catch::Contains("missing.png"));

  embedder.fail = true;
  photos = pg::EmbedLabelledPhotos("/ids", {labels[0]}, fs, detector, embedder);
  CHECK(photos[0].faces.empty());
  CHECK_THAT(photos[0].problem, Catch::Contains("60x60 at (10,10) could not be described"));
}

// ------------------------------------------------------------------------------------------
// Regression (issue 5): the thresholds in core/options.h on the shared identities, by the
// gate's face path. Needs the models (tools/fetch-models); reported skipped (skip.h) without them.

TEST_CASE("measured thresholds: no opted-out face comes out no_match, FMR at match stays within 0.1 %",
          "[testdata][recognition]") {
  const std::string models = PG_MODELS_DIR, ids = std::string(PG_TESTDATA_DIR) + "/identities";
  if (!std::filesystem::exists(models + "/" + pg::kFaceRecognitionModelFile)) {
    pg::testing::SkipTest("no face models in " + models + " (run tools/fetch-models)");
    return;
  }
  auto embedder = pg::MakeDlibFaceEmbedder(models);
  REQUIRE(embedder.ok());
  const pg::Options o;
  auto detector = pg::MakeDlibHogDetector(o.detector.hog_upsample, o.detector.hog_upsample_max_side);
  auto labels = pg::ParseIdentityLabels(pg::testing::ReadText(ids + "/LABELS.csv"));
  REQUIRE(labels.ok());
  pg::RealFileSystem fs;
  const auto photos = pg::EmbedLabelledPhotos(ids, *labels, fs, *detector, **embedder);  // once
  const auto probes = pg::LabelFaces(photos).probes;
  CHECK(probes.size() >= 70);
  const auto refs = pg::ReferenceFaces(probes);
  std::vector<size_t> all_refs;
  size_t rounds = 0;
  for (const auto& [person, idx] : refs) {
    all_refs.insert(all_refs.end(), idx.begin(), idx.end());
    rounds = std::max(rounds, idx.size());
  }
  const pg::ComparisonSet all = pg::Compare(probes, all_refs);
  const auto gen = pg::Distances(all.genuine), imp = pg::Distances(all.impostor);
  REQUIRE(gen.size() >= 200);
  REQUIRE(pg::FmrResolvable(imp.size(), 0.001));

  const pg::OperatingPoint at_match = pg::AtThreshold(gen, imp, o.match_threshold);
  INFO("at match " << o.match_threshold << ": FMR " << at_match.fmr() << " (" << at_match.false_matches << "/"
                   << at_match.impostor << "), TMR " << at_match.tmr());
  CHECK(at_match.fmr() <= 0.001);
  const pg::DistanceStats g = pg::Summarize(gen);
  INFO("largest genuine distance " << g.max << ", uncertain threshold " << o.uncertain_threshold);
  CHECK(g.max <= o.uncertain_threshold);
  const pg::OperatingPoint at01 = pg::AtFalseMatchRate(gen, imp, 0.001);
  INFO("TMR at FMR 0.1 %: " << at01.tmr());
  CHECK(at01.tmr() >= 0.99);  // the target on adult faces

  const pg::MatchThresholds t{o.match_threshold, o.uncertain_threshold, o.min_face_px_for_recognition};
  for (size_t r = 0; r < rounds; ++r) {
    auto c = pg::Identify(probes, pg::Gallery(refs, r), t);
    REQUIRE(c.ok());
    INFO("round " << r << ": " << (c->genuine_no_match_faces.empty() ? "" : c->genuine_no_match_faces[0]));
    CHECK(c->genuine > 0);
    CHECK(c->genuine_no_match == 0);
  }
}
