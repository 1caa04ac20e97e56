#include "strip.h"

#include <filesystem>
#include <set>
#include <tuple>

#include "decode/decode.h"
#include "decode/format_sniff.h"
#include "metadata/metadata_inventory.h"
#include "metadata/verify.h"

namespace pg {

namespace {

// Sanitize, then verify against the expected (oriented) size and the original's ICC.
Result<SanitizedOutput> SanitizeAndVerify(const Bytes& original, ImageFormat format, int orientation,
                                          const cv::Mat& oriented_bgr, int width, int height,
                                          std::vector<std::string>* removed,
                                          const SanitizeOptions& options) {
  std::vector<std::string> gone;
  auto out = Sanitize(original, format, orientation, oriented_bgr, &gone, options);
  if (!out.ok()) return Status::BadData("metadata could not be removed: " + out.status().message());
  Status v = VerifySanitized(*out, width, height, ExtractIcc(original, format));
  if (!v.ok()) return Status::BadData("sanitized file failed verification: " + v.message());
  out->verified = true;
  if (removed) *removed = std::move(gone);
  return out;
}

}  // namespace

Result<SanitizedOutput> SanitizeVerified(const Bytes& original, ImageFormat format,
                                         int exif_orientation, const cv::Mat& oriented_bgr,
                                         std::vector<std::string>* removed,
                                         const SanitizeOptions& options) {
  return SanitizeAndVerify(original, format, exif_orientation, oriented_bgr, oriented_bgr.cols,
                           oriented_bgr.rows, removed, options);
}

Result<StripResult> StripBytes(const Bytes& original, std::uint64_t max_pixels,
                               const SanitizeOptions& options) {
  ImageFormat format = SniffFormat(original);
  StripResult r;
  if (format != ImageFormat::kUnknown) r.metadata = InspectMetadata(original, format);
  const int orientation = r.metadata.exif_orientation;
  // Lossless routes copy the coded image, so they need no pixels: the verifier decodes the
  // output (same coded data) strictly. Pixels are decoded only to re-encode or rotate.
  const bool lossless_route = (format == ImageFormat::kJpeg || format == ImageFormat::kPng ||
                               format == ImageFormat::kWebp || format == ImageFormat::kGif) &&
                              orientation == 1;
  cv::Mat pixels;
  int width = 0, height = 0;
  if (lossless_route) {
    auto dims = ReadDimensions(original, format);
    if (!dims.ok()) return dims.status();
    std::tie(width, height) = *dims;
    if (std::uint64_t(width) * std::uint64_t(height) > max_pixels) {
      return Status::TooLarge(std::to_string(width) + "x" + std::to_string(height) +
                              " pixels, over the limit of " + std::to_string(max_pixels));
    }
  } else {
    auto decoded = DecodeImage(original, orientation, max_pixels);
    if (!decoded.ok()) return decoded.status();
    pixels = std::move(decoded->bgr);
    width = pixels.cols;
    height = pixels.rows;
  }
  auto out = SanitizeAndVerify(original, format, orientation, pixels, width, height,
                               &r.metadata.removed, options);
  if (!out.ok()) return out.status();
  r.output = std::move(*out);
  return r;
}

std::string WithOutputExtension(const std::string& rel, const SanitizedOutput& out) {
  std::filesystem::path p(rel);
  if (out.extension.empty()) return rel;
  std::string lower;
  for (char c : p.extension().string()) {
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  bool same = lower == out.extension || (out.extension == ".jpg" && lower == ".jpeg") ||
              (out.extension == ".tif" && lower == ".tiff");
  if (!same) p.replace_extension(out.extension);
  return p.string();
}

std::vector<StripFileResult> StripFiles(FileSystem& fs, const std::vector<std::string>& inputs,
                                        const std::string& out_dir, std::uint64_t max_pixels,
                                        std::uint64_t max_file_bytes,
                                        const SanitizeOptions& options) {
  namespace stdfs = std::filesystem;
  std::vector<std::pair<std::string, std::string>> jobs;  // (input path, name below out_dir)
  std::vector<StripFileResult> results;
  for (const auto& in : inputs) {
    if (fs.IsDirectory(in)) {
      auto files = fs.ListFilesRecursive(in, nullptr);
      if (!files.ok()) {
        results.push_back({in, "", files.status(), {}});
        continue;
      }
      for (const auto& rel : *files) jobs.emplace_back((stdfs::path(in) / rel).string(), rel);
    } else {
      jobs.emplace_back(in, stdfs::path(in).filename().string());
    }
  }
  std::set<std::string> taken;
  for (const auto& [in, rel] : jobs) {
    StripFileResult r;
    r.input = in;
    auto bytes = fs.ReadFile(in, max_file_bytes);
    auto stripped = bytes.ok() ? StripBytes(*bytes, max_pixels, options) : Result<StripResult>(bytes.status());
    if (!stripped.ok()) {
      r.status = stripped.status();
    } else {
      std::string name = WithOutputExtension(rel, stripped->output);
      r.output = (stdfs::path(out_dir) / name).string();
      if (!taken.insert(name).second) {
        r.status = Status::IoError(r.output + ": two inputs strip to this name");
      } else {
        r.status = fs.WriteFileAtomic(r.output, stripped->output.bytes, 0644);
      }
      if (r.status.ok()) r.result = std::move(*stripped);
      else r.output.clear();
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace pg
