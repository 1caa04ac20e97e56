// decide(): the district policy as a pure function of an item's facts.
//
// In: an ImageRecord whose stages have run, and a PolicyContext (directory lookup,
// school year, switches). Out: a Decision — publish, review or block — with one Reason
// per rule that fired, each naming the face, name, field and policy section involved.
// The strictest reason wins (block > review > publish). No I/O; thread-safe.
//
// Rules (policy sections of the district's Staff Technology Acceptable Use Agreement):
//  - opted_out_name_with_photo (block): a photo-opted-out student's name is bound to an
//    item that shows faces ("Use of Student Images and Work": Media Release OPT-OUT).
//  - name_photo_pairing_without_permission (block): a directory student's name with a
//    photo that shows faces, or with student work, without student+parent permission for
//    the current school year.
//  - name_with_photo_no_face_found (review): a student's name with a photo in which no face
//    was found; a person confirms the student is not shown.
//  - faces_unchecked (review): faces present, no recognition ran to rule out opted-out
//    students (unless allow_unchecked_faces).
//  - directory_unavailable (review): no directory, so no name could be checked.
//  - any stage Problem (review): undecodable, unverified_output, ingest_error, ...
#pragma once

#include <map>
#include <string>

#include "core/image_record.h"
#include "core/verdict.h"
#include "directory/student.h"

namespace pg {

struct PolicyContext {
  /// Directory students by id; null when no directory is available.
  const std::map<std::string, Student>* students = nullptr;
  std::string school_year;            ///< "2026-27": permissions for other years do not count
  bool allow_unchecked_faces = false; ///< see Options::allow_unchecked_faces
  bool recognition_available = false; ///< face recognition ran on this item's faces
};

Decision Decide(const ImageRecord& record, const PolicyContext& ctx);

}  // namespace pg
