// The sh runbook's install of DM from DM's own installer: when an install-dm
// step names DMInstall.bin, the runbook's install_dm hands it to
// install_dm_silent, which this library defines (with dpc_answer, the XML
// answer file of core/install_plan.h). Pure functions; no I/O.
#pragma once

#include <string>

#include "core/plan.h"

namespace dpc {

/// The sh functions, or "" when no install step of `plan` names DM's installer.
std::string sh_silent_install_library(const Plan& plan);

}  // namespace dpc
