#include "policy/decide.h"

#include <cstdio>
#include <set>

namespace pg {

namespace {

constexpr size_t kMaxListed = 8;  // boxes / ids listed in one evidence value

using Evidence = std::vector<std::pair<std::string, std::string>>;
using Done = std::set<std::pair<ReasonCode, std::string>>;  ///< (code, student_id) already given

std::string Num(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", d);
  return buf;
}

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < kMaxListed; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > kMaxListed) out += ", ...";
  return out;
}

std::string FullName(const Student& s) { return s.first_name + " " + s.last_name; }

bool HasValidPermission(const Student& s, const std::string& school_year) {
  return s.name_photo_permission == NamePhotoPermission::kStudentAndParent &&
         s.permission_school_year == school_year;
}

std::string PermissionText(const Student& s, const std::string& school_year) {
  if (s.name_photo_permission == NamePhotoPermission::kNone) return "no written permission on file";
  if (s.name_photo_permission != NamePhotoPermission::kStudentAndParent) {
    return std::string("permission from ") + PermissionName(s.name_photo_permission) +
           " only (both student and parent are required)";
  }
  return "student+parent permission is for " +
         (s.permission_school_year.empty() ? std::string("no stated school year")
                                           : s.permission_school_year) +
         ", not " + school_year;
}

/// Adds a reason; its effect and the rule it applies come from the table (core/reasons.h).
void Add(Decision* d, ReasonCode code, std::string message, Evidence evidence) {
  const ReasonInfo& info = Describe(code);
  if (info.effect == Verdict::kBlock) d->verdict = Verdict::kBlock;
  else if (info.effect == Verdict::kReview && d->verdict == Verdict::kPublish) d->verdict = Verdict::kReview;
  evidence.push_back({"rule", info.rule});
  d->reasons.push_back(Reason{code, std::move(message), std::move(evidence)});
}

/// The first face recognition confidently matched to `student_id`, or null.
const FaceFact* RecognisedFace(const ImageRecord& rec, const std::string& student_id) {
  for (const auto& f : rec.faces) {
    if (f.match && f.match->student_id == student_id &&
        (f.match->status == MatchStatus::kOptedOut || f.match->status == MatchStatus::kMatched)) {
      return &f;
    }
  }
  return nullptr;
}

/// Adds the recognised face of the named student, if any, to a name reason.
void AddFaceEvidence(const ImageRecord& rec, const std::string& student_id, Evidence* ev,
                     std::string* message) {
  const FaceFact* f = RecognisedFace(rec, student_id);
  if (f == nullptr) return;
  ev->push_back({"face", FaceText(*f)});
  ev->push_back({"distance", Num(f->match->distance)});
  *message += " Face recognition matches them to the face at " + FaceText(*f) + " (distance " +
              Num(f->match->distance) + ").";
}

/// The rules for a full-name fact.
void FullNameRules(const ImageRecord& rec, const PolicyContext& ctx, bool shows_faces,
                   const NameFact& n, const Student& s, Done* done, Decision* d) {
  const bool is_work = rec.input.kind == ItemKind::kStudentWork;
  Evidence ev = {{"student_id", s.student_id}, {"name", n.text}, {"source", n.source}};
  if (shows_faces && s.photo_opt_out) {
    if (!done->insert({ReasonCode::kOptedOutNameWithPhoto, s.student_id}).second) return;
    ev.push_back({"faces", std::to_string(rec.faces.size())});
    std::string msg = "'" + n.text + "' (" + n.source + ") names " + FullName(s) +
                      ", whose family filed a media release opt-out, on a photo that shows " +
                      std::to_string(rec.faces.size()) + " face(s).";
    AddFaceEvidence(rec, s.student_id, &ev, &msg);
    Add(d, ReasonCode::kOptedOutNameWithPhoto, msg, ev);
  } else if ((shows_faces || is_work) && !HasValidPermission(s, ctx.school_year)) {
    if (!done->insert({ReasonCode::kNamePhotoPairingWithoutPermission, s.student_id}).second) return;
    ev.push_back({"permission", PermissionName(s.name_photo_permission)});
    ev.push_back({"permission_school_year", s.permission_school_year});
    std::string msg = "'" + n.text + "' (" + n.source + ") would publish " + FullName(s) +
                      "'s name with " + (is_work ? std::string("their work") : std::string("a photo")) +
                      "; " + PermissionText(s, ctx.school_year) + ".";
    AddFaceEvidence(rec, s.student_id, &ev, &msg);
    Add(d, ReasonCode::kNamePhotoPairingWithoutPermission, msg, ev);
  } else if (!shows_faces && !is_work && rec.decoded &&
             (s.photo_opt_out || !HasValidPermission(s, ctx.school_year))) {
    if (!done->insert({ReasonCode::kNameWithPhotoNoFaceFound, s.student_id}).second) return;
    Add(d, ReasonCode::kNameWithPhotoNoFaceFound,
           "'" + n.text + "' (" + n.source + ") names " + FullName(s) +
               " on a photo in which no face was found; confirm the student is not shown.", ev);
  }
}

/// The rules for a given-name-only fact: a first or preferred name alone names the student
/// only beside a face that recognition matched to them (the face makes the name theirs).
void GivenNameRules(const ImageRecord& rec, const PolicyContext& ctx, const NameFact& n,
                    const Student& s, Done* done, Decision* d) {
  const FaceFact* f = RecognisedFace(rec, s.student_id);
  if (f == nullptr) return;
  Evidence ev = {{"student_id", s.student_id},
                 {"name", n.text},
                 {"source", n.source},
                 {"face", FaceText(*f)},
                 {"distance", Num(f->match->distance)},
                 {"matched_by", "face recognition"}};
  const std::string msg = "'" + n.text + "' (" + n.source + ") is the name of " + FullName(s) +
                          ", whom face recognition matches to the face at " + FaceText(*f) +
                          " (distance " + Num(f->match->distance) + ")";
  if (s.photo_opt_out) {
    if (!done->insert({ReasonCode::kOptedOutNameWithPhoto, s.student_id}).second) return;
    Add(d, ReasonCode::kOptedOutNameWithPhoto,
           msg + "; their family filed a media release opt-out.", ev);
  } else if (!HasValidPermission(s, ctx.school_year)) {
    if (!done->insert({ReasonCode::kNamePhotoPairingWithoutPermission, s.student_id}).second) return;
    ev.push_back({"permission", PermissionName(s.name_photo_permission)});
    ev.push_back({"permission_school_year", s.permission_school_year});
    Add(d, ReasonCode::kNamePhotoPairingWithoutPermission,
           msg + ": their name would be published with their photo; " +
               PermissionText(s, ctx.school_year) + ".", ev);
  }
}

/// Name rules read the names stage's facts only. Full names first: their reasons say more.
void NameRules(const ImageRecord& rec, const PolicyContext& ctx, bool shows_faces, Decision* d) {
  Done done;
  for (NameMatch kind : {NameMatch::kFull, NameMatch::kGivenOnly}) {
    for (const auto& n : rec.names) {
      if (n.match != kind) continue;
      auto it = ctx.students->find(n.student_id);
      if (it == ctx.students->end()) continue;
      if (kind == NameMatch::kFull) FullNameRules(rec, ctx, shows_faces, n, it->second, &done, d);
      else GivenNameRules(rec, ctx, n, it->second, &done, d);
    }
  }
}

/// Rules on recognised faces. REQUIRES: ctx.recognition_available.
void RecognitionRules(const ImageRecord& rec, const PolicyContext& ctx, Decision* d) {
  std::set<std::string> blocked, reviewed;
  std::vector<std::string> small;
  const std::string band = Num(ctx.match_threshold) + " < distance <= " + Num(ctx.uncertain_threshold);
  for (const auto& f : rec.faces) {
    if (!f.match) continue;
    const FaceMatch& m = *f.match;
    const Student* s = nullptr;
    if (ctx.students != nullptr) {
      auto it = ctx.students->find(m.student_id);
      if (it != ctx.students->end()) s = &it->second;
    }
    const std::string who = m.student_id + (s ? " (" + FullName(*s) + ")" : std::string());
    if (m.status == MatchStatus::kOptedOut && blocked.insert(m.student_id).second) {
      Add(d, ReasonCode::kOptedOutStudentInPhoto,
             "The face at " + FaceText(f) + " matches student " + who +
                 ", whose family filed a media release opt-out (distance " + Num(m.distance) +
                 ", a confident match is <= " + Num(ctx.match_threshold) + ").",
             {{"student_id", m.student_id},
              {"face", FaceText(f)},
              {"distance", Num(m.distance)},
              {"threshold", Num(ctx.match_threshold)}});
    } else if (m.status == MatchStatus::kUncertain && blocked.count(m.student_id) == 0 &&
               reviewed.insert(m.student_id).second) {
      Add(d, ReasonCode::kUncertainFaceMatch,
             "The face at " + FaceText(f) + " may be student " + who +
                 ", whose family filed a media release opt-out: distance " + Num(m.distance) +
                 " is in the uncertain band (" + band + "); a person must compare.",
             {{"student_id", m.student_id},
              {"face", FaceText(f)},
              {"distance", Num(m.distance)},
              {"band", band}});
    } else if (m.status == MatchStatus::kTooSmall) {
      small.push_back(FaceText(f));
    }
  }
  if (!small.empty() && !ctx.allow_small_faces) {
    Add(d, ReasonCode::kFaceTooSmallToRecognise,
           std::to_string(small.size()) + " face(s) smaller than " +
               std::to_string(ctx.min_face_px) +
               " px cannot be recognised; check them against the opt-out list.",
           {{"faces", std::to_string(small.size())},
            {"boxes", List(small)},
            {"min_face_px", std::to_string(ctx.min_face_px)}});
  }
  if (!ctx.expired_opted_out.empty()) {
    Add(d, ReasonCode::kStaleEnrolment,
           "The reference photos of " + std::to_string(ctx.expired_opted_out.size()) +
               " photo-opted-out student(s) are past their retention date and were not used, "
               "so recognition cannot rule them out; re-enrol them (publish-gate directory "
               "enroll) and check this photo against the opt-out list.",
           {{"students", List(ctx.expired_opted_out)}});
  }
  if (!ctx.opted_out_not_enrolled.empty() && !ctx.allow_unchecked_faces) {
    Add(d, ReasonCode::kFacesUnchecked,
           std::to_string(ctx.opted_out_not_enrolled.size()) +
               " photo-opted-out student(s) are not enrolled for face recognition, so it cannot "
               "rule them out; check the faces against the opt-out list (or enrol them).",
           {{"faces", std::to_string(rec.faces.size())},
            {"students_not_enrolled", List(ctx.opted_out_not_enrolled)}});
  }
}

}  // namespace

Decision Decide(const ImageRecord& rec, const PolicyContext& ctx) {
  Decision d;
  for (const auto& p : rec.problems) {
    Add(&d, p.code, p.message, {});
  }
  if (!rec.input.ingest_error.empty()) return d;
  if (rec.problems.empty() && !(rec.sanitized && rec.sanitized->verified)) {
    Add(&d, ReasonCode::kUnverifiedOutput, "No verified, metadata-free copy of the file exists.", {});
  }

  if (ctx.students == nullptr) {
    Add(&d, ReasonCode::kDirectoryUnavailable,
           ctx.directory_unavailable_why.empty()
               ? "No student directory was given, so no student name or opt-out could be checked."
               : ctx.directory_unavailable_why,
           {});
  }

  const bool shows_faces = rec.faces_checked && !rec.faces.empty();
  if (ctx.students != nullptr) NameRules(rec, ctx, shows_faces, &d);
  if (!shows_faces) return d;

  if (ctx.recognition_available) {
    RecognitionRules(rec, ctx, &d);
  } else if (!ctx.allow_unchecked_faces) {
    std::vector<std::string> boxes;
    for (const auto& f : rec.faces) boxes.push_back(FaceText(f));
    std::string listed;
    for (size_t i = 0; i < boxes.size() && i < kMaxListed; ++i) listed += (i ? "; " : "") + boxes[i];
    if (boxes.size() > kMaxListed) listed += "; ...";
    Add(&d, ReasonCode::kFacesUnchecked,
           std::to_string(rec.faces.size()) +
               " face(s) found and no face recognition ran to rule out opted-out students; "
               "check them against the opt-out list.",
           {{"faces", std::to_string(rec.faces.size())},
            {"boxes", listed}});
  }
  return d;
}

}  // namespace pg
