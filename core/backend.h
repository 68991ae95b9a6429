// Backend: the one seam between the deployment core and the outside world.
//
// The core (plan, executor, journal) sees a cluster only through this
// interface: files on an instance's host, DM's tools run to completion,
// servers started and kept running, console lines and signals, SQL, and a
// clock with timers. Two implementations exist:
//   - SimBackend (sim/sim_backend.h): a deterministic simulated cluster in
//     virtual time;
//   - RealBackend (real-backend/real_backend.h): DM's dminit, dmserver and
//     dmrman processes and SQL over ODBC, in real time.
// Tests wrap either in FaultInjectingBackend (core/fault_backend.h) to fail or
// delay one operation at step N, in the style of leveldb's EnvWrapper.
//
// Threading: single-threaded. Asynchronous operations complete by calling
// their callback from inside run_one(); never from inside the call that
// started them. Secrets never pass through this interface: the backend gets
// the SYSDBA password from its own configuration.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/install_plan.h"
#include "core/plan.h"
#include "core/result.h"

namespace dpc {

/// Milliseconds since the backend's epoch (virtual in the simulator).
using Millis = int64_t;

/// A DM tool run to completion: dminit or dmrman.
struct ToolRun {
  std::string instance;  ///< for logs and traces
  std::string host;
  std::string program;            ///< "dminit" | "dmrman"
  std::vector<std::string> args;  ///< never a secret
  bool needs_password = false;    ///< supply SYSDBA_PWD out of band (dminit PARFILE)
  /// Kill the tool after this long (ms); 0 = the backend's own default.
  int timeout_ms = 0;
};

struct ToolOutcome {
  int exit_code = 0;
  std::string output;  ///< stdout and stderr, interleaved
};

/// A dmserver started and kept running.
struct ServerLaunch {
  std::string instance;
  std::string host;
  std::vector<std::string> args;  ///< "<path>/DAMENG/dm.ini", "dpc_mode=BP", optional "MOUNT"
  /// Give up (and stop the server) when it is not ready after this long
  /// (ms); 0 = the backend's own default.
  int timeout_ms = 0;
};

/// A backup set carried from one host to another (the same directory on
/// both), then verified on the target: the same files, sizes and checksums.
struct CopyRun {
  std::string instance;  ///< the seed whose set it is (for logs and traces)
  std::string from_host;
  std::string to_host;
  std::string dir;  ///< the backup set directory
  /// Give up after this long (ms); 0 = the backend's own default.
  int timeout_ms = 0;
};

/// DM put into a host's DM home from a package on this machine (a DM home
/// directory or a tarball of one), unless that DM home already holds the
/// package's build.
struct InstallRun {
  std::string host;
  std::string package;  ///< on this machine
  std::string dm_home;  ///< on `host`
  /// Give up after this long (ms); 0 = the backend's own default.
  int timeout_ms = 0;
};

/// Rows from a query; a NULL is std::nullopt.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  /// Index of a column by name (case-insensitive), or -1.
  int column(const std::string& name) const;
};

enum class Signal { Usr1, Term, Kill };

class Backend {
 public:
  virtual ~Backend() = default;

  /// "sim" or "real".
  virtual std::string name() const = 0;

  // ---- Files (small; synchronous) --------------------------------------
  /// Contents of a file on a host, or an error naming the path.
  virtual Result<std::string> read_file(const std::string& host, const std::string& path) = 0;
  /// Writes a whole file atomically (write then rename); the directory must exist.
  virtual Status write_file(const std::string& host, const std::string& path,
                            const std::string& content) = 0;
  virtual bool exists(const std::string& host, const std::string& path) = 0;
  /// Removes a directory tree on a host (`dpcctl destroy`; the caller has
  /// checked that it is an instance's own directory).
  virtual Status remove_tree(const std::string& host, const std::string& path) {
    (void)host;
    return Error{"removing " + path + " is not supported by the " + name() + " backend"};
  }

  // ---- Processes --------------------------------------------------------
  /// Runs a tool to completion. The callback gets its exit code and output,
  /// or an error when it could not run at all.
  virtual void run_tool(const ToolRun& run, std::function<void(Result<ToolOutcome>)> done) = 0;
  /// Starts dmserver and keeps it running. The callback fires once: OK when
  /// the server is ready ("SYSTEM IS READY."; MOUNT reached for a MOUNT
  /// start), or an error with the tail of its output when it exited first.
  virtual void start_server(const ServerLaunch& launch, std::function<void(Status)> done) = 0;
  /// Types one line ("exit", "exit all") on a running server's console.
  virtual Status console(const std::string& instance, const std::string& line) = 0;
  virtual Status signal(const std::string& instance, Signal sig) = 0;
  /// Whether the server process of an instance is running.
  virtual bool server_running(const std::string& instance) = 0;
  /// Copies a backup set directory from one host to another and verifies the
  /// copy (file list, sizes, checksums). The target directory appears whole
  /// or not at all. The default fails: a backend without several hosts has
  /// nothing to copy between.
  virtual void copy_backup(const CopyRun& run, std::function<void(Status)> done);
  /// Installs DM on a host (the install-dm step): when the host's DM home
  /// lacks the tools or holds another build than the package, the package is
  /// copied there once, verified by checksum, unpacked into the DM home, and
  /// the DM home marked as installed by dpcctl (kInstalledMarker); a DM home
  /// already holding the package's build is left alone. The default fails.
  virtual void install_dm(const InstallRun& run, std::function<void(Status)> done);
  /// Whether the instance's last exit was a forced HALT; false when the
  /// backend cannot tell.
  virtual bool server_halted(const std::string& instance) {
    (void)instance;
    return false;
  }

  // ---- SQL --------------------------------------------------------------
  /// Runs one statement as SYSDBA on an instance; rows for a query, empty
  /// Rows for a call, or an error carrying the server's message.
  virtual void sql(const SqlEndpoint& at, const std::string& statement,
                   std::function<void(Result<Rows>)> done) = 0;

  // ---- Time -------------------------------------------------------------
  virtual Millis now() const = 0;
  /// Calls fn at (or after) time `when`, from inside run_one().
  virtual void call_at(Millis when, std::function<void()> fn) = 0;
  /// Makes progress: runs at least one pending completion or timer,
  /// advancing (virtual) time as needed. Returns false when nothing at all
  /// is pending, so the caller would wait forever.
  virtual bool run_one() = 0;
};

}  // namespace dpc
