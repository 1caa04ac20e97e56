// Format sniffing: which image container a byte buffer holds, told from its first bytes.
//
// In: the file's bytes (any length, possibly empty). Out: an ImageFormat, or kUnknown.
// The file name and extension are never consulted: a WebP saved as "photo.jpg" is WebP.
// Pure functions over borrowed bytes; no state, safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>

#include "core/image_record.h"

namespace pg {

/// The container format told from the first bytes (magic numbers), never from a file extension.
/// JPEG (FF D8 FF), PNG (89 50 4E 47 0D 0A 1A 0A), WebP (RIFF....WEBP), HEIF/HEIC/AVIF ('ftyp' box
/// at offset 4 whose major or a compatible brand is a HEIF brand: heic heix hevc hevx heim heis
/// hevm hevs mif1 mif2 msf1 avif avis) -> kHeif, TIFF (II*\0 / MM\0*, and BigTIFF II+\0 / MM\0+),
/// GIF (GIF87a / GIF89a). Anything else, including an empty buffer, is kUnknown.
ImageFormat SniffFormat(const Bytes& data);

/// The first `n` bytes as lower-case hex pairs separated by spaces ("ff d8 ff e0"); fewer when
/// the buffer is shorter, "" when it is empty. For tests and debugging only: messages never
/// echo a file's content (a reference path may point at /etc/shadow); see DescribeUnknown.
std::string HexPrefix(const Bytes& data, std::size_t n = 4);

/// Why bytes of no supported format are not an image, without echoing any of them:
/// "an empty file", "text, not an image" (the first 512 bytes are printable UTF-8 or
/// whitespace), or "no supported image format (JPEG, PNG, WebP, HEIF/AVIF, TIFF, GIF)".
std::string DescribeUnknown(const Bytes& data);

}  // namespace pg
