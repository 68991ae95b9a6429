// Failover and restart timing measured through the Backend seam, so the same
// code times a real cluster (`dpcctl bench --backend=real TOPOLOGY`) and the
// simulator's prediction for the same topology and settings. Per repetition:
// the leader of a replicated BP group is killed (SIGKILL) at a uniformly
// random point of its heartbeat interval (RAFT_HB_INTERVAL after an
// arbitrary instant: the heartbeat's phase is unknown to the observer, so
// the point is uniform), then the members are polled until another member is
// PRIMARY/OPEN; then the killed instance is started again at once, as the
// deploy plan starts it (dmserver <dm.ini> dpc_mode=BP [MOUNT]), as an
// operator would, and the polls go on until the
// SP answers SELECT 1 FROM DUAL with a leader in the group and the restarted
// member is OPEN; the group is let settle before the next repetition. The
// times are as precise as the poll interval plus one round of queries.
// Single-threaded; drives Backend::run_one().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/result.h"
#include "core/topology.h"

namespace dpc {

struct FailoverOptions {
  int repeats = 5;
  Millis poll_ms = 20;         ///< pause between two rounds of queries
  Millis phase_timeout_ms = 60'000;  ///< give up a repetition after this long in one phase
  uint64_t seed = 1;           ///< draws the kill points (deterministic)
  std::string group;           ///< "" = the first replicated BP group
};

struct FailoverSample {
  bool ok = false;
  std::string error;        ///< why a repetition failed
  std::string killed;       ///< the leader killed
  std::string new_leader;
  Millis kill_offset_ms = 0;      ///< the random point of the heartbeat interval
  Millis to_leader_ms = 0;        ///< kill -> another member PRIMARY and OPEN
  /// kill -> the SP answers SELECT 1 FROM DUAL with a leader in the group
  /// (the killed member is restarted as soon as the new leader is seen, so
  /// an SP that waits for every member counts the restart too)
  Millis to_sp_ms = 0;
  Millis restart_to_open_ms = 0;  ///< start of the killed instance -> it is OPEN again
};

/// Measures `options.repeats` failovers on a deployed, healthy cluster.
/// Fails (naming the group) when the topology has no replicated BP group or
/// the cluster has no leader to kill at the start.
Result<std::vector<FailoverSample>> measure_failover(Backend& backend, const Topology& topo,
                                                     const FailoverOptions& options);

/// Percentiles of one measure over the samples that succeeded.
struct FailoverStats {
  int count = 0;
  double min = 0, p50 = 0, p90 = 0, max = 0, mean = 0;
};
FailoverStats failover_stats(const std::vector<FailoverSample>& samples, Millis FailoverSample::*measure);

}  // namespace dpc
