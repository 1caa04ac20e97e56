#include "faces/quarter_turn_detector.h"

#include <algorithm>
#include <cstdio>

#include "faces/face_merge.h"
#include "faces/upright_face.h"

namespace pg {

namespace {

/// The clockwise quarter turns tried besides the photo as given: 90 and 270 degrees.
constexpr int kTurns[] = {1, 3};

/// The first of `known` that `f` overlaps as the same face (OverlapOfSmaller >=
/// kSameFaceOverlap), or known.end().
template <typename Faces>
auto SameFace(Faces& known, const FaceFact& f) {
  return std::find_if(known.begin(), known.end(), [&](const FaceFact& k) {
    return OverlapOfSmaller(k.box, f.box) >= kSameFaceOverlap;
  });
}

/// The turn (0, 1 or 3) in which the most of `faces` were found; the lowest on a tie, so the
/// photo as given wins ties.
int LikelyTurn(const std::vector<FaceFact>& faces) {
  int best = 0;
  auto count = [&](int q) {
    return std::count_if(faces.begin(), faces.end(), [q](const FaceFact& f) { return f.quarter_turns == q; });
  };
  for (int q : kTurns) {
    if (count(q) > count(best)) best = q;
  }
  return best;
}

/// Merges the faces of every turn (upright ones first, then the turned passes', boxes in the
/// given pixels): the faces of the likely turn are kept as they are; then the others by
/// descending score (ties: upright, 90, 270): one that overlaps a kept face as the same face
/// (OverlapOfSmaller >= kSameFaceOverlap) is added to that face's other_turns (once per
/// turn), any other is a new face.
std::vector<FaceFact> MergeTurns(std::vector<FaceFact> faces) {
  const int likely = LikelyTurn(faces);
  std::vector<FaceFact> first, turned;
  for (FaceFact& f : faces) (f.quarter_turns == likely ? first : turned).push_back(std::move(f));
  std::vector<FaceFact> kept = MergeFaces(first);
  std::stable_sort(turned.begin(), turned.end(),
                   [](const FaceFact& a, const FaceFact& b) { return a.score > b.score; });
  for (FaceFact& t : turned) {
    auto same = SameFace(kept, t);
    if (same == kept.end()) {
      kept.push_back(std::move(t));
      continue;
    }
    const bool known_turn =
        same->quarter_turns == t.quarter_turns ||
        std::any_of(same->other_turns.begin(), same->other_turns.end(),
                    [&](const TurnedBox& o) { return o.quarter_turns == t.quarter_turns; });
    if (!known_turn) same->other_turns.push_back({t.quarter_turns, t.box});
  }
  return kept;
}

/// "0.80".
std::string ScoreText(float score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(score));
  return text;
}

}  // namespace

const char* RotationModeName(RotationMode mode) {
  switch (mode) {
    case RotationMode::kOff: return "off";
    case RotationMode::kAuto: return "auto";
    case RotationMode::kAll: return "all";
  }
  return "off";
}

Result<RotationMode> ParseRotationMode(const std::string& text) {
  for (RotationMode m : {RotationMode::kOff, RotationMode::kAuto, RotationMode::kAll}) {
    if (text == RotationModeName(m)) return m;
  }
  return Status::Config("unknown rotation mode '" + text + "'; valid: off, auto, all");
}

QuarterTurnDetector::QuarterTurnDetector(RotationMode mode, std::unique_ptr<FaceDetector> full,
                                         std::unique_ptr<FaceDetector> probe, float trigger_score)
    : mode_(mode), full_(std::move(full)), probe_(std::move(probe)), trigger_score_(trigger_score) {}

Result<std::vector<FaceFact>> QuarterTurnDetector::DetectTurned(FaceDetector& det, const cv::Mat& turned,
                                                                int q, cv::Size given) {
  auto faces = det.Detect(turned);
  if (!faces.ok()) return faces.status();
  for (FaceFact& f : *faces) {
    f.box = UnturnBox(f.box, given, q);
    f.quarter_turns = q;
  }
  return faces;
}

Result<std::vector<FaceFact>> QuarterTurnDetector::Detect(const cv::Mat& bgr) {
  ++stats_.images;
  ++stats_.full_passes;
  auto upright = full_->Detect(bgr);
  if (!upright.ok() || mode_ == RotationMode::kOff) return upright;
  const cv::Size given(bgr.cols, bgr.rows);
  std::vector<FaceFact> all = *upright;  // then the turned faces, mapped back
  for (int q : kTurns) {
    const cv::Mat turned = TurnImage(bgr, q);
    bool search_fully = mode_ == RotationMode::kAll;
    if (mode_ == RotationMode::kAuto) {
      ++stats_.probe_passes;
      auto probed = DetectTurned(*probe_, turned, q, given);
      if (!probed.ok()) return probed.status();
      search_fully = std::any_of(probed->begin(), probed->end(),
                                 [&](const FaceFact& f) {
                                   return f.score >= trigger_score_ && SameFace(*upright, f) == upright->end();
                                 });
      all.insert(all.end(), probed->begin(), probed->end());
    }
    if (!search_fully) continue;
    ++stats_.full_passes;
    auto found = DetectTurned(*full_, turned, q, given);
    if (!found.ok()) return found.status();
    all.insert(all.end(), found->begin(), found->end());
  }
  return MergeTurns(std::move(all));
}

std::string QuarterTurnDetector::Name() const {
  switch (mode_) {
    case RotationMode::kOff: return full_->Name();
    case RotationMode::kAll: return full_->Name() + ", also turned 90/270";
    case RotationMode::kAuto:
      return full_->Name() + ", also turned 90/270 when a probe (faces >= " +
             std::to_string(probe_->MinFaceSize(4000, 3000)) + " px) finds a face scoring >= " +
             ScoreText(trigger_score_);
  }
  return full_->Name();
}

int QuarterTurnDetector::MinFaceSize(int width, int height) const {
  return full_->MinFaceSize(width, height);
}

}  // namespace pg
