#include "names/text_normaliser.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <array>
#include <unordered_map>

namespace pg {

namespace {

/// ICU's spoof checker, opened once. Only its const functions are used (thread-safe).
const USpoofChecker* SpoofChecker(UErrorCode* err) {
  struct Holder {
    UErrorCode err = U_ZERO_ERROR;
    icu::LocalUSpoofCheckerPointer checker;
    Holder() { checker.adoptInstead(uspoof_open(&err)); }
  };
  static const Holder holder;
  if (U_FAILURE(holder.err) && U_SUCCESS(*err)) *err = holder.err;
  return holder.checker.getAlias();
}

/// FoldForMatch on UTF-16. REQUIRES: U_SUCCESS(*err) on entry for a meaningful result.
icu::UnicodeString Fold(const icu::UnicodeString& text, UErrorCode* err) {
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(*err);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(*err);
  if (U_FAILURE(*err)) return {};
  icu::UnicodeString decomposed = nfd->normalize(text, *err);
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
  return nfc->normalize(plain, *err);
}

/// MatchKey on UTF-16; sets *err on an ICU failure.
icu::UnicodeString Key(const icu::UnicodeString& word, UErrorCode* err) {
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(*err);
  const USpoofChecker* checker = SpoofChecker(err);
  if (U_FAILURE(*err)) return {};
  icu::UnicodeString folded = Fold(nfkc_cf->normalize(word, *err), err);
  if (U_FAILURE(*err)) return {};
  icu::UnicodeString skeleton;
  uspoof_getSkeletonUnicodeString(checker, 0, folded, skeleton, err);
  if (U_FAILURE(*err)) return {};
  return Fold(skeleton, err);
}

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

bool IsIgnorable(UChar32 c) {
  return c >= 0 && u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}
bool IsMark(UChar32 c) {
  return c >= 0 && (U_GET_GC_MASK(c) & (U_GC_MN_MASK | U_GC_MC_MASK | U_GC_ME_MASK)) != 0;
}
bool IsWordChar(UChar32 c) {
  return c >= 0 && (u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_isdigit(c));
}
bool IsUpper(UChar32 c) { return u_isupper(c) || u_istitle(c); }

/// Is the TR39 skeleton of `c` an apostrophe (’ ‘ ʼ ʻ ´ ` ′ ＇ ꞌ ...)?
bool SkeletonIsApostrophe(UChar32 c) {
  UErrorCode err = U_ZERO_ERROR;
  const USpoofChecker* checker = SpoofChecker(&err);
  if (U_FAILURE(err)) return c == '\'';
  icu::UnicodeString skeleton;
  uspoof_getSkeletonUnicodeString(checker, 0, icu::UnicodeString(c), skeleton, &err);
  return U_SUCCESS(err) && skeleton == icu::UnicodeString(u"'");
}

/// Is `c` an apostrophe to a reader? ASCII is looked up once (most text is ASCII).
bool IsApostrophe(UChar32 c) {
  static const std::array<bool, 128> ascii = [] {
    std::array<bool, 128> a{};
    for (UChar32 i = 0; i < 128; ++i) a[i] = SkeletonIsApostrophe(i);
    return a;
  }();
  if (c < 0) return false;
  if (c < 128) return ascii[c];
  return SkeletonIsApostrophe(c);
}

/// Would a camelCase / letter-digit reader start a new word at `cur`?
bool CamelBoundary(UChar32 prev, UChar32 cur, UChar32 next) {
  if (u_isdigit(prev) != u_isdigit(cur)) return true;                     // Doe2026, 2026Doe
  if (u_islower(prev) && IsUpper(cur)) return true;                       // janeDoe
  return IsUpper(prev) && IsUpper(cur) && next >= 0 && u_islower(next);  // IMGJane
}

/// The code point at byte offset i, skipping default-ignorables when they join letters
/// (negative if ill-formed or at the end).
UChar32 NextVisible(const uint8_t* s, int32_t i, int32_t n, Ignorables ignorables) {
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (!(ignorables == Ignorables::kJoin && IsIgnorable(c))) return c;
  }
  return -1;
}

}  // namespace

std::string FoldForMatch(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString folded = Fold(text, &err);
  return Utf8(U_FAILURE(err) ? text.foldCase() : folded);
}

Result<std::string> MatchKey(std::string_view word) {
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const auto n = static_cast<int32_t>(word.size());
  for (int32_t i = 0; i < n;) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return Status::BadData("ill-formed UTF-8 at byte " + std::to_string(at));
  }
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString key =
      Key(icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), n)), &err);
  if (U_FAILURE(err)) return Status::Internal(std::string("ICU could not fold a word: ") + u_errorName(err));
  return Utf8(key);
}

bool HasIgnorables(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (IsIgnorable(c)) return true;
  }
  return false;
}

std::vector<TextWord> SplitWords(std::string_view text, WordBreaks breaks, Ignorables ignorables,
                                 Status* status) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  auto fail = [&](Status why) {
    if (status != nullptr && status->ok()) *status = std::move(why);
  };
  // The key of a word; on an ICU failure the plain fold, and the text is reported. Words
  // repeat in long texts: each distinct one is folded once.
  std::unordered_map<std::string, std::string> keys;
  auto key = [&](const icu::UnicodeString& word) {
    const std::string utf8 = Utf8(word);
    auto known = keys.find(utf8);
    if (known != keys.end()) return known->second;
    UErrorCode err = U_ZERO_ERROR;
    icu::UnicodeString k = Key(word, &err);
    if (U_FAILURE(err)) {
      fail(Status::Internal(std::string("ICU could not fold a word: ") + u_errorName(err)));
      return FoldForMatch(utf8);
    }
    return keys.emplace(utf8, Utf8(k)).first->second;
  };

  std::vector<TextWord> out;
  TextWord cur;
  icu::UnicodeString raw;        // the word without apostrophes and ignorables
  int32_t raw_at_apostrophe = -1;  // raw.length() at the last dropped apostrophe
  size_t byte_at_apostrophe = 0;
  bool in_word = false;
  UChar32 prev_base = -1;

  auto finish = [&]() {
    if (!in_word) return;
    cur.key = key(raw);
    if (raw_at_apostrophe > 0 && key(raw.tempSubString(raw_at_apostrophe)) == "s") {
      cur.possessive = key(raw.tempSubString(0, raw_at_apostrophe));
      cur.possessive_end = byte_at_apostrophe;
    }
    if (!cur.key.empty()) out.push_back(cur);
    cur = TextWord();
    raw.remove();
    raw_at_apostrophe = -1;
    in_word = false;
  };

  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) {
      fail(Status::BadData("ill-formed UTF-8 at byte " + std::to_string(start)));
      finish();
      continue;
    }
    if (IsIgnorable(c)) {
      if (ignorables == Ignorables::kBreak) finish();
      continue;  // invisible: the word goes on
    }
    if (IsApostrophe(c)) {
      if (in_word && IsWordChar(NextVisible(s, i, n, ignorables))) {
        raw_at_apostrophe = raw.length();
        byte_at_apostrophe = static_cast<size_t>(start);
      } else {
        finish();
      }
      continue;
    }
    const bool mark = in_word && IsMark(c);
    if (!IsWordChar(c) && !mark) {
      finish();
      continue;
    }
    if (in_word && breaks == WordBreaks::kFileName && !mark &&
        CamelBoundary(prev_base, c, NextVisible(s, i, n, ignorables))) {
      finish();
    }
    if (!in_word) {
      in_word = true;
      cur.begin = static_cast<size_t>(start);
    }
    raw.append(c);
    cur.end = static_cast<size_t>(i);
    if (!mark) prev_base = c;
  }
  finish();
  return out;
}

}  // namespace pg
