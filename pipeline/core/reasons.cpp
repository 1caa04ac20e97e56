#include "core/reasons.h"

#include <array>

namespace pg {

namespace {

// The policy section every image rule comes from (../shared/policy: the staff acceptable-use
// agreement, "Use of Student Images and Work").
#define PG_IMAGES "Use of Student Images and Work: "

constexpr std::array kReasons = {
    ReasonInfo{ReasonCode::kOptedOutStudentInPhoto, "opted_out_student_in_photo", Verdict::kBlock,
               "Opted-out student in the photo",
               PG_IMAGES "no photos of students with a Media Release OPT-OUT",
               "face recognition confidently matched a face to a photo-opted-out student (evidence: "
               "face box, student_id, distance, threshold)"},
    ReasonInfo{ReasonCode::kOptedOutNameWithPhoto, "opted_out_name_with_photo", Verdict::kBlock,
               "Opted-out student named with the photo", PG_IMAGES "Media Release OPT-OUT on file",
               "a photo-opted-out student's name is bound to an item that shows faces (their first or "
               "preferred name alone counts beside a face recognised as them)"},
    ReasonInfo{ReasonCode::kNamePhotoPairingWithoutPermission, "name_photo_pairing_without_permission",
               Verdict::kBlock, "Name with photo or work, no written permission",
               PG_IMAGES "names with photos or work need student and parent written permission",
               "a directory student's name with a photo that shows faces, or with student work, and no "
               "student+parent permission for the current school year; also a face recognised as a "
               "student with that student's first or preferred name alone in the item's text"},
    ReasonInfo{ReasonCode::kUncertainFaceMatch, "uncertain_face_match", Verdict::kReview,
               "Face may be an opted-out student", PG_IMAGES "check the directory before publishing",
               "a face in the uncertain band of a photo-opted-out student: a person compares"},
    ReasonInfo{ReasonCode::kFaceTooSmallToRecognise, "face_too_small_to_recognise", Verdict::kReview,
               "Faces too small to recognise", PG_IMAGES "check the directory before publishing",
               "a face smaller than the recognition minimum (`--small-faces allow` to accept)"},
    ReasonInfo{ReasonCode::kStaleEnrolment, "stale_enrolment", Verdict::kReview,
               "Reference photos expired", "references expire each school year: children's faces change",
               "faces found, and some photo-opted-out students' reference photos are past their "
               "retention date, so recognition cannot find them"},
    ReasonInfo{ReasonCode::kNameWithPhotoNoFaceFound, "name_with_photo_no_face_found", Verdict::kReview,
               "Student named, no face found", PG_IMAGES "names with photos need permission",
               "a student's name on a photo in which no face was found: a person confirms the student "
               "is not shown"},
    ReasonInfo{ReasonCode::kFacesUnchecked, "faces_unchecked", Verdict::kReview,
               "Faces not checked against the opt-out list",
               PG_IMAGES "check the directory before publishing",
               "faces found and no face recognition ran to rule out opted-out students "
               "(`--no-recognition`, a face that could not be described), or some photo-opted-out "
               "students are not enrolled (`--faces-unchecked allow` to accept)"},
    ReasonInfo{ReasonCode::kFaceRecognitionFailed, "face_recognition_failed", Verdict::kReview,
               "Face recognition failed", "fail closed: not fully analysed",
               "a detected face could not be described by the recognition model"},
    ReasonInfo{ReasonCode::kDirectoryUnavailable, "directory_unavailable", Verdict::kReview,
               "No student directory", PG_IMAGES "staff must check the directory before publishing",
               "no student directory, or one that holds no students, so nothing could be checked"},
    ReasonInfo{ReasonCode::kUndecodable, "undecodable", Verdict::kReview, "Not a readable image",
               "fail closed: not fully analysed",
               "not a supported image, corrupt, truncated, or over `--max-pixels`"},
    ReasonInfo{ReasonCode::kUnreadable, "unreadable", Verdict::kReview, "File could not be read",
               "fail closed: not fully analysed", "the file could not be read"},
    ReasonInfo{ReasonCode::kIngestError, "ingest_error", Verdict::kReview, "Not taken into the batch",
               "fail closed: not fully analysed",
               "manifest row malformed, path outside the input root or holding a control character, "
               "file missing, listed twice (under any spelling)"},
    ReasonInfo{ReasonCode::kFaceDetectionFailed, "face_detection_failed", Verdict::kReview,
               "Face detection failed", "fail closed: not fully analysed",
               "the detector failed on the image"},
    ReasonInfo{ReasonCode::kUnanalysedFrames, "unanalysed_frames", Verdict::kReview,
               "Animation frames not analysed", "fail closed: not fully analysed",
               "an animation (GIF, WebP): only its first frame was analysed"},
    ReasonInfo{ReasonCode::kUnverifiedOutput, "unverified_output", Verdict::kReview,
               "No verified clean copy", "only verified, sanitized files are published",
               "metadata could not be removed, or the sanitized file failed the independent re-read"},
    ReasonInfo{ReasonCode::kOutputWriteFailed, "output_write_failed", Verdict::kReview,
               "Clean copy not written", "only verified, sanitized files are published",
               "the sanitized copy could not be written to `publish/`"},
    ReasonInfo{ReasonCode::kNameTextUnreadable, "name_text_unreadable", Verdict::kReview,
               "Text could not be checked for names", "fail closed: not fully analysed",
               "a text that goes with the item (caption, alt text, file name, an embedded field; or a "
               "directory name) is not well-formed UTF-8, or Unicode folding failed: the names in it "
               "could not all be checked (the message names the field)"},
    ReasonInfo{ReasonCode::kInternalError, "internal_error", Verdict::kReview, "Internal error",
               "fail closed: not fully analysed", "a bug; the batch goes on"},
};

#undef PG_IMAGES

// The table is indexed by code: each row must sit at its enumerator's position.
constexpr bool InEnumOrder() {
  for (size_t i = 0; i < kReasons.size(); ++i) {
    if (static_cast<size_t>(kReasons[i].code) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kReasons rows must follow the order of enum ReasonCode");
static_assert(kReasons.size() == static_cast<size_t>(ReasonCode::kInternalError) + 1,
              "every ReasonCode needs a row in kReasons");

}  // namespace

std::span<const ReasonInfo> AllReasons() { return kReasons; }

const ReasonInfo& Describe(ReasonCode code) { return kReasons[static_cast<size_t>(code)]; }

const char* ReasonCodeName(ReasonCode code) { return Describe(code).name; }

std::optional<ReasonCode> ParseReasonCode(std::string_view name) {
  for (const auto& r : kReasons) {
    if (name == r.name) return r.code;
  }
  return std::nullopt;
}

}  // namespace pg
