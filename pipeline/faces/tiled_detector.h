// TiledDetector: finds small faces in large photos by running a detector over tiles.
//
// In: oriented BGR pixels, an inner FaceDetector (owned) with its native input side, and
// the smallest face that matters. Out: the inner's faces in the given image's pixels,
// merged across tiles and levels (MergeFaces). A detector that resizes the whole photo to
// its 512 px input misses a 30 px face in a 4000 px photo; tiles keep every face at the
// size the inner can see. Deterministic. One thread at a time (like every FaceDetector).
//
// Geometry (PlanTiles), with m = inner's MinFaceSize(T, T) for tile side T:
//  - Working scale s = margin * m / min_face: the image is scaled so the smallest face that
//    matters becomes `margin` (1.25) times the smallest face the inner finds in a tile
//    (downscaled as far as that allows; upscaled at most max_upscale times, beyond which
//    interpolation adds no detail). At exactly the inner's smallest size a face is found
//    unreliably: tiled SSD found 81 % of the 40-60 px faces with --min-face 40 at margin 1,
//    97.6 % at 1.25 (docs/eval-detection.md, "Smallest face that matters").
//  - Levels: level 0 at s, each next level at half the scale (or at 1, the original, when
//    halving would skip it), the last one the whole image in one tile at scale <= 1: the
//    untiled pass, so tiling never loses a face it finds. A face is looked for whole at the
//    level where it measures m..2m px. A last "close-up" pass puts the whole image, at a third of
//    the tile side, on a grey tile: a face filling the frame then fills at most a third of the
//    input (SSD misses most frame-filling faces otherwise). A photo smaller than that third
//    (a thumbnail) gets two more close-ups, at max_upscale and at its own size: enlarged
//    to the third (3.7x for a 46 px thumbnail) it is too blurred (CloseUpScales).
//  - Overlap O >= 2 * 1.25 * m + 2 * kTileEdgeMargin tile px. Any stretch of O px lies
//    inside some tile, so a face of up to 2.5 m px is whole, clear of the edge margin, in
//    one tile of its level (the 1.25 absorbs box jitter); a bigger one is at least 2m at
//    level 0 and so at least m, and seen whole, one level up.
//  - A box within kTileEdgeMargin px of a tile edge that is not the image border is
//    dropped: that face is cut, and found whole in the neighbouring tile or a level up.
#pragma once

#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "faces/face_detector.h"

namespace pg {

/// Boxes this close (tile px) to an inner tile edge are treated as cut by it.
constexpr int kTileEdgeMargin = 2;

struct TilingParams {
  /// Tile side in working pixels: the inner's native input (512 for SSD, 256 for BlazeFace
  /// back) so each tile goes in unresized; for HOG, the largest side it still upsamples.
  int tile_side = 512;
  /// Smallest face that matters (side, px of the image given to Detect()). Default 25
  /// (see DetectorConfig::min_face_px).
  int min_face_px = 25;
  /// Largest working scale (> 1 upscales tiles for detectors whose smallest face is
  /// larger than min_face_px). Default 2.
  double max_upscale = 2.0;
  /// Level 0 puts a face of min_face_px at this many times the inner's smallest face
  /// (capped by max_upscale). Default 1.25.
  double min_face_margin = 1.25;
};

/// One inner-detector pass: `source` (px of the original) resized to `scaled`.
struct Tile {
  cv::Rect source;
  cv::Size scaled;
  int level = 0;  ///< 0 = working scale; each level halves it; the last is the whole image
};

struct TilePlan {
  double working_scale = 1.0;  ///< scale of level 0 (working px per original px)
  int overlap = 0;             ///< smallest overlap of neighbouring tiles, tile px
  std::vector<Tile> tiles;     ///< level by level, row by row
};

/// The close-up passes' scales for a width x height image: the whole image at a third of
/// the tile side (SSD MobileNetV1 finds 6 of 40 frame-filling 150 px face crops as they
/// are, 36 with a margin of half the crop on each side, 40 at a third), and for a photo
/// smaller than that third also at params.max_upscale (when the third enlarges it more)
/// and at 1. Tiled SSD found the face of 46 of 56 thumbnails of the identity portraits
/// (face 40 px, photo ~46 px) with the third alone, 55 with all three
/// (docs/eval-detection.md, "Thumbnails").
std::vector<double> CloseUpScales(int width, int height, const TilingParams& params);

/// Tile side T's required overlap for an inner that finds faces of `inner_min_face` px.
int TileOverlap(int inner_min_face);

/// The passes for a width x height image. REQUIRES: width, height >= 1; inner_min_face
/// >= 1; params valid (MakeTiledDetector checks them).
TilePlan PlanTiles(int width, int height, int inner_min_face, const TilingParams& params);

/// Wraps `inner`. Name(): "<inner name> tiled (<T> px tiles, faces >= <n> px)"; FaceFact
/// detector names stay the inner's. MinFaceSize(): min_face_px in original pixels.
/// Errors (Config): tile side < 32, min_face_px < 1, max_upscale < 1, min_face_margin < 1,
/// an inner whose smallest face needs an overlap over half a tile, or a min_face_px the
/// inner cannot reach within max_upscale (never silently fewer faces).
/// REQUIRES: inner != nullptr.
Result<std::unique_ptr<FaceDetector>> MakeTiledDetector(std::unique_ptr<FaceDetector> inner,
                                                        const TilingParams& params);

}  // namespace pg
