#include "faces/face_detector.h"

#include <algorithm>
#include <cmath>

namespace pg {

std::optional<Box> ClippedFaceBox(double x0, double y0, double x1, double y1, cv::Size image) {
  const int left = std::max(0, static_cast<int>(std::floor(x0)));
  const int top = std::max(0, static_cast<int>(std::floor(y0)));
  const int right = std::min(image.width, static_cast<int>(std::ceil(x1)));
  const int bottom = std::min(image.height, static_cast<int>(std::ceil(y1)));
  if (right <= left || bottom <= top) return std::nullopt;
  return Box{left, top, right - left, bottom - top};
}

}  // namespace pg
