#include "core/step_runner.h"

#include <algorithm>

#include "core/ini.h"
#include "core/paths.h"
#include "core/plan_builder.h"
#include "core/step_effect.h"
#include "core/tool_output.h"

namespace dpc {
namespace {

/// One running step: its copy of the Step, the callback, and its flags.
class Runner : public StepHandle, public std::enable_shared_from_this<Runner> {
 public:
  Runner(StepEnv env, Step step, std::function<void(Status)> done)
      : env_(std::move(env)), step_(std::move(step)), done_(std::move(done)) {}

  void cancel() override {
    cancelled_ = true;
    done_ = nullptr;  // the callback may hold its owner, which holds this handle
  }
  std::string last_reason() const override { return reason_; }

  void start();

 private:
  Backend& b() { return *env_.backend; }
  void finish(Status st) {
    if (finished_) return;
    finished_ = true;
    auto done = std::move(done_);
    done_ = nullptr;  // break the cycle handle -> callback -> owner -> handle
    if (!cancelled_ && done) done(std::move(st));
  }
  /// Finishes on the next turn of the loop (never from inside start()).
  void finish_soon(Status st) {
    auto self = shared_from_this();
    b().call_at(b().now(), [self, st]() { self->finish(st); });
  }
  SqlEndpoint endpoint_of(const std::string& instance) const {
    auto it = env_.endpoints->find(instance);
    if (it != env_.endpoints->end()) return it->second;
    return step_.endpoint;
  }

  /// Calls probe until it reports success, then `then` (default: the step
  /// succeeds); re-polls every poll interval.
  /// probe(report) must call report(true|false, reason) exactly once.
  using Report = std::function<void(bool, std::string)>;
  void poll(std::function<void(Report)> probe, std::function<void()> then = nullptr);

  void run_tool();
  void edit_ini();
  void run_sql(size_t index);
  void verify_registration();
  void probe_health(Report report);
  void probe_state(const std::string& instance, const std::string& state, Report report);
  void probe_leader(size_t member, Report report);
  bool all_stopped();
  void console_exit();
  bool may_exit_cleanly(int code);
  void exit_cleanly_then_retry(const std::string& refusal);

  StepEnv env_;
  Step step_;
  std::function<void(Status)> done_;
  bool cancelled_ = false;
  bool finished_ = false;
  bool exited_cleanly_ = false;  ///< Backup: the one start-and-exit was tried
  std::string reason_;
};

void Runner::poll(std::function<void(Report)> probe, std::function<void()> then) {
  if (cancelled_ || finished_) return;
  auto self = shared_from_this();
  probe([self, probe, then](bool ok, std::string why) {
    if (self->cancelled_ || self->finished_) return;
    if (ok) return then ? then() : self->finish(Status::Ok());
    self->reason_ = std::move(why);
    self->b().call_at(self->b().now() + self->env_.poll_interval_ms,
                      [self, probe, then]() { self->poll(probe, then); });
  });
}

void Runner::start() {
  switch (step_.kind) {
    case StepKind::InitInstance: {
      // Never over a database (whatever AUTO_OVERWRITE says): a resumed
      // deployment skips this step when the database is there; anything
      // else reaching it means the directory holds a database already.
      const std::string path = arg_value(step_.args, "path");
      const OsKind os = path_style(path);
      const std::string ini = path_join(os, path_join(os, path, "DAMENG"), "dm.ini");
      if (!path.empty() && b().exists(step_.host, ini)) {
        return finish_soon(Error{step_.instance + " already holds a database (" + ini +
                                 "); deploy never runs dminit over one, whatever AUTO_OVERWRITE says: start it "
                                 "with 'dpcctl start', or remove its directory to begin anew"});
      }
      return run_tool();
    }
    case StepKind::Backup:
    case StepKind::Restore:
    case StepKind::UpdateDbMagic:
      return run_tool();
    case StepKind::WriteFile:
      return finish_soon(b().write_file(step_.host, step_.path, step_.content));
    case StepKind::EditIni:
      return edit_ini();
    case StepKind::StartServer: {
      auto self = shared_from_this();
      ServerLaunch launch;
      launch.instance = step_.instance;
      launch.host = step_.host;
      launch.args = step_.args;
      launch.timeout_ms = step_.timeout_ms;
      return b().start_server(launch, [self](Status st) { self->finish(st); });
    }
    case StepKind::RunSql:
      return run_sql(0);
    case StepKind::Verify:
      if (step_.verify.what == VerifySpec::What::Registration) return verify_registration();
      return poll([this](Report r) { probe_health(std::move(r)); });
    case StepKind::WaitState:
      switch (step_.wait.what) {
        case WaitSpec::What::InstanceState: {
          std::string inst = step_.wait.instances.empty() ? step_.instance : step_.wait.instances[0];
          return poll([this, inst](Report r) { probe_state(inst, step_.wait.state, std::move(r)); });
        }
        case WaitSpec::What::GroupLeader:
          return poll([this](Report r) { probe_leader(0, std::move(r)); });
        case WaitSpec::What::Stopped:
          return poll([this](Report r) {
            bool ok = all_stopped();
            r(ok, ok ? "" : reason_);
          });
      }
      return;
    case StepKind::ConsoleExit:
    case StepKind::ConsoleExitAll:
      return console_exit();
    case StepKind::CopyBackup: {
      auto self = shared_from_this();
      CopyRun run;
      run.instance = step_.instance;
      run.from_host = step_.source_host;
      run.to_host = step_.host;
      run.dir = step_.path;
      run.timeout_ms = step_.timeout_ms;
      return b().copy_backup(run, [self](Status st) { self->finish(st); });
    }
    case StepKind::InstallDm: {
      auto self = shared_from_this();
      InstallRun run;
      run.host = step_.host;
      run.package = step_.package;
      run.dm_home = step_.path;
      run.timeout_ms = step_.timeout_ms;
      return b().install_dm(run, [self](Status st) { self->finish(st); });
    }
  }
}

void Runner::run_tool() {
  auto self = shared_from_this();
  ToolRun run;
  run.instance = step_.instance;
  run.host = step_.host;
  run.program = step_.program;
  run.args = step_.args;
  run.needs_password = step_.needs_password;
  run.timeout_ms = step_.timeout_ms;
  b().run_tool(run, [self](Result<ToolOutcome> out) {
    const std::string cmd = step_command_line(self->step_);
    if (!out.ok()) return self->finish(Error{"could not run: " + cmd + "\n  " + out.message()});
    int code = out->exit_code;
    // dmrman reports its own result as "CMD END.CODE:[n]" even when it exits 0.
    if (code == 0) code = end_code(out->output).value_or(0);
    if (code != 0) {
      std::string failed = "command failed (code " + std::to_string(code) + "): " + cmd + "\n" +
                           framed_output_tail(out->output);
      if (self->may_exit_cleanly(end_code(out->output).value_or(code))) {
        return self->exit_cleanly_then_retry(failed);
      }
      return self->finish(Error{failed});
    }
    self->finish(Status::Ok());
  });
}

bool Runner::may_exit_cleanly(int code) {
  return step_.kind == StepKind::Backup && code == kRmanNotShutDownNormally &&
         !step_.clean_start_args.empty() && !exited_cleanly_ && !b().server_running(step_.instance);
}

/// [model] plan rule: a backup refused because the database was not shut
/// down normally starts the instance as the plan does, exits it normally
/// and runs dmrman once more (docs/plan.md, "A backup after a crash").
void Runner::exit_cleanly_then_retry(const std::string& refusal) {
  exited_cleanly_ = true;
  const std::string inst = step_.instance;
  reason_ = inst + " was not shut down normally: starting it to exit it normally before the backup";
  auto self = shared_from_this();
  auto fail = [self, refusal, inst](const std::string& what) {
    self->finish(Error{refusal + "\n  " + inst + " was not shut down normally; " + what});
  };
  ServerLaunch launch;
  launch.instance = inst;
  launch.host = step_.host;
  launch.args = step_.clean_start_args;
  launch.timeout_ms = kStartTimeoutMs;
  b().start_server(launch, [self, inst, fail](Status st) {
    if (self->cancelled_ || self->finished_) return;
    if (!st.ok()) return fail("starting it to exit it normally failed: " + st.message());
    Status typed = self->b().console(inst, "exit");
    if (!typed.ok()) return fail("typing 'exit' on it failed: " + typed.message());
    self->poll(
        [self, inst](Report r) {
          bool down = !self->b().server_running(inst);
          r(down, "waiting for " + inst + " to exit normally before the backup");
        },
        [self]() { self->run_tool(); });
  });
}

void Runner::edit_ini() {
  auto text = b().read_file(step_.host, step_.path);
  if (!text.ok()) return finish_soon(Error{"cannot read " + step_.path + ": " + text.message()});
  finish_soon(b().write_file(step_.host, step_.path, ini_set_global(*text, step_.ini_set)));
}

void Runner::run_sql(size_t index) {
  if (index >= step_.statements.size()) return finish_soon(Status::Ok());
  auto self = shared_from_this();
  b().sql(step_.endpoint, step_.statements[index], [self, index](Result<Rows> rows) {
    if (!rows.ok()) {
      return self->finish(Error{"SQL failed on " + self->step_.endpoint.instance + ": " +
                                self->step_.statements[index] + "\n  " + rows.message()});
    }
    self->run_sql(index + 1);
  });
}

/// Names in `want` missing from column `col` of `rows`, comma-separated.
std::string missing_names(const Rows& rows, const std::string& col,
                          const std::vector<std::string>& want) {
  int c = rows.column(col);
  std::string missing;
  for (const auto& name : want) {
    bool found = false;
    for (const auto& row : rows.rows) {
      if (c >= 0 && row[static_cast<size_t>(c)] && *row[static_cast<size_t>(c)] == name) found = true;
    }
    if (!found) missing += (missing.empty() ? "" : ", ") + name;
  }
  return missing;
}

void Runner::verify_registration() {
  struct Check {
    std::string query, table;
    std::vector<std::string> want;
  };
  auto checks = std::make_shared<std::vector<Check>>(std::vector<Check>{
      {"SELECT NAME FROM DPC_INSTANCE", "DPC_INSTANCE", step_.verify.instances},
      {"SELECT NAME FROM DPC_BP_RAFT", "DPC_BP_RAFT", step_.verify.rafts},
      {"SELECT NAME FROM DPC_BP_GROUP", "DPC_BP_GROUP", step_.verify.bp_groups}});
  auto self = shared_from_this();
  auto next = std::make_shared<std::function<void(size_t)>>();
  // The function refers to itself weakly (a strong self-reference would never
  // be freed); the SQL callback in flight holds it strongly.
  *next = [self, checks, weak = std::weak_ptr<std::function<void(size_t)>>(next)](size_t i) {
    auto next = weak.lock();
    if (i >= checks->size()) return self->finish(Status::Ok());
    const Check& c = (*checks)[i];
    if (c.want.empty()) return (*next)(i + 1);
    self->b().sql(self->step_.endpoint, c.query, [self, checks, next, i](Result<Rows> rows) {
      const Check& c = (*checks)[i];
      if (!rows.ok()) return self->finish(Error{c.query + " failed: " + rows.message()});
      std::string missing = missing_names(*rows, "NAME", c.want);
      if (!missing.empty()) {
        return self->finish(Error{"not registered in " + c.table + ": " + missing});
      }
      (*next)(i + 1);
    });
  };
  (*next)(0);
}

void Runner::probe_health(Report report) {
  auto self = shared_from_this();
  b().sql(step_.endpoint, "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE",
          [self, report](Result<Rows> rows) {
            if (!rows.ok()) return report(false, "V$INSTANCE on the SP: " + rows.message());
            std::string missing = missing_names(*rows, "INSTANCE_NAME", self->step_.verify.instances);
            if (!missing.empty()) return report(false, "V$INSTANCE on the SP does not list " + missing);
            self->b().sql(self->step_.endpoint, "SELECT 1 FROM DUAL", [report](Result<Rows> one) {
              if (!one.ok()) return report(false, "SELECT 1 FROM DUAL on the SP: " + one.message());
              report(true, "");
            });
          });
}

/// The V$INSTANCE row of `instance` (or the only row), as {STATUS$, MODE$}.
std::pair<std::string, std::string> own_state(const Rows& rows, const std::string& instance) {
  int n = rows.column("INSTANCE_NAME"), s = rows.column("STATUS$"), m = rows.column("MODE$");
  for (const auto& row : rows.rows) {
    bool mine = rows.rows.size() == 1 ||
                (n >= 0 && row[static_cast<size_t>(n)] && *row[static_cast<size_t>(n)] == instance);
    if (!mine) continue;
    auto cell = [&](int c) {
      return c >= 0 && row[static_cast<size_t>(c)] ? *row[static_cast<size_t>(c)] : std::string();
    };
    return {cell(s), cell(m)};
  }
  return {"", ""};
}

void Runner::probe_state(const std::string& instance, const std::string& state, Report report) {
  b().sql(endpoint_of(instance), "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE",
          [instance, state, report](Result<Rows> rows) {
            if (!rows.ok()) return report(false, instance + ": " + rows.message());
            auto [status, mode] = own_state(*rows, instance);
            if (status == state) return report(true, "");
            report(false, instance + " is " + (status.empty() ? "?" : status) + ", waiting for " + state);
          });
}

void Runner::probe_leader(size_t member, Report report) {
  const auto& members = step_.wait.instances;
  if (member >= members.size()) {
    return report(false, "no member of " + step_.wait.group + " is PRIMARY and OPEN yet");
  }
  auto self = shared_from_this();
  const std::string inst = members[member];
  b().sql(endpoint_of(inst), "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE",
          [self, member, inst, report](Result<Rows> rows) {
            if (rows.ok()) {
              auto [status, mode] = own_state(*rows, inst);
              if (status == "OPEN" && mode == "PRIMARY") return report(true, "");
            }
            self->probe_leader(member + 1, report);
          });
}

bool Runner::all_stopped() {
  std::vector<std::string> insts = step_.wait.instances;
  if (insts.empty() && !step_.instance.empty()) insts.push_back(step_.instance);
  std::string running;
  for (const auto& i : insts) {
    if (b().server_running(i)) running += (running.empty() ? "" : ", ") + i;
  }
  reason_ = running.empty() ? "" : "still running: " + running;
  return running.empty();
}

void Runner::console_exit() {
  const std::string line = step_.console_line.empty()
                               ? (step_.kind == StepKind::ConsoleExitAll ? "exit all" : "exit")
                               : step_.console_line;
  std::vector<std::string> targets;
  if (!step_.instance.empty()) {
    targets.push_back(step_.instance);
  } else {
    targets = step_.wait.instances;  // "exit" on each member still running
  }
  if (step_.kind == StepKind::ConsoleExitAll && !targets.empty() &&
      !b().server_running(targets[0])) {
    // Type it on any member still running: any valid member coordinates the group.
    for (const auto& m : step_.wait.instances) {
      if (b().server_running(m)) {
        targets = {m};
        break;
      }
    }
  }
  std::string typed_on;
  for (const auto& t : targets) {
    if (!b().server_running(t)) continue;
    Status st = b().console(t, line);
    if (!st.ok()) return finish_soon(Error{"typing '" + line + "' on " + t + ": " + st.message()});
    typed_on += (typed_on.empty() ? "" : ", ") + t;
    if (step_.kind == StepKind::ConsoleExitAll) break;
  }
  if (step_.kind == StepKind::ConsoleExitAll) {
    // Done when the member it was typed on has exited; members that were not
    // valid and stayed up are exited by the following exit-remaining step.
    std::string on = typed_on;
    return poll([this, on](Report r) {
      bool stopped = on.empty() || !b().server_running(on);
      r(stopped, "waiting for " + on + " to finish 'exit all'");
    });
  }
  poll([this](Report r) {
    bool ok = all_stopped();
    r(ok, reason_);
  });
}

}  // namespace

std::shared_ptr<StepHandle> run_step(const StepEnv& env, const Step& step,
                                     std::function<void(Status)> done) {
  auto runner = std::make_shared<Runner>(env, step, std::move(done));
  runner->start();
  return runner;
}

std::string step_command_line(const Step& step) {
  std::string out;
  switch (step.kind) {
    case StepKind::StartServer: out = "dmserver"; break;
    case StepKind::RunSql: {
      for (const auto& s : step.statements) out += (out.empty() ? "" : " ") + s;
      return out;
    }
    default: out = step.program; break;
  }
  for (const auto& a : step.args) {
    bool quote = a.find(' ') != std::string::npos;
    size_t eq = a.find('=');
    if (quote && eq != std::string::npos) {
      out += " " + a.substr(0, eq + 1) + "\"" + a.substr(eq + 1) + "\"";
    } else {
      out += " " + a;
    }
  }
  return out;
}

}  // namespace dpc
