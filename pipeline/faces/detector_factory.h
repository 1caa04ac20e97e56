// Detector factory: turns a DetectorConfig (`--detector`, `--no-tiling`, `--min-face`,
// `--rotations`) into the FaceDetector the pipeline and enrolment use.
//
// In: the config and the models folder (for detectors with weight files). Out: an owned
// detector: one named detector, or an ensemble of several ("ssd+blazeface"), each tiled
// unless tiling is off, wrapped in a QuarterTurnDetector unless rotations are off (auto
// builds a second, probe instance for faces of rotation_probe_factor x min_face_px; untiled,
// auto searches every turn, as no pass is cheaper than the one full pass). Errors are Status values: an unknown or malformed spec and an
// unreachable --min-face are Config errors naming the valid values; a missing or corrupt
// model file passes the detector's own Config status through (exit 78), never a silent
// fallback to fewer detectors. Stateless functions; thread-safe.
//
// Adding a detector is one row in the table in detector_factory.cpp: its name, its
// native input side (tile side) and a function making it from (config, models_dir).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/options.h"
#include "core/status.h"
#include "faces/face_detector.h"

namespace pg {

/// The detector names a spec may use, in table order (e.g. {"hog"}).
std::vector<std::string> DetectorNames();

/// Splits "a+b" into known, distinct names. Errors (Config): an empty spec or part, a
/// name listed twice, an unknown name; the message lists the valid names.
Result<std::vector<std::string>> ParseDetectorSpec(const std::string& spec);

/// Builds the detector `config` describes. Name() of the result names the whole config
/// (members, tiling, smallest face, rotations) for reports. A rotation_probe_factor < 1
/// (auto, tiled) is a Config error.
Result<std::unique_ptr<FaceDetector>> MakeFaceDetector(const DetectorConfig& config,
                                                       const std::string& models_dir);

/// The same, ignoring config.rotations (the photo as given only).
Result<std::unique_ptr<FaceDetector>> MakeUprightDetector(const DetectorConfig& config,
                                                          const std::string& models_dir);

}  // namespace pg
