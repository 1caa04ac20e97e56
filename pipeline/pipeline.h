// Pipeline: runs publish-gate's stages over items and writes what may be published.
//
// Stages, in order, each adding facts to the item's ImageRecord (see core/image_record.h):
//   ingest (io/ingest.h) -> read + sha256 -> sniff + metadata inventory (metadata/) ->
//   decode with orientation (decode/) -> faces (faces/) -> recognition (faces/face_matcher)
//   -> names (names/) -> sanitize + independent verification (metadata/) -> decide
//   (policy/) -> emit.
// The pipeline receives its slow or stateful dependencies (file system, face detector,
// face embedder, directory, enrolments, clock) through PipelineDeps; it owns none of
// them (it owns the FaceMatcher it builds from them in Init). Only RunBatch writes to
// disk, and only through a PublishSink (publish/publish_sink.h), the one writer of publish/.
// Not thread-safe: one Pipeline per thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/image_record.h"
#include "core/options.h"
#include "core/status.h"
#include "core/verdict.h"
#include "directory/student.h"
#include "faces/face_detector.h"
#include "faces/face_embedder.h"
#include "faces/face_matcher.h"
#include "io/file_system.h"
#include "metadata/sanitize.h"
#include "strip.h"

namespace pg {

class NameIndex;
class PublishSink;

struct PipelineDeps {
  FileSystem* fs = nullptr;             ///< required
  FaceDetector* detector = nullptr;     ///< required
  DirectoryStore* directory = nullptr;  ///< optional: null = no directory
  const Clock* clock = nullptr;         ///< required
  /// Face recognition; null = recognition off (faces go to review as unchecked).
  FaceEmbedder* embedder = nullptr;
  /// The enrolled face descriptors (usually the directory store); null = none enrolled.
  EnrolmentSource* enrolments = nullptr;
  /// The metadata-removal step before verification; empty = Sanitize (metadata/sanitize.h).
  /// Tests substitute a faulty one; its output is verified like the real one's.
  SanitizeFunction sanitize = {};
};

struct ItemResult {
  ImageRecord record;
  Decision decision;
};

struct BatchResult {
  std::vector<ItemResult> items;
  int publish = 0, review = 0, block = 0;
  /// Every failure to write the output (the items concerned went to review), in order.
  std::vector<Status> write_errors;
};

class Pipeline {
 public:
  Pipeline(Options options, PipelineDeps deps);
  ~Pipeline();

  /// Start-up: loads the directory (if any; one that holds no students counts as none)
  /// and builds the name index; when recognition
  /// is on (Options::face_recognition and an embedder), loads the enrolments into the
  /// matcher (see recognition_summary() for what was refused). Call once.
  Status Init();

  /// Every analysis stage on one item, then decide. Never throws; failures become
  /// Problems and so review reasons.
  ItemResult Process(const ItemInput& item);

  /// Process() for each item. With a sink (null: nothing is written), each publish item is
  /// handed to sink->Publish (publish/<rel_path>, extension following the output format)
  /// and every other item to sink->Record; an item the sink could not publish goes to
  /// review (output_write_failed) and is recorded as such. REQUIRES: sink->Begin succeeded.
  BatchResult RunBatch(const std::vector<ItemInput>& items, PublishSink* sink);

  const std::string& school_year() const { return school_year_; }
  /// A directory was given and holds students: names and opt-outs can be checked. An
  /// empty directory is never trusted (every item then goes to review).
  bool directory_available() const { return deps_.directory != nullptr && !students_.empty(); }
  /// What the directory given holds (Init); nullopt without one.
  const std::optional<DirectoryInfo>& directory_info() const { return directory_info_; }
  size_t student_count() const { return students_.size(); }
  const FaceDetector& detector() const { return *deps_.detector; }
  const Options& options() const { return options_; }
  /// Face recognition runs on detected faces (options allow it and an embedder is given).
  bool recognition_enabled() const { return matcher_ != nullptr; }
  /// What Init loaded and refused. REQUIRES: recognition_enabled().
  const EnrolmentSummary& recognition_summary() const { return matcher_->summary(); }
  const FaceMatcher* matcher() const { return matcher_.get(); }

 private:
  void Analyze(ImageRecord* rec);
  /// Faces in the oriented pixels, and in the colours under transparency when there are any.
  /// Returns how many of rec->faces were found in `bgr` (the rest: in hidden_bgr).
  size_t DetectFaces(const cv::Mat& bgr, const cv::Mat& hidden_bgr, ImageRecord* rec);
  /// Fills FaceFact::match of every face (faces [0, visible) are in `bgr`, the others in
  /// `hidden_bgr`); a face that cannot be embedded becomes a face_recognition_failed Problem.
  void RecogniseFaces(const cv::Mat& bgr, const cv::Mat& hidden_bgr, size_t visible, ImageRecord* rec);
  Decision DecideItem(const ImageRecord& rec) const;

  Options options_;
  PipelineDeps deps_;
  std::string school_year_;
  std::optional<DirectoryInfo> directory_info_;
  std::map<std::string, Student> students_;
  std::unique_ptr<NameIndex> names_;
  std::unique_ptr<FaceMatcher> matcher_;  ///< null when recognition is off
};

/// The metadata stage's options from the run's Options.
SanitizeOptions SanitizeOptionsFor(const Options& options);

/// The file name under publish/ for an item: rel_path with its extension replaced by
/// the sanitized format's (photo.heic -> photo.jpg).
std::string PublishedName(const ImageRecord& rec);

}  // namespace pg
