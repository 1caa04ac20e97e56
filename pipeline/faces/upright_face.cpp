#include "faces/upright_face.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>

namespace pg {

int NormalQuarterTurns(int q) { return ((q % 4) + 4) % 4; }

cv::Size TurnedSize(cv::Size size, int quarter_turns) {
  return NormalQuarterTurns(quarter_turns) % 2 == 0 ? size : cv::Size(size.height, size.width);
}

cv::Mat TurnImage(const cv::Mat& bgr, int quarter_turns) {
  cv::Mat out;
  switch (NormalQuarterTurns(quarter_turns)) {
    case 1: cv::rotate(bgr, out, cv::ROTATE_90_CLOCKWISE); return out;
    case 2: cv::rotate(bgr, out, cv::ROTATE_180); return out;
    case 3: cv::rotate(bgr, out, cv::ROTATE_90_COUNTERCLOCKWISE); return out;
    default: return bgr;
  }
}

Box TurnBox(const Box& b, cv::Size size, int quarter_turns) {
  const int w = size.width, h = size.height;
  switch (NormalQuarterTurns(quarter_turns)) {
    case 1: return {h - b.y - b.h, b.x, b.h, b.w};          // pixel (x, y) -> (h-1-y, x)
    case 2: return {w - b.x - b.w, h - b.y - b.h, b.w, b.h};  // (x, y) -> (w-1-x, h-1-y)
    case 3: return {b.y, w - b.x - b.w, b.h, b.w};          // (x, y) -> (y, w-1-x)
    default: return b;
  }
}

Box UnturnBox(const Box& turned, cv::Size size, int quarter_turns) {
  // Turning back is turning the rest of the way round, in the turned image's frame.
  const int q = NormalQuarterTurns(quarter_turns);
  return TurnBox(turned, TurnedSize(size, q), 4 - q);
}

UprightFace UprightFaceCrop(const cv::Mat& bgr, const Box& box, int quarter_turns) {
  const int q = NormalQuarterTurns(quarter_turns);
  if (q == 0) return {bgr, box};
  const int margin = static_cast<int>(std::ceil(kUprightCropMargin * std::max(box.w, box.h)));
  const cv::Rect wanted(box.x - margin, box.y - margin, box.w + 2 * margin, box.h + 2 * margin);
  const cv::Rect crop = wanted & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (crop.area() == 0 || box.w <= 0 || box.h <= 0) return {cv::Mat(), box};
  const Box in_crop{box.x - crop.x, box.y - crop.y, box.w, box.h};
  return {TurnImage(bgr(crop), q), TurnBox(in_crop, crop.size(), q)};
}

}  // namespace pg
