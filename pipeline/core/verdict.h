// Verdict: the gate's decision for one item, with the reasons that explain it.
// Every reason has a stable code from the one table in core/reasons.h (its effect, title and
// rule are written there), a message a yearbook editor can act on, and evidence naming the
// face, name, field and rule. Plain data.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/reasons.h"

namespace pg {

struct Reason {
  ReasonCode code = ReasonCode::kInternalError;
  std::string message;  ///< one sentence for a person
  /// Ordered key/value evidence: {"student_id","S1001"}, {"source","caption"}, ... {"rule",...}
  std::vector<std::pair<std::string, std::string>> evidence;

  /// What this reason alone would decide: Describe(code).effect.
  Verdict effect() const { return Describe(code).effect; }
};

struct Decision {
  Verdict verdict = Verdict::kPublish;
  std::vector<Reason> reasons;  ///< empty only for publish
};

}  // namespace pg
