#include "pipeline.h"

#include <algorithm>
#include <filesystem>

#include "core/sha256.h"
#include "decode/decode.h"
#include "decode/format_sniff.h"
#include "faces/face_merge.h"
#include "metadata/metadata_inventory.h"
#include "metadata/frames.h"
#include "names/name_finder.h"
#include "policy/decide.h"
#include "publish/publish_sink.h"
#include "strip.h"

namespace fs = std::filesystem;

namespace pg {

Pipeline::Pipeline(Options options, PipelineDeps deps)
    : options_(std::move(options)), deps_(deps) {}

Pipeline::~Pipeline() = default;

Status Pipeline::Init() {
  school_year_ = options_.school_year.empty() ? SchoolYearAt(deps_.clock->Now()) : options_.school_year;
  std::vector<Student> all;
  if (deps_.directory != nullptr) {
    auto info = deps_.directory->Info(IsoDate(deps_.clock->Now()));
    if (!info.ok()) return info.status();
    directory_info_ = std::move(*info);
    auto students = deps_.directory->AllStudents();
    if (!students.ok()) return students.status();
    all = std::move(*students);
    for (const auto& s : all) students_[s.student_id] = s;
  }
  names_ = std::make_unique<NameIndex>(all);
  if (!options_.face_recognition || deps_.embedder == nullptr) return Status::Ok();

  const MatchThresholds t{options_.match_threshold, options_.uncertain_threshold,
                          options_.min_face_px_for_recognition};
  if (!(t.match > 0.0 && t.match <= t.uncertain)) {
    return Status::Config("face recognition thresholds must satisfy 0 < match (" +
                          std::to_string(t.match) + ") <= uncertain (" + std::to_string(t.uncertain) + ")");
  }
  if (t.min_face_px < 1) return Status::Config("the minimum face size for recognition must be at least 1 px");
  const std::string model = deps_.embedder->ModelId();
  if (model.empty()) return Status::Config("the face embedder did not identify its model");
  std::vector<Enrolment> enrolments;
  if (deps_.enrolments != nullptr) {
    auto loaded = deps_.enrolments->AllEnrolments();
    if (!loaded.ok()) return loaded.status();
    enrolments = std::move(*loaded);
  }
  auto matcher = std::make_unique<FaceMatcher>(t, model);
  if (Status s = matcher->Load(enrolments, students_, IsoDate(deps_.clock->Now())); !s.ok()) return s;
  matcher_ = std::move(matcher);
  return Status::Ok();
}

SanitizeOptions SanitizeOptionsFor(const Options& o) {
  SanitizeOptions s;
  s.heif_output = o.heif_to_png ? HeifOutput::kPng : HeifOutput::kJpeg;
  s.jpeg_quality = o.heif_jpeg_quality;
  return s;
}

size_t Pipeline::DetectFaces(const cv::Mat& bgr, const cv::Mat& hidden_bgr, ImageRecord* rec) {
  auto faces = deps_.detector->Detect(bgr);
  if (!faces.ok()) {
    rec->problems.push_back({ReasonCode::kFaceDetectionFailed, faces.status().message()});
    return 0;
  }
  rec->faces = std::move(*faces);
  const size_t visible = rec->faces.size();
  if (!hidden_bgr.empty()) {
    auto hidden = deps_.detector->Detect(hidden_bgr);
    if (!hidden.ok()) {
      rec->problems.push_back({ReasonCode::kFaceDetectionFailed, "colours under transparency: " +
                                                            hidden.status().message()});
      return visible;
    }
    for (auto& f : *hidden) {
      bool seen = std::any_of(rec->faces.begin(), rec->faces.end(),
                              [&](const FaceFact& g) { return OverlapOfSmaller(f.box, g.box) > 0.5; });
      if (seen) continue;
      f.detector += " (colours under transparency)";
      rec->faces.push_back(std::move(f));
    }
  }
  rec->faces_checked = true;
  return visible;
}

void Pipeline::RecogniseFaces(const cv::Mat& bgr, const cv::Mat& hidden_bgr, size_t visible,
                              ImageRecord* rec) {
  for (size_t i = 0; i < rec->faces.size(); ++i) {
    FaceFact& face = rec->faces[i];
    // A face found in the photo turned is embedded turned upright (a crop, not the photo).
    auto match = matcher_->RecogniseFace(*deps_.embedder, i < visible ? bgr : hidden_bgr, face);
    if (match.ok()) {
      face.match = std::move(*match);
    } else {
      rec->problems.push_back({ReasonCode::kFaceRecognitionFailed,
                               "face " + FaceText(face) + ": " + match.status().message()});
    }
  }
}

void Pipeline::Analyze(ImageRecord* rec) {
  const ItemInput& in = rec->input;
  if (!in.ingest_error.empty()) {
    rec->problems.push_back({ReasonCode::kIngestError, in.ingest_error});
    return;
  }
  auto bytes = deps_.fs->ReadFile(in.path, options_.max_file_bytes);
  if (!bytes.ok()) {
    rec->problems.push_back({ReasonCode::kUnreadable, bytes.status().message()});
    return;
  }
  rec->sha256 = Sha256Hex(*bytes);
  rec->format = SniffFormat(*bytes);

  if (rec->format != ImageFormat::kUnknown) rec->metadata = InspectMetadata(*bytes, rec->format);
  // Names in text that travels with the item: caption, alt text, file name, embedded text.
  if (directory_available()) FindNamesInRecord(*names_, rec);
  auto decoded = DecodeImage(*bytes, rec->metadata.exif_orientation, options_.max_pixels);
  if (!decoded.ok()) {
    rec->problems.push_back({ReasonCode::kUndecodable, in.rel_path + ": " + decoded.status().message()});
    return;
  }
  rec->decoded = true;
  rec->width = decoded->bgr.cols;
  rec->height = decoded->bgr.rows;

  if (int frames = FrameCount(*bytes, rec->format); frames != 1) {
    rec->problems.push_back(
        {ReasonCode::kUnanalysedFrames, frames == 0 ? "the number of animation frames could not be read"
                                          : std::to_string(frames) +
                                                " animation frames; only the first was analysed"});
  }

  const size_t visible = DetectFaces(decoded->bgr, decoded->hidden_bgr, rec);
  if (matcher_ != nullptr && rec->faces_checked) {
    RecogniseFaces(decoded->bgr, decoded->hidden_bgr, visible, rec);
  }

  std::vector<std::string> removed;
  auto out = SanitizeVerified(*bytes, rec->format, rec->metadata.exif_orientation, decoded->bgr,
                              &removed, SanitizeOptionsFor(options_), deps_.sanitize);
  if (!out.ok()) {
    rec->problems.push_back({ReasonCode::kUnverifiedOutput, out.status().message()});
    return;
  }
  rec->metadata.removed = std::move(removed);
  rec->sanitized = std::move(*out);
}

Decision Pipeline::DecideItem(const ImageRecord& rec) const {
  PolicyContext ctx;
  ctx.students = directory_available() ? &students_ : nullptr;
  if (deps_.directory != nullptr && students_.empty()) {
    ctx.directory_unavailable_why = "The student directory " + directory_info_->location +
                                    " holds no students (a failed or empty import, or a purge), so no "
                                    "student name or opt-out could be checked.";
  }
  ctx.school_year = school_year_;
  ctx.allow_unchecked_faces = options_.allow_unchecked_faces;
  if (matcher_ != nullptr) {
    ctx.recognition_available =
        rec.faces_checked && std::all_of(rec.faces.begin(), rec.faces.end(),
                                         [](const FaceFact& f) { return f.match.has_value(); });
    ctx.allow_small_faces = options_.allow_small_faces;
    ctx.match_threshold = matcher_->thresholds().match;
    ctx.uncertain_threshold = matcher_->thresholds().uncertain;
    ctx.min_face_px = matcher_->thresholds().min_face_px;
    ctx.opted_out_not_enrolled = matcher_->summary().opted_out_not_enrolled;
    ctx.expired_opted_out = matcher_->summary().expired_opted_out;
  }
  return Decide(rec, ctx);
}

ItemResult Pipeline::Process(const ItemInput& item) {
  ItemResult r;
  r.record.input = item;
  try {
    Analyze(&r.record);
  } catch (const std::exception& e) {  // a bug: fail closed, keep the batch going
    r.record.problems.push_back({ReasonCode::kInternalError, std::string("analysis failed: ") + e.what()});
  }
  r.decision = DecideItem(r.record);
  return r;
}

std::string PublishedName(const ImageRecord& rec) {
  return rec.sanitized ? WithOutputExtension(rec.input.rel_path, *rec.sanitized) : rec.input.rel_path;
}

BatchResult Pipeline::RunBatch(const std::vector<ItemInput>& items, PublishSink* sink) {
  BatchResult batch;
  for (size_t i = 0; i < items.size(); ++i) {
    ItemResult r = Process(items[i]);
    if (sink != nullptr && r.decision.verdict == Verdict::kPublish) {
      if (Status st = sink->Publish(i, &r); !st.ok()) {
        batch.write_errors.push_back(st);
        r.record.problems.push_back({ReasonCode::kOutputWriteFailed, st.message()});
        r.decision = DecideItem(r.record);
      }
    }
    if (sink != nullptr && r.decision.verdict != Verdict::kPublish) {
      if (Status st = sink->Record(i, r); !st.ok()) batch.write_errors.push_back(st);
    }
    switch (r.decision.verdict) {
      case Verdict::kPublish: ++batch.publish; break;
      case Verdict::kReview: ++batch.review; break;
      case Verdict::kBlock: ++batch.block; break;
    }
    batch.items.push_back(std::move(r));
  }
  return batch;
}

}  // namespace pg
