// RealBackend::copy_backup: a seed's backup set carried to another host,
// host to host when the source host reaches the target over SSH, else
// through this machine (the commands are in backup_copy.h). The route and
// why it was taken go to the seed's log (<state dir>/logs/<instance>.log).
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>

#include "core/tool_output.h"
#include "real-backend/atomic_file.h"
#include "real-backend/backup_copy.h"
#include "real-backend/real_backend_internal.h"

namespace dpc::real {

namespace {

/// A transfer under way: its output, its deadline, and the standard input
/// held open for it (the watched pipeline ends when that closes).
struct CopyOp {
  ~CopyOp() {
    if (stdin_fd >= 0) ::close(stdin_fd);
  }
  std::string output;
  bool timed_out = false;
  int pid = 0;
  int stdin_fd = -1;
  std::unique_ptr<asio::steady_timer> timer;
};

/// Whether `from` logs in to `to` over SSH without a prompt, asked on `from`.
ProbeAnswer probe(const HostTransport& from, const PeerSsh& to) {
  auto r = from.run(probe_command(to), "", 30000);
  if (!r) return ProbeAnswer{false, "cannot ask " + from.host() + ": " + r.message()};
  if (r->exit_code != 0) {
    return ProbeAnswer{false, "the probe on " + from.host() + " failed with exit status " +
                                  std::to_string(r->exit_code) + ": " + output_tail(r->output + r->errors, 2)};
  }
  return read_probe(r->output);
}

}  // namespace

void RealBackend::fail_copy(const CopyRun& run, const std::function<void(Status)>& done, const std::string& why) {
  log_line(run.instance, "[" + timestamp() + "] " + why);
  complete([done, why]() { done(Error{why}); });
}

void RealBackend::copy_backup(const CopyRun& run, std::function<void(Status)> done) {
  ++pending_;
  const std::string what = "copy " + run.dir + " from " + run.from_host + " to " + run.to_host;
  auto fail_now = [this, &run, &done](const std::string& m) { fail_copy(run, done, m); };
  auto from = transport(run.from_host);
  auto to = transport(run.to_host);

  // The route: a reason to go through this machine, else ask the source host.
  const SshOptions target = ssh_options_for(config_, run.to_host);
  const PeerSsh peer = peer_ssh_for(run.to_host, target);
  bool direct = false;
  std::string why;
  if (auto reason = route_without_probe(target.copy, *from, *to)) {
    why = *reason;
  } else if (ProbeAnswer answer = probe(*from, peer); answer.reachable) {
    direct = true;
    why = run.from_host + " reaches " + run.to_host + " over SSH" + (peer.user.empty() ? "" : " as " + peer.user);
  } else if (target.copy == CopyRoute::Direct) {
    return fail_now(what + ": ssh.copy is \"direct\" for " + run.to_host + " but " + run.from_host +
                    " cannot reach it over SSH (" + answer.why + "); on " + run.from_host +
                    ", `ssh -o BatchMode=yes " + run.to_host +
                    " true` must succeed (a key of its SSH user that " + run.to_host +
                    " accepts, its host key known), or set ssh.copy to \"auto\"");
  } else {
    why = run.from_host + " cannot reach " + run.to_host + " over SSH (" + answer.why + ")";
  }
  log_line(run.instance, "[" + timestamp() + "] " + what + ": " + (direct ? "host to host" : "through this machine") +
                             ": " + why);
  // Under "auto", a host-to-host transfer that fails (the probe can pass and
  // the transfer still fail) is tried once more through this machine.
  transfer_backup(run, direct, direct && target.copy == CopyRoute::Auto, std::move(done));
}

void RealBackend::transfer_backup(const CopyRun& run, bool direct, bool fall_back, std::function<void(Status)> done) {
  const std::string what = "copy " + run.dir + " from " + run.from_host + " to " + run.to_host;
  const std::string route = direct ? "host to host" : "through this machine";
  auto fail_now = [this, &run, &done](const std::string& m) { fail_copy(run, done, m); };
  auto from = transport(run.from_host);
  auto to = transport(run.to_host);
  const std::string tmp = staging_dir(run.dir);
  const Millis timeout = run.timeout_ms > 0 ? run.timeout_ms : config_.tool_timeout_ms;
  const PeerSsh peer = peer_ssh_for(run.to_host, ssh_options_for(config_, run.to_host));

  auto prepared = to->run_checked(what, prepare_command(run.dir), "", config_.remote_op_timeout_ms);
  if (!prepared) return fail_now(prepared.message());
  // Host to host, the pipeline runs on the source host; else here.
  const LocalTransport here("this machine");
  const HostTransport& carrier = direct ? static_cast<const HostTransport&>(*from) : here;
  const std::string pipeline =
      direct ? direct_pipeline(run.dir, peer) : via_control_pipeline(run.dir, *from, *to);
  ProcessSpec spec = spec_of(carrier.command_argv(bounded_pipeline(pipeline, timeout)));

  auto op = std::make_shared<CopyOp>();
  const std::string dir = config_.state_dir + "/secrets";
  if (Status st = create_private_dir(dir); !st) return fail_now(what + ": " + st.message());
  spec.stdin_path = dir + "/copy." + std::to_string(::getpid()) + "." + std::to_string(++tool_seq_) + ".stdin";
  spec.stdin_read_only = true;
  auto held = held_fifo(spec.stdin_path, "");
  if (!held) return fail_now(what + ": " + held.message());
  op->stdin_fd = *held;

  ProcessCallbacks callbacks;
  callbacks.on_line = [op](const std::string& line) { op->output += line + "\n"; };
  callbacks.on_exit = [this, op, run, from, to, tmp, what, route, timeout, fall_back, done](const ProcessExit& exit) {
    if (op->timer) op->timer->cancel();
    if (op->stdin_fd >= 0) ::close(op->stdin_fd);
    op->stdin_fd = -1;
    auto fail = [this, &done, &run](const std::string& m) { fail_copy(run, done, m); };
    const int code = exit.exited_normally() ? exit.exit_code : 128 + exit.signal;
    if (op->timed_out || code == 137) {
      return fail(what + " (" + route + "): not done within " + std::to_string(timeout) +
                  " ms; the transfer was killed");
    }
    if (code != 0 && fall_back) {
      log_line(run.instance, "[" + timestamp() + "] " + what + " (" + route + "): the transfer failed (" +
                                 exit.describe() + "): " + output_tail(op->output, 2) +
                                 "; carrying it through this machine instead");
      return transfer_backup(run, false, false, done);
    }
    if (code != 0) {
      return fail(what + " (" + route + "): the transfer failed (" + exit.describe() + "):\n" +
                  output_tail(op->output));
    }
    auto want = from->run_checked("list " + run.dir + " on " + run.from_host, listing_command(run.dir), "",
                                  config_.tool_timeout_ms);
    if (!want) return fail(what + ": " + want.message());
    auto got = to->run_checked("list the copy " + tmp + " on " + run.to_host, listing_command(tmp), "",
                               config_.tool_timeout_ms);
    if (!got) return fail(what + ": " + got.message());
    if (*want != *got || want->empty()) {
      return fail(what + ": the copy differs from the original (file list, sizes or SHA-256); it is left in " +
                  tmp + " on " + run.to_host + " and was not used");
    }
    auto placed = to->run_checked(what, place_command(run.dir), "", config_.remote_op_timeout_ms);
    if (!placed) return fail(placed.message());
    log_line(run.instance, "[" + timestamp() + "] verified " + run.dir + " on " + run.to_host + " (" + route +
                               "): the same files, sizes and SHA-256 sums as on " + run.from_host);
    complete([done]() { done(Status::Ok()); });
  };
  auto pid = processes_->start(spec, std::move(callbacks));
  ::unlink(spec.stdin_path.c_str());  // the carrier has it open
  if (!pid) return complete([done, m = what + ": " + pid.message()]() { done(Error{m}); });
  op->pid = *pid;
  // The pipeline's own timeout kills it on its host; this one (a little
  // later) the local process carrying it, should that hang.
  arm_kill_timer(*io_, *processes_, op, timeout + 5000);
}

}  // namespace dpc::real
