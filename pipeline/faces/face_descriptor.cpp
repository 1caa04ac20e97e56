// DescriptorDistance (declared in face_embedder.h): kept apart from the dlib adapter so
// code that only compares descriptors does not pull in dlib.
#include <cmath>

#include "faces/face_embedder.h"

namespace pg {

double DescriptorDistance(const FaceDescriptor& a, const FaceDescriptor& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

}  // namespace pg
