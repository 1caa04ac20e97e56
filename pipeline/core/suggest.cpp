#include "core/suggest.h"

#include <algorithm>

namespace pg {

size_t EditDistance(const std::string& a, const std::string& b) {
  // Optimal string alignment distance, rows of the full table.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string Nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;  // within 2 edits
  std::vector<std::string> prefixed;
  for (const auto& c : candidates) {
    const size_t dist = EditDistance(word, c);
    if (dist < best_distance) {
      best_distance = dist;
      best = c;
    }
    if (!word.empty() && c.compare(0, word.size(), word) == 0) prefixed.push_back(c);
  }
  if (best.empty() && prefixed.size() == 1) return prefixed.front();
  return best;
}

}  // namespace pg
