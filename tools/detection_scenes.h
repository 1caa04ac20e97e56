// Evaluation data for face detection: annotated images from the shared test data and
// synthetic 12 MP group scenes composed from its identity photos.
//
// In: the shared testdata folder (read in place, never copied). Out: images with their
// ground-truth boxes, owned by the caller. Composition is deterministic for a given seed, so
// two runs (and two detectors) see the same pixels. Used only by tools/eval_detection.cpp.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "faces/detection_metrics.h"
#include "faces/face_detector.h"

namespace pg {

struct EvalImage {
  std::string name;
  cv::Mat bgr;
  std::vector<TruthBox> truth;  ///< empty for a negative
};

/// detection/dlib_faces: the annotated PASCAL VOC photos present there, with their dlib XML
/// boxes (the XML files list more photos than the folder holds).
Result<std::vector<EvalImage>> LoadDlibFaces(const std::string& testdata);

/// detection/negatives: photos and scans without human faces, decoded by publish-gate.
Result<std::vector<EvalImage>> LoadNegatives(const std::string& testdata);

/// A face cut from an identity photo, with its box inside the cut-out.
struct FacePatch {
  std::string source;
  cv::Mat bgr;
  Box face;
};

/// One patch per identities/ photo that shows one person (LABELS.csv), the face located by
/// `locator` (its largest face); photos where it finds none are skipped and counted. When
/// `portraits` is given, the whole photos are added there with that face as their truth
/// (close-ups whose face fills most of the frame: a case some detectors miss).
Result<std::vector<FacePatch>> CutFacePatches(const std::string& testdata, FaceDetector& locator,
                                              int* skipped, std::vector<EvalImage>* portraits = nullptr);

/// `count` scenes of width x height: a background photo (the negatives, scaled to cover)
/// with patches pasted at random non-overlapping places, face sides log-uniform in
/// [min_face, max_face], blended through a feathered ellipse. Deterministic for `seed`.
std::vector<EvalImage> ComposeScenes(const std::vector<FacePatch>& patches, const std::vector<EvalImage>& backgrounds,
                                     int count, int width, int height, int faces_per_scene, int min_face,
                                     int max_face, unsigned seed);

/// The image turned 90 degrees clockwise, truth boxes with it (a phone held sideways
/// without an EXIF orientation tag).
EvalImage RotateClockwise(const EvalImage& image);

}  // namespace pg
