// decide(): the district policy as a pure function of an item's facts.
//
// In: an ImageRecord whose stages have run, and a PolicyContext (directory lookup,
// school year, switches). Out: a Decision — publish, review or block — with one Reason
// per rule that fired, each naming the face, name, field and policy section involved.
// The strictest reason wins (block > review > publish). No I/O; thread-safe.
//
// Rules (policy sections of the district's Staff Technology Acceptable Use Agreement):
//  - opted_out_student_in_photo (block): face recognition confidently matched a face to a
//    photo-opted-out student ("Use of Student Images and Work": Media Release OPT-OUT).
//  - opted_out_name_with_photo (block): a photo-opted-out student's name is bound to an
//    item that shows faces.
//  - name_photo_pairing_without_permission (block): a directory student's name with a
//    photo that shows faces, or with student work, without student+parent permission for
//    the current school year; also a face recognised as a student published with that
//    student's first or preferred name alone (the face makes the name theirs).
//  Names are the names stage's facts (ImageRecord::names); decide never reads texts. A
//  full-name fact (NameMatch::kFull) triggers the name rules; a given-name-only fact
//  (kGivenOnly) counts only when a face is recognised as that student (match status
//  matched or opted_out), and then as their name (opt-out or missing permission blocks).
//  - uncertain_face_match (review): a face in the uncertain band of an opted-out student.
//  - face_too_small_to_recognise (review): a face below the recognition size (unless
//    allow_small_faces).
//  - stale_enrolment (review): faces present and some opted-out students' reference
//    photos expired, so recognition cannot find them until they are re-enrolled.
//  - name_with_photo_no_face_found (review): a student's name with a photo in which no face
//    was found; a person confirms the student is not shown.
//  - faces_unchecked (review): faces present and recognition off or unavailable for them,
//    or opted-out students not enrolled (unless allow_unchecked_faces).
//  - directory_unavailable (review): no directory, so no name could be checked.
//  - any stage Problem (review): undecodable, unverified_output, ingest_error, ...
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/verdict.h"
#include "directory/student.h"

namespace pg {

struct PolicyContext {
  /// Directory students by id; null when no directory is available.
  const std::map<std::string, Student>* students = nullptr;
  /// Why the directory is unavailable when `students` is null ("" = none was given).
  std::string directory_unavailable_why;
  std::string school_year;            ///< "2026-27": permissions for other years do not count
  bool allow_unchecked_faces = false; ///< see Options::allow_unchecked_faces
  /// Face recognition ran on every one of this item's faces (each has a FaceFact::match).
  bool recognition_available = false;
  bool allow_small_faces = false;     ///< see Options::allow_small_faces
  /// The thresholds recognition used (for evidence); see Options.
  double match_threshold = 0.0;
  double uncertain_threshold = 0.0;
  int min_face_px = 0;
  /// Photo-opted-out students that recognition cannot find: not enrolled with the
  /// current model (faces then stay unchecked), and those whose references expired.
  std::vector<std::string> opted_out_not_enrolled;
  std::vector<std::string> expired_opted_out;
};

Decision Decide(const ImageRecord& record, const PolicyContext& ctx);

}  // namespace pg
