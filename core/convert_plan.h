// The plan of `dpcctl convert`: a member of a replicated BP RAFT group
// turned into a shadow replica or back into a voter (manual 7.5.2). The
// member exits alone, is backed up offline, initialised again in place,
// restored (TO SHADOW, or from a FULL SHADOW backup under shadow_method
// "backup") and started MOUNT to follow the group's leader. Step ids follow
// docs/plan.md. Pure functions of valid topologies; no I/O; no threading
// concerns.
#pragma once

#include <string>

#include "core/plan.h"
#include "core/result.h"
#include "core/topology.h"

namespace dpc {

/// `deployed` with `member` turned into `to` (Shadow or Voter).
Topology converted_topology(const Topology& deployed, const std::string& member, ReplicaKind to);

/// The conversion plan of manual 7.5.2; an error when `member` is not a
/// member of a replicated BP RAFT group, already is `to`, or the group would
/// keep no voter.
Result<Plan> build_convert_plan(const Topology& deployed, const std::string& member, ReplicaKind to);

/// Where convert-backup:<M> writes: <M path>/<backup name>_CONVERT.
std::string convert_backup_set_dir(const Topology& topo, const Instance& member);

/// "a voter", "a shadow replica" or "a learner", for messages.
const char* replica_kind_phrase(ReplicaKind kind);

}  // namespace dpc
