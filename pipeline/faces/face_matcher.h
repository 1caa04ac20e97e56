// FaceMatcher: tells whose face a detected face is, among the enrolled students.
//
// In: the enrolments (face descriptors of students' reference photos, as the directory
// stores them), the directory's students, today's date and the thresholds (Options).
// Load() keeps only usable references: of this embedder's model and not expired; it
// reports what it refused (other model, expired) and which photo-opted-out students it
// therefore cannot recognise. Recognise() then embeds one face and classifies it:
// opted_out / uncertain / matched / no_match / too_small (see FaceMatch in
// core/image_record.h). The matcher owns copies of the descriptors; after Load it is
// read-only, so Match() may be called from several threads; Recognise() uses the
// embedder, which is one-thread-at-a-time.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"
#include "directory/student.h"
#include "faces/face_embedder.h"

namespace pg {

/// One stored face descriptor of a student (a row of face_descriptors in
/// optout-data/schema.sql).
struct Enrolment {
  std::string student_id;
  std::string photo_path;    ///< reference photo it was computed from (absolute)
  std::string photo_sha256;  ///< of that photo's bytes, hex
  std::string photo_date;    ///< when the photo was taken, "YYYY-MM-DD"; "" when unknown
  std::string model_id;      ///< FaceEmbedder::ModelId() of the model that computed it
  FaceDescriptor descriptor;
  std::string enrolled_at;   ///< ISO 8601 UTC
  std::string expires_at;    ///< "YYYY-MM-DD": the last day this reference may be used
};

/// Where enrolments come from: SqliteDirectoryStore (real), a vector in tests.
class EnrolmentSource {
 public:
  virtual ~EnrolmentSource() = default;
  /// Every stored enrolment, of every model, ordered by student_id.
  virtual Result<std::vector<Enrolment>> AllEnrolments() = 0;
};

/// Distance thresholds (Euclidean, between descriptors) and the smallest face that is
/// recognised. Defaults live in Options (core/options.h), in one place.
struct MatchThresholds {
  double match = 0.0;      ///< distance <= match: the same person (confident)
  double uncertain = 0.0;  ///< match < distance <= uncertain: maybe; a person decides
  int min_face_px = 0;     ///< faces whose shorter side is below this: too_small
};

/// What Load() kept and refused.
struct EnrolmentSummary {
  int descriptors_used = 0;
  int students_enrolled = 0;                ///< students with a usable descriptor
  int other_model_descriptors = 0;          ///< ignored: computed by another model
  std::vector<std::string> other_models;    ///< those models' ids
  int expired_descriptors = 0;              ///< refused: past their expires_at
  /// Students with references of this model that all expired (refused), by id.
  std::vector<std::string> expired_students;
  /// Of those, the photo-opted-out ones: recognition cannot find them until re-enrolled.
  std::vector<std::string> expired_opted_out;
  /// Photo-opted-out students with no descriptor of this model at all (never enrolled,
  /// no usable reference photo, or enrolled only with another model).
  std::vector<std::string> opted_out_not_enrolled;
  int unknown_student_descriptors = 0;      ///< ignored: student not in the directory
};

class FaceMatcher {
 public:
  /// REQUIRES: 0 < thresholds.match <= thresholds.uncertain; model_id not empty.
  FaceMatcher(MatchThresholds thresholds, std::string model_id);

  /// Replaces the reference set with the usable enrolments of `all`: model_id equal to
  /// this matcher's, expires_at >= `today` ("YYYY-MM-DD"), student in `students`.
  /// BadData (naming the student and photo) for a usable enrolment whose descriptor is
  /// empty, not finite, or of another length than the others of its model.
  Status Load(const std::vector<Enrolment>& all, const std::map<std::string, Student>& students,
              const std::string& today);

  /// True when the face is too small to recognise (shorter side < min_face_px).
  bool TooSmall(const Box& face) const;

  /// Classifies a descriptor. Let O be the nearest photo-opted-out student and N the
  /// nearest student of all (distance to a student = the smallest over their
  /// descriptors). O within `match` -> opted_out (O); else O within `uncertain` ->
  /// uncertain (O); else N within `match` -> matched (N); else no_match with the
  /// nearest distance and no student (infinity when nobody is enrolled).
  /// BadData when the descriptor's length differs from the enrolled ones'.
  Result<FaceMatch> Match(const FaceDescriptor& descriptor) const;

  /// too_small for a small face; otherwise embeds the face in `bgr` and Match()es it.
  /// The embedder's error (no landmarks, model failure) is passed on.
  Result<FaceMatch> Recognise(FaceEmbedder& embedder, const cv::Mat& bgr, const Box& face) const;

  /// Recognise() on `face` made upright (UprightFaceCrop, faces/upright_face.h) in its
  /// quarter_turns and in each of its other_turns; the most cautious match wins: opted_out,
  /// then uncertain, too_small, matched, no_match; within a status the smaller distance.
  /// Any embedding error is the error (fail closed).
  Result<FaceMatch> RecogniseFace(FaceEmbedder& embedder, const cv::Mat& bgr, const FaceFact& face) const;

  /// Up to `n` nearest enrolled students with their distances, nearest first.
  std::vector<std::pair<std::string, double>> Nearest(const FaceDescriptor& descriptor,
                                                      size_t n) const;

  const EnrolmentSummary& summary() const { return summary_; }
  const MatchThresholds& thresholds() const { return thresholds_; }
  const std::string& model_id() const { return model_id_; }

 private:
  struct Reference {
    std::string student_id;
    bool opted_out = false;
    FaceDescriptor descriptor;
  };
  MatchThresholds thresholds_;
  std::string model_id_;
  std::vector<Reference> references_;
  size_t dims_ = 0;
  EnrolmentSummary summary_;
};

/// The UTC calendar date of `t`, "2026-11-18".
std::string IsoDate(std::chrono::system_clock::time_point t);

/// True for a real calendar date written "YYYY-MM-DD" (2027-02-30 is not).
bool IsIsoDate(const std::string& s);

}  // namespace pg
