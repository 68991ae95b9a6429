// `destroy --uninstall`: the DM home removed from each host of a topology
// where dpcctl installed it (it holds kInstalledMarker, written by the
// install-dm step); a DM home dpcctl did not install is left alone and
// named. Runs after the cluster is destroyed, through the Backend, so the
// same code serves the real backend and the simulator.
#pragma once

#include <string>

#include "core/backend.h"
#include "core/topology.h"

namespace dpc {

struct UninstallOutcome {
  bool ok = true;
  std::string output;  ///< one line per host: removed, or left and why
  std::string error;   ///< when !ok: what could not be removed
};

UninstallOutcome uninstall_dm(Backend& backend, const Topology& topo);

}  // namespace dpc
