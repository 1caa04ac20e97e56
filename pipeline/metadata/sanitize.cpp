#include "metadata/sanitize.h"

#include <turbojpeg.h>

#include <algorithm>
#include <cstring>
#include <exception>

#include "decode/decode.h"  // ApplyOrientation
#include "metadata/exact_pixels.h"
#include "metadata/frames.h"
#include "metadata/gif_strip.h"
#include "metadata/icc_profile.h"
#include "metadata/jpeg_segments.h"
#include "metadata/png_chunks.h"
#include "metadata/reencode.h"
#include "metadata/webp_strip.h"

namespace pg {
namespace {

constexpr int kFallbackJpegQuality = 95;
constexpr char kIccpName[] = "ICC Profile";  // what EncodePng writes too

bool KeepJpegSegment(const Bytes& d, const JpegSegment& seg) {
  if (IsStructuralJpegMarker(seg.marker)) return true;
  const std::string id = JpegAppIdentifier(d, seg);
  auto has_nul_after_id = [&] {
    return seg.payload_size > id.size() && d[seg.payload_offset + id.size()] == 0;
  };
  if (seg.marker == kJpegApp0) return id == "JFIF" && has_nul_after_id();
  if (seg.marker == kJpegApp2) return id == "ICC_PROFILE" && has_nul_after_id();
  if (seg.marker == kJpegApp14) return id.rfind("Adobe", 0) == 0;
  return false;
}

bool KeepPngChunk(const std::string& t) {
  static const char* kKeep[] = {"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "iCCP",
                                "sRGB", "gAMA", "cHRM", "pHYs", "sBIT", "bKGD"};
  for (const char* k : kKeep) {
    if (t == k) return true;
  }
  return false;
}

SanitizedOutput Output(Bytes bytes, ImageFormat format, const char* ext, bool reencoded) {
  SanitizedOutput out;
  out.bytes = std::move(bytes);
  out.format = format;
  out.extension = ext;
  out.reencoded = reencoded;
  out.verified = false;
  return out;
}

Result<SanitizedOutput> SanitizeJpeg(const Bytes& original, int orientation, const cv::Mat& bgr,
                                     std::vector<std::string>* removed) {
  Result<Bytes> stripped = StripJpegSegments(original, removed);  // validates the structure
  if (!stripped.ok()) return stripped.status();
  if (orientation < 2 || orientation > 8) {
    return Output(std::move(*stripped), ImageFormat::kJpeg, ".jpg", false);
  }
  Result<Bytes> turned = TransformJpegLossless(original, orientation);
  if (turned.ok()) {
    Result<Bytes> clean = StripJpegSegments(*turned, nullptr);  // drops the copied Exif etc.
    if (clean.ok()) return Output(std::move(*clean), ImageFormat::kJpeg, ".jpg", false);
  }
  if (bgr.empty()) {
    return Status::Internal("orientation " + std::to_string(orientation) +
                            " cannot be applied losslessly and no decoded pixels were given");
  }
  Result<Bytes> encoded =
      EncodeJpeg(bgr, kFallbackJpegQuality, ExtractIcc(original, ImageFormat::kJpeg));
  if (!encoded.ok()) return encoded.status();
  return Output(std::move(*encoded), ImageFormat::kJpeg, ".jpg", true);
}

/// iCCP = profile name (1-79 bytes of free text), NUL, method, compressed profile. The name
/// is whatever the writing software chose; it is replaced, the compressed profile kept.
Status AppendIccpRenamed(const Bytes& d, const PngChunk& c, Bytes* out,
                         std::vector<std::string>* removed) {
  const auto data = d.begin() + static_cast<std::ptrdiff_t>(c.data_offset);
  const auto end = data + static_cast<std::ptrdiff_t>(c.data_size);
  const auto limit = data + static_cast<std::ptrdiff_t>(std::min<std::size_t>(c.data_size, 80));
  const auto nul = std::find(data, limit, 0);
  if (nul == limit || nul + 1 == end) {
    return Status::BadData("PNG iCCP chunk at offset " + std::to_string(c.offset) +
                           " has no valid profile name");
  }
  const std::string name(data, nul);
  Bytes payload(kIccpName, kIccpName + sizeof(kIccpName));  // name and its NUL
  payload.insert(payload.end(), nul + 1, end);              // method byte + zlib stream
  const Bytes chunk = MakePngChunk("iCCP", payload);
  out->insert(out->end(), chunk.begin(), chunk.end());
  if (name != kIccpName && removed != nullptr) {
    removed->push_back("PNG iCCP profile name");
  }
  return Status::Ok();
}

Result<SanitizedOutput> SanitizePng(const Bytes& original, int orientation,
                                    std::vector<std::string>* removed) {
  PngStructure s;
  const Status st = ParsePng(original, &s);
  if (!st.ok()) return st;
  Bytes out(kPngSignature, kPngSignature + 8);
  for (const PngChunk& c : s.chunks) {
    if (KeepPngChunk(c.type)) {
      if (!c.crc_ok) {
        return Status::BadData("PNG chunk '" + c.type + "' at offset " + std::to_string(c.offset) +
                               " has a bad CRC");
      }
      if (c.type == "iCCP") {
        const Status renamed = AppendIccpRenamed(original, c, &out, removed);
        if (!renamed.ok()) return renamed;
        continue;
      }
      out.insert(out.end(), original.begin() + static_cast<std::ptrdiff_t>(c.offset),
                 original.begin() + static_cast<std::ptrdiff_t>(c.offset + c.total_size()));
    } else if (removed != nullptr) {
      removed->push_back("PNG " + c.type);
    }
  }
  if (s.trailer_size > 0 && removed != nullptr) {
    removed->push_back("trailer after IEND (" + std::to_string(s.trailer_size) + " bytes)");
  }
  if (orientation < 2 || orientation > 8) {
    return Output(std::move(out), ImageFormat::kPng, ".png", false);
  }
  // Turned from the file's own samples, not from the decode stage's pixels (8-bit, alpha
  // composited onto white): the new PNG keeps the bit depth, the alpha and the colours under it.
  Result<cv::Mat> exact = DecodePngExact(original);
  if (!exact.ok()) return exact.status();
  Result<Bytes> encoded =
      EncodePng(ApplyOrientation(*exact, orientation), ExtractIcc(original, ImageFormat::kPng));
  if (!encoded.ok()) return encoded.status();
  // The colour and density chunks travel as they were, right after IHDR (all of them precede
  // PLTE and IDAT). sBIT and bKGD are not carried: they depend on the original's colour type.
  Bytes& png = *encoded;
  std::size_t at = 33;  // 8-byte signature + 25-byte IHDR
  for (const PngChunk& c : s.chunks) {
    if (c.type != "sRGB" && c.type != "gAMA" && c.type != "cHRM" && c.type != "pHYs") continue;
    png.insert(png.begin() + static_cast<std::ptrdiff_t>(at),
               original.begin() + static_cast<std::ptrdiff_t>(c.offset),
               original.begin() + static_cast<std::ptrdiff_t>(c.offset + c.total_size()));
    at += c.total_size();
  }
  return Output(std::move(png), ImageFormat::kPng, ".png", true);
}

Result<SanitizedOutput> SanitizeWebp(const Bytes& original, int orientation,
                                     std::vector<std::string>* removed) {
  std::vector<std::string> names;
  Result<Bytes> stripped = StripWebpChunks(original, &names);
  if (!stripped.ok()) return stripped.status();
  if (removed != nullptr) removed->insert(removed->end(), names.begin(), names.end());
  if (orientation < 2 || orientation > 8) {
    return Output(std::move(*stripped), ImageFormat::kWebp, ".webp", false);
  }
  const int frames = FrameCount(original, ImageFormat::kWebp);
  if (frames != 1) {
    return Status::Unsupported("animated WebP (" + std::to_string(frames) +
                               " frames) with EXIF orientation " + std::to_string(orientation) +
                               ": its frames cannot be turned without re-encoding each one");
  }
  Result<cv::Mat> exact = DecodeWebpExact(original);  // with alpha, unlike the decode stage
  if (!exact.ok()) return exact.status();
  Result<Bytes> encoded = EncodeWebpLossless(ApplyOrientation(*exact, orientation),
                                             ExtractIcc(original, ImageFormat::kWebp));
  if (!encoded.ok()) return encoded.status();
  return Output(std::move(*encoded), ImageFormat::kWebp, ".webp", true);
}

Result<SanitizedOutput> SanitizeGif(const Bytes& original, std::vector<std::string>* removed) {
  Result<Bytes> stripped = StripGifBlocks(original, removed);
  if (!stripped.ok()) return stripped.status();
  return Output(std::move(*stripped), ImageFormat::kGif, ".gif", false);
}

/// HEIF, TIFF: nothing of the container survives, only pixels and ICC.
Result<SanitizedOutput> Reencode(const Bytes& original, ImageFormat format, const cv::Mat& bgr,
                                 const SanitizeOptions& options,
                                 std::vector<std::string>* removed) {
  if (bgr.empty()) {
    return Status::Internal(std::string("re-encoding a ") + ImageFormatName(format) +
                            " file needs the decoded pixels, none were given");
  }
  const Bytes icc = ExtractIcc(original, format);
  const bool jpeg = format == ImageFormat::kHeif && options.heif_output == HeifOutput::kJpeg;
  Result<Bytes> encoded = jpeg ? EncodeJpeg(bgr, options.jpeg_quality, icc) : EncodePng(bgr, icc);
  if (!encoded.ok()) return encoded.status();
  if (removed != nullptr) {
    removed->push_back(format == ImageFormat::kHeif
                           ? "HEIF container (Exif/XMP items, thumbnails, auxiliary images)"
                           : "TIFF container (all tags and further images)");
  }
  return jpeg ? Output(std::move(*encoded), ImageFormat::kJpeg, ".jpg", true)
              : Output(std::move(*encoded), ImageFormat::kPng, ".png", true);
}

}  // namespace

Result<Bytes> StripJpegSegments(const Bytes& jpeg, std::vector<std::string>* removed) {
  JpegStructure s;
  const Status st = ParseJpeg(jpeg, &s);
  if (!st.ok()) return st;
  Bytes out;
  out.reserve(jpeg.size());
  for (const JpegSegment& seg : s.segments) {
    if (!KeepJpegSegment(jpeg, seg)) {
      if (removed != nullptr) removed->push_back(JpegSegmentName(jpeg, seg));
      continue;
    }
    const std::size_t p = seg.payload_offset;
    if (seg.marker == kJpegApp0 &&
        (seg.payload_size != 14 || jpeg[p + 12] != 0 || jpeg[p + 13] != 0)) {
      // JFIF may carry an uncompressed thumbnail after its 14 header bytes: keep the header
      // with a 0x0 thumbnail. A header shorter than 14 bytes is malformed and dropped.
      if (seg.payload_size >= 14) {
        Bytes header(jpeg.begin() + static_cast<std::ptrdiff_t>(p),
                     jpeg.begin() + static_cast<std::ptrdiff_t>(p + 12));
        header.push_back(0);
        header.push_back(0);
        const Bytes app0 = MakeJpegSegment(kJpegApp0, header);
        out.insert(out.end(), app0.begin(), app0.end());
      }
      if (removed != nullptr) {
        removed->push_back(seg.payload_size >= 14 ? "APP0 JFIF thumbnail"
                                                  : "APP0 JFIF (malformed)");
      }
      continue;
    }
    const std::size_t end = seg.marker == kJpegSos ? seg.scan_end : seg.offset + seg.size;
    out.insert(out.end(), jpeg.begin() + static_cast<std::ptrdiff_t>(seg.offset),
               jpeg.begin() + static_cast<std::ptrdiff_t>(end));
  }
  if (s.trailer_size > 0 && removed != nullptr) {
    removed->push_back("trailer after EOI (" + std::to_string(s.trailer_size) + " bytes)");
  }
  return out;
}

Result<Bytes> TransformJpegLossless(const Bytes& jpeg, int orientation) {
  static const int kOps[9] = {TJXOP_NONE,   TJXOP_NONE,       TJXOP_HFLIP,
                              TJXOP_ROT180, TJXOP_VFLIP,      TJXOP_TRANSPOSE,
                              TJXOP_ROT90,  TJXOP_TRANSVERSE, TJXOP_ROT270};
  if (orientation < 2 || orientation > 8) {
    return Status::BadData("orientation " + std::to_string(orientation) + " needs no transform");
  }
  tjhandle tj = tjInitTransform();
  if (tj == nullptr) return Status::Internal("TurboJPEG transformer unavailable");
  tjtransform xf;
  std::memset(&xf, 0, sizeof(xf));
  xf.op = kOps[orientation];
  xf.options = TJXOPT_PERFECT;  // markers are copied (no TJXOPT_COPYNONE): ICC survives
  unsigned char* dst = nullptr;
  unsigned long dst_size = 0;
  const int rc = tjTransform(tj, jpeg.data(), jpeg.size(), 1, &dst, &dst_size, &xf, 0);
  if (rc != 0) {
    const std::string why = tjGetErrorStr2(tj);
    tjFree(dst);
    tjDestroy(tj);
    return Status::BadData("lossless JPEG transform failed: " + why);
  }
  Bytes out(dst, dst + dst_size);
  tjFree(dst);
  tjDestroy(tj);
  return out;
}

Result<SanitizedOutput> Sanitize(const Bytes& original, ImageFormat format, int exif_orientation,
                                 const cv::Mat& oriented_bgr, std::vector<std::string>* removed,
                                 const SanitizeOptions& options) {
  if (options.jpeg_quality < 1 || options.jpeg_quality > 100) {
    return Status::Config("JPEG quality " + std::to_string(options.jpeg_quality) +
                          " is outside 1..100");
  }
  try {
    switch (format) {
      case ImageFormat::kJpeg:
        return SanitizeJpeg(original, exif_orientation, oriented_bgr, removed);
      case ImageFormat::kPng:
        return SanitizePng(original, exif_orientation, removed);
      case ImageFormat::kWebp:
        return SanitizeWebp(original, exif_orientation, removed);
      case ImageFormat::kGif:
        return SanitizeGif(original, removed);
      case ImageFormat::kHeif:
      case ImageFormat::kTiff:
        return Reencode(original, format, oriented_bgr, options, removed);
      case ImageFormat::kUnknown:
        break;
    }
    return Status::Unsupported("cannot sanitize a file of unknown format");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("sanitizing failed: ") + e.what());
  }
}

Result<SanitizedOutput> Sanitize(const Bytes& original, ImageFormat format, int exif_orientation,
                                 const cv::Mat& oriented_bgr, std::vector<std::string>* removed) {
  return Sanitize(original, format, exif_orientation, oriented_bgr, removed, SanitizeOptions{});
}

}  // namespace pg
