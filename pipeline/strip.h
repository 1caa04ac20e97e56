// Strip: the metadata stage on its own (`publish-gate strip`), and the sanitize-then-
// verify step the pipeline runs for every item. In: original bytes. Out: publishable
// bytes with all metadata removed, verified by an independent re-read, plus the
// inventory of what the original held. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image_record.h"
#include "core/status.h"
#include "io/file_system.h"
#include "metadata/sanitize.h"

namespace pg {

/// Sanitize() then VerifySanitized() against the oriented size and the original's ICC
/// profile. On success the output has verified = true and *removed lists what went.
Result<SanitizedOutput> SanitizeVerified(const Bytes& original, ImageFormat format,
                                         int exif_orientation, const cv::Mat& oriented_bgr,
                                         std::vector<std::string>* removed,
                                         const SanitizeOptions& options = {});

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
  StripResult result;  ///< valid when status.ok()
};

/// Strips each input into out_dir, continuing past failures: a file goes to
/// out_dir/<its name>, a folder's files (recursively, hidden ones skipped) to
/// out_dir/<path below the folder>; the extension follows the output format. Start-up
/// cost is paid once for the whole list. Results are in input order.
std::vector<StripFileResult> StripFiles(FileSystem& fs, const std::vector<std::string>& inputs,
                                        const std::string& out_dir, std::uint64_t max_pixels,
                                        std::uint64_t max_file_bytes,
                                        const SanitizeOptions& options = {});

}  // namespace pg
