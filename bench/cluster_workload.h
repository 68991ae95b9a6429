// Whole-cluster benchmark workloads on the simulator: the same topology →
// plan → executor → SimBackend path `dpcctl deploy --backend=sim` takes
// (sim/session.h), measured in virtual time. Three workloads:
//
//  - deploy + failover of one topology for one seed: the first election of a
//    BP RAFT group after its members start MOUNT, the whole deployment, then
//    the leader killed at a random point of its heartbeat interval and the
//    time until a new leader is elected and PRIMARY/OPEN;
//  - startup: the whole deployment of a topology with a given executor
//    parallelism (1 = one step at a time in plan order, the manual's
//    sequential order), with the critical path;
//  - scale: a generated cluster of N BP groups of 3 (plus an MP and an SP)
//    deployed, then left idle for a stretch of virtual time.
//
// Wall-clock measurement is not done here (the simulator stays free of
// clocks): callers (bench/, cli/cmd_bench.cc) time these calls. Each object is single-threaded; separate objects
// share nothing, so seeds may run on several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/slot_bound.h"
#include "core/plan.h"
#include "core/result.h"
#include "core/topology.h"
#include "sim/model/world.h"

namespace dpc::sim {

class SimSession;

/// Topology JSON of `groups` BP RAFT groups of `replicas` members (named
/// BP<g>_<k>; member k on host h<k>), one MP and one SP on host h0.
std::string scale_topology_json(int groups, int replicas = 3);
/// The same, loaded (with defaults and validation).
Result<Topology> scale_topology(int groups, int replicas = 3);
/// A topology file under scenarios/topologies/ (or any path), loaded.
Result<Topology> load_bench_topology(const std::string& path);

/// Options shared by the workloads.
struct BenchSimOptions {
  int64_t jitter_ms = 0;   ///< election jitter of every RAFT member
  int parallel = 4;        ///< executor parallelism of the deployment
  TraceMode trace = TraceMode::Off;
  bool check_invariants = true;
  /// Fold idle groups' heartbeats (SimOptions::fold_heartbeats).
  bool fold_heartbeats = false;
  /// Deploy + failover: follow the trace (at least a Tail trace) to time
  /// every phase. false: the trace stays as set and only the end of the
  /// failover is timed (from the state, at millisecond precision): the
  /// cheapest run, for throughput.
  bool timeline = true;
};

/// One deploy + failover run.
struct DeployFailoverRun {
  uint64_t seed = 0;
  bool ok = false;
  std::string error;             ///< what failed (deploy step, no leader, ...)
  std::string group;             ///< the measured BP RAFT group
  double deploy_ms = 0;          ///< the whole deploy plan, virtual
  /// First election: the group's first RAFT start (a member reaching MOUNT)
  /// -> a leader elected; -> that leader PRIMARY/OPEN. 0 without a timeline.
  double first_election_ms = 0;
  double first_open_ms = 0;
  std::string first_leader;
  double kill_offset_ms = 0;     ///< kill time after the deployment ended (0..heartbeat)
  /// Failover: leader killed -> a new leader elected; -> it is PRIMARY/OPEN.
  /// Without a timeline only failover_open_ms is measured.
  double failover_ms = 0;
  double failover_open_ms = 0;
  std::string new_leader;
  int failover_terms = 0;        ///< terms the new leader's term is above the old one
  uint64_t events = 0;           ///< simulator events run
  size_t violations = 0;
};

/// Deploys `topo` with `seed`, measures the first BP replica group (or
/// `group` when given), kills its leader and measures the failover.
DeployFailoverRun run_deploy_failover(const Topology& topo, uint64_t seed,
                                      const BenchSimOptions& options, const std::string& group = "");

/// One deployment of a topology.
struct StartupRun {
  bool ok = false;
  std::string error;
  int parallel = 0;
  double total_ms = 0;  ///< virtual time from the first step's start to the last step's end
  int steps = 0;
  struct PathStep {
    std::string id;
    double start_ms = 0;
    double duration_ms = 0;
  };
  std::vector<PathStep> critical_path;  ///< first to last
  uint64_t events = 0;
  Plan plan;                     ///< the plan that ran
  std::vector<bench::StepSpan> spans;  ///< each step of `plan`: start (from the run's start), duration
};

StartupRun run_startup(const Topology& topo, int parallel, uint64_t seed,
                       const BenchSimOptions& options = {});

/// A deployed cluster left idle: construct, deploy(), then idle() for as
/// long as wanted; the caller times the calls.
class ScaleRun {
 public:
  ScaleRun(Topology topo, uint64_t seed, const BenchSimOptions& options);
  ~ScaleRun();
  ScaleRun(const ScaleRun&) = delete;
  ScaleRun& operator=(const ScaleRun&) = delete;

  /// Runs the deploy plan; an error names the failed step.
  Status deploy();
  /// Lets `ms` of virtual time pass.
  void idle(int64_t ms);
  /// Kills the leader of `group` and runs until another member is
  /// PRIMARY/OPEN (at most 120 virtual seconds); returns the virtual ms it took.
  Result<double> failover(const std::string& group = "RAFT_1");
  /// Simulator events run so far.
  uint64_t events() const;
  /// Virtual milliseconds since the start.
  int64_t now_ms() const;
  size_t instances() const { return instances_; }
  /// RAFT groups that currently have a leader, of those with replicas.
  int groups_with_leader() const;
  size_t violations() const;

 private:
  std::unique_ptr<SimSession> session_;
  size_t instances_ = 0;
  int parallel_ = 4;
};

}  // namespace dpc::sim
