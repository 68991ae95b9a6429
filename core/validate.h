// The semantic checks of a topology (docs/topology.md, "Validation"): names,
// duplicates, ports, paths, RAFT group shapes, BP groups, fault domains and
// settings. Run by load_topology_*() after the defaults are applied, and
// usable on a Topology built in code (paths then fall back to field names).
// Every check reports all its findings; nothing stops at the first problem.
// Pure functions; no threading concerns.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/topology.h"

namespace dpc {

/// Every problem in `topo`, errors and warnings, each with the JSON path of
/// the field (from the source_path members), what is wrong and how to fix it.
/// Empty when the topology is valid and raises no warning.
std::vector<Diagnostic> validate_topology(const Topology& topo);

/// True for a name DM takes unquoted in SQL and in ini files:
/// ^[A-Za-z_][A-Za-z0-9_]*$ and not a SQL reserved word.
bool is_safe_sql_identifier(const std::string& name);

/// True for a SQL reserved word such as SELECT, TABLE or GROUP (any case).
bool is_sql_reserved_word(const std::string& name);

/// The longest instance name the validator accepts without a warning
/// ([model]: DM's INSTANCE_NAME limit as the project assumes it).
constexpr size_t kInstanceNameWarnLength = 16;

}  // namespace dpc
