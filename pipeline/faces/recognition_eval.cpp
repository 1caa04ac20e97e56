#include "faces/recognition_eval.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <limits>
#include <numeric>
#include <set>

#include "core/options.h"
#include "decode/decode.h"
#include "decode/format_sniff.h"
#include "faces/upright_face.h"
#include "metadata/metadata_inventory.h"

namespace pg {

namespace {

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

/// CPU time used by the calling thread, in ms.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

std::string Dist(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", d);
  return buf;
}

/// Distance from `d` to the nearest reference face of `person`; infinity when none.
double DistanceToPerson(const std::vector<Probe>& probes, const FaceDescriptor& d,
                        const std::string& person) {
  double best = std::numeric_limits<double>::infinity();
  for (const Probe& p : probes) {
    if (p.role == PhotoRole::kReference && p.person == person) {
      best = std::min(best, DescriptorDistance(d, p.descriptor));
    }
  }
  return best;
}

/// Scores a multi-person photo nearest-listed (see LabelFaces); appends its probes.
void AssignMulti(const EmbeddedPhoto& photo, std::vector<Probe>* probes,
                 std::vector<std::string>* notes) {
  const std::vector<std::string>& people = photo.label.people;
  const std::string& file = photo.label.file;
  if (photo.faces.size() > people.size()) {
    notes->push_back(file + ": " + std::to_string(photo.faces.size()) + " faces for " +
                     std::to_string(people.size()) + " people listed; not used");
    return;
  }
  // cost[f][p]: face f to listed person p
  std::vector<std::vector<double>> cost(photo.faces.size(), std::vector<double>(people.size()));
  for (size_t p = 0; p < people.size(); ++p) {
    for (size_t f = 0; f < photo.faces.size(); ++f) {
      cost[f][p] = DistanceToPerson(*probes, photo.faces[f].descriptor, people[p]);
    }
    if (!photo.faces.empty() && cost[0][p] == std::numeric_limits<double>::infinity()) {
      notes->push_back(file + ": " + people[p] + " has no reference face to score against; not used");
      return;
    }
  }
  std::vector<size_t> perm(people.size()), best;
  std::iota(perm.begin(), perm.end(), 0);
  double best_cost = std::numeric_limits<double>::infinity();
  do {
    double c = 0;
    for (size_t f = 0; f < photo.faces.size(); ++f) c += cost[f][perm[f]];
    if (c < best_cost) best_cost = c, best = perm;
  } while (std::next_permutation(perm.begin(), perm.end()));
  for (size_t f = 0; f < photo.faces.size(); ++f) {
    const std::string& person = people[best[f]];
    std::string why;
    for (size_t p = 0; p < people.size(); ++p) {
      why += (why.empty() ? "" : ", ") + people[p] + " " + Dist(cost[f][p]);
    }
    notes->push_back(file + ": face " + BoxText(photo.faces[f].box) + " scored as " + person +
                     " (nearest reference per listed person: " + why + ")");
    probes->push_back({file, person, people, PhotoRole::kMulti, photo.faces[f].box,
                       photo.faces[f].descriptor});
  }
  if (photo.faces.size() < people.size()) {
    notes->push_back(file + ": " + std::to_string(photo.faces.size()) + " of " +
                     std::to_string(people.size()) + " listed people found");
  }
}

}  // namespace

Result<cv::Mat> DecodeAsGate(FileSystem& fs, const std::string& path) {
  const Options defaults;
  auto bytes = fs.ReadFile(path, defaults.max_file_bytes);
  if (!bytes.ok()) return bytes.status();
  const ImageFormat format = SniffFormat(*bytes);
  MetadataFacts metadata;
  if (format != ImageFormat::kUnknown) metadata = InspectMetadata(*bytes, format);
  auto decoded = DecodeImage(*bytes, metadata.exif_orientation, defaults.max_pixels);
  if (!decoded.ok()) {
    const std::string msg = path + ": " + decoded.status().message();
    switch (decoded.status().code()) {
      case Code::kTooLarge: return Status::TooLarge(msg);
      case Code::kUnsupported: return Status::Unsupported(msg);
      default: return Status::BadData(msg);
    }
  }
  return std::move(decoded->bgr);
}

std::vector<EmbeddedPhoto> EmbedLabelledPhotos(const std::string& identities_dir,
                                               const std::vector<LabelledPhoto>& photos,
                                               FileSystem& fs, FaceDetector& detector,
                                               FaceEmbedder& embedder) {
  std::vector<EmbeddedPhoto> out;
  for (const LabelledPhoto& label : photos) {
    EmbeddedPhoto e;
    e.label = label;
    auto bgr = DecodeAsGate(fs, identities_dir + "/" + label.file);
    if (!bgr.ok()) {
      e.problem = "unreadable: " + bgr.status().message();
      out.push_back(std::move(e));
      continue;
    }
    e.width = bgr->cols;
    e.height = bgr->rows;
    const auto t0 = std::chrono::steady_clock::now();
    auto faces = detector.Detect(*bgr);
    e.detect_ms = MsSince(t0);
    if (!faces.ok()) {
      e.problem = "face detection failed: " + faces.status().message();
      out.push_back(std::move(e));
      continue;
    }
    for (const FaceFact& f : *faces) {
      const auto t1 = std::chrono::steady_clock::now();
      const double cpu0 = ThreadCpuMs();
      const UprightFace upright = UprightFaceCrop(*bgr, f.box, f.quarter_turns);
      auto d = embedder.Embed(upright.bgr, upright.box);
      const double ms = MsSince(t1), cpu_ms = ThreadCpuMs() - cpu0;
      if (!d.ok()) {
        e.problem = "face " + BoxText(f.box) + " could not be described: " + d.status().message();
        e.faces.clear();
        break;
      }
      e.faces.push_back({f.box, std::move(*d), ms, cpu_ms});
    }
    out.push_back(std::move(e));
  }
  return out;
}

LabelledFaces LabelFaces(const std::vector<EmbeddedPhoto>& photos) {
  LabelledFaces out;
  for (const EmbeddedPhoto& photo : photos) {
    const std::string& file = photo.label.file;
    if (!photo.problem.empty()) {
      out.notes.push_back(file + ": " + photo.problem + "; not used");
      continue;
    }
    if (photo.label.role == PhotoRole::kMulti) continue;  // after every reference is known
    if (photo.faces.size() != 1) {
      std::string boxes;
      for (const auto& f : photo.faces) boxes += (boxes.empty() ? " (" : "; ") + BoxText(f.box);
      out.notes.push_back(file + ": " + std::to_string(photo.faces.size()) + " faces found" +
                          (boxes.empty() ? "" : boxes + ")") + " where one is expected; not used");
      continue;
    }
    const std::string person = photo.label.people.empty() ? "" : photo.label.people[0];
    out.probes.push_back({file, person, photo.label.people, photo.label.role, photo.faces[0].box,
                          photo.faces[0].descriptor});
  }
  for (const EmbeddedPhoto& photo : photos) {
    if (photo.problem.empty() && photo.label.role == PhotoRole::kMulti) {
      AssignMulti(photo, &out.probes, &out.notes);
    }
  }
  return out;
}

std::map<std::string, std::vector<size_t>> ReferenceFaces(const std::vector<Probe>& probes) {
  std::map<std::string, std::vector<size_t>> out;
  for (size_t i = 0; i < probes.size(); ++i) {
    if (probes[i].role == PhotoRole::kReference) out[probes[i].person].push_back(i);
  }
  return out;
}

ComparisonSet Compare(const std::vector<Probe>& probes, const std::vector<size_t>& references) {
  ComparisonSet set;
  set.references = references.size();
  std::set<std::pair<size_t, size_t>> pairs;
  for (size_t r : references) {
    const std::string& person = probes[r].person;
    for (size_t i = 0; i < probes.size(); ++i) {
      if (i == r) continue;
      const Probe& p = probes[i];
      const Comparison c{i, r, DescriptorDistance(p.descriptor, probes[r].descriptor)};
      if (p.person == person) {
        set.genuine.push_back(c);
      } else if (std::find(p.photo_people.begin(), p.photo_people.end(), person) == p.photo_people.end()) {
        set.impostor.push_back(c);
        pairs.insert({std::min(i, r), std::max(i, r)});
      }
    }
  }
  set.distinct_impostor_pairs = pairs.size();
  return set;
}

std::vector<double> Distances(const std::vector<Comparison>& comparisons) {
  std::vector<double> out;
  out.reserve(comparisons.size());
  for (const Comparison& c : comparisons) out.push_back(c.distance);
  return out;
}

std::vector<size_t> Gallery(const std::map<std::string, std::vector<size_t>>& references,
                            size_t round) {
  std::vector<size_t> out;
  for (const auto& [person, faces] : references) {
    if (!faces.empty()) out.push_back(faces[round % faces.size()]);
  }
  return out;
}

void IdentificationCounts::Add(const IdentificationCounts& o) {
  genuine += o.genuine;
  genuine_opted_out += o.genuine_opted_out;
  genuine_uncertain += o.genuine_uncertain;
  genuine_no_match += o.genuine_no_match;
  genuine_other_student += o.genuine_other_student;
  impostor += o.impostor;
  impostor_opted_out += o.impostor_opted_out;
  impostor_uncertain += o.impostor_uncertain;
  impostor_no_match += o.impostor_no_match;
  genuine_no_match_faces.insert(genuine_no_match_faces.end(), o.genuine_no_match_faces.begin(),
                                o.genuine_no_match_faces.end());
  impostor_opted_out_faces.insert(impostor_opted_out_faces.end(), o.impostor_opted_out_faces.begin(),
                                  o.impostor_opted_out_faces.end());
}

Result<IdentificationCounts> Identify(const std::vector<Probe>& probes,
                                      const std::vector<size_t>& gallery,
                                      const MatchThresholds& thresholds) {
  if (!(thresholds.match > 0 && thresholds.match <= thresholds.uncertain)) {
    return Status::Config("thresholds must satisfy 0 < match <= uncertain");
  }
  constexpr const char* kModel = "eval";
  std::map<std::string, Student> students;
  std::vector<Enrolment> enrolments;
  for (size_t g : gallery) {
    Student s;
    s.student_id = probes[g].person;
    s.photo_opt_out = true;
    students[s.student_id] = s;
    Enrolment e;
    e.student_id = s.student_id;
    e.photo_path = probes[g].file;
    e.model_id = kModel;
    e.descriptor = probes[g].descriptor;
    e.expires_at = "9999-12-31";
    enrolments.push_back(std::move(e));
  }
  FaceMatcher matcher(thresholds, kModel);
  if (Status s = matcher.Load(enrolments, students, "2000-01-01"); !s.ok()) return s;
  IdentificationCounts c;
  for (size_t i = 0; i < probes.size(); ++i) {
    if (std::find(gallery.begin(), gallery.end(), i) != gallery.end()) continue;
    const Probe& p = probes[i];
    auto m = matcher.Match(p.descriptor);
    if (!m.ok()) return m.status();
    const std::string what = p.file + " (distance " + Dist(m->distance) + ")";
    if (students.count(p.person) != 0) {
      ++c.genuine;
      if (m->status == MatchStatus::kOptedOut) ++c.genuine_opted_out;
      if (m->status == MatchStatus::kUncertain) ++c.genuine_uncertain;
      if (m->status == MatchStatus::kNoMatch) {
        ++c.genuine_no_match;
        c.genuine_no_match_faces.push_back(what);
      } else if (m->student_id != p.person) {
        ++c.genuine_other_student;
      }
    } else {
      ++c.impostor;
      if (m->status == MatchStatus::kOptedOut) {
        ++c.impostor_opted_out;
        c.impostor_opted_out_faces.push_back(what + " as " + m->student_id);
      }
      if (m->status == MatchStatus::kUncertain) ++c.impostor_uncertain;
      if (m->status == MatchStatus::kNoMatch) ++c.impostor_no_match;
    }
  }
  return c;
}

}  // namespace pg
