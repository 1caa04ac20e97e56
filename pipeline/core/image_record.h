// ImageRecord: everything the pipeline learns about one item, stage by stage.
//
// Ingest creates a record from an ItemInput; each stage reads the record and adds its
// own facts (decode -> image, metadata -> inventory, faces -> faces, names -> names,
// sanitize -> sanitized bytes); stages never rewrite another stage's facts. decide()
// turns the facts into a Verdict; only the emit stage touches disk. A stage that could
// not finish records a Problem instead of throwing, so decide() can fail closed.
// Plain data; not thread-safe, one record per item.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/reasons.h"

namespace pg {

using Bytes = std::vector<std::uint8_t>;

/// What an item is, as the manifest or --kind says. Student work is scanned work
/// (drawings, essays); it needs no face to count as "student work" under the policy.
enum class ItemKind { kPhoto, kStudentWork };
const char* ItemKindName(ItemKind k);  ///< "photo" / "student-work"
/// Parses "photo" / "student-work" (also "student_work", "work"); nullopt otherwise.
std::optional<ItemKind> ParseItemKind(const std::string& s);

/// Container formats, told from the file's first bytes, never from its extension.
enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kHeif, kTiff, kGif };
const char* ImageFormatName(ImageFormat f);  ///< "jpeg", "png", ... "unknown"

/// One item as handed to the pipeline by ingest (folder walk, manifest, or `check`).
struct ItemInput {
  std::string path;      ///< where to read it (absolute or relative to the cwd)
  std::string rel_path;  ///< name in reports and under publish/ (relative to the input root)
  std::string caption;   ///< text to be published with the image ("" if none)
  std::string alt_text;  ///< alt text to be published with it ("" if none)
  std::string page;      ///< page or gallery it goes to (informational)
  ItemKind kind = ItemKind::kPhoto;
  /// Set when ingest already knows the item cannot be processed (e.g. path escapes the
  /// input root, manifest row malformed). The pipeline then only reports it, as review.
  std::string ingest_error;
};

/// An axis-aligned box in pixels of the *oriented* image (EXIF orientation applied).
struct Box {
  int x = 0, y = 0, w = 0, h = 0;
};

/// "WxH at (x,y)", as reports and messages name a face.
std::string BoxText(const Box& b);

/// Result of matching one face against enrolled students (recognition; later issue).
/// What recognition made of one face, most cautious first (FaceMatcher keeps the most cautious
/// of several descriptors of one face).
enum class MatchStatus {
  kOptedOut,   ///< within the match threshold of a photo-opted-out student
  kUncertain,  ///< in the uncertain band of a photo-opted-out student: a person compares
  kTooSmall,   ///< smaller than the recognition minimum: not recognised
  kMatched,    ///< within the match threshold of a student who did not opt out
  kNoMatch,    ///< no enrolled student is near
};
/// "opted_out" / "uncertain" / "too_small" / "matched" / "no_match", as reports name it.
const char* MatchStatusName(MatchStatus s);

struct FaceMatch {
  MatchStatus status = MatchStatus::kNoMatch;
  std::string student_id;  ///< "" when none
  double distance = 0.0;
};

/// A face's box as found in one quarter turn of the photo (see FaceFact::other_turns).
struct TurnedBox {
  int quarter_turns = 0;
  Box box;
};

struct FaceFact;
/// How verdict evidence names a face: BoxText, plus " (found turned 90°)" (or 270°, clockwise)
/// when it was found in the photo turned (FaceFact::quarter_turns).
std::string FaceText(const FaceFact& f);

struct FaceFact {
  Box box;
  double score = 0.0;        ///< detector confidence, detector-specific scale
  std::string detector;      ///< which detector found it, e.g. "dlib-hog"
  /// Clockwise quarter turns of the given image in which the face was found upright: 0, or
  /// 1 / 3 (90 / 270 degrees) when it was found only, or best, with the photo turned (a phone
  /// held sideways without an EXIF orientation; faces/quarter_turn_detector.h). `box` is
  /// still in the given image's pixels; recognition embeds the face turned upright.
  int quarter_turns = 0;
  /// The same face as found in other quarter turns too (boxes in the given image's pixels):
  /// recognition embeds it in every turn it was found in and keeps the most cautious match,
  /// because a detector also finds some sideways faces, and a face embedded on its side
  /// gives a wrong descriptor (a missed opt-out). Empty when found in one turn only.
  std::vector<TurnedBox> other_turns;
  std::optional<FaceMatch> match;  ///< nullopt until recognition runs
};

/// How a NameFact's words name their student.
enum class NameMatch {
  kFull,       ///< first or preferred name with the last name ("Maya Okafor", "Okafor, Maya")
  kGivenOnly,  ///< the first or preferred name alone: names them beside a face recognised as them
};
/// "full" / "given_name", as reports name it.
inline const char* NameMatchName(NameMatch m) { return m == NameMatch::kFull ? "full" : "given_name"; }

/// A directory student's name found in text that would be published with the item.
struct NameFact {
  std::string text;        ///< the words as they appear in the source
  std::string source;      ///< caption | alt_text | file_name | exif:Artist | xmp:... | iptc:...
  std::string student_id;  ///< directory id of the student the name belongs to
  NameMatch match = NameMatch::kFull;
};

/// One metadata finding: what was there, e.g. {"gps", "GPS position 37.42,-122.08", "exif"}.
struct MetadataFinding {
  std::string kind;    ///< gps | camera_serial | camera | owner | artist | copyright | date |
                       ///< software | thumbnail | text | xmp | iptc | icc | comment | other
  std::string detail;  ///< human-readable value or description
  std::string where;   ///< container: exif | xmp | iptc | png-text | jpeg-com | trailer ...
};

/// Text fields embedded in the file that would travel with it if not stripped;
/// handed to the names stage. name is e.g. "exif:Artist", value UTF-8.
struct EmbeddedText {
  std::string field;
  std::string value;
};

struct MetadataFacts {
  std::vector<MetadataFinding> found;   ///< inventory of the original file
  std::vector<std::string> removed;     ///< what sanitising removed (segment/chunk names)
  std::vector<EmbeddedText> texts;      ///< text fields for the names stage
  int exif_orientation = 1;             ///< 1..8, 1 when absent
};

/// A stage that could not complete. decide() turns every problem into a review reason.
struct Problem {
  ReasonCode code;      ///< e.g. kUndecodable, kUnverifiedOutput, kOutputWriteFailed
  std::string message;  ///< one precise sentence
};

/// Bytes ready to publish: metadata removed, verified by an independent re-read.
struct SanitizedOutput {
  Bytes bytes;
  ImageFormat format = ImageFormat::kUnknown;
  std::string extension;   ///< ".jpg", ".png", ... matching format
  bool reencoded = false;  ///< true if pixels were re-encoded (not lossless)
  bool verified = false;
};

struct ImageRecord {
  ItemInput input;
  std::string sha256;                    ///< of the original bytes, hex
  ImageFormat format = ImageFormat::kUnknown;
  int width = 0, height = 0;             ///< oriented image size
  bool decoded = false;
  bool faces_checked = false;            ///< detection ran to completion
  std::vector<FaceFact> faces;
  bool names_checked = false;            ///< a directory was available and searched
  std::vector<NameFact> names;
  MetadataFacts metadata;
  std::optional<SanitizedOutput> sanitized;
  std::string output_path;               ///< set by emit when written to publish/
  std::vector<Problem> problems;
};

}  // namespace pg
