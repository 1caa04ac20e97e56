// EXIF writer: builds real EXIF blocks with libexif, for tests and the example builder.
//
// In: the fields to write (SyntheticExif) and, for the Insert* helpers, a JPEG (borrowed).
// Out: an APP1 payload ("Exif\0\0" + TIFF structure, little-endian) or a new JPEG with the
// segment inserted. Used at set-up time to make photos that carry GPS, serial numbers,
// names and thumbnails, so the inventory and the stripper are tested against what cameras
// and phones really write. Stateless; thread-safe (own libexif objects per call).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

struct SyntheticExif {
  std::optional<double> gps_lat,
      gps_lon;  ///< decimal degrees, written as GPS rationals + N/S E/W refs
  std::string make, model, body_serial, artist, image_description, copyright, owner_name, software;
  std::string date_time_original;  ///< "2026:05:01 10:00:00"
  std::string xp_author;           ///< written UCS-2LE in XPAuthor (0x9c9d)
  std::string user_comment;        ///< written with the "UNICODE\0" (UCS-2LE) header
  int orientation = 0;             ///< 0 = no tag
  Bytes thumbnail_jpeg;            ///< IFD1 thumbnail when non-empty
};

/// "Exif\0\0" + TIFF, ready for an APP1 segment. Strings are written as given (UTF-8).
/// Errors: BadData when a coordinate is out of range or the block exceeds one APP1 segment
/// (65527 bytes); Internal when libexif cannot allocate.
Result<Bytes> BuildExifApp1Payload(const SyntheticExif& fields);

/// Inserts the EXIF APP1 right after SOI (after an APP0 JFIF that directly follows SOI).
/// Errors: BadData if `jpeg` does not start with SOI; those of BuildExifApp1Payload.
Result<Bytes> InsertExifIntoJpeg(const Bytes& jpeg, const SyntheticExif& fields);

/// The APP1 payload of an XMP packet: "http://ns.adobe.com/xap/1.0/\0" + xml.
Bytes MakeXmpApp1Payload(const std::string& xml);

/// Appends `trailer` after the file's last byte (as phones append MPF images or videos).
Bytes AppendTrailer(const Bytes& file, const Bytes& trailer);

}  // namespace pg
