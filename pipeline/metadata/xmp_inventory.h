// XMP inventory: people, places and authors named in an XMP packet, read with pugixml.
//
// In: one XMP packet (RDF/XML text, borrowed). Out: findings (xmp, artist, copyright, gps,
// camera_serial, owner, software, date, text) and UTF-8 texts appended to *facts. Texts are
// named "xmp:<prefix>:<property>" with the usual prefix for well-known namespaces
// (xmp:dc:creator, xmp:mwg-rs:Name, xmp:Iptc4xmpExt:PersonInImage) whatever prefix the file
// used. Every descriptive property reaches texts, not only the famous ones, because
// catalogue programs store people under their own namespaces; technical namespaces (camera
// raw settings, history, dimensions) are skipped. Never fails: unparseable XML becomes an
// "other" finding and its readable text is still handed on. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/image_record.h"

namespace pg {

/// Appends the packet's findings and texts to *facts. `where` names the container
/// ("xmp", "xmp (extended)", "png iTXt", "webp XMP", "heif XMP", "gif XMP").
void InventoryXmp(std::string_view xml, const std::string& where, MetadataFacts* facts);

/// Parses an XMP GPS coordinate ("37,25.32N", "122,5,2.4W", "-122.084") to signed degrees.
std::optional<double> ParseXmpGpsCoordinate(std::string_view text);

}  // namespace pg
