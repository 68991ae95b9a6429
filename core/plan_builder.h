// Builds the deployment plan and the stop plan of a topology: the manual's
// chapter 7 procedure as a DAG of typed steps (core/plan.h). The step ids
// are a contract: the executor, the journal, --resume, the simulator's tests
// and scenario files name steps by them. docs/plan.md lists every id.
//
// Deploy (in plan order; deps encode the manual's rules):
//   init:<I> [ini:<I>], mpini:<I>              every instance (7.x.1, 7.x.2); ini:<I>
//                                              sets the topology's dm.ini keys, if any
//   mp-dm-ini:<MP1>, mp-dmarch-local:<MP1>     replicated MP only (7.3.3)
//   start:<MP>                                 the (first) MP, normal start
//   register:<MP>... create-raft:... register:... create-bp-group:...
//   bp-group-add:<G>:<R> ... create-fault-domain:... fault-domain-mv:<F>:<I>
//                                              one statement each, chained
//   verify-registration
//   per replicated group (MP_RAFT after verify-registration, 7.3.6):
//     seed-dm-ini:<S> seed-dmarch:<S> seed-start:<S> (BP groups only)
//     seed-exit:<S> backup:<S>
//     copy-backup:<S>:<H>   once per other host H holding a member
//     restore:<M> update-magic:<M>
//     dm-ini:<I> dmarch:<I> start:<I> (MOUNT; MP1's is start-mount:<MP1>)
//     wait-leader:<RAFT>
//   single BP and SP: start:<I> wait-open:<I>
//   verify-health                              on the first SP
// Stop (spec §7): exit:<SP>; exit:<BP>, exit-all:<RAFT> + exit-remaining:<RAFT>;
// then exit:<MP> or exit-all:MP_RAFT + exit-remaining:MP_RAFT.
//
// Pure functions of a valid topology (validate_topology() found no error);
// no I/O; no threading concerns.
#pragma once

#include <string>
#include <vector>

#include "core/plan.h"
#include "core/topology.h"

namespace dpc {

/// The deployment plan. Precondition: `topo` is valid.
Plan build_deploy_plan(const Topology& topo);

/// The stop plan, in the manual's order. Precondition: `topo` is valid.
Plan build_stop_plan(const Topology& topo);

/// A step of `kind` acting on `inst` (its name and host), with the fields
/// every step has; the caller fills in what its kind needs.
Step instance_step(std::string id, StepKind kind, const Instance& inst, std::string title,
                   std::vector<std::string> deps, int timeout_ms);

/// dminit's arguments for an instance, exactly as the manual writes them:
/// path=, instance_name=, port_num=, ap_port_num=, dpc_mode=, then the
/// topology's initialisation parameters (PAGE_SIZE= ..., dm_params.h), then
/// AUTO_OVERWRITE= when the topology sets it. Never the password.
std::vector<std::string> dminit_args(const Topology& topo, const Instance& inst);

/// dmserver's arguments: <path>/DAMENG/dm.ini, dpc_mode=<role>, and MOUNT.
std::vector<std::string> dmserver_args(const Instance& inst, bool mount);

/// Makes `s` dmrman's offline backup of `inst`: CTLSTMT=BACKUP DATABASE
/// '<its dm.ini>' `what` (e.g. "FULL TO B BACKUPSET 'dir'"), USE_AP=2. A
/// refusal because the database was not shut down normally is met by
/// starting it with dmserver_args(inst, mount), exiting it and backing up
/// again (clean_start_args; core/step_runner.cc).
void set_offline_backup(Step& s, const Instance& inst, const std::string& what, bool mount);

/// The backup set a group's seed is backed up into: <seed path>/<backup name>.
std::string backup_set_dir(const Topology& topo, const Instance& seed);
/// The SHADOW backup set (archive.shadow_method "backup"): <seed path>/<backup name>_SHADOW.
std::string shadow_backup_set_dir(const Topology& topo, const Instance& seed);

/// Step timeouts, generous but finite.
constexpr int kToolTimeoutMs = 300000;     ///< dminit
constexpr int kRmanTimeoutMs = 600000;     ///< dmrman backup / restore / update
constexpr int kCopyTimeoutMs = 1800000;    ///< a backup set carried to another host
constexpr int kFileTimeoutMs = 30000;      ///< write mp.ini / dmarch.ini, edit dm.ini
constexpr int kSqlTimeoutMs = 60000;       ///< one registration statement, a verify
constexpr int kStartTimeoutMs = 120000;    ///< dmserver up
constexpr int kWaitTimeoutMs = 120000;     ///< OPEN, a group leader
constexpr int kExitTimeoutMs = 120000;     ///< exit / exit all

}  // namespace dpc
