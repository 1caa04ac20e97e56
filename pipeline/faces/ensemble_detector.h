// EnsembleDetector: several face detectors as one, recall first.
//
// In: oriented BGR pixels and the member detectors (owned, run in the given order). Out:
// every member's faces merged by MergeFaces: a face any member found is kept, a face
// several found is reported once, its `detector` naming all of them in member order
// ("ssd-mobilenetv1+blazeface-back"). If any member fails, the whole detection fails
// (fail closed: a partial union is not a full analysis). One thread at a time.
#pragma once

#include <memory>
#include <vector>

#include "faces/face_detector.h"

namespace pg {

/// Name(): the members' Name()s joined by '+'. MinFaceSize(): the smallest of the
/// members' (a face is found when any member finds it).
/// REQUIRES: members is not empty and holds no null.
std::unique_ptr<FaceDetector> MakeEnsembleDetector(std::vector<std::unique_ptr<FaceDetector>> members);

}  // namespace pg
