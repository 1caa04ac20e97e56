// pg_eval_recognition: the face-recognition evaluation behind the thresholds in
// core/options.h (issue 5). Reads identities/LABELS.csv, runs every photo through the gate's
// face path (decode upright, HOG with the default options, DlibFaceEmbedder), then prints a
// markdown report to stdout: comparison counts, distance distributions and histograms, TMR
// at FMR 1 % and 0.1 %, a threshold table, the identification view the gate uses, a
// small-face table, time per face, and the thresholds the measurements recommend.
// tools/eval-recognition wraps it (1 BLAS thread, machine facts, docs/eval-recognition.md).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>
#include <opencv2/imgproc.hpp>

#include "core/exit_codes.h"
#include "core/options.h"
#include "faces/detector_factory.h"
#include "faces/face_detector.h"
#include "faces/face_embedder.h"
#include "faces/match_metrics.h"
#include "faces/recognition_eval.h"
#include "io/file_system.h"

namespace {

using pg::Comparison;
using pg::ComparisonSet;
using pg::PhotoRole;
using pg::Probe;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNearCopy = 0.15;  ///< genuine distances below this are reported as near-copies

/// The rules that turn measurements into thresholds (docs/eval-recognition.md says why).
struct Rules {
  double match_margin = 0.10;      ///< below the FMR-0.1 % point: children are harder
  double uncertain_margin = 0.02;  ///< above the largest genuine distance at >= min face
  double size_shift = 0.03;        ///< largest rise of median / p95 genuine vs full size
};

std::string F(double v, int decimals = 3) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
std::string Pct(double rate, int decimals = 1) { return F(100.0 * rate, decimals) + " %"; }
std::string N(size_t n) { return std::to_string(n); }

std::string StatsRow(const std::string& name, const std::vector<double>& d) {
  const pg::DistanceStats s = pg::Summarize(d);
  std::string row = "| " + name + " | " + N(s.count);
  for (double v : {s.min, s.p1, s.p5, s.p25, s.median, s.p75, s.p95, s.p99, s.max, s.mean})
    row += " | " + (s.count == 0 ? std::string() : F(v));
  return row + " |\n";
}

std::vector<double> Genuine(const ComparisonSet& set, const std::vector<Probe>& probes,
                            bool (*keep)(const Probe&)) {
  std::vector<double> out;
  for (const Comparison& c : set.genuine)
    if (keep(probes[c.probe])) out.push_back(c.distance);
  return out;
}

/// One small-face size: every single-face photo scaled so its face's shorter side is `px`.
struct SizeRow {
  int px = 0;
  int measured = 0, hog_found = 0, failed = 0;
  std::vector<double> genuine, impostor;
};

double Iou(const pg::Box& a, const pg::Box& b) {
  const cv::Rect ra(a.x, a.y, a.w, a.h), rb(b.x, b.y, b.w, b.h);
  const double inter = (ra & rb).area();
  return inter / (ra.area() + rb.area() - inter);
}

std::vector<SizeRow> SmallFaces(const std::string& dir, const std::vector<Probe>& probes,
                                const std::vector<size_t>& references, const std::vector<int>& sizes,
                                pg::FaceDetector& detector, pg::FaceEmbedder& embedder) {
  pg::RealFileSystem fs;
  std::map<std::string, cv::Mat> decoded;
  std::vector<SizeRow> rows;
  for (int px : sizes) {
    SizeRow row;
    row.px = px;
    for (size_t i = 0; i < probes.size(); ++i) {
      const Probe& p = probes[i];
      const double s = double(px) / std::min(p.box.w, p.box.h);
      if (p.role == PhotoRole::kMulti || s >= 1.0) continue;  // only ever scaled down
      if (decoded.count(p.file) == 0) {
        auto bgr = pg::DecodeAsGate(fs, dir + "/" + p.file);
        decoded[p.file] = bgr.ok() ? *bgr : cv::Mat();
      }
      const cv::Mat& full = decoded[p.file];
      ++row.measured;
      if (full.empty()) {
        ++row.failed;
        continue;
      }
      cv::Mat small;
      cv::resize(full, small, cv::Size(std::max(1, int(std::lround(full.cols * s))),
                                       std::max(1, int(std::lround(full.rows * s)))),
                 0, 0, cv::INTER_AREA);
      const pg::Box expected{int(std::lround(p.box.x * s)), int(std::lround(p.box.y * s)),
                             int(std::lround(p.box.w * s)), int(std::lround(p.box.h * s))};
      pg::Box box = expected;
      auto found = detector.Detect(small);
      double best = 0.0;  // the detection overlapping the known face best, if any does
      for (const auto& f : found.ok() ? *found : std::vector<pg::FaceFact>{}) {
        const double iou = Iou(f.box, expected);
        if (iou >= 0.3 && iou > best) best = iou, box = f.box;
      }
      if (best > 0.0) ++row.hog_found;
      auto d = embedder.Embed(small, box);
      if (!d.ok()) {
        ++row.failed;
        continue;
      }
      for (size_t r : references) {
        if (r == i) continue;
        const double dist = pg::DescriptorDistance(*d, probes[r].descriptor);
        (probes[r].person == p.person ? row.genuine : row.impostor).push_back(dist);
      }
    }
    std::cerr << "pg_eval_recognition: small faces, " << px << " px: " << row.measured << " faces\n";
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string IdRow(const std::string& name, const pg::IdentificationCounts& c) {
  return "| " + name + " | " + std::to_string(c.genuine) + " | " + std::to_string(c.genuine_opted_out) +
         " | " + std::to_string(c.genuine_uncertain) + " | **" + std::to_string(c.genuine_no_match) +
         "** | " + std::to_string(c.genuine_other_student) + " | " + std::to_string(c.impostor) + " | " +
         std::to_string(c.impostor_opted_out) + " | " + std::to_string(c.impostor_uncertain) + " | " +
         std::to_string(c.impostor_no_match) + " |\n";
}

struct Input {
  std::vector<pg::LabelledPhoto> labels;
  std::vector<pg::EmbeddedPhoto> photos;
  pg::LabelledFaces faces;
  std::map<std::string, std::vector<size_t>> refs;
  std::vector<size_t> all_refs;
  ComparisonSet all, first;
};

void WriteData(const Input& in, const std::string& model, const pg::Options& o, std::ostream& md) {
  std::map<PhotoRole, int> listed, used;
  for (const auto& l : in.labels) ++listed[l.role];
  for (const auto& p : in.faces.probes) ++used[p.role];
  size_t with_pairs = 0;
  for (const auto& [person, idx] : in.refs) with_pairs += idx.size() >= 2;
  md << "## Data\n\nFace path: decode upright (EXIF orientation applied), dlib HOG (`hog_upsample` "
     << o.detector.hog_upsample << ", i.e. that many 2x upsamplings, for images up to " << o.detector.hog_upsample_max_side
     << " px: the gate's defaults), `DlibFaceEmbedder` `"
     << model << "`.\n\n" << in.labels.size() << " photos listed in `LABELS.csv`: "
     << listed[PhotoRole::kReference] << " single-person photos in identity folders (enrolable), "
     << listed[PhotoRole::kVariant] << " derived variants (probe only), " << listed[PhotoRole::kMulti]
     << " multi-person photos, " << listed[PhotoRole::kDistractor] << " distractors (`unknown`). "
     << in.refs.size() << " identities have an enrolable face, " << with_pairs
     << " of them at least two (genuine pairs).\n\nFaces used: " << in.faces.probes.size() << " ("
     << used[PhotoRole::kReference] << " reference, " << used[PhotoRole::kVariant] << " variant, "
     << used[PhotoRole::kMulti] << " from multi-person photos, " << used[PhotoRole::kDistractor]
     << " distractor). Photos left out, and how multi-person faces were scored:\n\n";
  for (const auto& n : in.faces.notes) md << "- " << n << "\n";
}

void WriteDistances(const Input& in, std::ostream& md) {
  const auto& probes = in.faces.probes;
  const auto gen = pg::Distances(in.all.genuine), imp = pg::Distances(in.all.impostor);
  md << "\n## Comparisons\n\n| protocol | references | genuine | impostor | distinct impostor face pairs "
        "| FMR step | FMR 1 % resolvable | FMR 0.1 % resolvable |\n|---|---:|---:|---:|---:|---:|---|---|\n";
  for (const auto& [name, set] : {std::pair<std::string, const ComparisonSet*>{"every photo in turn", &in.all},
                                  {"first photo enrolled", &in.first}}) {
    md << "| " << name << " | " << set->references << " | " << set->genuine.size() << " | "
       << set->impostor.size() << " | " << set->distinct_impostor_pairs << " | "
       << Pct(1.0 / set->impostor.size(), 3) << " | "
       << (pg::FmrResolvable(set->impostor.size(), 0.01) ? "yes" : "no") << " | "
       << (pg::FmrResolvable(set->impostor.size(), 0.001) ? "yes" : "no") << " |\n";
  }
  md << "\n## Distance distributions\n\n| distances | n | min | p1 | p5 | p25 | median | p75 | p95 | p99 "
        "| max | mean |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
     << StatsRow("genuine, every photo in turn", gen) << StatsRow("impostor, every photo in turn", imp)
     << StatsRow("genuine, first photo enrolled", pg::Distances(in.first.genuine))
     << StatsRow("impostor, first photo enrolled", pg::Distances(in.first.impostor))
     << StatsRow("genuine, probe a reference photo",
                 Genuine(in.all, probes, [](const Probe& p) { return p.role == PhotoRole::kReference; }))
     << StatsRow("genuine, probe a derived variant",
                 Genuine(in.all, probes, [](const Probe& p) { return p.role == PhotoRole::kVariant; }))
     << StatsRow("genuine, probe from a multi-person photo",
                 Genuine(in.all, probes, [](const Probe& p) { return p.role == PhotoRole::kMulti; }));
  const double lo = pg::RoundDown(std::min(pg::Summarize(gen).min, pg::Summarize(imp).min), 0.05);
  const double hi = pg::RoundUp(std::max(pg::Summarize(gen).max, pg::Summarize(imp).max) + 1e-6, 0.05);
  const int bins = int(std::lround((hi - lo) / 0.05));
  md << "\nHistograms (every photo in turn; bins of 0.05, lower edge included):\n\n```\ngenuine ("
     << gen.size() << ")\n" << pg::TextHistogram(gen, lo, hi, bins, 50) << "\nimpostor (" << imp.size()
     << ")\n" << pg::TextHistogram(imp, lo, hi, bins, 50) << "```\n";

  md << "\n## True-match rate at a fixed false-match rate\n\n| protocol | target FMR | match when distance < "
        "| false matches | FMR | true matches | TMR |\n|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& [name, set] : {std::pair<std::string, const ComparisonSet*>{"every photo in turn", &in.all},
                                  {"first photo enrolled", &in.first}}) {
    for (double target : {0.01, 0.001}) {
      const auto p = pg::AtFalseMatchRate(pg::Distances(set->genuine), pg::Distances(set->impostor), target);
      md << "| " << name << " | " << Pct(target) << " | " << F(std::nextafter(p.threshold, kInf), 4) << " | "
         << p.false_matches << "/" << p.impostor << " | " << Pct(p.fmr(), 2) << " | " << p.true_matches
         << "/" << p.genuine << " | **" << Pct(p.tmr()) << "** |\n";
    }
  }
}

void WriteThresholdTable(const Input& in, double match, double uncertain, std::ostream& md) {
  const auto gen = pg::Distances(in.all.genuine), imp = pg::Distances(in.all.impostor);
  md << "\n## Threshold table (every photo in turn)\n\nA distance at or below the threshold matches. "
        "The evaluated thresholds are in bold.\n\n| threshold | TMR | genuine above | FMR | false matches |\n"
        "|---:|---:|---:|---:|---:|\n";
  std::vector<double> ts = {match, uncertain};
  for (int k = 0; k <= 20; ++k) ts.push_back(0.30 + 0.025 * k);
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end(), [](double a, double b) { return std::abs(a - b) < 1e-9; }), ts.end());
  for (double t : ts) {
    const pg::OperatingPoint p = pg::AtThreshold(gen, imp, t);
    const std::string b = std::abs(t - match) < 1e-9 || std::abs(t - uncertain) < 1e-9 ? "**" : "";
    md << "| " << b << F(t) << b << " | " << Pct(p.tmr()) << " | " << p.genuine - p.true_matches << " | "
       << Pct(p.fmr(), 2) << " | " << p.false_matches << " |\n";
  }
  auto g = in.all.genuine, i = in.all.impostor;
  std::sort(g.begin(), g.end(), [](auto& a, auto& b) { return a.distance > b.distance; });
  std::sort(i.begin(), i.end(), [](auto& a, auto& b) { return a.distance < b.distance; });
  md << "\n## Hardest pairs (every photo in turn; probe vs reference)\n\n| largest genuine distances | | "
        "smallest impostor distances | |\n|---|---:|---|---:|\n";
  auto cell = [&](const std::vector<Comparison>& v, size_t k) {
    if (k >= v.size()) return std::string("| | ");
    const auto& probes = in.faces.probes;
    return "| " + probes[v[k].probe].file + " vs " + probes[v[k].reference].file + " | " + F(v[k].distance) + " ";
  };
  for (size_t k = 0; k < 8; ++k) md << cell(g, k) << cell(i, k) << "|\n";
  std::string copies;  // each unordered pair once
  for (const Comparison& c : in.all.genuine) {
    if (c.distance < kNearCopy && (c.probe > c.reference || in.faces.probes[c.probe].role != PhotoRole::kReference))
      copies += (copies.empty() ? "" : ", ") + in.faces.probes[c.probe].file + " vs " +
                in.faces.probes[c.reference].file + " (" + F(c.distance) + ")";
  }
  md << "\nGenuine pairs below " << F(kNearCopy, 2) << " (near-copies of one photo, which sit far from any "
        "threshold): " << (copies.empty() ? "none" : copies) << ".\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Evaluates face recognition on labelled photos; prints a markdown report."};
  const pg::Options defaults;
  Rules rules;
  std::string identities, models;
  double match = defaults.match_threshold, uncertain = defaults.uncertain_threshold;
  int min_face = defaults.min_face_px_for_recognition;
  std::vector<int> sizes = {20, 24, 30, 40, 50, 60, 80};
  app.add_option("--identities", identities, "folder holding LABELS.csv and the photos")->required();
  app.add_option("--models", models, "models folder (checked against manifest.txt)")->required();
  app.add_option("--match", match, "match threshold to evaluate (default: Options)");
  app.add_option("--uncertain", uncertain, "uncertain threshold to evaluate (default: Options)");
  app.add_option("--min-face-px", min_face, "minimum face size to evaluate (default: Options)");
  std::string detector_spec = "hog";
  app.add_option("--detector", detector_spec,
                 "face detector for the photos (as `check --detector`; default hog, untiled, with "
                 "the gate's HOG settings: the path the thresholds were measured on)");
  app.add_option("--sizes", sizes, "face sizes (shorter side, px) for the small-face table")->delimiter(',');
  CLI11_PARSE(app, argc, argv);
  if (!(match > 0 && match <= uncertain) || sizes.empty() ||
      std::any_of(sizes.begin(), sizes.end(), [](int s) { return s < 8; })) {
    std::cerr << "pg_eval_recognition: need 0 < --match <= --uncertain and sizes of at least 8 px\n";
    return pg::kExitUsage;
  }
  std::sort(sizes.begin(), sizes.end());
  auto fail = [](const pg::Status& s) {
    std::cerr << "pg_eval_recognition: " << s.message() << "\n";
    return pg::ExitCodeFor(s);
  };

  pg::RealFileSystem fs;
  auto labels_bytes = fs.ReadFile(identities + "/LABELS.csv", 1 << 20);
  if (!labels_bytes.ok()) return fail(labels_bytes.status());
  auto labels = pg::ParseIdentityLabels(std::string(labels_bytes->begin(), labels_bytes->end()));
  if (!labels.ok()) return fail(labels.status());
  auto embedder = pg::MakeDlibFaceEmbedder(models);
  if (!embedder.ok()) return fail(embedder.status());
  pg::DetectorConfig detector_config = defaults.detector;
  detector_config.spec = detector_spec;
  detector_config.tiling = detector_spec != "hog";
  auto made = pg::MakeFaceDetector(detector_config, models);
  if (!made.ok()) return fail(made.status());
  std::unique_ptr<pg::FaceDetector> detector = std::move(*made);

  Input in;
  in.labels = std::move(*labels);
  std::cerr << "pg_eval_recognition: embedding " << in.labels.size() << " photos\n";
  in.photos = pg::EmbedLabelledPhotos(identities, in.labels, fs, *detector, **embedder);
  in.faces = pg::LabelFaces(in.photos);
  const auto& probes = in.faces.probes;
  in.refs = pg::ReferenceFaces(probes);
  size_t rounds = 0;
  for (const auto& [person, idx] : in.refs) {
    in.all_refs.insert(in.all_refs.end(), idx.begin(), idx.end());
    rounds = std::max(rounds, idx.size());
  }
  std::sort(in.all_refs.begin(), in.all_refs.end());
  in.all = pg::Compare(probes, in.all_refs);
  in.first = pg::Compare(probes, pg::Gallery(in.refs, 0));
  if (in.all.genuine.empty() || in.all.impostor.empty()) {
    return fail(pg::Status::BadData("no genuine or no impostor comparisons: nothing to evaluate"));
  }
  const auto gen = pg::Distances(in.all.genuine), imp = pg::Distances(in.all.impostor);

  std::ostringstream md;
  WriteData(in, (*embedder)->ModelId(), defaults, md);
  WriteDistances(in, md);
  WriteThresholdTable(in, match, uncertain, md);

  // ---------------------------------------------------------------- identification
  pg::IdentificationCounts total, round0;
  for (size_t r = 0; r < rounds; ++r) {
    auto c = pg::Identify(probes, pg::Gallery(in.refs, r), {match, uncertain, min_face});
    if (!c.ok()) return fail(c.status());
    if (r == 0) round0 = *c;
    total.Add(*c);
  }
  md << "\n## Identification: what the gate would say\n\nEvery identity enrolled as a photo-opted-out "
        "student with one reference photo; every other face goes through `FaceMatcher::Match` with match "
     << F(match, 2) << " and uncertain " << F(uncertain, 2) << ". Round r enrols each identity's photo "
        "number r (identities with fewer photos cycle); round 0 is \"first photo enrolled\". Genuine: a face "
        "of an enrolled person (`no_match` would publish an opted-out student). Distractor: a face of nobody "
        "enrolled.\n\n| enrolment | genuine faces | opted_out | uncertain | no_match | named another student "
        "| distractor faces | opted_out | uncertain | no_match |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
     << IdRow("first photo enrolled (round 0)", round0)
     << IdRow("all " + N(rounds) + " rounds, summed", total);
  for (const auto& f : total.genuine_no_match_faces) md << "- genuine face came out no_match: " << f << "\n";
  for (const auto& f : total.impostor_opted_out_faces) md << "- distractor blocked: " << f << "\n";

  // ---------------------------------------------------------------- small faces
  const auto small = SmallFaces(identities, probes, in.all_refs, sizes, *detector, **embedder);
  std::vector<double> full_gen, full_imp;  // full size, single-face probes, as in the rows
  for (const auto* set : {&in.all.genuine, &in.all.impostor})
    for (const Comparison& c : *set)
      if (probes[c.probe].role != PhotoRole::kMulti)
        (set == &in.all.genuine ? full_gen : full_imp).push_back(c.distance);
  const pg::DistanceStats full = pg::Summarize(full_gen);
  md << "\n## Small faces\n\nEach single-face photo scaled down (area interpolation) so that its face's "
        "shorter side is the given size, detected by the gate's HOG (the known box, scaled, when HOG misses "
        "it), described as is, and compared with every full-size reference face of the other photos. A face "
        "already at or below a size is not measured at it.\n\n| face px | faces | found by HOG | genuine pairs "
        "| median | p95 | max | TMR (<= " << F(match, 2) << ") | genuine > " << F(uncertain, 2)
     << " (no_match) | impostor pairs | FMR (<= " << F(match, 2) << ") | impostor <= " << F(uncertain, 2)
     << " |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  auto size_row = [&](const std::string& px, const std::string& faces, const std::string& hog,
                      const std::vector<double>& g, const std::vector<double>& i) {
    const pg::DistanceStats s = pg::Summarize(g);
    const pg::OperatingPoint m = pg::AtThreshold(g, i, match), u = pg::AtThreshold(g, i, uncertain);
    md << "| " << px << " | " << faces << " | " << hog << " | " << g.size() << " | " << F(s.median) << " | "
       << F(s.p95) << " | " << F(s.max) << " | " << Pct(m.tmr()) << " | " << u.genuine - u.true_matches
       << " | " << i.size() << " | " << Pct(m.fmr(), 2) << " | " << Pct(u.fmr()) << " |\n";
  };
  for (const SizeRow& r : small) {
    size_row(N(r.px), N(r.measured) + (r.failed ? " (" + N(r.failed) + " failed)" : ""),
             N(r.hog_found) + "/" + N(r.measured), r.genuine, r.impostor);
  }
  size_row("full size", "", "", full_gen, full_imp);

  // ---------------------------------------------------------------- timing
  std::vector<double> wall, cpu, detect;
  for (const auto& p : in.photos) {
    if (p.problem.empty()) detect.push_back(p.detect_ms);
    for (const auto& f : p.faces) wall.push_back(f.embed_ms), cpu.push_back(f.embed_cpu_ms);
  }
  const pg::DistanceStats w = pg::Summarize(wall), c = pg::Summarize(cpu), d = pg::Summarize(detect);
  md << "\n## Time per face\n\nLandmarks + chip + descriptor (`DlibFaceEmbedder::Embed`), one thread, "
     << w.count << " faces: CPU time median **" << F(c.median, 1) << " ms**, p95 **" << F(c.p95, 1)
     << " ms** (max " << F(c.max, 1) << "); wall time median " << F(w.median, 1) << " ms, p95 " << F(w.p95, 1)
     << " ms (wall above CPU means the core was shared). HOG detection, per photo: median " << F(d.median, 1)
     << " ms, p95 " << F(d.p95, 1) << " ms wall.\n";

  // ---------------------------------------------------------------- thresholds
  const pg::OperatingPoint at01 = pg::AtFalseMatchRate(gen, imp, 0.001);
  const double fmr01_point = std::nextafter(at01.threshold, kInf);
  int rec_min_face = 0;  // smallest size from which on the descriptor behaves as at full size
  for (auto it = small.rbegin(); it != small.rend(); ++it) {
    const pg::DistanceStats s = pg::Summarize(it->genuine);
    if (s.count == 0 || s.median - full.median > rules.size_shift || s.p95 - full.p95 > rules.size_shift) break;
    rec_min_face = it->px;
  }
  double worst_genuine = pg::Summarize(gen).max;  // at every size the gate would recognise
  for (const SizeRow& r : small)
    if (rec_min_face > 0 && r.px >= rec_min_face) worst_genuine = std::max(worst_genuine, pg::Summarize(r.genuine).max);
  const double rec_match = pg::RoundDown(fmr01_point - rules.match_margin, 0.01);
  const double rec_uncertain = pg::RoundUp(worst_genuine + rules.uncertain_margin, 0.01);
  const pg::OperatingPoint at_match = pg::AtThreshold(gen, imp, match), at_unc = pg::AtThreshold(gen, imp, uncertain);
  const bool target_met = at01.tmr() >= 0.99 && pg::FmrResolvable(imp.size(), 0.001);
  md << "\n## Thresholds\n\nEvaluated: match **" << F(match, 2) << "**, uncertain **" << F(uncertain, 2)
     << "**, min face **" << min_face << " px**.\n\n"
     << "- Target (issue 5), >= 99 % TMR at <= 0.1 % FMR on adult faces: TMR " << Pct(at01.tmr()) << " at FMR "
     << Pct(at01.fmr(), 2) << " — **" << (target_met ? "met" : "NOT met") << "**.\n"
     << "- At match " << F(match, 2) << ": FMR " << Pct(at_match.fmr(), 2) << " (" << at_match.false_matches
     << "/" << at_match.impostor << (at_match.fmr() <= 0.001 ? ", within 0.1 %" : ", ABOVE 0.1 %") << "), TMR "
     << Pct(at_match.tmr()) << "; the other " << at_match.genuine - at_match.true_matches
     << " genuine comparisons are not blocked outright but land in the uncertain band (review).\n"
     << "- At uncertain " << F(uncertain, 2) << ": " << at_unc.genuine - at_unc.true_matches
     << " genuine comparisons above it (largest genuine distance " << F(pg::Summarize(gen).max) << " at full size, "
     << F(worst_genuine) << " at any size from " << rec_min_face << " px). " << Pct(at_unc.fmr(), 2)
     << " of impostor comparisons fall at or below it; with N photo-opted-out students enrolled, a face of "
        "someone else meets at least one of them within the band with probability about 1 - (1 - "
     << F(at_unc.fmr(), 4) << ")^N: " << Pct(1 - std::pow(1 - at_unc.fmr(), 10)) << " for N = 10, "
     << Pct(1 - std::pow(1 - at_unc.fmr(), 50)) << " for 50, " << Pct(1 - std::pow(1 - at_unc.fmr(), 200))
     << " for 200 (review load, if comparisons were independent).\n"
     << "- Identification, all rounds: " << total.genuine_no_match << " genuine no_match, "
     << total.impostor_opted_out << " distractors blocked, " << total.impostor_uncertain << " of "
     << total.impostor << " distractor faces sent to review.\n\n"
     << "Recommended by the rules: match = FMR-0.1 % point " << F(fmr01_point) << " - " << F(rules.match_margin, 2)
     << ", rounded down to 0.01 = **" << F(rec_match, 2) << "**; min face = smallest size from which on the "
        "genuine median and p95 stay within " << F(rules.size_shift, 2) << " of full size = **"
     << (rec_min_face ? N(rec_min_face) + " px" : std::string("none of the sizes")) << "**; uncertain = largest "
        "genuine distance at full size or any size from the min face on, " << F(worst_genuine) << " + "
     << F(rules.uncertain_margin, 2) << ", rounded up to 0.01 = **" << F(rec_uncertain, 2) << "**.\n";

  std::cout << md.str();
  return 0;
}
