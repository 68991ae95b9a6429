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

#include <string>

#include "core/plan.h"
#include "core/topology.h"

namespace dpc {

/// The file in a DM home that says dpcctl installed it (and from what);
/// `destroy --uninstall` removes only DM homes holding it.
inline constexpr const char* kInstalledMarker = ".dpcctl-installed";

/// DM's own installer: a package whose file name is this is run on the host
/// as `DMInstall.bin -q <answer file>` instead of being unpacked.
inline constexpr const char* kSilentInstaller = "DMInstall.bin";

/// Whether `package` names DM's installer (its file name is DMInstall.bin).
bool is_silent_installer(const std::string& package);

/// The XML answer file for `DMInstall.bin -q` that installs DM's files into
/// `dm_home` and nothing else: no database (dpcctl runs dminit itself), no
/// service. [model] The elements follow the example DM's users publish for
/// DM 8 (DATABASE with LANGUAGE, TIME_ZONE, KEY, INSTALL_TYPE, INSTALL_PATH,
/// INIT_DB, CREATE_DB_SERVICE, STARTUP_DB_SERVICE); not checked against a
/// real installer.
std::string silent_install_answer(const std::string& dm_home);

/// Kill the install after this long: a package is copied and unpacked.
constexpr int kInstallTimeoutMs = 1800000;

/// Only the install steps (`dpcctl install FILE`); empty when no host names
/// a package.
Plan build_install_plan(const Topology& topo);

/// Puts the install steps first in `plan` and makes every step on a host
/// with a package depend on that host's install step.
void add_install_steps(const Topology& topo, Plan& plan);

}  // namespace dpc
