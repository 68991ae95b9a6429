// User-given input files (topologies, scenarios, timing profiles) before any
// parser sees them: read only when they are regular files of bounded size
// (a FIFO or /dev/zero is refused at once, not read forever), and their text
// checked for what the JSON parser would choke on or silently accept: a NUL
// byte, invalid UTF-8, nesting deep enough to exhaust memory or the stack.
// A UTF-8 byte order mark is dropped so that positions stay right. Every
// problem names its line and column (json_text.h position_at). Pure
// functions apart from read_input_file; no threading concerns.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace dpc {

/// The largest input file read: 16 MiB (a large topology is a few KB).
constexpr size_t kMaxInputBytes = size_t{16} * 1024 * 1024;

/// The deepest nesting of JSON arrays and objects accepted (topologies and
/// scenarios need fewer than 10 levels).
constexpr int kMaxJsonDepth = 64;

/// A problem in input text: the byte offset where it is, and what it is.
struct InputProblem {
  size_t offset = 0;
  std::string message;
};

/// The first NUL byte, invalid UTF-8 sequence, or array/object nested deeper
/// than kMaxJsonDepth (outside strings and comments) in JSON text.
std::optional<InputProblem> check_json_input(std::string_view text);

/// `text` without a leading UTF-8 byte order mark (EF BB BF).
std::string strip_bom(std::string text);

/// Reads the file at `path`, a `what` ("topology file", "scenario file"):
/// refused, naming the file, when it is not a regular file (a directory, a
/// FIFO, a device such as /dev/zero, a socket) or larger than kMaxInputBytes.
/// Opening never blocks.
Result<std::string> read_input_file(const std::string& path, const std::string& what);

}  // namespace dpc
