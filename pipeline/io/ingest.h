// Ingest: turns the user's INPUT (a folder, or a manifest in CSV or JSON) into the list
// of items the pipeline analyses. Nothing is decoded here.
//
// Paths in a manifest are relative to the manifest's folder, which is the input root;
// a path that escapes the root (absolute, "..", or a symlink pointing outside) is not
// read: its item carries `ingest_error` and will be reported as review. A malformed
// manifest row becomes such an item too, so one bad row never stops the batch.
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
/// NotFound if root does not exist.
Result<std::vector<ItemInput>> IngestFolder(FileSystem& fs, const std::string& root);

/// Reads a manifest: CSV with a header row (columns file, caption, alt_text, page, kind;
/// only `file` is required) or JSON (an array of objects with those keys, or an object
/// with an "items" array). Told apart by the first non-blank character ('[' or '{' = JSON).
/// A manifest that cannot be parsed at all is BadData; row-level problems become items
/// with ingest_error naming the line or index.
Result<std::vector<ItemInput>> IngestManifest(FileSystem& fs, const std::string& manifest_path);

/// IngestFolder when `input` is a folder, IngestManifest otherwise.
Result<std::vector<ItemInput>> Ingest(FileSystem& fs, const std::string& input);

}  // namespace pg
