// Strip: the metadata stage on its own (`publish-gate strip`), and the sanitize-then-
// verify step the pipeline runs for every item. In: original bytes. Out: publishable
// bytes with all metadata removed, verified by an independent re-read, plus the
// inventory of what the original held. StripBytes and SanitizeVerified keep no state and
// may run on many threads; StripFiles runs its own worker threads over a FileSystem that
// must allow concurrent ReadFile / WriteFileAtomic calls (see io/file_system.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/options.h"
#include "core/status.h"
#include "io/file_system.h"
#include "metadata/sanitize.h"

namespace pg {

/// A stand-in for Sanitize() (same arguments), so that tests can make the sanitizing step
/// produce output that must fail verification (PipelineDeps::sanitize). Empty: Sanitize().
using SanitizeFunction =
    std::function<Result<SanitizedOutput>(const Bytes&, ImageFormat, int, const cv::Mat&,
                                          std::vector<std::string>*, const SanitizeOptions&)>;

/// Sanitize() (or `sanitize` when given) then VerifySanitized() against the oriented size
/// and the original's ICC profile. On success the output has verified = true and *removed
/// lists what went.
Result<SanitizedOutput> SanitizeVerified(const Bytes& original, ImageFormat format,
                                         int exif_orientation, const cv::Mat& oriented_bgr,
                                         std::vector<std::string>* removed,
                                         const SanitizeOptions& options = {},
                                         const SanitizeFunction& sanitize = {});

struct StripResult {
  SanitizedOutput output;
  MetadataFacts metadata;  ///< inventory of the original; `removed` filled
};

/// Sniff, inventory, decode (for orientation and verification), sanitize, verify.
Result<StripResult> StripBytes(const Bytes& original, std::uint64_t max_pixels,
                               const SanitizeOptions& options = {});

/// `rel` with its extension replaced by the output format's when they differ
/// (photo.heic -> photo.jpg; photo.jpeg stays).
std::string WithOutputExtension(const std::string& rel, const SanitizedOutput& out);

struct StripFileResult {
  std::string input;
  std::string output;  ///< path written ("" on failure)
  Status status;       ///< why this file was not stripped
  /// Valid when status.ok(). result.output.bytes is released once the file is written
  /// (a batch would otherwise hold every output in memory); the rest is kept.
  StripResult result;
};

/// How StripFiles works through its inputs. Every field has its default.
struct StripFilesOptions {
  /// Images with more pixels than this are refused. Default: Options().max_pixels.
  std::uint64_t max_pixels = Options().max_pixels;
  /// Files larger than this are not read. Default: Options().max_file_bytes.
  std::uint64_t max_file_bytes = Options().max_file_bytes;
  /// Targets of the re-encoding routes (HEIF). Default: SanitizeOptions{}.
  SanitizeOptions sanitize;
  /// Files stripped at the same time, each on its own thread (the calling thread is one
  /// of them). 0: std::thread::hardware_concurrency(), 1 when that is unknown. Never more
  /// threads than files. Default: 0. The files written and the results do not depend on it.
  unsigned jobs = 0;
};

/// Strips each input into out_dir, continuing past failures: a file goes to
/// out_dir/<its name>, a folder's files (recursively, hidden ones skipped) to
/// out_dir/<path below the folder>; the extension follows the output format. Start-up
/// cost is paid once for the whole list. Results are in input order (a folder's files in
/// its sorted listing order; a folder that cannot be listed is one failed result in its
/// place). When two inputs strip to the same name, the first in input order gets it and
/// the later one fails, whatever order the threads finish in. A file's own failure,
/// including an exception thrown inside the libraries, is its result's status and never
/// stops the batch.
/// REQUIRES: options.jobs == 1, or `fs` allows concurrent ReadFile and WriteFileAtomic.
std::vector<StripFileResult> StripFiles(FileSystem& fs, const std::vector<std::string>& inputs,
                                        const std::string& out_dir,
                                        const StripFilesOptions& options = {});

/// The number of threads StripFiles uses for `jobs` (0: the hardware's) and `files` files.
unsigned StripThreadCount(unsigned jobs, std::size_t files);

}  // namespace pg
