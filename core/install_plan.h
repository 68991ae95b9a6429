// The install steps of a plan: DM put into the DM home of each host that
// names a package (defaults.dm_package, hosts.<host>.dm_package, or
// --dm-package), before anything else runs on that host.
//
//   install-dm:<H>   once per host H with a package, first in the plan;
//                    every other step on H depends on it
//
// Whether a host needs the package is decided when the step runs, through
// Backend::install_dm(): a host whose DM home already holds the package's
// build is left alone. Pure functions of a valid topology; no I/O.
#pragma once

#include "core/plan.h"
#include "core/topology.h"

namespace dpc {

/// The file in a DM home that says dpcctl installed it (and from what);
/// `destroy --uninstall` removes only DM homes holding it.
inline constexpr const char* kInstalledMarker = ".dpcctl-installed";

/// Kill the install after this long: a package is copied and unpacked.
constexpr int kInstallTimeoutMs = 1800000;

/// Only the install steps (`dpcctl install FILE`); empty when no host names
/// a package.
Plan build_install_plan(const Topology& topo);

/// Puts the install steps first in `plan` and makes every step on a host
/// with a package depend on that host's install step.
void add_install_steps(const Topology& topo, Plan& plan);

}  // namespace dpc
