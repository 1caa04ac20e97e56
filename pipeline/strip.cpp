#include "strip.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>

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
                                          const SanitizeOptions& options,
                                          const SanitizeFunction& sanitize = {}) {
  std::vector<std::string> gone;
  auto out = sanitize ? sanitize(original, format, orientation, oriented_bgr, &gone, options)
                      : Sanitize(original, format, orientation, oriented_bgr, &gone, options);
  if (!out.ok()) return Status::BadData("metadata could not be removed: " + out.status().message());
  Status v = VerifySanitized(*out, width, height, ExtractIcc(original, format));
  if (!v.ok()) return Status::BadData("sanitized file failed verification: " + v.message());
  out->verified = true;
  if (removed) *removed = std::move(gone);
  return out;
}

constexpr std::size_t kNoJob = static_cast<std::size_t>(-1);

/// One file of a StripFiles batch.
struct StripJob {
  std::string input;     ///< path read
  std::string rel;       ///< name below out_dir, before the output extension is settled
  std::size_t slot;      ///< index of its StripFileResult
  std::size_t previous;  ///< the latest earlier job with the same output stem, or kNoJob
};

/// Output names are claimed in input order whatever order the threads finish in: a job
/// claims its name only after the earlier job with the same stem has finished, and a job
/// counts as finished only once that earlier job has too, so the first in input order
/// always wins. Jobs with different stems never wait for each other. Thread-safe.
class NameClaims {
 public:
  explicit NameClaims(std::size_t jobs) : finished_(jobs, 0) {}

  /// Waits for `previous` (kNoJob: no wait), then claims `name`; false if already taken.
  bool Claim(std::size_t previous, const std::string& name) {
    std::unique_lock<std::mutex> lock(mu_);
    WaitFor(previous, lock);
    return taken_.insert(name).second;
  }

  /// Marks `job` finished, after `previous` has finished.
  void Finish(std::size_t job, std::size_t previous) {
    std::unique_lock<std::mutex> lock(mu_);
    WaitFor(previous, lock);
    finished_[job] = 1;
    done_.notify_all();
  }

 private:
  void WaitFor(std::size_t job, std::unique_lock<std::mutex>& lock) {
    if (job != kNoJob) done_.wait(lock, [&] { return finished_[job] != 0; });
  }

  std::mutex mu_;
  std::condition_variable done_;
  std::vector<char> finished_;
  std::set<std::string> taken_;
};

/// Reads, strips and writes one file into *r (whose input is set). Errors go to r->status.
void StripOne(FileSystem& fs, const StripJob& job, const std::string& out_dir,
              const StripFilesOptions& options, NameClaims* claims, StripFileResult* r) {
  auto bytes = fs.ReadFile(job.input, options.max_file_bytes);
  auto stripped = bytes.ok() ? StripBytes(*bytes, options.max_pixels, options.sanitize)
                             : Result<StripResult>(bytes.status());
  if (bytes.ok()) Bytes().swap(*bytes);  // not needed while this thread waits or writes
  if (!stripped.ok()) {
    r->status = stripped.status();
    return;
  }
  const std::string name = WithOutputExtension(job.rel, stripped->output);
  r->output = (std::filesystem::path(out_dir) / name).string();
  if (!claims->Claim(job.previous, name)) {
    r->status = Status::IoError(r->output + ": two inputs strip to this name");
  } else {
    r->status = fs.WriteFileAtomic(r->output, stripped->output.bytes, 0644);
  }
  if (!r->status.ok()) {
    r->output.clear();
    return;
  }
  r->result = std::move(*stripped);
  r->result.output.bytes = Bytes();  // written; a batch must not keep every output in memory
}

}  // namespace

Result<SanitizedOutput> SanitizeVerified(const Bytes& original, ImageFormat format,
                                         int exif_orientation, const cv::Mat& oriented_bgr,
                                         std::vector<std::string>* removed,
                                         const SanitizeOptions& options,
                                         const SanitizeFunction& sanitize) {
  return SanitizeAndVerify(original, format, exif_orientation, oriented_bgr, oriented_bgr.cols,
                           oriented_bgr.rows, removed, options, sanitize);
}

Result<StripResult> StripBytes(const Bytes& original, std::uint64_t max_pixels,
                               const SanitizeOptions& options) {
  ImageFormat format = SniffFormat(original);
  StripResult r;
  if (format != ImageFormat::kUnknown) r.metadata = InspectMetadata(original, format);
  const int orientation = r.metadata.exif_orientation;
  // Lossless routes copy the coded image, so they need no pixels: the verifier decodes the
  // output (same coded data) strictly. A turned PNG or WebP is decoded by Sanitize itself
  // (every sample, with alpha) and its output verified the same way. Pixels are decoded
  // here only for JPEG's turn (its re-encoding fallback) and the re-encoded HEIF and TIFF.
  const bool turned = orientation >= 2 && orientation <= 8;
  const bool needs_pixels = !(format == ImageFormat::kPng || format == ImageFormat::kWebp ||
                              format == ImageFormat::kGif ||
                              (format == ImageFormat::kJpeg && !turned));
  cv::Mat pixels;
  int width = 0, height = 0;
  if (!needs_pixels) {
    auto dims = ReadDimensions(original, format);
    if (!dims.ok()) return dims.status();
    std::tie(width, height) = *dims;
    if (std::uint64_t(width) * std::uint64_t(height) > max_pixels) {
      return Status::TooLarge(std::to_string(width) + "x" + std::to_string(height) +
                              " pixels, over the limit of " + std::to_string(max_pixels));
    }
    // GIF has no orientation; a turn of 5..8 swaps a PNG's or WebP's sides.
    if (format != ImageFormat::kGif && orientation >= 5 && orientation <= 8) {
      std::swap(width, height);
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

unsigned StripThreadCount(unsigned jobs, std::size_t files) {
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(jobs, files)));
}

std::vector<StripFileResult> StripFiles(FileSystem& fs, const std::vector<std::string>& inputs,
                                        const std::string& out_dir,
                                        const StripFilesOptions& options) {
  namespace stdfs = std::filesystem;
  std::vector<StripFileResult> results;
  std::vector<StripJob> jobs;
  std::map<std::string, std::size_t> last_with_stem;  // output stem -> latest job index
  auto add_job = [&](std::string in, std::string rel) {
    StripJob job{std::move(in), std::move(rel), results.size(), kNoJob};
    // Output names are the stem plus an extension, so only jobs with the same stem can
    // collide: each such job waits for the one before it (see NameClaims).
    const std::string stem = stdfs::path(job.rel).replace_extension().string();
    auto [it, fresh] = last_with_stem.try_emplace(stem, jobs.size());
    if (!fresh) job.previous = std::exchange(it->second, jobs.size());
    results.push_back({job.input, "", Status::Ok(), {}});
    jobs.push_back(std::move(job));
  };
  for (const auto& in : inputs) {
    if (fs.IsDirectory(in)) {
      auto files = fs.ListFilesRecursive(in, nullptr);
      if (!files.ok()) {
        results.push_back({in, "", files.status(), {}});
        continue;
      }
      for (const auto& rel : *files) add_job((stdfs::path(in) / rel).string(), rel);
    } else {
      add_job(in, stdfs::path(in).filename().string());
    }
  }
  NameClaims claims(jobs.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < jobs.size();) {
      StripFileResult& r = results[jobs[i].slot];
      try {
        StripOne(fs, jobs[i], out_dir, options, &claims, &r);
      } catch (const std::exception& e) {
        r.output.clear();
        r.status = Status::Internal(std::string("stripping failed: ") + e.what());
      } catch (...) {
        r.output.clear();
        r.status = Status::Internal("stripping failed: unknown exception");
      }
      claims.Finish(i, jobs[i].previous);
    }
  };
  // Jobs are taken in index order and only ever wait for an earlier one, which is already
  // running or done, so the pool cannot deadlock. If a thread cannot be started, the ones
  // that did start (and this one) do all the work.
  std::vector<std::thread> helpers;
  const unsigned threads = StripThreadCount(options.jobs, jobs.size());
  for (unsigned t = 1; t < threads; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;
    }
  }
  work();
  for (auto& h : helpers) h.join();
  return results;
}

}  // namespace pg
