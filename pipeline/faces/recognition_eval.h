// Recognition evaluation: labelled photos in, face descriptors and genuine / impostor
// comparisons out, by the gate's own face path (tools/eval_recognition.cpp writes
// docs/eval-recognition.md from them; a regression test re-checks the thresholds).
//
// In: the labelled photos (identity_labels.h) and their folder, a FaceDetector and
// a FaceEmbedder (the gate's: HOG with the default options, DlibFaceEmbedder). Out: every
// face with its descriptor and identity, the comparisons of the enrolment protocol, and
// what FaceMatcher would say per face. EmbedLabelledPhotos uses the detector and the
// embedder (one thread at a time); everything else is a pure function on value types.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"
#include "faces/face_detector.h"
#include "faces/face_embedder.h"
#include "faces/face_matcher.h"
#include "faces/identity_labels.h"
#include "io/file_system.h"

namespace pg {

/// One described face of a photo.
struct EvalFace {
  Box box;
  FaceDescriptor descriptor;
  double embed_ms = 0;      ///< landmarks + chip + descriptor, wall time
  double embed_cpu_ms = 0;  ///< the same, CPU time of the calling thread
};

struct EmbeddedPhoto {
  LabelledPhoto label;
  int width = 0, height = 0;  ///< decoded, upright
  double detect_ms = 0;       ///< HOG wall time
  std::vector<EvalFace> faces;
  /// Why the photo is unusable ("" when it is): unreadable, detection failed, or a face
  /// that could not be described (then `faces` is left empty: nothing is half-counted).
  std::string problem;
};

/// Reads and decodes `path` as the gate does: format sniffed from the bytes, EXIF
/// orientation applied, the default Options' file and pixel limits.
Result<cv::Mat> DecodeAsGate(FileSystem& fs, const std::string& path);

/// Decodes every photo (`identities_dir`/file), detects faces and describes each one.
std::vector<EmbeddedPhoto> EmbedLabelledPhotos(const std::string& identities_dir,
                                               const std::vector<LabelledPhoto>& photos,
                                               FileSystem& fs, FaceDetector& detector,
                                               FaceEmbedder& embedder);

/// A face with its identity: the unit every comparison is made of.
struct Probe {
  std::string file;
  std::string person;                     ///< "" for a distractor
  std::vector<std::string> photo_people;  ///< everyone the photo's label lists
  PhotoRole role = PhotoRole::kReference;
  Box box;
  FaceDescriptor descriptor;
};

struct LabelledFaces {
  std::vector<Probe> probes;       ///< LABELS.csv order, multi-person photos' faces last
  std::vector<std::string> notes;  ///< one sentence per photo left out or face assigned
};

/// Gives faces their identity; nothing is guessed. A photo with a problem is left out. A
/// reference, variant or distractor photo must show exactly one face, otherwise it is
/// left out (noted). A multi-person photo with at most as many faces as people listed
/// is scored nearest-listed: its faces get distinct listed people by the assignment with
/// the smallest total distance, a face's distance to a person being the smallest over
/// that person's reference faces; more faces than people, or a listed person without a
/// reference face, leaves the photo out (noted).
LabelledFaces LabelFaces(const std::vector<EmbeddedPhoto>& photos);

/// Indices into `probes` of each identity's reference faces, in LABELS.csv order.
std::map<std::string, std::vector<size_t>> ReferenceFaces(const std::vector<Probe>& probes);

/// A probe against an enrolled reference (indices into the probes).
struct Comparison {
  size_t probe = 0, reference = 0;
  double distance = 0;
};

struct ComparisonSet {
  std::vector<Comparison> genuine;   ///< probe shows the reference's person
  std::vector<Comparison> impostor;  ///< probe shows someone else or nobody named
  size_t references = 0;
  size_t distinct_impostor_pairs = 0;  ///< unordered face pairs behind `impostor`
};

/// Each of `references` in turn as its person's only enrolled reference. Genuine: every
/// other face of that person. Impostor: every face whose photo does not list that person
/// (other identities and distractors; a multi-person photo listing them is left out).
ComparisonSet Compare(const std::vector<Probe>& probes, const std::vector<size_t>& references);

/// The distances of `comparisons`, in order.
std::vector<double> Distances(const std::vector<Comparison>& comparisons);

/// The gallery of enrolment round `round`: each identity's reference number
/// round % (its count). Round 0 enrols each identity's first photo.
std::vector<size_t> Gallery(const std::map<std::string, std::vector<size_t>>& references,
                            size_t round);

/// What the gate would say per face (FaceMatcher::Match) with the gallery's people
/// enrolled as photo-opted-out students. Gallery faces are not probed.
struct IdentificationCounts {
  int genuine = 0;  ///< faces of an enrolled person
  int genuine_opted_out = 0, genuine_uncertain = 0, genuine_no_match = 0;
  int genuine_other_student = 0;  ///< opted_out or uncertain, but naming someone else
  int impostor = 0;               ///< faces of nobody enrolled (distractors)
  int impostor_opted_out = 0, impostor_uncertain = 0, impostor_no_match = 0;
  std::vector<std::string> genuine_no_match_faces;  ///< "file (distance 0.712)"
  std::vector<std::string> impostor_opted_out_faces;
  void Add(const IdentificationCounts& other);
};
Result<IdentificationCounts> Identify(const std::vector<Probe>& probes,
                                      const std::vector<size_t>& gallery,
                                      const MatchThresholds& thresholds);

}  // namespace pg
