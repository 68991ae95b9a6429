// Internal to core/plan_render_sh*.cc: the parts of the sh runbook that only
// a topology on several hosts has. Each step that acts on one host's files
// or processes runs on that host through ssh (on_host); SQL, waits on SQL
// and the copies of backup sets run on the control machine. Pure functions.
#pragma once

#include <string>

#include "core/plan.h"
#include "core/topology.h"

namespace dpc::sh_hosts {

/// Defines DPC_LIB (the function library as text, evaluated here and sent
/// to each host) and on_host; replaces the library of a one-host runbook.
std::string library(const std::string& base_library);

/// A step's block for a several-host runbook: `body` (the one-host block)
/// wrapped to run on the step's host, split per host for exits and waits
/// whose instances are on several hosts, or left as is for the steps that
/// run on the control machine.
std::string step_block(const Step& s, const Topology& topo, const std::string& body);

}  // namespace dpc::sh_hosts
