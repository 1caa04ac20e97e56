// HEIF/HEIC/AVIF metadata through libheif: Exif and XMP items, thumbnails, ICC profile.
//
// In: HEIF bytes (borrowed; libheif reads them without copying for the call's duration).
// Out: findings and texts appended to *facts (EXIF and XMP handed to their readers), or the
// primary image's ICC profile. Never fails: an unreadable container becomes an "other"
// finding. Each call uses its own heif_context; thread-safe.
#pragma once

#include "core/image_record.h"

namespace pg {

/// Inventories every top-level image's metadata items. Returns the primary image's EXIF
/// Orientation (1..8) or 0. (libheif applies the container's own irot/imir, so the decode
/// stage ignores this value for HEIF; it is reported for completeness.)
int InventoryHeif(const Bytes& data, MetadataFacts* facts);

/// The primary image's ICC profile ('prof' or 'rICC' colour property); empty if none or unreadable.
Bytes HeifIcc(const Bytes& data);

}  // namespace pg
