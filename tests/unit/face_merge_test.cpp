// OverlapOfSmaller and MergeFaces: exact cases.
#include <catch2/catch.hpp>

#include "faces/face_merge.h"

namespace {

pg::FaceFact Face(int x, int y, int w, int h, double score, const std::string& detector) {
  pg::FaceFact f;
  f.box = {x, y, w, h};
  f.score = score;
  f.detector = detector;
  return f;
}

bool SameBox(const pg::Box& a, const pg::Box& b) {
  return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

}  // namespace

TEST_CASE("overlap is measured over the smaller box", "[merge]") {
  const pg::Box big{0, 0, 100, 100};
  CHECK(pg::OverlapOfSmaller(big, {80, 80, 20, 20}) == 1.0);        // inside: IoU would be 0.04
  CHECK(pg::OverlapOfSmaller(big, {90, 90, 20, 20}) == Approx(0.25));  // 10x10 of 20x20
  CHECK(pg::OverlapOfSmaller({0, 0, 10, 10}, {6, 0, 10, 10}) == Approx(0.4));
  CHECK(pg::OverlapOfSmaller({6, 0, 10, 10}, {0, 0, 10, 10}) == Approx(0.4));  // symmetric
}

TEST_CASE("boxes that only touch, are apart or are empty do not overlap", "[merge]") {
  CHECK(pg::OverlapOfSmaller({0, 0, 10, 10}, {10, 0, 10, 10}) == 0.0);
  CHECK(pg::OverlapOfSmaller({0, 0, 10, 10}, {50, 50, 10, 10}) == 0.0);
  CHECK(pg::OverlapOfSmaller({0, 0, 10, 10}, {2, 2, 0, 5}) == 0.0);
}

TEST_CASE("a box nested in another is one face, the higher score's box and score are kept", "[merge]") {
  auto merged = pg::MergeFaces({Face(0, 0, 100, 100, 0.5, "ssd"), Face(10, 10, 20, 20, 0.9, "hog")});
  REQUIRE(merged.size() == 1);
  CHECK(SameBox(merged[0].box, {10, 10, 20, 20}));
  CHECK(merged[0].score == 0.9);
  CHECK(merged[0].detector == "ssd+hog");  // names in order of first appearance, not score
}

TEST_CASE("partial overlaps merge from half of the smaller box up, not below", "[merge]") {
  auto apart = pg::MergeFaces({Face(0, 0, 10, 10, 1, "a"), Face(6, 0, 10, 10, 1, "a")});  // 0.4
  CHECK(apart.size() == 2);
  auto half = pg::MergeFaces({Face(0, 0, 10, 10, 1, "a"), Face(5, 0, 10, 10, 1, "a")});  // 0.5
  CHECK(half.size() == 1);
  auto most = pg::MergeFaces({Face(0, 0, 10, 10, 1, "a"), Face(4, 0, 10, 10, 2, "a")});  // 0.6
  REQUIRE(most.size() == 1);
  CHECK(SameBox(most[0].box, {4, 0, 10, 10}));
  CHECK(most[0].detector == "a");  // one name once
}

TEST_CASE("the smaller-box rule folds a small box at a big box's corner only when mostly inside",
          "[merge]") {
  auto corner = pg::MergeFaces({Face(0, 0, 100, 100, 1, "a"), Face(90, 90, 20, 20, 1, "b")});
  CHECK(corner.size() == 2);
  auto inside = pg::MergeFaces({Face(0, 0, 100, 100, 1, "a"), Face(80, 80, 20, 20, 1, "b")});
  CHECK(inside.size() == 1);
}

TEST_CASE("merging keeps every lone face and orders by score, ties in input order", "[merge]") {
  auto merged = pg::MergeFaces({Face(0, 0, 10, 10, 0.3, "a"), Face(100, 0, 10, 10, 0.7, "a"),
                                Face(200, 0, 10, 10, 0.3, "b"), Face(101, 1, 10, 10, 0.2, "b")});
  REQUIRE(merged.size() == 3);
  CHECK(merged[0].box.x == 100);
  CHECK(merged[0].detector == "a+b");
  CHECK(merged[1].box.x == 0);
  CHECK(merged[1].detector == "a");
  CHECK(merged[2].box.x == 200);
  CHECK(merged[2].detector == "b");
}

TEST_CASE("equal scores: the first face in the input is the one kept", "[merge]") {
  auto merged = pg::MergeFaces({Face(0, 0, 10, 10, 1, "a"), Face(1, 1, 10, 10, 1, "b")});
  REQUIRE(merged.size() == 1);
  CHECK(SameBox(merged[0].box, {0, 0, 10, 10}));
  CHECK(merged[0].detector == "a+b");
}

TEST_CASE("joined detector names count as their parts", "[merge]") {
  auto merged = pg::MergeFaces({Face(0, 0, 10, 10, 1, "ssd+blaze"), Face(0, 0, 10, 10, 2, "blaze"),
                                Face(0, 0, 10, 10, 0, "hog")});
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].detector == "ssd+blaze+hog");
}

TEST_CASE("nothing in, nothing out", "[merge]") { CHECK(pg::MergeFaces({}).empty()); }
