#include "publish/journal.h"

namespace pg {

namespace {

Bytes Line(const nlohmann::json& record) {
  // dump() escapes control characters, so a record never spans lines; invalid UTF-8 in a
  // file name is replaced rather than thrown on.
  const std::string text = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return Bytes(text.begin(), text.end());
}

}  // namespace

Status Journal::Start(const nlohmann::json& begin) { return fs_->WriteFileAtomic(path_, Line(begin), 0600); }

Status Journal::Append(const nlohmann::json& record) { return fs_->AppendDurable(path_, Line(record), 0600); }

Result<JournalState> ParseJournal(const std::string& text) {
  JournalState state;
  size_t at = 0, line_no = 0;
  while (at < text.size()) {
    const size_t nl = text.find('\n', at);
    if (nl == std::string::npos) break;  // torn last line: its step never happened
    ++line_no;
    const std::string line = text.substr(at, nl - at);
    at = nl + 1;
    nlohmann::json r = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    const std::string where = "journal line " + std::to_string(line_no);
    if (r.is_discarded() || !r.is_object() || !r.contains("record") || !r["record"].is_string()) {
      return Status::BadData(where + " is not a journal record");
    }
    const std::string kind = r["record"];
    if (kind == "begin") {
      state.begin = std::move(r);
    } else if (kind == "end") {
      state.end = std::move(r);
    } else if (kind == "item") {
      if (!r.contains("index") || !r["index"].is_number_unsigned()) {
        return Status::BadData(where + ": an item record without its index");
      }
      if (r.contains("publish_name") && r["publish_name"].is_string() && r.contains("output_sha256") &&
          r["output_sha256"].is_string()) {
        state.outputs[r["publish_name"].get<std::string>()] = r["output_sha256"].get<std::string>();
      }
      const size_t index = r["index"].get<size_t>();
      state.items[index] = std::move(r);
    } else {
      return Status::BadData(where + ": unknown record '" + kind + "'");
    }
  }
  return state;
}

}  // namespace pg
