// DmSetup: which DM each simulated host holds in its DM home before anything
// runs (SimOptions::dm), and the build of each DM package dpcctl may install
// from. It is the simulator's stand-in for "these machines are fresh" or
// "this one runs another DM build"; sim/model/dm_home.h puts it on the hosts.
//
// Its text form is one line, used alike by `--sim-dm`, a scenario's
// `sim.dm` and a simulated cluster's history:
//
//   ITEM[,ITEM...]   ITEM = KEY=VALUE, spaces around either ignored
//     *=BUILD        the build of every host not named (default kSimDmBuild)
//     HOST=BUILD     that host's DM home holds BUILD
//     HOST=none      that host has no DM (its DM home lacks the tools)
//     package=BUILD  the build of every DM package (default: the hosts' *)
//     PATH=BUILD     the build of the package PATH (a key holding / or \)
//     PATH=none      that package lacks the tools
//   e.g.  "h2=none"   "*=none"   "h3=8.1.2.128, /srv/dm.tar=8.1.3.100"
//
// [model] A build is a word: what the simulated `dmserver -v` would print
// is not modelled beyond it.
#pragma once

#include <map>
#include <string>

#include "core/result.h"

namespace dpc::sim {

/// The build every simulated host holds unless the setup says otherwise.
inline constexpr const char* kSimDmBuild = "8.1.3.100-sim";

struct DmSetup {
  std::string build = kSimDmBuild;             ///< *: hosts not named ("" = no DM)
  std::map<std::string, std::string> hosts;    ///< HOST -> build ("" = no DM)
  std::string package_build;                   ///< package=: "" = `build`
  bool package_build_set = false;
  std::map<std::string, std::string> packages;  ///< PATH -> build ("" = no tools)

  /// The build a host starts with ("" = no DM).
  std::string host_build(const std::string& host) const;
  /// The build a package holds ("" = it lacks the tools).
  std::string package_build_of(const std::string& package) const;
  /// Whether this is the default setup (every host and package kSimDmBuild).
  bool is_default() const;
  /// The canonical text form ("" for the default setup).
  std::string text() const;
};

/// Reads the text form; an error names the item and what is wrong.
Result<DmSetup> parse_dm_setup(const std::string& text);

}  // namespace dpc::sim
