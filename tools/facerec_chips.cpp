// pg_facerec_chips: writes the 150x150 face chips that the golden test feeds both to
// publish-gate's DlibFaceEmbedder network and to face-api.js (tools/facerec-golden), plus
// OUT/chips.json describing them. Run by tools/fetch-models.
//   synthetic-*.png   deterministic images made here (no third-party data): a drawn face
//                     cut through the landmark chipper, a drawn face, noise, gradients
//   identities-*.png  when --identities is given: the largest HOG face of each photo,
//                     chipped; chips.json records the photo and box so the test can
//                     re-cut the chip from the photo in place.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/sha256.h"
#include "faces/dlib_face_embedder.h"
#include "faces/face_detector.h"

namespace fs = std::filesystem;

namespace {

constexpr int kSide = pg::FaceChipper::kChipSize;

/// A cartoon face on a graded background, `side` pixels square.
cv::Mat DrawFace(int side, std::uint64_t seed) {
  cv::Mat img(side, side, CV_8UC3);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      img.at<cv::Vec3b>(y, x) = cv::Vec3b(90 + 80 * x / side, 110, 150 - 60 * y / side);
  const double s = side / 150.0;
  auto p = [s](double x, double y) { return cv::Point(int(x * s), int(y * s)); };
  cv::ellipse(img, p(75, 80), cv::Size(int(42 * s), int(56 * s)), 0, 0, 360, cv::Scalar(120, 160, 210), -1);
  for (double ex : {58.0, 92.0}) {
    cv::ellipse(img, p(ex, 68), cv::Size(int(9 * s), int(5 * s)), 0, 0, 360, cv::Scalar(250, 250, 250), -1);
    cv::circle(img, p(ex, 68), int(4 * s), cv::Scalar(60, 40, 30), -1);
    cv::line(img, p(ex - 11, 55), p(ex + 11, 53), cv::Scalar(40, 50, 70), std::max(1, int(3 * s)));
  }
  cv::line(img, p(75, 72), p(71, 95), cv::Scalar(90, 120, 170), std::max(1, int(2 * s)));
  cv::ellipse(img, p(75, 108), cv::Size(int(16 * s), int(6 * s)), 0, 0, 180, cv::Scalar(70, 60, 160), std::max(1, int(3 * s)));
  cv::Mat noise(side, side, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(6));
  cv::add(img, noise, img);
  return img;
}

std::vector<std::pair<std::string, cv::Mat>> SyntheticChips(const pg::FaceChipper& chipper) {
  std::vector<std::pair<std::string, cv::Mat>> chips;
  cv::Mat canvas(480, 640, CV_8UC3, cv::Scalar(200, 190, 180));
  DrawFace(300, 7).copyTo(canvas(cv::Rect(170, 90, 300, 300)));
  pg::Result<cv::Mat> cut = chipper.Chip(canvas, pg::Box{220, 160, 200, 200});
  if (cut.ok()) chips.emplace_back("synthetic-chipped-face", *cut);
  chips.emplace_back("synthetic-face", DrawFace(kSide, 11));
  cv::Mat noise(kSide, kSide, CV_8UC3);
  cv::RNG rng(12345);
  rng.fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(256));
  chips.emplace_back("synthetic-noise", noise);
  cv::Mat grad(kSide, kSide, CV_8UC3);
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x)
      grad.at<cv::Vec3b>(y, x) = cv::Vec3b((x + y) * 255 / (2 * kSide), y * 255 / kSide, x * 255 / kSide);
  chips.emplace_back("synthetic-gradient", grad);
  return chips;
}

std::string PixelSha(const cv::Mat& chip) {
  const cv::Mat c = chip.isContinuous() ? chip : chip.clone();
  return pg::Sha256Hex(pg::Bytes(c.data, c.data + c.total() * c.elemSize()));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes face chips and chips.json for the face-recognition golden test."};
  std::string models, out, identities;
  app.add_option("--models", models, "models folder (landmark model, manifest.txt)")->required();
  app.add_option("--out", out, "folder for the chips and chips.json")->required();
  app.add_option("--identities", identities, "shared testdata identities/ folder (optional)");
  CLI11_PARSE(app, argc, argv);

  pg::Result<pg::Bytes> landmarks = pg::ReadVerifiedModel(models, pg::kLandmarkModelFile);
  if (!landmarks.ok()) {
    std::cerr << "pg_facerec_chips: " << landmarks.status().message() << "\n";
    return 78;
  }
  auto chipper = pg::FaceChipper::Deserialize(*landmarks, pg::kLandmarkModelFile);
  if (!chipper.ok()) {
    std::cerr << "pg_facerec_chips: " << chipper.status().message() << "\n";
    return 78;
  }
  fs::create_directories(out);
  nlohmann::json list = nlohmann::json::array();
  auto write = [&](const std::string& name, const cv::Mat& chip, nlohmann::json entry) {
    entry["name"] = name;
    entry["chip"] = name + ".png";
    entry["chip_sha256"] = PixelSha(chip);
    if (!cv::imwrite((fs::path(out) / (name + ".png")).string(), chip)) {
      std::cerr << "pg_facerec_chips: cannot write " << name << ".png\n";
      std::exit(73);
    }
    list.push_back(entry);
  };
  for (const auto& [name, chip] : SyntheticChips(**chipper)) write(name, chip, nlohmann::json::object());

  int photos = 0, faceless = 0;
  if (!identities.empty()) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(identities)) {
      std::string ext = e.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
      if (e.is_regular_file() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    auto detector = pg::MakeDlibHogDetector(1, 2000);
    for (const fs::path& f : files) {
      ++photos;
      const cv::Mat bgr = cv::imread(f.string(), cv::IMREAD_COLOR);
      auto faces = bgr.empty() ? pg::Result<std::vector<pg::FaceFact>>(std::vector<pg::FaceFact>{})
                               : detector->Detect(bgr);
      if (!faces.ok() || faces->empty()) {
        ++faceless;
        continue;
      }
      const pg::FaceFact& face = *std::max_element(faces->begin(), faces->end(), [](auto& a, auto& b) {
        return a.box.w * a.box.h < b.box.w * b.box.h;
      });
      pg::Result<cv::Mat> chip = (*chipper)->Chip(bgr, face.box);
      if (!chip.ok()) {
        ++faceless;
        continue;
      }
      const std::string rel = fs::relative(f, identities).generic_string();
      std::string name = "identities-" + rel.substr(0, rel.rfind('.'));
      std::replace(name.begin(), name.end(), '/', '-');
      write(name, *chip, {{"source", "identities/" + rel},
                          {"box", {face.box.x, face.box.y, face.box.w, face.box.h}}});
    }
  }
  std::ofstream(fs::path(out) / "chips.json") << list.dump(1) << "\n";
  std::cout << "pg_facerec_chips: " << list.size() << " chips in " << out;
  if (!identities.empty()) std::cout << " (" << photos << " photos, " << faceless << " without a face)";
  std::cout << "\n";
  return 0;
}
