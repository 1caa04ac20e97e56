// QuarterTurnDetector: also finds the faces of a photo taken with the phone held sideways.
//
// In: oriented BGR pixels (EXIF orientation already applied; many phones and editors leave
// none), a `full` detector (owned; the configured one) and, for auto, a cheaper `probe`
// (owned; the same kind looking only for larger faces). Out: the faces found upright in the
// photo as given and in the photo turned 90 and 270 degrees clockwise, boxes mapped back to
// the given pixels, FaceFact::quarter_turns saying in which turn each was found, merged by
// MergeFaces. Every pass must succeed, or Detect fails (fail closed: a turn not searched is
// not analysed). Deterministic. One thread at a time (like every FaceDetector).
//
// Modes (RotationMode, core/options.h):
//  - off: `full` on the photo as given (MakeFaceDetector then does not wrap at all).
//  - all: `full` on the photo as given and turned 90 and 270 degrees: 3x the work.
//  - auto: `full` as given, `probe` on the 90 and 270 turns; a turn whose probe finds a
//    face the upright pass did not (OverlapOfSmaller < kSameFaceOverlap with every upright
//    face, after mapping back) with a score >= the trigger score is then searched with
//    `full`. The probe's faces are kept too.
//    A sideways photo whose faces are all under the probe's size is not noticed (the
//    upright pass still finds ~45 % of sideways faces).
// Turned 180 degrees (upside down) is not tried: a camera held so is rare and EXIF says so.
//
// A face found in several turns is one face. It keeps the box and turn of the photo's
// likely orientation: the turn whose passes found the most faces, the photo as given on a
// tie (a detector may also find an upright face, with a box of the wrong shape, in a turned
// photo: seen on a shared portrait; and in a sideways photo the upright pass finds some faces
// with boxes of the wrong shape); else the highest-scoring turn's. The other turns' boxes go
// to FaceFact::other_turns, and recognition embeds the face in each and keeps the most
// cautious match.
#pragma once

#include <memory>
#include <string>

#include "core/options.h"
#include "core/status.h"
#include "faces/face_detector.h"

namespace pg {

/// "off", "auto", "all".
const char* RotationModeName(RotationMode mode);

/// Parses "off" / "auto" / "all"; anything else is a Config error listing them.
Result<RotationMode> ParseRotationMode(const std::string& text);

/// Passes run since construction (for evaluation: a probe costs less than a full pass).
struct QuarterTurnStats {
  int images = 0;        ///< Detect() calls
  int full_passes = 0;   ///< `full` runs (upright and turned)
  int probe_passes = 0;  ///< `probe` runs
};

class QuarterTurnDetector : public FaceDetector {
 public:
  /// REQUIRES: full != nullptr; probe != nullptr when mode is kAuto (ignored otherwise).
  /// trigger_score: auto's smallest probe score that triggers a full turned pass.
  QuarterTurnDetector(RotationMode mode, std::unique_ptr<FaceDetector> full,
                      std::unique_ptr<FaceDetector> probe, float trigger_score);

  Result<std::vector<FaceFact>> Detect(const cv::Mat& bgr) override;
  /// off: full's name. all: "<full>, also turned 90/270". auto: "<full>, also turned
  /// 90/270 when a probe (<probe's smallest face> px) finds a face scoring >= <trigger>".
  std::string Name() const override;
  /// The full detector's (turning does not change which sizes are looked for).
  int MinFaceSize(int width, int height) const override;

  const QuarterTurnStats& stats() const { return stats_; }

 private:
  /// `det` on `bgr` turned `q` clockwise, boxes mapped back, quarter_turns set.
  Result<std::vector<FaceFact>> DetectTurned(FaceDetector& det, const cv::Mat& turned, int q,
                                             cv::Size given);

  RotationMode mode_;
  std::unique_ptr<FaceDetector> full_;
  std::unique_ptr<FaceDetector> probe_;
  float trigger_score_;
  QuarterTurnStats stats_;
};

}  // namespace pg
