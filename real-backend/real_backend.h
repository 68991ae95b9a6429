// RealBackend: the Backend on DM's own binaries and ODBC, in real time
// (`dpcctl ... --backend=real`).
//
// Files are this host's files, written atomically. dminit and dmrman run to
// completion through the ProcessLauncher with their output captured, checked
// (exit status and dmrman's `CMD END.CODE:[n]`) and appended to
// <state-dir>/logs/<instance>.log; dminit gets SYSDBA_PWD through a PARFILE
// written mode 0600 under <state-dir>/secrets and removed when it ends.
// dmserver is started detached, appending its own output to the instance's
// log (so it outlives dpcctl) with a FIFO <state-dir>/run/<instance>.console
// as its standard input; readiness is its `SYSTEM IS READY.` line. A pid
// file beside the FIFO lets a later dpcctl (stop, status) type console lines
// and send signals to servers an earlier run started. SQL goes through the
// SqlConnector on one worker thread; each completion is posted back to the
// io_context. An instance on another host is reached through its
// HostTransport (host_transport.h: SSH through the system's OpenSSH client):
// the same operations run there as sh commands, and dminit/dmrman and the
// server's log tail run as local `ssh` processes under the ProcessLauncher
// (real_backend_remote.cc).
//
// Threading: single-threaded like every Backend: callbacks run from inside
// run_one(), which runs at most one io_context handler and blocks at most
// RealConfig::run_one_max_wait_ms. The io_context must not be run after the
// backend is destroyed. The password is revealed only into the PARFILE and
// the ODBC connector; tool output is scrubbed of it before it is logged.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/backend.h"
#include "real-backend/host_transport.h"
#include "real-backend/process_launcher.h"
#include "real-backend/real_config.h"
#include "real-backend/secret.h"
#include "real-backend/sql_connector.h"

namespace dpc::real {

class RealBackend final : public Backend {
 public:
  /// Everything injected: the io_context the launcher runs on, the launcher
  /// and the SQL connector (tests pass stand-ins for either).
  RealBackend(RealConfig config, Secret password, std::shared_ptr<boost::asio::io_context> io,
              std::unique_ptr<ProcessLauncher> processes, std::unique_ptr<SqlConnector> sql);
  /// The production backend: loads the password (load_password), creates
  /// the state directory, and builds an AsioProcessLauncher and an
  /// OdbcConnector (wrapped for SSH tunnels where a host asks for them).
  static Result<std::unique_ptr<RealBackend>> create(RealConfig config);
  ~RealBackend() override;

  RealBackend(const RealBackend&) = delete;
  RealBackend& operator=(const RealBackend&) = delete;

  std::string name() const override { return "real"; }

  Result<std::string> read_file(const std::string& host, const std::string& path) override;
  Status write_file(const std::string& host, const std::string& path,
                    const std::string& content) override;
  bool exists(const std::string& host, const std::string& path) override;

  void run_tool(const ToolRun& run, std::function<void(Result<ToolOutcome>)> done) override;
  void start_server(const ServerLaunch& launch, std::function<void(Status)> done) override;
  Status console(const std::string& instance, const std::string& line) override;
  Status signal(const std::string& instance, Signal sig) override;
  bool server_running(const std::string& instance) override;
  void copy_backup(const CopyRun& run, std::function<void(Status)> done) override;
  void install_dm(const InstallRun& run, std::function<void(Status)> done) override;
  Status remove_tree(const std::string& host, const std::string& path) override;

  void sql(const SqlEndpoint& at, const std::string& statement,
           std::function<void(Result<Rows>)> done) override;

  Millis now() const override;
  void call_at(Millis when, std::function<void()> fn) override;
  bool run_one() override;

  /// <state-dir>/logs/<instance>.log
  std::string log_path(const std::string& instance) const;
  /// <state-dir>/run/<instance>.console (the server's standard input)
  std::string console_path(const std::string& instance) const;
  /// <state-dir>/run/<instance>.pid
  std::string pid_path(const std::string& instance) const;
  const RealConfig& config() const { return config_; }
  /// Replaces how a host is reached (tests); by default a host that is not
  /// this machine gets an SshTransport with ssh_options_for(config, host).
  void set_transport(const std::string& host, std::shared_ptr<HostTransport> transport);

 private:
  struct Server;
  struct ToolOp;

  /// Completes an operation on the next turn of run_one().
  void complete(std::function<void()> fn);
  Status check_local(const std::string& host, const std::string& what) const;
  /// The pid of an instance's dmserver: ours, or from its pid file; 0 if none.
  int server_pid(const std::string& instance);
  /// A process whose command line names the instance's dm.ini although no
  /// pid file of this state directory records it (started by another
  /// dpcctl state directory, a runbook, or by hand); 0 if none.
  int unrecorded_server_pid(const std::string& instance) const;
  void log_line(const std::string& instance, const std::string& text);
  ProcessSpec spec_for(const std::string& program_path) const;
  void stop_unready(const std::shared_ptr<Server>& server, const std::string& why);
  /// Stops `server` as unready when it has not printed its ready line within
  /// `launch_timeout_ms` (the configured time when 0).
  void arm_ready_timer(const std::shared_ptr<Server>& server, Millis launch_timeout_ms);
  /// A line of a tool's output, the password scrubbed: kept and logged.
  void tool_line(ToolOp& op, const std::string& raw);
  /// Whether the instance's pid file still names this server (not a newer one).
  bool server_pid_file_is(const std::shared_ptr<Server>& server) const;

  // ---- other hosts (real_backend_remote.cc) ------------------------------
  /// How to reach `host` when it is not this machine; nullptr when it is.
  std::shared_ptr<HostTransport> remote(const std::string& host);
  /// copy_backup once the route is chosen: carries, verifies and places the
  /// set; with `fall_back`, a failed host-to-host transfer is redone through
  /// this machine (real_backend_copy.cc).
  void transfer_backup(const CopyRun& run, bool direct, bool fall_back, std::function<void(Status)> done);
  /// A copy failed: logged in the seed's log, and `done` told.
  void fail_copy(const CopyRun& run, const std::function<void(Status)>& done, const std::string& why);
  /// Local or remote, for operations written once for both (copy_backup).
  std::shared_ptr<HostTransport> transport(const std::string& host);
  std::string host_of(const std::string& instance) const;
  /// <remote state dir>/<sub>/<name> on the other hosts.
  std::string remote_path(const std::string& sub, const std::string& name) const;
  /// The path of a DM tool on another host: the explicit one, else <DM home>/bin/<tool>.
  Result<std::string> remote_binary(const std::string& name) const;
  void remote_run_tool(std::shared_ptr<HostTransport> at, const ToolRun& run,
                       std::function<void(Result<ToolOutcome>)> done);
  void remote_start_server(std::shared_ptr<HostTransport> at, const ServerLaunch& launch,
                           std::function<void(Status)> done);
  Status remote_console(HostTransport& at, const std::string& instance, const std::string& line);
  Status remote_signal(HostTransport& at, const std::string& instance, Signal sig);
  /// The pid of an instance's dmserver on another host (its pid file there,
  /// trusted while /proc/<pid>/cmdline names its dm.ini); 0 if none.
  int remote_server_pid(HostTransport& at, const std::string& instance);

  RealConfig config_;
  Secret password_;
  std::shared_ptr<boost::asio::io_context> io_;
  std::unique_ptr<ProcessLauncher> processes_;
  std::unique_ptr<SqlConnector> sql_;
  std::shared_ptr<void> work_guard_;  ///< keeps run_one_for() waiting while SQL is out
  boost::asio::thread_pool sql_worker_{1};  ///< destroyed (joined) before sql_
  std::chrono::steady_clock::time_point epoch_;
  int pending_ = 0;    ///< callbacks and timers the caller is waiting for
  int tool_seq_ = 0;   ///< names each PARFILE uniquely
  std::map<std::string, std::shared_ptr<Server>> servers_;  ///< started by this backend
  std::map<std::string, std::shared_ptr<HostTransport>> transports_;  ///< by host, once made
};

}  // namespace dpc::real
