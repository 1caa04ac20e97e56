#include "core/status.h"

namespace pg {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kBadData: return "bad data";
    case Code::kNotFound: return "not found";
    case Code::kUnsupported: return "unsupported";
    case Code::kTooLarge: return "too large";
    case Code::kIoError: return "i/o error";
    case Code::kConfig: return "configuration error";
    case Code::kInternal: return "internal error";
    case Code::kBusy: return "busy";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(CodeName(code_)) + ": " + message_;
}

}  // namespace pg
