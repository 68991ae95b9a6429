// Loading the topology FILE a dpcctl command was given: diagnostics go to
// stderr (warnings too), and the command goes on only when there is no error.
#pragma once

#include <optional>
#include <string>

#include "core/topology.h"

namespace dpc::cli {

/// The loaded topology, or nullopt after printing its errors (exit 1).
std::optional<Topology> load_topology_arg(const std::string& file, const std::string& command);

}  // namespace dpc::cli
