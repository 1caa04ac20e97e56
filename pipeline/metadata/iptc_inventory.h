// IPTC inventory: Photoshop image resources (JPEG APP13) and the IPTC-IIM records inside them.
//
// In: the bytes of a Photoshop "8BIM" resource block or of bare IPTC-IIM datasets, borrowed.
// Out: findings (iptc, artist, copyright, date, text, thumbnail, other) and UTF-8 texts
// (iptc:By-line, iptc:Caption-Abstract, iptc:Keywords, iptc:ObjectName, ...) appended to
// *facts. IIM text is kept when it is valid UTF-8 (as the 1:90 charset record announces)
// and read as Latin-1 otherwise. Resources that embed EXIF or XMP are handed to those readers.
// Never fails; bounds-checked on every length. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/image_record.h"

namespace pg {

/// Walks "8BIM" resources (the payload of APP13 after "Photoshop 3.0\0", possibly several
/// segments concatenated). `where` names the container for findings.
void InventoryPhotoshopResources(const std::uint8_t* data, std::size_t size,
                                 const std::string& where, MetadataFacts* facts);

/// Reads IPTC-IIM datasets (0x1C record dataset length value ...).
void InventoryIptcIim(const std::uint8_t* data, std::size_t size, const std::string& where,
                      MetadataFacts* facts);

}  // namespace pg
