// identity_labels: LABELS.csv rows become photos with their people and role, or one precise error.
#include "faces/identity_labels.h"

#include <catch2/catch.hpp>

using pg::PhotoRole;

TEST_CASE("identity labels give each photo its role", "[identity_labels]") {
  auto labels = pg::ParseIdentityLabels(
      "file,person,source\n"
      "amy/1.png,amy,x\n"
      "_variants_amy/1.jpg,amy,y\n"
      "_multi/1.jpg,amy;bob,z\n"
      "_distractors/1.jpg,unknown,w\n"
      "\n"
      "_multi/2.jpg, cy ; dee ,v\n");
  REQUIRE(labels.ok());
  REQUIRE(labels->size() == 5);
  CHECK((*labels)[0].role == PhotoRole::kReference);
  CHECK((*labels)[1].role == PhotoRole::kVariant);
  CHECK((*labels)[2].role == PhotoRole::kMulti);
  CHECK((*labels)[2].people == std::vector<std::string>{"amy", "bob"});
  CHECK((*labels)[3].role == PhotoRole::kDistractor);
  CHECK((*labels)[3].people.empty());
  CHECK((*labels)[4].people == std::vector<std::string>{"cy", "dee"});
  CHECK(std::string(pg::PhotoRoleName(PhotoRole::kMulti)) == "multi");
}

TEST_CASE("malformed identity labels are one precise error", "[identity_labels]") {
  auto message = [](const std::string& csv) {
    auto r = pg::ParseIdentityLabels(csv);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == pg::Code::kBadData);
    return r.status().message();
  };
  CHECK_THAT(message("name,who\na,b\n"), Catch::Contains("line 1") && Catch::Contains("file and person"));
  CHECK_THAT(message("file,person\na.png,amy\na.png,bob\n"), Catch::Contains("line 3") && Catch::Contains("listed twice"));
  CHECK_THAT(message("file,person\n../x.png,amy\n"), Catch::Contains("inside the identities folder"));
  CHECK_THAT(message("file,person\n/etc/x.png,amy\n"), Catch::Contains("inside the identities folder"));
  CHECK_THAT(message("file,person\nx.png,amy;unknown\n"), Catch::Contains("unknown alone"));
  CHECK_THAT(message("file,person\nx.png,\n"), Catch::Contains("must not be empty"));
  CHECK_THAT(message("file,person\n\"x.png,amy\n"), Catch::Contains("unterminated"));
}
