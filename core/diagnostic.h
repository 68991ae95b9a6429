// Diagnostics: the problems found in a topology file, each with the JSON path
// of the field, what is wrong and how to fix it, and the two ways they are
// shown (human text, and JSON for `dpcctl validate --json`). Produced by the
// topology loader and validator (topology_load.h, validate.h). Plain data and
// pure functions; no threading concerns.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dpc {

struct Diagnostic {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  /// JSON path of the field, e.g. "bp_rafts[0].members[1].port_num";
  /// "" for the file as a whole.
  std::string path;
  std::string message;  ///< what is wrong, naming the instances/groups involved
  std::string hint;     ///< how to fix it ("" when there is nothing to add)
  int line = 0;         ///< 1-based position in the file, when known (JSON syntax errors)
  int column = 0;
};

/// An Error / a Warning at `path` (see Diagnostic for the fields).
Diagnostic error_at(std::string path, std::string message, std::string hint);
Diagnostic warning_at(std::string path, std::string message, std::string hint);

bool has_errors(const std::vector<Diagnostic>& diagnostics);
size_t count_severity(const std::vector<Diagnostic>& diagnostics, Diagnostic::Severity severity);

/// "error" or "warning".
const char* severity_name(Diagnostic::Severity severity);

/// Human text, one block per diagnostic, in order:
///   manual.json: error: bp_rafts[0].members[1].port_num: port 5238 ... \n  fix: ...\n
/// and `manual.json:3:7: error: ...` when the position is known.
std::string format_diagnostics(const std::vector<Diagnostic>& d, const std::string& file);

/// {"file", "valid", "errors", "warnings", "diagnostics": [{"severity",
/// "path", "message", "hint"[, "line", "column"]}]}.
nlohmann::json diagnostics_json(const std::vector<Diagnostic>& d, const std::string& file,
                                bool valid);

/// `value` as JSON text that is always valid UTF-8: a byte that is not
/// (a file name need not be UTF-8) becomes U+FFFD instead of an exception.
/// `indent` as for nlohmann::json::dump (-1: one line).
std::string json_output(const nlohmann::json& value, int indent = 2);

}  // namespace dpc
