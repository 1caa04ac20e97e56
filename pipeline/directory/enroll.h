// Enrolment: computes face descriptors from students' reference photos and stores them.
//
// In: the directory's students (with their reference photo paths), a face detector, a
// face embedder, the file system and a clock; options choose whom to enrol. For each
// chosen student every reference photo is read, decoded upright (EXIF orientation
// applied) and must show exactly one face large enough to recognise; that face's
// descriptor is stored with the model's id, the photo's SHA-256 and date, and an
// expiry date (retention). Out: an EnrolReport naming each photo's outcome; nothing is
// guessed (zero or several faces -> reported, not enrolled). A student with at least one
// usable photo has all their earlier descriptors replaced; a student with none keeps
// what they had. Biometric data is kept only for students who need it: photo-opted-out
// students unless all_students. Not thread-safe (uses the store and the embedder).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/options.h"
#include "core/status.h"
#include "directory/sqlite_directory_store.h"
#include "directory/student.h"
#include "faces/face_detector.h"
#include "faces/face_embedder.h"
#include "io/file_system.h"

namespace pg {

struct EnrolOptions {
  /// Enrol every student with reference photos, not only photo-opted-out ones (needed
  /// for recognising name+photo pairings). Default: false (opt-outs only).
  bool all_students = false;
  /// Only this student ("" = every student chosen by all_students).
  std::string student_id;
  /// Last day the references may be used, "YYYY-MM-DD". "" = June 30 that ends the
  /// current school year (re-enrol each year: children's faces change).
  std::string expires_at;
  /// Smallest face side, in pixels, accepted in a reference photo.
  int min_face_px = Options().min_face_px_for_recognition;
  std::uint64_t max_pixels = Options().max_pixels;
  std::uint64_t max_file_bytes = Options().max_file_bytes;
};

enum class PhotoOutcome { kEnrolled, kNoFace, kSeveralFaces, kFaceTooSmall, kUnreadable, kFailed };
/// "enrolled", "no face", "several faces", "face too small", "unreadable", "failed".
const char* PhotoOutcomeName(PhotoOutcome outcome);

struct PhotoReport {
  std::string student_id;
  std::string photo_path;
  PhotoOutcome outcome = PhotoOutcome::kFailed;
  /// One sentence: "S1001 /p/maya.jpg: 2 faces found; a reference photo must show the
  /// student alone". For kEnrolled, notes such as an old photo date.
  std::string message;
};

struct EnrolReport {
  std::string model_id;
  std::string expires_at;                      ///< as stored
  std::vector<PhotoReport> photos;             ///< every photo tried, in order
  std::vector<std::string> enrolled;           ///< students whose descriptors were replaced
  /// Chosen students that were not (re-)enrolled, one sentence each ("S1004: no
  /// reference photos in the directory", "...: no usable photo; earlier enrolment kept").
  std::vector<std::string> not_enrolled;
  int rejected_photos() const;                 ///< photos whose outcome is not kEnrolled
};

/// The last day of the school year containing `t` (UTC): "2027-06-30" for 2026-11-18.
std::string SchoolYearEndDate(std::chrono::system_clock::time_point t);

/// Enrols the chosen students of `students` into `store`.
/// Errors (nothing written): options.student_id not in `students` -> NotFound;
/// options.student_id without a photo opt-out and !all_students -> Config (enrolling
/// them needs --all-students); expires_at malformed or before today -> Config. A store
/// failure stops the run (students already written stay written) and is returned.
/// Per-photo problems are not errors: they are in the report.
Result<EnrolReport> Enrol(SqliteDirectoryStore& store, const std::vector<Student>& students,
                          FaceDetector& detector, FaceEmbedder& embedder, FileSystem& fs,
                          const Clock& clock, const EnrolOptions& options);

}  // namespace pg
