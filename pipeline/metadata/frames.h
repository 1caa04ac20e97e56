// Frame count: how many images a sanitized output would carry, so that the pipeline can
// send an animation whose later frames were never analysed to review.
//
// In: the original file's bytes (borrowed) and its format. Out: the number of frames
// Sanitize keeps. GIF: image descriptors; WebP: ANMF frames (1 for a still WebP); JPEG, PNG
// (APNG frames are dropped), HEIF (only the primary image is re-encoded) and TIFF (only the
// first directory becomes the PNG): 1. Pure; thread-safe.
#pragma once

#include "core/image_record.h"

namespace pg {

/// Frames the sanitized output of `data` would hold; 0 when the container cannot be walked
/// (or a GIF/WebP holds no image) — treat anything other than 1 as "not fully analysed".
/// Never fails, never throws.
int FrameCount(const Bytes& data, ImageFormat format);

}  // namespace pg
