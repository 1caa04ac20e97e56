#include <algorithm>
#include <cctype>

#include "core/image_record.h"
#include "core/verdict.h"

namespace pg {

std::string BoxText(const Box& b) {
  return std::to_string(b.w) + "x" + std::to_string(b.h) + " at (" + std::to_string(b.x) + "," +
         std::to_string(b.y) + ")";
}

std::string FaceText(const FaceFact& f) {
  const int q = ((f.quarter_turns % 4) + 4) % 4;
  return q == 0 ? BoxText(f.box) : BoxText(f.box) + " (found turned " + std::to_string(90 * q) + "\u00b0)";
}

const char* ItemKindName(ItemKind k) {
  return k == ItemKind::kStudentWork ? "student-work" : "photo";
}

std::optional<ItemKind> ParseItemKind(const std::string& s) {
  std::string t;
  for (char c : s) t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (t == "photo" || t.empty()) return ItemKind::kPhoto;
  if (t == "student-work" || t == "student_work" || t == "work") return ItemKind::kStudentWork;
  return std::nullopt;
}

const char* ImageFormatName(ImageFormat f) {
  switch (f) {
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kPng: return "png";
    case ImageFormat::kWebp: return "webp";
    case ImageFormat::kHeif: return "heif";
    case ImageFormat::kTiff: return "tiff";
    case ImageFormat::kGif: return "gif";
    case ImageFormat::kUnknown: break;
  }
  return "unknown";
}

const char* MatchStatusName(MatchStatus s) {
  switch (s) {
    case MatchStatus::kOptedOut: return "opted_out";
    case MatchStatus::kUncertain: return "uncertain";
    case MatchStatus::kTooSmall: return "too_small";
    case MatchStatus::kMatched: return "matched";
    case MatchStatus::kNoMatch: return "no_match";
  }
  return "no_match";
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPublish: return "publish";
    case Verdict::kReview: return "review";
    case Verdict::kBlock: return "block";
  }
  return "review";
}

}  // namespace pg
