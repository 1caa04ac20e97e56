// Text decoding for metadata values: every embedded string becomes valid UTF-8.
//
// In: raw bytes from EXIF/IPTC/PNG/JPEG fields in whatever encoding the writer used
// (UTF-8, Latin-1, UCS-2). Out: std::string holding valid UTF-8, trimmed of NULs and
// surrounding white space. Invalid input never fails: undecodable bytes become U+FFFD.
// Pure functions over borrowed bytes; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pg {

/// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, max U+10FFFF).
bool IsValidUtf8(std::string_view s);

/// Bytes that are UTF-8 stay as they are; anything else is read as Latin-1 (ISO 8859-1),
/// which is what old cameras and IPTC writers without a charset record use.
std::string BytesToUtf8(const std::uint8_t* data, std::size_t size);
inline std::string BytesToUtf8(std::string_view s) {
  return BytesToUtf8(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

/// UTF-16 (UCS-2 plus surrogate pairs) to UTF-8, stopping at the first U+0000.
/// `little_endian` selects the byte order; a leading BOM overrides it. Unpaired
/// surrogates become U+FFFD.
std::string Utf16ToUtf8(const std::uint8_t* data, std::size_t size, bool little_endian);

/// Removes trailing NULs and leading/trailing ASCII white space.
std::string TrimText(std::string s);

/// Truncates UTF-8 text to at most `max_bytes` bytes on a character boundary and
/// appends "..." when it cut something. Used to keep report details short.
std::string Abbreviate(const std::string& s, std::size_t max_bytes = 120);

/// The readable text inside an opaque blob (like `strings`): runs of at least
/// `min_run` printable ASCII or valid UTF-8 characters, with XML-like tags removed,
/// joined by "; ". Used for unknown segments and chunks, so a name written there by an
/// unfamiliar program still reaches the names stage. At most `max_out` bytes.
std::string PrintableText(const std::uint8_t* data, std::size_t size, std::size_t min_run = 4,
                          std::size_t max_out = 16384);

}  // namespace pg
