// FakeSanitizer: stand-ins for Sanitize() (PipelineDeps::sanitize, strip.h) that do what the
// real one cannot be made to do on demand. The pipeline verifies their output exactly as it
// verifies the real one's (VerifySanitized), so a test can show what happens when the
// sanitizing step leaks (kNoOp, kTrailingText: the output must fail verification) or when it
// succeeds on anything (kReencodePng: only the other rules can then keep an item out).
// `calls` counts invocations. Not thread-safe; Function() borrows the fake, which must
// outlive the Pipeline that holds it.
#pragma once

#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "strip.h"

namespace pg::testing {

class FakeSanitizer {
 public:
  enum class Mode {
    kNoOp,          ///< returns the original bytes: every piece of metadata is still there
    kTrailingText,  ///< the real Sanitize's output with `trailer` appended after its end
    kReencodePng,   ///< a clean PNG of the decoded, oriented pixels, whatever the input
  };

  explicit FakeSanitizer(Mode mode) : mode(mode) {}

  Mode mode;
  std::string trailer = "GPS 37.5,-122.25 serial SN123";
  int calls = 0;

  SanitizeFunction Function() {
    return [this](const Bytes& original, ImageFormat format, int orientation, const cv::Mat& bgr,
                  std::vector<std::string>* removed, const SanitizeOptions& options) {
      return Run(original, format, orientation, bgr, removed, options);
    };
  }

 private:
  Result<SanitizedOutput> Run(const Bytes& original, ImageFormat format, int orientation,
                              const cv::Mat& bgr, std::vector<std::string>* removed,
                              const SanitizeOptions& options) {
    ++calls;
    switch (mode) {
      case Mode::kNoOp: {
        SanitizedOutput out;
        out.bytes = original;
        out.format = format;
        out.extension = format == ImageFormat::kJpeg  ? ".jpg"
                        : format == ImageFormat::kPng ? ".png"
                        : format == ImageFormat::kGif ? ".gif"
                                                      : ".webp";
        return out;
      }
      case Mode::kTrailingText: {
        auto out = Sanitize(original, format, orientation, bgr, removed, options);
        if (out.ok()) out->bytes.insert(out->bytes.end(), trailer.begin(), trailer.end());
        return out;
      }
      case Mode::kReencodePng: {
        std::vector<uchar> png;
        if (bgr.empty() || !cv::imencode(".png", bgr, png)) return Status::Internal("fake: no pixels");
        SanitizedOutput out;
        out.bytes.assign(png.begin(), png.end());
        out.format = ImageFormat::kPng;
        out.extension = ".png";
        out.reencoded = true;
        if (removed) removed->push_back("everything (fake re-encoding)");
        return out;
      }
    }
    return Status::Internal("fake: unknown mode");
  }
};

}  // namespace pg::testing
