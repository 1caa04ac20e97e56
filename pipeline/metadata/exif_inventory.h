// EXIF inventory: what one EXIF block says about the photo and its owner, read with libexif.
//
// In: one EXIF block ("Exif\0\0" + TIFF structure, or a bare TIFF structure as PNG eXIf and
// most WebP EXIF chunks store it), borrowed. Out: findings (gps with decimal coordinates,
// camera, camera_serial, owner, artist, copyright, date, software, thumbnail, text, other)
// and UTF-8 texts (exif:Artist, exif:XPAuthor, exif:UserComment, ...) appended to *facts.
// Never fails: unreadable data becomes an "other" finding. Thread-safe (own libexif objects).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/image_record.h"

namespace pg {

/// Other metadata stored as IFD0 tags, which TIFF files use instead of separate segments.
struct ExifEmbedded {
  Bytes xmp;   ///< tag 700 (XMLPacket)
  Bytes iptc;  ///< tag 33723 (IPTC-NAA)
  Bytes icc;   ///< tag 34675 (InterColorProfile)
};

/// Appends the block's findings and texts to *facts. `where` names the container for the
/// findings ("exif", "png eXIf", "webp EXIF", "heif Exif", "tiff", "photoshop"). Returns the
/// Orientation tag (1..8) when the block has a valid one, else 0. Does not touch
/// facts->exif_orientation (the caller decides which block counts). When `embedded` is not
/// null it receives the XMP/IPTC/ICC tags of IFD0 (for TIFF files).
int InventoryExif(const std::uint8_t* data, std::size_t size, const std::string& where,
                  MetadataFacts* facts, ExifEmbedded* embedded = nullptr);

/// Limits that keep a hostile file (100 000 comment segments, a zlib bomb per text chunk)
/// from turning the inventory into a memory or report explosion. Reaching one is itself
/// recorded as an "other" finding.
inline constexpr std::size_t kMaxTexts = 2000;          ///< text fields per file
inline constexpr std::size_t kMaxTextBytes = 1u << 20;  ///< bytes per text value (then cut)
inline constexpr std::size_t kMaxFindings = 1000;       ///< findings per file

/// Adds {field, value} to facts->texts unless value is empty or the same pair is already
/// there. Shared by all inventory readers.
void AddText(MetadataFacts* facts, const std::string& field, const std::string& value);

/// Appends a finding (up to kMaxFindings, then one "more findings" note).
void AddFinding(MetadataFacts* facts, const std::string& kind, const std::string& detail,
                const std::string& where);

/// "GPS position 37.422000, -122.084000" (six decimals, the form every reader uses).
std::string FormatGpsDetail(double lat, double lon);

}  // namespace pg
