#include "names/name_finder.h"

#include <catch2/catch.hpp>

#include <tuple>

namespace pg {
namespace {

Student Make(const std::string& id, const std::string& first, const std::string& last,
             const std::string& preferred = "") {
  Student s;
  s.student_id = id;
  s.first_name = first;
  s.last_name = last;
  s.preferred_name = preferred;
  return s;
}

const NameIndex& Index() {
  static const NameIndex index({
      Make("S1001", "Maya", "Okafor"),
      Make("S1002", "Lucas", "Ferreira", "Luke"),
      Make("S1003", "Sofía", "Núñez"),
      Make("S1004", "José", "Núñez"),
      Make("S1005", "Liam", "O'Brien"),
      Make("S1006", "Ava", "Garcia-Lopez"),
      Make("S1007", "Ann", "Lee"),
      Make("S1008", "Mary Ann", "de la Cruz"),
      Make("S1009", "Łukasz", "Nowak"),
  });
  return index;
}

/// Student ids found in `text`, in order.
std::vector<std::string> Ids(const std::vector<NameFact>& facts) {
  std::vector<std::string> ids;
  for (const auto& f : facts) ids.push_back(f.student_id);
  return ids;
}
std::vector<std::string> InText(const std::string& text) { return Ids(Index().Find(text, "caption")); }
std::vector<std::string> InFile(const std::string& path) { return Ids(Index().FindInFileName(path)); }
using Ids_ = std::vector<std::string>;

TEST_CASE("folding ignores case and diacritics", "[names]") {
  CHECK(FoldForMatch("JOSÉ NÚÑEZ") == "jose nunez");
  CHECK(FoldForMatch("José Núñez") == "jose nunez");
  CHECK(FoldForMatch("Jose\xCC\x81 Nu\xCC\x81n\xCC\x83" "ez") == "jose nunez");  // decomposed input
  CHECK(FoldForMatch("Łukasz Søren Đorđe") == "lukasz soren dorde");
  CHECK(FoldForMatch("Straße") == "strasse");
  CHECK(FoldForMatch("İlkay") == "ilkay");
}

TEST_CASE("first and last name are found whatever the case and accents", "[names]") {
  CHECK(InText("Maya Okafor paints a mural") == Ids_{"S1001"});
  CHECK(InText("JOSÉ NÚÑEZ won the spelling bee") == Ids_{"S1004"});
  CHECK(InText("jose nunez and sofia nunez") == Ids_{"S1004", "S1003"});
  CHECK(InText("Lukasz Nowak at the science fair") == Ids_{"S1009"});
}

TEST_CASE("the fact carries the exact original words, the source and the id", "[names]") {
  auto facts = Index().Find("Congratulations, Sofía  Núñez!", "alt_text");
  REQUIRE(facts.size() == 1);
  CHECK(facts[0].text == "Sofía  Núñez");
  CHECK(facts[0].source == "alt_text");
  CHECK(facts[0].student_id == "S1003");
}

TEST_CASE("preferred names match with the last name", "[names]") {
  CHECK(InText("Luke Ferreira scores") == Ids_{"S1002"});
  CHECK(InText("Lucas Ferreira scores") == Ids_{"S1002"});
  CHECK(InText("Ferreira, Luke") == Ids_{"S1002"});
}

TEST_CASE("last-name-first forms match with or without a comma", "[names]") {
  auto facts = Index().Find("Front row: Okafor, Maya; Nunez Jose", "caption");
  REQUIRE(facts.size() == 2);
  CHECK(facts[0].student_id == "S1001");
  CHECK(facts[0].text == "Okafor, Maya");
  CHECK(facts[1].student_id == "S1004");
  CHECK(facts[1].text == "Nunez Jose");
}

TEST_CASE("apostrophes inside a name do not matter", "[names]") {
  CHECK(InText("Liam O'Brien") == Ids_{"S1005"});
  CHECK(InText("Liam O\xE2\x80\x99" "Brien") == Ids_{"S1005"});  // ’
  CHECK(InText("LIAM OBRIEN") == Ids_{"S1005"});
  CHECK(InText("O'Brien, Liam") == Ids_{"S1005"});
}

TEST_CASE("a possessive 's still names the student", "[names]") {
  auto facts = Index().Find("Maya Okafor's winning poster", "caption");
  REQUIRE(facts.size() == 1);
  CHECK(facts[0].student_id == "S1001");
  CHECK(facts[0].text == "Maya Okafor");
  CHECK(InText("Liam O\xE2\x80\x99" "Brien\xE2\x80\x99s goal") == Ids_{"S1005"});
  CHECK(InText("Maya's Okafor") == Ids_{});
}

TEST_CASE("hyphenated and multi-word names match word by word", "[names]") {
  CHECK(InText("Ava Garcia-Lopez") == Ids_{"S1006"});
  CHECK(InText("Ava Garcia Lopez") == Ids_{"S1006"});
  CHECK(InText("Ava Garcia") == Ids_{});  // half a last name is not the name
  CHECK(InText("Mary Ann De La Cruz sings") == Ids_{"S1008"});
  CHECK(InText("Mary-Ann de la Cruz") == Ids_{"S1008"});
  CHECK(InText("Ann de la Cruz") == Ids_{});
}

TEST_CASE("only whole words match", "[names]") {
  CHECK(InText("Anne Leeds and Joann Lee") == Ids_{});
  CHECK(InText("Ann Leeds") == Ids_{});
  CHECK(InText("Ann Lee") == Ids_{"S1007"});
  CHECK(InText("(Ann Lee)") == Ids_{"S1007"});
  CHECK(InText("Mayan Okafor") == Ids_{});
}

TEST_CASE("a first or last name alone is not a match", "[names]") {
  CHECK(InText("Maya and Sofía at recess") == Ids_{});
  CHECK(InText("The Okafor family") == Ids_{});
  CHECK(InText("Maya, Lucas, Okafor") == Ids_{});
}

TEST_CASE("one middle initial may stand between first and last name", "[names]") {
  CHECK(InText("Maya A. Okafor") == Ids_{"S1001"});
  CHECK(InText("Maya Adaeze Okafor") == Ids_{});
}

TEST_CASE("each student is reported once per source", "[names]") {
  auto facts = Index().Find("Maya Okafor, with Okafor, Maya and MAYA OKAFOR", "caption");
  REQUIRE(facts.size() == 1);
  CHECK(facts[0].text == "Maya Okafor");
}

TEST_CASE("file names split on underscores, dots, hyphens and camel case", "[names]") {
  CHECK(InFile("JaneDoe_2026.jpg") == Ids_{});
  CHECK(InFile("MayaOkafor_2026.jpg") == Ids_{"S1001"});
  CHECK(InFile("maya_okafor.jpg") == Ids_{"S1001"});
  CHECK(InFile("maya.okafor-3.JPG") == Ids_{"S1001"});
  CHECK(InFile("mayaokafor.jpg") == Ids_{"S1001"});
  CHECK(InFile("okafor_maya.heic") == Ids_{"S1001"});
  CHECK(InFile("2026/field-day/IMGLukeFerreira02.jpg") == Ids_{"S1002"});
  CHECK(InFile("LiamOBrien.png") == Ids_{"S1005"});
  CHECK(InFile("SofíaNúñez.jpg") == Ids_{"S1003"});
  CHECK(InFile("MayaOkaforAvaGarciaLopez.jpg") == Ids_{"S1001", "S1006"});
  auto facts = Index().FindInFileName("gallery/MayaOkafor_2026.jpg");
  REQUIRE(facts.size() == 1);
  CHECK(facts[0].text == "MayaOkafor");
  CHECK(facts[0].source == "file_name");
}

TEST_CASE("file names also match only whole words", "[names]") {
  CHECK(InFile("AnnLeeds.jpg") == Ids_{});
  CHECK(InFile("JoannLee.jpg") == Ids_{});
  CHECK(InFile("annaleeparty.jpg") == Ids_{});
  CHECK(InFile("AnnLee2026.jpg") == Ids_{"S1007"});
  CHECK(InFile("Maya.jpg") == Ids_{});
}

TEST_CASE("ill-formed UTF-8 and empty text are handled without a match or a crash", "[names]") {
  CHECK(InText("") == Ids_{});
  CHECK(InText("Maya\xFF Okafor") == Ids_{"S1001"});  // the bad byte is a separator
  CHECK(InText("\xC3") == Ids_{});
  CHECK(InFile("\xE2\x80") == Ids_{});
}

TEST_CASE("names hidden by invisible characters are found", "[names]") {
  for (const char* invisible : {"\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x81\xA0", "\xC2\xAD"}) {
    INFO(invisible);
    auto facts = Index().Find(std::string("Lu") + invisible + "cas Ferreira wins", "caption");
    REQUIRE(Ids(facts) == Ids_{"S1002"});
    CHECK(facts[0].text == std::string("Lu") + invisible + "cas Ferreira");
    CHECK(InFile(std::string("Lu") + invisible + "casFerreira.jpg") == Ids_{"S1002"});
  }
  // Between two words an invisible character may also be read as a break.
  CHECK(InText("lucas\xE2\x80\x8B" "ferreira") == Ids_{"S1002"});
  CHECK(InText("Maya\xE2\x80\x8C Okafor") == Ids_{"S1001"});
}

TEST_CASE("names written with look-alike letters are found", "[names]") {
  CHECK(InText("M\xD0\xB0ya Okafor") == Ids_{"S1001"});                       // Cyrillic а
  CHECK(InText("Lucas Ferrei\xD0\xB3\xD0\xB0") == Ids_{"S1002"});           // Cyrillic г а
  CHECK(InText("\xEF\xBC\xAC\xEF\xBD\x95\xEF\xBD\x83\xEF\xBD\x81\xEF\xBD\x93 Ferreira") ==
        Ids_{"S1002"});                                                      // full-width Ｌｕｃａｓ
  CHECK(InText("rnaya 0kafor") == Ids_{"S1001"});                            // rn for m, zero for o
  CHECK(InFile("M\xD0\xB0yaOkafor.jpg") == Ids_{"S1001"});
  CHECK(InText("Liam O\xCA\xBB" "Brien") == Ids_{"S1005"});                  // ʻ is an apostrophe
  CHECK(InText("Lucas Ferreira\xE2\x80\x99s essay") == Ids_{"S1002"});
}

TEST_CASE("skeletons keep whole-word matching", "[names]") {
  // m = rn inside a word does not make a word out of a part of another.
  CHECK(InText("Mayan Okafor") == Ids_{});
  CHECK(InText("rnayan Okafor") == Ids_{});
  CHECK(InText("Amaya Okafor") == Ids_{});
  CHECK(InText("Maya Okaform") == Ids_{});
  CHECK(InText("Lucasm Ferreira") == Ids_{});
  // A look-alike punctuation mark separates words; it never joins two into a name.
  CHECK(InText("Ann|ee") == Ids_{});
  CHECK(InFile("Ann1Lee.jpg") == Ids_{});  // a digit between: not the joined name
}

TEST_CASE("a first or preferred name alone is a given-name fact", "[names]") {
  auto all = [](const std::string& text, WordBreaks breaks = WordBreaks::kText) {
    std::vector<std::pair<std::string, NameMatch>> got;
    for (const auto& f : Index().FindAll(text, "caption", breaks)) got.emplace_back(f.student_id, f.match);
    return got;
  };
  using Got = std::vector<std::pair<std::string, NameMatch>>;
  CHECK(all("Lucas scores the winning goal!") == Got{{"S1002", NameMatch::kGivenOnly}});
  CHECK(all("Lucas\xE2\x80\x99s volcano") == Got{{"S1002", NameMatch::kGivenOnly}});
  CHECK(all("Luke's volcano") == Got{{"S1002", NameMatch::kGivenOnly}});
  // A zero-width space and a Cyrillic е in "Luke".
  CHECK(all("L\xE2\x80\x8Buk\xD0\xB5 at recess") == Got{{"S1002", NameMatch::kGivenOnly}});
  CHECK(all("sports/LUCAS_goal.jpg", WordBreaks::kFileName) == Got{{"S1002", NameMatch::kGivenOnly}});
  CHECK(all("sports/LukeGoal.jpg", WordBreaks::kFileName) == Got{{"S1002", NameMatch::kGivenOnly}});
  CHECK(all("Lucasville parade") == Got{});        // a word that only contains the name
  CHECK(all("Mary at the fair") == Got{});         // half of "Mary Ann"
  CHECK(all("Mary-Ann at the fair") ==
        Got{{"S1008", NameMatch::kGivenOnly}, {"S1007", NameMatch::kGivenOnly}});  // and Ann Lee's
  // A full name is not also a given name; other students' given names still are.
  CHECK(all("Lucas Ferreira and Maya") ==
        Got{{"S1002", NameMatch::kFull}, {"S1001", NameMatch::kGivenOnly}});
  auto facts = Index().FindAll("Go, Lucas\xE2\x80\x99s team", "alt_text", WordBreaks::kText);
  REQUIRE(facts.size() == 1);
  CHECK(facts[0].text == "Lucas");
  CHECK(facts[0].source == "alt_text");
  // Find and FindInFileName still return full names only.
  CHECK(InText("Lucas scores") == Ids_{});
  CHECK(InFile("LUCAS_goal.jpg") == Ids_{});
}

TEST_CASE("a student without a last name still has a given name", "[names]") {
  NameIndex index({Make("S1", "Zoe", "--")});
  CHECK(index.size() == 0);
  auto facts = index.FindAll("Zoe paints", "caption", WordBreaks::kText);
  REQUIRE(facts.size() == 1);
  CHECK(facts[0].match == NameMatch::kGivenOnly);
}

TEST_CASE("students without a usable name are not indexed", "[names]") {
  NameIndex index({Make("S1", "Maya", "Okafor"), Make("S2", "", "Park"), Make("S3", "Zoe", "--")});
  CHECK(index.size() == 1);
  CHECK(NameIndex({}).size() == 0);
  CHECK(NameIndex({}).Find("Maya Okafor", "caption").empty());
}

TEST_CASE("the names stage searches caption, alt text, file name and metadata text", "[names]") {
  ImageRecord record;
  record.input.caption = "Sofía Núñez and Maya Okafor";
  record.input.alt_text = "Two students; Maya Okafor holds the trophy";
  record.input.rel_path = "2026/LukeFerreira.jpg";
  record.metadata.texts = {{"exif:Artist", "Ethan Park"}, {"xmp:dc:subject", "Liam O'Brien"},
                           {"xmp:dc:subject", "O'Brien, Liam"}};
  FindNamesInRecord(Index(), &record);
  CHECK(record.names_checked);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& n : record.names) got.emplace_back(n.source, n.student_id);
  CHECK(got == std::vector<std::pair<std::string, std::string>>{
                   {"caption", "S1003"},
                   {"caption", "S1001"},
                   {"alt_text", "S1001"},
                   {"file_name", "S1002"},
                   {"xmp:dc:subject", "S1005"}});
}

TEST_CASE("the names stage records given-name facts, a full name replacing one", "[names]") {
  ImageRecord record;
  record.input.caption = "Lucas\xE2\x80\x99s volcano";
  record.input.rel_path = "science/volcano.png";
  record.metadata.texts = {{"xmp:dc:description", "Maya"}, {"xmp:dc:description", "Maya Okafor"}};
  FindNamesInRecord(Index(), &record);
  std::vector<std::tuple<std::string, std::string, NameMatch>> got;
  for (const auto& n : record.names) got.emplace_back(n.source, n.student_id, n.match);
  CHECK(got == std::vector<std::tuple<std::string, std::string, NameMatch>>{
                   {"caption", "S1002", NameMatch::kGivenOnly},
                   {"xmp:dc:description", "S1001", NameMatch::kFull}});
  CHECK(record.problems.empty());
}

TEST_CASE("a text that cannot be read is a problem naming its source, not \"no names\"", "[names]") {
  ImageRecord record;
  record.input.caption = "Maya Okafor";
  record.input.alt_text = "Lu\xC3";  // truncated UTF-8
  record.metadata.texts = {{"exif:Artist", "Ethan \xFF Park"}};
  FindNamesInRecord(Index(), &record);
  CHECK(record.names_checked);
  REQUIRE(record.problems.size() == 2);
  CHECK(record.problems[0].code == pg::ReasonCode::kNameTextUnreadable);
  CHECK_THAT(record.problems[0].message, Catch::StartsWith("alt_text: ill-formed UTF-8 at byte 2"));
  CHECK(record.problems[1].code == pg::ReasonCode::kNameTextUnreadable);
  CHECK_THAT(record.problems[1].message, Catch::StartsWith("exif:Artist: ill-formed UTF-8"));
  REQUIRE(record.names.size() == 1);  // what could be read is still searched
  CHECK(record.names[0].student_id == "S1001");
}

TEST_CASE("a directory name that cannot be read makes every item a problem", "[names]") {
  NameIndex index({Make("S1", "Maya", "Okafor"), Make("S2", "Lu\xFF" "cas", "Ferreira")});
  CHECK_FALSE(index.status().ok());
  CHECK_THAT(index.status().message(), Catch::Contains("S2 first_name"));
  ImageRecord record;
  record.input.caption = "Field day";
  FindNamesInRecord(index, &record);
  REQUIRE(record.problems.size() == 1);
  CHECK(record.problems[0].code == pg::ReasonCode::kNameTextUnreadable);
  CHECK_THAT(record.problems[0].message, Catch::StartsWith("directory: S2 first_name"));
  CHECK(NameIndex({Make("S1", "Maya", "Okafor")}).status().ok());
}

}  // namespace
}  // namespace pg
