#include "faces/face_merge.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace pg {

namespace {

/// The '+'-separated parts of a detector name, empty parts dropped.
std::vector<std::string> NameParts(const std::string& name) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('+', start);
    if (end == std::string::npos) end = name.size();
    if (end > start) parts.push_back(name.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace

double OverlapOfSmaller(const Box& a, const Box& b) {
  if (a.w <= 0 || a.h <= 0 || b.w <= 0 || b.h <= 0) return 0.0;
  using Wide = long long;  // x + w may overflow int
  const Wide x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  const Wide x1 = std::min(Wide{a.x} + a.w, Wide{b.x} + b.w);
  const Wide y1 = std::min(Wide{a.y} + a.h, Wide{b.y} + b.h);
  if (x1 <= x0 || y1 <= y0) return 0.0;
  const double inter = static_cast<double>(x1 - x0) * static_cast<double>(y1 - y0);
  const double smaller = std::min(static_cast<double>(a.w) * a.h, static_cast<double>(b.w) * b.h);
  return inter / smaller;
}

std::vector<FaceFact> MergeFaces(const std::vector<FaceFact>& faces, double min_overlap) {
  // Rank every detector name by its first appearance, so a group's names come out in
  // input order (for an ensemble: member order) whatever the scores.
  std::vector<std::string> name_order;
  for (const auto& f : faces) {
    for (auto& part : NameParts(f.detector)) {
      if (std::find(name_order.begin(), name_order.end(), part) == name_order.end()) {
        name_order.push_back(std::move(part));
      }
    }
  }

  std::vector<size_t> order(faces.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return faces[a].score > faces[b].score; });

  std::vector<FaceFact> kept;
  std::vector<std::vector<bool>> kept_names;  // per kept face: which of name_order it has
  for (size_t i : order) {
    const FaceFact& f = faces[i];
    size_t group = kept.size();
    for (size_t k = 0; k < kept.size(); ++k) {
      if (OverlapOfSmaller(f.box, kept[k].box) >= min_overlap) {
        group = k;
        break;
      }
    }
    if (group == kept.size()) {
      kept.push_back(f);
      kept_names.emplace_back(name_order.size(), false);
    }
    for (const auto& part : NameParts(f.detector)) {
      size_t rank = std::find(name_order.begin(), name_order.end(), part) - name_order.begin();
      kept_names[group][rank] = true;
    }
  }

  for (size_t k = 0; k < kept.size(); ++k) {
    std::string joined;
    for (size_t r = 0; r < name_order.size(); ++r) {
      if (kept_names[k][r]) joined += (joined.empty() ? "" : "+") + name_order[r];
    }
    kept[k].detector = joined;
  }
  return kept;
}

}  // namespace pg
