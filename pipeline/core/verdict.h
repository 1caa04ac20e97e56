// Verdict: the gate's decision for one item, with the reasons that explain it.
// Every reason has a stable machine code (documented in README "Reason codes"), a
// message a yearbook editor can act on, and evidence naming the face, name, field and
// rule. Plain data.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pg {

enum class Verdict { kPublish, kReview, kBlock };
const char* VerdictName(Verdict v);  ///< "publish" / "review" / "block"

struct Reason {
  std::string code;     ///< e.g. opted_out_name_with_photo
  std::string message;  ///< one sentence for a person
  Verdict effect = Verdict::kReview;  ///< what this reason alone would decide
  /// Ordered key/value evidence: {"student_id","S1001"}, {"source","caption"}, {"rule",...}
  std::vector<std::pair<std::string, std::string>> evidence;
};

struct Decision {
  Verdict verdict = Verdict::kPublish;
  std::vector<Reason> reasons;  ///< empty only for publish
};

}  // namespace pg
