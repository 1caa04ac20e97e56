// pg_eval_detection: recall, precision, false positives and speed of publish-gate's face
// detectors, in one table (issue 4's evaluation; tools/eval-detection runs it).
//   datasets   detection/dlib_faces (8 PASCAL VOC photos, 43 human-annotated faces),
//              identities/ portraits as they are (truth: the face HOG locates),
//              synthetic 12 MP group scenes: identities/ photos pasted over the negatives at
//              known places and sizes (30-300 px), or with --scene-faces annotated the
//              dlib_faces faces a person boxed (30-200 px), the same scenes turned 90 degrees,
//              detection/negatives (no human faces) and the 12 MP backgrounds without faces
//   metrics    recall per face-size bucket at IoU >= 0.3, precision, false positives per
//              negative image, ms per 12 MP scene with 1 and 2 OpenCV threads; with rotations
//              (spec suffix @rotations=off|auto|all, @probe=N), the full and probe passes per
//              upright and per turned scene, and the share of turned faces found in the turn
//              that rights them; every false face (image, box, score) and every missed face
//              (image, truth box) is named on stderr
// Third-party photos are read in place from the shared testdata folder, never copied.
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "detection_scenes.h"
#include "faces/detector_factory.h"
#include "faces/ensemble_detector.h"
#include "faces/quarter_turn_detector.h"

namespace {

struct Tally {
  std::vector<pg::SizeBucket> buckets = pg::MakeSizeBuckets({20, 30, 40, 60, 100, 200, 300});
  int detections = 0, false_positives = 0, images = 0;
  int full_passes = 0, probe_passes = 0;  ///< with rotations on (QuarterTurnDetector)
  int righted = 0;  ///< matched faces found in the turn `righting_turn` (Run's argument)
  double ms = 0;
  int faces() const {
    int n = 0;
    for (const auto& b : buckets) n += b.faces;
    return n;
  }
  int found(int min_px = 0) const {
    int n = 0;
    for (const auto& b : buckets)
      if (b.min_px >= min_px) n += b.found;
    return n;
  }
  int faces_from(int min_px) const {
    int n = 0;
    for (const auto& b : buckets)
      if (b.min_px >= min_px) n += b.faces;
    return n;
  }
  double precision() const { return detections == 0 ? 1.0 : double(detections - false_positives) / detections; }
};

/// Runs `det` over `images`, tallying matches (and, for matched faces, how many were found
/// `righting_turn` clockwise quarter turns, the turn that rights the image); returns false
/// (with a message) on an error.
bool Run(pg::FaceDetector& det, const std::vector<pg::EvalImage>& images, Tally* t, std::string* error,
         int righting_turn = 0) {
  const auto* turning = dynamic_cast<const pg::QuarterTurnDetector*>(&det);
  for (const pg::EvalImage& img : images) {
    const pg::QuarterTurnStats before = turning ? turning->stats() : pg::QuarterTurnStats{};
    const auto t0 = std::chrono::steady_clock::now();
    pg::Result<std::vector<pg::FaceFact>> faces = det.Detect(img.bgr);
    t->ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!faces.ok()) {
      *error = img.name + ": " + faces.status().message();
      return false;
    }
    t->full_passes += turning ? turning->stats().full_passes - before.full_passes : 1;
    t->probe_passes += turning ? turning->stats().probe_passes - before.probe_passes : 0;
    const pg::DetectionMatch m = pg::MatchDetections(img.truth, *faces, 0.3);
    for (int d : m.truth_to_detection)
      if (d >= 0) {
        const pg::FaceFact& f = (*faces)[size_t(d)];
        bool in_turn = f.quarter_turns == righting_turn;
        for (const auto& o : f.other_turns) in_turn |= o.quarter_turns == righting_turn;
        t->righted += in_turn ? 1 : 0;
      }
    for (size_t d = 0; d < faces->size(); ++d)  // name each false face: what fooled the detector
      if (!m.detection_matched[d]) {
        const pg::FaceFact& f = (*faces)[d];
        std::cerr << "false face: " << img.name << " at " << f.box.x << "," << f.box.y << " " << f.box.w << "x"
                  << f.box.h << " score " << std::fixed << std::setprecision(2) << f.score << std::defaultfloat
                  << "\n";
      }
    for (size_t i = 0; i < img.truth.size(); ++i)  // and each missed face: what it missed
      if (m.truth_to_detection[i] < 0 && !img.truth[i].ignore) {
        const pg::Box& b = img.truth[i].box;
        std::cerr << "missed face: " << img.name << " at " << b.x << "," << b.y << " " << b.w << "x" << b.h << "\n";
      }
    pg::TallyBySize(img.truth, m, &t->buckets);
    t->detections += int(faces->size());
    t->false_positives += m.false_positives;
    ++t->images;
  }
  return true;
}

std::string Pct(int num, int den) {
  if (den == 0) return "–";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100.0 * num / den << " %";
  return s.str();
}

std::string Fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

/// "1 + 2.0": full and probe passes per image.
std::string Passes(const Tally& t) {
  const int n = std::max(1, t.images);
  return Fixed(double(t.full_passes) / n, 1) + " + " + Fixed(double(t.probe_passes) / n, 1);
}

/// Reads a detector spec with eval suffixes into `config` (spec, tiling, rotations...):
/// "@untiled" (no tiling), "@rotations=off|auto|all", "@probe=N" (auto's probe looks for
/// faces of N x --min-face), "@trigger=X", "@margin=X", "@upsample" (HOG x1 at any size),
/// "@min-face=N" (this spec only); e.g. "ssd@rotations=auto@probe=3". False, with a message,
/// on an unknown suffix.
bool ParseSpec(const std::string& spec, pg::DetectorConfig* config, std::string* error) {
  std::stringstream parts(spec);
  std::getline(parts, config->spec, '@');
  for (std::string part; std::getline(parts, part, '@');) {
    if (part == "untiled") {
      config->tiling = false;
    } else if (part.rfind("rotations=", 0) == 0) {
      auto mode = pg::ParseRotationMode(part.substr(10));
      if (!mode.ok()) {
        *error = mode.status().message();
        return false;
      }
      config->rotations = *mode;
    } else if (part.rfind("probe=", 0) == 0 && part.size() > 6 && part.size() < 10 &&
               part.find_first_not_of("0123456789", 6) == std::string::npos) {
      config->rotation_probe_factor = std::stoi(part.substr(6));
    } else if (part.rfind("trigger=", 0) == 0 && part.size() > 8) {
      config->rotation_trigger_score = std::stof(part.substr(8));  // auto's probe trigger score
    } else if (part.rfind("margin=", 0) == 0 && part.size() > 7) {
      config->min_face_margin = std::stod(part.substr(7));  // level 0: min face at X x the inner's smallest
    } else if (part == "upsample") {
      config->hog_upsample_max_side = 1 << 20;  // HOG x1 upsample on any size (12 MP: ~40 px faces)
    } else if (part.rfind("min-face=", 0) == 0 && part.size() > 9 && part.size() < 15 &&
               part.find_first_not_of("0123456789", 9) == std::string::npos) {
      config->min_face_px = std::stoi(part.substr(9));  // e.g. a probe pass alone, to time it
    } else {
      *error = "unknown suffix @" + part + " (untiled, rotations=MODE, probe=N, trigger=X, upsample, min-face=N, margin=X)";
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Evaluates publish-gate's face detectors on the shared test data."};
  std::string testdata, models, out;
  std::vector<std::string> specs = {"hog@untiled", "hog", "ssd@untiled", "ssd", "blazeface@untiled", "blazeface",
                                    "ssd+blazeface"};
  int scenes = 8, faces_per_scene = 24, timing_scenes = 2, min_face = pg::DetectorConfig{}.min_face_px;
  unsigned seed = 20261129;
  app.add_option("--testdata", testdata, "the shared testdata folder")->required();
  app.add_option("--models", models, "models folder")->required();
  app.add_option("--detector", specs, "detector specs to compare (repeatable), as for `check --detector`, with suffixes @untiled, @rotations=off|auto|all, @probe=N, @trigger=X, @upsample (HOG), @min-face=N, @margin=X; members joined by | are configured separately and merged");
  app.add_option("--scenes", scenes, "synthetic 12 MP scenes");
  app.add_option("--faces-per-scene", faces_per_scene, "faces pasted per scene");
  app.add_option("--timing-scenes", timing_scenes, "scenes also timed on 1 thread");
  app.add_option("--min-face", min_face, "smallest face that matters (px), passed to the detectors");
  app.add_option("--seed", seed, "scene composition seed");
  std::string scene_faces = "identities";
  app.add_option("--scene-faces", scene_faces,
                 "faces pasted into the scenes: identities (portraits, truth = HOG x1's box) or annotated "
                 "(the dlib_faces group photos' human-annotated faces, 30-200 px, enlarged at most 2x) or "
                 "annotated-held-out (only those of dlib's testing.xml, which its HOG detector was not trained on)")
      ->check(CLI::IsMember({"identities", "annotated", "annotated-held-out"}));
  float min_score = pg::DetectorConfig{}.min_score;
  app.add_option("--min-score", min_score, "CNN detectors' smallest confidence kept");
  app.add_option("--out", out, "write the markdown table here too");
  std::string dump_dir;
  app.add_option("--dump-scenes", dump_dir, "write each scene as DIR/scene-N.jpg with its truth boxes drawn (green; ignored: grey)");
  CLI11_PARSE(app, argc, argv);

  auto fail = [](const std::string& what) {
    std::cerr << "pg_eval_detection: " << what << "\n";
    return 1;
  };
  auto dlib_faces = pg::LoadDlibFaces(testdata);
  if (!dlib_faces.ok()) return fail(dlib_faces.status().message());
  auto negatives = pg::LoadNegatives(testdata);
  if (!negatives.ok()) return fail(negatives.status().message());
  pg::DetectorConfig locator_config;
  locator_config.spec = "hog";  // one upsample at any size: finds the portrait faces to paste
  locator_config.tiling = false;
  locator_config.hog_upsample_max_side = 1 << 20;
  locator_config.rotations = pg::RotationMode::kOff;  // the truth: upright photos as they are
  auto locator = pg::MakeFaceDetector(locator_config, models);
  if (!locator.ok()) return fail(locator.status().message());
  int skipped = 0;
  std::vector<pg::EvalImage> portraits;
  auto patches = pg::CutFacePatches(testdata, **locator, &skipped, &portraits);
  if (!patches.ok()) return fail(patches.status().message());
  // Photographic backgrounds only (no document scans, no cartoon).
  std::vector<pg::EvalImage> backgrounds;
  for (const auto& n : *negatives)
    if (n.name.find(".tif") == std::string::npos && n.name.find("DuTillet") == std::string::npos &&
        n.name.find("smiley") == std::string::npos)
      backgrounds.push_back(n);
  // Annotated faces: truth drawn by people, not by a compared detector (the identity
  // patches are the faces HOG x1 finds, with HOG's box). PASCAL faces are 37-109 px, so
  // they are pasted at 30-200 px and enlarged at most 2x.
  std::vector<pg::EvalImage> annotated_photos;
  for (const auto& photo : *dlib_faces)
    if (scene_faces != "annotated-held-out" || photo.name.find("[testing.xml]") != std::string::npos)
      annotated_photos.push_back(photo);
  const std::vector<pg::FacePatch> annotated = pg::CutAnnotatedFacePatches(annotated_photos);
  const bool use_annotated = scene_faces != "identities";
  const std::vector<pg::EvalImage> group =
      use_annotated ? pg::ComposeScenes(annotated, backgrounds, scenes, 4000, 3000, faces_per_scene, 30, 200, seed, 2.0)
                    : pg::ComposeScenes(*patches, backgrounds, scenes, 4000, 3000, faces_per_scene, 30, 300, seed);
  std::vector<pg::EvalImage> turned;
  for (const auto& s : group) turned.push_back(pg::RotateClockwise(s));
  // The backgrounds at 12 MP with no face pasted: negatives at the size the tiles see.
  const std::vector<pg::EvalImage> empty12 =
      pg::ComposeScenes(*patches, backgrounds, int(backgrounds.size()), 4000, 3000, 0, 30, 300, seed);
  std::cerr << "data: " << dlib_faces->size() << " dlib_faces photos, " << group.size() << " scenes from "
            << patches->size() << " identity photos (" << skipped << " without a HOG face skipped), "
            << negatives->size() << " negatives, " << empty12.size() << " empty 12 MP backgrounds; scene faces: "
            << (use_annotated ? std::to_string(annotated.size()) + " human-annotated dlib_faces faces" : "identity photos")
            << "\n";

  if (!dump_dir.empty()) {
    for (size_t i = 0; i < group.size(); ++i) {
      cv::Mat shown = group[i].bgr.clone();
      for (const pg::TruthBox& t : group[i].truth)
        cv::rectangle(shown, cv::Rect(t.box.x, t.box.y, t.box.w, t.box.h),
                      t.ignore ? cv::Scalar(160, 160, 160) : cv::Scalar(0, 255, 0), 3);
      const std::string path = dump_dir + "/scene-" + std::to_string(i + 1) + ".jpg";
      if (!cv::imwrite(path, shown)) return fail(path + ": cannot write");
    }
  }
  std::ostringstream md;
  md << "| detector | scenes: recall 20-30 / 30-40 / 40-60 / 60-100 / 100-200 / 200-300 / 300+ px | scenes: recall >= 40 px "
        "| scenes: precision | dlib_faces: recall | portraits: recall | turned 90: recall >= 40 px | turned 90: found righted "
        "| FP per negative (" << negatives->size()
     << " + " << empty12.size() << " 12 MP) | full + probe passes per scene / turned scene / 12 MP negative "
        "| ms / 12 MP, 1 thread | ms / 12 MP, 2 threads | ms / turned 12 MP, 2 threads |\n";
  md << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const std::string& spec : specs) {
    // Members joined by '|' are configured each on its own and merged as an ensemble (a face
    // any of them finds is kept), e.g. "hog@untiled@upsample|ssd@min-face=40".
    std::vector<std::unique_ptr<pg::FaceDetector>> members;
    std::stringstream member_specs(spec);
    for (std::string member; std::getline(member_specs, member, '|');) {
      pg::DetectorConfig config;
      config.min_face_px = min_face;
      config.min_score = min_score;
      std::string error;
      if (!ParseSpec(member, &config, &error)) return fail(spec + ": " + error);
      auto made = pg::MakeFaceDetector(config, models);
      if (!made.ok()) return fail(spec + ": " + made.status().message());
      members.push_back(std::move(*made));
    }
    if (members.empty()) return fail("an empty detector spec");
    const std::unique_ptr<pg::FaceDetector> det =
        members.size() == 1 ? std::move(members.front()) : pg::MakeEnsembleDetector(std::move(members));
    std::string error;
    Tally scene_t, voc_t, portrait_t, turned_t, neg_t, neg12_t, one_thread;
    cv::setNumThreads(2);
    if (!Run(*det, group, &scene_t, &error) || !Run(*det, *dlib_faces, &voc_t, &error) ||
        !Run(*det, portraits, &portrait_t, &error) ||
        !Run(*det, turned, &turned_t, &error, 3) || !Run(*det, *negatives, &neg_t, &error) ||
        !Run(*det, empty12, &neg12_t, &error))
      return fail(spec + ": " + error);
    neg_t.false_positives += neg12_t.false_positives;
    neg_t.images += neg12_t.images;
    cv::setNumThreads(1);
    const std::vector<pg::EvalImage> timed(group.begin(), group.begin() + std::min<size_t>(group.size(), size_t(timing_scenes)));
    if (!Run(*det, timed, &one_thread, &error)) return fail(spec + ": " + error);
    cv::setNumThreads(2);
    md << "| " << spec << " (" << det->Name() << ") | ";
    for (size_t i = 0; i < scene_t.buckets.size(); ++i)
      md << (i ? " / " : "") << Pct(scene_t.buckets[i].found, scene_t.buckets[i].faces);
    md << " | " << Pct(scene_t.found(40), scene_t.faces_from(40)) << " | " << Fixed(100 * scene_t.precision(), 1)
       << " % | " << Pct(voc_t.found(), voc_t.faces()) << " | " << Pct(portrait_t.found(), portrait_t.faces()) << " | " << Pct(turned_t.found(40), turned_t.faces_from(40))
       << " | " << Pct(turned_t.righted, turned_t.found()) << " | "
       << Fixed(double(neg_t.false_positives) / neg_t.images, 2) << " | " << Passes(scene_t) << " / "
       << Passes(turned_t) << " / " << Passes(neg12_t) << " | "
       << Fixed(one_thread.ms / std::max(1, one_thread.images), 0) << " | "
       << Fixed(scene_t.ms / std::max(1, scene_t.images), 0) << " | "
       << Fixed(turned_t.ms / std::max(1, turned_t.images), 0) << " |\n";
    const std::string table = md.str();
    std::cerr << "done: " << table.substr(table.rfind("\n| " + spec + " (") + 1) << std::flush;
  }
  std::ostringstream head;
  head << "Faces per bucket in the scenes: ";
  {
    Tally t;
    for (const auto& s : group) pg::TallyBySize(s.truth, pg::MatchDetections(s.truth, {}, 0.3), &t.buckets);
    for (size_t i = 0; i < t.buckets.size(); ++i) head << (i ? ", " : "") << t.buckets[i].Label() << " " << t.buckets[i].faces;
    head << " (" << t.faces() << " faces in " << group.size() << " scenes of 4000x3000, pasted from "
         << (use_annotated ? "the " + std::to_string(annotated.size()) + " human-annotated dlib_faces faces (" + scene_faces + ")" : std::string("the identity photos")) << "; dlib_faces: ";
    Tally v;
    for (const auto& s : *dlib_faces) pg::TallyBySize(s.truth, pg::MatchDetections(s.truth, {}, 0.3), &v.buckets);
    head << v.faces() << " faces).\n\n";
  }
  std::cout << head.str() << md.str();
  if (!out.empty()) {
    std::ofstream f(out);
    f << head.str() << md.str();
    if (!f) return fail(out + ": cannot write");
  }
  return 0;
}
