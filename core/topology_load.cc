#include "core/topology_load.h"

#include <filesystem>
#include <string>
#include <vector>

#include "core/input_text.h"
#include "core/json_positions.h"
#include "core/json_text.h"
#include "core/text_rules.h"
#include "core/topology_fields.h"
#include "core/topology_spec.h"
#include "core/validate.h"
#include "core/validate_availability.h"

namespace dpc {

std::vector<std::string> topology_field_names(const std::string& level) {
  return topology_internal::known_fields(level);
}

LoadOutcome load_topology_text(const std::string& raw_text, const std::string& source_name) {
  // Positions count from after a byte order mark, as an editor shows them.
  const std::string text = strip_bom(raw_text);
  LoadOutcome outcome;
  JsonText parsed = parse_json_text(text);
  if (!parsed.ok()) {
    Diagnostic d = error_at("", "malformed JSON: " + parsed.error,
                            "fix the JSON syntax at line " + std::to_string(parsed.position.line) +
                                ", column " + std::to_string(parsed.position.column) +
                                " (comments // and /* */ are allowed; trailing commas are not)");
    d.line = parsed.position.line;
    d.column = parsed.position.column;
    outcome.diagnostics.push_back(std::move(d));
    return outcome;
  }
  for (const auto& path : parsed.duplicate_keys) {
    outcome.diagnostics.push_back(error_at(path, "this key is written twice in one object; only the "
                                                 "last one would count",
                                           "remove one of the two"));
  }
  if (!parsed.value->is_object()) {
    outcome.diagnostics.push_back(error_at("", "the file holds " + json_type_phrase(*parsed.value) +
                                                   ", not a topology object",
                                           "write the topology as one JSON object { ... }"));
    return outcome;
  }
  check_json_strings(*parsed.value, outcome.diagnostics);
  topology_internal::TopologySpec spec =
      topology_internal::read_topology_spec(*parsed.value, outcome.diagnostics);
  Topology topo = topology_internal::apply_topology_defaults(spec);
  topo.source_file = source_name;
  // A field the reader already reported (missing, wrong type, out of range)
  // was left unset; what the checks would say about it, or about anything
  // inside it, is a consequence, not a second problem.
  std::vector<std::string> reported;
  for (const auto& d : outcome.diagnostics) {
    if (d.severity == Diagnostic::Severity::Error && !d.path.empty()) reported.push_back(d.path);
  }
  auto already_reported = [&reported](const std::string& path) {
    for (const auto& p : reported) {
      if (path.compare(0, p.size(), p) != 0) continue;
      if (path.size() == p.size() || path[p.size()] == '.' || path[p.size()] == '[') return true;
    }
    return false;
  };
  for (auto& d : validate_topology(topo)) {
    if (already_reported(d.path)) continue;
    outcome.diagnostics.push_back(std::move(d));
  }
  if (!has_errors(outcome.diagnostics)) outcome.lints = lint_availability(topo);
  // Every diagnostic at a field also says where it is in the file (a field
  // left out, given by a default, is placed at its nearest written parent).
  if (!outcome.diagnostics.empty() || !outcome.lints.empty()) {
    const auto positions = json_positions(text);
    for (auto* list : {&outcome.diagnostics, &outcome.lints}) {
      for (Diagnostic& d : *list) {
        if (d.path.empty() || d.line > 0) continue;
        const TextPosition at = position_of(positions, d.path);
        d.line = at.line;
        d.column = at.column;
      }
    }
  }
  outcome.topology = std::move(topo);
  return outcome;
}

LoadOutcome load_topology_file(const std::string& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    LoadOutcome outcome;
    outcome.diagnostics.push_back(error_at("", file + " is a directory, not a topology file",
                                           "give the path of a .json topology file"));
    return outcome;
  }
  Result<std::string> text = read_input_file(file, "topology file");
  if (!text) {
    LoadOutcome outcome;
    outcome.diagnostics.push_back(error_at("", text.message(),
                                           "give the path of a readable, regular .json topology "
                                           "file"));
    return outcome;
  }
  return load_topology_text(*text, file);
}

}  // namespace dpc
