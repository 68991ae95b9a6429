// RealConfig: how the real backend finds DM and talks to it — the DM home
// or per-binary paths, the ODBC driver or DSN, where the SYSDBA password
// comes from, dpcctl's state directory and the timeouts.
//
// Built by real_config_from_options() from the topology's defaults, the
// environment and `dpcctl` options (shared by `check`, `deploy`, `stop` and
// `status` with --backend=real). The password is not part of the config:
// load_password() reads it from an environment variable or an owner-only
// file when it is needed, and it never goes on a command line, in a log, the
// journal or a trace. Plain data and pure functions; no threading concerns.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/result.h"
#include "core/topology.h"
#include "real-backend/host_transport.h"
#include "real-backend/secret.h"

namespace dpc::real {

struct RealConfig {
  /// The DM installation; the binaries are <dm_home>/bin/{dminit,dmserver,dmrman}.
  std::string dm_home;
  std::string dm_home_origin;  ///< where dm_home came from, for messages
  /// Preflight lets hosts with different DM builds through (--allow-mixed).
  bool allow_mixed = false;
  /// Explicit binary paths; each wins over dm_home when set.
  std::string dminit, dmserver, dmrman;

  /// ODBC: a driver name registered in odbcinst.ini, or the path of a driver
  /// library; when `odbc_dsn` is set the DSN is used instead.
  std::string odbc_driver = "DM8 ODBC DRIVER";
  std::string odbc_dsn;
  std::string odbc_uid = "SYSDBA";
  std::string odbc_extra;  ///< more "KEY=VALUE;" connection attributes
  /// A connection-string template for another driver (OdbcSettings::connection):
  /// --odbc-connection, defaults.odbc.connection, $DPC_ODBC_CONNECTION; "" = DM's.
  std::string odbc_connection;

  PasswordSource password;

  /// dpcctl's own directory for this cluster: logs/<instance>.log,
  /// run/<instance>.{pid,console}, secrets/ (transient PARFILEs).
  std::string state_dir;
  /// Each instance's <path>/DAMENG/dm.ini: a dmserver whose command line
  /// names it is that instance's server, whoever started it (so `stop` and
  /// `status` see servers with no pid file in this state directory).
  std::map<std::string, std::string> instance_inis;

  Millis connect_timeout_ms = 30000;     ///< keep retrying a connection this long
  Millis connect_retry_ms = 500;         ///< between connection attempts
  Millis tool_timeout_ms = 1800000;      ///< dminit/dmrman, unless the step sets one
  Millis server_ready_timeout_ms = 600000;  ///< dmserver to print its ready line
  Millis stop_grace_ms = 10000;          ///< SIGTERM, then SIGKILL after this long
  Millis run_one_max_wait_ms = 200;      ///< one run_one() blocks at most this long
  /// A dmserver output line containing one of these means it is up.
  std::vector<std::string> ready_markers{"SYSTEM IS READY."};

  /// Where each instance lives (topology name -> host), so console lines,
  /// signals and liveness checks, which name only the instance, reach it.
  std::map<std::string, std::string> instance_hosts;
  /// SSH to hosts that are not this machine: every host's settings (the
  /// topology's defaults merged with its per-host block, then CLI flags);
  /// a host absent here uses ssh_defaults.
  SshOptions ssh_defaults;
  std::map<std::string, SshOptions> ssh_hosts;
  /// dpcctl's directory on the other hosts (logs/, run/, secrets/); "" =
  /// <state_dir>/remote (that path on each host).
  std::string remote_state_dir;
  /// A remote step that must answer quickly (file, signal, liveness).
  Millis remote_op_timeout_ms = 30000;

  /// Disk estimates for preflight (MiB): a new instance, and one backup set.
  int64_t instance_disk_mb = 1024;
  int64_t backup_disk_mb = 512;
  /// Preflight runs each binary once with `help` to prove it can start.
  bool probe_binaries = true;
  Millis probe_timeout_ms = 5000;
};

/// The SSH settings for one host (ssh_hosts, else ssh_defaults), with the
/// ControlMaster socket directory filled in.
SshOptions ssh_options_for(const RealConfig& config, const std::string& host);

/// The dpcctl options that real_config_from_options() reads, without "--":
/// dm-home, dminit, dmserver, dmrman, odbc-driver, odbc-dsn, odbc-connection,
/// sql-via, password-env, password-file, state-dir, connect-timeout-ms,
/// ready-timeout-ms and the ssh-* options (ssh-copy among them).
const std::set<std::string>& real_option_names();

/// The config for a topology: options (from the command line) win over the
/// topology's defaults, which win over the environment ($DM_HOME). Paths are
/// made absolute. Errors name the option and say what it takes.
Result<RealConfig> real_config_from_options(const Topology& topology,
                                            const std::map<std::string, std::string>& options);

/// Where a DM binary ("dminit", "dmserver", "dmrman") is: the explicit path,
/// else <dm_home>/bin/<name>, else the first <name> on $PATH. The error says
/// what was looked at and how to point dpcctl at it.
Result<std::string> resolve_binary(const RealConfig& config, const std::string& name);

/// The SYSDBA password: from `source.file` when set (a regular file of ours,
/// readable only by its owner — anything else is refused, naming the file
/// and the chmod that fixes it), else from the environment variable
/// `source.env`. The first line, without its line end.
Result<Secret> load_password(const PasswordSource& source);

}  // namespace dpc::real
