// Loading a topology file: read the JSON (comments allowed), check its shape
// (unknown fields with a "did you mean", missing fields, wrong types), fill
// in the defaults (ports, paths, self ids, vote intervals, descriptions), and
// run the semantic checks of validate.h, so that every problem in the file
// is reported at once. The format is docs/topology.md (schema:
// docs/topology.schema.json). Pure functions
// apart from reading the file; no threading concerns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/topology.h"

namespace dpc {

struct LoadOutcome {
  /// The topology with defaults applied. Present whenever the file is JSON
  /// with an object at the top, even when it has errors (for inspection);
  /// use it for work only when ok().
  std::optional<Topology> topology;
  std::vector<Diagnostic> diagnostics;  ///< errors and warnings, in file order per check
  /// Availability warnings (validate_availability.h), positioned like the
  /// diagnostics; computed only for a topology without errors. Shown by
  /// `validate` and `check`, not by commands that merely use the topology.
  std::vector<Diagnostic> lints;
  /// A topology and no Error diagnostics (warnings allowed).
  bool ok() const { return topology.has_value() && !has_errors(diagnostics); }
};

/// Reads `file` and loads it. A missing or unreadable file is one Error
/// naming the file. Topology::source_file is set to `file`.
LoadOutcome load_topology_file(const std::string& file);

/// Loads topology JSON text; `source_name` becomes Topology::source_file.
LoadOutcome load_topology_text(const std::string& text, const std::string& source_name);

/// The field names the format knows at one level, for documentation and
/// schema tests. Levels: "top", "defaults", "sysdba_password", "raft_timing",
/// "archive", "mp", "mp_instance", "sp_instance", "bp_raft", "bp_member",
/// "bp_group", "fault_domain". Unknown level: empty.
std::vector<std::string> topology_field_names(const std::string& level);

}  // namespace dpc
