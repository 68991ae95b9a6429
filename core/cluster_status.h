// The cluster table: what each instance of a topology is and reports about
// itself, gathered through the Backend so it works on both backends, and
// printed by `dpcctl status` and at the end of `dpcctl deploy`.
//
// Per instance: RUNNING (the process is there and answers SQL: V$INSTANCE
// STATUS$, MODE$), DOWN (no process), UNREACHABLE (the process is there,
// SQL cannot connect) or HALTED (its last exit was a forced HALT, where the
// backend can tell). Per RAFT group: its leader, term and each member's lag
// behind the leader (V$RAFT_INFO [model]; probed once: a DM build without
// the view degrades the status with a message naming it). Health is judged
// from every SP: healthy when one serves `SELECT 1 FROM DUAL`.
// Instances without a process are not asked; the others are asked all at
// once, so a status takes about one round trip (one connect timeout when
// something hangs), not one per instance.
// Threading: single-threaded; gather_status() drives Backend::run_one().
#pragma once

#include <string>
#include <vector>

#include "core/backend.h"
#include "core/topology.h"

namespace dpc {

struct InstanceStatus {
  std::string name;
  std::string role;    ///< MP, SP, BP
  std::string raft;    ///< RAFT group
  std::string state = "DOWN";  ///< RUNNING, DOWN, UNREACHABLE, HALTED
  std::string status = "-";    ///< STATUS$ (OPEN, MOUNT, …) when RUNNING
  std::string mode = "-";      ///< MODE$ (PRIMARY, STANDBY, NORMAL) when RUNNING
  std::string leader = "-";    ///< the group leader's name as this member sees it
  std::string term = "-";      ///< RAFT term as this member sees it
  std::string lag = "-";       ///< LSNs behind the leader (LAST_LSN), replicated members
  std::string note;            ///< UNREACHABLE: the SQL error
};

struct GroupStatus {
  std::string name;
  std::string leader;  ///< "" when no member leads
  std::string term = "-";
};

struct ClusterStatus {
  std::vector<InstanceStatus> instances;
  std::vector<GroupStatus> groups;  ///< replicated RAFT groups
  bool healthy = false;     ///< `SELECT 1 FROM DUAL` succeeded on an SP
  std::string health_note;  ///< which SPs serve, and why the others do not
  /// Not every instance RUNNING, a group without a leader, or a view missing.
  bool degraded = false;
  std::vector<std::string> notes;  ///< e.g. a view this DM build lacks
  /// 0 healthy and not degraded, else 1 (`dpcctl status`'s exit status).
  int exit_code() const { return healthy && !degraded ? 0 : 1; }
};

/// Runs one SQL statement to completion (drives the backend until it answers).
Result<Rows> sql_now(Backend& backend, const SqlEndpoint& at, const std::string& statement);

/// Asks every instance (in topology order) and every SP.
ClusterStatus gather_status(Backend& backend, const Topology& topo);

/// A fixed-width table, one row per instance; then, with `verdict`, the
/// groups' leaders, the notes and the health line.
std::string format_status(const ClusterStatus& status, bool verdict = true);

}  // namespace dpc
