#include "names/text_normaliser.h"

#include <catch2/catch.hpp>

namespace pg {
namespace {

/// The keys of the words of `text`.
std::vector<std::string> Keys(const std::string& text, WordBreaks breaks = WordBreaks::kText,
                              Ignorables ignorables = Ignorables::kJoin) {
  std::vector<std::string> keys;
  for (const auto& w : SplitWords(text, breaks, ignorables)) keys.push_back(w.key);
  return keys;
}
using Keys_ = std::vector<std::string>;

std::string Key(const std::string& word) {
  auto k = MatchKey(word);
  REQUIRE(k.ok());
  return *k;
}

TEST_CASE("match keys fold case, diacritics and compatibility forms", "[names][normaliser]") {
  CHECK(Key("JOSÉ") == Key("jose"));
  CHECK(Key("Jose\xCC\x81") == Key("jose"));  // decomposed é
  CHECK(Key("Łukasz") == Key("lukasz"));
  CHECK(Key("Straße") == Key("strasse"));
  // Full-width Ｌｕｃａｓ.
  CHECK(Key("\xEF\xBC\xAC\xEF\xBD\x95\xEF\xBD\x83\xEF\xBD\x81\xEF\xBD\x93") == Key("lucas"));
  CHECK(Key("\xF0\x9D\x90\x8B\xF0\x9D\x90\xAE\xF0\x9D\x90\x9C\xF0\x9D\x90\x9A\xF0\x9D\x90\xAC") ==
        Key("lucas"));  // mathematical bold 𝐋𝐮𝐜𝐚𝐬
  CHECK(Key("\xEF\xAC\x81nn") == Key("finn"));  // ligature ﬁ
}

TEST_CASE("match keys drop invisible characters", "[names][normaliser]") {
  for (const char* invisible : {"\xE2\x80\x8B",    // U+200B zero-width space
                                "\xE2\x80\x8C",    // U+200C zero-width non-joiner
                                "\xE2\x80\x8D",    // U+200D zero-width joiner
                                "\xE2\x81\xA0",    // U+2060 word joiner
                                "\xC2\xAD",        // U+00AD soft hyphen
                                "\xEF\xBB\xBF",    // U+FEFF BOM
                                "\xE2\x80\xAE"}) {  // U+202E right-to-left override
    INFO(invisible);
    CHECK(Key(std::string("Lu") + invisible + "cas") == Key("lucas"));
    CHECK(Keys(std::string("Lu") + invisible + "cas Ferreira") == Keys_{Key("lucas"), Key("ferreira")});
  }
}

TEST_CASE("match keys map look-alike letters to one skeleton", "[names][normaliser]") {
  CHECK(Key("M\xD0\xB0ya") == Key("maya"));          // Cyrillic а U+0430
  CHECK(Key("Ferrei\xD0\xB3\xD0\xB0") == Key("ferreira"));  // Cyrillic г а
  CHECK(Key("\xCE\x9F" "kafor") == Key("okafor"));   // Greek capital Omicron
  CHECK(Key("rnaya") == Key("maya"));                // rn looks like m
  CHECK(Key("0kafor") == Key("okafor"));             // digit zero
  CHECK(Key("1ucas") == Key("lucas"));               // digit one
  // Different words stay different.
  CHECK(Key("maya") != Key("mayo"));
  CHECK(Key("lucas") != Key("lukas"));
  CHECK(Key("ann") != Key("anne"));
}

TEST_CASE("words break at the original characters, then each word is folded", "[names][normaliser]") {
  CHECK(Keys("Maya Okafor, 2026!") == Keys_{Key("maya"), Key("okafor"), Key("2026")});
  // | is a look-alike of l, but punctuation in the text: it separates, it does not join.
  CHECK(Keys("Lucas|Ferreira") == Keys_{Key("lucas"), Key("ferreira")});
  CHECK(Keys("Garcia\xE2\x80\x93Lopez") == Keys_{Key("garcia"), Key("lopez")});  // en dash
  CHECK(Keys("\xE2\x80\x9CMaya\xE2\x80\x9D") == Keys_{Key("maya")});              // “Maya”
  CHECK(Keys("Maya\xE3\x80\x80Okafor") == Keys_{Key("maya"), Key("okafor")});     // ideographic space
  CHECK(Keys("MayaOkafor_2026", WordBreaks::kFileName) == Keys_{Key("maya"), Key("okafor"), Key("2026")});
  CHECK(Keys("McDonald") == Keys_{Key("mcdonald")});
}

TEST_CASE("every apostrophe look-alike inside a word is dropped and 's is possessive",
          "[names][normaliser]") {
  for (const char* apostrophe : {"'", "\xE2\x80\x99", "\xE2\x80\x98", "\xCA\xBC", "\xCA\xBB", "`",
                                 "\xC2\xB4", "\xEF\xBC\x87", "\xE2\x80\xB2"}) {  // ' ’ ‘ ʼ ʻ ` ´ ＇ ′
    INFO(apostrophe);
    auto words = SplitWords(std::string("O") + apostrophe + "Brien" + apostrophe + "s goal",
                            WordBreaks::kText);
    REQUIRE(words.size() == 2);
    CHECK(words[0].key == Key("obriens"));
    CHECK(words[0].possessive == Key("obrien"));
    CHECK(words[0].possessive_end == 1 + std::string(apostrophe).size() + 5);  // at the second apostrophe
  }
  auto words = SplitWords("Lucas\xE2\x80\x99s volcano", WordBreaks::kText);
  REQUIRE(words.size() == 2);
  CHECK(words[0].possessive == Key("lucas"));
  CHECK(words[0].possessive_end == 5);
  CHECK(words[0].end == 9);  // the whole word, ’s included
  // A quote mark outside a word separates.
  CHECK(Keys("\xE2\x80\x98Maya\xE2\x80\x99 Okafor") == Keys_{Key("maya"), Key("okafor")});
}

TEST_CASE("words keep their byte ranges in the original text", "[names][normaliser]") {
  const std::string text = "Lu\xE2\x80\x8B" "cas  M\xD0\xB0ya";
  auto words = SplitWords(text, WordBreaks::kText);
  REQUIRE(words.size() == 2);
  CHECK(text.substr(words[0].begin, words[0].end - words[0].begin) == "Lu\xE2\x80\x8B" "cas");
  CHECK(text.substr(words[1].begin, words[1].end - words[1].begin) == "M\xD0\xB0ya");
}

TEST_CASE("invisible characters can be read as joining or as breaking words", "[names][normaliser]") {
  const std::string text = "lucas\xE2\x80\x8B" "ferreira";
  CHECK(HasIgnorables(text));
  CHECK_FALSE(HasIgnorables("Lucas Ferreira"));
  CHECK(Keys(text, WordBreaks::kText, Ignorables::kJoin) == Keys_{Key("lucasferreira")});
  CHECK(Keys(text, WordBreaks::kText, Ignorables::kBreak) == Keys_{Key("lucas"), Key("ferreira")});
}

TEST_CASE("text that is not well-formed UTF-8 is reported, and the rest still read", "[names][normaliser]") {
  Status st;
  auto words = SplitWords("Maya\xFF Okafor", WordBreaks::kText, Ignorables::kJoin, &st);
  CHECK_FALSE(st.ok());
  CHECK(st.code() == Code::kBadData);
  CHECK_THAT(st.message(), Catch::Contains("ill-formed UTF-8 at byte 4"));
  REQUIRE(words.size() == 2);
  CHECK(words[1].key == Key("okafor"));

  Status fine;
  SplitWords("Maya Okafor", WordBreaks::kText, Ignorables::kJoin, &fine);
  CHECK(fine.ok());
  Status truncated;
  CHECK(SplitWords("\xE2\x80", WordBreaks::kFileName, Ignorables::kJoin, &truncated).empty());
  CHECK_FALSE(truncated.ok());
  Status surrogate;  // an encoded UTF-16 surrogate is not UTF-8
  SplitWords("Ma\xED\xA0\x80ya", WordBreaks::kText, Ignorables::kJoin, &surrogate);
  CHECK_FALSE(surrogate.ok());
  CHECK_FALSE(MatchKey("Ma\xC3").ok());
}

}  // namespace
}  // namespace pg
