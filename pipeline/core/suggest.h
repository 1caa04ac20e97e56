// Suggest: the nearest of a few known words to a mistyped one ("chek" -> "check"), for
// command-line messages. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace pg {

/// Levenshtein distance (insertions, deletions, substitutions; each costs 1), with a
/// swap of two neighbouring letters costing 1 too ("enroll" / "enrlol").
size_t EditDistance(const std::string& a, const std::string& b);

/// The candidate nearest to `word` when it is within 2 edits (or `word` is a prefix of
/// exactly one candidate, "dir" -> "directory"); "" when none is near enough.
std::string Nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace pg
