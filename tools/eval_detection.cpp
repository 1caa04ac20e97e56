// pg_eval_detection: recall, precision, false positives and speed of publish-gate's face
// detectors, in one table (issue 4's evaluation; tools/eval-detection runs it).
//   datasets   detection/dlib_faces (8 PASCAL VOC photos, 43 human-annotated faces),
//              identities/ portraits as they are (truth: the face HOG locates),
//              synthetic 12 MP group scenes: identities/ photos pasted over the negatives at
//              known places and sizes (30-300 px), the same scenes turned 90 degrees,
//              detection/negatives (no human faces) and the 12 MP backgrounds without faces
//   metrics    recall per face-size bucket at IoU >= 0.3, precision, false positives per
//              negative image, ms per 12 MP scene with 1 and 2 OpenCV threads
// Third-party photos are read in place from the shared testdata folder, never copied.
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <opencv2/core.hpp>

#include "detection_scenes.h"
#include "faces/detector_factory.h"

namespace {

struct Tally {
  std::vector<pg::SizeBucket> buckets = pg::MakeSizeBuckets({20, 30, 40, 60, 100, 200, 300});
  int detections = 0, false_positives = 0, images = 0;
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

/// Runs `det` over `images`, tallying matches; returns false (with a message) on an error.
bool Run(pg::FaceDetector& det, const std::vector<pg::EvalImage>& images, Tally* t, std::string* error) {
  for (const pg::EvalImage& img : images) {
    const auto t0 = std::chrono::steady_clock::now();
    pg::Result<std::vector<pg::FaceFact>> faces = det.Detect(img.bgr);
    t->ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!faces.ok()) {
      *error = img.name + ": " + faces.status().message();
      return false;
    }
    const pg::DetectionMatch m = pg::MatchDetections(img.truth, *faces, 0.3);
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Evaluates publish-gate's face detectors on the shared test data."};
  std::string testdata, models, out;
  std::vector<std::string> specs = {"hog@untiled", "hog", "ssd@untiled", "ssd", "blazeface@untiled", "blazeface",
                                    "ssd+blazeface"};
  int scenes = 8, faces_per_scene = 24, timing_scenes = 2, min_face = 20;
  unsigned seed = 20261129;
  app.add_option("--testdata", testdata, "the shared testdata folder")->required();
  app.add_option("--models", models, "models folder")->required();
  app.add_option("--detector", specs, "detector specs to compare (repeatable), as for `check --detector`");
  app.add_option("--scenes", scenes, "synthetic 12 MP scenes");
  app.add_option("--faces-per-scene", faces_per_scene, "faces pasted per scene");
  app.add_option("--timing-scenes", timing_scenes, "scenes also timed on 1 thread");
  app.add_option("--min-face", min_face, "smallest face that matters (px), passed to the detectors");
  app.add_option("--seed", seed, "scene composition seed");
  float min_score = pg::DetectorConfig{}.min_score;
  app.add_option("--min-score", min_score, "CNN detectors' smallest confidence kept");
  app.add_option("--out", out, "write the markdown table here too");
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
  const std::vector<pg::EvalImage> group =
      pg::ComposeScenes(*patches, backgrounds, scenes, 4000, 3000, faces_per_scene, 30, 300, seed);
  std::vector<pg::EvalImage> turned;
  for (const auto& s : group) turned.push_back(pg::RotateClockwise(s));
  // The backgrounds at 12 MP with no face pasted: negatives at the size the tiles see.
  const std::vector<pg::EvalImage> empty12 =
      pg::ComposeScenes(*patches, backgrounds, int(backgrounds.size()), 4000, 3000, 0, 30, 300, seed);
  std::cerr << "data: " << dlib_faces->size() << " dlib_faces photos, " << group.size() << " scenes from "
            << patches->size() << " identity photos (" << skipped << " without a HOG face skipped), "
            << negatives->size() << " negatives, " << empty12.size() << " empty 12 MP backgrounds\n";

  std::ostringstream md;
  md << "| detector | scenes: recall 20-30 / 30-40 / 40-60 / 60-100 / 100-200 / 200-300 / 300+ px | scenes: recall >= 40 px "
        "| scenes: precision | dlib_faces: recall | portraits: recall | turned 90: recall >= 40 px | FP per negative (" << negatives->size()
     << " + " << empty12.size() << " 12 MP) | ms / 12 MP, 1 thread | ms / 12 MP, 2 threads |\n";
  md << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const std::string& spec : specs) {
    pg::DetectorConfig config;
    config.spec = spec;
    config.min_face_px = min_face;
    config.min_score = min_score;
    std::string name = spec;
    const std::string untiled = "@untiled";  // "ssd@untiled": the detector without tiling
    if (spec.size() > untiled.size() && spec.compare(spec.size() - untiled.size(), untiled.size(), untiled) == 0) {
      config.spec = spec.substr(0, spec.size() - untiled.size());
      config.tiling = false;
    }
    auto det = pg::MakeFaceDetector(config, models);
    if (!det.ok()) return fail(spec + ": " + det.status().message());
    std::string error;
    Tally scene_t, voc_t, portrait_t, turned_t, neg_t, one_thread;
    cv::setNumThreads(2);
    if (!Run(**det, group, &scene_t, &error) || !Run(**det, *dlib_faces, &voc_t, &error) ||
        !Run(**det, portraits, &portrait_t, &error) ||
        !Run(**det, turned, &turned_t, &error) || !Run(**det, *negatives, &neg_t, &error) ||
        !Run(**det, empty12, &neg_t, &error))
      return fail(spec + ": " + error);
    cv::setNumThreads(1);
    const std::vector<pg::EvalImage> timed(group.begin(), group.begin() + std::min<size_t>(group.size(), size_t(timing_scenes)));
    if (!Run(**det, timed, &one_thread, &error)) return fail(spec + ": " + error);
    cv::setNumThreads(2);
    md << "| " << name << " (" << (*det)->Name() << ") | ";
    for (size_t i = 0; i < scene_t.buckets.size(); ++i)
      md << (i ? " / " : "") << Pct(scene_t.buckets[i].found, scene_t.buckets[i].faces);
    md << " | " << Pct(scene_t.found(40), scene_t.faces_from(40)) << " | " << Fixed(100 * scene_t.precision(), 1)
       << " % | " << Pct(voc_t.found(), voc_t.faces()) << " | " << Pct(portrait_t.found(), portrait_t.faces()) << " | " << Pct(turned_t.found(40), turned_t.faces_from(40))
       << " | " << Fixed(double(neg_t.false_positives) / neg_t.images, 2) << " | "
       << Fixed(one_thread.ms / std::max(1, one_thread.images), 0) << " | "
       << Fixed(scene_t.ms / std::max(1, scene_t.images), 0) << " |\n";
    std::cerr << "done: " << spec << "\n";
  }
  std::ostringstream head;
  head << "Faces per bucket in the scenes: ";
  {
    Tally t;
    for (const auto& s : group) pg::TallyBySize(s.truth, pg::MatchDetections(s.truth, {}, 0.3), &t.buckets);
    for (size_t i = 0; i < t.buckets.size(); ++i) head << (i ? ", " : "") << t.buckets[i].Label() << " " << t.buckets[i].faces;
    head << " (" << t.faces() << " faces in " << group.size() << " scenes of 4000x3000; dlib_faces: ";
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
