// SimSession: one simulated cluster of one topology, driven by words — the
// command vocabulary shared by `dpcctl shell` and scenario files. It owns a
// SimCluster and its SimBackend, the topology's deploy and stop plans, and
// remembers which plan steps are done so a deployment can be run whole, up
// to a named step, or one step at a time.
//
// Commands (one per line in the shell; the same words in scenario steps):
//   deploy [upto STEP] [parallel N]   run the deploy plan (the rest of it)
//   step STEP                         run one plan step
//   stop                              run the stop plan (manual's order)
//   start INST [mount]                dmserver <ini> dpc_mode=<role> [MOUNT]
//   exit INST | exit-all INST         type on the server console
//   signal INST usr1|term|kill        kill INST (= signal kill)
//   crash-host HOST | restart-host HOST
//   partition A B [oneway] | heal [A B] | link A B LATENCY_MS [JITTER_MS [LOSS]]
//   elect INST on|off                 SP_SET_RAFT_ELECT(1|0) on a member
//   advance MS                        let virtual time pass
//   sql INST STATEMENT...             run SQL; rows printed as disql does
//   status | leader RAFT | plan | trace [N] | help
//   write INST FILE TEXT | cat INST FILE  a file in <path>/DAMENG (or absolute)
//   tool INST dminit|dmrman|dmserver ARGS...  DM's tools on INST's host
//   show INST | jitter INST MS        inspect an instance; its election jitter
//   ctl deploy [--resume] | ctl status | ctl start|stop|restart|kill [SEL] [--force]
//   ctl switchover RAFT --to INST | ctl destroy
//                                     dpcctl's cluster commands (core/cluster_ops.h)
//   ctl scale-out FILE | ctl scale-in FILE | ctl convert INST --to shadow|raft
//                                     grow or reshape the running cluster
//                                     (core/scale_ops.h); on success FILE (or
//                                     the converted member) becomes the
//                                     session's topology
//   workload INST EVERY_MS COUNT      COUNT status queries on INST, one every
//                                     EVERY_MS, in the background
//   workload-check INST               fails when one of them failed
// A and B name hosts or instances.
//
// Single-threaded; every command runs the simulation until it completes.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/cluster_status.h"
#include "core/executor.h"
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
  std::optional<ClusterStatus> status;    ///< ctl deploy/status/stop: the cluster table at the end
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

  SimCluster& cluster() { return *cluster_; }
  Backend& backend();
  const Topology& topology() const { return topo_; }
  const Plan& deploy_plan() const { return deploy_plan_; }
  const Plan& stop_plan() const { return stop_plan_; }
  bool step_done(const std::string& id) const { return done_.count(id) > 0; }
  ClusterStatus status();
  /// Progress of plan runs goes here (the shell prints it; scenarios trace it).
  std::function<void(const StepEvent&)> on_event;
  /// ctl's lines for the user as they happen (unset: in CommandResult::output).
  std::function<void(const std::string&)> on_note;
  int parallel = 4;
  /// Where a relative FILE of `ctl scale-out/scale-in` is looked up ("" = the
  /// working directory); the scenario runner sets the scenario's directory.
  std::string base_dir;

  /// Makes `topo` the session's topology (after a scale-out, scale-in or
  /// conversion): its plans, hosts and addresses; every step of its deploy
  /// plan counts as done.
  void adopt_topology(Topology topo);

 private:
  ExecutionReport run_subplan(const Plan& plan, const std::set<std::string>& ids, int parallel);
  /// Runs a plan already narrowed to what is to run; records what got done.
  ExecutionReport run_narrowed(const Plan& sub, int parallel);
  CommandResult wait_stopped(const std::string& instance, Millis limit_ms);
  /// "" when `name` is a host (or, unless hosts_only, an instance) of the
  /// topology; else what is wrong and which names there are.
  std::string unknown_fault_target(const std::string& name, bool hosts_only) const;
  /// write / cat / tool / show / jitter (sim/session_tools.cc); nullopt
  /// when the command is none of them.
  std::optional<CommandResult> execute_more(const std::vector<std::string>& words);
  /// ctl VERB ...: dpcctl's cluster operations (sim/session_ctl.cc).
  CommandResult execute_ctl(const std::vector<std::string>& words);
  /// ctl scale-out / scale-in / convert (sim/session_ctl.cc).
  CommandResult execute_scale(const std::vector<std::string>& rest);
  /// workload / workload-check (sim/session_tools.cc).
  std::optional<CommandResult> execute_workload(const std::vector<std::string>& words);
  struct Workload {
    int sent = 0, answered = 0, failed = 0, left = 0;
    std::string first_failure;
  };
  std::map<std::string, Workload> workloads_;
  void workload_tick(const std::string& instance, Millis every);

  Topology topo_;
  std::unique_ptr<SimCluster> cluster_;
  std::unique_ptr<SimBackend> backend_;
  Plan deploy_plan_;
  Plan stop_plan_;
  std::set<std::string> done_;
};

/// Splits a command line into words; '...' or "..." keep spaces, and
/// everything after `sql INST` is one word (the statement).
std::vector<std::string> split_command(const std::string& line);

/// The shell's help text.
const char* session_help();

}  // namespace dpc::sim
