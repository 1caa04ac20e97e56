#include "directory/csv.h"

#include <cctype>

namespace pg {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string TrimSpaces(std::string_view s) {
  const char* kSpace = " \t\r\n";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(kSpace);
  return std::string(s.substr(b, e - b + 1));
}

Result<std::vector<CsvRow>> ParseCsv(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());

  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  int line = 1;
  size_t i = 0;
  const size_t n = text.size();

  // Consumes a line break at i if there is one (CRLF, LF or a lone CR); true if consumed.
  auto take_newline = [&]() {
    if (i < n && text[i] == '\r') {
      i += (i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
    } else if (i < n && text[i] == '\n') {
      ++i;
    } else {
      return false;
    }
    ++line;
    return true;
  };

  while (i < n) {
    // At the start of a field.
    if (row.fields.empty() && field.empty()) row.line = line;
    if (text[i] == '"') {
      const int quote_line = line;
      ++i;
      for (;;) {
        if (i >= n) {
          return Status::BadData("line " + std::to_string(quote_line) +
                                 ": unterminated quoted field (a \" opened here never closes)");
        }
        char c = text[i];
        if (c == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;  // closing quote
          break;
        }
        if (c == '\r' || c == '\n') {
          // Keep the line break verbatim but count it.
          size_t start = i;
          take_newline();
          field.append(text.substr(start, i - start));
          continue;
        }
        field.push_back(c);
        ++i;
      }
      if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        return Status::BadData("line " + std::to_string(line) +
                               ": unexpected character after closing quote (expected , or end of line)");
      }
    } else {
      while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') field.push_back(text[i++]);
    }
    // After a field: a comma, a line break, or the end of the text.
    row.fields.push_back(std::move(field));
    field.clear();
    if (i < n && text[i] == ',') {
      ++i;
      if (i < n) continue;
      row.fields.emplace_back();  // "a,b," at the very end: a trailing empty field
    }
    take_newline();
    rows.push_back(std::move(row));
    row = CsvRow();
  }
  return rows;
}

bool IsBlankRow(const CsvRow& row) {
  for (const auto& f : row.fields) {
    if (f.find_first_not_of(" \t") != std::string::npos) return false;
  }
  return true;
}

CsvHeader::CsvHeader(const CsvRow& row) {
  for (const auto& f : row.fields) names_.push_back(TrimSpaces(f));
}

std::optional<size_t> CsvHeader::Find(std::string_view name) const {
  std::string want = AsciiLower(TrimSpaces(name));
  for (size_t i = 0; i < names_.size(); ++i) {
    if (AsciiLower(names_[i]) == want) return i;
  }
  return std::nullopt;
}

int CsvHeader::Count(std::string_view name) const {
  std::string want = AsciiLower(TrimSpaces(name));
  int count = 0;
  for (const auto& h : names_) count += AsciiLower(h) == want ? 1 : 0;
  return count;
}

std::string CsvHeader::Describe() const {
  std::string out;
  for (const auto& h : names_) {
    if (!out.empty()) out += ", ";
    out += "'" + h + "'";
  }
  return out.empty() ? "(none)" : out;
}

}  // namespace pg
