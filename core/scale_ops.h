// Scale-out, scale-in and shadow conversion on a running cluster, the same
// on both backends: the checks before, the plan of core/scale_plan.h, and
// the checks after. The caller keeps the deployed topology (the state
// directory) and records `result` as the new one when `ok`.
//
//   scale-out: every MP must run (new instances register on it); nothing
//     that runs is stopped or restarted.
//   scale-in:  an SP that runs leaves by `exit`; a HALT instead of a clean
//     exit stops the operation before the catalog is changed (start it and
//     scale-in again).
//   convert:   the rest of the member's group must keep a majority of its
//     voters running while the member is out; the backup set of an earlier
//     conversion is removed first.
// Threading: single-threaded; drives Backend::run_one().
#pragma once

#include <string>

#include "core/cluster_ops.h"
#include "core/scale_plan.h"

namespace dpc {

struct ScaleResult {
  OpResult op;
  Topology result;  ///< the deployed topology afterwards (when op.ok)
};

ScaleResult run_scale_out(Backend& backend, const Topology& deployed, const Topology& wanted, const OpOptions& o);
ScaleResult run_scale_in(Backend& backend, const Topology& deployed, const Topology& wanted, const OpOptions& o);
ScaleResult run_convert(Backend& backend, const Topology& deployed, const std::string& member, ReplicaKind to,
                        const OpOptions& o);

/// "shadow" -> Shadow, "raft" -> Voter; an error otherwise.
Result<ReplicaKind> parse_convert_target(const std::string& word);

}  // namespace dpc
