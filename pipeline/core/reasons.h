// Reason codes: every reason publish-gate can give for a verdict, in one table.
//
// A reason's code, what it decides on its own (its effect), a short title, the rule it
// applies and when it is given are written once, in reasons.cpp; decide, the pipeline's
// problems, the reports and the README's "Reason codes" table all read them from there
// (tests/unit/reasons_test.cpp holds the README to the table). The message of each reason
// is written where the facts are (decide.cpp, the stage that failed): it names the face,
// the name, the field. Plain data, no state.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace pg {

/// What publish-gate decides for an item; the strictest of its reasons' effects wins.
enum class Verdict { kPublish, kReview, kBlock };
const char* VerdictName(Verdict v);  ///< "publish" / "review" / "block"

enum class ReasonCode {
  // Block: the policy forbids publishing.
  kOptedOutStudentInPhoto,
  kOptedOutNameWithPhoto,
  kNamePhotoPairingWithoutPermission,
  // Review: a person must look.
  kUncertainFaceMatch,
  kFaceTooSmallToRecognise,
  kStaleEnrolment,
  kNameWithPhotoNoFaceFound,
  kFacesUnchecked,
  kFaceRecognitionFailed,
  kDirectoryUnavailable,
  // Review: the file could not be fully analysed or verified (fail closed).
  kUndecodable,
  kUnreadable,
  kIngestError,
  kFaceDetectionFailed,
  kUnanalysedFrames,
  kUnverifiedOutput,
  kOutputWriteFailed,
  kNameTextUnreadable,
  kInternalError,
};

struct ReasonInfo {
  ReasonCode code;
  const char* name;    ///< the stable machine code reports carry: "opted_out_student_in_photo"
  Verdict effect;      ///< what this reason alone decides
  const char* title;   ///< a short heading for a person: "Opted-out student in the photo"
  const char* rule;    ///< the rule it applies, as evidence names it
  const char* when;    ///< one line: when it is given (the README's table)
};

/// Every reason, in the order above (blocks first). Each code appears exactly once.
std::span<const ReasonInfo> AllReasons();
/// The table row of `code`.
const ReasonInfo& Describe(ReasonCode code);
/// Describe(code).name.
const char* ReasonCodeName(ReasonCode code);
/// The code named `name`, or nullopt for a name no reason has.
std::optional<ReasonCode> ParseReasonCode(std::string_view name);

}  // namespace pg
