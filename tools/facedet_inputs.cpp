// pg_facedet_inputs: writes the images that the face-detection golden test feeds both to
// publish-gate's SSD MobileNetV1 port and to face-api.js (tools/facedet-golden), as PNGs
// holding the exact RGB pixels the C++ side works on, plus OUT/inputs.json describing
// them. Run by tools/fetch-models.
//   synthetic-*.png  deterministic images drawn here (no third-party data): cartoon faces
//                    (usually no detection: useful "no face" cases), a scene, noise, a
//                    gradient; sizes chosen to exercise padding (right and bottom), down-
//                    and up-scaling, and a 512-px side that needs no resize
//   testdata-*.png   when --testdata is given: a fixed selection of its photos, decoded
//                    with cv::imread; inputs.json records the photo so the test decodes
//                    it again in place (the photos never leave build/).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/sha256.h"

namespace fs = std::filesystem;

namespace {

/// Photos of ../shared/testdata used for golden boxes: annotated detection photos,
/// negatives, group photos, and portraits (padding on the right, large and small inputs).
const char* const kTestdataPhotos[] = {
    "detection/dlib_faces/2007_007763.jpg", "detection/dlib_faces/2008_001322.jpg",
    "detection/dlib_faces/2008_002079.jpg", "detection/dlib_faces/2008_002470.jpg",
    "detection/dlib_faces/2008_002506.jpg", "detection/dlib_faces/2008_004176.jpg",
    "detection/dlib_faces/2008_007676.jpg", "detection/dlib_faces/2009_004587.jpg",
    "detection/negatives/dogs.jpg",         "detection/negatives/smiley2.jpg",
    "detection/negatives/frameright.jpg",   "detection/group_no_gt/bbt1.jpg",
    "detection/group_no_gt/bbt4.jpg",       "identities/obama/2.jpg",
    "identities/tom_cruise/1.jpg",          "identities/_multi/2.jpg",
    "identities/_distractors/2.jpg",        "identities/sheldon/6.png",
    "identities/amy/1.png",
};

/// A cartoon face (skin ellipse, eyes, brows, nose, mouth) centred in `where`.
void DrawFace(cv::Mat& img, const cv::Rect& where) {
  const double s = where.width / 100.0;
  auto p = [&](double x, double y) { return cv::Point(where.x + int(x * s), where.y + int(y * s)); };
  auto len = [&](double v) { return std::max(1, int(v * s)); };
  cv::ellipse(img, p(50, 55), cv::Size(len(36), len(48)), 0, 0, 360, cv::Scalar(120, 160, 210), -1);
  for (double ex : {36.0, 64.0}) {
    cv::ellipse(img, p(ex, 45), cv::Size(len(7), len(4)), 0, 0, 360, cv::Scalar(250, 250, 250), -1);
    cv::circle(img, p(ex, 45), len(3), cv::Scalar(60, 40, 30), -1);
    cv::line(img, p(ex - 9, 35), p(ex + 9, 33), cv::Scalar(40, 50, 70), len(2));
  }
  cv::line(img, p(50, 48), p(47, 66), cv::Scalar(90, 120, 170), len(1.5));
  cv::ellipse(img, p(50, 76), cv::Size(len(12), len(5)), 0, 0, 180, cv::Scalar(70, 60, 160), len(2));
}

cv::Mat Gradient(int w, int h) {
  cv::Mat img(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      img.at<cv::Vec3b>(y, x) = cv::Vec3b((x + y) * 255 / (w + h), y * 255 / h, x * 255 / w);
  return img;
}

std::vector<std::pair<std::string, cv::Mat>> SyntheticImages() {
  std::vector<std::pair<std::string, cv::Mat>> images;
  cv::Mat portrait = Gradient(360, 480);  // taller than wide: padded on the right
  DrawFace(portrait, cv::Rect(80, 120, 200, 200));
  images.emplace_back("synthetic-face-portrait", portrait);
  cv::Mat wide(450, 800, CV_8UC3, cv::Scalar(200, 190, 180));  // padded at the bottom, shrunk
  DrawFace(wide, cv::Rect(80, 100, 240, 240));
  DrawFace(wide, cv::Rect(520, 160, 90, 90));
  images.emplace_back("synthetic-faces-wide", wide);
  cv::Mat scene(384, 512, CV_8UC3);  // longer side 512: no resize
  for (int y = 0; y < scene.rows; ++y) {
    scene.row(y).setTo(y < 256 ? cv::Vec3b(230, uchar(150 + y / 3), 90) : cv::Vec3b(40, 160, 60));
  }
  cv::circle(scene, {380, 90}, 40, cv::Scalar(0, 220, 255), cv::FILLED);
  images.emplace_back("synthetic-scene", scene);
  cv::Mat noise(256, 256, CV_8UC3);  // square, enlarged
  cv::RNG rng(20240501);
  rng.fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(256));
  images.emplace_back("synthetic-noise", noise);
  images.emplace_back("synthetic-gradient-small", Gradient(96, 64));
  return images;
}

std::string PixelSha(const cv::Mat& bgr) {
  const cv::Mat c = bgr.isContinuous() ? bgr : bgr.clone();
  return pg::Sha256Hex(pg::Bytes(c.data, c.data + c.total() * c.elemSize()));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes the images and inputs.json for the face-detection golden test."};
  std::string out, testdata;
  app.add_option("--out", out, "folder for the PNGs and inputs.json")->required();
  app.add_option("--testdata", testdata, "shared testdata folder (optional)");
  CLI11_PARSE(app, argc, argv);

  fs::create_directories(out);
  nlohmann::json list = nlohmann::json::array();
  auto write = [&](const std::string& name, const cv::Mat& bgr, nlohmann::json entry) {
    entry["name"] = name;
    entry["png"] = name + ".png";
    entry["width"] = bgr.cols;
    entry["height"] = bgr.rows;
    entry["pixels_sha256"] = PixelSha(bgr);
    if (!cv::imwrite((fs::path(out) / (name + ".png")).string(), bgr)) {
      std::cerr << "pg_facedet_inputs: cannot write " << name << ".png\n";
      std::exit(73);
    }
    list.push_back(entry);
  };
  for (const auto& [name, img] : SyntheticImages()) write(name, img, nlohmann::json::object());
  if (!testdata.empty()) {
    for (const char* rel : kTestdataPhotos) {
      const cv::Mat bgr = cv::imread((fs::path(testdata) / rel).string(), cv::IMREAD_COLOR);
      if (bgr.empty()) {
        std::cerr << "pg_facedet_inputs: cannot decode " << testdata << "/" << rel << "\n";
        return 66;
      }
      std::string name = std::string("testdata-") + rel;
      name = name.substr(0, name.rfind('.'));
      std::replace(name.begin(), name.end(), '/', '-');
      write(name, bgr, {{"source", rel}});
    }
  }
  std::ofstream(fs::path(out) / "inputs.json") << list.dump(1) << "\n";
  std::cout << "pg_facedet_inputs: " << list.size() << " images in " << out << "\n";
  return 0;
}
