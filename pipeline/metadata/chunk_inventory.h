// Per-container inventory readers for the chunked formats: PNG, WebP and GIF.
//
// In: the whole file (borrowed). Out: findings and texts appended to *facts (EXIF, XMP and
// IPTC payloads handed to their readers). Each returns the EXIF orientation that viewers
// honour for that container (PNG eXIf, WebP EXIF), or 0. Never fails: a broken structure
// becomes an "other" finding after what could be read. Internal to the metadata stage;
// InspectMetadata() is the public entry point. Stateless; thread-safe.
#pragma once

#include <string>

#include "core/image_record.h"

namespace pg {

int InventoryPng(const Bytes& data, MetadataFacts* facts);
int InventoryWebp(const Bytes& data, MetadataFacts* facts);
void InventoryGif(const Bytes& data, MetadataFacts* facts);

/// Decodes an ImageMagick "Raw profile type xxx" text ("\nexif\n    1234\n4578696600...")
/// to its bytes; empty if malformed.
Bytes DecodeRawProfile(const std::string& text);

}  // namespace pg
