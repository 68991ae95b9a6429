// SimSession: one simulated cluster of one topology, driven by words — the
// command vocabulary shared by `dpcctl shell` and scenario files. It owns a
// SimCluster and its SimBackend, the topology's deploy and stop plans, and
// remembers which plan steps are done so a deployment can be run whole, up
// to a named step, or one step at a time.
//
// Commands (one per line in the shell; the same words in scenario steps;
// the table of them, with their usage and argument kinds, is
// sim/session_commands.h):
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
//   ctl deploy [--resume] | ctl status | ctl start|stop|restart|kill [SEL] [--force]
//   ctl switchover RAFT --to INST | ctl destroy [--uninstall]
//   ctl deploy [--allow-mixed] [--dm-package P] | ctl install [--dm-package P]
//                                     DM put on the hosts (sim/model/dm_home.h)
//                                     dpcctl's cluster commands (core/cluster_ops.h)
//   ctl scale-out FILE | ctl scale-in FILE | ctl convert INST --to shadow|raft
//                                     grow or reshape the running cluster
//                                     (core/scale_ops.h); on success FILE (or
//                                     the converted member) becomes the
//                                     session's topology
//   workload INST EVERY_MS COUNT      COUNT status queries on INST, one every
//                                     EVERY_MS, in the background
//   workload-check INST               fails when one of them failed
// A and B name hosts or instances. Faults (kill, signal, isolate, partition,
// crash-host) also take leader:RAFT, the group's leader at that moment.
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
#include "core/journal.h"
#include "core/plan.h"
#include "core/topology.h"
#include "sim/cluster.h"
#include "sim/session_commands.h"

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

/// A command that failed with `error`.
inline CommandResult command_failed(std::string error) {
  CommandResult r;
  r.ok = false;
  r.error = std::move(error);
  return r;
}

/// A command that succeeded printing `output`.
inline CommandResult command_printed(std::string output) {
  CommandResult r;
  r.output = std::move(output);
  return r;
}

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
  /// Runs a plan already narrowed to what is to run; records what got done
  /// (and, for the deploy plan, journals it for `resume`).
  ExecutionReport run_narrowed(const Plan& sub, int parallel, bool journal);
  CommandResult wait_stopped(const std::string& instance, Millis limit_ms);

  // The commands, one method each, run through the table of
  // sim/session_commands.h once their words have been checked there.
  friend const std::vector<SessionCommand>& session_commands();
  using Words = std::vector<std::string>;
  CommandResult cmd_help(const Words& w);
  CommandResult cmd_deploy(const Words& w);
  CommandResult cmd_step(const Words& w);
  CommandResult cmd_stop(const Words& w);
  CommandResult cmd_plan(const Words& w);
  CommandResult cmd_start(const Words& w);
  CommandResult cmd_exit(const Words& w);    ///< exit, exit-all
  CommandResult cmd_signal(const Words& w);  ///< signal, kill
  CommandResult cmd_host(const Words& w);    ///< crash-host, restart-host
  CommandResult cmd_partition(const Words& w);
  CommandResult cmd_heal(const Words& w);
  CommandResult cmd_link(const Words& w);
  CommandResult cmd_elect(const Words& w);
  CommandResult cmd_advance(const Words& w);
  CommandResult cmd_time(const Words& w);
  CommandResult cmd_sql(const Words& w);
  CommandResult cmd_status(const Words& w);
  CommandResult cmd_leader(const Words& w);
  CommandResult cmd_trace(const Words& w);
  // sim/session_tools.cc: a DBA's hands on files and tools.
  CommandResult cmd_write(const Words& w);
  CommandResult cmd_cat(const Words& w);
  CommandResult cmd_tool(const Words& w);
  CommandResult cmd_show(const Words& w);
  CommandResult cmd_jitter(const Words& w);
  /// ctl VERB ...: dpcctl's cluster operations (sim/session_ctl.cc).
  CommandResult cmd_ctl(const Words& w);
  /// ctl scale-out / scale-in / convert (sim/session_ctl.cc).
  CommandResult execute_scale(const std::vector<std::string>& rest);
  /// ctl install: only the plan's install-dm steps (sim/session_ctl.cc).
  CommandResult execute_install(const std::vector<std::string>& rest);
  /// The hosts `topo` names exist in the simulated world, each with its DM
  /// home as sim.dm says (sim/session_ctl.cc).
  void add_machines(const Topology& topo);
  /// ctl deploy [--resume] (sim/session_ctl.cc).
  CommandResult execute_deploy(const std::vector<std::string>& rest, bool allow_mixed);
  // sim/session_workload.cc: background status queries.
  CommandResult cmd_workload(const Words& w);
  CommandResult cmd_workload_check(const Words& w);
  struct Workload {
    int sent = 0, answered = 0, failed = 0, left = 0;
    std::string first_failure;
  };
  std::map<std::string, Workload> workloads_;
  void workload_tick(const std::string& instance, Millis every);
  // sim/session_faults.cc: fault schedules (what dpcctl explore generates).
  CommandResult cmd_resume(const Words& w);
  CommandResult cmd_isolate(const Words& w);
  CommandResult cmd_after(const Words& w);
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


}  // namespace dpc::sim
