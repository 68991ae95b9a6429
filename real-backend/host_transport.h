// HostTransport: how the real backend reaches one host — this machine
// (LocalTransport) or another over the system's OpenSSH client
// (SshTransport). Everything the backend does on a host is a POSIX sh
// command run there: write a file atomically (a temporary beside it, then
// rename, on that host), read one, test for one, start a detached process
// (own session via setsid, console FIFO and pid file on that host), signal
// it, and ask whether it still runs (/proc/<pid>/cmdline). The same
// commands run locally and remotely, so the two transports differ only in
// how a command reaches `sh`.
//
// Long-running commands (dminit, dmrman, a server's log tail) are not run
// here: command_argv() gives the local argv that runs a command on the host,
// and the backend starts that through its ProcessLauncher to stream output.
//
// Secrets: a command line never holds a secret; `input` (standard input)
// carries it, over the SSH channel for a remote host.
//
// Threading: run() blocks the calling thread (at most its timeout); a
// transport holds no mutable state, so several threads may use one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/result.h"

namespace dpc::real {

/// How a command run on a host ended.
struct CommandResult {
  int exit_code = 0;   ///< the command's exit status (128+n when killed by signal n)
  std::string output;  ///< standard output
  std::string errors;  ///< standard error
};

/// What went wrong reaching a host (SshTransport), from ssh's exit status
/// 255 and its message.
enum class TransportFailure { None, AuthRefused, Unreachable, HostKeyMismatch, Transient, Other };

/// "authentication refused", "host unreachable", ...
const char* transport_failure_name(TransportFailure f);

/// Classifies ssh's standard error after it exited with status 255.
TransportFailure classify_ssh_error(const std::string& stderr_text);

/// How a backup set is carried to a host from another (ssh.copy): host to
/// host when the source reaches the target over SSH, else through this
/// machine (Auto); host to host only (Direct); through this machine (ViaControl).
enum class CopyRoute { Auto, Direct, ViaControl };

/// SSH settings for one host (topology defaults, per-host, CLI flags).
struct SshOptions {
  std::string user;           ///< -l; "" = ssh's own choice (~/.ssh/config, $USER)
  int port = 0;               ///< -p; 0 = ssh's own choice
  std::string identity_file;  ///< -i
  std::string jump_host;      ///< -J (ProxyJump)
  std::vector<std::string> options;  ///< extra -o KEY=VALUE
  std::string control_dir;    ///< ControlPath directory ("" = no multiplexing)
  int connect_timeout_s = 5;  ///< ConnectTimeout
  int retries = 2;            ///< extra attempts after a transient failure
  /// SQL to this host's instances goes through an SSH local forward on the
  /// master connection (sql_via "tunnel"), not straight to their address.
  bool sql_tunnel = false;
  /// How backup sets are carried to this host (ssh.copy).
  CopyRoute copy = CopyRoute::Auto;
};

class HostTransport {
 public:
  virtual ~HostTransport() = default;

  /// The host as the topology names it.
  virtual const std::string& host() const = 0;
  virtual bool is_local() const = 0;
  /// The local argv that runs `command` with sh on the host.
  virtual std::vector<std::string> command_argv(const std::string& command) const = 0;
  /// Runs `command` with sh on the host, `input` on its standard input, and
  /// waits at most `timeout_ms` (then kills it). An error when the host
  /// could not be reached (named, classified); otherwise the command's
  /// exit status and output, whatever the status.
  virtual Result<CommandResult> run(const std::string& command, const std::string& input,
                                    Millis timeout_ms) const;
  /// Turns a finished local process (of command_argv) into the command's
  /// result, or a transport error naming the host.
  virtual Result<CommandResult> interpret(CommandResult raw) const { return raw; }

  // ---- Operations built on run(), the same on every transport ------------
  /// `command` must exit 0; the error says `what` failed on which host, with
  /// the exit status and the tail of its output.
  Result<std::string> run_checked(const std::string& what, const std::string& command,
                                  const std::string& input = "", Millis timeout_ms = 30000) const;
  /// Replaces `path` with `content`: a temporary in the same directory, synced,
  /// given `mode` (octal, e.g. "644"), renamed over `path`. The directory must exist.
  Status write_file(const std::string& path, const std::string& content,
                    const std::string& mode = "644") const;
  Result<std::string> read_file(const std::string& path) const;
  /// Whether `path` exists; an error when the host cannot be asked.
  Result<bool> exists(const std::string& path) const;
  /// Whether `pid` runs and its /proc/<pid>/cmdline contains `needle`.
  Result<bool> running(int pid, const std::string& needle) const;
  Status send_signal(int pid, int signo) const;
};

/// This machine: `sh -c COMMAND`.
class LocalTransport final : public HostTransport {
 public:
  explicit LocalTransport(std::string host) : host_(std::move(host)) {}
  const std::string& host() const override { return host_; }
  bool is_local() const override { return true; }
  std::vector<std::string> command_argv(const std::string& command) const override;

 private:
  std::string host_;
};

/// Another host through the system's `ssh` (so ~/.ssh/config, agents,
/// ProxyJump and known_hosts apply): BatchMode (never a prompt), a bounded
/// ConnectTimeout, ControlMaster multiplexing with sockets in
/// SshOptions::control_dir, retries only after a transient failure.
class SshTransport final : public HostTransport {
 public:
  SshTransport(std::string host, SshOptions options);
  const std::string& host() const override { return host_; }
  bool is_local() const override { return false; }
  std::vector<std::string> command_argv(const std::string& command) const override;
  Result<CommandResult> run(const std::string& command, const std::string& input,
                            Millis timeout_ms) const override;
  Result<CommandResult> interpret(CommandResult raw) const override;
  /// Ends the shared master connection, if any (`ssh -O exit`).
  void close() const;
  /// Listens on 127.0.0.1:`local_port` here and carries each connection to
  /// `addr`:`port` as the host sees it, on the master connection (opened
  /// first if needed): `ssh -O forward -L`. Needs a ControlPath directory.
  Status forward(int local_port, const std::string& addr, int port) const;
  /// Removes such a forward (`ssh -O cancel -L`); quiet when it is gone.
  void cancel_forward(int local_port, const std::string& addr, int port) const;
  /// Whether the master connection is up (`ssh -O check`).
  bool master_alive() const;
  const SshOptions& options() const { return options_; }

 private:
  std::vector<std::string> base_argv() const;
  std::string host_;
  SshOptions options_;
};

/// `text` quoted for a POSIX shell ('...' with ' as '\'').
std::string sh_quote(const std::string& text);

/// The ProxyCommand that reaches a host through `options.jump_host`
/// ("[user@]host[:port]"): `ssh -W %h:%p` to the jump host with the same
/// BatchMode, connect timeout, identity file and -o options as the hop
/// after it (`ssh -J` would start the jump's ssh with none of them, so a key
/// given as identity_file, a known_hosts file or BatchMode would not apply
/// there). "" when there is no jump host, or for a chain "a,b" (left to -J).
std::string jump_proxy_command(const SshOptions& options);

/// Shell text that runs `tool` (a command line) in the background on its
/// host and waits for it, watching the rest of the shell's standard input:
/// that ends when the process carrying the run ends (dpcctl killed, the ssh
/// connection closed), and then the tool's process group is killed there at
/// once. `tool` should start with `timeout`, which leads its own process
/// group, so that the group is the tool and its children.
std::string run_watched(const std::string& tool);

/// Runs `argv` (argv[0] an absolute path or found on $PATH) to completion,
/// `input` on its standard input, killing it (SIGKILL) after `timeout_ms`
/// (exit_code 137 then, and `timed_out`). An error only when it cannot start.
Result<CommandResult> run_local_process(const std::vector<std::string>& argv, const std::string& input,
                                        Millis timeout_ms, bool* timed_out = nullptr);

}  // namespace dpc::real
