// The cluster table: what each instance of a topology reports about itself
// (V$INSTANCE: STATUS$, MODE$; V$RAFT_INFO [model]: RAFT role, term, leader),
// gathered through the Backend so it works on both backends, and printed as
// `dpcctl status` and at the end of `dpcctl deploy` show it.
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
  std::string status;  ///< STATUS$ (OPEN, MOUNT, …) or DOWN when unreachable
  std::string mode;    ///< MODE$ (PRIMARY, STANDBY, NORMAL) or "-"
  std::string leader;  ///< the group leader's name as this member sees it, or "-"
  std::string term;    ///< RAFT term as this member sees it, or "-"
};

struct ClusterStatus {
  std::vector<InstanceStatus> instances;
  bool healthy = false;     ///< `SELECT 1 FROM DUAL` succeeded on an SP
  std::string health_note;  ///< the SP's answer when not healthy
};

/// Runs one SQL statement to completion (drives the backend until it answers).
Result<Rows> sql_now(Backend& backend, const SqlEndpoint& at, const std::string& statement);

/// Queries every instance (in topology order) and the first SP's health.
ClusterStatus gather_status(Backend& backend, const Topology& topo);

/// A fixed-width text table, one row per instance, then a health line.
std::string format_status(const ClusterStatus& status);

}  // namespace dpc
