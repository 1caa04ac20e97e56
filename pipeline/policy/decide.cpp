#include "policy/decide.h"

#include <set>

namespace pg {

namespace {

constexpr const char* kImagesSection = "Use of Student Images and Work";

std::string BoxText(const Box& b) {
  return std::to_string(b.w) + "x" + std::to_string(b.h) + " at (" + std::to_string(b.x) + "," +
         std::to_string(b.y) + ")";
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

void Add(Decision* d, Reason r) {
  if (r.effect == Verdict::kBlock) d->verdict = Verdict::kBlock;
  else if (r.effect == Verdict::kReview && d->verdict == Verdict::kPublish) d->verdict = Verdict::kReview;
  d->reasons.push_back(std::move(r));
}

}  // namespace

Decision Decide(const ImageRecord& rec, const PolicyContext& ctx) {
  Decision d;
  for (const auto& p : rec.problems) {
    Add(&d, Reason{p.code, p.message, Verdict::kReview, {{"rule", "fail closed: not fully analysed"}}});
  }
  if (!rec.input.ingest_error.empty()) return d;
  if (rec.problems.empty() && !(rec.sanitized && rec.sanitized->verified)) {
    Add(&d, Reason{"unverified_output", "No verified, metadata-free copy of the file exists.",
                   Verdict::kReview, {{"rule", "only verified, sanitized files are published"}}});
  }

  if (ctx.students == nullptr) {
    Add(&d, Reason{"directory_unavailable",
                   "No student directory was given, so no student name or opt-out could be checked.",
                   Verdict::kReview,
                   {{"rule", std::string(kImagesSection) + ": staff must check the directory before publishing"}}});
  }

  const bool shows_faces = rec.faces_checked && !rec.faces.empty();
  const bool is_work = rec.input.kind == ItemKind::kStudentWork;

  std::set<std::pair<std::string, std::string>> done;  // (code, student_id)
  for (const auto& n : rec.names) {
    if (ctx.students == nullptr) break;
    auto it = ctx.students->find(n.student_id);
    if (it == ctx.students->end()) continue;
    const Student& s = it->second;
    std::vector<std::pair<std::string, std::string>> ev = {
        {"student_id", s.student_id}, {"name", n.text}, {"source", n.source}};
    if (shows_faces && s.photo_opt_out) {
      if (!done.insert({"opted_out_name_with_photo", s.student_id}).second) continue;
      ev.push_back({"faces", std::to_string(rec.faces.size())});
      ev.push_back({"rule", std::string(kImagesSection) + ": Media Release OPT-OUT on file"});
      Add(&d, Reason{"opted_out_name_with_photo",
                     "'" + n.text + "' (" + n.source + ") names " + FullName(s) +
                         ", whose family filed a media release opt-out, on a photo that shows " +
                         std::to_string(rec.faces.size()) + " face(s).",
                     Verdict::kBlock, ev});
    } else if ((shows_faces || is_work) && !HasValidPermission(s, ctx.school_year)) {
      if (!done.insert({"name_photo_pairing_without_permission", s.student_id}).second) continue;
      ev.push_back({"permission", PermissionName(s.name_photo_permission)});
      ev.push_back({"permission_school_year", s.permission_school_year});
      ev.push_back({"rule", std::string(kImagesSection) +
                                ": names with photos or work need student and parent written permission"});
      Add(&d, Reason{"name_photo_pairing_without_permission",
                     "'" + n.text + "' (" + n.source + ") would publish " + FullName(s) + "'s name with " +
                         (is_work ? std::string("their work") : std::string("a photo")) + "; " +
                         PermissionText(s, ctx.school_year) + ".",
                     Verdict::kBlock, ev});
    } else if (!shows_faces && !is_work && rec.decoded &&
               (s.photo_opt_out || !HasValidPermission(s, ctx.school_year))) {
      if (!done.insert({"name_with_photo_no_face_found", s.student_id}).second) continue;
      ev.push_back({"rule", std::string(kImagesSection) + ": names with photos need permission"});
      Add(&d, Reason{"name_with_photo_no_face_found",
                     "'" + n.text + "' (" + n.source + ") names " + FullName(s) +
                         " on a photo in which no face was found; confirm the student is not shown.",
                     Verdict::kReview, ev});
    }
  }

  if (shows_faces && !ctx.recognition_available && !ctx.allow_unchecked_faces) {
    std::string boxes;
    for (size_t i = 0; i < rec.faces.size() && i < 8; ++i) {
      boxes += (i ? "; " : "") + BoxText(rec.faces[i].box);
    }
    if (rec.faces.size() > 8) boxes += "; ...";
    Add(&d, Reason{"faces_unchecked",
                   std::to_string(rec.faces.size()) +
                       " face(s) found and no face recognition ran to rule out opted-out students; "
                       "check them against the opt-out list.",
                   Verdict::kReview,
                   {{"faces", std::to_string(rec.faces.size())},
                    {"boxes", boxes},
                    {"rule", std::string(kImagesSection) + ": check the directory before publishing"}}});
  }
  return d;
}

}  // namespace pg
