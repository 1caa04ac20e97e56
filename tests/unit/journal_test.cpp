#include <catch2/catch.hpp>

#include "fakes/memory_file_system.h"
#include "publish/journal.h"

namespace {

std::string Text(pg::MemoryFileSystem& mem, const std::string& path) {
  const pg::Bytes& b = mem.files.at(path);
  return std::string(b.begin(), b.end());
}

}  // namespace

TEST_CASE("Journal: begin replaces an earlier journal, and records are appended one per line, 0600", "[publish]") {
  pg::MemoryFileSystem mem;
  mem.AddFile("/out/journal.jsonl", "{\"record\":\"begin\",\"pid\":1}\n{\"record\":\"item\",\"index\":0}\n");
  pg::Journal journal(&mem, "/out/journal.jsonl");
  REQUIRE(journal.Start({{"record", "begin"}, {"pid", 2}}).ok());
  REQUIRE(journal.Append({{"record", "item"}, {"index", 0}, {"file", "a\nb.png"}}).ok());
  REQUIRE(journal.Append({{"record", "end"}, {"items", 1}}).ok());
  CHECK(Text(mem, "/out/journal.jsonl") ==
        "{\"pid\":2,\"record\":\"begin\"}\n"
        "{\"file\":\"a\\nb.png\",\"index\":0,\"record\":\"item\"}\n"
        "{\"items\":1,\"record\":\"end\"}\n");
  CHECK(mem.modes.at("/out/journal.jsonl") == 0600);
  auto state = pg::ParseJournal(Text(mem, "/out/journal.jsonl"));
  REQUIRE(state.ok());
  CHECK(state->begin["pid"] == 2);
  CHECK(state->items.at(0)["file"] == "a\nb.png");
  CHECK(state->ended());
  CHECK_FALSE(state->interrupted());
}

TEST_CASE("ParseJournal: without an end record the run was interrupted, and a torn last line is ignored",
          "[publish]") {
  auto state = pg::ParseJournal(
      "{\"record\":\"begin\",\"pid\":7}\n"
      "{\"record\":\"item\",\"index\":0,\"publish_name\":\"a.png\",\"output_sha256\":\"aa\",\"verdict\":\"publish\"}\n"
      "{\"record\":\"item\",\"index\":1,\"publish_name\":\"b.png\",\"output_sha256\":\"bb\",\"verdict\":\"publish\"}\n"
      "{\"record\":\"item\",\"index\":1,\"verdict\":\"review\"}\n"
      "{\"record\":\"item\",\"index\":2,\"publish_na");
  REQUIRE(state.ok());
  CHECK(state->interrupted());
  REQUIRE(state->items.size() == 2);
  CHECK(state->items.at(1)["verdict"] == "review");  // the later record of an index wins
  // Every name a record gave, superseded ones included: the run put those files there.
  CHECK(state->outputs == std::map<std::string, std::string>{{"a.png", "aa"}, {"b.png", "bb"}});
  CHECK_FALSE(pg::ParseJournal("").value().begun());
}

TEST_CASE("ParseJournal: a damaged line before the last is BadData naming the line", "[publish]") {
  auto garbage = pg::ParseJournal("{\"record\":\"begin\"}\nnot json\n{\"record\":\"end\"}\n");
  CHECK(garbage.status().code() == pg::Code::kBadData);
  CHECK_THAT(garbage.status().message(), Catch::Contains("journal line 2"));
  CHECK_FALSE(pg::ParseJournal("{\"record\":\"item\"}\n").ok());          // no index
  CHECK_FALSE(pg::ParseJournal("{\"record\":\"rename\",\"index\":0}\n").ok());  // unknown record
  CHECK_FALSE(pg::ParseJournal("[1,2]\n").ok());
}
