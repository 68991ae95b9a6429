// RealBackend on hosts other than this machine, through their HostTransport
// (host_transport.h). (The copy of a backup set between hosts is in
// real_backend_copy.cc.)
//
// On the other host, under dpcctl's state directory there (remote_state_dir,
// by default <local state dir>/remote): logs/<instance>.log (the
// server's own output), run/<instance>.console (its FIFO) and
// run/<instance>.pid (pid and dm.ini), secrets/ (a PARFILE's 0700
// directory, only while dminit runs). Tool output streamed back is also
// appended to the local logs/<instance>.log.
#include <sys/stat.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <boost/asio/steady_timer.hpp>

#include "real-backend/atomic_file.h"
#include "real-backend/dm_install.h"
#include "real-backend/local_host.h"
#include "real-backend/real_backend_internal.h"
#include "core/tool_output.h"

namespace dpc::real {

namespace {

/// The absolute path of a program on $PATH, or the name itself.
std::string on_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return name;
}

}  // namespace

ProcessSpec spec_of(const std::vector<std::string>& argv) {
  ProcessSpec spec;
  spec.program = on_path(argv.front());
  spec.args.assign(argv.begin() + 1, argv.end());
  return spec;
}

std::shared_ptr<HostTransport> RealBackend::remote(const std::string& host) {
  if (host.empty()) return nullptr;
  auto it = transports_.find(host);
  if (it == transports_.end()) {
    std::shared_ptr<HostTransport> made;
    if (is_local_host(host)) {
      made = std::make_shared<LocalTransport>(host);
    } else {
      SshOptions o = ssh_options_for(config_, host);
      if (!o.control_dir.empty() && !create_private_dir(o.control_dir).ok()) o.control_dir.clear();
      made = std::make_shared<SshTransport>(host, std::move(o));
    }
    it = transports_.emplace(host, std::move(made)).first;
  }
  return it->second->is_local() ? nullptr : it->second;
}

std::shared_ptr<HostTransport> RealBackend::transport(const std::string& host) {
  if (auto at = remote(host)) return at;
  auto it = transports_.find(host);
  if (it != transports_.end()) return it->second;
  return transports_[host] = std::make_shared<LocalTransport>(host);
}

void RealBackend::set_transport(const std::string& host, std::shared_ptr<HostTransport> transport) {
  transports_[host] = std::move(transport);
}

std::string RealBackend::host_of(const std::string& instance) const {
  auto it = config_.instance_hosts.find(instance);
  return it == config_.instance_hosts.end() ? std::string() : it->second;
}

std::string RealBackend::remote_path(const std::string& sub, const std::string& name) const {
  // Not the local state directory itself: on storage shared with this
  // machine, a server's log there would be the file its streamed lines are
  // appended to here.
  const std::string root = config_.remote_state_dir.empty() ? config_.state_dir + "/remote" : config_.remote_state_dir;
  return root + "/" + sub + (name.empty() ? "" : "/" + name);
}

Result<std::string> RealBackend::remote_binary(const std::string& name) const {
  const std::string& explicit_path = name == "dminit" ? config_.dminit
                                     : name == "dmserver" ? config_.dmserver
                                                          : config_.dmrman;
  if (!explicit_path.empty()) return explicit_path;
  if (config_.dm_home.empty()) {
    return Error{"no DM home is configured: on another host dpcctl runs <DM home>/bin/" + name +
                 "; set defaults.dm_home or pass --dm-home DIR (the same on every host)"};
  }
  return config_.dm_home + "/bin/" + name;
}

namespace {

/// cd to the tool's directory and set its environment, as DM's scripts do.
std::string tool_prelude(const std::string& program, const std::string& dm_home) {
  const std::string bin = std::filesystem::path(program).parent_path().string();
  std::string out = "cd " + sh_quote(bin) + " || exit 126\n";
  out += "LD_LIBRARY_PATH=" + sh_quote(bin) + "${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; export LD_LIBRARY_PATH\n";
  if (!dm_home.empty()) out += "DM_HOME=" + sh_quote(dm_home) + "; export DM_HOME\n";
  return out;
}

/// The shell that starts `server_line` (dmserver with its arguments) on
/// that host in its own session, a FIFO in `run_dir` as its standard input
/// and its output appended to `logf` there, so that it survives the ssh
/// connection and dpcctl; records its pid and `ini` in <instance>.pid and
/// prints "PID LOG_SIZE".
std::string detached_start_shell(const std::string& run_dir, const std::string& logs_dir, const std::string& instance,
                                 const std::string& logf, const std::string& server_line, const std::string& ini) {
  const std::string fifo = sh_quote(run_dir + "/" + instance + ".console");
  const std::string pidf = sh_quote(run_dir + "/" + instance + ".pid");
  return "set -e\numask 077\nmkdir -p " + sh_quote(run_dir) + " " + sh_quote(logs_dir) + "\nrm -f " + fifo +
         "\nmkfifo -m 600 " + fifo + "\ntouch " + sh_quote(logf) + "\nsize=$(wc -c < " + sh_quote(logf) + ")\n" +
         server_line + " <>" + fifo + " >>" + sh_quote(logf) + " 2>&1 &\npid=$!\n" + "printf '%s\\n%s\\n' \"$pid\" " +
         sh_quote(ini) + " > " + pidf + ".dpc-tmp\nmv -f " + pidf + ".dpc-tmp " + pidf + "\necho \"$pid $size\"";
}

/// What a tool run over ssh came to: killed on that host at its timeout
/// (exit 137), the ssh connection lost (255), or the tool's own outcome.
Result<ToolOutcome> remote_tool_end(HostTransport& at, const std::string& who, const ProcessExit& exit, bool timed_out,
                                    Millis timeout, const std::string& output, const std::string& program) {
  int code = exit.exited_normally() ? exit.exit_code : 128 + exit.signal;
  if (timed_out || code == 137) {
    return Error{who + " did not finish within " + std::to_string(timeout) +
                 " ms and was killed on that host; last output:\n" + output_tail(output)};
  }
  if (code == 255) {
    auto seen = at.interpret(CommandResult{255, "", output});
    if (!seen) return Error{who + ": " + seen.message()};
  }
  ToolOutcome outcome;
  outcome.output = output;
  outcome.exit_code = effective_exit_code(program, code, outcome.output);
  return outcome;
}

/// The shell that receives dminit's PARFILE (the first `length` bytes of
/// its standard input) into a 0700 directory under `secrets`, runs `dminit`
/// (the command, up to its arguments) with it, watched (run_watched), and
/// removes it when the shell ends (dminit done, failed or killed).
std::string parfile_shell(const std::string& secrets, const std::string& instance, const std::string& dminit,
                          size_t length) {
  return "umask 077\nmkdir -p " + sh_quote(secrets) + " || exit 125\n" + "d=$(mktemp -d " +
         sh_quote(secrets + "/" + instance + ".XXXXXX") + ") || exit 125\n" +
         "trap 'rm -rf \"$d\"' EXIT\ntrap 'exit 129' HUP INT TERM PIPE\n" + "head -c " + std::to_string(length) +
         " > \"$d/dminit.par\" || exit 125\n" + run_watched(dminit + " PARFILE=\"$d/dminit.par\"");
}

}  // namespace

// ---- tools ---------------------------------------------------------------

void RealBackend::remote_run_tool(std::shared_ptr<HostTransport> at, const ToolRun& run,
                                  std::function<void(Result<ToolOutcome>)> done) {
  ++pending_;
  const std::string who = run.program + " for " + run.instance + " on host " + run.host;
  auto fail = [this, &done](std::string message) {
    complete([done, message]() { done(Error{message}); });
  };
  if (run.program != "dminit" && run.program != "dmrman") {
    return fail(who + ": the real backend runs only dminit and dmrman to completion");
  }
  auto program = remote_binary(run.program);
  if (!program) return fail(who + ": " + program.message());

  auto op = std::make_shared<ToolOp>();
  op->instance = run.instance;
  op->program = run.program;
  op->host = run.host;
  op->done = std::move(done);
  op->timeout = run.timeout_ms > 0 ? run.timeout_ms : config_.tool_timeout_ms;

  std::vector<std::string> args;
  for (const auto& a : run.args) args.push_back(unquote_arg(a));
  log_line(run.instance, "[" + timestamp() + "] on " + run.host + ": " + run.program + " " + join(args) +
                             (run.needs_password ? "  (SYSDBA_PWD through a PARFILE sent over ssh)" : ""));
  // The remote timeout kills the tool itself; the local one (a little
  // later) only the ssh carrying it.
  const std::string kill_after = "timeout -s KILL " + std::to_string((op->timeout + 999) / 1000) + " ";
  std::string command = tool_prelude(*program, config_.dm_home);
  std::string content;  // what ssh's standard input carries first
  if (run.needs_password) {
    // The PARFILE travels on ssh's standard input into a 0700 directory on
    // that host, removed when the shell ends (dminit done, failed or killed).
    for (const auto& a : args) content += a + "\n";
    content += "SYSDBA_PWD=" + password_.reveal() + "\n";
    command += parfile_shell(remote_path("secrets", ""), run.instance, kill_after + sh_quote(*program), content.size());
  } else {
    std::string tool = kill_after + sh_quote(*program);
    for (const auto& a : args) tool += " " + sh_quote(a);
    command += run_watched(tool);
  }
  // ssh's standard input: a 0600 FIFO whose only writer is this backend,
  // held until the run ends; ssh reads it, so the host sees its input end
  // when ssh or dpcctl dies (killed or not) and then kills the tool. The
  // PARFILE text waits in the pipe, never in a file here.
  const std::string dir = config_.state_dir + "/secrets";
  if (Status st = create_private_dir(dir); !st) {
    return complete([op, m = who + ": " + st.message()]() { op->done(Error{m}); });
  }
  op->parfile = dir + "/" + run.instance + "." + run.program + "." + std::to_string(++tool_seq_) + ".stdin";
  auto held = held_fifo(op->parfile, content);
  if (!held) return complete([op, m = who + ": " + held.message()]() { op->done(Error{m}); });
  op->stdin_fd = *held;
  ProcessSpec spec = spec_of(at->command_argv(command));
  spec.stdin_path = op->parfile;
  spec.stdin_read_only = true;

  ProcessCallbacks callbacks;
  callbacks.on_line = [this, op](const std::string& raw) { tool_line(*op, raw); };
  callbacks.on_exit = [this, op, at](const ProcessExit& exit) {
    if (op->timer) op->timer->cancel();
    if (!op->parfile.empty()) ::unlink(op->parfile.c_str());
    op->close_stdin();
    const std::string who = op->program + " for " + op->instance + " on host " + op->host;
    log_line(op->instance, "[" + timestamp() + "] " + op->program + " on " + op->host + " ended: " + exit.describe());
    Result<ToolOutcome> outcome = remote_tool_end(*at, who, exit, op->timed_out, op->timeout, op->output, op->program);
    complete([op, outcome]() { op->done(outcome); });
  };
  auto pid = processes_->start(spec, std::move(callbacks));
  if (!op->parfile.empty()) ::unlink(op->parfile.c_str());  // ssh has it open
  if (!pid) return complete([op, m = who + ": " + pid.message()]() { op->done(Error{m}); });
  op->pid = *pid;
  arm_kill_timer(*io_, *processes_, op, op->timeout + 5000);
}

// ---- servers -------------------------------------------------------------

int RealBackend::remote_server_pid(HostTransport& at, const std::string& instance) {
  const std::string f = sh_quote(remote_path("run", instance + ".pid"));
  auto r = at.run("[ -r " + f + " ] || exit 1\np=$(sed -n 1p " + f + "); ini=$(sed -n 2p " + f +
                      ")\nkill -0 \"$p\" 2>/dev/null || exit 1\n"
                      "if [ -n \"$ini\" ]; then tr '\\000' ' ' < /proc/$p/cmdline | grep -qF -- \"$ini\" || exit 1; fi\n"
                      "echo \"$p\"",
                  "", config_.remote_op_timeout_ms);
  if (!r || r->exit_code != 0) return 0;
  return std::atoi(r->output.c_str());
}

void RealBackend::remote_start_server(std::shared_ptr<HostTransport> at, const ServerLaunch& launch,
                                      std::function<void(Status)> done) {
  ++pending_;
  const std::string who = "dmserver for " + launch.instance + " on host " + launch.host;
  auto fail = [this, &done](std::string message) {
    complete([done, message]() { done(Error{message}); });
  };
  if (int pid = remote_server_pid(*at, launch.instance); pid > 0) {
    return fail(who + " is already running (pid " + std::to_string(pid) +
                " there); stop it first (dpcctl stop, or kill -TERM " + std::to_string(pid) + " on that host)");
  }
  auto program = remote_binary("dmserver");
  if (!program) return fail(who + ": " + program.message());
  auto server = std::make_shared<Server>();
  server->instance = launch.instance;
  server->ini = launch.args.empty() ? std::string() : unquote_arg(launch.args[0]);
  server->done = std::move(done);
  server->at = at;
  std::vector<std::string> args;
  for (const auto& a : launch.args) args.push_back(unquote_arg(a));
  log_line(launch.instance, "[" + timestamp() + "] on " + launch.host + ": dmserver " + join(args));

  const std::string logf = remote_path("logs", launch.instance + ".log");
  std::string command = tool_prelude(*program, config_.dm_home) + "setsid " + sh_quote(*program);
  for (const auto& a : args) command += " " + sh_quote(a);
  command = detached_start_shell(remote_path("run", ""), remote_path("logs", ""), launch.instance, logf, command,
                                 server->ini);
  auto started = at->run_checked("start " + who, command, "", config_.remote_op_timeout_ms);
  if (!started) return complete([server, m = started.message()]() { server->done(Error{m}); });
  long pid = 0, size = 0;
  if (std::sscanf(started->c_str(), "%ld %ld", &pid, &size) != 2 || pid <= 0) {
    return complete([server, m = who + ": unexpected answer from the start: " + *started]() {
      server->done(Error{m});
    });
  }
  server->pid = static_cast<int>(pid);
  servers_[launch.instance] = server;
  log_line(launch.instance, "[" + timestamp() + "] dmserver pid " + std::to_string(pid) + " on " + launch.host);

  // Follow its log there until it is ready (tail ends when the pid does).
  ProcessSpec spec = spec_of(at->command_argv("exec tail -c +" + std::to_string(size + 1) + " --pid=" +
                                              std::to_string(pid) + " -F " + sh_quote(logf) + " 2>/dev/null"));
  ProcessCallbacks callbacks;
  callbacks.on_line = [this, server](const std::string& raw) {
    const std::string line = password_.scrub(raw);
    (void)append_file(log_path(server->instance), line + "\n");
    server->tail.push_back(line);
    if (server->tail.size() > kServerTailLines) server->tail.pop_front();
    if (server->ready || server->reported) return;
    for (const auto& marker : config_.ready_markers) {
      if (line.find(marker) == std::string::npos) continue;
      server->ready = server->reported = true;
      if (server->timer) server->timer->cancel();
      return complete([server]() { server->done(Status::Ok()); });
    }
  };
  callbacks.on_exit = [this, server, host = launch.host](const ProcessExit& exit) {
    if (server->reported) return;
    if (server->timer) server->timer->cancel();
    server->reported = true;
    std::string message;
    if (exit.exit_code == 255) {
      message = "lost the ssh connection to host " + host + " while waiting for dmserver for " +
                server->instance + " to be ready; last output:" + server->tail_text();
    } else {
      server->exited = true;
      message = "dmserver for " + server->instance + " on host " + host +
                " ended before it was ready; last output:" + server->tail_text() +
                "\n  full log on that host: " + remote_path("logs", server->instance + ".log");
    }
    complete([server, message]() { server->done(Error{message}); });
  };
  if (auto tail = processes_->start(spec, std::move(callbacks)); !tail) {
    return stop_unready(server, "could not be followed (" + tail.message() + ")");
  }
  arm_ready_timer(server, launch.timeout_ms);
}

Status RealBackend::remote_console(HostTransport& at, const std::string& instance, const std::string& line) {
  int pid = remote_server_pid(at, instance);
  if (pid <= 0) {
    return Error{"cannot type '" + line + "' on " + instance + "'s console: " + instance +
                 " is not running on host " + at.host()};
  }
  const std::string fifo = remote_path("run", instance + ".console");
  auto r = at.run_checked("type '" + line + "' on " + instance + "'s console " + fifo,
                          "printf '%s\\n' " + sh_quote(line) + " > " + sh_quote(fifo), "", 10000);
  if (!r) return r.error();
  log_line(instance, "[" + timestamp() + "] console on " + at.host() + ": " + line);
  return Status::Ok();
}

Status RealBackend::remote_signal(HostTransport& at, const std::string& instance, Signal sig) {
  int pid = remote_server_pid(at, instance);
  if (pid <= 0) {
    return Error{std::string("cannot send ") + signal_label(sig) + " to " + instance +
                 ": it is not running on host " + at.host()};
  }
  if (Status st = at.send_signal(pid, signal_number(sig)); !st) {
    return Error{std::string("cannot send ") + signal_label(sig) + " to " + instance + ": " + st.message()};
  }
  log_line(instance, "[" + timestamp() + "] sent " + signal_label(sig) + " to pid " + std::to_string(pid) +
                         " on " + at.host());
  return Status::Ok();
}

}  // namespace dpc::real

namespace dpc::real {

// ---- DM onto a host from a package (dm_install.h) ------------------------

void RealBackend::install_dm(const InstallRun& run, std::function<void(Status)> done) {
  ++pending_;
  const std::string log = "install-" + run.host;
  log_line(log, "[" + timestamp() + "] install DM from " + run.package + " into " + run.dm_home + " on " + run.host);
  Millis timeout = run.timeout_ms > 0 ? run.timeout_ms : config_.tool_timeout_ms;
  auto r = install_dm_on(*transport(run.host), run, config_.state_dir + "/install", timeout);
  log_line(log, "[" + timestamp() + "] " + (r ? *r : r.message()));
  if (!r) return complete([done, m = "install DM on " + run.host + ": " + r.message()]() { done(Error{m}); });
  complete([done]() { done(Status::Ok()); });
}

}  // namespace dpc::real
