// JPEG marker-segment parser and writer: the byte-level map of a JPEG file.
//
// In: JPEG bytes (borrowed). Out: a JpegStructure listing every marker segment with its
// offsets into the caller's buffer, where each entropy-coded scan ends, where EOI sits and
// how many bytes trail it. Parsing never reads out of bounds; a structural problem is
// returned as BadData while the segments seen before it stay listed (the inventory uses
// them, the stripper refuses the file). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"

namespace pg {

inline constexpr std::uint8_t kJpegSoi = 0xD8, kJpegEoi = 0xD9, kJpegSos = 0xDA;
inline constexpr std::uint8_t kJpegApp0 = 0xE0, kJpegApp1 = 0xE1, kJpegApp2 = 0xE2;
inline constexpr std::uint8_t kJpegApp13 = 0xED, kJpegApp14 = 0xEE, kJpegCom = 0xFE;

/// One marker and the bytes that belong to it. Offsets index the parsed buffer.
struct JpegSegment {
  std::uint8_t marker = 0;
  std::size_t offset = 0;          ///< position of the 0xFF that starts the marker
  std::size_t size = 0;            ///< marker + length field + payload (2 for SOI/EOI/RSTn)
  std::size_t payload_offset = 0;  ///< first byte after the length field
  std::size_t payload_size = 0;
  /// For SOS only: end of the entropy-coded data that follows the header (exclusive).
  std::size_t scan_end = 0;
};

struct JpegStructure {
  std::vector<JpegSegment> segments;  ///< in file order, SOI first, EOI last when complete
  bool complete = false;              ///< EOI was reached
  std::size_t eoi_offset = 0;         ///< valid when complete
  std::size_t trailer_size = 0;       ///< bytes after EOI
};

/// Walks the file from SOI to EOI, including the entropy-coded data of every scan
/// (progressive files have several). Fills *out as far as it gets.
/// Errors: BadData naming the offset ("truncated APP1 segment at offset 20",
/// "no EOI marker: file is truncated", "not a JPEG (no SOI marker)").
Status ParseJpeg(const Bytes& data, JpegStructure* out);

/// True for markers that carry the image itself: DQT, DHT, DAC, SOF0-15 (except DHT/JPG/DAC
/// codes), DRI, SOS, DNL, DHP, EXP, RST0-7, SOI and EOI.
bool IsStructuralJpegMarker(std::uint8_t marker);

/// The identifier that starts an APPn payload: the bytes before the first NUL (at most 40,
/// printable only), e.g. "Exif", "JFIF", "ICC_PROFILE", "http://ns.adobe.com/xap/1.0/",
/// "Photoshop 3.0". Empty when the payload has no printable prefix.
std::string JpegAppIdentifier(const Bytes& data, const JpegSegment& seg);

/// Short human name of a segment for `removed` lists and findings: "APP1 Exif", "APP1 XMP",
/// "APP1 ExtendedXMP", "APP13 Photoshop/IPTC", "APP2 MPF", "APP0 JFXX", "COM",
/// "APP9 Media Jukebox", "JPG3 extension", ...
std::string JpegSegmentName(const Bytes& data, const JpegSegment& seg);

/// Builds one marker segment: FF marker, big-endian length (payload + 2), payload.
/// REQUIRES: payload.size() <= 65533.
Bytes MakeJpegSegment(std::uint8_t marker, const Bytes& payload);

/// Returns a copy of `jpeg` with a new segment inserted before the first segment that is not
/// SOI or an APPn (so after existing application segments, before the tables). If `jpeg` does
/// not parse as far as its first non-APP segment, the segment goes right after SOI.
/// REQUIRES: jpeg starts with SOI and payload.size() <= 65533.
Bytes InsertJpegSegment(const Bytes& jpeg, std::uint8_t marker, const Bytes& payload);

}  // namespace pg
