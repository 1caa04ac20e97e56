// EnsembleDetector with fake members: union of boxes, merged duplicates, names, failure.
#include <catch2/catch.hpp>

#include "faces/ensemble_detector.h"
#include "fakes/fake_face_detector.h"

using pg::testing::FakeFaceDetector;

namespace {

std::unique_ptr<FakeFaceDetector> Member(const std::string& name, int min_face,
                                         std::vector<pg::FaceFact> faces) {
  auto d = std::make_unique<FakeFaceDetector>();
  d->name = name;
  d->min_face = min_face;
  for (auto& f : faces) f.detector = name;
  d->faces = std::move(faces);
  return d;
}

pg::FaceFact Scored(int x, int y, int w, int h, double score) {
  pg::FaceFact f = FakeFaceDetector::Face(x, y, w, h);
  f.score = score;
  return f;
}

}  // namespace

TEST_CASE("an ensemble keeps a face any member finds, once, naming who found it", "[ensemble]") {
  std::vector<std::unique_ptr<pg::FaceDetector>> members;
  members.push_back(Member("ssd-mobilenetv1", 24, {Scored(10, 10, 40, 40, 0.9), Scored(200, 10, 30, 30, 0.6)}));
  members.push_back(Member("blazeface-back", 16, {Scored(14, 12, 34, 36, 0.95), Scored(400, 50, 20, 20, 0.7)}));
  auto ensemble = pg::MakeEnsembleDetector(std::move(members));
  CHECK(ensemble->Name() == "ssd-mobilenetv1+blazeface-back");
  CHECK(ensemble->MinFaceSize(4000, 3000) == 16);

  auto faces = ensemble->Detect(cv::Mat(600, 800, CV_8UC3, cv::Scalar::all(255)));
  REQUIRE(faces.ok());
  REQUIRE(faces->size() == 3);
  // The shared face: blazeface's box (higher score), both names in member order.
  CHECK((*faces)[0].box.x == 14);
  CHECK((*faces)[0].detector == "ssd-mobilenetv1+blazeface-back");
  CHECK((*faces)[1].detector == "blazeface-back");
  CHECK((*faces)[1].box.x == 400);
  CHECK((*faces)[2].detector == "ssd-mobilenetv1");
  CHECK((*faces)[2].box.x == 200);
}

TEST_CASE("an ensemble runs every member on the same image", "[ensemble]") {
  auto a = Member("a", 40, {});
  auto b = Member("b", 40, {});
  FakeFaceDetector* pa = a.get();
  FakeFaceDetector* pb = b.get();
  std::vector<std::unique_ptr<pg::FaceDetector>> members;
  members.push_back(std::move(a));
  members.push_back(std::move(b));
  auto ensemble = pg::MakeEnsembleDetector(std::move(members));
  auto faces = ensemble->Detect(cv::Mat(10, 10, CV_8UC3));
  REQUIRE(faces.ok());
  CHECK(faces->empty());
  CHECK(pa->calls == 1);
  CHECK(pb->calls == 1);
}

TEST_CASE("one failing member fails the ensemble, whatever the others found", "[ensemble]") {
  auto broken = Member("b", 40, {});
  broken->fail = true;
  std::vector<std::unique_ptr<pg::FaceDetector>> members;
  members.push_back(Member("a", 40, {Scored(0, 0, 50, 50, 1)}));
  members.push_back(std::move(broken));
  auto faces = pg::MakeEnsembleDetector(std::move(members))->Detect(cv::Mat(10, 10, CV_8UC3));
  REQUIRE_FALSE(faces.ok());
  CHECK_THAT(faces.status().message(), Catch::Contains("fake detector failure"));
}
