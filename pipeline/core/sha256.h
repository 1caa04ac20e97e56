// SHA-256 of a byte buffer as lower-case hex (OpenSSL EVP). Thread-safe.
#pragma once

#include <string>

#include "core/image_record.h"

namespace pg {

std::string Sha256Hex(const Bytes& data);

}  // namespace pg
