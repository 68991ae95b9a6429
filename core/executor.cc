#include "core/executor.h"

#include <algorithm>
#include <memory>
#include <set>
#include <unordered_map>

#include "core/endpoints.h"
#include "core/journal.h"
#include "core/step_effect.h"
#include "core/step_runner.h"

namespace dpc {

const char* step_outcome_name(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::Pending: return "pending";
    case StepOutcome::Running: return "running";
    case StepOutcome::Done: return "done";
    case StepOutcome::Skipped: return "skipped";
    case StepOutcome::Failed: return "failed";
    case StepOutcome::NotRun: return "not-run";
  }
  return "?";
}

namespace {

/// The state of one run, shared with callbacks that may outlive run().
struct RunState {
  const Plan* plan = nullptr;
  std::vector<int> remaining;            // unfinished deps per step
  std::vector<std::vector<int>> users;   // dependents per step
  std::vector<std::shared_ptr<StepHandle>> handles;
  std::vector<long> rank;                // longest chain (rough ms) from here to the end
  std::set<std::pair<long, int>> ready;  // (-rank, plan position): critical path first
  int running = 0;
  bool failed = false;
  bool alive = true;                     // false once run() returned
  ExecutionReport report;
};

/// A rough cost of a step, only to rank ready steps: tools and server starts
/// take seconds, SQL and files milliseconds (orders of magnitude as on DM).
int rough_cost_ms(const Step& step) {
  switch (step.kind) {
    case StepKind::InitInstance: return 2000;
    case StepKind::Backup:
    case StepKind::CopyBackup:
    case StepKind::InstallDm:
    case StepKind::Restore: return 3000;
    case StepKind::UpdateDbMagic:
    case StepKind::StartServer:
    case StepKind::ConsoleExit:
    case StepKind::ConsoleExitAll: return 1000;
    case StepKind::WaitState: return 1500;
    case StepKind::RunSql: return 2 * static_cast<int>(std::max<size_t>(1, step.statements.size()));
    case StepKind::Verify: return 10;
    case StepKind::WriteFile:
    case StepKind::EditIni: return 1;
  }
  return 1;
}

/// Step id -> plan position, built once per run (Plan::index_of scans the
/// plan: a lookup per dependency made starting a 20 000-step plan quadratic).
using StepIndex = std::unordered_map<std::string, int>;

StepIndex index_steps(const Plan& plan) {
  StepIndex index;
  index.reserve(plan.steps.size());
  for (size_t i = 0; i < plan.steps.size(); ++i) index.emplace(plan.steps[i].id, static_cast<int>(i));
  return index;
}

int position(const StepIndex& index, const std::string& id) {
  auto it = index.find(id);
  return it == index.end() ? -1 : it->second;
}

std::vector<std::string> critical_path(const Plan& plan, const StepIndex& index,
                                       const std::vector<StepRecord>& recs) {
  int last = -1;
  for (size_t i = 0; i < recs.size(); ++i) {
    if (recs[i].outcome != StepOutcome::Done) continue;
    if (last < 0 || recs[i].finished > recs[static_cast<size_t>(last)].finished) last = static_cast<int>(i);
  }
  std::vector<std::string> path;
  while (last >= 0) {
    path.push_back(plan.steps[static_cast<size_t>(last)].id);
    int next = -1;
    for (const auto& dep : plan.steps[static_cast<size_t>(last)].deps) {
      int d = position(index, dep);
      if (d < 0 || recs[static_cast<size_t>(d)].outcome != StepOutcome::Done) continue;
      if (next < 0 || recs[static_cast<size_t>(d)].finished > recs[static_cast<size_t>(next)].finished) next = d;
    }
    last = next;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

/// Sends the executor's events to ExecutorOptions::on_event, when set.
struct EventEmitter {
  const ExecutorOptions* opts;
  int total;  ///< steps in the plan
  void operator()(StepEvent::Kind kind, const Step& step, int i, Millis at, Millis duration,
                  const std::string& detail) const {
    if (!opts->on_event) return;
    StepEvent ev;
    ev.kind = kind;
    ev.step = &step;
    ev.index = i + 1;
    ev.total = total;
    ev.at = at;
    ev.duration = duration;
    ev.detail = detail;
    opts->on_event(ev);
  }
};

/// Each step's record, its count of unfinished deps and its dependents;
/// false (the report saying why) when a dep names no step of the plan.
bool link_steps(const Plan& plan, const StepIndex& index, RunState& st) {
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    st.report.records[i].id = plan.steps[i].id;
    for (const auto& dep : plan.steps[i].deps) {
      int d = position(index, dep);
      if (d < 0) {
        st.report.error = "plan error: step " + plan.steps[i].id + " depends on unknown step " + dep;
        st.report.failed_step = plan.steps[i].id;
        return false;
      }
      st.remaining[i]++;
      st.users[static_cast<size_t>(d)].push_back(static_cast<int>(i));
    }
  }
  return true;
}

/// A step's rank is the rough cost of the longest chain from it to the end
/// of the plan (itself included). Ready steps start highest rank first, so
/// the chain that bounds the deploy (the MP, its registrations, each group's
/// seed backup and restores) never waits behind steps with slack; ties go
/// in plan order. One step at a time keeps the plan's (the manual's) order:
/// the total is the same in any order.
void rank_steps(const Plan& plan, int parallel, RunState& st) {
  const size_t n = plan.steps.size();
  st.rank.assign(n, 0);
  for (size_t i = n; parallel > 1 && i-- > 0;) {
    long longest = 0;
    for (int u : st.users[i]) longest = std::max(longest, st.rank[static_cast<size_t>(u)]);
    st.rank[i] = longest + rough_cost_ms(plan.steps[i]);
  }
}

/// After the last step: what never started is NotRun, the outcome and the
/// critical path are set, and the steps' handles are cancelled and dropped
/// (each one's callback holds the run's state: so it is freed).
void close_run(const Plan& plan, const StepIndex& index, RunState& st) {
  for (auto& rec : st.report.records) {
    if (rec.outcome == StepOutcome::Pending) rec.outcome = StepOutcome::NotRun;
  }
  st.report.ok = !st.failed;
  st.report.critical_path = critical_path(plan, index, st.report.records);
  st.alive = false;
  for (auto& h : st.handles) {
    if (h) h->cancel();
  }
  st.handles.clear();
}

/// One run of a plan: the state its callbacks share (they may outlive
/// Executor::run(), so they hold the run by shared_ptr and check `alive`).
class PlanRun : public std::enable_shared_from_this<PlanRun> {
 public:
  PlanRun(Backend& backend, const ExecutorOptions& opts, const Plan& plan)
      : b_(backend), opts_(opts), emit_{&opts, static_cast<int>(plan.steps.size())} {
    st.plan = &plan;
    const size_t n = plan.steps.size();
    st.remaining.assign(n, 0);
    st.users.assign(n, {});
    st.handles.assign(n, nullptr);
    st.report.records.resize(n);
    env_.backend = &backend;
    env_.endpoints = std::make_shared<const std::map<std::string, SqlEndpoint>>(opts.endpoints);
    env_.poll_interval_ms = opts.poll_interval_ms;
  }

  RunState st;

  void make_ready(int i) { st.ready.insert({-st.rank[static_cast<size_t>(i)], i}); }

  /// Starts ready steps while slots are free, then lets the backend make
  /// progress, until nothing runs; polls for interrupts between events.
  void loop() {
    st.report.started = b_.now();
    while (true) {
      poll_interrupts();
      while (!st.failed && st.running < opts_.parallel && !st.ready.empty()) {
        int i = st.ready.begin()->second;
        st.ready.erase(st.ready.begin());
        launch(i);
        // A request that came while the step started (a signal, or its own
        // event's handler) starts nothing more, even in this batch; and a
        // plan whose last steps all end at once still notices it.
        poll_interrupts();
      }
      if (st.running == 0) break;
      if (!b_.run_one()) fail_running("the backend has nothing left to wait for", false);
    }
    st.report.finished = b_.now();
  }

 private:
  const Step& step_at(int i) const { return st.plan->steps[static_cast<size_t>(i)]; }
  StepRecord& record_at(int i) { return st.report.records[static_cast<size_t>(i)]; }

  void poll_interrupts() {
    if (!st.report.interrupted && opts_.stop_requested && opts_.stop_requested()) {
      st.report.interrupted = true;
      if (!st.failed) {
        st.failed = true;
        st.report.error = "interrupted: no new step was started";
      }
    }
    if (st.report.interrupted && st.running > 0 && opts_.abort_requested && opts_.abort_requested()) {
      fail_running("interrupted", true);
    }
  }

  /// Every running step fails with `why` (its handle cancelled first when
  /// `cancel`: an abort stops what the step still waits for).
  void fail_running(const std::string& why, bool cancel) {
    for (size_t i = 0; i < st.report.records.size(); ++i) {
      if (st.report.records[i].outcome != StepOutcome::Running) continue;
      if (auto& h = st.handles[i]; h && cancel) h->cancel();
      finish(static_cast<int>(i), StepOutcome::Failed, why);
    }
  }

  /// Records an outcome; a success releases the step's dependents.
  void finish(int i, StepOutcome outcome, const std::string& error) {
    if (!st.alive) return;
    StepRecord& rec = record_at(i);
    if (rec.outcome != StepOutcome::Running) return;  // already timed out
    const Step& step = step_at(i);
    rec.outcome = outcome;
    rec.finished = b_.now();
    rec.error = error;
    st.running--;
    if (opts_.journal) (void)opts_.journal->record(step.id, outcome, rec.finished, error, &step, rec.started);
    if (outcome == StepOutcome::Failed) return note_failure(i, error);
    if (outcome == StepOutcome::Skipped) {
      st.report.skipped++;
    } else {
      st.report.done++;
      emit_(StepEvent::Kind::Finished, step, i, rec.finished, rec.finished - rec.started, "");
    }
    for (int u : st.users[static_cast<size_t>(i)]) {
      if (--st.remaining[static_cast<size_t>(u)] == 0) make_ready(u);
    }
  }

  void note_failure(int i, const std::string& error) {
    const Step& step = step_at(i);
    const StepRecord& rec = record_at(i);
    emit_(StepEvent::Kind::Failed, step, i, rec.finished, rec.finished - rec.started, error);
    if (st.failed) return;
    st.failed = true;
    st.report.failed_step = step.id;
    st.report.error = "step " + step.id + " (" + step.title +
                      (step.instance.empty() ? "" : ", instance " + step.instance) + ") failed: " + error;
  }

  /// Runs the step, bounded by its timeout.
  void execute(int i) {
    const Step& step = step_at(i);
    auto self = shared_from_this();
    st.handles[static_cast<size_t>(i)] = run_step(env_, step, [self, i](Status s) {
      self->finish(i, s.ok() ? StepOutcome::Done : StepOutcome::Failed, s.ok() ? "" : s.message());
    });
    b_.call_at(record_at(i).started + step.timeout_ms, [self, i, timeout = step.timeout_ms] {
      self->time_out(i, timeout);
    });
  }

  void time_out(int i, Millis timeout) {
    if (!st.alive || record_at(i).outcome != StepOutcome::Running) return;
    auto& h = st.handles[static_cast<size_t>(i)];
    std::string why = h ? h->last_reason() : "";
    if (h) h->cancel();
    finish(i, StepOutcome::Failed,
           "timed out after " + std::to_string(timeout / 1000) + " s" + (why.empty() ? "" : ": " + why));
  }

  /// Starts a step; on resume, a step the journal records as done is first
  /// checked and skipped when its effect holds.
  void launch(int i) {
    const Step& step = step_at(i);
    StepRecord& rec = record_at(i);
    rec.outcome = StepOutcome::Running;
    rec.started = b_.now();
    st.running++;
    emit_(StepEvent::Kind::Started, step, i, rec.started, 0, "");
    if (!(opts_.resume && opts_.journal && opts_.journal->done(step.id))) return execute(i);
    auto self = shared_from_this();
    check_effect(env_, *st.plan, i, *opts_.journal, [self, i](EffectCheck c) { self->skip_or_execute(i, c); });
  }

  void skip_or_execute(int i, EffectCheck c) {
    if (!st.alive) return;
    std::string by;
    if (c.state == EffectCheck::State::Unknown && superseded(env_, *st.plan, i, *opts_.journal, &by)) {
      c = {EffectCheck::State::Holds, "done before " + by + ", which holds"};
    }
    if (c.state != EffectCheck::State::Holds) return execute(i);
    emit_(StepEvent::Kind::Skipped, step_at(i), i, b_.now(), 0, c.why);
    finish(i, StepOutcome::Skipped, "");
  }

  Backend& b_;
  const ExecutorOptions& opts_;
  StepEnv env_;
  EventEmitter emit_;
};

}  // namespace

Executor::Executor(Backend& backend, ExecutorOptions options)
    : backend_(backend), options_(std::move(options)) {
  if (options_.parallel < 1) options_.parallel = 1;
}

ExecutionReport Executor::run(const Plan& plan) {
  auto run = std::make_shared<PlanRun>(backend_, options_, plan);
  RunState& st = run->st;
  const StepIndex index = index_steps(plan);
  if (!link_steps(plan, index, st)) return st.report;
  rank_steps(plan, options_.parallel, st);
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    if (st.remaining[i] == 0) run->make_ready(static_cast<int>(i));
  }
  run->loop();
  close_run(plan, index, st);
  return st.report;
}

bool Executor::already_deployed(const Plan& plan) {
  const Step* health = nullptr;
  for (const auto& s : plan.steps) {
    if (s.kind == StepKind::Verify && s.verify.what == VerifySpec::What::Health) health = &s;
  }
  if (health == nullptr) return false;
  StepEnv env;
  env.backend = &backend_;
  env.endpoints = std::make_shared<const std::map<std::string, SqlEndpoint>>(options_.endpoints);
  env.poll_interval_ms = options_.poll_interval_ms;
  // One probe: the first failure shows as a reason, and the step would poll again.
  auto result = std::make_shared<std::optional<bool>>();
  auto handle = run_step(env, *health, [result](Status s) { *result = s.ok(); });
  while (!result->has_value() && handle->last_reason().empty()) {
    if (!backend_.run_one()) break;
  }
  handle->cancel();
  return result->value_or(false);
}

ExecutionReport run_plan(Backend& backend, const Topology& topo, const Plan& plan,
                         ExecutorOptions options) {
  options.endpoints = sql_endpoints(topo);
  return Executor(backend, std::move(options)).run(plan);
}

}  // namespace dpc
