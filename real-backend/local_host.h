// Whether a topology's host is this machine: the real backend drives
// instances on this host only (127.0.0.1, localhost, ::1, this machine's
// hostname or one of its interface addresses). Remote hosts are not
// supported yet; preflight names the instances that need one.
//
// Reads the system's hostname and interface list on each call; no shared
// state.
#pragma once

#include <string>
#include <vector>

namespace dpc::real {

/// True when `host` names this machine.
bool is_local_host(const std::string& host);

/// /proc/<pid>/cmdline (arguments separated by NUL), or "" when the process
/// is gone or a zombie; never throws.
std::string proc_cmdline(int pid);

/// The pids of this host's processes one of whose command-line arguments is
/// exactly `arg` (read from /proc/<pid>/cmdline), lowest first.
std::vector<int> pids_with_argument(const std::string& arg);

}  // namespace dpc::real
