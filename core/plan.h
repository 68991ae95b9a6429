// The deployment plan: a DAG of typed steps that carries out the manual's
// chapter 7 procedure for one topology. Built by build_deploy_plan() /
// build_stop_plan() (plan_builder.h), printed by the renderers (plan_render.h),
// run by the Executor (executor.h) against a Backend (backend.h).
//
// A Step is plain data. It never holds a secret: steps that need the SYSDBA
// password say so (needs_password) and the backend supplies it out of band.
// Paths inside a step are in the target host's own style (Windows paths for a
// Windows host), exactly as DM's tools expect them.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dpc {

enum class StepKind {
  InitInstance,    ///< dminit: creates <path>/DAMENG/dm.ini
  WriteFile,       ///< write a whole file (mp.ini, dmarch.ini)
  EditIni,         ///< set keys in an existing ini (dm.ini: ARCH_INI, ALTER_MODE_STATUS)
  StartServer,     ///< dmserver <dm.ini> dpc_mode=X [MOUNT]; done when the server is ready
  RunSql,          ///< statements on one instance (registration on the MP)
  Verify,          ///< read-only checks: registration rows on the MP, health on the SP
  Backup,          ///< dmrman BACKUP DATABASE ... (offline)
  Restore,         ///< dmrman RESTORE DATABASE ... [TO SHADOW]
  UpdateDbMagic,   ///< dmrman RECOVER DATABASE ... UPDATE DB_MAGIC
  WaitState,       ///< wait until an instance or a RAFT group reaches a state
  ConsoleExit,     ///< type `exit` on a server console; done when it has exited
  ConsoleExitAll,  ///< type `exit all` on a group member; done when the group has exited
  CopyBackup,      ///< carry a backup set from the seed's host to another host, verified
  InstallDm,       ///< put DM into the DM home of a host from a package (when it lacks it)
};

/// "init", "write", "edit-ini", "start", "sql", "verify", "backup", "restore",
/// "update-magic", "wait", "exit", "exit-all", "copy-backup",
/// "install-dm".
const char* step_kind_name(StepKind kind);

/// Where SQL is sent: an instance's host and PORT_NUM, as SYSDBA.
struct SqlEndpoint {
  std::string instance;
  std::string host;
  int port = 0;
};

/// What a WaitState step waits for.
struct WaitSpec {
  enum class What {
    InstanceState,  ///< `instances[0]` reports STATUS$ == state (V$INSTANCE)
    GroupLeader,    ///< one of `instances` reports MODE$ PRIMARY and STATUS$ OPEN
    Stopped,        ///< every one of `instances` has exited
  };
  What what = What::InstanceState;
  std::string state;                   ///< "OPEN" or "MOUNT" (InstanceState)
  std::string group;                   ///< RAFT group name (GroupLeader)
  std::vector<std::string> instances;  ///< instances to poll
};

/// What a Verify step checks.
struct VerifySpec {
  enum class What {
    Registration,  ///< on the MP: DPC_INSTANCE / DPC_BP_RAFT / DPC_BP_GROUP hold every name
    Health,        ///< on the SP: V$INSTANCE lists every instance and a query succeeds
  };
  What what = What::Registration;
  std::vector<std::string> instances;  ///< expected instance names
  std::vector<std::string> rafts;      ///< expected RAFT group names (Registration)
  std::vector<std::string> bp_groups;  ///< expected BP group names (Registration)
};

struct Step {
  std::string id;        ///< stable and unique, e.g. "init:BP11", "register:BP11"
  StepKind kind = StepKind::InitInstance;
  std::string instance;  ///< the instance acted on ("" for none)
  std::string host;      ///< the host the step runs on
  std::string title;     ///< one line for humans: "initialise BP11 (dminit)"
  std::vector<std::string> deps;  ///< ids of steps that must finish first
  int timeout_ms = 60000;         ///< the executor fails the step after this long

  // InitInstance, Backup, Restore, UpdateDbMagic: one tool run to completion.
  std::string program;            ///< "dminit" or "dmrman"
  std::vector<std::string> args;  ///< exactly as on the command line; never a secret
  bool needs_password = false;    ///< dminit: the backend supplies SYSDBA_PWD out of band

  // StartServer: dmserver args (ini path, dpc_mode=X, optional MOUNT).
  bool mount = false;

  /// Backup: the dmserver args that start the instance as its plan does
  /// (with MOUNT for a RAFT member; empty: none). When dmrman refuses a database that was not shut down
  /// normally (kRmanNotShutDownNormally: a kill or HALT, e.g. during the exit
  /// before the backup), the step starts it with these, exits it normally
  /// and runs dmrman once more, as a DBA would.
  std::vector<std::string> clean_start_args;

  // WriteFile (path + content) and EditIni (path + ini_set); CopyBackup: the
  // backup set directory (the same path on both hosts).
  std::string path;
  /// CopyBackup: the host holding `path` (the seed's); `host` receives it.
  std::string source_host;
  std::string content;
  std::vector<std::pair<std::string, std::string>> ini_set;
  /// InstallDm: the package on this machine (a DM home directory or a
  /// tarball of one); `path` is the DM home on `host`.
  std::string package;

  // RunSql, Verify and the polling of WaitState go to `endpoint`.
  SqlEndpoint endpoint;
  std::vector<std::string> statements;  ///< RunSql: executed in order
  /// RunSql: a query whose non-empty result proves the step's effect already
  /// holds (the row exists); used by --resume before repeating a
  /// non-repeatable registration. Empty when the step is repeatable.
  std::string guard_query;

  WaitSpec wait;      ///< WaitState, and ConsoleExit/ExitAll (what must stop)
  VerifySpec verify;  ///< Verify

  // ConsoleExit / ConsoleExitAll: the line typed ("exit" or "exit all").
  std::string console_line;
};

/// A DAG of steps in a topological order (every dep appears before its user).
struct Plan {
  std::string cluster;
  bool stop = false;  ///< the stop plan rather than the deploy plan
  std::vector<Step> steps;

  const Step* find(const std::string& id) const;
  /// Index of a step id, or -1.
  int index_of(const std::string& id) const;
};

/// The sub-plan of exactly the steps in `ids`, in plan order; a dependency on
/// a step outside `ids` is dropped (it is taken as done).
Plan sub_plan(const Plan& plan, const std::set<std::string>& ids);

/// Plan narrowing: the steps of `plan` not in `done` — every one of them when
/// `upto` is empty, else the step `upto` and the steps it depends on,
/// transitively, that are not done. Used to run a deployment whole, up to a
/// step, or the rest of it after some steps ran.
Plan narrow_plan(const Plan& plan, const std::set<std::string>& done, const std::string& upto = "");

}  // namespace dpc
