// Files on this host as the real backend writes them: whole files replaced
// atomically (write a temporary beside it, flush, rename), and log files
// appended to. No directory is ever created here for an instance: an
// instance's directory is made by dminit alone; only dpcctl's own state
// directory is created (create_private_dir).
//
// Plain functions over POSIX calls; no shared state, so callable from any
// thread.
#pragma once

#include <string>

#include "core/result.h"

namespace dpc::real {

/// Replaces `path` with `content` atomically, with permission bits `mode`
/// (for a new file; an existing file keeps its mode unless `force_mode`).
/// The directory must exist; the error names the path and the reason.
Status write_file_atomic(const std::string& path, const std::string& content, int mode = 0644,
                         bool force_mode = false);

/// Appends `text` to `path`, creating it with mode 0600.
Status append_file(const std::string& path, const std::string& text);

/// A whole file's contents, or an error naming the path.
Result<std::string> read_whole_file(const std::string& path);

/// Creates `dir` and its missing parents with mode 0700 (dpcctl's state
/// directory and its logs/, run/ and secrets/ subdirectories).
Status create_private_dir(const std::string& dir);

/// `path` made absolute against the current directory (lexically).
std::string absolute_path(const std::string& path);

}  // namespace dpc::real
