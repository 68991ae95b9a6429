// The nemesis: random fault schedules for one topology, in the words of the
// session vocabulary (sim/session.h), so every schedule renders to ordinary
// scenario steps (sim/scenario/scenario.h) that `dpcctl scenario run` replays.
//
// A schedule is: optionally a prefix of the deploy (`deploy upto STEP`, a
// step of one phase: registration, seed backup, restore, first election),
// else the whole deploy; then faults, each after a pause, or (inside the
// deploy) scheduled with `after MS` to strike in the middle of the rest of
// the deploy; then, for a schedule inside the deploy, the rest of the deploy
// under the faults (it may fail, but must name its step); then every fault heals (links healed
// and reset, hosts restarted) and `resume` brings the cluster back; finally
// the liveness checks: every group led and OPEN with all its members, every
// MP and SP OPEN, within a bound that follows from the vote intervals, and
// the MP's catalog agreeing with the live state.
//
// Faults (Jepsen's combined nemesis where it applies to DMDPC):
//   kill-one, kill-minority, kill-majority of a RAFT group, kill-leader
//   (leader:RAFT), kill-mp; isolate-one, isolate-minority, isolate-leaders,
//   ring (each instance reaches only its two neighbours); crash-host;
//   link-loss and latency-burst between two instances.
//
// Pure functions of the topology, the plan and the Rng: the same seed gives
// the same schedule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/plan.h"
#include "core/topology.h"
#include "sim/engine/rng.h"
#include "sim/engine/timing_profile.h"

namespace dpc::sim {

/// One fault: the commands that inject it, and those that heal it.
struct Fault {
  std::string kind;                   ///< "kill-leader", "ring", ...
  int64_t after_ms = 0;               ///< `advance` before it
  std::vector<std::string> commands;  ///< session commands, in order
  std::vector<std::string> heal;      ///< run when every fault heals
  /// The commands may find nothing to hit (kill an instance that is down,
  /// a group without a leader): they are may_fail steps.
  bool may_miss = false;
  /// Inside the deploy: `after after_ms COMMAND` before the rest of the
  /// deploy, so the fault strikes in the middle of a step (a restore, an
  /// election) instead of between two.
  bool during = false;
};

struct Schedule {
  std::string phase;       ///< "", "registration", "seed-backup", "restore", "first-election"
  std::string upto;        ///< the deploy prefix's last step ("" = the whole deploy first)
  std::vector<Fault> faults;
  int64_t hold_ms = 0;     ///< how long the faults last before they heal
};

struct NemesisOptions {
  int max_faults = 4;
  int64_t max_gap_ms = 3000;   ///< pause before each fault: 0..max
  int64_t max_hold_ms = 8000;  ///< faults last 0..max before healing
};

/// The phases a fault can be placed in, with the plan's steps of each
/// (only phases the plan has).
std::vector<std::pair<std::string, std::vector<std::string>>> deploy_phases(const Plan& plan);

/// A random schedule.
Schedule random_schedule(const Topology& topo, const Plan& plan, const TimingProfile& profile, Rng& rng,
                         const NemesisOptions& options = {});

/// The liveness bound after resume: two election rounds of the slowest
/// member (vote interval + jitter) and one more second.
int64_t liveness_bound_ms(const Topology& topo, int64_t jitter_ms);
/// The bound for the MP's catalog to agree with the live state: the
/// liveness bound plus the reports the MP waits for before it marks an
/// instance down ((mp_dead_after_hb + 1) status report periods).
int64_t catalog_bound_ms(const Topology& topo, int64_t jitter_ms, const TimingProfile& profile);

/// The schedule as scenario steps: a JSON array text.
std::string schedule_steps_json(const Schedule& schedule, const Topology& topo, int64_t jitter_ms,
                                const TimingProfile& profile);

}  // namespace dpc::sim
