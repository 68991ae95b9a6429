#include "real-backend/real_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/text_rules.h"
#include "core/tool_output.h"
#include "real-backend/asio_process_launcher.h"
#include "real-backend/atomic_file.h"
#include "real-backend/local_host.h"
#include "real-backend/odbc_connector.h"
#include "real-backend/real_backend_internal.h"
#include "real-backend/sql_tunnel.h"

namespace dpc::real {

namespace asio = boost::asio;

namespace {

/// Whether /proc says `pid` runs a command line containing `needle`.
bool cmdline_contains(int pid, const std::string& needle) {
  std::string text = proc_cmdline(pid);
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return !text.empty() && text.find(needle) != std::string::npos;
}

/// dminit's PARFILE: each argument on its own line, then SYSDBA_PWD, in a
/// file only this user can read. A PARFILE holds one KEY=VALUE per line and
/// cannot quote: an argument with a line break would add a setting of its
/// own (validate refuses it first; this is the second line of defence).
Status write_parfile(const std::string& file, const std::vector<std::string>& args, const Secret& password) {
  for (const auto& a : args) {
    if (auto bad = first_control_char(a)) {
      return Error{"argument \"" + visible(a) + "\" holds " + describe_char(bad->code_point) +
                   ", which a PARFILE cannot carry"};
    }
  }
  std::string content;
  for (const auto& a : args) content += a + "\n";
  content += "SYSDBA_PWD=" + password.reveal() + "\n";
  Status st = write_file_atomic(file, content, 0600, true);
  if (!st) return Error{"cannot write its PARFILE: " + st.message()};
  return Status::Ok();
}

/// A new console FIFO at `fifo` (an old one removed first).
Status make_console_fifo(const std::string& fifo) {
  ::unlink(fifo.c_str());
  if (::mkfifo(fifo.c_str(), 0600) != 0) {
    int err = errno;
    return Error{"cannot create its console FIFO " + fifo + ": " + std::strerror(err)};
  }
  return Status::Ok();
}

}  // namespace

RealBackend::RealBackend(RealConfig config, Secret password, std::shared_ptr<asio::io_context> io,
                         std::unique_ptr<ProcessLauncher> processes, std::unique_ptr<SqlConnector> sql)
    : config_(std::move(config)),
      password_(std::move(password)),
      io_(std::move(io)),
      processes_(std::move(processes)),
      sql_(std::move(sql)),
      epoch_(std::chrono::steady_clock::now()) {
  // Keep the io_context from running out of work while SQL is on the worker.
  auto guard = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
      io_->get_executor());
  work_guard_ = guard;
  if (!config_.state_dir.empty()) {
    (void)create_private_dir(config_.state_dir + "/logs");
    (void)create_private_dir(config_.state_dir + "/run");
  }
}

Result<std::unique_ptr<RealBackend>> RealBackend::create(RealConfig config) {
  auto password = load_password(config.password);
  if (!password) return password.error();
  if (config.state_dir.empty()) return Error{"the real backend needs a state directory (--state-dir DIR)"};
  for (const char* sub : {"/logs", "/run"}) {
    Status st = create_private_dir(config.state_dir + sub);
    if (!st) return st.error();
  }
  auto io = std::make_shared<asio::io_context>();
  auto launcher = std::make_unique<AsioProcessLauncher>(*io);
  auto sql = make_sql_connector(config, *password);
  return std::make_unique<RealBackend>(std::move(config), std::move(*password), std::move(io),
                                       std::move(launcher), std::move(sql));
}

RealBackend::~RealBackend() {
  for (auto& [host, at] : transports_) {
    if (auto* ssh = dynamic_cast<SshTransport*>(at.get())) ssh->close();
  }
  sql_worker_.stop();
  sql_worker_.join();
  for (auto& [name, server] : servers_) {
    if (server->timer) server->timer->cancel();
  }
  work_guard_.reset();
}

// ---- helpers -------------------------------------------------------------

void RealBackend::complete(std::function<void()> fn) {
  asio::post(*io_, [this, fn = std::move(fn)]() {
    --pending_;
    fn();
  });
}

Status RealBackend::check_local(const std::string& host, const std::string& what) const {
  if (is_local_host(host)) return Status::Ok();
  return Error{what + ": host " + host +
               " is not this machine; the real backend drives instances on this host only "
               "(remote hosts are not supported yet)"};
}

std::string RealBackend::log_path(const std::string& instance) const {
  return config_.state_dir + "/logs/" + instance + ".log";
}
std::string RealBackend::console_path(const std::string& instance) const {
  return config_.state_dir + "/run/" + instance + ".console";
}
std::string RealBackend::pid_path(const std::string& instance) const {
  return config_.state_dir + "/run/" + instance + ".pid";
}

void RealBackend::log_line(const std::string& instance, const std::string& text) {
  (void)append_file(log_path(instance), password_.scrub(text) + "\n");
}

ProcessSpec RealBackend::spec_for(const std::string& program_path) const {
  ProcessSpec spec;
  spec.program = program_path;
  std::string bin = std::filesystem::path(program_path).parent_path().string();
  spec.cwd = bin;
  const char* old = std::getenv("LD_LIBRARY_PATH");
  spec.env.push_back("LD_LIBRARY_PATH=" + bin + (old && *old ? std::string(":") + old : ""));
  if (!config_.dm_home.empty()) spec.env.push_back("DM_HOME=" + config_.dm_home);
  // dminit gets the password through its PARFILE; no child inherits it.
  if (!config_.password.env.empty()) spec.env_drop.push_back(config_.password.env);
  return spec;
}

int RealBackend::server_pid(const std::string& instance) {
  if (auto it = servers_.find(instance); it != servers_.end() && !it->second->exited) {
    // Asked of the OS, so the answer does not wait for run_one() to notice an exit.
    if (processes_->alive(it->second->pid)) return it->second->pid;
  }
  auto text = read_whole_file(pid_path(instance));
  if (!text) return unrecorded_server_pid(instance);
  std::string first = text->substr(0, text->find('\n'));
  std::string ini = text->find('\n') == std::string::npos ? "" : text->substr(text->find('\n') + 1);
  while (!ini.empty() && ini.back() == '\n') ini.pop_back();
  char* end = nullptr;
  long pid = std::strtol(first.c_str(), &end, 10);
  if (pid <= 0 || *end != '\0') return unrecorded_server_pid(instance);
  // A pid from an earlier run counts only while it still runs that dmserver.
  if (!processes_->alive(static_cast<int>(pid))) return unrecorded_server_pid(instance);
  if (!ini.empty() && !cmdline_contains(static_cast<int>(pid), ini)) return unrecorded_server_pid(instance);
  return static_cast<int>(pid);
}

int RealBackend::unrecorded_server_pid(const std::string& instance) const {
  auto it = config_.instance_inis.find(instance);
  if (it == config_.instance_inis.end()) return 0;
  std::vector<int> pids = pids_with_argument(it->second);
  return pids.empty() ? 0 : pids.front();
}

// ---- files ---------------------------------------------------------------

Result<std::string> RealBackend::read_file(const std::string& host, const std::string& path) {
  if (auto at = remote(host)) return at->read_file(path);
  if (Status st = check_local(host, "read " + path); !st) return st.error();
  return read_whole_file(path);
}

Status RealBackend::write_file(const std::string& host, const std::string& path,
                               const std::string& content) {
  if (auto at = remote(host)) return at->write_file(path, content, "644");
  if (Status st = check_local(host, "write " + path); !st) return st;
  return write_file_atomic(path, content, 0644);
}

bool RealBackend::exists(const std::string& host, const std::string& path) {
  if (auto at = remote(host)) {
    auto there = at->exists(path);
    return there.ok() && *there;
  }
  if (!is_local_host(host)) return false;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// ---- tools ---------------------------------------------------------------

void RealBackend::run_tool(const ToolRun& run, std::function<void(Result<ToolOutcome>)> done) {
  if (auto at = remote(run.host)) return remote_run_tool(std::move(at), run, std::move(done));
  ++pending_;
  auto fail = [this, &done](std::string message) {
    complete([done, message]() { done(Error{message}); });
  };
  const std::string who = run.program + " for " + run.instance;
  if (Status st = check_local(run.host, who); !st) return fail(st.message());
  if (run.program != "dminit" && run.program != "dmrman") {
    return fail(who + ": the real backend runs only dminit and dmrman to completion");
  }
  auto program = resolve_binary(config_, run.program);
  if (!program) return fail(who + ": " + program.message());

  auto op = std::make_shared<ToolOp>();
  op->instance = run.instance;
  op->program = run.program;
  op->done = std::move(done);
  op->timeout = run.timeout_ms > 0 ? run.timeout_ms : config_.tool_timeout_ms;
  auto fail_op = [this, op](std::string message) {
    complete([op, message]() { op->done(Error{message}); });
  };

  std::vector<std::string> args;
  for (const auto& a : run.args) args.push_back(unquote_arg(a));
  log_line(run.instance, "[" + timestamp() + "] " + run.program + " " + join(args) +
                             (run.needs_password ? "  (SYSDBA_PWD through a PARFILE)" : ""));
  if (run.needs_password) {
    // The password goes to dminit in a PARFILE that only we can read.
    std::string dir = config_.state_dir + "/secrets";
    Status st = create_private_dir(dir);
    if (!st) return fail_op(who + ": " + st.message());
    op->parfile = dir + "/" + run.instance + "." + run.program + "." + std::to_string(++tool_seq_) + ".par";
    st = write_parfile(op->parfile, args, password_);
    if (!st) return fail_op(who + ": " + st.message());
    args = {"PARFILE=" + op->parfile};
  }

  ProcessSpec spec = spec_for(*program);
  spec.args = args;
  ProcessCallbacks callbacks;
  callbacks.on_line = [this, op](const std::string& raw) { tool_line(*op, raw); };
  callbacks.on_exit = [this, op](const ProcessExit& exit) {
    if (op->timer) op->timer->cancel();
    if (!op->parfile.empty()) ::unlink(op->parfile.c_str());
    const std::string who = op->program + " for " + op->instance;
    log_line(op->instance, "[" + timestamp() + "] " + op->program + " ended: " + exit.describe());
    if (op->timed_out) {
      std::string message = who + " did not finish within " + std::to_string(op->timeout) +
                            " ms and was killed; last output:\n" + output_tail(op->output);
      return complete([op, message]() { op->done(Error{message}); });
    }
    ToolOutcome outcome;
    outcome.output = op->output;
    const int code = exit.exited_normally() ? exit.exit_code : 128 + exit.signal;
    if (!exit.exited_normally()) outcome.output += "dpcctl: " + op->program + " was " + exit.describe() + "\n";
    // dmrman reports failure in its output even when it exits 0.
    outcome.exit_code = effective_exit_code(op->program, code, outcome.output);
    complete([op, outcome]() { op->done(outcome); });
  };

  auto pid = processes_->start(spec, std::move(callbacks));
  if (!pid) {
    if (!op->parfile.empty()) ::unlink(op->parfile.c_str());
    return fail_op(who + ": " + pid.message());
  }
  op->pid = *pid;
  arm_kill_timer(*io_, *processes_, op, op->timeout);
}

// ---- servers -------------------------------------------------------------

void RealBackend::start_server(const ServerLaunch& launch, std::function<void(Status)> done) {
  if (auto at = remote(launch.host)) return remote_start_server(std::move(at), launch, std::move(done));
  ++pending_;
  auto fail = [this, &done](std::string message) {
    complete([done, message]() { done(Error{message}); });
  };
  const std::string who = "dmserver for " + launch.instance;
  if (Status st = check_local(launch.host, who); !st) return fail(st.message());
  if (int pid = server_pid(launch.instance); pid > 0) {
    return fail(who + " is already running (pid " + std::to_string(pid) +
                "); stop it first (type exit on its console: dpcctl stop, or kill -TERM " +
                std::to_string(pid) + ")");
  }
  auto program = resolve_binary(config_, "dmserver");
  if (!program) return fail(who + ": " + program.message());
  for (const char* sub : {"/logs", "/run"}) {
    if (Status st = create_private_dir(config_.state_dir + sub); !st) return fail(who + ": " + st.message());
  }
  const std::string fifo = console_path(launch.instance);
  if (Status st = make_console_fifo(fifo); !st) return fail(who + ": " + st.message());

  auto server = std::make_shared<Server>();
  server->instance = launch.instance;
  server->ini = launch.args.empty() ? std::string() : unquote_arg(launch.args[0]);
  server->done = std::move(done);

  std::vector<std::string> args;
  for (const auto& a : launch.args) args.push_back(unquote_arg(a));
  log_line(launch.instance, "[" + timestamp() + "] dmserver " + join(args));
  ProcessSpec spec = spec_for(*program);
  spec.args = args;
  spec.stdin_path = fifo;
  spec.output_path = log_path(launch.instance);
  spec.detach = true;

  ProcessCallbacks callbacks;
  callbacks.on_line = [this, server](const std::string& line) {
    server->tail.push_back(line);
    if (server->tail.size() > kServerTailLines) server->tail.pop_front();
    if (server->ready || server->reported) return;
    for (const auto& marker : config_.ready_markers) {
      if (line.find(marker) == std::string::npos) continue;
      server->ready = true;
      server->reported = true;
      if (server->timer) server->timer->cancel();
      complete([server]() { server->done(Status::Ok()); });
      return;
    }
  };
  callbacks.on_exit = [this, server](const ProcessExit& exit) {
    server->exited = true;
    if (server->timer) server->timer->cancel();
    if (server_pid_file_is(server)) ::unlink(pid_path(server->instance).c_str());
    log_line(server->instance, "[" + timestamp() + "] dmserver ended: " + exit.describe());
    if (server->reported) return;
    server->reported = true;
    std::string message = "dmserver for " + server->instance + " ended (" + exit.describe() +
                          ") before it was ready; last output:" + server->tail_text() +
                          "\n  full log: " + log_path(server->instance);
    complete([server, message]() { server->done(Error{message}); });
  };

  auto pid = processes_->start(spec, std::move(callbacks));
  if (!pid) {
    ::unlink(fifo.c_str());
    return complete([server, message = who + ": " + pid.message()]() { server->done(Error{message}); });
  }
  server->pid = *pid;
  servers_[launch.instance] = server;
  (void)write_file_atomic(pid_path(launch.instance), std::to_string(*pid) + "\n" + server->ini + "\n",
                          0600, true);

  arm_ready_timer(server, launch.timeout_ms);
}

void RealBackend::tool_line(ToolOp& op, const std::string& raw) {
  const std::string line = password_.scrub(raw);
  op.output += line + "\n";
  (void)append_file(log_path(op.instance), line + "\n");
}

void RealBackend::arm_ready_timer(const std::shared_ptr<Server>& server, Millis launch_timeout_ms) {
  const Millis timeout = launch_timeout_ms > 0 ? launch_timeout_ms : config_.server_ready_timeout_ms;
  server->timer = std::make_unique<asio::steady_timer>(*io_, std::chrono::milliseconds(timeout));
  server->timer->async_wait([this, server, timeout](const boost::system::error_code& ec) {
    if (ec || server->ready || server->reported) return;
    stop_unready(server, "did not print its ready line within " + std::to_string(timeout) + " ms");
  });
}

bool RealBackend::server_pid_file_is(const std::shared_ptr<Server>& server) const {
  auto text = read_whole_file(pid_path(server->instance));
  return text && text->substr(0, text->find('\n')) == std::to_string(server->pid);
}

void RealBackend::stop_unready(const std::shared_ptr<Server>& server, const std::string& why) {
  server->reported = true;
  auto kill = [this, server](int signo) {
    if (server->at) return (void)server->at->send_signal(server->pid, signo);
    (void)processes_->send_signal(server->pid, signo);
  };
  kill(SIGTERM);
  // SIGKILL if it is still there after the grace period.
  auto grace = std::make_shared<asio::steady_timer>(*io_, std::chrono::milliseconds(config_.stop_grace_ms));
  grace->async_wait([server, grace, kill](const boost::system::error_code& ec) {
    if (!ec && !server->exited) kill(SIGKILL);
  });
  std::string message = "dmserver for " + server->instance + " " + why + "; stopped it (SIGTERM). " +
                        "Last output:" + server->tail_text() + "\n  full log: " + log_path(server->instance);
  complete([server, message]() { server->done(Error{message}); });
}

Status RealBackend::console(const std::string& instance, const std::string& line) {
  if (auto at = remote(host_of(instance))) return remote_console(*at, instance, line);
  int pid = server_pid(instance);
  if (pid <= 0) {
    return Error{"cannot type '" + line + "' on " + instance + "'s console: " + instance +
                 " is not running (no dmserver started by dpcctl is alive)"};
  }
  const std::string fifo = console_path(instance);
  int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return Error{"cannot type '" + line + "' on " + instance + "'s console " + fifo + ": " +
                 std::strerror(err)};
  }
  std::string text = line + "\n";
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    return Error{"cannot type '" + line + "' on " + instance + "'s console " + fifo + ": " +
                 (n < 0 ? std::strerror(err) : "short write")};
  }
  log_line(instance, "[" + timestamp() + "] console: " + line);
  return Status::Ok();
}

Status RealBackend::signal(const std::string& instance, Signal sig) {
  if (auto at = remote(host_of(instance))) return remote_signal(*at, instance, sig);
  int pid = server_pid(instance);
  if (pid <= 0) {
    return Error{std::string("cannot send ") + signal_label(sig) + " to " + instance + ": it is not running"};
  }
  Status st = processes_->send_signal(pid, signal_number(sig));
  if (!st) return Error{std::string("cannot send ") + signal_label(sig) + " to " + instance + ": " + st.message()};
  log_line(instance, "[" + timestamp() + "] sent " + signal_label(sig) + " to pid " + std::to_string(pid));
  return Status::Ok();
}

bool RealBackend::server_running(const std::string& instance) {
  if (auto at = remote(host_of(instance))) return remote_server_pid(*at, instance) > 0;
  return server_pid(instance) > 0;
}

Status RealBackend::remove_tree(const std::string& host, const std::string& path) {
  if (auto at = remote(host)) {
    auto removed = at->run_checked("remove " + path, "rm -rf -- " + sh_quote(path), "", config_.remote_op_timeout_ms);
    if (!removed) return removed.error();
    return Status::Ok();
  }
  if (Status st = check_local(host, "remove " + path); !st) return st;
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Error{"cannot remove " + path + ": " + ec.message()};
  return Status::Ok();
}

// ---- SQL -----------------------------------------------------------------

void RealBackend::sql(const SqlEndpoint& at, const std::string& statement,
                      std::function<void(Result<Rows>)> done) {
  ++pending_;
  asio::post(sql_worker_, [this, at, statement, done]() {
    Result<Rows> rows = sql_->execute(at, statement);
    if (!rows) rows = Error{password_.scrub(rows.message())};
    asio::post(*io_, [this, rows, done]() {
      --pending_;
      done(rows);
    });
  });
}

// ---- time ----------------------------------------------------------------

Millis RealBackend::now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - epoch_)
      .count();
}

void RealBackend::call_at(Millis when, std::function<void()> fn) {
  ++pending_;
  auto timer = std::make_shared<asio::steady_timer>(*io_, epoch_ + std::chrono::milliseconds(when));
  timer->async_wait([this, timer, fn = std::move(fn)](const boost::system::error_code&) {
    --pending_;
    fn();
  });
}

bool RealBackend::run_one() {
  if (pending_ == 0) return false;
  if (io_->stopped()) io_->restart();
  io_->run_one_for(std::chrono::milliseconds(config_.run_one_max_wait_ms));
  return true;
}

}  // namespace dpc::real
