// SimSession: one simulated cluster of one topology, driven by words — the
// command vocabulary shared by `dpcctl shell` and scenario files. It owns a
// SimCluster and its SimBackend, the topology's deploy and stop plans, and
// remembers which plan steps are done so a deployment can be run whole, up
// to a named step, or one step at a time.
//
// Commands (one per line in the shell; the same words in scenario steps):
//   deploy [upto STEP] [parallel N]   run the deploy plan (the rest of it)
//   resume [parallel N]               the deploy plan as `dpcctl deploy --resume` runs it
//   step STEP                         run one plan step
//   stop                              run the stop plan (manual's order)
//   start INST [mount]                dmserver <ini> dpc_mode=<role> [MOUNT]
//   exit INST | exit-all INST         type on the server console
//   signal INST usr1|term|kill        kill INST (= signal kill)
//   crash-host HOST | restart-host HOST
//   partition A B [oneway] | heal [A B] | link A B LATENCY_MS [JITTER_MS [LOSS]]
//   isolate A[,B...]                  cut the named instances off from all others
//   after MS FAULT...                 run a fault command MS from now, mid-whatever runs then
//   elect INST on|off                 SP_SET_RAFT_ELECT(1|0) on a member
//   advance MS                        let virtual time pass
//   sql INST STATEMENT...             run SQL; rows printed as disql does
//   status | leader RAFT | plan | trace [N] | help
//   write INST FILE TEXT | cat INST FILE  a file in <path>/DAMENG (or absolute)
//   tool INST dminit|dmrman|dmserver ARGS...  DM's tools on INST's host
//   show INST | jitter INST MS        inspect an instance; its election jitter
// A and B name hosts or instances. Faults (kill, signal, isolate, partition,
// crash-host) also take leader:RAFT, the group's leader at that moment.
//
// Single-threaded; every command runs the simulation until it completes.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/cluster_status.h"
#include "core/executor.h"
#include "core/journal.h"
#include "core/plan.h"
#include "core/topology.h"
#include "sim/cluster.h"

namespace dpc::sim {

class SimBackend;

struct CommandResult {
  bool ok = true;
  std::string output;           ///< what the shell prints
  std::string error;            ///< when !ok: what went wrong
  std::optional<Rows> rows;     ///< sql: the rows
  std::optional<ExecutionReport> report;  ///< deploy/step/stop: the executor's report
};

class SimSession {
 public:
  SimSession(Topology topo, SimOptions options);
  ~SimSession();

  /// Runs one command line (see the header comment).
  CommandResult execute(const std::string& line);
  /// The same, already split into words.
  CommandResult execute(const std::vector<std::string>& words);

  /// Runs plan steps: `upto` empty = every step not yet done; else the named
  /// step and those it depends on that are not yet done.
  ExecutionReport deploy(const std::string& upto = "", int parallel = 4);
  ExecutionReport run_step(const std::string& id);
  ExecutionReport stop(int parallel = 4);
  /// The whole deploy plan with `resume`, as `dpcctl deploy --resume`: a
  /// step the session's journal calls done is skipped only when its effect
  /// still holds on the cluster (core/step_effect.h).
  ExecutionReport resume(int parallel = 4);
  /// Plan runs (deploy, step, stop, resume) go through `wrap(backend())`
  /// from now on: a decorator such as core's FaultInjectingBackend that
  /// fails, delays or alters chosen operations. Fault commands and SQL typed
  /// in the session are not affected.
  void decorate_backend(const std::function<std::unique_ptr<Backend>(Backend&)>& wrap);

  SimCluster& cluster() { return *cluster_; }
  Backend& backend();
  const Topology& topology() const { return topo_; }
  const Plan& deploy_plan() const { return deploy_plan_; }
  const Plan& stop_plan() const { return stop_plan_; }
  bool step_done(const std::string& id) const { return done_.count(id) > 0; }
  ClusterStatus status();
  /// Progress of plan runs goes here (the shell prints it; scenarios trace it).
  std::function<void(const StepEvent&)> on_event;
  int parallel = 4;

 private:
  ExecutionReport run_subplan(const Plan& plan, const std::set<std::string>& ids, int parallel);
  CommandResult wait_stopped(const std::string& instance, Millis limit_ms);
  /// "" when `name` is a host (or, unless hosts_only, an instance) of the
  /// topology; else what is wrong and which names there are.
  std::string unknown_fault_target(const std::string& name, bool hosts_only) const;
  /// write / cat / tool / show / jitter (sim/session_tools.cc); nullopt
  /// when the command is none of them.
  std::optional<CommandResult> execute_more(const std::vector<std::string>& words);
  /// resume / isolate (sim/session_faults.cc); nullopt when neither.
  std::optional<CommandResult> execute_faults(const std::vector<std::string>& words);
  /// leader:RAFT in fault commands -> the group's leader (its host for
  /// crash-host); an error when the group has none.
  std::optional<std::string> resolve_leaders(std::vector<std::string>& words) const;
  Backend& plan_backend() { return decorated_ ? *decorated_ : backend(); }

  Topology topo_;
  std::unique_ptr<SimCluster> cluster_;
  std::unique_ptr<SimBackend> backend_;
  Plan deploy_plan_;
  Plan stop_plan_;
  std::set<std::string> done_;
  Journal journal_;  ///< deploy plan outcomes, for resume
  std::unique_ptr<Backend> decorated_;
};

/// Splits a command line into words; '...' or "..." keep spaces, and
/// everything after `sql INST` is one word (the statement).
std::vector<std::string> split_command(const std::string& line);

/// The shell's help text.
const char* session_help();

}  // namespace dpc::sim
