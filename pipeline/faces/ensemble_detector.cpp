#include "faces/ensemble_detector.h"

#include <algorithm>
#include <string>

#include "faces/face_merge.h"

namespace pg {

namespace {

class EnsembleDetector : public FaceDetector {
 public:
  explicit EnsembleDetector(std::vector<std::unique_ptr<FaceDetector>> members)
      : members_(std::move(members)) {}

  Result<std::vector<FaceFact>> Detect(const cv::Mat& bgr) override {
    std::vector<FaceFact> all;
    for (const auto& m : members_) {
      auto faces = m->Detect(bgr);
      if (!faces.ok()) return faces.status();
      all.insert(all.end(), faces->begin(), faces->end());
    }
    return MergeFaces(all);
  }

  std::string Name() const override {
    std::string name;
    for (const auto& m : members_) name += (name.empty() ? "" : "+") + m->Name();
    return name;
  }

  int MinFaceSize(int width, int height) const override {
    int smallest = members_.front()->MinFaceSize(width, height);
    for (const auto& m : members_) smallest = std::min(smallest, m->MinFaceSize(width, height));
    return smallest;
  }

 private:
  std::vector<std::unique_ptr<FaceDetector>> members_;
};

}  // namespace

std::unique_ptr<FaceDetector> MakeEnsembleDetector(std::vector<std::unique_ptr<FaceDetector>> members) {
  return std::make_unique<EnsembleDetector>(std::move(members));
}

}  // namespace pg
