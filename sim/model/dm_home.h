// DM's installation on each simulated host: the tools in a host's DM home
// (files <dm_home>/bin/dminit, dmserver, dmrman, each naming its build),
// put there from SimOptions::dm (sim/model/dm_setup.h) when a session
// starts, and installed from a package by the plan's install-dm step.
//
// [model] rules (docs/simulator.md, "DM on the hosts"):
// - A host whose DM home is modelled runs dminit, dmrman and dmserver only
//   when the tool's file is there; otherwise the run fails as the shell
//   does: "cannot run <dm_home>/bin/dminit on host H: No such file or
//   directory". Hosts never set up (a bare SimCluster) run them anyway.
// - The build of a DM home is the build its dmserver names, when all three
//   tools are there ("" otherwise).
// - install-dm asks the host's build first (tool_error_ms) and leaves a DM
//   home holding the package's build alone. Otherwise, when it starts, the
//   package is written to <dm_home>.dpc-package.tar on the host (DM's
//   installer DMInstall.bin and its answer file to <dm_home>.dpc-install/
//   instead), its checksum there compared with the package's, an earlier DM
//   home is moved to <dm_home>.before-dpcctl, the tools are written with
//   the package's build, <dm_home>/.dpcctl-installed records package,
//   checksum and build, and the copy is removed; the step completes after
//   backup_ms. A package whose build is "none" lacks the tools: the step
//   fails naming it. The checksum is FNV-1a 64 (a stand-in for SHA-256).
// Internal to sim/. Single-threaded.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "core/result.h"
#include "core/topology.h"
#include "sim/model/world.h"

namespace dpc::sim {

/// The DM home a session models when the topology names none.
inline constexpr const char* kSimDefaultDmHome = "/opt/dmdbms";

/// `<dm_home>/bin/<tool>` (`.exe` and backslashes for a Windows-style home).
std::string dm_tool_path(const std::string& dm_home, const std::string& tool);

/// Makes `dm_home` the modelled DM home and puts the setup's DM there on
/// each host not set up before (the tools of its build, or nothing).
void set_up_dm_homes(World& w, const std::string& dm_home, const std::set<std::string>& hosts);

/// The shell's error when `tool` (dminit, dmrman, dmserver) is missing on a
/// modelled host; nullopt when it may run.
std::optional<std::string> missing_dm_tool(World& w, const std::string& host, const std::string& tool);

/// The build `dm_home` on `host` holds ("" = a tool is missing).
std::string dm_build_on(World& w, const std::string& host, const std::string& dm_home);

/// The install-dm step (rules above); `done` gets OK (installed or left
/// alone) or the error naming the host and the package.
void install_dm_package(World& w, const std::string& host, const std::string& package,
                        const std::string& dm_home, std::function<void(Status)> done);

/// What `ctl deploy` checks first, as the real preflight does: the builds
/// the hosts will hold (a host with a package: the package's; else its
/// own; hosts without DM are left to fail at their first tool) are one.
/// An error naming hosts and builds, unless `allow_mixed` (then the
/// warning text); "" when they are one.
Result<std::string> check_same_dm_build(World& w, const Topology& topo, bool allow_mixed);

}  // namespace dpc::sim
