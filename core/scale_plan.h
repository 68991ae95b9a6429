// Growing and reshaping a deployed cluster: the difference between the
// topology that was deployed and the one the user wants, and the plans that
// carry it out without restarting or touching the running instances.
//
//   scale-out (build_scale_out_plan): the deploy plan of the wanted topology
//     narrowed to what is new — a new BP RAFT group (registered on the MP
//     before its first start, prepared from its seed, added to its BP group),
//     a new single BP, a new SP (its SP RAFT group and itself), new fault
//     domains and their members, new members of a running BP RAFT group
//     (member-exit:<F>, member-backup:<F>, member-start:<F> and
//     member-follow:<F> take an offline backup of one running member F;
//     restore:<N> and update-magic:<N> from it; dmarch:<I> of every member
//     rewritten listing the new peers; add-node:<I>:<N> runs
//     SP_ADD_RAFT_NODE('N', id) on each member I; start:<N> MOUNT,
//     wait-follow:<N>) — then verify-registration and
//     verify-health over the whole wanted cluster. The registration calls
//     stay one chain.
//   scale-in (build_scale_in_plan): an SP leaves — stop:<SP> (`exit`, a
//     clean exit), drop:<SP> (SP_DROP_DPC_INSTANCE on the MP), drop-raft:<R>
//     (SP_DROP_DPC_RAFT of its SP RAFT group), then verify-health. Members
//     leave a running BP RAFT group (which keeps at least three): stop:<M>,
//     wait-leader:<R> among those that stay, del-node:<I>:<M>
//     (SP_DEL_RAFT_NODE('M') on each member I that stays, [model]
//     raft-del-node), dmarch:<I> without M, drop:<M>.
//   convert (build_convert_plan): a BP RAFT member becomes a shadow replica
//     or a voting member again, the manual's 7.5.2 step by step:
//     exit:<M> (single exit) · wait-leader:<R> (the others keep a leader) ·
//     convert-backup:<M> (offline backup of <M>'s own database, FULL
//     [SHADOW]; run_convert then removes the old <path>/DAMENG) · init:<M>
//     (dminit again, same path, name and ports) [ini:<M>] · mpini:<M> ·
//     restore:<M> ([TO SHADOW]) ·
//     update-magic:<M> · dm-ini:<M> · dmarch:<M> (unchanged) · start:<M>
//     (MOUNT) · wait-follow:<M> (<M> hears the leader: STANDBY and OPEN).
//
// Anything else (a changed instance, a removed BP or MP, a member of MP_RAFT)
// is refused with the reason and what to do instead.
// Pure functions of valid topologies; no I/O.
#pragma once

#include <string>
#include <vector>

#include "core/convert_plan.h"
#include "core/plan.h"
#include "core/result.h"
#include "core/topology.h"

namespace dpc {

struct TopologyDiff {
  std::vector<std::string> added;          ///< instances only in the wanted topology, its order
  std::vector<std::string> removed;        ///< instances only in the deployed one, its order
  std::vector<std::string> added_rafts;    ///< RAFT groups only in the wanted topology
  std::vector<std::string> removed_rafts;  ///< RAFT groups only in the deployed one
  std::vector<std::string> added_bp_groups;
  std::vector<std::string> removed_bp_groups;
  std::vector<std::string> added_members;  ///< new instances of a RAFT group that stays
  std::vector<std::string> changed;        ///< one line per difference neither scale-out nor scale-in makes
  bool empty() const {
    return added.empty() && removed.empty() && added_rafts.empty() && removed_rafts.empty() &&
           added_bp_groups.empty() && removed_bp_groups.empty() && changed.empty();
  }
  /// One line per difference, for the user.
  std::string describe() const;
};

TopologyDiff diff_topologies(const Topology& deployed, const Topology& wanted);

/// The scale-out plan; an error says what the wanted topology changes that
/// scale-out cannot (and what to do). An empty plan when nothing is added.
Result<Plan> build_scale_out_plan(const Topology& deployed, const Topology& wanted);

/// The scale-in plan; an error names what cannot be removed and why.
Result<Plan> build_scale_in_plan(const Topology& deployed, const Topology& wanted);

/// Where member-backup:<F> writes (a new member of a running group is
/// restored from it): <F path>/<backup name>_ADD.
std::string add_member_backup_set_dir(const Topology& topo, const Instance& source);


}  // namespace dpc
