// GoldenImage: the pixels a golden-output entry (models/golden/*/detections.json, written by
// tools/fetch-models from pg_facedet_inputs' inputs) was computed on.
#pragma once

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/sha256.h"

namespace pg::testing {

/// Entry `e`'s image: its stored PNG in `golden_dir`, or, for an entry with a "source", the
/// shared test photo below `testdata` decoded again in place. Adds 1 to *pixels_differ when the
/// decoded pixels are not those the generator saw (their SHA-256 differs).
inline cv::Mat GoldenImage(const nlohmann::json& e, const std::string& golden_dir, const std::string& testdata,
                           int* pixels_differ) {
  const std::string path = e.contains("source") ? testdata + "/" + e.at("source").get<std::string>()
                                                : golden_dir + "/" + e.at("png").get<std::string>();
  cv::Mat img = cv::imread(path, cv::IMREAD_COLOR);
  REQUIRE_FALSE(img.empty());
  const Bytes pixels(img.data, img.data + img.total() * img.elemSize());
  if (Sha256Hex(pixels) != e.at("pixels_sha256").get<std::string>()) ++*pixels_differ;
  return img;
}

}  // namespace pg::testing
