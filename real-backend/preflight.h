// Preflight: what must hold on this machine before `dpcctl deploy
// --backend=real` touches anything, checked all at once (`dpcctl check FILE
// --backend=real`, and the first thing a real deploy does).
//
// One check per line, each pass or fail, every failure saying how to fix
// it: the other hosts over ssh, in parallel and bounded (preflight_hosts.h);
// dminit, dmserver and dmrman present and runnable; the ODBC driver
// loadable; the SYSDBA password available; every port free; each instance
// directory absent or empty with a writable parent; dpcctl's state directory
// writable; enough disk for the instances and the backup sets. Nothing is
// created or changed (a binary is only run with `help`).
//
// Blocking; not thread-safe (runs its own short-lived io_context).
#pragma once

#include <string>
#include <vector>

#include "core/topology.h"
#include "real-backend/real_config.h"

namespace dpc::real {

struct PreflightCheck {
  std::string name;    ///< "dminit", "port 5236", "directory BP11", ...
  bool ok = false;
  std::string detail;  ///< what was found, or what is wrong
  std::string fix;     ///< how to fix it (failures)
};

struct PreflightReport {
  std::vector<PreflightCheck> checks;
  bool ok() const;
  int failures() const;
};

/// Runs every check for a valid topology.
PreflightReport preflight(const Topology& topo, const RealConfig& config);

/// "PASS  name  detail" / "FAIL  name  detail" lines (a failure followed by
/// an indented "fix: ..." line), then a summary line.
std::string format_preflight(const PreflightReport& report);

}  // namespace dpc::real
