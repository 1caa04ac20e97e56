#include "metadata/sanitize.h"

#include <turbojpeg.h>

#include <cstring>
#include <exception>

#include "metadata/icc_profile.h"
#include "metadata/jpeg_segments.h"
#include "metadata/png_chunks.h"
#include "metadata/reencode.h"
#include "metadata/webp_chunks.h"

namespace pg {
namespace {

constexpr int kFallbackJpegQuality = 95;
constexpr int kHeifJpegQuality = 92;

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

Result<SanitizedOutput> SanitizePng(const Bytes& original, int orientation, const cv::Mat& bgr,
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
  Result<Bytes> encoded = EncodePng(bgr, ExtractIcc(original, ImageFormat::kPng));
  if (!encoded.ok()) return encoded.status();
  return Output(std::move(*encoded), ImageFormat::kPng, ".png", true);
}

/// WebP, HEIF, TIFF, GIF: nothing of the container survives, only pixels and ICC.
Result<SanitizedOutput> Reencode(const Bytes& original, ImageFormat format, const cv::Mat& bgr,
                                 std::vector<std::string>* removed) {
  if (bgr.empty()) {
    return Status::Internal(std::string("re-encoding a ") + ImageFormatName(format) +
                            " file needs the decoded pixels, none were given");
  }
  const Bytes icc = ExtractIcc(original, format);
  std::vector<std::string> names;
  Result<Bytes> encoded = Status::Internal("unreachable");
  ImageFormat out_format = ImageFormat::kPng;
  const char* ext = ".png";
  switch (format) {
    case ImageFormat::kWebp: {
      WebpStructure s;
      const Status st = ParseWebp(original, &s);
      if (!st.ok()) return st;
      for (const WebpChunk& c : s.chunks) {
        if (c.fourcc != "VP8 " && c.fourcc != "VP8L" && c.fourcc != "VP8X" && c.fourcc != "ALPH" &&
            c.fourcc != "ICCP") {
          names.push_back("WebP " + c.fourcc);
        }
      }
      if (s.trailer_size > 0) {
        names.push_back("trailer after RIFF (" + std::to_string(s.trailer_size) + " bytes)");
      }
      encoded = EncodeWebpLossless(bgr, icc);
      out_format = ImageFormat::kWebp;
      ext = ".webp";
      break;
    }
    case ImageFormat::kHeif:
      names.push_back("HEIF container (Exif/XMP items, thumbnails, auxiliary images)");
      encoded = EncodeJpeg(bgr, kHeifJpegQuality, icc);
      out_format = ImageFormat::kJpeg;
      ext = ".jpg";
      break;
    case ImageFormat::kTiff:
      names.push_back("TIFF container (all tags and further images)");
      encoded = EncodePng(bgr, icc);
      break;
    case ImageFormat::kGif:
      names.push_back("GIF container (comments, extensions, further frames)");
      encoded = EncodePng(bgr, icc);
      break;
    default:
      return Status::Unsupported("cannot sanitize an unknown format");
  }
  if (!encoded.ok()) return encoded.status();
  if (removed != nullptr) removed->insert(removed->end(), names.begin(), names.end());
  return Output(std::move(*encoded), out_format, ext, true);
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
                                 const cv::Mat& oriented_bgr, std::vector<std::string>* removed) {
  try {
    switch (format) {
      case ImageFormat::kJpeg:
        return SanitizeJpeg(original, exif_orientation, oriented_bgr, removed);
      case ImageFormat::kPng:
        return SanitizePng(original, exif_orientation, oriented_bgr, removed);
      case ImageFormat::kWebp:
      case ImageFormat::kHeif:
      case ImageFormat::kTiff:
      case ImageFormat::kGif:
        return Reencode(original, format, oriented_bgr, removed);
      case ImageFormat::kUnknown:
        break;
    }
    return Status::Unsupported("cannot sanitize a file of unknown format");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("sanitizing failed: ") + e.what());
  }
}

}  // namespace pg
