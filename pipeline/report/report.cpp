#include "report/report.h"

#include <sstream>

#include "core/version.h"

namespace pg {

namespace {

nlohmann::json ReasonJson(const Reason& r) {
  nlohmann::json ev = nlohmann::json::object();
  for (const auto& [k, v] : r.evidence) ev[k] = v;
  return {{"code", ReasonCodeName(r.code)},
          {"title", Describe(r.code).title},
          {"message", r.message},
          {"effect", VerdictName(r.effect())},
          {"evidence", ev}};
}

std::string CsvField(const std::string& s) {
  bool quote = s.find_first_of(",\"\r\n") != std::string::npos;
  // Neutralise spreadsheet formulas in untrusted text (file names, captions).
  std::string v = (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) ? "'" + s : s;
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += "\"\"";
    else out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

nlohmann::json ItemJson(const ItemResult& item) {
  const ImageRecord& rec = item.record;
  nlohmann::json j;
  j["file"] = rec.input.rel_path;
  j["sha256"] = rec.sha256.empty() ? nlohmann::json(nullptr) : nlohmann::json(rec.sha256);
  j["kind"] = ItemKindName(rec.input.kind);
  j["format"] = ImageFormatName(rec.format);
  if (rec.decoded) j["size"] = {{"width", rec.width}, {"height", rec.height}};
  j["verdict"] = VerdictName(item.decision.verdict);
  j["reasons"] = nlohmann::json::array();
  for (const auto& r : item.decision.reasons) j["reasons"].push_back(ReasonJson(r));
  j["faces_checked"] = rec.faces_checked;
  j["faces"] = nlohmann::json::array();
  for (const auto& f : rec.faces) {
    nlohmann::json fj = {{"box", {{"x", f.box.x}, {"y", f.box.y}, {"w", f.box.w}, {"h", f.box.h}}},
                         {"score", f.score},
                         {"detector", f.detector},
                         {"match", nullptr}};
    if (f.quarter_turns != 0) fj["quarter_turns"] = f.quarter_turns;
    if (!f.other_turns.empty()) {
      fj["other_quarter_turns"] = nlohmann::json::array();
      for (const auto& t : f.other_turns) fj["other_quarter_turns"].push_back(t.quarter_turns);
    }
    if (f.match) {
      fj["match"] = {{"status", MatchStatusName(f.match->status)},
                     {"student_id", f.match->student_id},
                     {"distance", f.match->distance}};
    }
    j["faces"].push_back(fj);
  }
  j["names_checked"] = rec.names_checked;
  j["names"] = nlohmann::json::array();
  for (const auto& n : rec.names) {
    j["names"].push_back({{"text", n.text},
                          {"source", n.source},
                          {"student_id", n.student_id},
                          {"match", NameMatchName(n.match)}});
  }
  nlohmann::json found = nlohmann::json::array();
  for (const auto& m : rec.metadata.found) {
    found.push_back({{"kind", m.kind}, {"detail", m.detail}, {"where", m.where}});
  }
  j["metadata"] = {{"found", found}, {"removed", rec.metadata.removed}};
  if (rec.sanitized) {
    j["metadata"]["reencoded"] = rec.sanitized->reencoded;
    j["metadata"]["verified"] = rec.sanitized->verified;
  }
  j["output"] = rec.output_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(rec.output_path);
  return j;
}

nlohmann::json BatchReportJson(const BatchResult& batch, const RunInfo& info) {
  nlohmann::json j;
  j["tool"] = {{"name", "publish-gate"}, {"version", PG_VERSION}};
  j["summary"] = {{"items", batch.items.size()},
                  {"publish", batch.publish},
                  {"review", batch.review},
                  {"block", batch.block},
                  {"started_at", info.started_at},
                  {"input", info.input},
                  {"school_year", info.school_year},
                  {"directory", info.directory},
                  {"students", info.students},
                  {"face_detector", info.detector},
                  {"face_recognition", info.recognition}};
  if (const auto& d = info.directory_info) {
    j["summary"]["directory_info"] = {{"path", d->location},
                                      {"students", d->students},
                                      {"opted_out", d->opted_out},
                                      {"enrolled", d->enrolled},
                                      {"stale", d->stale},
                                      {"imported_at", d->imported_at},
                                      {"import_file", d->import_file},
                                      {"import_sha256", d->import_sha256}};
  }
  j["items"] = nlohmann::json::array();
  for (const auto& item : batch.items) j["items"].push_back(ItemJson(item));
  return j;
}

std::string BatchReportCsv(const BatchResult& batch) {
  std::ostringstream out;
  out << "file,verdict,reasons,faces,names,output,sha256\n";
  for (const auto& item : batch.items) {
    const ImageRecord& rec = item.record;
    std::string reasons, names;
    for (const auto& r : item.decision.reasons) {
      reasons += (reasons.empty() ? "" : ";") + std::string(ReasonCodeName(r.code));
    }
    for (const auto& n : rec.names) {
      names += (names.empty() ? "" : ";") + n.student_id + "@" + n.source;
      if (n.match != NameMatch::kFull) names += std::string("(") + NameMatchName(n.match) + ")";
    }
    out << CsvField(rec.input.rel_path) << ',' << VerdictName(item.decision.verdict) << ','
        << CsvField(reasons) << ',' << rec.faces.size() << ',' << CsvField(names) << ','
        << CsvField(rec.output_path) << ',' << rec.sha256 << '\n';
  }
  return out.str();
}

std::string HumanSummary(const ItemResult& item) {
  const ImageRecord& rec = item.record;
  std::ostringstream out;
  std::string verdict = VerdictName(item.decision.verdict);
  for (auto& c : verdict) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out << verdict << "  " << rec.input.rel_path;
  if (rec.decoded) {
    out << "  (" << ImageFormatName(rec.format) << ", " << rec.width << "x" << rec.height << ", "
        << rec.faces.size() << " face(s))";
  }
  out << "\n";
  for (const auto& r : item.decision.reasons) {
    out << "  - [" << ReasonCodeName(r.code) << "] " << r.message << "\n";
    for (const auto& [k, v] : r.evidence) {
      if (!v.empty()) out << "      " << k << ": " << v << "\n";
    }
  }
  std::string turned;
  for (const auto& f : rec.faces) {
    if (f.quarter_turns != 0) turned += (turned.empty() ? " " : "; ") + FaceText(f);
  }
  if (!turned.empty()) out << "  faces found in the photo turned (no EXIF orientation said so):" << turned << "\n";
  if (!rec.metadata.found.empty()) {
    out << "  metadata found:";
    for (const auto& m : rec.metadata.found) out << " " << m.kind;
    out << "\n";
  }
  if (!rec.metadata.removed.empty()) {
    out << "  removed in the sanitized copy:";
    for (size_t i = 0; i < rec.metadata.removed.size(); ++i) {
      out << (i ? ", " : " ") << rec.metadata.removed[i];
    }
    out << "\n";
  }
  return out.str();
}

std::string OneLineSummary(const BatchResult& batch, const std::string& out_dir) {
  std::ostringstream out;
  out << batch.items.size() << " item(s): " << batch.publish << " publish, " << batch.review
      << " review, " << batch.block << " block";
  if (!out_dir.empty()) out << "; report in " << out_dir << "/report.json";
  return out.str();
}

}  // namespace pg
