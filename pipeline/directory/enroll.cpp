#include "directory/enroll.h"

#include <algorithm>
#include <optional>

#include "core/sha256.h"
#include "decode/decode.h"
#include "decode/format_sniff.h"
#include "faces/face_matcher.h"
#include "faces/upright_face.h"
#include "metadata/metadata_inventory.h"

namespace pg {

namespace {

/// "YYYY-MM-DD" from the EXIF date finding ("DateTimeOriginal: 2024:09:03 10:00:00"),
/// preferring DateTimeOriginal over DateTime; "" when there is none.
std::string PhotoDate(const MetadataFacts& metadata) {
  for (const char* label : {"DateTimeOriginal: ", "DateTime: "}) {
    const std::string prefix = label;
    for (const auto& f : metadata.found) {
      if (f.kind != "date" || f.detail.compare(0, prefix.size(), prefix) != 0) continue;
      std::string d = f.detail.substr(prefix.size(), 10);
      if (d.size() == 10 && d[4] == ':' && d[7] == ':') {
        d[4] = d[7] = '-';
        if (IsIsoDate(d)) return d;
      }
    }
  }
  return "";
}

/// `date` minus one year, for "is this photo more than a year old".
std::string YearBefore(const std::string& date) {
  return std::to_string(std::stoi(date.substr(0, 4)) - 1) + date.substr(4);
}

std::string Text(const Box& b) {
  return std::to_string(b.w) + "x" + std::to_string(b.h) + " px at (" + std::to_string(b.x) + "," +
         std::to_string(b.y) + ")";
}

struct PhotoResult {
  PhotoReport report;
  std::optional<Enrolment> enrolment;
};

PhotoResult EnrolPhoto(const Student& s, const std::string& path, FaceDetector& detector,
                       FaceEmbedder& embedder, FileSystem& fs, const EnrolOptions& options,
                       const std::string& today) {
  PhotoResult r;
  r.report.student_id = s.student_id;
  r.report.photo_path = path;
  auto fail = [&](PhotoOutcome outcome, const std::string& why) {
    r.report.outcome = outcome;
    r.report.message = s.student_id + " " + path + ": " + why;
    return r;
  };
  auto bytes = fs.ReadFile(path, options.max_file_bytes);
  if (!bytes.ok()) return fail(PhotoOutcome::kUnreadable, bytes.status().message());
  const ImageFormat format = SniffFormat(*bytes);
  MetadataFacts metadata;
  if (format != ImageFormat::kUnknown) metadata = InspectMetadata(*bytes, format);
  auto decoded = DecodeImage(*bytes, metadata.exif_orientation, options.max_pixels);
  if (!decoded.ok()) return fail(PhotoOutcome::kUnreadable, decoded.status().message());

  auto faces = detector.Detect(decoded->bgr);
  if (!faces.ok()) return fail(PhotoOutcome::kFailed, "face detection failed: " + faces.status().message());
  if (faces->empty()) {
    return fail(PhotoOutcome::kNoFace, "no face found (" + detector.Name() +
                                           "); use a photo of the student facing the camera");
  }
  if (faces->size() > 1) {
    std::string boxes;
    for (const auto& f : *faces) boxes += (boxes.empty() ? "" : "; ") + Text(f.box);
    return fail(PhotoOutcome::kSeveralFaces,
                std::to_string(faces->size()) + " faces found (" + boxes +
                    "); a reference photo must show the student alone");
  }
  const Box& box = (*faces)[0].box;
  if (std::min(box.w, box.h) < options.min_face_px) {
    return fail(PhotoOutcome::kFaceTooSmall, "the face is " + Text(box) + ", smaller than the " +
                                                 std::to_string(options.min_face_px) +
                                                 " px needed to recognise it; use a closer photo");
  }
  // A reference photo whose face was found only with the photo turned: embed it upright.
  const UprightFace upright = UprightFaceCrop(decoded->bgr, box, (*faces)[0].quarter_turns);
  auto descriptor = embedder.Embed(upright.bgr, upright.box);
  if (!descriptor.ok()) {
    return fail(PhotoOutcome::kFailed, "no face descriptor could be computed for the face at " +
                                           Text(box) + ": " + descriptor.status().message());
  }
  Enrolment e;
  e.student_id = s.student_id;
  e.photo_path = path;
  e.photo_sha256 = Sha256Hex(*bytes);
  e.photo_date = PhotoDate(metadata);
  e.model_id = embedder.ModelId();
  e.descriptor = std::move(*descriptor);
  r.enrolment = std::move(e);
  r.report.outcome = PhotoOutcome::kEnrolled;
  r.report.message = s.student_id + " " + path + ": enrolled (face " + Text(box) +
                     ((*faces)[0].quarter_turns != 0
                          ? ", found with the photo turned " + std::to_string(90 * (*faces)[0].quarter_turns) +
                                "\u00b0 (no EXIF orientation)"
                          : std::string()) +
                     ")";
  const std::string& date = r.enrolment->photo_date;
  if (!date.empty() && date < YearBefore(today)) {
    r.report.message += "; the photo was taken on " + date +
                        ", over a year ago: children's faces change, use this year's photo";
  }
  return r;
}

}  // namespace

const char* PhotoOutcomeName(PhotoOutcome outcome) {
  switch (outcome) {
    case PhotoOutcome::kEnrolled: return "enrolled";
    case PhotoOutcome::kNoFace: return "no face";
    case PhotoOutcome::kSeveralFaces: return "several faces";
    case PhotoOutcome::kFaceTooSmall: return "face too small";
    case PhotoOutcome::kUnreadable: return "unreadable";
    case PhotoOutcome::kFailed: return "failed";
  }
  return "failed";
}

int EnrolReport::rejected_photos() const {
  int n = 0;
  for (const auto& p : photos) n += p.outcome == PhotoOutcome::kEnrolled ? 0 : 1;
  return n;
}

std::string SchoolYearEndDate(std::chrono::system_clock::time_point t) {
  const std::string year = SchoolYearAt(t);  // "2026-27"
  return std::to_string(std::stoi(year.substr(0, 4)) + 1) + "-06-30";
}

Result<EnrolReport> Enrol(SqliteDirectoryStore& store, const std::vector<Student>& students,
                          FaceDetector& detector, FaceEmbedder& embedder, FileSystem& fs,
                          const Clock& clock, const EnrolOptions& options) {
  const auto now = clock.Now();
  const std::string today = IsoDate(now);
  EnrolReport report;
  report.model_id = embedder.ModelId();
  report.expires_at = options.expires_at.empty() ? SchoolYearEndDate(now) : options.expires_at;
  if (!IsIsoDate(report.expires_at)) {
    return Status::Config("retention date '" + report.expires_at + "' is not a date (YYYY-MM-DD)");
  }
  if (report.expires_at < today) {
    return Status::Config("retention date " + report.expires_at + " is already past (today is " +
                          today + ")");
  }

  std::vector<const Student*> chosen;
  if (!options.student_id.empty()) {
    const Student* s = nullptr;
    for (const auto& candidate : students) {
      if (candidate.student_id == options.student_id) s = &candidate;
    }
    if (s == nullptr) return Status::NotFound("no student " + options.student_id + " in the directory");
    if (!s->photo_opt_out && !options.all_students) {
      return Status::Config("student " + s->student_id +
                            " has no photo opt-out, so no face data is kept for them; enrolling them "
                            "anyway (for name+photo pairing) needs --all-students");
    }
    chosen.push_back(s);
  } else {
    for (const auto& s : students) {
      if (options.all_students || s.photo_opt_out) chosen.push_back(&s);
    }
  }

  const std::string enrolled_at = IsoTimestamp(now);
  for (const Student* s : chosen) {
    if (s->reference_photos.empty()) {
      report.not_enrolled.push_back(s->student_id +
                                    ": no reference photos in the directory (list them in the "
                                    "reference_photos column and import again)");
      continue;
    }
    std::vector<Enrolment> usable;
    for (const auto& path : s->reference_photos) {
      PhotoResult r = EnrolPhoto(*s, path, detector, embedder, fs, options, today);
      if (r.enrolment) {
        r.enrolment->enrolled_at = enrolled_at;
        r.enrolment->expires_at = report.expires_at;
        usable.push_back(std::move(*r.enrolment));
      }
      report.photos.push_back(std::move(r.report));
    }
    if (usable.empty()) {
      report.not_enrolled.push_back(s->student_id +
                                    ": no usable reference photo; an earlier enrolment, if any, is kept");
      continue;
    }
    if (Status st = store.ReplaceEnrolments(s->student_id, usable); !st.ok()) return st;
    report.enrolled.push_back(s->student_id);
  }
  return report;
}

}  // namespace pg
