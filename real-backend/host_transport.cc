#include "real-backend/host_transport.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include "core/tool_output.h"

extern char** environ;

namespace dpc::real {

namespace {

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

/// Reads what is available; false at end of file.
bool drain(int fd, std::string& into) {
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    return errno == EAGAIN || errno == EINTR;
  }
}

bool contains(const std::string& text, const char* needle) { return text.find(needle) != std::string::npos; }

}  // namespace

const char* transport_failure_name(TransportFailure f) {
  switch (f) {
    case TransportFailure::None: return "ok";
    case TransportFailure::AuthRefused: return "authentication refused";
    case TransportFailure::Unreachable: return "host unreachable";
    case TransportFailure::HostKeyMismatch: return "host key mismatch";
    case TransportFailure::Transient: return "connection lost";
    case TransportFailure::Other: return "ssh failed";
  }
  return "?";
}

TransportFailure classify_ssh_error(const std::string& e) {
  if (contains(e, "REMOTE HOST IDENTIFICATION HAS CHANGED") || contains(e, "Host key verification failed") ||
      contains(e, "No ED25519 host key is known") || contains(e, "host key for") ) {
    return TransportFailure::HostKeyMismatch;
  }
  if (contains(e, "Permission denied") || contains(e, "Too many authentication failures")) {
    return TransportFailure::AuthRefused;
  }
  if (contains(e, "Connection refused") || contains(e, "timed out") || contains(e, "No route to host") ||
      contains(e, "Network is unreachable") || contains(e, "Could not resolve hostname") ||
      contains(e, "Name or service not known")) {
    return TransportFailure::Unreachable;
  }
  if (contains(e, "Connection reset") || contains(e, "Connection closed by") ||
      contains(e, "kex_exchange_identification") || contains(e, "Broken pipe") ||
      contains(e, "mux_client_request_session")) {
    return TransportFailure::Transient;
  }
  return TransportFailure::Other;
}

std::string sh_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string jump_proxy_command(const SshOptions& o) {
  const std::string& jump = o.jump_host;
  if (jump.empty() || jump.find(',') != std::string::npos) return "";
  std::string user, host = jump, port;
  if (const size_t at = host.rfind('@'); at != std::string::npos) {
    user = host.substr(0, at);
    host = host.substr(at + 1);
  }
  if (!host.empty() && host.front() == '[') {  // [IPv6]:port
    const size_t close = host.find(']');
    if (close != std::string::npos) {
      if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
      host = host.substr(1, close - 1);
    }
  } else if (const size_t colon = host.rfind(':'); colon != std::string::npos &&
                                                    host.find(':') == colon) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  // ssh expands %-tokens in a ProxyCommand: a literal % is written %%.
  auto arg = [](const std::string& a) {
    std::string escaped;
    for (char c : a) escaped += c == '%' ? std::string("%%") : std::string(1, c);
    return sh_quote(escaped);
  };
  std::string cmd = "ssh -o BatchMode=yes -o ConnectTimeout=" + std::to_string(o.connect_timeout_s);
  if (!o.identity_file.empty()) cmd += " -i " + arg(o.identity_file);
  for (const auto& opt : o.options) cmd += " -o " + arg(opt);
  if (!user.empty()) cmd += " -l " + arg(user);
  if (!port.empty()) cmd += " -p " + arg(port);
  return cmd + " -W %h:%p -- " + arg(host);
}

std::string run_watched(const std::string& tool) {
  return "exec 3<&0\n" + tool + " </dev/null 3<&- &\np=$!\n" +
         "{ cat >/dev/null; kill -s KILL -- -$p; } <&3 >/dev/null 2>&1 &\nw=$!\n" +
         "exec 3<&-\nwait $p\nrc=$?\nkill $w 2>/dev/null\nexit $rc\n";
}

namespace {

/// Starts argv[0] (looked up in PATH) with the pipes' ends as its standard
/// input, output and error, no signal blocked and every one at its default;
/// closes the child's ends here (and, when it cannot start, ours too).
Result<pid_t> spawn_piped(const std::vector<std::string>& argv, int in[2], int out[2], int err[2]) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    return Error{"cannot run " + argv[0] + ": " + std::strerror(rc)};
  }
  return pid;
}

/// Writes `input` to the process and collects its output and errors into
/// `result` until it exits, or kills it once `timeout_ms` has passed (then
/// *timed_out is set); closes our ends of the pipes. Returns its wait status.
int pump(pid_t pid, int in_fd, int out_fd, int err_fd, const std::string& input, Millis timeout_ms,
         CommandResult& result, bool* timed_out) {
  set_nonblocking(in_fd);
  set_nonblocking(out_fd);
  set_nonblocking(err_fd);
  size_t written = 0;
  if (input.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  bool out_open = true, err_open = true;
  int status = 0;
  bool exited = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!exited) {
    pollfd fds[3];
    nfds_t n = 0;
    if (out_open) fds[n++] = {out_fd, POLLIN, 0};
    if (err_open) fds[n++] = {err_fd, POLLIN, 0};
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    ::poll(fds, n, 50);
    if (out_open) out_open = drain(out_fd, result.output);
    if (err_open) err_open = drain(err_fd, result.errors);
    if (in_fd >= 0) {
      ssize_t w = ::write(in_fd, input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
    // The end of the process decides, not the end of its pipes: a
    // backgrounded ssh master may keep them open.
    if (::waitpid(pid, &status, WNOHANG) == pid) exited = true;
    if (!exited && std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      exited = true;
      if (timed_out) *timed_out = true;
    }
  }
  if (out_open) (void)drain(out_fd, result.output);
  if (err_open) (void)drain(err_fd, result.errors);
  if (in_fd >= 0) ::close(in_fd);
  ::close(out_fd);
  ::close(err_fd);
  return status;
}

}  // namespace

Result<CommandResult> run_local_process(const std::vector<std::string>& argv, const std::string& input,
                                        Millis timeout_ms, bool* timed_out) {
  if (timed_out) *timed_out = false;
  if (argv.empty()) return Error{"nothing to run"};
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    return Error{std::string("pipe: ") + std::strerror(errno)};
  }
  Result<pid_t> pid = spawn_piped(argv, in, out, err);
  if (!pid) return pid.error();
  CommandResult result;
  const int status = pump(*pid, in[1], out[0], err[0], input, timeout_ms, result, timed_out);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

// ---- HostTransport -------------------------------------------------------

Result<CommandResult> HostTransport::run(const std::string& command, const std::string& input,
                                         Millis timeout_ms) const {
  bool timed_out = false;
  auto r = run_local_process(command_argv(command), input, timeout_ms, &timed_out);
  if (!r) return Error{"on host " + host() + ": " + r.message()};
  if (timed_out) {
    return Error{"on host " + host() + ": the command did not finish within " +
                 std::to_string(timeout_ms) + " ms and was killed"};
  }
  return interpret(std::move(*r));
}

Result<std::string> HostTransport::run_checked(const std::string& what, const std::string& command,
                                               const std::string& input, Millis timeout_ms) const {
  auto r = run(command, input, timeout_ms);
  if (!r) return Error{what + ": " + r.message()};
  if (r->exit_code != 0) {
    return Error{what + " on host " + host() + ": command failed with exit status " +
                 std::to_string(r->exit_code) + "; output:\n" + output_tail(r->output + r->errors)};
  }
  return r->output;
}

Status HostTransport::write_file(const std::string& path, const std::string& content,
                                 const std::string& mode) const {
  const std::string q = sh_quote(path);
  const std::string cmd =
      "d=$(dirname -- " + q + ") && [ -d \"$d\" ] || { echo \"directory $d does not exist\" >&2; exit 3; }\n"
      "t=\"$d/.$(basename -- " + q + ").dpc-tmp.$$\"\n"
      "umask 077 && cat > \"$t\" && chmod " + mode + " \"$t\" && { sync -- \"$t\" 2>/dev/null || true; } && "
      "mv -f \"$t\" " + q + " || { rm -f \"$t\"; exit 1; }";
  auto r = run_checked("write " + path, cmd, content.empty() ? std::string() : content);
  if (!r) return r.error();
  return Status::Ok();
}

Result<std::string> HostTransport::read_file(const std::string& path) const {
  return run_checked("read " + path, "cat -- " + sh_quote(path));
}

Result<bool> HostTransport::exists(const std::string& path) const {
  auto r = run("test -e " + sh_quote(path), "", 30000);
  if (!r) return r.error();
  return r->exit_code == 0;
}

Result<bool> HostTransport::running(int pid, const std::string& needle) const {
  const std::string p = std::to_string(pid);
  std::string cmd = "kill -0 " + p + " 2>/dev/null || exit 1\n";
  if (!needle.empty()) cmd += "tr '\\000' ' ' < /proc/" + p + "/cmdline | grep -qF -- " + sh_quote(needle);
  auto r = run(cmd, "", 30000);
  if (!r) return r.error();
  return r->exit_code == 0;
}

Status HostTransport::send_signal(int pid, int signo) const {
  auto r = run_checked("signal " + std::to_string(signo) + " to pid " + std::to_string(pid),
                       "kill -" + std::to_string(signo) + " " + std::to_string(pid));
  if (!r) return r.error();
  return Status::Ok();
}

// ---- LocalTransport ------------------------------------------------------

std::vector<std::string> LocalTransport::command_argv(const std::string& command) const {
  return {"/bin/sh", "-c", command};
}

// ---- SshTransport --------------------------------------------------------

SshTransport::SshTransport(std::string host, SshOptions options)
    : host_(std::move(host)), options_(std::move(options)) {}

std::vector<std::string> SshTransport::base_argv() const {
  std::vector<std::string> a = {"ssh", "-o", "BatchMode=yes", "-o",
                                "ConnectTimeout=" + std::to_string(options_.connect_timeout_s),
                                "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=2"};
  if (!options_.control_dir.empty()) {
    a.insert(a.end(), {"-o", "ControlPath=" + options_.control_dir + "/%C", "-o", "ControlPersist=60"});
  }
  if (!options_.user.empty()) a.insert(a.end(), {"-l", options_.user});
  if (options_.port > 0) a.insert(a.end(), {"-p", std::to_string(options_.port)});
  if (!options_.identity_file.empty()) a.insert(a.end(), {"-i", options_.identity_file});
  if (const std::string proxy = jump_proxy_command(options_); !proxy.empty()) {
    a.insert(a.end(), {"-o", "ProxyCommand=" + proxy});
  } else if (!options_.jump_host.empty()) {
    a.insert(a.end(), {"-J", options_.jump_host});
  }
  for (const auto& o : options_.options) a.insert(a.end(), {"-o", o});
  return a;
}

std::vector<std::string> SshTransport::command_argv(const std::string& command) const {
  // Streams use a master connection when one exists but never become one:
  // a master forked from a streamed process would hold its pipes open.
  std::vector<std::string> a = base_argv();
  if (!options_.control_dir.empty()) a.insert(a.end(), {"-o", "ControlMaster=no"});
  a.insert(a.end(), {"-T", "--", host_, command});
  return a;
}

Result<CommandResult> SshTransport::run(const std::string& command, const std::string& input,
                                        Millis timeout_ms) const {
  std::vector<std::string> argv = base_argv();
  if (!options_.control_dir.empty()) argv.insert(argv.end(), {"-o", "ControlMaster=auto"});
  argv.insert(argv.end(), {"-T", "--", host_, command});
  for (int attempt = 0;; ++attempt) {
    bool timed_out = false;
    auto r = run_local_process(argv, input, timeout_ms, &timed_out);
    if (!r) return Error{"on host " + host_ + ": " + r.message()};
    if (timed_out) {
      return Error{"on host " + host_ + ": no answer within " + std::to_string(timeout_ms) +
                   " ms (the ssh command was killed)"};
    }
    if (r->exit_code == 255 && classify_ssh_error(r->errors) == TransportFailure::Transient &&
        attempt < options_.retries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * (attempt + 1)));
      continue;
    }
    return interpret(std::move(*r));
  }
}

Result<CommandResult> SshTransport::interpret(CommandResult raw) const {
  if (raw.exit_code != 255) return raw;
  TransportFailure f = classify_ssh_error(raw.errors + raw.output);
  if (f == TransportFailure::Other && raw.errors.empty()) return raw;  // the command's own 255
  // ssh's own lines, on one line: "...: Connection timed out; Connection to h port 22 timed out".
  std::string tail;
  std::istringstream lines(output_tail(raw.errors.empty() ? raw.output : raw.errors, 3));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) tail += (tail.empty() ? "" : "; ") + line;
  }
  return Error{std::string(transport_failure_name(f)) + ": host " + host_ + " over ssh" +
               (options_.user.empty() ? "" : " as " + options_.user) +
               (options_.port > 0 ? " port " + std::to_string(options_.port) : "") + ": " + tail};
}

namespace {
std::string forward_spec(int local_port, const std::string& addr, int port) {
  std::string a = addr.find(':') != std::string::npos ? "[" + addr + "]" : addr;
  return "127.0.0.1:" + std::to_string(local_port) + ":" + a + ":" + std::to_string(port);
}
}  // namespace

Status SshTransport::forward(int local_port, const std::string& addr, int port) const {
  if (options_.control_dir.empty()) {
    return Error{"an SSH tunnel to host " + host_ + " needs a master connection (a state directory for its socket)"};
  }
  auto up = run("true", "", options_.connect_timeout_s * 1000 + 5000);
  if (!up) return up.error();
  std::vector<std::string> argv = base_argv();
  argv.insert(argv.end(), {"-O", "forward", "-L", forward_spec(local_port, addr, port), host_});
  auto r = run_local_process(argv, "", 10000);
  if (!r) return Error{"on host " + host_ + ": " + r.message()};
  if (r->exit_code != 0) {
    return Error{"cannot open an SSH tunnel 127.0.0.1:" + std::to_string(local_port) + " -> " + addr + ":" +
                 std::to_string(port) + " through host " + host_ + ": " + output_tail(r->errors + r->output, 3)};
  }
  return Status::Ok();
}

void SshTransport::cancel_forward(int local_port, const std::string& addr, int port) const {
  if (options_.control_dir.empty()) return;
  std::vector<std::string> argv = base_argv();
  argv.insert(argv.end(), {"-O", "cancel", "-L", forward_spec(local_port, addr, port), host_});
  (void)run_local_process(argv, "", 5000);
}

bool SshTransport::master_alive() const {
  if (options_.control_dir.empty()) return false;
  std::vector<std::string> argv = base_argv();
  argv.insert(argv.end(), {"-O", "check", host_});
  auto r = run_local_process(argv, "", 5000);
  return r && r->exit_code == 0;
}

void SshTransport::close() const {
  if (options_.control_dir.empty()) return;
  std::vector<std::string> argv = base_argv();
  argv.insert(argv.end(), {"-O", "exit", host_});
  (void)run_local_process(argv, "", 5000);
}

}  // namespace dpc::real
