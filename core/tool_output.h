// Reading what DM's tools print: the `CMD END.CODE:[n]` line that dmrman
// (and some other DM tools) end with, and the tail of an output for error
// messages. The one reader of both for the core's step runner and the real
// backend. Pure text functions; no threading concerns.
#pragma once

#include <optional>
#include <string>

namespace dpc {

/// The code of the last `CODE:[n]` mark in the output (`CMD END.CODE:[0]`,
/// `CMD END.CODE:[-8003]`), or nullopt when there is none.
std::optional<int> end_code(const std::string& output);

/// dmrman's refusal of an offline backup of a database that was not shut
/// down normally (its server was killed or HALTed). [model] The code the
/// simulator and the stand-in tools report; DM's own is not verified here.
constexpr int kRmanNotShutDownNormally = -8206;

/// A tool's exit code with its output's last CODE:[n] taken into account:
/// a tool that exits 0 but reports a non-zero code (dmrman does) failed with
/// that code, and a line saying so is appended to `output`.
int effective_exit_code(const std::string& program, int exit_code, std::string& output);

/// The last `lines` lines of an output, as they are, for error messages.
std::string output_tail(const std::string& output, int lines = 12);

/// The same lines framed for a failed step's report ("  output (last
/// lines):" then "    | line" each, empty lines left out), or "  (no output)".
std::string framed_output_tail(const std::string& output, int lines = 8);

}  // namespace dpc
