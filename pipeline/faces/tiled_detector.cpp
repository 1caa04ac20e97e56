#include "faces/tiled_detector.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "faces/face_merge.h"

namespace pg {

namespace {

constexpr double kLevelRatio = 2.0;  // scale between pyramid levels
constexpr double kSizeSlack = 1.25;  // box size jitter allowed for in the overlap
constexpr int kMinTileSide = 32;

/// Tile origins along one axis of `length` px: evenly spread, first at 0, last ending at
/// the border, neighbours at most tile - overlap apart (so they overlap by >= overlap).
std::vector<int> Origins(int length, int tile, int overlap) {
  if (length <= tile) return {0};
  const int step = tile - overlap;
  const int gaps = (length - tile + step - 1) / step;  // ceil: gap count between origins
  std::vector<int> origins;
  for (int i = 0; i <= gaps; ++i) {
    origins.push_back(static_cast<int>(static_cast<long long>(i) * (length - tile) / gaps));
  }
  return origins;
}

/// Original pixels [floor(a / s), ceil(b / s)) of working pixels [a, b) of a `scaled` px
/// axis, within [0, limit); a span ending at the scaled border ends at the original's
/// (the scaled length is rounded).
std::pair<int, int> SourceSpan(int a, int b, int scaled, double s, int limit) {
  int lo = static_cast<int>(std::floor(a / s));
  int hi = b == scaled ? limit : static_cast<int>(std::ceil(b / s));
  return {std::clamp(lo, 0, limit - 1), std::clamp(hi, lo + 1, limit)};
}

class TiledDetector : public FaceDetector {
 public:
  TiledDetector(std::unique_ptr<FaceDetector> inner, TilingParams params, int inner_min_face)
      : inner_(std::move(inner)), params_(params), inner_min_face_(inner_min_face) {}

  Result<std::vector<FaceFact>> Detect(const cv::Mat& bgr) override {
    if (bgr.empty() || bgr.type() != CV_8UC3) {
      return Status::Internal("tiled detector needs an 8-bit 3-channel image");
    }
    const TilePlan plan = PlanTiles(bgr.cols, bgr.rows, inner_min_face_, params_);
    std::vector<FaceFact> found;
    for (const Tile& t : plan.tiles) {
      cv::Mat pixels;
      try {
        const cv::Mat src = bgr(t.source);
        if (t.scaled == t.source.size()) {
          pixels = src;
        } else {
          const bool down = t.scaled.width < t.source.width;
          cv::resize(src, pixels, t.scaled, 0, 0, down ? cv::INTER_AREA : cv::INTER_LINEAR);
        }
      } catch (const cv::Exception& e) {
        return Status::Internal(std::string("tiling failed: ") + e.what());
      }
      auto faces = inner_->Detect(pixels);
      if (!faces.ok()) return faces.status();  // fail closed: no partial answer
      Keep(t, *faces, bgr.size(), &found);
    }
    for (double scale : CloseUpScales(bgr.cols, bgr.rows, params_)) {
      if (Status s = CloseUpPass(bgr, scale, &found); !s.ok()) return s;
    }
    return MergeFaces(found);
  }

  /// The whole image at `s` times its size, centred on a mid-grey tile (CloseUpScales).
  Status CloseUpPass(const cv::Mat& bgr, double s, std::vector<FaceFact>* found) {
    const cv::Size scaled(std::max(1, static_cast<int>(std::lround(bgr.cols * s))),
                          std::max(1, static_cast<int>(std::lround(bgr.rows * s))));
    const int side = std::max(kMinTileSide, params_.tile_side);
    const cv::Point at((side - scaled.width) / 2, (side - scaled.height) / 2);
    cv::Mat canvas(side, side, CV_8UC3, cv::Scalar::all(128));
    try {
      cv::resize(bgr, canvas(cv::Rect(at, scaled)), scaled, 0, 0, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("close-up pass failed: ") + e.what());
    }
    auto faces = inner_->Detect(canvas);
    if (!faces.ok()) return faces.status();
    const double fx = static_cast<double>(scaled.width) / bgr.cols;
    const double fy = static_cast<double>(scaled.height) / bgr.rows;
    for (const FaceFact& f : *faces) {
      const int x0 = std::clamp(static_cast<int>(std::floor((f.box.x - at.x) / fx)), 0, bgr.cols - 1);
      const int y0 = std::clamp(static_cast<int>(std::floor((f.box.y - at.y) / fy)), 0, bgr.rows - 1);
      const int x1 = std::clamp(static_cast<int>(std::ceil((f.box.x + f.box.w - at.x) / fx)), x0 + 1, bgr.cols);
      const int y1 = std::clamp(static_cast<int>(std::ceil((f.box.y + f.box.h - at.y) / fy)), y0 + 1, bgr.rows);
      if (f.box.w <= 0 || f.box.h <= 0 || x1 - x0 < f.box.w / (2 * fx)) continue;  // mostly on the grey margin
      FaceFact mapped = f;
      mapped.box = {x0, y0, x1 - x0, y1 - y0};
      found->push_back(std::move(mapped));
    }
    return Status::Ok();
  }

  std::string Name() const override {
    return inner_->Name() + " tiled (" + std::to_string(params_.tile_side) + " px tiles, faces >= " +
           std::to_string(params_.min_face_px) + " px)";
  }

  int MinFaceSize(int, int) const override { return params_.min_face_px; }

 private:
  /// Adds the faces of tile `t` that no inner edge cuts, in original pixels.
  static void Keep(const Tile& t, const std::vector<FaceFact>& faces, cv::Size image,
                   std::vector<FaceFact>* out) {
    const double fx = static_cast<double>(t.scaled.width) / t.source.width;
    const double fy = static_cast<double>(t.scaled.height) / t.source.height;
    const bool inner_left = t.source.x > 0, inner_top = t.source.y > 0;
    const bool inner_right = t.source.x + t.source.width < image.width;
    const bool inner_bottom = t.source.y + t.source.height < image.height;
    for (const FaceFact& f : faces) {
      const Box& b = f.box;
      if (b.w <= 0 || b.h <= 0) continue;
      if ((inner_left && b.x <= kTileEdgeMargin) || (inner_top && b.y <= kTileEdgeMargin) ||
          (inner_right && b.x + b.w >= t.scaled.width - kTileEdgeMargin) ||
          (inner_bottom && b.y + b.h >= t.scaled.height - kTileEdgeMargin)) {
        continue;  // cut by the edge: whole in a neighbour or a level up
      }
      auto floor_at = [](int origin, double v) { return origin + static_cast<int>(std::floor(v)); };
      auto ceil_at = [](int origin, double v) { return origin + static_cast<int>(std::ceil(v)); };
      const int x0 = std::clamp(floor_at(t.source.x, b.x / fx), 0, image.width - 1);
      const int y0 = std::clamp(floor_at(t.source.y, b.y / fy), 0, image.height - 1);
      const int x1 = std::clamp(ceil_at(t.source.x, (b.x + b.w) / fx), x0 + 1, image.width);
      const int y1 = std::clamp(ceil_at(t.source.y, (b.y + b.h) / fy), y0 + 1, image.height);
      FaceFact mapped = f;
      mapped.box = {x0, y0, x1 - x0, y1 - y0};
      out->push_back(std::move(mapped));
    }
  }

  std::unique_ptr<FaceDetector> inner_;
  TilingParams params_;
  int inner_min_face_;
};

}  // namespace

std::vector<double> CloseUpScales(int width, int height, const TilingParams& params) {
  const int third = std::max(kMinTileSide, params.tile_side / 3);
  const double fill_third = static_cast<double>(third) / std::max(width, height);
  std::vector<double> scales = {fill_third};
  if (fill_third > 1.0) {  // a small photo: enlarged to a third of the tile it is blurred
    if (fill_third > params.max_upscale) scales.push_back(params.max_upscale);
    scales.push_back(1.0);
  }
  return scales;
}

int TileOverlap(int inner_min_face) {
  return static_cast<int>(std::ceil(kLevelRatio * kSizeSlack * inner_min_face)) + 2 * kTileEdgeMargin;
}

TilePlan PlanTiles(int width, int height, int inner_min_face, const TilingParams& params) {
  TilePlan plan;
  const int side = params.tile_side;
  plan.overlap = TileOverlap(inner_min_face);
  plan.working_scale =
      std::min(params.max_upscale, params.min_face_margin * inner_min_face / params.min_face_px);
  const double fit = static_cast<double>(side) / std::max(width, height);  // whole image in one tile
  double s = plan.working_scale;
  for (int level = 0;; ++level) {
    // Last: the whole image in one tile (nothing cut), and not enlarged.
    const bool last = s <= fit && s <= 1.0;
    const int w = std::max(1, static_cast<int>(std::lround(width * s)));
    const int h = std::max(1, static_cast<int>(std::lround(height * s)));
    const int tw = std::min(side, w), th = std::min(side, h);
    for (int y : Origins(h, side, plan.overlap)) {
      for (int x : Origins(w, side, plan.overlap)) {
        auto [x0, x1] = SourceSpan(x, x + tw, w, s, width);
        auto [y0, y1] = SourceSpan(y, y + th, h, s, height);
        plan.tiles.push_back({cv::Rect(x0, y0, x1 - x0, y1 - y0), cv::Size(tw, th), level});
      }
    }
    if (last) break;
    double next = s / kLevelRatio;
    if (s > 1.0) next = std::max(next, 1.0);  // one level at the original scale
    s = std::max(next, std::min(fit, 1.0));
  }
  return plan;
}

Result<std::unique_ptr<FaceDetector>> MakeTiledDetector(std::unique_ptr<FaceDetector> inner,
                                                        const TilingParams& params) {
  const std::string name = inner->Name();
  if (params.tile_side < kMinTileSide) {
    return Status::Config(name + ": tile side " + std::to_string(params.tile_side) + " px is under " +
                          std::to_string(kMinTileSide) + " px");
  }
  if (params.min_face_px < 1) return Status::Config("the smallest face that matters must be at least 1 px");
  if (!(params.max_upscale >= 1.0)) return Status::Config("tiling: the upscale limit must be at least 1");
  if (!(params.min_face_margin >= 1.0)) {
    return Status::Config("tiling: the margin above the detector's smallest face must be at least 1 (under 1 "
                          "the smallest face that matters would be shown smaller than the detector finds)");
  }
  const int m = inner->MinFaceSize(params.tile_side, params.tile_side);
  if (m < 1 || TileOverlap(m) > params.tile_side / 2) {
    return Status::Config(name + " finds faces of " + std::to_string(m) + " px in a " +
                          std::to_string(params.tile_side) + " px tile: too large to tile");
  }
  if (static_cast<double>(m) / params.min_face_px > params.max_upscale) {
    const int reachable = static_cast<int>(std::ceil(m / params.max_upscale));
    return Status::Config(name + " cannot find faces under " + std::to_string(reachable) +
                          " px (it needs " + std::to_string(m) + " px, and images are enlarged at most " +
                          std::to_string(static_cast<int>(params.max_upscale)) + "x); the smallest face "
                          "asked for is " + std::to_string(params.min_face_px) + " px");
  }
  return std::unique_ptr<FaceDetector>(std::make_unique<TiledDetector>(std::move(inner), params, m));
}

}  // namespace pg
