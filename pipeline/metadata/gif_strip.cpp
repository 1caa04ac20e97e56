#include "metadata/gif_strip.h"

#include <cstdio>

#include "metadata/gif_blocks.h"

namespace pg {
namespace {

bool IsLoopingId(const std::string& id) { return id == "NETSCAPE2.0" || id == "ANIMEXTS1.0"; }

void Note(std::vector<std::string>* removed, std::string what) {
  if (removed != nullptr) removed->push_back(std::move(what));
}

std::string ExtensionName(const GifBlock& b) {
  switch (b.label) {
    case kGifComment:
      return "GIF comment";
    case kGifPlainText:
      return "GIF plain text";
    case kGifApplication:
      return b.app_id.empty() ? "GIF application extension" : "GIF application " + b.app_id;
    case kGifGraphicControl:
      return "GIF malformed graphic control extension";
    default: {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%02X", b.label);
      return std::string("GIF extension ") + hex;
    }
  }
}

/// The looping extension reduced to its loop-count sub-block (01 lo hi); false when it has
/// none. Other sub-blocks (NETSCAPE buffering hints, or anything hidden there) are dropped.
bool AppendLoopExtension(const Bytes& d, const GifBlock& b, Bytes* out, bool* had_extra) {
  std::size_t pos = b.offset + 2 + 12;  // introducer, label, 11-byte identifier block
  const std::size_t end = b.offset + b.size;
  bool found = false;
  *had_extra = false;
  while (pos < end && d[pos] != 0) {
    const std::size_t len = d[pos];
    if (!found && len == 3 && d[pos + 1] == 0x01) {
      const std::uint8_t ext[] = {kGifExtensionIntroducer, kGifApplication, 11};
      out->insert(out->end(), ext, ext + 3);
      out->insert(out->end(), b.app_id.begin(), b.app_id.end());
      const std::uint8_t loop[] = {3, 0x01, d[pos + 2], d[pos + 3], 0};
      out->insert(out->end(), loop, loop + 5);
      found = true;
    } else {
      *had_extra = true;
    }
    pos += 1 + len;
  }
  return found;
}

}  // namespace

Result<Bytes> StripGifBlocks(const Bytes& d, std::vector<std::string>* removed) {
  GifLayout layout;
  const Status st = ParseGifLayout(d, &layout);
  if (!st.ok()) return st;
  Bytes out(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(layout.header_size));
  out.reserve(d.size());
  int images = 0;
  for (const GifBlock& b : layout.blocks) {
    const auto first = d.begin() + static_cast<std::ptrdiff_t>(b.offset);
    const auto last = first + static_cast<std::ptrdiff_t>(b.size);
    if (b.introducer == kGifImageSeparator) {
      out.insert(out.end(), first, last);
      ++images;
    } else if (b.label == kGifGraphicControl && b.size == 8 && d[b.offset + 2] == 4) {
      out.insert(out.end(), first, last);  // 21 F9 04 <4 bytes> 00: nothing else fits in it
    } else if (b.label == kGifApplication && b.app_id == "ICCRGBG1012") {
      out.insert(out.end(), first, last);  // the colour profile, kept like everywhere
    } else if (b.label == kGifApplication && IsLoopingId(b.app_id)) {
      bool extra = false;
      if (!AppendLoopExtension(d, b, &out, &extra)) {
        Note(removed, "GIF " + b.app_id + " without a loop count");
      } else if (extra) {
        Note(removed, "GIF " + b.app_id + " extra sub-blocks");
      }
    } else {
      Note(removed, ExtensionName(b));
    }
  }
  if (images == 0) return Status::BadData("GIF holds no image");
  out.push_back(kGifTrailer);
  if (layout.after_trailer > 0) {
    Note(removed, "trailer after GIF end (" + std::to_string(layout.after_trailer) + " bytes)");
  }
  return out;
}

}  // namespace pg
