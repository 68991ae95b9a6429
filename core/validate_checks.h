// Internal to validate_topology(): the groups of checks, one file each
// (validate.cc, validate_names.cc, validate_ports.cc, validate_text.cc), and the helpers they
// share. Not for use outside core/validate*.cc. No threading concerns.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/topology.h"

namespace dpc::validate_internal {

/// The path of `field` of the thing at `source`: "sp[0]" + "raft" ->
/// "sp[0].raft"; a generating field ("bp_rafts[0].replicas") stays as it is;
/// "" (built in code) -> the field name.
std::string field_path(const std::string& source, const std::string& field);

std::string lower(std::string s);

/// ` (did you mean "X"?)`-style hint text, or `fallback` when nothing is close.
std::string suggest(const std::string& word, const std::vector<std::string>& candidates,
                    const std::string& fallback);

void check_names(const Topology& topo, std::vector<Diagnostic>& out);       // validate_names.cc
void check_duplicates(const Topology& topo, std::vector<Diagnostic>& out);  // validate_names.cc
void check_ports(const Topology& topo, std::vector<Diagnostic>& out);       // validate_ports.cc
void check_hosts_and_paths(const Topology& topo, std::vector<Diagnostic>& out);  // validate_ports.cc
void check_text_fields(const Topology& topo, std::vector<Diagnostic>& out);  // validate_text.cc

}  // namespace dpc::validate_internal
