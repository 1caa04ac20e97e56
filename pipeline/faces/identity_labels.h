// Identity labels: identities/LABELS.csv, the ground truth of the recognition evaluation.
//
// In: the CSV text (columns file,person,source; `person` is one name, several separated by
// ';' for a photo of several people, or `unknown` for a distractor). Out: one LabelledPhoto
// per row with its people and its role, which says what the evaluation may use it for
// (a file under a folder starting with '_' is a derived copy, never an enrolled reference).
// Pure functions on value types; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pg {

/// What a labelled photo may be used for.
enum class PhotoRole {
  kReference,   ///< one named person, in the person's own folder: may be enrolled
  kVariant,     ///< one named person, in a folder starting with '_' (derived copies): probe only
  kMulti,       ///< several named people ("a;b"): every face is a probe of one of them
  kDistractor,  ///< person "unknown": probe only, an impostor for everyone
};
const char* PhotoRoleName(PhotoRole role);  ///< "reference", "variant", "multi", "distractor"

struct LabelledPhoto {
  std::string file;                 ///< relative to the identities folder
  std::vector<std::string> people;  ///< empty for a distractor
  PhotoRole role = PhotoRole::kReference;
};

/// Parses LABELS.csv text (header with columns file and person; source is ignored).
/// BadData "LABELS.csv line N: ..." for a missing column, an empty file or person, a file
/// named twice, a path that is absolute or contains "..", or "unknown" listed with others.
Result<std::vector<LabelledPhoto>> ParseIdentityLabels(std::string_view csv_text);

}  // namespace pg
