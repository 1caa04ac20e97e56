#include "faces/face_matcher.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <set>

#include "faces/upright_face.h"

namespace pg {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// How cautious a match's outcome is: higher = more review or block.
int Caution(const FaceMatch& m) {
  switch (m.status) {
    case MatchStatus::kOptedOut: return 4;
    case MatchStatus::kUncertain: return 3;
    case MatchStatus::kTooSmall: return 2;
    case MatchStatus::kMatched: return 1;
    case MatchStatus::kNoMatch: return 0;
  }
  return 0;
}

bool Finite(const FaceDescriptor& d) {
  return std::all_of(d.begin(), d.end(), [](float v) { return std::isfinite(v); });
}

}  // namespace

std::string IsoDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

bool IsIsoDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

FaceMatcher::FaceMatcher(MatchThresholds thresholds, std::string model_id)
    : thresholds_(thresholds), model_id_(std::move(model_id)) {}

Status FaceMatcher::Load(const std::vector<Enrolment>& all,
                         const std::map<std::string, Student>& students, const std::string& today) {
  references_.clear();
  dims_ = 0;
  summary_ = EnrolmentSummary{};
  std::set<std::string> other_models, usable, expired;
  for (const Enrolment& e : all) {
    auto student = students.find(e.student_id);
    if (student == students.end()) {
      ++summary_.unknown_student_descriptors;
      continue;
    }
    if (e.model_id != model_id_) {
      ++summary_.other_model_descriptors;
      other_models.insert(e.model_id);
      continue;
    }
    // Dates are "YYYY-MM-DD": string order is date order. Usable through expires_at.
    if (e.expires_at < today) {
      ++summary_.expired_descriptors;
      expired.insert(e.student_id);
      continue;
    }
    const std::string where = "face reference of student " + e.student_id + " (" + e.photo_path + ")";
    if (e.descriptor.empty() || !Finite(e.descriptor)) {
      return Status::BadData(where + " is not a valid descriptor; re-enrol the student");
    }
    if (dims_ != 0 && e.descriptor.size() != dims_) {
      return Status::BadData(where + " has " + std::to_string(e.descriptor.size()) +
                             " values where the others have " + std::to_string(dims_));
    }
    dims_ = e.descriptor.size();
    references_.push_back({e.student_id, student->second.photo_opt_out, e.descriptor});
    usable.insert(e.student_id);
  }
  summary_.descriptors_used = static_cast<int>(references_.size());
  summary_.students_enrolled = static_cast<int>(usable.size());
  summary_.other_models.assign(other_models.begin(), other_models.end());
  for (const auto& id : expired) {
    if (usable.count(id) != 0) continue;  // a fresher reference of the same student is in use
    summary_.expired_students.push_back(id);
    if (students.at(id).photo_opt_out) summary_.expired_opted_out.push_back(id);
  }
  for (const auto& [id, s] : students) {
    if (s.photo_opt_out && usable.count(id) == 0 && expired.count(id) == 0) {
      summary_.opted_out_not_enrolled.push_back(id);
    }
  }
  return Status::Ok();
}

bool FaceMatcher::TooSmall(const Box& face) const {
  return std::min(face.w, face.h) < thresholds_.min_face_px;
}

std::vector<std::pair<std::string, double>> FaceMatcher::Nearest(const FaceDescriptor& descriptor,
                                                                 size_t n) const {
  std::map<std::string, double> best;
  for (const Reference& r : references_) {
    if (r.descriptor.size() != descriptor.size()) continue;
    double d = DescriptorDistance(descriptor, r.descriptor);
    auto [it, inserted] = best.emplace(r.student_id, d);
    if (!inserted) it->second = std::min(it->second, d);
  }
  std::vector<std::pair<std::string, double>> out(best.begin(), best.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second < b.second; });
  if (out.size() > n) out.resize(n);
  return out;
}

Result<FaceMatch> FaceMatcher::Match(const FaceDescriptor& descriptor) const {
  if (dims_ != 0 && descriptor.size() != dims_) {
    return Status::BadData("face descriptor has " + std::to_string(descriptor.size()) +
                           " values; the enrolled references have " + std::to_string(dims_));
  }
  if (!Finite(descriptor)) return Status::BadData("face descriptor has non-finite values");
  std::string nearest_id, nearest_opted_out_id;
  double nearest = kInfinity, nearest_opted_out = kInfinity;
  for (const Reference& r : references_) {
    double d = DescriptorDistance(descriptor, r.descriptor);
    if (d < nearest) {
      nearest = d;
      nearest_id = r.student_id;
    }
    if (r.opted_out && d < nearest_opted_out) {
      nearest_opted_out = d;
      nearest_opted_out_id = r.student_id;
    }
  }
  FaceMatch m;
  if (nearest_opted_out <= thresholds_.match) {
    m = {MatchStatus::kOptedOut, nearest_opted_out_id, nearest_opted_out};
  } else if (nearest_opted_out <= thresholds_.uncertain) {
    m = {MatchStatus::kUncertain, nearest_opted_out_id, nearest_opted_out};
  } else if (nearest <= thresholds_.match) {
    m = {MatchStatus::kMatched, nearest_id, nearest};
  } else {
    m = {MatchStatus::kNoMatch, "", nearest};
  }
  return m;
}

Result<FaceMatch> FaceMatcher::Recognise(FaceEmbedder& embedder, const cv::Mat& bgr,
                                         const Box& face) const {
  if (TooSmall(face)) return FaceMatch{MatchStatus::kTooSmall, "", 0.0};
  auto descriptor = embedder.Embed(bgr, face);
  if (!descriptor.ok()) return descriptor.status();
  return Match(*descriptor);
}

Result<FaceMatch> FaceMatcher::RecogniseFace(FaceEmbedder& embedder, const cv::Mat& bgr,
                                             const FaceFact& face) const {
  std::vector<TurnedBox> turns = {{face.quarter_turns, face.box}};
  turns.insert(turns.end(), face.other_turns.begin(), face.other_turns.end());
  std::optional<FaceMatch> best;
  for (const TurnedBox& t : turns) {
    const UprightFace upright = UprightFaceCrop(bgr, t.box, t.quarter_turns);
    auto m = Recognise(embedder, upright.bgr, upright.box);
    if (!m.ok()) return m.status();
    if (!best || Caution(*m) > Caution(*best) ||
        (Caution(*m) == Caution(*best) && m->distance < best->distance)) {
      best = std::move(*m);
    }
  }
  return *best;
}

}  // namespace pg
