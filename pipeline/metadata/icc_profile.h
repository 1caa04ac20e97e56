// ICC profile extraction: the colour profile a file carries, as the profile's own bytes.
//
// In: file bytes (borrowed) and format. Out: the ICC profile (JPEG APP2 "ICC_PROFILE" chunks
// reassembled in sequence order; PNG iCCP inflated; WebP ICCP; HEIF 'prof'/'rICC'; TIFF tag
// 34675; GIF "ICCRGBG1012" extension), or empty if there is none or it cannot be read. The
// profile is the one piece of metadata publish-gate keeps, because colours depend on it.
// Stateless; thread-safe.
#pragma once

#include "core/image_record.h"

namespace pg {

/// ICC profile bytes of a file; empty if none. Never fails.
Bytes ExtractIcc(const Bytes& data, ImageFormat format);

}  // namespace pg
