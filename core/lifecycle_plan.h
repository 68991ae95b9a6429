// Plans for a cluster that is already deployed: starting it (whole or some
// instances) and stopping some of its instances. The whole-cluster stop is
// build_stop_plan() (plan_builder.h).
//
// Start order (manual 7.1.3, 7.1.6, 7.2.8, 7.3.7; spec §4):
//   the MP first — a single MP normally (start:<MP>, wait-open:<MP>), the
//   members of a replicated MP_RAFT with MOUNT (wait-leader:MP_RAFT);
//   then every SP and BP once the MP serves: members of a replicated BP
//   group with MOUNT (wait-leader:<RAFT>), single BPs and SPs normally
//   (wait-open:<I>); for the whole cluster, verify-health on the first SP.
// Instances that already run get no start step; the waits still check them.
// Pure functions of a valid topology; no I/O.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/plan.h"
#include "core/topology.h"

namespace dpc {

/// Starts `to_start` (instance names; the others are taken as running or
/// left down). `whole`: the whole cluster is meant to run at the end, so the
/// plan ends with the health check.
Plan build_start_plan(const Topology& topo, const std::set<std::string>& to_start, bool whole);

/// Stops `targets` with `exit`, SPs first, then BPs, the MP last (stop:<I>).
/// For each group in `new_leader_of` (a group whose leader is stopped while
/// its majority stays), waits for the remaining members to elect
/// (wait-leader:<RAFT>).
Plan build_stop_some_plan(const Topology& topo, const std::vector<std::string>& targets,
                          const std::set<std::string>& new_leader_of);

}  // namespace dpc
