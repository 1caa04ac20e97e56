// Status and Result<T>: how every stage boundary reports success or failure.
//
// A Status is either ok() or carries a Code and a human message that names the
// thing that failed and why ("photo.jpg: not a supported image: text, not an image").
// Stages return Status / Result<T>; exceptions from OpenCV, dlib or sqlite wrappers are
// caught in the adapter that calls them and turned into a Status there. Errors are
// reported once, where detected; callers only pass them on. Value types, thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace pg {

/// What kind of failure a Status reports. Maps onto the CLI's sysexits (see exit_codes.h).
enum class Code {
  kOk,
  kBadData,      ///< input exists but its content is malformed (corrupt image, bad CSV row)
  kNotFound,     ///< input file, folder or database does not exist
  kUnsupported,  ///< a format or feature publish-gate does not handle
  kTooLarge,     ///< over a configured limit (pixel count, file size)
  kIoError,      ///< reading or writing failed (permissions, disk full)
  kConfig,       ///< configuration or model problem (bad option, missing model file)
  kInternal,     ///< a bug or an unexpected library failure
  kBusy,         ///< in use by another process (an output folder another run holds); try later
};

class Status {
 public:
  Status() = default;  ///< ok
  static Status Ok() { return Status(); }
  static Status BadData(std::string msg) { return Status(Code::kBadData, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Unsupported(std::string msg) { return Status(Code::kUnsupported, std::move(msg)); }
  static Status TooLarge(std::string msg) { return Status(Code::kTooLarge, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Config(std::string msg) { return Status(Code::kConfig, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  static Status Busy(std::string msg) { return Status(Code::kBusy, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  /// "ok", or "<code name>: <message>".
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

/// Short lower-case name of a code ("bad data", "not found", ...).
const char* CodeName(Code code);

/// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  /// REQUIRES: ok()
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace pg
