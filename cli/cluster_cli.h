// Internal to cli/: the cluster commands (deploy, status, start, stop,
// restart, kill, switchover, destroy) share their parsed arguments and
// their output; cluster_commands.cc parses, cluster_sim.cc and
// cluster_real.cc run them on each backend.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/args.h"
#include "core/cluster_ops.h"
#include "core/cluster_status.h"
#include "core/executor.h"
#include "core/plan.h"
#include "core/result.h"
#include "core/topology.h"

namespace dpc::cli {

struct ClusterCommand {
  std::string verb;                ///< deploy, status, start, stop, ...
  std::vector<std::string> words;  ///< the operation's words: verb, selectors, --to X, --force
  Args args;
  Topology topo;
  int parallel = 4;
  bool json = false;
  bool resume = false;
  bool dry_run = false;  ///< scale-out / scale-in / convert: print the plan only
};

/// The text of a scale-out, scale-in or conversion plan (--dry-run).
std::string reshape_plan_text(const std::string& verb, const Plan& plan);

/// scale-out, scale-in or convert.
inline bool is_reshape(const std::string& verb) {
  return verb == "scale-out" || verb == "scale-in" || verb == "convert";
}

int run_sim_command(const ClusterCommand& c);
int run_real_command(const ClusterCommand& c);
/// scale-out / scale-in / convert on the real backend (cli/cluster_real_scale.cc).
int run_real_reshape(const ClusterCommand& c, const std::map<std::string, std::string>& opts);
/// Keeps a copy of the topology file as the deployed topology in the state
/// directory (after deploy, scale-out and scale-in).
Status record_deployed_topology(const std::string& state_dir, const std::string& topology_file);

nlohmann::json status_json(const ClusterStatus& st);
void print_json(const nlohmann::json& j);
/// The status table and the exit status it means (0 healthy, 1 not).
int print_status(const ClusterCommand& c, const ClusterStatus& st, const std::string& extra);
/// The end of a plan run: its summary, the cluster table, `extra`.
void print_outcome(const ClusterCommand& c, const ExecutionReport& report, const Plan& plan,
                   const ClusterStatus& st, const std::string& extra);
/// Asks for the cluster name on a terminal unless --yes; false = do not go on.
bool confirm_destroy(const ClusterCommand& c, const std::string& what);

}  // namespace dpc::cli
