#include "metadata/verify.h"

#include <png.h>
#include <turbojpeg.h>
#include <webp/decode.h>
#include <webp/demux.h>
#include <zlib.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "metadata/verify_gif.h"
#include "metadata/verify_messages.h"

namespace pg {
namespace {

using verify_internal::At;
using verify_internal::SizeMismatch;

Status CheckIcc(const Bytes& found, const Bytes& original) {
  if (original.empty() || found == original) return Status::Ok();
  if (found.empty()) return Status::BadData("ICC profile of the original is missing in the output");
  return Status::BadData("ICC profile differs from the original (" + std::to_string(found.size()) +
                         " bytes vs " + std::to_string(original.size()) + ")");
}

// ---------------------------------------------------------------- JPEG

/// Names what an application segment is, for the error message.
std::string AppLabel(const Bytes& d, std::size_t payload, std::size_t size, int n) {
  std::string id;
  for (std::size_t i = 0; i < size && i < 32 && d[payload + i] >= 0x20 && d[payload + i] < 0x7F;
       ++i) {
    id.push_back(static_cast<char>(d[payload + i]));
  }
  if (id == "http://ns.adobe.com/xap/1.0/") id = "XMP";
  if (id.rfind("Photoshop", 0) == 0) id = "Photoshop/IPTC";
  return "APP" + std::to_string(n) + (id.empty() ? "" : " " + id);
}

bool PayloadStarts(const Bytes& d, std::size_t payload, std::size_t size, const char* id,
                   std::size_t id_len) {
  return size >= id_len && std::memcmp(&d[payload], id, id_len) == 0;
}

Status VerifyJpeg(const SanitizedOutput& out, int ew, int eh, const Bytes& original_icc) {
  const Bytes& d = out.bytes;
  const std::size_t n = d.size();
  if (n < 4 || d[0] != 0xFF || d[1] != 0xD8)
    return Status::BadData("output is not a JPEG (no SOI)");
  std::vector<std::pair<int, Bytes>> icc_parts;
  std::size_t pos = 2;
  bool eoi = false;
  while (!eoi) {
    if (pos + 2 > n) return Status::BadData("output JPEG ends without EOI (truncated)");
    if (d[pos] != 0xFF) return Status::BadData("stray byte instead of a marker" + At(pos));
    const std::uint8_t m = d[pos + 1];
    if (m == 0xD9) {
      if (pos + 2 != n) return Status::BadData(std::to_string(n - pos - 2) + " bytes after EOI");
      eoi = true;
      break;
    }
    if (m == 0xFF || m == 0x00 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
      return Status::BadData("unexpected marker byte " + std::to_string(m) + At(pos));
    }
    if (pos + 4 > n) return Status::BadData("output JPEG truncated in a segment header" + At(pos));
    const std::size_t len = (static_cast<std::size_t>(d[pos + 2]) << 8) | d[pos + 3];
    if (len < 2 || pos + 2 + len > n) return Status::BadData("truncated segment" + At(pos));
    const std::size_t payload = pos + 4, size = len - 2;
    if (m >= 0xE0 && m <= 0xEF) {
      const bool ok =
          (m == 0xE0 && size == 14 && PayloadStarts(d, payload, size, "JFIF\0", 5) &&
           d[payload + 12] == 0 && d[payload + 13] == 0) ||
          (m == 0xE2 && size > 14 && PayloadStarts(d, payload, size, "ICC_PROFILE\0", 12)) ||
          (m == 0xEE && PayloadStarts(d, payload, size, "Adobe", 5));
      if (!ok)
        return Status::BadData("residual " + AppLabel(d, payload, size, m - 0xE0) + " segment" +
                               At(pos));
      if (m == 0xE2)
        icc_parts.push_back(
            {d[payload + 12], Bytes(d.begin() + payload + 14, d.begin() + payload + size)});
    } else if (m == 0xFE) {
      return Status::BadData("residual COM segment" + At(pos));
    } else if (m >= 0xF0 && m <= 0xFD) {
      return Status::BadData("residual JPG" + std::to_string(m - 0xF0) + " segment" + At(pos));
    } else if (!(m >= 0xC0 && m <= 0xCF && m != 0xC8) && !(m >= 0xDA && m <= 0xDF)) {
      return Status::BadData("unexpected marker " + std::to_string(m) + At(pos));
    }
    pos += 2 + len;
    if (m == 0xDA) {  // entropy-coded data runs to the next marker that is not RSTn / stuffing
      // Only an 0xFF byte can start a marker, so memchr jumps between them (the scan is
      // most of the file); every 0xFF found is judged exactly as a byte-by-byte walk would.
      while (true) {
        const void* ff = pos < n ? std::memchr(&d[pos], 0xFF, n - pos) : nullptr;
        if (ff == nullptr) return Status::BadData("output JPEG scan data is truncated");
        pos = static_cast<std::size_t>(static_cast<const std::uint8_t*>(ff) - d.data());
        if (pos + 1 >= n) return Status::BadData("output JPEG scan data is truncated");
        const std::uint8_t next = d[pos + 1];
        if (next != 0x00 && !(next >= 0xD0 && next <= 0xD7) && next != 0xFF) break;
        ++pos;
      }
    }
  }
  tjhandle tj = tjInitDecompress();
  if (tj == nullptr) return Status::Internal("TurboJPEG decompressor unavailable");
  int w = 0, h = 0, subsamp = 0, colorspace = 0;
  Status result;
  if (tjDecompressHeader3(tj, d.data(), n, &w, &h, &subsamp, &colorspace) != 0) {
    result = Status::BadData(std::string("output JPEG header unreadable: ") + tjGetErrorStr2(tj));
  } else if (w != ew || h != eh) {
    result = Status::BadData(SizeMismatch(w, h, ew, eh));
  } else {
    // Decoded at 1/8 scale. This check is as strong as a full-size decode: what proves the
    // copied scan data intact is the entropy decoder, and it does the same work at every
    // scale. Huffman codes have no length field, so libjpeg-turbo must decode every DC and
    // AC symbol of every block of every scan to find where the next block starts (at 1/8
    // it decodes the AC values and then discards them, instead of storing them; progressive
    // scans still fill the whole coefficient buffer). So an invalid Huffman code, data
    // ending before the last MCU, a missing or misnumbered restart marker and stray bytes
    // before a marker raise the same warnings, which TJFLAG_STOPONWARNING turns into
    // failures. Only the inverse DCT, upsampling and colour conversion of coefficients that
    // did decode are reduced, arithmetic that cannot fail; a full-size decode costs ~2x
    // more for nothing a publisher could learn from. verify_test.cpp corrupts the
    // entropy-coded data of baseline and progressive files and expects a failure.
    const tjscalingfactor eighth{1, 8};
    const int sw = TJSCALED(w, eighth), sh = TJSCALED(h, eighth);
    std::vector<unsigned char> pixels(static_cast<std::size_t>(sw) * sh * 3);
    if (tjDecompress2(tj, d.data(), n, pixels.data(), sw, 0, sh, TJPF_BGR,
                      TJFLAG_FASTDCT | TJFLAG_STOPONWARNING) != 0) {
      result = Status::BadData(std::string("output JPEG does not decode: ") + tjGetErrorStr2(tj));
    }
  }
  tjDestroy(tj);
  if (!result.ok()) return result;
  std::stable_sort(icc_parts.begin(), icc_parts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Bytes icc;
  for (const auto& part : icc_parts) icc.insert(icc.end(), part.second.begin(), part.second.end());
  return CheckIcc(icc, original_icc);
}

// ---------------------------------------------------------------- PNG

struct PngReadState {
  const Bytes* data = nullptr;
  std::size_t pos = 0;
  char error[200] = {0};
};

void PngRead(png_structp png, png_bytep out, png_size_t size) {
  auto* s = static_cast<PngReadState*>(png_get_io_ptr(png));
  if (s->data->size() - s->pos < size) png_error(png, "read past the end of the data");
  std::memcpy(out, s->data->data() + s->pos, size);
  s->pos += size;
}

void PngFail(png_structp png, png_const_charp msg) {
  auto* s = static_cast<PngReadState*>(png_get_error_ptr(png));
  std::snprintf(s->error, sizeof(s->error), "%s", msg);
  png_longjmp(png, 1);
}

void PngWarn(png_structp, png_const_charp) {}

/// Full libpng decode; fills the size. No C++ object is
/// created inside the setjmp scope: the row buffer lives in the caller.
/// Stops after the header (returning true) when the size is not the expected one, so a
/// hostile header cannot make it allocate.
/// Rows are read one at a time into one buffer, as stored (no transforms): libpng still
/// inflates every IDAT byte (zlib checks its Adler-32), checks every chunk CRC and undoes
/// every row filter (an unknown filter type is an error), and complains about missing or
/// extra image data, which is all a decode can prove; the picture itself is not kept.
bool DecodePng(PngReadState* st, png_uint_32 ew, png_uint_32 eh, png_uint_32* w, png_uint_32* h,
               Bytes* row) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, st, PngFail, PngWarn);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, st, PngRead);
  png_read_info(png, info);
  *w = png_get_image_width(png, info);
  *h = png_get_image_height(png, info);
  if (*w != ew || *h != eh) {
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
  }
  // An interlaced image is read pass by pass, each pass over every row (rows a pass does
  // not touch are skipped by libpng); the shared buffer only ever receives one row.
  const int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  row->resize(png_get_rowbytes(png, info));
  for (int pass = 0; pass < passes; ++pass) {
    for (png_uint_32 y = 0; y < *h; ++y) png_read_row(png, row->data(), nullptr);
  }
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

Status VerifyPng(const SanitizedOutput& out, int ew, int eh, const Bytes& original_icc) {
  static const std::uint8_t kSig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  static const char* kAllowed[] = {"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "iCCP",
                                   "sRGB", "gAMA", "cHRM", "pHYs", "sBIT", "bKGD"};
  const Bytes& d = out.bytes;
  if (d.size() < 8 || std::memcmp(d.data(), kSig, 8) != 0) {
    return Status::BadData("output is not a PNG (bad signature)");
  }
  std::size_t pos = 8;
  bool first = true;
  while (true) {
    if (pos + 12 > d.size()) return Status::BadData("output PNG ends without IEND (truncated)");
    const std::size_t len = (static_cast<std::size_t>(d[pos]) << 24) | (d[pos + 1] << 16) |
                            (d[pos + 2] << 8) | d[pos + 3];
    const std::string type(reinterpret_cast<const char*>(&d[pos + 4]), 4);
    if (len > d.size() - pos - 12)
      return Status::BadData("PNG chunk '" + type + "' truncated" + At(pos));
    if (std::find(std::begin(kAllowed), std::end(kAllowed), type) == std::end(kAllowed)) {
      return Status::BadData("PNG chunk '" + type + "' is not allowed" + At(pos));
    }
    if (first && type != "IHDR") return Status::BadData("PNG does not start with IHDR");
    if (type == "iCCP" && (len < 13 || std::memcmp(&d[pos + 8], "ICC Profile\0", 12) != 0)) {
      return Status::BadData("PNG iCCP profile name is not the neutral 'ICC Profile'" + At(pos));
    }
    first = false;
    const std::size_t crc_at = pos + 8 + len;
    const std::uint32_t stored = (static_cast<std::uint32_t>(d[crc_at]) << 24) |
                                 (d[crc_at + 1] << 16) | (d[crc_at + 2] << 8) | d[crc_at + 3];
    if (crc32(0, &d[pos + 4], static_cast<uInt>(len + 4)) != stored) {
      return Status::BadData("PNG chunk '" + type + "' has a bad CRC" + At(pos));
    }
    pos = crc_at + 4;
    if (type == "IEND") break;
  }
  if (pos != d.size()) return Status::BadData(std::to_string(d.size() - pos) + " bytes after IEND");
  PngReadState st;
  st.data = &d;
  png_uint_32 w = 0, h = 0;
  Bytes row;
  if (ew <= 0 || eh <= 0) return Status::BadData("expected size is empty");
  if (!DecodePng(&st, static_cast<png_uint_32>(ew), static_cast<png_uint_32>(eh), &w, &h,
                 &row)) {
    return Status::BadData(std::string("output PNG does not decode: ") + st.error);
  }
  if (static_cast<int>(w) != ew || static_cast<int>(h) != eh) {
    return Status::BadData(SizeMismatch(static_cast<int>(w), static_cast<int>(h), ew, eh));
  }
  // The profile is compared as stored (inflated iCCP), not as libpng accepts it: libpng
  // silently drops profiles it finds inconsistent, which would read as "ICC missing".
  return CheckIcc(ExtractIcc(d, ImageFormat::kPng), original_icc);
}

// ---------------------------------------------------------------- WebP

bool WebpStill(const Bytes& d, std::size_t pos, std::size_t len) {
  return std::memcmp(&d[pos], "VP8 ", 4) == 0 || std::memcmp(&d[pos], "VP8L", 4) == 0 ||
         (std::memcmp(&d[pos], "ALPH", 4) == 0 && len > 0);
}

std::size_t Le32(const Bytes& d, std::size_t at) {
  return d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (static_cast<std::size_t>(d[at + 3]) << 24);
}

/// Inside an ANMF frame only ALPH, VP8 and VP8L may follow its 16-byte header.
Status CheckFrameChunks(const Bytes& d, std::size_t frame_pos, std::size_t len) {
  if (len < 16) return Status::BadData("WebP ANMF chunk too short" + At(frame_pos));
  const std::size_t end = frame_pos + 8 + len;
  for (std::size_t pos = frame_pos + 8 + 16; pos < end;) {
    if (pos + 8 > end) return Status::BadData("truncated chunk inside WebP ANMF" + At(pos));
    const std::size_t sub = Le32(d, pos + 4);
    if (sub > end - pos - 8) return Status::BadData("truncated chunk inside WebP ANMF" + At(pos));
    if (!WebpStill(d, pos, sub)) {
      return Status::BadData("WebP frame chunk '" +
                             std::string(reinterpret_cast<const char*>(&d[pos]), 4) +
                             "' is not allowed" + At(pos));
    }
    pos += 8 + sub + (sub & 1);
  }
  return Status::Ok();
}

/// Every frame through WebPAnimDecoder (libwebpdemux), onto a canvas of the given size.
Status DecodeAnimatedWebp(const Bytes& d, int ew, int eh) {
  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) return Status::Internal("libwebp version mismatch");
  options.color_mode = MODE_BGRA;
  options.use_threads = 0;
  const WebPData data = {d.data(), d.size()};
  WebPAnimDecoder* dec = WebPAnimDecoderNew(&data, &options);
  if (dec == nullptr) return Status::BadData("output animated WebP does not parse");
  WebPAnimInfo info;
  Status result;
  if (!WebPAnimDecoderGetInfo(dec, &info)) {
    result = Status::BadData("output animated WebP has no readable header");
  } else if (static_cast<int>(info.canvas_width) != ew ||
             static_cast<int>(info.canvas_height) != eh) {
    result = Status::BadData(SizeMismatch(static_cast<int>(info.canvas_width),
                                          static_cast<int>(info.canvas_height), ew, eh));
  } else {
    std::uint32_t frames = 0;
    while (result.ok() && WebPAnimDecoderHasMoreFrames(dec)) {
      std::uint8_t* canvas = nullptr;
      int timestamp = 0;
      if (!WebPAnimDecoderGetNext(dec, &canvas, &timestamp)) {
        result = Status::BadData("output WebP frame " + std::to_string(frames + 1) +
                                 " does not decode");
      }
      ++frames;
    }
    if (result.ok() && frames != info.frame_count) {
      result = Status::BadData("output WebP decoded " + std::to_string(frames) + " of " +
                               std::to_string(info.frame_count) + " frames");
    }
  }
  WebPAnimDecoderDelete(dec);
  return result;
}

/// A still WebP decoded in full but delivered at 1/8 size (libwebp's rescaler), as JPEG is:
/// the rescaler only consumes rows the decoder has finished, so VP8 still parses and
/// reconstructs every macroblock (a short or corrupt partition is an error), VP8L decodes
/// every pixel, and the ALPH plane is decoded because BGRA output needs it. Only the output
/// buffer and its colour conversion shrink.
Status DecodeStillWebp(const Bytes& d, int ew, int eh) {
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) return Status::Internal("libwebp version mismatch");
  if (WebPGetFeatures(d.data(), d.size(), &config.input) != VP8_STATUS_OK) {
    return Status::BadData("output WebP header unreadable");
  }
  const int w = config.input.width, h = config.input.height;
  if (w != ew || h != eh) return Status::BadData(SizeMismatch(w, h, ew, eh));
  config.options.use_scaling = 1;
  config.options.scaled_width = std::max(1, w / 8);
  config.options.scaled_height = std::max(1, h / 8);
  config.output.colorspace = MODE_BGRA;
  const VP8StatusCode code = WebPDecode(d.data(), d.size(), &config);
  WebPFreeDecBuffer(&config.output);
  if (code != VP8_STATUS_OK) {
    return Status::BadData("output WebP does not decode (libwebp status " +
                           std::to_string(code) + ")");
  }
  return Status::Ok();
}

Status VerifyWebp(const SanitizedOutput& out, int ew, int eh, const Bytes& original_icc) {
  const Bytes& d = out.bytes;
  if (d.size() < 20 || std::memcmp(d.data(), "RIFF", 4) != 0 ||
      std::memcmp(&d[8], "WEBP", 4) != 0) {
    return Status::BadData("output is not a WebP (no RIFF/WEBP header)");
  }
  if (Le32(d, 4) + 8 != d.size()) return Status::BadData("WebP RIFF size does not match the file size");
  bool vp8x = false, icc_chunk = false, anim_chunk = false;
  int frames = 0;
  std::uint8_t flags = 0;
  Bytes icc;
  for (std::size_t pos = 12; pos < d.size();) {
    if (pos + 8 > d.size()) return Status::BadData("truncated WebP chunk" + At(pos));
    const std::string cc(reinterpret_cast<const char*>(&d[pos]), 4);
    const std::size_t len = Le32(d, pos + 4);
    if (len > d.size() - pos - 8)
      return Status::BadData("truncated WebP chunk '" + cc + "'" + At(pos));
    if (cc == "EXIF" || cc == "XMP ")
      return Status::BadData("residual WebP " + cc + " chunk" + At(pos));
    if (cc == "VP8X") {
      if (pos != 12 || len < 10) return Status::BadData("misplaced or short WebP VP8X" + At(pos));
      vp8x = true;
      flags = d[pos + 8];
    } else if (cc == "ICCP") {
      icc_chunk = true;
      icc.assign(d.begin() + pos + 8, d.begin() + pos + 8 + len);
    } else if (cc == "ANIM") {
      anim_chunk = true;
    } else if (cc == "ANMF") {
      const Status st = CheckFrameChunks(d, pos, len);
      if (!st.ok()) return st;
      ++frames;
    } else if (!WebpStill(d, pos, len)) {
      return Status::BadData("WebP chunk '" + cc + "' is not allowed" + At(pos));
    }
    pos += 8 + len + (len & 1);
  }
  if (vp8x) {
    if ((flags & 0x08) || (flags & 0x04)) return Status::BadData("WebP VP8X announces EXIF/XMP");
    if (((flags & 0x20) != 0) != icc_chunk)
      return Status::BadData("WebP VP8X ICC flag does not match the chunks");
    if (((flags & 0x02) != 0) != anim_chunk)
      return Status::BadData("WebP VP8X animation flag does not match the chunks");
  } else if (icc_chunk || anim_chunk || frames > 0) {
    return Status::BadData("WebP has ICCP or animation chunks without VP8X");
  }
  if (anim_chunk != (frames > 0)) return Status::BadData("WebP ANIM without frames or vice versa");
  if (anim_chunk) {
    const Status st = DecodeAnimatedWebp(d, ew, eh);
    if (!st.ok()) return st;
    return CheckIcc(icc, original_icc);
  }
  const Status st = DecodeStillWebp(d, ew, eh);
  return st.ok() ? CheckIcc(icc, original_icc) : st;
}

}  // namespace

Status VerifySanitized(const SanitizedOutput& out, int expected_width, int expected_height,
                       const Bytes& original_icc) {
  try {
    switch (out.format) {
      case ImageFormat::kJpeg:
        return VerifyJpeg(out, expected_width, expected_height, original_icc);
      case ImageFormat::kPng:
        return VerifyPng(out, expected_width, expected_height, original_icc);
      case ImageFormat::kWebp:
        return VerifyWebp(out, expected_width, expected_height, original_icc);
      case ImageFormat::kGif: {
        Bytes icc;
        const Status st = VerifyGifStructure(out.bytes, expected_width, expected_height, &icc);
        return st.ok() ? CheckIcc(icc, original_icc) : st;
      }
      default:
        break;
    }
    return Status::BadData(std::string("output format ") + ImageFormatName(out.format) +
                           " is never published");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("verification failed: ") + e.what());
  }
}

}  // namespace pg
