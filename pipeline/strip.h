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

namespace pg {

/// Sanitize() then VerifySanitized() against the oriented size and the original's ICC
/// profile. On success the output has verified = true and *removed lists what went.
Result<SanitizedOutput> SanitizeVerified(const Bytes& original, ImageFormat format,
                                         int exif_orientation, const cv::Mat& oriented_bgr,
                                         std::vector<std::string>* removed);

struct StripResult {
  SanitizedOutput output;
  MetadataFacts metadata;  ///< inventory of the original; `removed` filled
};

/// Sniff, inventory, decode (for orientation and verification), sanitize, verify.
Result<StripResult> StripBytes(const Bytes& original, std::uint64_t max_pixels);

}  // namespace pg
