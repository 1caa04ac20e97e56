// Face merging: one face per face when several passes or detectors report it.
//
// In: FaceFacts from tiles of one image, pyramid levels, or several detectors, all in the
// same image's pixels. Out: the faces with duplicates folded together. Two boxes are the
// same face when their intersection covers at least `min_overlap` of the SMALLER box: a
// partial box from a tile edge, or a tight HOG box inside a loose CNN box, is then folded
// into the other however different their sizes (IoU would keep both). Recall first: a box
// nobody else reported is always kept. Pure functions; thread-safe.
#pragma once

#include <vector>

#include "core/image_record.h"

namespace pg {

/// Boxes overlapping by at least this share of the smaller one are one face. Two different
/// people's faces do not cover half of the smaller one's box unless one hides the other
/// (then the hidden face cannot be recognised either); boxes of one face from different
/// scales or detectors overlap by 0.6-1.0.
constexpr double kSameFaceOverlap = 0.5;

/// Area of a ∩ b divided by the area of the smaller box; 0 when they do not meet or when a
/// box is empty. Symmetric, in [0, 1]; 1 when one box lies inside the other.
double OverlapOfSmaller(const Box& a, const Box& b);

/// Folds duplicates: boxes are taken by descending score (ties: input order) and each one
/// that overlaps an already kept box by >= min_overlap (OverlapOfSmaller) joins the first
/// such kept box instead of being kept. A kept face keeps its own box and score (the
/// highest of its group; scores of different detectors are not calibrated to each other,
/// so this only decides which box is shown) and its `detector` becomes the '+'-joined
/// names of everyone in its group, each name once, in order of first appearance in
/// `faces` (a name already joined with '+' counts as its parts). `match` is kept from the
/// kept face. Output: kept faces in descending score order (ties: input order).
/// Deterministic. REQUIRES: 0 < min_overlap <= 1.
std::vector<FaceFact> MergeFaces(const std::vector<FaceFact>& faces,
                                 double min_overlap = kSameFaceOverlap);

}  // namespace pg
