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
/// boxes (the XML files list more photos than the folder holds). Names end in
/// " [training.xml]" or " [testing.xml]": dlib trained its HOG detector on the first.
Result<std::vector<EvalImage>> LoadDlibFaces(const std::string& testdata);

/// detection/negatives: photos and scans without human faces, decoded by publish-gate.
Result<std::vector<EvalImage>> LoadNegatives(const std::string& testdata);

/// A face cut from a photo, with its box inside the cut-out, and other faces the cut-out
/// shows (whole or in part: a neighbour in a group photo), which count neither way.
struct FacePatch {
  std::string source;
  cv::Mat bgr;
  Box face;
  std::vector<Box> others;
};

/// One patch per identities/ photo that shows one person (LABELS.csv), the face located by
/// `locator` (its largest face); photos where it finds none are skipped and counted. When
/// `portraits` is given, the whole photos are added there with that face as their truth
/// (close-ups whose face fills most of the frame: a case some detectors miss).
Result<std::vector<FacePatch>> CutFacePatches(const std::string& testdata, FaceDetector& locator,
                                              int* skipped, std::vector<EvalImage>* portraits = nullptr);

/// One patch per human-annotated face of the dlib_faces photos (LoadDlibFaces): cut with a
/// margin of 0.4 of its side, truth = the annotator's box, so no compared detector chose
/// the faces or drew their boxes. Annotated faces the cut also shows go to `others`, as
/// the part of their box inside the cut.
std::vector<FacePatch> CutAnnotatedFacePatches(const std::vector<EvalImage>& dlib_faces);

/// `count` scenes of width x height: a background photo (the negatives, scaled to cover)
/// with patches pasted at random non-overlapping places, face sides log-uniform in
/// [min_face, max_face] (a patch is not enlarged more than max_upscale times: another is
/// drawn), blended through a feathered ellipse. A patch's `others` become ignored truth
/// boxes. Deterministic for `seed`.
std::vector<EvalImage> ComposeScenes(const std::vector<FacePatch>& patches, const std::vector<EvalImage>& backgrounds,
                                     int count, int width, int height, int faces_per_scene, int min_face,
                                     int max_face, unsigned seed, double max_upscale = 1e9);

/// The image turned 90 degrees clockwise, truth boxes with it (a phone held sideways
/// without an EXIF orientation tag).
EvalImage RotateClockwise(const EvalImage& image);

}  // namespace pg
