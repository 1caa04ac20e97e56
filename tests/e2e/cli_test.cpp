// End-to-end: runs the publish-gate binary as a user would.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "directory/sqlite_directory_store.h"
#include "metadata/exif_writer.h"
#include "e2e/cli_fixture.h"
#include "test_util.h"

using namespace pg::testing;
namespace fs = std::filesystem;


TEST_CASE("version and help flags work on every command", "[cli]") {
  auto v = CliFixture::Run("--version");
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out, Catch::Contains("publish-gate 0."));
  for (const char* cmd : {"", "check ", "run ", "strip ", "directory ", "directory import "}) {
    auto h = CliFixture::Run(std::string(cmd) + "--help");
    INFO(cmd);
    CHECK(h.exit_code == 0);
    CHECK_THAT(h.out, Catch::Contains("Usage"));
  }
}

TEST_CASE("the default models folder is the source tree's, whatever the working directory", "[cli]") {
  TempDir elsewhere;
  auto h = RunCommand("cd " + Quote(elsewhere.path()) + " && " + Quote(kCli) + " check --help");
  REQUIRE(h.exit_code == 0);
  const std::string want = "model folder (default: " + std::string(PG_MODELS_DIR) + ")";
  CHECK_THAT(h.out, Catch::Contains(want));  // absolute: not "../../models" from a relative __FILE__
}

TEST_CASE("bad command lines exit 64", "[cli]") {
  CHECK(CliFixture::Run("").exit_code == 64);
  CHECK(CliFixture::Run("frobnicate").exit_code == 64);
  CHECK(CliFixture::Run("run only-input").exit_code == 64);
  CHECK(CliFixture::Run("check x.jpg --kind painting").exit_code == 64);
}

TEST_CASE_METHOD(CliFixture, "directory import: file is 0600 and bad rows are reported by line", "[cli]") {
  struct stat st {};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  WriteText(dir / "bad.csv",
            "student_id,first_name,last_name,photo_opt_out\n"
            "S1,Ann,Lee,Y\n"
            "S2,Bo,Kim,maybe\n"
            "S3,,Diaz,N\n");
  auto r = Run("directory import " + Quote(dir / "bad.csv") + " --db " + Quote(dir / "bad.db"));
  CHECK(r.exit_code == 65);
  CHECK_THAT(r.out, Catch::Contains("line 3"));
  CHECK_THAT(r.out, Catch::Contains("line 4"));
  CHECK_THAT(r.out, Catch::Contains("nothing was imported"));
  CHECK_FALSE(fs::exists(dir / "bad.db"));
  auto skipped = Run("directory import " + Quote(dir / "bad.csv") + " --db " + Quote(dir / "bad.db") +
                     " --skip-bad-rows");
  CHECK(skipped.exit_code == 65);
  CHECK_THAT(skipped.out, Catch::Contains("loaded 1"));
}

TEST_CASE_METHOD(CliFixture, "directory import maps a SIS export's column names", "[cli]") {
  WriteText(dir / "sis.csv",
            "Student ID,First Name,Last Name,Media Opt Out\n"
            "9001,Ann,Lee,Yes\n");
  auto r = Run("directory import " + Quote(dir / "sis.csv") + " --db " + Quote(dir / "sis.db") +
               " --map 'student_id=Student ID' --map 'first_name=First Name'"
               " --map 'last_name=Last Name' --map 'photo_opt_out=Media Opt Out'");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("loaded 1"));
}

TEST_CASE_METHOD(CliFixture, "check: clean photo publishes, --json gives the item report", "[cli]") {
  if (!HaveModels()) return;
  WriteBytes(dir / "garden.png", Encode(DrawScene(), ".png"));
  auto human = Run("check --no-recognition " + Quote(dir / "garden.png") + " --db " + Quote(db));
  CHECK(human.exit_code == 0);
  CHECK_THAT(human.out, Catch::Contains("PUBLISH"));
  auto r = RunStdout("check --no-recognition " + Quote(dir / "garden.png") + " --db " + Quote(db) + " --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["verdict"] == "publish");
  CHECK(j["sha256"].get<std::string>().size() == 64);
  CHECK(j["kind"] == "photo");
  CHECK(j["faces"].is_array());
  CHECK(j["names"].is_array());
  CHECK(j["metadata"]["found"].is_array());
  CHECK(j["output"].is_null());
}

TEST_CASE_METHOD(CliFixture, "check: a student's name on student work without permission blocks", "[cli]") {
  if (!HaveModels()) return;
  WriteBytes(dir / "essay.png", Encode(DrawScene(), ".png"));
  auto r = RunStdout("check --no-recognition " + Quote(dir / "essay.png") + " --db " + Quote(db) +
               " --kind student-work --caption 'Essay by LUKE FERREIRA' --json");
  CHECK(r.exit_code == 2);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["verdict"] == "block");
  CHECK(j["reasons"][0]["code"] == "name_photo_pairing_without_permission");
  CHECK(j["names"][0]["student_id"] == "S1002");
  CHECK(j["names"][0]["source"] == "caption");
  auto ok = Run("check --no-recognition " + Quote(dir / "essay.png") + " --db " + Quote(db) +
                " --kind student-work --caption 'Essay by Sofia Nunez' --school-year 2026-27");
  CHECK(ok.exit_code == 0);
}

TEST_CASE_METHOD(CliFixture, "check: a corrupt file is review with a precise reason", "[cli]") {
  if (!HaveModels()) return;
  pg::Bytes jpeg = Encode(DrawScene(), ".jpg");
  WriteBytes(dir / "cut.jpg", pg::Bytes(jpeg.begin(), jpeg.begin() + jpeg.size() / 3));
  auto r = Run("check --no-recognition " + Quote(dir / "cut.jpg") + " --db " + Quote(db));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("REVIEW") && Catch::Contains("undecodable"));
}

TEST_CASE_METHOD(CliFixture, "a missing directory database is exit 66 naming the path", "[cli]") {
  if (!HaveModels()) return;
  WriteBytes(dir / "a.png", Encode(DrawScene(), ".png"));
  auto r = Run("check --no-recognition " + Quote(dir / "a.png") + " --db " + Quote(dir / "nope.db"));
  CHECK(r.exit_code == 66);
  CHECK_THAT(r.out, Catch::Contains("nope.db"));
  CHECK_FALSE(fs::exists(dir / "nope.db"));
}

TEST_CASE_METHOD(CliFixture, "without any directory, check goes to review and says why", "[cli]") {
  if (!HaveModels()) return;
  WriteBytes(dir / "a.png", Encode(DrawScene(), ".png"));
  auto r = Run("check --no-recognition " + Quote(dir / "a.png"));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("directory_unavailable"));
}

TEST_CASE_METHOD(CliFixture, "run: reports, publish/ holds only sanitized publish items", "[cli]") {
  if (!HaveModels()) return;
  pg::SyntheticExif exif;
  exif.gps_lat = 40.0;
  exif.gps_lon = -75.0;
  auto gps = pg::InsertExifIntoJpeg(Encode(DrawScene(), ".jpg"), exif);
  REQUIRE(gps.ok());
  WriteBytes(dir / "in/photos/garden.jpg", *gps);
  WriteBytes(dir / "in/work/essay.png", Encode(DrawScene(), ".png"));
  WriteText(dir / "in/photos/broken.jpg", "\xFF\xD8\xFF garbage");
  WriteText(dir / "in/manifest.csv",
            "file,caption,alt_text,page,kind\n"
            "photos/garden.jpg,Garden day,Apples on a table,news,photo\n"
            "work/essay.png,Essay by Maya Okafor,,writing,student-work\n"
            "photos/broken.jpg,,,news,photo\n"
            "../../etc/passwd,,,news,photo\n");
  auto r = Run("run --no-recognition " + Quote(dir / "in/manifest.csv") + " --out " + Quote(dir / "out") + " --db " + Quote(db));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("4 item(s): 1 publish, 2 review, 1 block"));
  auto j = nlohmann::json::parse(ReadText(dir / "out/report.json"));
  REQUIRE(j["items"].size() == 4);
  CHECK(j["summary"]["publish"] == 1);
  CHECK(j["items"][0]["verdict"] == "publish");
  CHECK(j["items"][0]["output"] == dir / "out/publish/photos/garden.jpg");
  bool gps_found = false;
  for (const auto& f : j["items"][0]["metadata"]["found"]) gps_found |= f["kind"] == "gps";
  CHECK(gps_found);
  CHECK_FALSE(j["items"][0]["metadata"]["removed"].empty());
  CHECK(j["items"][1]["verdict"] == "block");
  CHECK(j["items"][2]["reasons"][0]["code"] == "undecodable");
  CHECK(j["items"][3]["reasons"][0]["code"] == "ingest_error");
  std::string csv = ReadText(dir / "out/report.csv");
  CHECK_THAT(csv, Catch::StartsWith("file,verdict,reasons,faces,names,output,sha256\n"));
  CHECK_THAT(csv, Catch::Contains("work/essay.png,block,name_photo_pairing_without_permission"));
  std::vector<std::string> published;
  for (auto& e : fs::recursive_directory_iterator(dir / "out/publish")) {
    if (e.is_regular_file()) published.push_back(e.path().lexically_relative(dir / "out/publish").string());
  }
  REQUIRE(published == std::vector<std::string>{"photos/garden.jpg"});
  pg::Bytes out = ReadBytes(dir / "out/publish/photos/garden.jpg");
  std::string text(out.begin(), out.end());
  CHECK(text.find("Exif") == std::string::npos);

  auto again = Run("run --no-recognition " + Quote(dir / "in/manifest.csv") + " --out " + Quote(dir / "out") + " --db " + Quote(db));
  CHECK(again.exit_code == 73);
  CHECK_THAT(again.out, Catch::Contains("--overwrite"));
}

TEST_CASE_METHOD(CliFixture, "run: a missing input is exit 66", "[cli]") {
  auto r = Run("run --no-recognition " + Quote(dir / "absent") + " --out " + Quote(dir / "out") + " --db " + Quote(db));
  CHECK(r.exit_code == 66);
  CHECK_THAT(r.out, Catch::Contains("absent"));
}

TEST_CASE("strip removes GPS EXIF and keeps the picture", "[cli]") {
  TempDir dir;
  pg::SyntheticExif exif;
  exif.gps_lat = 40.0;
  exif.gps_lon = -75.0;
  exif.artist = "Pat Example";
  auto gps = pg::InsertExifIntoJpeg(Encode(DrawScene(), ".jpg"), exif);
  REQUIRE(gps.ok());
  WriteBytes(dir / "in.jpg", *gps);
  auto r = CliFixture::Run("strip " + Quote(dir / "in.jpg") + " " + Quote(dir / "out.jpg"));
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Exif"));
  pg::Bytes out = ReadBytes(dir / "out.jpg");
  std::string text(out.begin(), out.end());
  CHECK(text.find("Pat Example") == std::string::npos);
  cv::Mat a = cv::imread(dir / "in.jpg"), b = cv::imread(dir / "out.jpg");
  REQUIRE(a.size() == b.size());
  CHECK(cv::norm(a, b, cv::NORM_INF) == 0);
  auto bad = CliFixture::Run("strip " + Quote(dir / "missing.jpg") + " " + Quote(dir / "o.jpg"));
  CHECK(bad.exit_code == 66);
}

TEST_CASE("check blocks an opted-out student named on a real face photo", "[cli][testdata]") {
  if (!pg::testing::CliFixture::HaveModels()) return;
  TempDir dir;
  WriteText(dir / "students.csv", kStudentsCsv);
  std::string db = dir / "dir.db";
  REQUIRE(CliFixture::Run("directory import " + Quote(dir / "students.csv") + " --db " + Quote(db)).exit_code == 0);
  std::string photo = std::string(PG_TESTDATA_DIR) + "/identities/obama/1.jpg";
  auto r = CliFixture::RunStdout("check --no-recognition " + Quote(photo) + " --db " + Quote(db) +
                           " --caption 'Maya Okafor at assembly' --json");
  CHECK(r.exit_code == 2);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["faces"].size() >= 1);
  CHECK(j["faces"][0]["detector"] == "ssd-mobilenetv1");  // the default detector
  CHECK(j["reasons"][0]["code"] == "opted_out_name_with_photo");
  auto plain = CliFixture::RunStdout("check --no-recognition " + Quote(photo) + " --db " + Quote(db) + " --json");
  CHECK(plain.exit_code == 1);
  CHECK(nlohmann::json::parse(plain.out)["reasons"][0]["code"] == "faces_unchecked");
}

TEST_CASE("strip --out-dir strips files and folders in one process, past failures", "[cli]") {
  TempDir dir;
  pg::SyntheticExif exif;
  exif.gps_lat = 40.0;
  exif.gps_lon = -75.0;
  auto gps = pg::InsertExifIntoJpeg(Encode(DrawScene(), ".jpg"), exif);
  REQUIRE(gps.ok());
  WriteBytes(dir / "in/a.jpg", *gps);
  WriteBytes(dir / "in/sub/b.jpg", *gps);
  WriteText(dir / "in/sub/broken.jpg", "\xFF\xD8\xFF not really");
  WriteBytes(dir / "single.jpeg", *gps);
  auto r = CliFixture::Run("strip " + Quote(dir / "in") + " " + Quote(dir / "single.jpeg") + " --out-dir " +
                           Quote(dir / "out") + " -q");
  CHECK(r.exit_code == 65);
  CHECK_THAT(r.out, Catch::Contains("broken.jpg") && Catch::Contains("stripped 3 file(s)") &&
                        Catch::Contains("1 failed"));
  for (const char* f : {"out/a.jpg", "out/sub/b.jpg", "out/single.jpeg"}) {
    INFO(f);
    REQUIRE(fs::exists(dir / f));
    pg::Bytes out = ReadBytes(dir / f);
    CHECK(std::string(out.begin(), out.end()).find("Exif") == std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir / "out/sub/broken.jpg"));
  CHECK(CliFixture::Run("strip " + Quote(dir / "in/a.jpg")).exit_code == 64);
}

TEST_CASE("strip --jobs 1 and --jobs 4 print the same messages in input order", "[cli]") {
  TempDir dir;
  pg::SyntheticExif exif;
  exif.artist = "Pat Example";
  for (int i = 0; i < 12; ++i) {
    const std::string name = dir / ("in/p" + std::to_string(10 + i));
    if (i % 4 == 3) {
      WriteText(name + ".jpg", "\xFF\xD8\xFF broken");
      continue;
    }
    auto jpeg = pg::InsertExifIntoJpeg(Encode(DrawScene(80 + 40 * i, 60 + 30 * i), ".jpg"), exif);
    REQUIRE(jpeg.ok());
    WriteBytes(name + ".jpg", *jpeg);
  }
  std::string first;
  for (const char* jobs : {"1", "4"}) {
    // Same-length output folders, so the printed paths differ in one character only.
    auto r = CliFixture::Run("strip " + Quote(dir / "in") + " --out-dir " + Quote(dir / "o" + jobs) +
                             " --jobs " + jobs);
    CHECK(r.exit_code == 65);
    std::string out = r.out;
    for (std::size_t at; (at = out.find(dir / "o" + jobs)) != std::string::npos;) {
      out.replace(at, (dir / "o").size() + 1, "OUT");
    }
    CHECK_THAT(out, Catch::Contains("stripped 9 file(s) into OUT; 3 failed"));
    if (first.empty()) first = out;
    else CHECK(out == first);
  }
  CHECK(first.find("p10.jpg") < first.find("p11.jpg"));
  CHECK(first.find("p19.jpg") < first.find("p20.jpg"));
  CHECK(CliFixture::Run("strip " + Quote(dir / "in") + " --out-dir " + Quote(dir / "o0") + " --jobs 0")
            .exit_code == 64);
}

TEST_CASE_METHOD(CliFixture, "malformed files: run and strip finish with clear errors, nothing bad published",
                 "[cli][testdata]") {
  if (!HaveModels()) return;
  const std::string malformed = std::string(PG_TESTDATA_DIR) + "/malformed";
  auto r = Run("run --no-recognition " + Quote(malformed) + " --out " + Quote(dir / "out") + " --db " + Quote(db));
  INFO(r.out);
  REQUIRE((r.exit_code == 1 || r.exit_code == 2));
  auto j = nlohmann::json::parse(ReadText(dir / "out/report.json"));
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(malformed)) files += e.is_regular_file() ? 1 : 0;
  CHECK(j["items"].size() == files);
  size_t review = 0;
  for (const auto& item : j["items"]) {
    INFO(item["file"].get<std::string>());
    if (item["verdict"] == "publish") {
      CHECK(item["reasons"].empty());
      CHECK(item["metadata"]["verified"] == true);
      REQUIRE(item["output"].is_string());
      CHECK(fs::exists(item["output"].get<std::string>()));
    } else {
      ++review;
      REQUIRE_FALSE(item["reasons"].empty());
      CHECK_FALSE(item["reasons"][0]["message"].get<std::string>().empty());
      CHECK(item["output"].is_null());
    }
  }
  CHECK(review > files / 2);  // most are corrupt; a few are valid but unusual encodings

  auto s = Run("strip " + Quote(malformed) + " --out-dir " + Quote(dir / "stripped") + " -q");
  CHECK(s.exit_code == 65);
  CHECK_THAT(s.out, Catch::Contains("failed"));
}

TEST_CASE("strip publishes HEIC as JPEG by default, PNG on request", "[cli][testdata]") {
  TempDir dir;
  const std::string heic = std::string(PG_TESTDATA_DIR) + "/detection/negatives/IMG_3578.heic";
  auto jpeg = CliFixture::Run("strip " + Quote(heic) + " --out-dir " + Quote(dir / "a") + " -q");
  CHECK(jpeg.exit_code == 0);
  CHECK(fs::exists(dir / "a/IMG_3578.jpg"));
  auto png = CliFixture::Run("strip " + Quote(heic) + " --out-dir " + Quote(dir / "b") +
                             " -q --heif-output png");
  CHECK(png.exit_code == 0);
  REQUIRE(fs::exists(dir / "b/IMG_3578.png"));
  pg::Bytes head = ReadBytes(dir / "b/IMG_3578.png");
  CHECK(head.size() > 8);
  CHECK(head[1] == 'P');
  CHECK(CliFixture::Run("strip " + Quote(heic) + " --out-dir " + Quote(dir / "c") +
                        " --heif-output gif").exit_code == 64);
}

TEST_CASE_METHOD(CliFixture, "recognition on without its model files is exit 78 naming the way out",
                 "[cli][enrolment]") {
  WriteBytes(dir / "a.png", Encode(DrawScene(), ".png"));
  auto r = Run("check " + Quote(dir / "a.png") + " --db " + Quote(db) + " --detector hog --models " +
               Quote(dir / "no-models"));
  CHECK(r.exit_code == 78);
  CHECK_THAT(r.out, Catch::Contains("no-models") && Catch::Contains("--no-recognition"));
  // The default detector (SSD) needs its weights too, and says what needs none.
  auto d = Run("check " + Quote(dir / "a.png") + " --db " + Quote(db) + " --no-recognition --models " +
               Quote(dir / "no-models"));
  CHECK(d.exit_code == 78);
  CHECK_THAT(d.out, Catch::Contains("tools/fetch-models") && Catch::Contains("--detector hog"));
  auto e = Run("directory enroll --db " + Quote(db) + " --detector hog --models " + Quote(dir / "no-models"));
  CHECK(e.exit_code == 78);
  CHECK_THAT(e.out, Catch::Contains("no-models"));
}

TEST_CASE_METHOD(CliFixture, "with recognition off and HOG detection no model is needed and the report says so",
                 "[cli][enrolment]") {
  WriteBytes(dir / "in/a.png", Encode(DrawScene(), ".png"));
  auto r = Run("run " + Quote(dir / "in") + " --out " + Quote(dir / "out") + " --db " + Quote(db) +
               " --no-recognition --detector hog --models " + Quote(dir / "no-models"));
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(ReadText(dir / "out/report.json"));
  CHECK(j["summary"]["face_recognition"] == false);
}

TEST_CASE_METHOD(CliFixture, "directory purge: one student's face descriptors, all of them, or everything",
                 "[cli][enrolment]") {
  {
    auto store = pg::SqliteDirectoryStore::Open(db, false);
    REQUIRE(store.ok());
    for (const char* id : {"S1001", "S1002"}) {
      pg::Enrolment e;
      e.student_id = id;
      e.photo_path = "/ref/" + std::string(id) + ".jpg";
      e.photo_sha256 = std::string(64, '0');
      e.model_id = "test-model";
      e.descriptor.assign(128, 0.25f);
      e.enrolled_at = "2026-09-01T00:00:00Z";
      e.expires_at = "2027-06-30";
      REQUIRE((*store)->ReplaceEnrolments(id, {e}).ok());
    }
  }
  auto count = [&]() {
    auto store = pg::SqliteDirectoryStore::Open(db, false);
    REQUIRE(store.ok());
    auto n = (*store)->CountEnrolments();
    REQUIRE(n.ok());
    auto s = (*store)->CountStudents();
    REQUIRE(s.ok());
    return std::make_pair(*n, *s);
  };
  auto one = Run("directory purge --db " + Quote(db) + " --student S1001");
  CHECK(one.exit_code == 0);
  CHECK_THAT(one.out, Catch::Contains("deleted 1 face descriptor(s) of student S1001"));
  CHECK(count() == std::make_pair(1, 3));
  CHECK(Run("directory purge --db " + Quote(db) + " --student S9999").exit_code == 66);
  auto faces = Run("directory purge --db " + Quote(db) + " --faces-only");
  CHECK(faces.exit_code == 0);
  CHECK(count() == std::make_pair(0, 3));
  auto all = Run("directory purge --db " + Quote(db));
  CHECK(all.exit_code == 0);
  CHECK(count() == std::make_pair(0, 0));
  struct stat st {};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

#ifdef PG_MODELS_DIR
TEST_CASE_METHOD(CliFixture, "directory enroll refuses a student without opt-out unless --all-students",
                 "[cli][enrolment][recognition]") {
  if (!HaveModels()) return;
  auto r = Run("directory enroll --db " + Quote(db) + " --models " + Quote(PG_MODELS_DIR) +
               " --student S1002");
  CHECK(r.exit_code == 78);
  CHECK_THAT(r.out, Catch::Contains("--all-students"));
}

TEST_CASE("enrolled opted-out student is recognised on a real photo and blocked",
          "[cli][recognition][testdata]") {
  if (!pg::testing::CliFixture::HaveModels()) return;
  TempDir dir;
  const std::string ids = std::string(PG_TESTDATA_DIR) + "/identities";
  WriteText(dir / "students.csv",
            "student_id,first_name,last_name,photo_opt_out,reference_photos\n"
            "S1001,Maya,Okafor,Y," + ids + "/obama/1.jpg\n"
            "S1002,Lucas,Ferreira,N,\n");
  const std::string db = dir / "dir.db";
  REQUIRE(CliFixture::Run("directory import " + Quote(dir / "students.csv") + " --db " + Quote(db)).exit_code == 0);
  const std::string models = " --models " + Quote(PG_MODELS_DIR);
  auto enrol = CliFixture::Run("directory enroll --db " + Quote(db) + models);
  INFO(enrol.out);
  REQUIRE(enrol.exit_code == 0);
  CHECK_THAT(enrol.out, Catch::Contains("enrolled 1 student(s) from 1 reference photo(s)"));

  auto check = [&](const std::string& photo) {
    // stdout (the JSON) to a file; stderr (warnings) stays in r.out.
    auto r = RunCommand("{ HOME=/nonexistent-home XDG_DATA_HOME= " + Quote(kCli) + " check " +
                        Quote(ids + "/" + photo) + " --db " + Quote(db) + models + " --json > " +
                        Quote(dir / "out.json") + "; }");
    INFO(r.out);
    return std::make_pair(r.exit_code, nlohmann::json::parse(ReadText(dir / "out.json")));
  };
  auto [same_code, same] = check("obama/1.jpg");  // the reference photo itself
  CHECK(same_code == 2);
  REQUIRE(same["faces"].size() >= 1);
  CHECK(same["faces"][0]["match"]["status"] == "opted_out");
  CHECK(same["faces"][0]["match"]["student_id"] == "S1001");
  CHECK(same["reasons"][0]["code"] == "opted_out_student_in_photo");

  auto [other_code, other] = check("obama/2.jpg");  // another photo of the same person
  REQUIRE(other["faces"].size() >= 1);
  CHECK(other_code != 0);
  CHECK((other["faces"][0]["match"]["status"] == "opted_out" ||
         other["faces"][0]["match"]["status"] == "uncertain"));

  auto [stranger_code, stranger] = check("biden/1.jpg");
  REQUIRE(stranger["faces"].size() >= 1);
  CHECK(stranger["faces"][0]["match"]["status"] != "opted_out");

  WriteBytes(dir / "in/garden.png", Encode(DrawScene(), ".png"));
  auto run = CliFixture::Run("run " + Quote(dir / "in") + " --out " + Quote(dir / "out") + " --db " +
                             Quote(db) + models);
  CHECK(run.exit_code == 0);
  CHECK(nlohmann::json::parse(ReadText(dir / "out/report.json"))["summary"]["face_recognition"] == true);

  CHECK(CliFixture::Run("directory purge --db " + Quote(db) + " --faces-only").exit_code == 0);
  auto [after_code, after] = check("obama/1.jpg");  // no enrolment left: not recognisable
  CHECK(after_code == 1);
  CHECK(after["faces"][0]["match"]["status"] == "no_match");
}
#endif

TEST_CASE_METHOD(CliFixture, "an unknown --detector is exit 64 with a message listing the names", "[cli][detector]") {
  WriteBytes(dir / "a.png", Encode(DrawScene(), ".png"));
  const std::vector<std::string> commands = {
      "check --no-recognition " + Quote(dir / "a.png"),
      "run --no-recognition " + Quote(dir.path()) + " --out " + Quote(dir / "out"),
      "directory enroll --db " + Quote(db)};
  for (const auto& cmd : commands) {
    INFO(cmd);
    auto r = Run(cmd + " --detector nope");
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.out, Catch::Contains("unknown face detector 'nope'") && Catch::Contains("valid names: hog"));
  }
  CHECK(Run("check --no-recognition --detector hog+hog " + Quote(dir / "a.png")).exit_code == 64);
  CHECK(Run("check --no-recognition --min-face 0 " + Quote(dir / "a.png")).exit_code == 64);
}

TEST_CASE_METHOD(CliFixture, "the report names the detector config, and --detector hog --no-tiling is plain HOG as before",
                 "[cli][detector]") {
  if (!HaveModels()) return;
  WriteBytes(dir / "in/a.png", Encode(DrawScene(), ".png"));
  auto tiled = Run("run --no-recognition " + Quote(dir / "in") + " --out " + Quote(dir / "tiled") + " --db " + Quote(db));
  CHECK(tiled.exit_code == 0);
  auto j = nlohmann::json::parse(ReadText(dir / "tiled/report.json"));
  CHECK(j["summary"]["face_detector"] ==
        "ssd-mobilenetv1 tiled (512 px tiles, faces >= 25 px), also turned 90/270 when a probe (faces >= 50 px) finds a face scoring >= 0.80");
  CHECK(j["items"][0]["verdict"] == "publish");

  auto plain = Run("run --no-recognition --detector hog --no-tiling --rotations off " + Quote(dir / "in") + " --out " +
                   Quote(dir / "plain") + " --db " + Quote(db));
  CHECK(plain.exit_code == 0);
  j = nlohmann::json::parse(ReadText(dir / "plain/report.json"));
  CHECK(j["summary"]["face_detector"] == "dlib-hog");
  CHECK(j["items"][0]["verdict"] == "publish");

  auto bigger = Run("run --no-recognition --min-face 48 " + Quote(dir / "in") + " --out " + Quote(dir / "big") +
                    " --db " + Quote(db));
  CHECK(bigger.exit_code == 0);
  j = nlohmann::json::parse(ReadText(dir / "big/report.json"));
  CHECK(j["summary"]["face_detector"] ==
        "ssd-mobilenetv1 tiled (512 px tiles, faces >= 48 px), also turned 90/270 when a probe (faces >= 96 px) finds a face scoring >= 0.80");
}

TEST_CASE_METHOD(CliFixture, "the rotation mode off auto or all is named in the report and a bad one is exit 64",
                 "[cli][detector]") {
  if (!HaveModels()) return;
  WriteBytes(dir / "in/a.png", Encode(DrawScene(), ".png"));
  const std::vector<std::pair<std::string, std::string>> modes = {
      {"", ", also turned 90/270 when a probe (faces >= 50 px) finds a face scoring >= 0.80"},  // the default: auto
      {"--rotations auto", ", also turned 90/270 when a probe (faces >= 50 px) finds a face scoring >= 0.80"},
      {"--rotations all", ", also turned 90/270"},
      {"--rotations off", ""}};
  for (size_t i = 0; i < modes.size(); ++i) {
    const auto& [flag, suffix] = modes[i];
    INFO(flag);
    const std::string out = dir / ("out" + std::to_string(i));
    auto r = Run("run --no-recognition " + flag + " " + Quote(dir / "in") + " --out " + Quote(out) + " --db " + Quote(db));
    CHECK(r.exit_code == 0);
    auto j = nlohmann::json::parse(ReadText(out + "/report.json"));
    CHECK(j["summary"]["face_detector"] == "ssd-mobilenetv1 tiled (512 px tiles, faces >= 25 px)" + suffix);
  }
  const std::vector<std::string> commands = {
      "check --no-recognition " + Quote(dir / "in/a.png"),
      "run --no-recognition " + Quote(dir / "in") + " --out " + Quote(dir / "bad"),
      "directory enroll --db " + Quote(db)};
  for (const auto& cmd : commands) {
    INFO(cmd);
    auto r = Run(cmd + " --rotations sideways");
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.out, Catch::Contains("unknown rotation mode 'sideways'; valid: off, auto, all"));
  }
}

TEST_CASE_METHOD(CliFixture, "a group photo taken sideways has its faces found turned and says so",
                 "[cli][detector][testdata]") {
  if (!HaveModels()) return;
  // The photo as a phone held sideways without EXIF orientation gives it (derived in a temp dir).
  const cv::Mat photo =
      cv::imread(std::string(PG_TESTDATA_DIR) + "/detection/dlib_faces/2007_007763.jpg", cv::IMREAD_COLOR);
  REQUIRE_FALSE(photo.empty());
  cv::Mat sideways;
  cv::rotate(photo, sideways, cv::ROTATE_90_COUNTERCLOCKWISE);
  WriteBytes(dir / "sideways.png", Encode(sideways, ".png"));
  auto faces = [&](const std::string& flags) {
    auto r = RunStdout("check --no-recognition --json --db " + Quote(db) + " " + flags + " " + Quote(dir / "sideways.png"));
    REQUIRE(r.exit_code == 1);
    return nlohmann::json::parse(r.out)["faces"];
  };
  auto off = faces("--rotations off"), found = faces("");
  INFO(off.size() << " faces with --rotations off, " << found.size() << " by default");
  CHECK(found.size() >= 6);  // 7 annotated faces
  CHECK(off.size() < found.size());
  int turned = 0;  // found in the turn that rights them, first or also
  for (const auto& f : found) {
    const auto also = f.value("other_quarter_turns", nlohmann::json::array());
    turned += f.value("quarter_turns", 0) == 1 || std::find(also.begin(), also.end(), 1) != also.end() ? 1 : 0;
  }
  CHECK(turned == static_cast<int>(found.size()));
  auto text = Run("check --no-recognition --db " + Quote(db) + " " + Quote(dir / "sideways.png"));
  CHECK_THAT(text.out, Catch::Contains("faces found in the photo turned") && Catch::Contains("(found turned 90\u00b0)"));
}

TEST_CASE_METHOD(CliFixture, "a --min-face the detector cannot reach is exit 78, not fewer faces", "[cli][detector]") {
  if (!HaveModels()) return;
  WriteBytes(dir / "a.png", Encode(DrawScene(), ".png"));
  auto r = Run("check --no-recognition --detector hog --min-face 10 " + Quote(dir / "a.png") + " --db " + Quote(db));
  CHECK(r.exit_code == 78);
  CHECK_THAT(r.out, Catch::Contains("cannot find faces under 20 px"));
  auto ssd = Run("check --no-recognition --min-face 10 " + Quote(dir / "a.png") + " --db " + Quote(db));
  CHECK(ssd.exit_code == 78);
  CHECK_THAT(ssd.out, Catch::Contains("ssd-mobilenetv1 cannot find faces under 12 px"));
  // Without tiling the smallest face is the detector's own; nothing to refuse.
  CHECK(Run("check --no-recognition --no-tiling --min-face 10 " + Quote(dir / "a.png") + " --db " + Quote(db))
            .exit_code == 0);
}

TEST_CASE_METHOD(CliFixture, "tiled and untiled HOG find the same face on a portrait", "[cli][detector][testdata]") {
  const std::string photo = std::string(PG_TESTDATA_DIR) + "/identities/obama/1.jpg";
  auto faces = [&](const std::string& flags) {
    auto r = RunStdout("check --no-recognition --json --db " + Quote(db) + " " + flags + " " + Quote(photo));
    REQUIRE(r.exit_code == 1);
    return nlohmann::json::parse(r.out)["faces"];
  };
  auto tiled = faces("--detector hog"), plain = faces("--detector hog --no-tiling");
  REQUIRE(tiled.size() == 1);
  REQUIRE(plain.size() == 1);
  CHECK(tiled[0]["detector"] == "dlib-hog");
  CHECK(plain[0]["detector"] == "dlib-hog");
  const int tx = tiled[0]["box"]["x"], px = plain[0]["box"]["x"], pw = plain[0]["box"]["w"];
  CHECK(std::abs(tx - px) < pw / 4);
}
