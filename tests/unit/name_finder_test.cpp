#include "names/name_finder.h"

#include <catch2/catch.hpp>

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

}  // namespace
}  // namespace pg
