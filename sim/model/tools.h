// DM's command-line tools as the simulator runs them: dminit (creates
// <path>/DAMENG with dm.ini and a fresh database) and dmrman (offline
// BACKUP, RESTORE and RECOVER ... UPDATE DB_MAGIC), parsed from the same
// command-line surface the real tools take, printing DM-like output and
// exiting 0 on success (dmrman also prints `CMD END.CODE:[0]`).
//
// [model] A tool checks its arguments and the database and applies its
// effect when it starts; its outcome is delivered after the profile's
// duration (or tool_error_ms when it refuses).
// Internal to sim/: used by SimCluster. Single-threaded.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/result.h"
#include "sim/model/world.h"

namespace dpc::sim {

struct ToolResult {
  int exit_code = 0;
  std::string output;
  SimTime duration = 0;
};

/// dminit path=P instance_name=N port_num=X ap_port_num=Y dpc_mode=M [AUTO_OVERWRITE=0|1|2] ...
ToolResult run_dminit(World& world, const std::string& host, const std::vector<std::string>& args);

/// dmrman CTLSTMT="<statement>" USE_AP=2
ToolResult run_dmrman(World& world, const std::string& host, const std::vector<std::string>& args);

/// Runs `program` (dminit or dmrman, any directory prefix or .exe suffix) on
/// a host; `done` gets the outcome after the tool's duration, or an error
/// when it cannot run at all (unknown program, host down).
void run_tool(World& world, const std::string& host, const std::string& program,
              const std::vector<std::string>& args, std::function<void(Result<ToolOutcome>)> done);

/// Copies the backup set in `dir` on host `from` (its files and the set) to
/// the same directory on host `to`, replacing what was there; `done` gets OK
/// after the profile's backup duration, or an error when a host is down or
/// `from` holds no set there.
void copy_backup_set(World& world, const std::string& from, const std::string& to,
                     const std::string& dir, std::function<void(Status)> done);

/// Whether a running process serves the database in `db_dir` on `host`;
/// its instance name, or "".
std::string instance_running_in(World& world, const std::string& host, const std::string& db_dir);

}  // namespace dpc::sim
