#include "decode/format_sniff.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace pg {
namespace {

bool StartsWith(const Bytes& data, std::size_t offset, std::string_view magic) {
  if (data.size() < offset + magic.size()) return false;
  return std::memcmp(data.data() + offset, magic.data(), magic.size()) == 0;
}

std::uint32_t ReadBigEndian32(const Bytes& data, std::size_t offset) {
  return (std::uint32_t{data[offset]} << 24) | (std::uint32_t{data[offset + 1]} << 16) |
         (std::uint32_t{data[offset + 2]} << 8) | std::uint32_t{data[offset + 3]};
}

bool IsHeifBrand(const std::uint8_t* brand) {
  static constexpr std::array<std::string_view, 13> kBrands = {
      "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm",
      "hevs", "mif1", "mif2", "msf1", "avif", "avis"};
  const std::string_view b(reinterpret_cast<const char*>(brand), 4);
  return std::find(kBrands.begin(), kBrands.end(), b) != kBrands.end();
}

// An ISO-BMFF file starts with an 'ftyp' box: size(4) 'ftyp' major(4) minor_version(4)
// compatible brands(4 each) up to the box size.
bool IsHeif(const Bytes& data) {
  if (data.size() < 12 || !StartsWith(data, 4, "ftyp")) return false;
  if (IsHeifBrand(data.data() + 8)) return true;
  const std::size_t box_end = std::min<std::size_t>(ReadBigEndian32(data, 0), data.size());
  for (std::size_t off = 16; off + 4 <= box_end; off += 4) {
    if (IsHeifBrand(data.data() + off)) return true;
  }
  return false;
}

}  // namespace

ImageFormat SniffFormat(const Bytes& data) {
  if (StartsWith(data, 0, "\xFF\xD8\xFF")) return ImageFormat::kJpeg;
  if (StartsWith(data, 0, "\x89PNG\r\n\x1A\n")) return ImageFormat::kPng;
  if (StartsWith(data, 0, "RIFF") && StartsWith(data, 8, "WEBP")) return ImageFormat::kWebp;
  if (StartsWith(data, 0, "GIF87a") || StartsWith(data, 0, "GIF89a")) return ImageFormat::kGif;
  if (StartsWith(data, 0, std::string_view("II*\0", 4)) ||
      StartsWith(data, 0, std::string_view("MM\0*", 4)) ||
      StartsWith(data, 0, std::string_view("II+\0", 4)) ||
      StartsWith(data, 0, std::string_view("MM\0+", 4))) {
    return ImageFormat::kTiff;
  }
  if (IsHeif(data)) return ImageFormat::kHeif;
  return ImageFormat::kUnknown;
}

std::string HexPrefix(const Bytes& data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < std::min(n, data.size()); ++i) {
    if (i > 0) out.push_back(' ');
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0F]);
  }
  return out;
}

std::string DescribeUnknown(const Bytes& data) {
  if (data.empty()) return "an empty file";
  const std::size_t n = std::min<std::size_t>(data.size(), 512);
  bool text = true;
  for (std::size_t i = 0; i < n && text; ++i) {
    const std::uint8_t c = data[i];
    text = c >= 0x20 ? c != 0x7f : (c == '\n' || c == '\r' || c == '\t');
  }
  return text ? "text, not an image" : "no supported image format (JPEG, PNG, WebP, HEIF/AVIF, TIFF, GIF)";
}

}  // namespace pg
