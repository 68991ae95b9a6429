// The simulator's command-line options, parsed in one place for every
// command that takes them (deploy, start, stop, status, ..., shell):
//   --seed N  --jitter MS  --profile FILE
#pragma once

#include <set>
#include <string>

#include "cli/args.h"
#include "core/result.h"
#include "sim/model/world.h"

namespace dpc::cli {

/// The option names sim_options() reads.
const std::set<std::string>& sim_option_names();

/// SimOptions from the parsed arguments; an error names the option and what
/// it takes (a usage error) or the profile file and its problem.
Result<sim::SimOptions> sim_options(const Args& args);

/// The usage lines describing the options.
const char* sim_options_usage();

}  // namespace dpc::cli
