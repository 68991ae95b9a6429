// Shrinking a failing schedule to a minimal one that fails the same way (the
// same failure_signature, same seed): greedy passes, repeated until none
// helps or the run budget is spent —
//   1. fewer faults: drop a whole fault, then single commands of a fault
//      (one partition of a ring, one kill of a majority);
//   2. faults later: the whole deploy before the faults instead of a prefix,
//      else a later step of the same phase; no pause before a fault; a
//      shorter hold;
//   3. fewer instances: drop a BP RAFT group while the topology stays valid;
//      whatever the schedule named in it moves to the same member of another
//      group of the same size.
// Each candidate is one simulated run; the result is the smallest candidate
// that still fails with the signature.
#pragma once

#include <functional>
#include <string>

#include "sim/explore/explore.h"

namespace dpc::sim {

struct ShrinkResult {
  Candidate best;
  RunOutcome outcome;  ///< of `best`
  int runs = 0;        ///< simulated runs spent
};

ShrinkResult shrink_candidate(const ExploreSetup& setup, const Candidate& start, uint64_t seed,
                              const std::string& signature, const std::string& file,
                              const std::function<void(SimSession&)>& prepare, int max_runs);

/// The topology JSON without one BP RAFT group (and its mentions in
/// bp_groups and fault_domains); "" when it has no such group.
std::string topology_without_raft(const std::string& topology_json, const std::string& raft);

}  // namespace dpc::sim
