// Text normaliser: the one way the names stage reads text, owned by names/ and used for
// every source (caption, alt text, file name, embedded EXIF/XMP/IPTC text) and for the
// directory's names, so that both sides of a comparison meet.
//
// In: UTF-8 text. Out: its words, each with a match key and its byte range in the original.
// Word boundaries come from the original characters (letters, digits and their marks make
// words; an apostrophe inside a word is dropped; anything else separates), and only then is
// each word folded to its key: Unicode NFKC with case folding (full-width and other
// compatibility forms, ligatures), default-ignorable code points removed (zero-width space,
// joiners, word joiner, soft hyphen, bidi controls), diacritics folded (FoldForMatch), and
// confusable look-alikes mapped to one skeleton (Unicode TR39, ICU's spoof checker: Cyrillic
// а = Latin a, m = rn, 0 = o). Apostrophes are every character whose skeleton is ' (’ ‘ ʼ ´
// ` ＇ ...); typographic quotes and dashes separate words like their ASCII forms. Text that
// is not well-formed UTF-8, or that ICU fails on, is reported, never read as "no words".
// Stateless; thread-safe (ICU's normaliser and a const spoof checker are).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pg {

/// Case- and accent-insensitive form of `utf8`: canonical decomposition, non-spacing marks
/// removed, Unicode case folding, a few Latin letters that have no decomposition spelled
/// plainly (ł->l, ø->o, đ->d, æ->ae, ß->ss ...), NFC. Ill-formed UTF-8 sequences become
/// U+FFFD. One step of MatchKey; no skeleton, no compatibility folding.
std::string FoldForMatch(std::string_view utf8);

/// The key under which a word is compared: NFKC_Casefold (which also drops default-ignorable
/// code points), FoldForMatch, the TR39 skeleton, FoldForMatch again (the skeleton may add
/// marks, ł -> l̸, or capitals, 0 -> O). Equal keys = the same word to a reader. "Mаya" (Cyrillic
/// а) -> "rnaya", "Ｌｕｃａｓ" -> "lucas", "José" -> "jose". An error when `word` is not
/// well-formed UTF-8 or ICU fails.
Result<std::string> MatchKey(std::string_view word);

/// One word of a text.
struct TextWord {
  std::string key;            ///< MatchKey of the word, apostrophes inside it dropped
  std::string possessive;     ///< key without a trailing possessive 's ("okafor" for "Okafor’s"), or ""
  size_t begin = 0;           ///< byte range of the word in the original text
  size_t end = 0;
  size_t possessive_end = 0;  ///< byte end of the word before its apostrophe and s
};

/// Where words start and end.
enum class WordBreaks {
  kText,      ///< running text and directory names: runs of letters and digits
  kFileName,  ///< also before camelCase capitals and at letter/digit changes ("IMGJane2026")
};

/// What a default-ignorable code point between two letters is. It is invisible, so a reader
/// sees the letters around it together ("Lu<ZWSP>cas" reads "Lucas": kJoin); but a zero-width
/// space is also where a renderer may break a line, and "lucas<ZWSP>ferreira" is read as two
/// words by search engines (kBreak). Callers that find names read such text both ways.
enum class Ignorables { kJoin, kBreak };

/// The words of `text`, in order (see the header paragraph). On ill-formed UTF-8 (each bad
/// sequence separates words) or an ICU failure (the word is then folded by FoldForMatch
/// alone), returns what it could read and, if `status` is given, sets it to why the text
/// could not be read in full ("ill-formed UTF-8 at byte 4"); else leaves it untouched.
std::vector<TextWord> SplitWords(std::string_view text, WordBreaks breaks,
                                 Ignorables ignorables = Ignorables::kJoin,
                                 Status* status = nullptr);

/// Does `text` hold a default-ignorable code point (read it with both Ignorables then)?
bool HasIgnorables(std::string_view text);

}  // namespace pg
