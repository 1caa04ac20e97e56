// Quarter turns: boxes and pixels of an image turned by multiples of 90 degrees, and the
// upright crop of a face that was found in a turned image (FaceFact::quarter_turns).
//
// In: BGR pixels, a face box in them (pixels of the given, unturned image) and the number of
// clockwise quarter turns (0..3) that make the face upright. Out: new boxes, or a crop that
// shares no pixels with the input when turned (a view of it when not). Recognition and
// enrolment embed the upright crop, so the landmarks and the descriptor see an upright face
// without the 12 MP photo being rotated. Pure functions; thread-safe.
#pragma once

#include <opencv2/core.hpp>

#include "core/image_record.h"

namespace pg {

/// Margin added on every side of a face box before the crop is turned, as a share of the
/// box's longer side. dlib's aligned chip (padding 0.25, possibly rolled) reaches ~0.5 of the
/// face past the box; 1.0 leaves room for a loose or shifted box, so the chip sees the
/// same pixels as on the whole image (FaceChipper fills what lies outside with black).
constexpr double kUprightCropMargin = 1.0;

/// `q` reduced to 0..3 (5 -> 1, -1 -> 3).
int NormalQuarterTurns(int q);

/// The size of an image of `size` turned `quarter_turns` clockwise (odd turns swap sides).
cv::Size TurnedSize(cv::Size size, int quarter_turns);

/// `bgr` turned `quarter_turns` clockwise (cv::rotate); 0 turns returns `bgr` itself (no copy).
cv::Mat TurnImage(const cv::Mat& bgr, int quarter_turns);

/// Where `box`, in an image of `size`, lies in that image turned `quarter_turns` clockwise.
Box TurnBox(const Box& box, cv::Size size, int quarter_turns);

/// The inverse: `turned` is a box in the image of `size` after `quarter_turns` clockwise
/// turns; returns it in the unturned image. UnturnBox(TurnBox(b, s, q), s, q) == b.
Box UnturnBox(const Box& turned, cv::Size size, int quarter_turns);

/// A face made upright: `bgr` holds it (with margin), `box` is the face's box in `bgr`.
struct UprightFace {
  cv::Mat bgr;
  Box box;
};

/// The face at `box` (pixels of `bgr`, may reach past its edge) as the embedder needs it:
/// for 0 quarter turns `bgr` itself and `box` unchanged (exactly what recognition did before
/// turns existed); otherwise the box plus kUprightCropMargin on every side, clipped to the
/// image, turned `quarter_turns` clockwise, with the box mapped into it. A box that does not
/// meet the image gives an empty `bgr` (the embedder then reports the error).
UprightFace UprightFaceCrop(const cv::Mat& bgr, const Box& box, int quarter_turns);

}  // namespace pg
