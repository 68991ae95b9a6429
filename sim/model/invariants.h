// The simulator's invariants, checked all the time (LogCabin style):
//   - per RAFT group (sim/raft/raft_invariants.h, checked by World::check_raft
//     after every event that touches a member): at most one leader per term;
//     terms never decrease; C_LSN never decreases while a member runs; no
//     committed LSN lost (a leader holds the whole committed prefix);
//   - a PRIMARY has a majority: a leader that cannot reach a majority of its
//     voters steps down within its lease (checked by the server model);
//   - the catalog agrees with the live state once it has settled (checked
//     when asked, by catalog_mismatches()).
// A violation records the seed, the virtual time and the event, and (with
// SimOptions::stop_on_violation) stops the run. Single-threaded.
#pragma once

#include <string>
#include <vector>

#include "sim/model/world.h"

namespace dpc::sim {

/// Rows of the serving MP's DPC_INSTANCE that disagree with the live state of
/// the instances (SYS_MODE, SYS_STATUS, STATUS), one sentence each; empty
/// when they agree or no MP serves. Instances that are starting or exiting
/// are skipped; stopped ones must show SYS_STATUS 6.
std::vector<std::string> catalog_mismatches(World& world);

}  // namespace dpc::sim
