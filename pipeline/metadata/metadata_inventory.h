// Metadata inventory: everything an ORIGINAL file carries besides its pixels, and every
// embedded text a student's name could hide in.
//
// In: the file's bytes (borrowed) and its format (from the decode stage's SniffFormat).
// Out: MetadataFacts with `found` (GPS with decimal coordinates, serial numbers, owner,
// artist, dates, thumbnails, XMP/IPTC blocks, comments, ICC, unknown segments), `texts`
// (UTF-8 values for the names stage: exif:Artist, xmp:dc:creator, xmp:mwg-rs:Name,
// iptc:By-line, png:<keyword>, jpeg:COM, ...) and `exif_orientation`. `removed` is left
// empty (Sanitize fills it). Never fails and never throws: unreadable parts become
// {kind "other", detail "... unreadable: why"} findings, so the policy can fail closed.
// Stateless; thread-safe.
#pragma once

#include "core/image_record.h"

namespace pg {

/// Sources read, per format: JPEG APP1 Exif/XMP/ExtendedXMP, APP13 Photoshop (IPTC-IIM, and
/// EXIF/XMP resources), APP2 ICC/MPF, COM, other APPn (their readable strings), the trailer
/// after EOI (an embedded JPEG there is inventoried too); PNG eXIf, tEXt/zTXt/iTXt (XMP and
/// ImageMagick "Raw profile type" included), iCCP, tIME, unknown ancillary chunks; WebP EXIF,
/// XMP, ICCP; HEIF Exif and XMP items of every top-level image, thumbnails, ICC; TIFF IFD0 with
/// its EXIF and GPS directories, XMP, IPTC and ICC tags (later directories are not read, which
/// a finding notes); GIF comments, XMP and ICC extensions.
MetadataFacts InspectMetadata(const Bytes& data, ImageFormat format);

}  // namespace pg
