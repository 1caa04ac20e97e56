#include "names/name_finder.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <set>

namespace pg {

namespace {

/// A word of the input: its folded form and where it is in the original bytes.
struct Token {
  std::string key;         ///< FoldForMatch of the word (apostrophes dropped)
  std::string possessive;  ///< key without a trailing possessive 's ("okafor" for "Okafor's"), or ""
  size_t begin = 0;        ///< byte offsets in the original text
  size_t end = 0;
  size_t possessive_end = 0;  ///< end of the word before its 's
};

bool IsApostrophe(UChar32 c) { return c == 0x27 || c == 0x2019 || c == 0x2018 || c == 0x2BC; }
bool IsMark(UChar32 c) {
  return (U_GET_GC_MASK(c) & (U_GC_MN_MASK | U_GC_MC_MASK | U_GC_ME_MASK)) != 0;
}
bool IsWordChar(UChar32 c) { return c >= 0 && (u_isalpha(c) || u_isdigit(c)); }
bool IsUpper(UChar32 c) { return u_isupper(c) || u_istitle(c); }

/// Would a camelCase / letter-digit reader start a new word at `cur`?
bool CamelBoundary(UChar32 prev, UChar32 cur, UChar32 next) {
  if (u_isdigit(prev) != u_isdigit(cur)) return true;             // Doe2026, 2026Doe
  if (u_islower(prev) && IsUpper(cur)) return true;               // janeDoe
  return IsUpper(prev) && IsUpper(cur) && next >= 0 && u_islower(next);  // IMGJane
}

/// Code point at byte offset i (negative if ill-formed or at the end).
UChar32 PeekAt(const uint8_t* s, int32_t i, int32_t n) {
  if (i >= n) return -1;
  UChar32 c;
  U8_NEXT(s, i, n, c);
  return c;
}

/// Splits `text` into words (see NameIndex::Find / FindInFileName for the rules).
std::vector<Token> Tokenize(std::string_view text, bool split_camel) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  std::vector<Token> out;
  Token cur;
  std::string raw;                     // the word's bytes without apostrophes
  size_t raw_before_apostrophe = 0;    // raw.size() at the last dropped apostrophe
  size_t byte_at_apostrophe = 0;
  bool in_word = false;
  UChar32 prev_base = -1;

  auto finish = [&]() {
    if (!in_word) return;
    cur.key = FoldForMatch(raw);
    if (raw_before_apostrophe > 0 && raw.size() == raw_before_apostrophe + 1 &&
        (raw.back() == 's' || raw.back() == 'S')) {
      cur.possessive = FoldForMatch(std::string_view(raw).substr(0, raw_before_apostrophe));
      cur.possessive_end = byte_at_apostrophe;
    }
    if (!cur.key.empty()) out.push_back(cur);
    cur = Token();
    raw.clear();
    raw_before_apostrophe = 0;
    in_word = false;
  };

  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (in_word && c >= 0 && IsApostrophe(c) && IsWordChar(PeekAt(s, i, n))) {
      raw_before_apostrophe = raw.size();
      byte_at_apostrophe = static_cast<size_t>(start);
      continue;  // dropped; the word goes on
    }
    const bool mark = c >= 0 && in_word && IsMark(c);
    if (!IsWordChar(c) && !mark) {
      finish();
      continue;
    }
    if (in_word && split_camel && !mark && CamelBoundary(prev_base, c, PeekAt(s, i, n))) finish();
    if (!in_word) {
      in_word = true;
      cur.begin = static_cast<size_t>(start);
    }
    raw.append(text.substr(start, i - start));
    cur.end = static_cast<size_t>(i);
    if (!mark) prev_base = c;
  }
  finish();
  return out;
}

/// Folded words of a directory name (no camelCase split: "McDonald" is one word).
std::vector<std::string> NameWords(const std::string& name) {
  std::vector<std::string> words;
  for (auto& t : Tokenize(name, false)) words.push_back(std::move(t.key));
  return words;
}

std::string Joined(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::string out;
  for (const auto& w : a) out += w;
  for (const auto& w : b) out += w;
  return out;
}

/// Does tokens[j] read as `word`? The possessive form counts ("Okafor's" = "okafor").
bool Same(const Token& t, const std::string& word, bool* possessive) {
  *possessive = false;
  if (t.key == word) return true;
  *possessive = !t.possessive.empty() && t.possessive == word;
  return *possessive;
}

/// Matches `words` at tokens[j...]; on success sets *next to the token after them and
/// *end to the byte end of the match.
bool MatchWords(const std::vector<Token>& tokens, size_t j, const std::vector<std::string>& words,
                size_t* next, size_t* end) {
  for (const auto& w : words) {
    bool possessive = false;
    if (j >= tokens.size() || !Same(tokens[j], w, &possessive)) return false;
    // A possessive ends the name: only the last word may carry the 's.
    if (possessive && &w != &words.back()) return false;
    *end = possessive ? tokens[j].possessive_end : tokens[j].end;
    ++j;
  }
  *next = j;
  return true;
}

bool IsInitial(const Token& t) {
  int32_t i = 0;
  UChar32 c;
  const auto* s = reinterpret_cast<const uint8_t*>(t.key.data());
  const auto n = static_cast<int32_t>(t.key.size());
  U8_NEXT(s, i, n, c);
  return i == n && c >= 0 && u_isalpha(c);
}

}  // namespace

std::string FoldForMatch(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) {
    std::string out;
    text.foldCase().toUTF8String(out);
    return out;
  }
  icu::UnicodeString decomposed = nfd->normalize(text, err);
  icu::UnicodeString bare;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) != U_NON_SPACING_MARK && c != 0x2BC) bare.append(c);
  }
  bare.foldCase();
  icu::UnicodeString plain;
  for (int32_t i = 0; i < bare.length();) {
    UChar32 c = bare.char32At(i);
    i += U16_LENGTH(c);
    switch (c) {
      case 0x0142: case 0x0140: plain.append(UChar32{'l'}); break;  // ł ŀ
      case 0x00F8: plain.append(UChar32{'o'}); break;                // ø
      case 0x0111: case 0x00F0: plain.append(UChar32{'d'}); break;  // đ ð
      case 0x0127: plain.append(UChar32{'h'}); break;                // ħ
      case 0x0131: plain.append(UChar32{'i'}); break;                // dotless ı
      case 0x0167: plain.append(UChar32{'t'}); break;                // ŧ
      case 0x00E6: plain.append(icu::UnicodeString(u"ae")); break;   // æ
      case 0x0153: plain.append(icu::UnicodeString(u"oe")); break;   // œ
      case 0x00FE: plain.append(icu::UnicodeString(u"th")); break;   // þ
      default: plain.append(c);
    }
  }
  icu::UnicodeString composed = nfc->normalize(plain, err);
  std::string out;
  (U_FAILURE(err) ? plain : composed).toUTF8String(out);
  return out;
}

NameIndex::NameIndex(const std::vector<Student>& students) {
  for (const Student& s : students) {
    const std::vector<std::string> last = NameWords(s.last_name);
    if (last.empty()) continue;
    std::vector<std::vector<std::string>> givens;
    for (const std::string* g : {&s.first_name, &s.preferred_name}) {
      auto words = NameWords(*g);
      if (!words.empty() && std::find(givens.begin(), givens.end(), words) == givens.end()) {
        givens.push_back(std::move(words));
      }
    }
    if (givens.empty()) continue;
    const size_t student = student_ids_.size();
    student_ids_.push_back(s.student_id);
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

std::vector<NameFact> NameIndex::Find(std::string_view text, const std::string& source) const {
  const std::vector<Token> tokens = Tokenize(text, false);
  std::vector<NameFact> out;
  std::set<size_t> found;
  for (size_t i = 0; i < tokens.size(); ++i) {
    auto hit = by_first_word_.find(tokens[i].key);
    if (hit == by_first_word_.end()) continue;
    for (size_t pi : hit->second) {
      const Pattern& p = patterns_[pi];
      if (found.count(p.student) != 0) continue;
      size_t next = 0, end = 0;
      if (!MatchWords(tokens, i, p.head, &next, &end)) continue;
      bool possessive_head = end != tokens[next - 1].end;  // "Maya's Okafor" is not a name
      if (possessive_head) continue;
      bool ok = MatchWords(tokens, next, p.tail, &next, &end);
      if (!ok && p.initial_ok && next < tokens.size() && IsInitial(tokens[next])) {
        ok = MatchWords(tokens, next + 1, p.tail, &next, &end);
      }
      if (!ok) continue;
      found.insert(p.student);
      out.push_back({std::string(text.substr(tokens[i].begin, end - tokens[i].begin)), source,
                     student_ids_[p.student]});
    }
  }
  return out;
}

std::vector<NameFact> NameIndex::FindInFileName(std::string_view path,
                                                const std::string& source) const {
  const std::vector<Token> tokens = Tokenize(path, true);
  std::vector<NameFact> out;
  std::set<size_t> found;
  auto report = [&](const std::string& joined, size_t begin, size_t end) {
    auto hit = by_joined_.find(joined);
    if (hit == by_joined_.end()) return;
    for (size_t student : hit->second) {
      if (!found.insert(student).second) continue;
      out.push_back({std::string(path.substr(begin, end - begin)), source, student_ids_[student]});
    }
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string joined;
    for (size_t j = i; j < tokens.size() && joined.size() < longest_joined_; ++j) {
      if (!tokens[j].possessive.empty()) report(joined + tokens[j].possessive, tokens[i].begin,
                                                tokens[j].possessive_end);
      joined += tokens[j].key;
      report(joined, tokens[i].begin, tokens[j].end);
    }
  }
  return out;
}

void FindNamesInRecord(const NameIndex& index, ImageRecord* record) {
  // One fact per (student, source), also across fields that share a name.
  auto add = [&](std::vector<NameFact> facts) {
    for (auto& f : facts) {
      bool seen = std::any_of(record->names.begin(), record->names.end(), [&](const NameFact& n) {
        return n.student_id == f.student_id && n.source == f.source;
      });
      if (!seen) record->names.push_back(std::move(f));
    }
  };
  add(index.Find(record->input.caption, "caption"));
  add(index.Find(record->input.alt_text, "alt_text"));
  add(index.FindInFileName(record->input.rel_path, "file_name"));
  for (const EmbeddedText& t : record->metadata.texts) add(index.Find(t.value, t.field));
  record->names_checked = true;
}

}  // namespace pg
