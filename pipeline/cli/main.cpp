// publish-gate CLI: parses the command line into Options, builds the pipeline's real
// dependencies, runs one command and maps the outcome to an exit code (core/exit_codes.h).
// All logic lives in pipeline_core; this file only wires it up.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "core/exit_codes.h"
#include "core/suggest.h"
#include "core/version.h"
#include "directory/directory_import.h"
#include "directory/enroll.h"
#include "decode/format_sniff.h"
#include "directory/sqlite_directory_store.h"
#include "faces/detector_factory.h"
#include "faces/quarter_turn_detector.h"
#include "faces/face_embedder.h"
#include "io/ingest.h"
#include "pipeline.h"
#include "publish/out_lock.h"
#include "publish/publish_sink.h"
#include "report/report.h"
#include "strip.h"

namespace fs = std::filesystem;

namespace {

std::string DefaultDbPath() { return pg::DefaultDirectoryDbPath(); }

/// The face-recognition models folder: the build's PG_DEFAULT_MODELS_DIR (CMake sets it to
/// models/ of the source tree, absolute), else models/ beside this source file.
std::string DefaultModelsDir() {
#ifdef PG_DEFAULT_MODELS_DIR
  return PG_DEFAULT_MODELS_DIR;
#else
  return (fs::path(__FILE__).parent_path().parent_path().parent_path() / "models").string();
#endif
}

/// Loads the face-recognition model; a missing or corrupt file is a Config error (78).
pg::Result<std::unique_ptr<pg::FaceEmbedder>> LoadEmbedder(const std::string& models_dir,
                                                           bool gate) {
  auto embedder = pg::MakeDlibFaceEmbedder(models_dir.empty() ? DefaultModelsDir() : models_dir);
  if (!embedder.ok() && gate && embedder.status().code() == pg::Code::kConfig) {
    return pg::Status::Config(embedder.status().message() +
                              " (or run with --no-recognition: every photo with faces then goes to review)");
  }
  return embedder;
}

int Fail(const pg::Status& s) {
  std::cerr << "publish-gate: " << s.message() << "\n";
  return pg::ExitCodeFor(s);
}

/// A mistyped command gets the list of commands and the nearest name, not CLI11's "A
/// subcommand is required". Returns 0 when argv's command words are known (or there are
/// none to judge), else prints the message and returns the usage exit code.
int CheckCommandWords(CLI::App& app, int argc, char** argv) {
  CLI::App* level = &app;
  std::string path = "publish-gate";
  for (int i = 1;; ++i) {
    std::vector<std::string> names;
    for (const auto* sub : level->get_subcommands([](CLI::App*) { return true; })) {
      names.push_back(sub->get_name());
    }
    if (names.empty()) return 0;  // a command: the rest are its arguments
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    if (i >= argc) {
      if (level == &app) return 0;  // CLI11 prints the usage
      std::cerr << path << ": which one? " << list << " (" << path << " --help)\n";
      return pg::kExitUsage;
    }
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') return 0;  // --help, --version: CLI11's
    if (std::find(names.begin(), names.end(), word) != names.end()) {
      level = level->get_subcommand(word);
      path += " " + word;
      continue;
    }
    std::cerr << path << ": unknown command '" << word << "'";
    if (std::string near = pg::Nearest(word, names); !near.empty()) {
      std::cerr << "; did you mean '" << near << "'?";
    }
    std::cerr << " Commands: " << list << " (" << path << " --help)\n";
    return pg::kExitUsage;
  }
}

int VerdictExit(int review, int block) {
  if (block > 0) return pg::kExitSomeBlocked;
  if (review > 0) return pg::kExitSomeReview;
  return pg::kExitAllPublish;
}

/// `--detector`, `--min-face`, `--no-tiling`, `--rotations`: shared by check, run and
/// directory enroll.
struct DetectorFlags {
  std::string spec = pg::DetectorConfig().spec;
  int min_face = pg::DetectorConfig().min_face_px;
  bool no_tiling = false;
  std::string rotations = pg::RotationModeName(pg::DetectorConfig().rotations);

  /// REQUIRES: the flags passed their validators (rotations is a valid mode).
  pg::DetectorConfig Config() const {
    pg::DetectorConfig c;
    c.spec = spec;
    c.min_face_px = min_face;
    c.tiling = !no_tiling;
    c.rotations = *pg::ParseRotationMode(rotations);
    return c;
  }
};

/// A detector's model file could not be loaded: say the way out that needs no model.
pg::Status WithDetectorHint(const pg::Status& s) {
  if (s.code() != pg::Code::kConfig || s.message().find("tools/fetch-models") == std::string::npos) return s;
  return pg::Status::Config(s.message() + " (or choose --detector hog, built in, which finds fewer faces)");
}

void AddDetectorFlags(CLI::App* cmd, DetectorFlags* f) {
  std::string names;
  for (const auto& n : pg::DetectorNames()) names += (names.empty() ? "" : ", ") + n;
  cmd->add_option("--detector", f->spec,
                  "Face detector: " + names + "; several joined with '+' run as an ensemble "
                  "(a face any of them finds is kept)")
      ->check(CLI::Validator(
          [](std::string& spec) {
            auto parsed = pg::ParseDetectorSpec(spec);
            return parsed.ok() ? std::string() : parsed.status().message();
          },
          "SPEC", "detector spec"))
      ->capture_default_str();
  cmd->add_option("--min-face", f->min_face,
                  "Smallest face that matters, in pixels of the published (= original) image, "
                  "looked for at 1.25x the detector's smallest face; faces under ~20 px cannot be "
                  "recognised by a person (the default still sees faces of 20 px at the detector's limit)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_flag("--no-tiling", f->no_tiling,
                "One detector pass over the whole image instead of overlapping tiles (misses "
                "small faces in large photos)");
  cmd->add_option("--rotations", f->rotations,
                  "Faces in photos taken sideways without EXIF orientation: off (photo as given), "
                  "auto (also search the photo turned 90/270 degrees when a cheap probe finds a face "
                  "there), all (always search all three turns, 3x the work)")
      ->check(CLI::Validator(
          [](std::string& mode) {
            auto parsed = pg::ParseRotationMode(mode);
            return parsed.ok() ? std::string() : parsed.status().message();
          },
          "off|auto|all", "rotation mode"))
      ->capture_default_str();
}

struct GateFlags {
  std::string db;
  DetectorFlags detector;
  std::string heif_output = "jpeg";
  int heif_jpeg_quality = pg::Options().heif_jpeg_quality;
  std::string faces_unchecked = "review";
  std::uint64_t max_pixels = pg::Options().max_pixels;
  std::string school_year;
  bool no_recognition = false;
  std::string models;
  std::string small_faces = "review";
};

void AddHeifFlags(CLI::App* cmd, std::string* output, int* quality) {
  cmd->add_option("--heif-output", *output,
                  "HEIF/HEIC has no lossless metadata-free route: publish it as jpeg (default) or png")
      ->check(CLI::IsMember({"jpeg", "png"}))
      ->capture_default_str();
  cmd->add_option("--heif-jpeg-quality", *quality, "JPEG quality for HEIF -> JPEG")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
}

void AddGateFlags(CLI::App* cmd, GateFlags* f) {
  cmd->add_option("--db", f->db,
                  "Student directory database (default: " + DefaultDbPath() +
                      " if it exists; without one every item goes to review)");
  cmd->add_option("--faces-unchecked", f->faces_unchecked,
                  "What to do with faces that no recognition checked: review (default) or allow")
      ->check(CLI::IsMember({"review", "allow"}));
  cmd->add_option("--max-pixels", f->max_pixels, "Refuse images larger than this many pixels")
      ->capture_default_str();
  AddHeifFlags(cmd, &f->heif_output, &f->heif_jpeg_quality);
  cmd->add_option("--school-year", f->school_year,
                  "School year whose permissions count, e.g. 2026-27 (default: from today's date)")
      ->check(CLI::Validator(
          [](std::string& year) {
            return pg::IsSchoolYear(year) ? std::string()
                                          : "--school-year must be two consecutive years like 2026-27, got '" +
                                                year + "'";
          },
          "YYYY-YY", "school year"));
  cmd->add_flag("--no-recognition", f->no_recognition,
                "No face recognition (where it is banned in schools): every photo with faces goes "
                "to review; names are still checked");
  cmd->add_option("--models", f->models,
                  "Face-recognition model folder (default: " + DefaultModelsDir() + ")");
  cmd->add_option("--small-faces", f->small_faces,
                  "Faces too small to recognise: review (default) or allow")
      ->check(CLI::IsMember({"review", "allow"}));
  AddDetectorFlags(cmd, &f->detector);
}

/// Start-up warnings about enrolments recognition refused or lacks (stderr).
void WarnAboutEnrolments(const pg::Pipeline& p) {
  if (!p.recognition_enabled() || !p.directory_available()) return;
  const pg::EnrolmentSummary& s = p.recognition_summary();
  auto list = [](const std::vector<std::string>& ids) {
    std::string out;
    for (size_t i = 0; i < ids.size() && i < 10; ++i) out += (i ? ", " : "") + ids[i];
    return ids.size() > 10 ? out + ", ..." : out;
  };
  if (s.other_model_descriptors > 0) {
    std::cerr << "publish-gate: warning: " << s.other_model_descriptors
              << " face reference(s) computed by another model (" << list(s.other_models)
              << ") are ignored; re-enrol with `publish-gate directory enroll`\n";
  }
  if (!s.expired_students.empty()) {
    std::cerr << "publish-gate: warning: the face references of " << s.expired_students.size()
              << " student(s) are past their retention date and are not used (" << list(s.expired_students)
              << "); re-enrol them with `publish-gate directory enroll`"
              << (s.expired_opted_out.empty() ? "" : "; until then photos with faces go to review")
              << "\n";
  }
  if (!s.opted_out_not_enrolled.empty()) {
    std::cerr << "publish-gate: warning: " << s.opted_out_not_enrolled.size()
              << " photo-opted-out student(s) are not enrolled for face recognition ("
              << list(s.opted_out_not_enrolled)
              << "); photos with faces go to review until they are (`publish-gate directory enroll`)\n";
  }
}

/// The gate's real dependencies, owned for the length of one command.
struct Gate {
  pg::RealFileSystem fs;
  pg::SystemClock clock;
  std::unique_ptr<pg::FaceDetector> detector;
  std::unique_ptr<pg::FaceEmbedder> embedder;  ///< null when recognition is off
  std::unique_ptr<pg::SqliteDirectoryStore> store;
  std::unique_ptr<pg::Pipeline> pipeline;
};

pg::Status BuildGate(const GateFlags& f, Gate* g) {
  pg::Options opt;
  opt.allow_unchecked_faces = f.faces_unchecked == "allow";
  opt.max_pixels = f.max_pixels;
  opt.school_year = f.school_year;
  opt.heif_to_png = f.heif_output == "png";
  opt.heif_jpeg_quality = f.heif_jpeg_quality;
  opt.face_recognition = !f.no_recognition;
  opt.allow_small_faces = f.small_faces == "allow";
  opt.models_dir = f.models.empty() ? DefaultModelsDir() : f.models;
  opt.detector = f.detector.Config();
  auto detector = pg::MakeFaceDetector(opt.detector, opt.models_dir);
  if (!detector.ok()) return WithDetectorHint(detector.status());
  g->detector = std::move(*detector);
  std::string db = f.db;
  if (db.empty() && fs::exists(DefaultDbPath())) db = DefaultDbPath();
  if (!db.empty()) {
    auto store = pg::SqliteDirectoryStore::Open(db, /*create=*/false);
    if (!store.ok()) return store.status();
    g->store = std::move(*store);
  } else {
    std::cerr << "publish-gate: no student directory (--db, or " << DefaultDbPath()
              << "); names and opt-outs cannot be checked, so nothing will be published\n";
  }
  opt.db_path = db;
  if (opt.face_recognition) {
    auto embedder = LoadEmbedder(opt.models_dir, /*gate=*/true);
    if (!embedder.ok()) return embedder.status();
    g->embedder = std::move(*embedder);
  }
  pg::PipelineDeps deps{&g->fs, g->detector.get(), g->store.get(), &g->clock, g->embedder.get(),
                        g->store.get()};
  g->pipeline = std::make_unique<pg::Pipeline>(opt, deps);
  if (pg::Status s = g->pipeline->Init(); !s.ok()) return s;
  if (const auto& info = g->pipeline->directory_info()) {
    std::cerr << "publish-gate: directory " << pg::DescribeDirectory(*info) << "\n";
    if (info->students == 0) {
      std::cerr << "publish-gate: warning: the directory holds no students, so names and opt-outs "
                   "cannot be checked and nothing will be published (directory_unavailable); "
                   "import the district's export with `publish-gate directory import`\n";
    }
  }
  WarnAboutEnrolments(*g->pipeline);
  return pg::Status::Ok();
}

pg::RunInfo MakeRunInfo(const Gate& g, const std::string& input) {
  pg::RunInfo info;
  info.started_at = pg::IsoTimestamp(g.clock.Now());
  info.input = input;
  info.school_year = g.pipeline->school_year();
  info.directory = g.pipeline->directory_available();
  info.students = g.pipeline->student_count();
  info.directory_info = g.pipeline->directory_info();
  info.detector = g.pipeline->detector().Name();
  info.recognition = g.pipeline->recognition_enabled();
  return info;
}

int RunCheck(const GateFlags& flags, const std::vector<std::string>& files, const std::string& caption,
             const std::string& alt, const std::string& kind_text, bool json) {
  auto kind = pg::ParseItemKind(kind_text);
  for (const auto& f : files) {
    if (!fs::exists(f)) return Fail(pg::Status::NotFound(f + ": no such file"));
    if (fs::is_directory(f)) {
      std::cerr << "publish-gate: " << f << " is a folder; `check` takes image files. To check a "
                << "folder and write what may be published: publish-gate run " << f << " --out OUT\n";
      return pg::kExitUsage;
    }
  }
  Gate g;
  if (pg::Status s = BuildGate(flags, &g); !s.ok()) return Fail(s);
  pg::BatchResult batch;
  for (const auto& f : files) {
    pg::ItemInput in;
    in.path = f;
    in.rel_path = f;
    in.caption = caption;
    in.alt_text = alt;
    in.kind = *kind;
    batch.items.push_back(g.pipeline->Process(in));
    switch (batch.items.back().decision.verdict) {
      case pg::Verdict::kPublish: ++batch.publish; break;
      case pg::Verdict::kReview: ++batch.review; break;
      case pg::Verdict::kBlock: ++batch.block; break;
    }
  }
  if (json) {
    auto j = batch.items.size() == 1 ? pg::ItemJson(batch.items[0])
                                     : pg::BatchReportJson(batch, MakeRunInfo(g, ""));
    std::cout << j.dump(2) << "\n";
  } else {
    for (const auto& item : batch.items) std::cout << pg::HumanSummary(item);
  }
  return VerdictExit(batch.review, batch.block);
}

/// True when `path` is a regular file whose first bytes are an image's.
bool IsImageFile(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  pg::Bytes head(64);
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return pg::SniffFormat(head) != pg::ImageFormat::kUnknown;
}

/// True when `path` is `folder` or lies below it, once both are resolved (symlinks, "..").
bool InsideOrSame(const std::string& path, const std::string& folder) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(path, ec);
  if (ec) return false;
  const fs::path f = fs::weakly_canonical(folder, ec);
  if (ec) return false;
  auto [f_end, p_at] = std::mismatch(f.begin(), f.end(), p.begin(), p.end());
  return f_end == f.end();
}

int RunRun(const GateFlags& flags, const std::string& input, const std::string& out, bool overwrite) {
  if (IsImageFile(input)) {
    std::cerr << "publish-gate: " << input << " is an image; `run` takes a folder or a manifest "
              << "(.csv, .json). To check one file: publish-gate check " << input << "\n";
    return pg::kExitUsage;
  }
  if (InsideOrSame(input, out)) {
    std::cerr << "publish-gate: " << input << " is, or is inside, the output folder " << out
              << ": a run rewrites what it would read. Give an input folder outside " << out
              << ", or a different --out.\n";
    return pg::kExitUsage;
  }
  Gate g;
  auto items = pg::Ingest(g.fs, input, /*skip=*/out);  // an OUT inside INPUT is not input
  if (!items.ok()) return Fail(items.status());
  auto lock = pg::OutLock::Acquire(out);  // held until this function returns
  if (!lock.ok()) return Fail(lock.status());
  if (pg::Status s = BuildGate(flags, &g); !s.ok()) return Fail(s);
  pg::RunInfo info = MakeRunInfo(g, input);
  pg::PublishSink sink(&g.fs, out);
  sink.set_step_hook(pg::ExitAtStepFromEnv());  // test-only fault injection; null unless set
  nlohmann::json head = pg::BatchReportJson(pg::BatchResult{}, info);
  head.erase("items");
  std::vector<std::string> notes;
  pg::Status begun = sink.Begin(head, overwrite, &notes);
  for (const auto& n : notes) std::cerr << "publish-gate: " << n << "\n";
  if (!begun.ok()) return Fail(begun);
  pg::BatchResult batch = g.pipeline->RunBatch(*items, &sink);
  std::vector<pg::Status> errors = batch.write_errors;
  for (auto& e : sink.Finish(batch, pg::BatchReportJson(batch, info).dump(2) + "\n", pg::BatchReportCsv(batch))) {
    errors.push_back(std::move(e));
  }
  std::cout << pg::OneLineSummary(batch, out) << "\n";
  for (const auto& e : errors) std::cerr << "publish-gate: " << e.message() << "\n";
  if (!errors.empty()) return pg::ExitCodeFor(errors.front());
  return VerdictExit(batch.review, batch.block);
}

void PrintStripped(const pg::StripFileResult& r) {
  std::cout << r.input << " -> " << r.output << ": removed " << r.result.metadata.removed.size()
            << " item(s)";
  for (const auto& m : r.result.metadata.removed) std::cout << "\n  - " << m;
  if (r.result.output.reencoded) {
    std::cout << "\n  (pixels re-encoded as " << pg::ImageFormatName(r.result.output.format) << ")";
  }
  std::cout << "\n";
}

/// `strip IN OUT` (one file) or `strip IN... --out-dir DIR` (files and folders).
int RunStrip(const std::vector<std::string>& args, const std::string& out_dir, std::uint64_t max_pixels,
             unsigned jobs, bool quiet, const pg::SanitizeOptions& sanitize) {
  pg::RealFileSystem fsys;
  const std::uint64_t max_bytes = pg::Options().max_file_bytes;
  if (out_dir.empty()) {
    if (args.size() != 2) {
      std::cerr << "publish-gate: strip takes IN OUT, or IN... --out-dir DIR\n";
      return pg::kExitUsage;
    }
    if (!fsys.Exists(args[0])) return Fail(pg::Status::NotFound(args[0] + ": no such file"));
    auto bytes = fsys.ReadFile(args[0], max_bytes);
    if (!bytes.ok()) return Fail(bytes.status());
    auto r = pg::StripBytes(*bytes, max_pixels, sanitize);
    if (!r.ok()) return Fail(pg::Status::BadData(args[0] + ": " + r.status().message()));
    if (pg::Status s = fsys.WriteFileAtomic(args[1], r->output.bytes, 0644); !s.ok()) return Fail(s);
    if (!quiet) PrintStripped({args[0], args[1], pg::Status::Ok(), std::move(*r)});
    return pg::kExitAllPublish;
  }
  int failed = 0, ok = 0;
  pg::StripFilesOptions batch;
  batch.max_pixels = max_pixels;
  batch.max_file_bytes = max_bytes;
  batch.sanitize = sanitize;
  batch.jobs = jobs;
  for (const auto& r : pg::StripFiles(fsys, args, out_dir, batch)) {
    if (!r.status.ok()) {
      ++failed;
      std::cerr << "publish-gate: " << r.input << ": " << r.status.message() << "\n";
    } else {
      ++ok;
      if (!quiet) PrintStripped(r);
    }
  }
  std::cout << "stripped " << ok << " file(s) into " << out_dir << "; " << failed << " failed\n";
  return failed == 0 ? pg::kExitAllPublish : pg::kExitDataErr;
}

int RunImport(const std::string& csv, std::string db, const std::vector<std::string>& maps,
              const pg::ImportOptions& options) {
  std::map<std::string, std::string> column_map;
  for (const auto& m : maps) {
    auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
      std::cerr << "publish-gate: --map takes canonical=SourceColumn, got '" << m << "'\n";
      return pg::kExitUsage;
    }
    column_map[m.substr(0, eq)] = m.substr(eq + 1);
  }
  if (db.empty()) db = DefaultDbPath();
  pg::RealFileSystem fsys;
  auto report = pg::ImportDirectoryFile(fsys, csv, column_map, db, options);
  if (!report.ok()) return Fail(report.status());
  for (const auto& r : report->rejected) std::cerr << "publish-gate: " << csv << ": " << r << "\n";
  for (const auto& w : report->warnings) {
    std::cerr << "publish-gate: warning: " << csv << ": " << w << "\n";
  }
  if (!report->written) {
    std::cerr << "publish-gate: nothing was imported: " << report->rejected.size()
              << " row(s) above are bad, and a student left out may be one whose family filed an "
                 "opt-out; fix them (or pass --skip-bad-rows to load the others); "
              << db << " is unchanged\n";
    return pg::kExitDataErr;
  }
  std::cout << "loaded " << report->rows_loaded << " student(s) into " << db << "; rejected "
            << report->rejected.size() << " row(s)";
  if (options.replace) std::cout << "; removed " << report->students_removed << " absent student(s)";
  std::cout << "\n";
  return report->rejected.empty() ? pg::kExitAllPublish : pg::kExitDataErr;
}

/// `directory status`: what the gate would use. Exit 0 when it holds students, 65 when empty.
int RunStatus(std::string db) {
  if (db.empty()) db = DefaultDbPath();
  auto store = pg::SqliteDirectoryStore::Open(db, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  pg::SystemClock clock;
  auto info = (*store)->Info(pg::IsoDate(clock.Now()));
  if (!info.ok()) return Fail(info.status());
  std::cout << "directory " << pg::DescribeDirectory(*info) << "\n";
  if (info->students == 0) {
    std::cerr << "publish-gate: the directory holds no students: every item goes to review "
                 "(directory_unavailable); import the district's export\n";
    return pg::kExitDataErr;
  }
  return pg::kExitAllPublish;
}

struct EnrollFlags {
  std::string db, student, models, expires;
  bool all_students = false;
  DetectorFlags detector;
};

int RunEnroll(const EnrollFlags& f) {
  std::string db = f.db.empty() ? DefaultDbPath() : f.db;
  auto store = pg::SqliteDirectoryStore::Open(db, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  auto students = (*store)->AllStudents();
  if (!students.ok()) return Fail(students.status());
  auto embedder = LoadEmbedder(f.models, /*gate=*/false);
  if (!embedder.ok()) return Fail(embedder.status());
  auto detector = pg::MakeFaceDetector(f.detector.Config(), f.models.empty() ? DefaultModelsDir() : f.models);
  if (!detector.ok()) return Fail(WithDetectorHint(detector.status()));
  pg::RealFileSystem fsys;
  pg::SystemClock clock;
  pg::EnrolOptions options;
  options.all_students = f.all_students;
  options.student_id = f.student;
  options.expires_at = f.expires;
  auto report = pg::Enrol(**store, *students, **detector, **embedder, fsys, clock, options);
  if (!report.ok()) return Fail(report.status());
  int photos = 0;
  for (const auto& p : report->photos) {
    if (p.outcome == pg::PhotoOutcome::kEnrolled) {
      ++photos;
      std::cout << p.message << "\n";
    } else {
      std::cerr << "publish-gate: " << p.message << "\n";
    }
  }
  for (const auto& n : report->not_enrolled) std::cerr << "publish-gate: not enrolled: " << n << "\n";
  std::cout << "enrolled " << report->enrolled.size() << " student(s) from " << photos
            << " reference photo(s) into " << db << " (model " << report->model_id
            << ", usable through " << report->expires_at << "); rejected " << report->rejected_photos()
            << " photo(s); " << report->not_enrolled.size() << " student(s) not enrolled\n";
  return report->rejected_photos() == 0 && report->not_enrolled.empty() ? pg::kExitAllPublish
                                                                         : pg::kExitDataErr;
}

int RunPurge(std::string db, const std::string& student, bool faces_only) {
  if (db.empty()) db = DefaultDbPath();
  auto store = pg::SqliteDirectoryStore::Open(db, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  if (!student.empty()) {
    auto n = (*store)->PurgeStudentEnrolments(student);
    if (!n.ok()) return Fail(n.status());
    std::cout << "deleted " << *n << " face descriptor(s) of student " << student << " from " << db << "\n";
    return pg::kExitAllPublish;
  }
  if (faces_only) {
    auto n = (*store)->PurgeEnrolments();
    if (!n.ok()) return Fail(n.status());
    std::cout << "deleted all " << *n << " face descriptor(s) from " << db << "; students kept\n";
    return pg::kExitAllPublish;
  }
  if (pg::Status s = (*store)->Purge(); !s.ok()) return Fail(s);
  std::cout << "purged all student data, face descriptors included, from " << db << "\n";
  return pg::kExitAllPublish;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"publish-gate: checks student photos and work before they are published on the web"};
  app.set_version_flag("--version", std::string("publish-gate ") + PG_VERSION);
  app.require_subcommand(1);

  GateFlags check_flags;
  std::vector<std::string> check_files;
  std::string caption, alt, kind = "photo";
  bool json = false;
  auto* check = app.add_subcommand("check", "Spot-check files: prints the verdict and its reasons");
  check->add_option("FILE", check_files, "Image files")->required();
  check->add_option("--caption", caption, "Caption that would be published with the image");
  check->add_option("--alt", alt, "Alt text that would be published with the image");
  check->add_option("--kind", kind, "photo or student-work")
      ->check(CLI::IsMember({"photo", "student-work"}))->capture_default_str();
  check->add_flag("--json", json, "Print the item report as JSON");
  AddGateFlags(check, &check_flags);

  GateFlags run_flags;
  std::string input, out;
  bool overwrite = false;
  auto* run = app.add_subcommand("run", "Check a folder or manifest; write publish/ and reports to --out");
  run->add_option("INPUT", input, "Folder (recursive) or manifest (.csv / .json)")->required();
  run->add_option("--out", out, "Output folder (publish/, report.json, report.csv)")->required();
  run->add_flag("--overwrite", overwrite, "Empty an existing OUT/publish first");
  AddGateFlags(run, &run_flags);

  std::vector<std::string> strip_args;
  std::string strip_out_dir;
  bool strip_quiet = false;
  std::uint64_t strip_max_pixels = pg::Options().max_pixels;
  auto* strip = app.add_subcommand(
      "strip", "Remove all metadata, losslessly where the format allows: IN OUT, or IN... --out-dir DIR");
  strip->add_option("FILES", strip_args, "IN OUT, or inputs (files, folders) with --out-dir")->required();
  strip->add_option("--out-dir", strip_out_dir, "Write every input's stripped copy below this folder");
  strip->add_flag("-q,--quiet", strip_quiet, "Print only errors and the final count");
  strip->add_option("--max-pixels", strip_max_pixels, "Refuse images larger than this many pixels");
  unsigned strip_jobs = 0;  // 0: one per CPU
  strip->add_option("-j,--jobs", strip_jobs,
                    "With --out-dir: files stripped at once (default: one per CPU); output and "
                    "messages do not depend on it")
      ->check(CLI::Range(1u, 1024u));
  std::string strip_heif_output = "jpeg";
  int strip_heif_quality = pg::Options().heif_jpeg_quality;
  AddHeifFlags(strip, &strip_heif_output, &strip_heif_quality);

  auto* dir = app.add_subcommand("directory", "Manage the local student directory");
  dir->require_subcommand(1);
  std::string import_csv, import_db, purge_db, status_db;
  std::vector<std::string> maps;
  pg::ImportOptions import_options;
  auto* imp = dir->add_subcommand("import", "Load a student information system CSV export");
  imp->add_option("CSV", import_csv, "CSV export (see optout-data/README.md)")->required();
  imp->add_option("--db", import_db, "Directory database (default: " + DefaultDbPath() + ")");
  imp->add_option("--map", maps, "canonical=SourceColumn, e.g. student_id=\"Student ID\" (repeatable)");
  imp->add_flag("--replace", import_options.replace, "Remove students that are not in this CSV");
  imp->add_flag("--skip-bad-rows", import_options.skip_bad_rows,
                "Load the good rows when some are bad (default: a bad row stops the whole import, "
                "and the directory stays as it was)");
  auto* status = dir->add_subcommand(
      "status", "Say what the directory holds: students, opt-outs, enrolments, the last import");
  status->add_option("--db", status_db, "Directory database (default: " + DefaultDbPath() + ")");
  std::string purge_student;
  bool purge_faces_only = false;
  auto* purge = dir->add_subcommand(
      "purge", "Delete all student data (or only face descriptors) from the directory database");
  purge->add_option("--db", purge_db, "Directory database (default: " + DefaultDbPath() + ")");
  purge->add_option("--student", purge_student, "Delete only this student's face descriptors");
  purge->add_flag("--faces-only", purge_faces_only,
                  "Delete every face descriptor and keep the students");

  EnrollFlags enroll_flags;
  auto* enroll = dir->add_subcommand(
      "enroll", "Compute face descriptors from reference photos (photo-opted-out students by default)");
  enroll->add_option("--db", enroll_flags.db, "Directory database (default: " + DefaultDbPath() + ")");
  enroll->add_option("--student", enroll_flags.student, "Enrol (again) only this student");
  enroll->add_flag("--all-students", enroll_flags.all_students,
                   "Also enrol students without a photo opt-out (for name+photo pairing)");
  enroll->add_option("--models", enroll_flags.models,
                     "Face-recognition model folder (default: " + DefaultModelsDir() + ")");
  enroll->add_option("--expires", enroll_flags.expires,
                     "Last day the references may be used, YYYY-MM-DD (default: June 30 ending "
                     "this school year)");
  AddDetectorFlags(enroll, &enroll_flags.detector);

  if (int code = CheckCommandWords(app, argc, argv); code != 0) return code;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : pg::kExitUsage;
  }

  try {
    if (*check) return RunCheck(check_flags, check_files, caption, alt, kind, json);
    if (*run) return RunRun(run_flags, input, out, overwrite);
    if (*strip) {
      pg::Options o;
      o.heif_to_png = strip_heif_output == "png";
      o.heif_jpeg_quality = strip_heif_quality;
      return RunStrip(strip_args, strip_out_dir, strip_max_pixels, strip_jobs, strip_quiet,
                      pg::SanitizeOptionsFor(o));
    }
    if (*imp) return RunImport(import_csv, import_db, maps, import_options);
    if (*status) return RunStatus(status_db);
    if (*purge) return RunPurge(purge_db, purge_student, purge_faces_only);
    if (*enroll) return RunEnroll(enroll_flags);
  } catch (const std::exception& e) {
    std::cerr << "publish-gate: internal error: " << e.what() << "\n";
    return pg::kExitSoftware;
  }
  return pg::kExitUsage;
}
