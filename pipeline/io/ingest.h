// Ingest: turns the user's INPUT (a folder, or a manifest in CSV or JSON) into the list
// of items the pipeline analyses. Nothing is decoded here.
//
// Paths in a manifest are relative to the manifest's folder, which is the input root;
// a path that escapes the root (absolute, "..", or a symlink pointing outside) is not
// read: its item carries `ingest_error` and will be reported as review. A malformed
// manifest row becomes such an item too, so one bad row never stops the batch.
// `skip` is the run's own output folder ("" for none): when it lies inside the input, its
// files are never read (a folder scan leaves them out; a manifest row naming one becomes an
// item with ingest_error), so a run does not take an earlier run's output for input.
// Stateless functions over a FileSystem.
#pragma once

#include <string>
#include <vector>

#include "core/image_record.h"
#include "core/status.h"
#include "io/file_system.h"

namespace pg {

/// Every regular, non-hidden file below `root` (recursively) becomes a photo item with
/// rel_path relative to root. Symlinks that escape root become items with ingest_error.
/// NotFound if root does not exist; Config if `skip` is root itself.
Result<std::vector<ItemInput>> IngestFolder(FileSystem& fs, const std::string& root,
                                            const std::string& skip = "");

/// Reads a manifest: CSV with a header row (columns file, caption, alt_text, page, kind;
/// only `file` is required) or JSON (an array of objects with those keys, or an object
/// with an "items" array). Told apart by the first non-blank character ('[' or '{' = JSON).
/// A manifest that cannot be parsed at all is BadData; row-level problems become items
/// with ingest_error naming the line or index.
Result<std::vector<ItemInput>> IngestManifest(FileSystem& fs, const std::string& manifest_path,
                                              const std::string& skip = "");

/// IngestFolder when `input` is a folder, IngestManifest otherwise.
Result<std::vector<ItemInput>> Ingest(FileSystem& fs, const std::string& input, const std::string& skip = "");

}  // namespace pg
