#include "detection_scenes.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <opencv2/imgproc.hpp>
#include <pugixml.hpp>

#include "decode/decode.h"
#include "directory/csv.h"

namespace fs = std::filesystem;

namespace pg {
namespace {

Result<cv::Mat> ReadImage(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path.string() + ": cannot open");
  const Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<DecodedImage> decoded = DecodeImage(data, 1, 100'000'000);
  if (!decoded.ok()) return Status::BadData(path.string() + ": " + decoded.status().message());
  return decoded->bgr;
}

}  // namespace

Result<std::vector<EvalImage>> LoadDlibFaces(const std::string& testdata) {
  const fs::path dir = fs::path(testdata) / "detection" / "dlib_faces";
  std::vector<EvalImage> images;
  for (const char* xml : {"training.xml", "testing.xml"}) {
    pugi::xml_document doc;
    if (!doc.load_file((dir / xml).c_str())) return Status::BadData((dir / xml).string() + ": not readable XML");
    for (pugi::xml_node img : doc.child("dataset").child("images").children("image")) {
      // The XML lists the whole dlib set; the shared folder holds a subset of its photos.
      if (!fs::exists(dir / img.attribute("file").as_string())) continue;
      EvalImage e;
      e.name = std::string("dlib_faces/") + img.attribute("file").as_string() + " [" + xml + "]";
      Result<cv::Mat> bgr = ReadImage(dir / img.attribute("file").as_string());
      if (!bgr.ok()) return bgr.status();
      e.bgr = *bgr;
      for (pugi::xml_node b : img.children("box"))
        e.truth.push_back({{b.attribute("left").as_int(), b.attribute("top").as_int(), b.attribute("width").as_int(),
                            b.attribute("height").as_int()},
                           b.attribute("ignore").as_int() != 0});
      images.push_back(std::move(e));
    }
  }
  return images;
}

Result<std::vector<EvalImage>> LoadNegatives(const std::string& testdata) {
  const fs::path dir = fs::path(testdata) / "detection" / "negatives";
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file()) files.push_back(e.path());
  if (ec) return Status::NotFound(dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<EvalImage> images;
  for (const fs::path& f : files) {
    Result<cv::Mat> bgr = ReadImage(f);
    if (!bgr.ok()) return bgr.status();
    images.push_back({"negatives/" + f.filename().string(), *bgr, {}});
  }
  return images;
}

Result<std::vector<FacePatch>> CutFacePatches(const std::string& testdata, FaceDetector& locator, int* skipped,
                                              std::vector<EvalImage>* portraits) {
  const fs::path dir = fs::path(testdata) / "identities";
  std::ifstream in(dir / "LABELS.csv");
  if (!in) return Status::NotFound((dir / "LABELS.csv").string() + ": cannot open");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<std::vector<CsvRow>> rows = ParseCsv(text);
  if (!rows.ok()) return rows.status();
  std::vector<FacePatch> patches;
  *skipped = 0;
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    if (row.fields.size() < 2 || row.fields[1].find(';') != std::string::npos) continue;  // group photos
    const std::string file = row.fields[0];
    if (file.rfind("_variants", 0) == 0) continue;  // derived copies of another photo
    Result<cv::Mat> bgr = ReadImage(dir / file);
    if (!bgr.ok()) return bgr.status();
    Result<std::vector<FaceFact>> faces = locator.Detect(*bgr);
    if (!faces.ok() || faces->empty()) {
      ++*skipped;
      continue;
    }
    const FaceFact& f = *std::max_element(faces->begin(), faces->end(),
                                          [](const FaceFact& a, const FaceFact& b) { return a.box.w < b.box.w; });
    // Cut the face with a margin of 0.6 of its side (hair, chin, some shoulder), inside the photo.
    const int m = int(0.6 * f.box.w);
    const cv::Rect cut = cv::Rect(f.box.x - m, f.box.y - m, f.box.w + 2 * m, f.box.h + 2 * m) &
                         cv::Rect(0, 0, bgr->cols, bgr->rows);
    patches.push_back({file, (*bgr)(cut).clone(), {f.box.x - cut.x, f.box.y - cut.y, f.box.w, f.box.h}, {}});
    if (portraits != nullptr) portraits->push_back({"identities/" + file, *bgr, {{f.box, false}}});
  }
  return patches;
}

std::vector<FacePatch> CutAnnotatedFacePatches(const std::vector<EvalImage>& dlib_faces) {
  std::vector<FacePatch> patches;
  for (const EvalImage& photo : dlib_faces) {
    for (size_t i = 0; i < photo.truth.size(); ++i) {
      const Box& f = photo.truth[i].box;
      if (photo.truth[i].ignore || f.w <= 0 || f.h <= 0) continue;
      const int m = int(0.4 * std::max(f.w, f.h));
      const cv::Rect cut =
          cv::Rect(f.x - m, f.y - m, f.w + 2 * m, f.h + 2 * m) & cv::Rect(0, 0, photo.bgr.cols, photo.bgr.rows);
      FacePatch p{photo.name + " face " + std::to_string(i + 1), photo.bgr(cut).clone(),
                  {f.x - cut.x, f.y - cut.y, f.w, f.h}, {}};
      for (size_t j = 0; j < photo.truth.size(); ++j) {
        const Box& o = photo.truth[j].box;
        const cv::Rect shown = cv::Rect(o.x, o.y, o.w, o.h) & cut;
        if (j != i && shown.area() > 0) p.others.push_back({shown.x - cut.x, shown.y - cut.y, shown.width, shown.height});
      }
      patches.push_back(std::move(p));
    }
  }
  return patches;
}

std::vector<EvalImage> ComposeScenes(const std::vector<FacePatch>& patches, const std::vector<EvalImage>& backgrounds,
                                     int count, int width, int height, int faces_per_scene, int min_face,
                                     int max_face, unsigned seed, double max_upscale) {
  std::vector<EvalImage> scenes;
  if (patches.empty() || backgrounds.empty()) return scenes;
  cv::RNG rng(seed);
  for (int s = 0; s < count; ++s) {
    const EvalImage& bg = backgrounds[size_t(s) % backgrounds.size()];
    // Scale the background to cover the scene, then crop the middle.
    const double cover = std::max(double(width) / bg.bgr.cols, double(height) / bg.bgr.rows);
    cv::Mat big;
    cv::resize(bg.bgr, big, cv::Size(), cover, cover, cv::INTER_CUBIC);
    EvalImage scene;
    scene.name = "scene-" + std::to_string(s + 1) + " on " + bg.name;
    scene.bgr = big(cv::Rect((big.cols - width) / 2, (big.rows - height) / 2, width, height)).clone();
    std::vector<cv::Rect> used;
    for (int k = 0, tries = 0; k < faces_per_scene && tries < faces_per_scene * 50; ++tries) {
      const FacePatch& p = patches[size_t(rng.uniform(0, int(patches.size())))];
      const double side = std::exp(rng.uniform(std::log(double(min_face)), std::log(double(max_face))));
      const double scale = side / p.face.w;
      if (scale > max_upscale) continue;  // too blurred to stand for a face of that size
      const cv::Size size(std::max(1, int(std::lround(p.bgr.cols * scale))),
                          std::max(1, int(std::lround(p.bgr.rows * scale))));
      if (size.width >= width || size.height >= height) continue;
      const cv::Rect where(rng.uniform(0, width - size.width), rng.uniform(0, height - size.height), size.width,
                           size.height);
      if (std::any_of(used.begin(), used.end(), [&](const cv::Rect& r) { return (r & where).area() > 0; })) continue;
      used.push_back(where);
      cv::Mat patch;
      cv::resize(p.bgr, patch, size, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
      // Feathered ellipse: the patch's rectangle edges must not become a face-like contour.
      cv::Mat mask(size, CV_32F, cv::Scalar(0));
      cv::ellipse(mask, cv::Point(size.width / 2, size.height / 2), cv::Size(size.width * 9 / 20, size.height * 9 / 20), 0,
                  0, 360, cv::Scalar(1), -1);
      const int blur = std::max(3, (std::min(size.width, size.height) / 8) | 1);
      cv::GaussianBlur(mask, mask, cv::Size(blur, blur), 0);
      cv::Mat roi = scene.bgr(where);
      cv::Mat patch_f, roi_f, mask3;
      patch.convertTo(patch_f, CV_32FC3);
      roi.convertTo(roi_f, CV_32FC3);
      cv::merge(std::vector<cv::Mat>{mask, mask, mask}, mask3);
      cv::Mat blended = patch_f.mul(mask3) + roi_f.mul(cv::Scalar::all(1.0) - mask3);
      blended.convertTo(roi, CV_8UC3);
      auto place = [&](const Box& b) {
        return Box{where.x + int(std::lround(b.x * scale)), where.y + int(std::lround(b.y * scale)),
                   int(std::lround(b.w * scale)), int(std::lround(b.h * scale))};
      };
      scene.truth.push_back({place(p.face), false});
      for (const Box& o : p.others) scene.truth.push_back({place(o), true});
      ++k;
    }
    scenes.push_back(std::move(scene));
  }
  return scenes;
}

EvalImage RotateClockwise(const EvalImage& image) {
  EvalImage out;
  out.name = image.name + " (turned 90)";
  cv::rotate(image.bgr, out.bgr, cv::ROTATE_90_CLOCKWISE);
  const int h = image.bgr.rows;
  for (const TruthBox& t : image.truth)  // (x, y) -> (h - 1 - y, x)
    out.truth.push_back({{h - t.box.y - t.box.h, t.box.x, t.box.h, t.box.w}, t.ignore});
  return out;
}

}  // namespace pg
