// Operations on a deployed cluster, the same on both backends: start,
// restart, stop, kill (all or some instances, chosen by selectors), a
// planned switchover of a RAFT group's leadership, and the check `deploy`
// makes before touching a cluster that may already hold databases.
//
// Words (what `dpcctl VERB FILE ...` passes after the file, and what the
// simulator's `ctl` command and its history store):
//   start [SEL...]            start what is down; the whole cluster without SEL
//   stop [SEL...] [--force]   the manual's stop order for the whole cluster; with
//                             SEL, `exit` on each chosen instance
//   restart [SEL...] [--force]  stop, then start
//   kill SEL... [--force]     SIGKILL (no clean shutdown)
//   switchover RAFT --to INST  move a group's leadership ([model] rule, docs/simulator.md)
//   destroy                   stop the cluster, then remove each instance's own
//                             directory (only one holding DAMENG/dm.ini)
// SEL: NAME, -N NAME[,NAME...], -R MP|SP|BP[,...], -G RAFT[,...] (their union).
//
// Safety: stopping or killing the MP, or a majority of the voters of a RAFT
// group (MP_RAFT included: one member of a replicated MP is allowed), while
// other instances keep running is refused unless --force: out of order, the
// manual warns, the remaining machines may go down directly and must be
// killed, and their next start replays a lot of REDO (manual 7.x.10).
// Stopping a group's leader alone is allowed; the operation waits for the
// new leader and says who it is.
// Threading: single-threaded; drives Backend::run_one().
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/executor.h"
#include "core/plan.h"
#include "core/result.h"
#include "core/topology.h"

namespace dpc {

struct ClusterOp {
  std::string verb;                    ///< start, stop, restart, kill, switchover
  std::vector<std::string> selectors;  ///< as typed
  bool force = false;
  std::string to;                      ///< switchover: the new leader
  /// The canonical words (what a history records).
  std::vector<std::string> words() const;
};

/// Parses the words of an operation; an error says what is wrong and the usage.
Result<ClusterOp> parse_cluster_op(const std::vector<std::string>& words);

/// The instances `selectors` choose, in topology order (all when none);
/// an error names an unknown instance, role or group.
Result<std::vector<std::string>> select_instances(const Topology& topo,
                                                  const std::vector<std::string>& selectors);

struct OpOptions {
  int parallel = 4;
  std::function<void(const StepEvent&)> on_event;
  /// Lines for the user as they happen; unset = collected in OpResult::output.
  std::function<void(const std::string&)> on_note;
  /// Ctrl-C / SIGTERM (ExecutorOptions): once stop_requested says true, no
  /// new step starts and the operation does nothing more (destroy removes
  /// nothing, restart starts nothing); abort_requested gives up the running
  /// steps. The result says OpResult::interrupted.
  std::function<bool()> stop_requested;
  std::function<bool()> abort_requested;
};

/// What the executor gets from an operation's options.
ExecutorOptions executor_options(const OpOptions& o);

struct OpResult {
  bool ok = true;
  std::string output;  ///< what happened, for the user (lines)
  std::string error;   ///< when !ok: why, and what to do
  std::vector<ExecutionReport> reports;  ///< the plans that ran
  bool interrupted = false;  ///< stop_requested ended a plan early
};

/// Runs a plan (nothing when it is empty); appends its report, and its failure
/// when it fails, to `r`. Returns whether it succeeded. Shared by the
/// operations here and those of core/scale_ops.h.
bool run_into(OpResult& r, Backend& b, const Topology& topo, const Plan& plan, const OpOptions& o);

/// Stops the cluster (the manual's order), then removes each instance's own
/// directory; one that is not absolute and two levels deep, that holds
/// another instance's directory, or that has no DAMENG/dm.ini is left alone
/// (and said so). Nothing is removed when an instance keeps running.
OpResult destroy_cluster(Backend& backend, const Topology& topo, const OpOptions& options);

/// Runs one operation.
OpResult run_cluster_op(Backend& backend, const Topology& topo, const ClusterOp& op,
                        const OpOptions& options);

/// The instances whose server process runs now.
std::set<std::string> running_instances(Backend& backend, const Topology& topo);

/// What `deploy` may do.
struct DeployCheck {
  enum class Kind { Fresh, Healthy, Refused };
  Kind kind = Kind::Fresh;
  std::string message;  ///< Healthy / Refused: what was found and what to do
};

/// Before a deploy (not a --resume): Fresh when no instance directory holds
/// a database (<path>/DAMENG/dm.ini); Healthy when they do and the plan's
/// health check passes; else Refused, naming the databases found and
/// `dpcctl start`. `deploy` never runs dminit over an existing database,
/// whatever AUTO_OVERWRITE says.
DeployCheck check_before_deploy(Backend& backend, const Topology& topo, const Plan& deploy_plan);

}  // namespace dpc
