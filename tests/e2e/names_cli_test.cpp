// End-to-end: student names written with invisible or look-alike characters, through the
// publish-gate binary. Student work needs no face, so a name in its caption alone decides.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "e2e/cli_fixture.h"
#include "test_util.h"

using namespace pg::testing;

namespace {

/// The CLI fixture (tests/e2e/cli_fixture.h) with a piece of student work to caption.
struct NamesCli : CliFixture {
  std::string work;

  NamesCli() : work(dir / "work.png") { WriteBytes(work, Encode(DrawScene(), ".png")); }
  /// `check --json` of the student work with `caption` (a shell word, quoted by the caller
  /// when needed); stderr is left out of the JSON.
  std::pair<int, nlohmann::json> CheckWork(const std::string& caption_arg) {
    auto r = RunStdout("check --no-recognition " + Quote(work) + " --db " + Quote(db) +
                       " --school-year 2026-27 --kind student-work --caption " + caption_arg + " --json");
    INFO(r.out);
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    REQUIRE_FALSE(j.is_discarded());
    return {r.exit_code, j};
  }
};

bool HasReason(const nlohmann::json& item, const std::string& code) {
  for (const auto& r : item["reasons"]) {
    if (r["code"] == code) return true;
  }
  return false;
}

/// Student ids of the item's full-name facts.
std::vector<std::string> FullNames(const nlohmann::json& item) {
  std::vector<std::string> ids;
  for (const auto& n : item["names"]) {
    if (n["match"] == "full") ids.push_back(n["student_id"]);
  }
  return ids;
}

}  // namespace

TEST_CASE_METHOD(NamesCli, "a name hidden by invisible or look-alike characters still blocks student work",
                 "[cli][names]") {
  if (!pg::testing::CliFixture::HaveModels()) return;
  const std::vector<std::pair<const char*, std::string>> captions = {
      {"plain", "Lucas Ferreira"},
      {"zero-width space", "Lu\u200bcas Ferreira"},
      {"zero-width non-joiner", "Lu\u200ccas Ferreira"},
      {"word joiner", "Lu\u2060cas Ferreira"},
      {"Cyrillic a", "Luc\u0430s Ferreira"},
      {"Cyrillic e and a in the last name", "Lucas F\u0435rreir\u0430"},
      {"typographic apostrophe", "Lucas Ferreira\u2019s essay"},
      {"full-width letters", "\uff2c\uff55\uff43\uff41\uff53 \uff26\uff45\uff52\uff52\uff45\uff49\uff52\uff41"},
      {"zero-width space between the words", "lucas\u200bferreira"},
      {"preferred name, soft hyphen", "Lu\u00adke Ferreira"},
  };
  for (const auto& [what, caption] : captions) {
    INFO(what);
    auto [code, j] = CheckWork(Quote(caption));
    CHECK(code == 2);
    CHECK(j["verdict"] == "block");
    CHECK(HasReason(j, "name_photo_pairing_without_permission"));
    CHECK(FullNames(j) == std::vector<std::string>{"S1002"});
    REQUIRE_FALSE(j["names"].empty());
    CHECK(j["names"][0]["source"] == "caption");
  }
  auto [code, j] = CheckWork(Quote("M\u0430ya Okafor's poem"));  // Cyrillic а
  CHECK(code == 2);
  CHECK(FullNames(j) == std::vector<std::string>{"S1001"});
}

TEST_CASE_METHOD(NamesCli, "words that only look near a name name nobody", "[cli][names]") {
  if (!pg::testing::CliFixture::HaveModels()) return;
  for (const std::string caption : {
           "Mayan Okafor",        // whole words only
           "Marya Okafor",        // not a look-alike of Maya
           "Lucasm Ferreira",     // m = rn, but only inside its own word
           "Lucas Ferreiras",
           "Lu|cas Ferreira",     // | looks like l, yet it separates words
           "Maya Okaform",
       }) {
    INFO(caption);
    auto [code, j] = CheckWork(Quote(caption));
    CHECK(code == 0);
    CHECK(j["verdict"] == "publish");
    CHECK(FullNames(j).empty());
  }
  // The m of "Maya" written rn reads the same: that one is her name.
  auto [code, j] = CheckWork(Quote("rnaya Okafor"));
  CHECK(code == 2);
  CHECK(FullNames(j) == std::vector<std::string>{"S1001"});
}

TEST_CASE_METHOD(NamesCli,
                 "a first name alone is reported as a given-name fact and decides nothing without a face",
                 "[cli][names]") {
  if (!pg::testing::CliFixture::HaveModels()) return;
  auto [code, j] = CheckWork(Quote("Lucas\u2019s essay"));
  CHECK(code == 0);
  CHECK(j["verdict"] == "publish");
  REQUIRE(j["names"].size() == 1);
  CHECK(j["names"][0]["match"] == "given_name");
  CHECK(j["names"][0]["student_id"] == "S1002");
  CHECK(j["names"][0]["text"] == "Lucas");
  CHECK(j["names"][0]["source"] == "caption");
}

TEST_CASE_METHOD(NamesCli, "a caption that is not UTF-8 goes to review, naming the field", "[cli][names]") {
  if (!pg::testing::CliFixture::HaveModels()) return;
  auto [code, j] = CheckWork("\"$(printf 'Field \\377 day')\"");
  CHECK(code == 1);
  CHECK(j["verdict"] == "review");
  REQUIRE(HasReason(j, "name_text_unreadable"));
  for (const auto& r : j["reasons"]) {
    if (r["code"] == "name_text_unreadable") {
      CHECK_THAT(r["message"].get<std::string>(), Catch::StartsWith("caption: ill-formed UTF-8"));
    }
  }
  // What can be read is still searched: the name blocks, and the report stays UTF-8.
  auto [named_code, named] = CheckWork("\"$(printf 'Lucas\\377 Ferreira')\"");
  CHECK(named_code == 2);
  CHECK(HasReason(named, "name_photo_pairing_without_permission"));
  CHECK(HasReason(named, "name_text_unreadable"));
  REQUIRE(named["names"].size() == 1);
  CHECK(named["names"][0]["text"] == "Lucas\ufffd Ferreira");
}
