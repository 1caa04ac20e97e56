#include "metadata/heif_metadata.h"

#include <libheif/heif.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metadata/exif_inventory.h"
#include "metadata/xmp_inventory.h"

namespace pg {
namespace {

struct ContextDeleter {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HandleDeleter {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
using Context = std::unique_ptr<heif_context, ContextDeleter>;
using Handle = std::unique_ptr<heif_image_handle, HandleDeleter>;

/// Opens the container; on failure returns null and sets *why.
Context Open(const Bytes& data, std::string* why) {
  // Initialised once, before any context, as the decode stage does: libheif's implicit
  // first-use set-up is not safe when several threads (StripFiles) reach it together.
  static std::once_flag init_once;
  std::call_once(init_once, [] { heif_init(nullptr); });
  Context ctx(heif_context_alloc());
  if (!ctx) {
    *why = "libheif could not allocate a context";
    return nullptr;
  }
  const heif_error err =
      heif_context_read_from_memory_without_copy(ctx.get(), data.data(), data.size(), nullptr);
  if (err.code != heif_error_Ok) {
    *why = err.message != nullptr ? err.message : "unreadable container";
    return nullptr;
  }
  return ctx;
}

Bytes RawIcc(const heif_image_handle* h) {
  const heif_color_profile_type t = heif_image_handle_get_color_profile_type(h);
  if (t != heif_color_profile_type_prof && t != heif_color_profile_type_rICC) return {};
  Bytes icc(heif_image_handle_get_raw_color_profile_size(h));
  if (icc.empty()) return {};
  if (heif_image_handle_get_raw_color_profile(h, icc.data()).code != heif_error_Ok) return {};
  return icc;
}

/// Handles one image's metadata items; returns the EXIF orientation found, or 0.
int InventoryImage(const heif_image_handle* h, const std::string& where, MetadataFacts* f) {
  int orientation = 0;
  const int count = heif_image_handle_get_number_of_metadata_blocks(h, nullptr);
  std::vector<heif_item_id> ids(count > 0 ? count : 0);
  if (count > 0) heif_image_handle_get_list_of_metadata_block_IDs(h, nullptr, ids.data(), count);
  for (heif_item_id id : ids) {
    const std::string type = heif_image_handle_get_metadata_type(h, id);
    const char* ct = heif_image_handle_get_metadata_content_type(h, id);
    const std::string content_type = ct != nullptr ? ct : "";
    Bytes item(heif_image_handle_get_metadata_size(h, id));
    if (item.empty() || heif_image_handle_get_metadata(h, id, item.data()).code != heif_error_Ok) {
      AddFinding(f, "other", "HEIF metadata item '" + type + "' present but unreadable", where);
      continue;
    }
    if (type == "Exif") {
      // ISO/IEC 23008-12 A.2.1: a 4-byte big-endian offset to the TIFF header, then the data.
      if (item.size() < 4) {
        AddFinding(f, "other", "EXIF block present but unreadable: item too short", where);
        continue;
      }
      const std::size_t skip =
          (static_cast<std::size_t>(item[0]) << 24) | (item[1] << 16) | (item[2] << 8) | item[3];
      if (skip > item.size() - 4) {
        AddFinding(f, "other", "EXIF block present but unreadable: bad TIFF header offset", where);
        continue;
      }
      const int o = InventoryExif(item.data() + 4 + skip, item.size() - 4 - skip, where, f);
      if (orientation == 0) orientation = o;
    } else if (type == "mime" && content_type == "application/rdf+xml") {
      InventoryXmp(std::string_view(reinterpret_cast<const char*>(item.data()), item.size()), where,
                   f);
    } else {
      AddFinding(f, "other",
                 "HEIF metadata item '" + type + (content_type.empty() ? "" : " " + content_type) +
                     "' (" + std::to_string(item.size()) + " bytes)",
                 where);
    }
  }
  const int thumbs = heif_image_handle_get_number_of_thumbnails(h);
  if (thumbs > 0) {
    AddFinding(f, "thumbnail", "HEIF thumbnail images: " + std::to_string(thumbs), where);
  }
  if (heif_image_handle_has_depth_image(h)) AddFinding(f, "other", "HEIF depth map", where);
  const Bytes icc = RawIcc(h);
  if (!icc.empty()) {
    AddFinding(f, "icc", "ICC profile (" + std::to_string(icc.size()) + " bytes)", where);
  }
  return orientation;
}

}  // namespace

int InventoryHeif(const Bytes& data, MetadataFacts* f) {
  std::string why;
  Context ctx = Open(data, &why);
  if (!ctx) {
    AddFinding(f, "other", "HEIF container unreadable, metadata not inventoried: " + why, "heif");
    return 0;
  }
  heif_item_id primary = 0;
  heif_context_get_primary_image_ID(ctx.get(), &primary);
  const int n = heif_context_get_number_of_top_level_images(ctx.get());
  std::vector<heif_item_id> ids(n > 0 ? n : 0);
  if (n > 0) heif_context_get_list_of_top_level_image_IDs(ctx.get(), ids.data(), n);
  if (n > 1) {
    AddFinding(f, "other", "HEIF file holds " + std::to_string(n) + " top-level images", "heif");
  }
  int orientation = 0;
  for (heif_item_id id : ids) {
    heif_image_handle* raw = nullptr;
    if (heif_context_get_image_handle(ctx.get(), id, &raw).code != heif_error_Ok) {
      AddFinding(f, "other", "HEIF image " + std::to_string(id) + " unreadable", "heif");
      continue;
    }
    Handle h(raw);
    const int o = InventoryImage(h.get(), "heif", f);
    if (id == primary) orientation = o;
  }
  return orientation;
}

Bytes HeifIcc(const Bytes& data) {
  std::string why;
  Context ctx = Open(data, &why);
  if (!ctx) return {};
  heif_image_handle* raw = nullptr;
  if (heif_context_get_primary_image_handle(ctx.get(), &raw).code != heif_error_Ok) return {};
  Handle h(raw);
  return RawIcc(h.get());
}

}  // namespace pg
