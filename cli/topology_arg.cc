#include "cli/topology_arg.h"

#include <cstdio>

#include "core/topology_load.h"

namespace dpc::cli {

std::optional<Topology> load_topology_arg(const std::string& file, const std::string& command) {
  LoadOutcome outcome = load_topology_file(file);
  if (!outcome.diagnostics.empty()) {
    std::fputs(format_diagnostics(outcome.diagnostics, file).c_str(), stderr);
  }
  if (!outcome.ok()) {
    std::fprintf(stderr, "dpcctl %s: %s is not a valid topology; nothing was done (see 'dpcctl validate %s')\n",
                 command.c_str(), file.c_str(), file.c_str());
    return std::nullopt;
  }
  return std::move(*outcome.topology);
}

}  // namespace dpc::cli
