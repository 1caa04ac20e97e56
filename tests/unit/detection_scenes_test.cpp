// The detection evaluation's data (tools/detection_scenes): its truth boxes decide every
// recall figure in docs/eval-detection.md, so where they land is tested here.
#include <catch2/catch.hpp>

#include <opencv2/core.hpp>

#include "detection_scenes.h"

namespace {

// A photo with two neighbouring faces, one far away and one the annotator marked ignore.
pg::EvalImage GroupPhoto() {
  pg::EvalImage photo;
  photo.name = "group.jpg";
  photo.bgr = cv::Mat(100, 200, CV_8UC3);
  cv::randu(photo.bgr, 0, 255);
  photo.truth = {{{20, 20, 30, 30}, false},   // A
                 {{60, 25, 30, 30}, false},   // B: 10 px right of A
                 {{150, 20, 30, 30}, false},  // C: far from both
                 {{100, 60, 20, 20}, true}};  // ignored by the annotator
  return photo;
}

}  // namespace

TEST_CASE("annotated face patches keep the annotator's box and mark what else the cut shows", "[eval-data]") {
  const pg::EvalImage photo = GroupPhoto();
  const std::vector<pg::FacePatch> patches = pg::CutAnnotatedFacePatches({photo});
  REQUIRE(patches.size() == 3);  // the ignored face is not a patch
  const pg::FacePatch& a = patches[0];
  // Margin 0.4 x 30 = 12 px: the cut is x, y 8..62.
  CHECK(a.face.x == 12);
  CHECK(a.face.y == 12);
  CHECK(a.face.w == 30);
  CHECK(a.face.h == 30);
  CHECK(a.bgr.cols == 54);
  CHECK(a.bgr.rows == 54);
  CHECK(cv::norm(a.bgr, photo.bgr(cv::Rect(8, 8, 54, 54)), cv::NORM_INF) == 0.0);
  // B shows 2 px of its left edge inside A's cut: that part counts neither way.
  REQUIRE(a.others.size() == 1);
  CHECK(a.others[0].x == 52);
  CHECK(a.others[0].y == 17);
  CHECK(a.others[0].w == 2);
  CHECK(a.others[0].h == 30);
  CHECK(patches[2].others.empty());  // C is alone
}

TEST_CASE("composed scenes put each truth box where its face's pixels went, enlarged at most as allowed",
          "[eval-data]") {
  // A 40x40 patch: a pure red 20x20 face in the middle of a blue surround.
  pg::FacePatch patch{"red", cv::Mat(40, 40, CV_8UC3, cv::Scalar(255, 0, 0)), {10, 10, 20, 20}, {{0, 0, 5, 5}}};
  patch.bgr(cv::Rect(10, 10, 20, 20)).setTo(cv::Scalar(0, 0, 255));
  pg::EvalImage background{"grey", cv::Mat(300, 400, CV_8UC3, cv::Scalar::all(128)), {}};
  const std::vector<pg::EvalImage> scenes =
      pg::ComposeScenes({patch}, {background}, 2, 400, 300, 6, 16, 80, 7, /*max_upscale=*/1.5);
  REQUIRE(scenes.size() == 2);
  int faces = 0;
  for (const pg::EvalImage& scene : scenes) {
    CHECK(scene.bgr.size() == cv::Size(400, 300));
    for (const pg::TruthBox& t : scene.truth) {
      if (t.ignore) continue;  // the patch's `others` come along, ignored
      ++faces;
      CHECK(t.box.w >= 16);
      CHECK(t.box.w <= 30);  // 20 px x 1.5: never enlarged further
      const cv::Vec3b centre = scene.bgr.at<cv::Vec3b>(t.box.y + t.box.h / 2, t.box.x + t.box.w / 2);
      CHECK(int(centre[2]) > 200);  // red: the face itself, not the surround or the background
      CHECK(int(centre[0]) < 60);
    }
    CHECK(scene.truth.size() % 2 == 0);  // every face brings its ignored neighbour box
  }
  CHECK(faces >= 2);
}
