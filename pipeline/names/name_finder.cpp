#include "names/name_finder.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <set>

namespace pg {

namespace {

/// Keys of a directory name's words (no camelCase split: "McDonald" is one word).
std::vector<std::string> NameWords(const std::string& name, Status* status) {
  std::vector<std::string> words;
  for (auto& w : SplitWords(name, WordBreaks::kText, Ignorables::kJoin, status)) {
    words.push_back(std::move(w.key));
  }
  return words;
}

std::string Joined(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::string out;
  for (const auto& w : a) out += w;
  for (const auto& w : b) out += w;
  return out;
}

/// Does word t read as `key`? The possessive form counts ("Okafor's" = "okafor").
bool Same(const TextWord& t, const std::string& key, bool* possessive) {
  *possessive = false;
  if (t.key == key) return true;
  *possessive = !t.possessive.empty() && t.possessive == key;
  return *possessive;
}

/// Matches `keys` at words[j...]; on success sets *next to the word after them and *end to
/// the byte end of the match.
bool MatchWords(const std::vector<TextWord>& words, size_t j, const std::vector<std::string>& keys,
                size_t* next, size_t* end) {
  for (const auto& k : keys) {
    bool possessive = false;
    if (j >= words.size() || !Same(words[j], k, &possessive)) return false;
    // A possessive ends the name: only the last word may carry the 's.
    if (possessive && &k != &keys.back()) return false;
    *end = possessive ? words[j].possessive_end : words[j].end;
    ++j;
  }
  *next = j;
  return true;
}

/// A single letter (the key of "A." or "А" is one code point).
bool IsInitial(const TextWord& t) {
  int32_t i = 0;
  UChar32 c;
  const auto* s = reinterpret_cast<const uint8_t*>(t.key.data());
  const auto n = static_cast<int32_t>(t.key.size());
  U8_NEXT(s, i, n, c);
  return i == n && c >= 0 && u_isalpha(c);
}

/// `bytes` with every ill-formed UTF-8 sequence replaced by U+FFFD: a fact's text goes into
/// reports and messages, which must be UTF-8.
std::string WellFormed(std::string_view bytes) {
  const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto n = static_cast<int32_t>(bytes.size());
  std::string out;
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) out += "\xEF\xBF\xBD";
    else out.append(bytes.substr(start, i - start));
  }
  return out;
}

bool HasStudent(const std::vector<NameFact>& facts, const std::string& student_id) {
  return std::any_of(facts.begin(), facts.end(),
                     [&](const NameFact& f) { return f.student_id == student_id; });
}

}  // namespace

NameIndex::NameIndex(const std::vector<Student>& students) {
  for (const Student& s : students) {
    auto words = [&](const std::string& value, const char* field) {
      Status st;
      auto out = NameWords(value, &st);
      if (!st.ok() && status_.ok()) {
        status_ = Status::BadData(s.student_id + " " + field + ": " + st.message());
      }
      return out;
    };
    const std::vector<std::string> last = words(s.last_name, "last_name");
    std::vector<std::vector<std::string>> givens;
    for (const auto& [value, field] : {std::pair{&s.first_name, "first_name"},
                                       std::pair{&s.preferred_name, "preferred_name"}}) {
      auto given = words(*value, field);
      if (!given.empty() && std::find(givens.begin(), givens.end(), given) == givens.end()) {
        givens.push_back(std::move(given));
      }
    }
    if (givens.empty()) continue;
    const size_t student = student_ids_.size();
    student_ids_.push_back(s.student_id);
    for (const auto& given : givens) {
      given_by_first_word_[given.front()].push_back(given_.size());
      given_.push_back({given, {}, false, student});
    }
    if (last.empty()) continue;
    ++full_students_;
    for (const auto& given : givens) {
      for (bool reversed : {false, true}) {
        Pattern p;
        p.head = reversed ? last : given;
        p.tail = reversed ? given : last;
        p.initial_ok = !reversed;
        p.student = student;
        by_first_word_[p.head.front()].push_back(patterns_.size());
        std::string joined = Joined(p.head, p.tail);
        auto& ids = by_joined_[joined];
        if (std::find(ids.begin(), ids.end(), student) == ids.end()) ids.push_back(student);
        longest_joined_ = std::max(longest_joined_, joined.size());
        patterns_.push_back(std::move(p));
      }
    }
  }
}

void NameIndex::FullNames(std::string_view text, const std::vector<TextWord>& words,
                          WordBreaks breaks, const std::string& source,
                          std::vector<NameFact>* out) const {
  auto report = [&](size_t student, size_t begin, size_t end) {
    if (HasStudent(*out, student_ids_[student])) return;
    out->push_back({WellFormed(text.substr(begin, end - begin)), source, student_ids_[student],
                    NameMatch::kFull});
  };
  if (breaks == WordBreaks::kFileName) {
    // Whole words run together: "mayaokafor", "Maya_Okafor", "MayaOkafor".
    auto joined_hit = [&](const std::string& joined, size_t begin, size_t end) {
      auto hit = by_joined_.find(joined);
      if (hit == by_joined_.end()) return;
      for (size_t student : hit->second) report(student, begin, end);
    };
    for (size_t i = 0; i < words.size(); ++i) {
      std::string joined;
      for (size_t j = i; j < words.size() && joined.size() < longest_joined_; ++j) {
        if (!words[j].possessive.empty()) {
          joined_hit(joined + words[j].possessive, words[i].begin, words[j].possessive_end);
        }
        joined += words[j].key;
        joined_hit(joined, words[i].begin, words[j].end);
      }
    }
    return;
  }
  for (size_t i = 0; i < words.size(); ++i) {
    auto hit = by_first_word_.find(words[i].key);
    if (hit == by_first_word_.end()) continue;
    for (size_t pi : hit->second) {
      const Pattern& p = patterns_[pi];
      size_t next = 0, end = 0;
      if (!MatchWords(words, i, p.head, &next, &end)) continue;
      if (end != words[next - 1].end) continue;  // "Maya's Okafor" is not a name
      bool ok = MatchWords(words, next, p.tail, &next, &end);
      if (!ok && p.initial_ok && next < words.size() && IsInitial(words[next])) {
        ok = MatchWords(words, next + 1, p.tail, &next, &end);
      }
      if (ok) report(p.student, words[i].begin, end);
    }
  }
}

void NameIndex::GivenNames(std::string_view text, const std::vector<TextWord>& words,
                           const std::string& source, std::vector<NameFact>* out) const {
  for (size_t i = 0; i < words.size(); ++i) {
    // A one-word name may be the possessive "Lucas’s".
    for (const std::string* first : {&words[i].key, &words[i].possessive}) {
      auto hit = given_by_first_word_.find(*first);
      if (first->empty() || hit == given_by_first_word_.end()) continue;
      for (size_t gi : hit->second) {
        const Pattern& p = given_[gi];
        const std::string& id = student_ids_[p.student];
        size_t next = 0, end = 0;
        if (HasStudent(*out, id) || !MatchWords(words, i, p.head, &next, &end)) continue;
        out->push_back({WellFormed(text.substr(words[i].begin, end - words[i].begin)), source, id,
                        NameMatch::kGivenOnly});
      }
    }
  }
}

std::vector<NameFact> NameIndex::FindAll(std::string_view text, const std::string& source,
                                         WordBreaks breaks, Status* status) const {
  std::vector<std::vector<TextWord>> readings;
  readings.push_back(SplitWords(text, breaks, Ignorables::kJoin, status));
  if (HasIgnorables(text)) readings.push_back(SplitWords(text, breaks, Ignorables::kBreak));
  std::vector<NameFact> out;
  for (const auto& words : readings) FullNames(text, words, breaks, source, &out);
  for (const auto& words : readings) GivenNames(text, words, source, &out);
  return out;
}

std::vector<NameFact> NameIndex::Find(std::string_view text, const std::string& source,
                                      Status* status) const {
  auto facts = FindAll(text, source, WordBreaks::kText, status);
  facts.erase(std::remove_if(facts.begin(), facts.end(),
                             [](const NameFact& f) { return f.match != NameMatch::kFull; }),
              facts.end());
  return facts;
}

std::vector<NameFact> NameIndex::FindInFileName(std::string_view path, const std::string& source,
                                                Status* status) const {
  auto facts = FindAll(path, source, WordBreaks::kFileName, status);
  facts.erase(std::remove_if(facts.begin(), facts.end(),
                             [](const NameFact& f) { return f.match != NameMatch::kFull; }),
              facts.end());
  return facts;
}

void FindNamesInRecord(const NameIndex& index, ImageRecord* record) {
  if (!index.status().ok()) {
    record->problems.push_back({ReasonCode::kNameTextUnreadable,
                                "directory: " + index.status().message() +
                                    "; that student's name could not be looked for"});
  }
  auto scan = [&](std::string_view text, const std::string& source, WordBreaks breaks) {
    Status readable;
    for (auto& f : index.FindAll(text, source, breaks, &readable)) {
      // One fact per (student, source), also across fields that share a source name; a
      // full name replaces a given name alone.
      auto same = std::find_if(record->names.begin(), record->names.end(), [&](const NameFact& n) {
        return n.student_id == f.student_id && n.source == f.source;
      });
      if (same == record->names.end()) {
        record->names.push_back(std::move(f));
      } else if (same->match == NameMatch::kGivenOnly && f.match == NameMatch::kFull) {
        *same = std::move(f);
      }
    }
    if (!readable.ok()) {
      record->problems.push_back({ReasonCode::kNameTextUnreadable,
                                  source + ": " + readable.message() +
                                      "; the names in it could not all be checked"});
    }
  };
  scan(record->input.caption, "caption", WordBreaks::kText);
  scan(record->input.alt_text, "alt_text", WordBreaks::kText);
  scan(record->input.rel_path, "file_name", WordBreaks::kFileName);
  for (const EmbeddedText& t : record->metadata.texts) scan(t.value, t.field, WordBreaks::kText);
  record->names_checked = true;
}

}  // namespace pg
