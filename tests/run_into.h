// RunInto: a batch through the pipeline and a PublishSink into an output folder, as
// `publish-gate run` does, for tests that check what reaches publish/.
#pragma once

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "io/file_system.h"
#include "pipeline.h"
#include "publish/publish_sink.h"

namespace pg::testing {

/// RunBatch of `items` into `out` on `fsys`; the sink's failed writes join batch.write_errors.
inline BatchResult RunInto(Pipeline& p, const std::vector<ItemInput>& items, FileSystem& fsys,
                           const std::string& out) {
  PublishSink sink(&fsys, out);
  std::vector<std::string> notes;
  REQUIRE(sink.Begin(nlohmann::json::object(), /*overwrite=*/false, &notes).ok());
  BatchResult batch = p.RunBatch(items, &sink);
  for (auto& e : sink.Finish(batch, "{}", "")) batch.write_errors.push_back(std::move(e));
  return batch;
}

}  // namespace pg::testing
