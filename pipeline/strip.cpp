#include "strip.h"

#include "decode/decode.h"
#include "decode/format_sniff.h"
#include "metadata/metadata_inventory.h"
#include "metadata/sanitize.h"
#include "metadata/verify.h"

namespace pg {

Result<SanitizedOutput> SanitizeVerified(const Bytes& original, ImageFormat format,
                                         int exif_orientation, const cv::Mat& oriented_bgr,
                                         std::vector<std::string>* removed) {
  std::vector<std::string> gone;
  auto out = Sanitize(original, format, exif_orientation, oriented_bgr, &gone);
  if (!out.ok()) return Status::BadData("metadata could not be removed: " + out.status().message());
  Status v = VerifySanitized(*out, oriented_bgr.cols, oriented_bgr.rows, ExtractIcc(original, format));
  if (!v.ok()) return Status::BadData("sanitized file failed verification: " + v.message());
  out->verified = true;
  if (removed) *removed = std::move(gone);
  return out;
}

Result<StripResult> StripBytes(const Bytes& original, std::uint64_t max_pixels) {
  ImageFormat format = SniffFormat(original);
  StripResult r;
  if (format != ImageFormat::kUnknown) r.metadata = InspectMetadata(original, format);
  auto decoded = DecodeImage(original, r.metadata.exif_orientation, max_pixels);
  if (!decoded.ok()) return decoded.status();
  auto out = SanitizeVerified(original, format, r.metadata.exif_orientation, decoded->bgr,
                              &r.metadata.removed);
  if (!out.ok()) return out.status();
  r.output = std::move(*out);
  return r;
}

}  // namespace pg
