// The files a deployment writes into an instance's DAMENG directory, as text:
// mp.ini (identical on every instance), the local-only dmarch.ini of a seed
// replica, the RAFT dmarch.ini of every replica, and the dm.ini keys the
// deployment sets. Built from a validated Topology exactly as the manual's
// chapter 7 prints them (7.1.2, 7.2.6, 7.2.7.2, 7.2.7.3, 7.3.2, 7.3.3).
// Owned by the plan builder (plan_builder.h). Pure functions; no I/O; no
// threading concerns.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/topology.h"

namespace dpc {

/// dm.ini keys and values to set, in order.
using IniEdits = std::vector<std::pair<std::string, std::string>>;

/// The address other instances reach an instance at: its ip_internal, or
/// its host when no internal IP is set. Used for mp_host.
std::string reach_address(const Instance& inst);

/// mp.ini for every instance of the cluster. A single MP gives
/// `mp_host = <ip>` / `mp_port = <port>` (manual 7.1.2); an MP RAFT group
/// gives one `[<MP name>]` section per MP with its mp_host and mp_port
/// (manual 7.3.2). MP_RECONN_TIMEOUT is written when the topology sets it.
std::string mp_ini_text(const Topology& topo);

/// A dmarch.ini with only [ARCHIVE_LOCAL1], for a seed replica's first
/// normal start: no RAFT sections, so no election starts early (7.2.6, 7.3.3.1).
std::string dmarch_local_only(const Topology& topo, const Instance& inst);

/// The RAFT dmarch.ini of a replica (7.2.7.3): XMAL_HB_INTERVAL,
/// RAFT_HB_INTERVAL, RAFT_VOTE_INTERVAL, RAFT_SELF_ID, one [ARCHIVE_RAFTk]
/// per peer in self-id order (ARCH_TYPE RAFT, or LEARNER for a learner peer;
/// ARCH_DEST the peer's name; ARCH_DEST_ID its self id), then
/// [ARCHIVE_LOCAL1]. `inst` must be a member of a replicated group.
std::string dmarch_raft(const Topology& topo, const Instance& inst);

/// ARCH_DEST of [ARCHIVE_LOCAL1]: <path>/DAMENG/<archive dir>.
std::string local_arch_dest(const Topology& topo, const Instance& inst);

/// dm.ini of a seed before its first (normal) start: ARCH_INI = 1.
IniEdits dm_ini_seed_edits();

/// dm.ini of every replica before its MOUNT start (7.2.7.2, 7.3.6.3):
/// ARCH_INI = 1, ALTER_MODE_STATUS = 0.
IniEdits dm_ini_replica_edits();

}  // namespace dpc
