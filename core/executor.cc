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

/// Every running step fails with `why` (its handle cancelled first when
/// `cancel`: an abort stops what the step still waits for).
template <typename Finish>
void fail_running(RunState& st, const Finish& finish, const std::string& why, bool cancel) {
  for (size_t i = 0; i < st.report.records.size(); ++i) {
    if (st.report.records[i].outcome != StepOutcome::Running) continue;
    if (auto& h = st.handles[i]; h && cancel) h->cancel();
    finish(static_cast<int>(i), StepOutcome::Failed, why);
  }
}

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

}  // namespace

Executor::Executor(Backend& backend, ExecutorOptions options)
    : backend_(backend), options_(std::move(options)) {
  if (options_.parallel < 1) options_.parallel = 1;
}

ExecutionReport Executor::run(const Plan& plan) {
  auto st = std::make_shared<RunState>();
  st->plan = &plan;
  const size_t n = plan.steps.size();
  st->remaining.assign(n, 0);
  st->users.assign(n, {});
  st->handles.assign(n, nullptr);
  st->report.records.resize(n);
  const StepIndex index = index_steps(plan);
  if (!link_steps(plan, index, *st)) return st->report;
  rank_steps(plan, options_.parallel, *st);
  auto make_ready = [st](int i) { st->ready.insert({-st->rank[static_cast<size_t>(i)], i}); };
  for (size_t i = 0; i < n; ++i) {
    if (st->remaining[i] == 0) make_ready(static_cast<int>(i));
  }

  StepEnv env;
  env.backend = &backend_;
  env.endpoints = std::make_shared<const std::map<std::string, SqlEndpoint>>(options_.endpoints);
  env.poll_interval_ms = options_.poll_interval_ms;
  const int total = static_cast<int>(n);
  Backend& b = backend_;
  const ExecutorOptions& opts = options_;

  const EventEmitter emit{&opts, total};

  // finish(i, outcome, error): records an outcome and releases dependents.
  auto finish = [st, &b, &opts, emit, make_ready](int i, StepOutcome outcome, const std::string& error) {
    if (!st->alive) return;
    StepRecord& rec = st->report.records[static_cast<size_t>(i)];
    if (rec.outcome != StepOutcome::Running) return;  // already timed out
    const Step& step = st->plan->steps[static_cast<size_t>(i)];
    rec.outcome = outcome;
    rec.finished = b.now();
    rec.error = error;
    st->running--;
    if (opts.journal) (void)opts.journal->record(step.id, outcome, rec.finished, error, &step, rec.started);
    if (outcome == StepOutcome::Failed) {
      emit(StepEvent::Kind::Failed, step, i, rec.finished, rec.finished - rec.started, error);
      if (!st->failed) {
        st->failed = true;
        st->report.failed_step = step.id;
        st->report.error = "step " + step.id + " (" + step.title + (step.instance.empty() ? "" : ", instance " + step.instance) +
                           ") failed: " + error;
      }
      return;
    }
    if (outcome == StepOutcome::Skipped) {
      st->report.skipped++;
    } else {
      st->report.done++;
      emit(StepEvent::Kind::Finished, step, i, rec.finished, rec.finished - rec.started, "");
    }
    for (int u : st->users[static_cast<size_t>(i)]) {
      if (--st->remaining[static_cast<size_t>(u)] == 0) make_ready(u);
    }
  };

  auto execute = [st, &b, env, finish](int i) {
    const Step& step = st->plan->steps[static_cast<size_t>(i)];
    st->handles[static_cast<size_t>(i)] = run_step(env, step, [finish, i](Status s) {
      finish(i, s.ok() ? StepOutcome::Done : StepOutcome::Failed, s.ok() ? "" : s.message());
    });
    Millis deadline = st->report.records[static_cast<size_t>(i)].started + step.timeout_ms;
    b.call_at(deadline, [st, i, finish, timeout = step.timeout_ms]() {
      if (!st->alive) return;
      if (st->report.records[static_cast<size_t>(i)].outcome != StepOutcome::Running) return;
      auto& h = st->handles[static_cast<size_t>(i)];
      std::string why = h ? h->last_reason() : "";
      if (h) h->cancel();
      finish(i, StepOutcome::Failed,
             "timed out after " + std::to_string(timeout / 1000) + " s" + (why.empty() ? "" : ": " + why));
    });
  };

  auto launch = [&](int i) {
    const Step& step = plan.steps[static_cast<size_t>(i)];
    StepRecord& rec = st->report.records[static_cast<size_t>(i)];
    rec.outcome = StepOutcome::Running;
    rec.started = b.now();
    st->running++;
    emit(StepEvent::Kind::Started, step, i, rec.started, 0, "");
    if (opts.resume && opts.journal && opts.journal->done(step.id)) {
      check_effect(env, plan, i, *opts.journal, [st, i, finish, execute, emit, &b, env, &opts](EffectCheck c) {
        if (!st->alive) return;
        const Step& s = st->plan->steps[static_cast<size_t>(i)];
        std::string by;
        if (c.state == EffectCheck::State::Unknown && superseded(env, *st->plan, i, *opts.journal, &by)) {
          c = {EffectCheck::State::Holds, "done before " + by + ", which holds"};
        }
        if (c.state == EffectCheck::State::Holds) {
          emit(StepEvent::Kind::Skipped, s, i, b.now(), 0, c.why);
          return finish(i, StepOutcome::Skipped, "");
        }
        execute(i);
      });
      return;
    }
    execute(i);
  };

  st->report.started = b.now();
  while (true) {
    if (!st->report.interrupted && opts.stop_requested && opts.stop_requested()) {
      st->report.interrupted = true;
      if (!st->failed) {
        st->failed = true;
        st->report.error = "interrupted: no new step was started";
      }
    }
    if (st->report.interrupted && st->running > 0 && opts.abort_requested && opts.abort_requested()) {
      fail_running(*st, finish, "interrupted", true);
    }
    while (!st->failed && st->running < opts.parallel && !st->ready.empty()) {
      int i = st->ready.begin()->second;
      st->ready.erase(st->ready.begin());
      launch(i);
    }
    if (st->running == 0) break;
    if (!b.run_one()) fail_running(*st, finish, "the backend has nothing left to wait for", false);
  }
  st->report.finished = b.now();
  close_run(plan, index, *st);
  return st->report;
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
