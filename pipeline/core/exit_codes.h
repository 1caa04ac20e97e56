// Process exit codes of the publish-gate CLI. Verdict codes 0-2 summarise a batch;
// failures use the BSD sysexits values so scripts can tell "the gate said no" from
// "the gate could not run".
#pragma once

#include "core/status.h"

namespace pg {

enum ExitCode : int {
  kExitAllPublish = 0,   ///< every item's verdict is publish (or a command succeeded)
  kExitSomeReview = 1,   ///< at least one review, none blocked
  kExitSomeBlocked = 2,  ///< at least one item blocked
  kExitUsage = 64,       ///< bad command line
  kExitDataErr = 65,     ///< input data malformed (e.g. rejected directory CSV rows)
  kExitNoInput = 66,     ///< input file, folder or database missing
  kExitSoftware = 70,    ///< internal error
  kExitCantCreate = 73,  ///< output could not be written
  kExitTempFail = 75,    ///< the output folder is in use by another run; try again later
  kExitConfig = 78,      ///< configuration error (bad option value, missing model)
};

/// The exit code for a failed Status (never returns 0-2).
inline int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Code::kOk: return kExitAllPublish;
    case Code::kBadData:
    case Code::kUnsupported:
    case Code::kTooLarge: return kExitDataErr;
    case Code::kNotFound: return kExitNoInput;
    case Code::kIoError: return kExitCantCreate;
    case Code::kConfig: return kExitConfig;
    case Code::kInternal: return kExitSoftware;
    case Code::kBusy: return kExitTempFail;
  }
  return kExitSoftware;
}

}  // namespace pg
