// Executor: runs a Plan's DAG against a Backend.
//
// Independent steps run concurrently (at most ExecutorOptions::parallel at a
// time), each bounded by its timeout; a step starts when all its deps have
// finished. Ready steps start longest remaining chain first (the rough cost
// of the longest chain of steps from each to the end of the plan; ties in
// plan order), so the chain that bounds the deploy never waits behind steps
// with slack; with parallel 1 they start in plan order (the manual's order).
// Either way a run is deterministic on a deterministic backend. On the first failure no new step starts, the
// running ones finish, and the report names the failed step, its instance,
// its command and the tail of its output.
//
// With a Journal (journal.h) each outcome is recorded; with `resume` a step
// recorded as done is skipped only when its effect verifiably still holds
// (see step_effect.h), never on the journal's word alone.
//
// Threading: single-threaded; all progress is made by Backend::run_one().
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/plan.h"
#include "core/topology.h"

namespace dpc {

class Journal;

enum class StepOutcome { Pending, Running, Done, Skipped, Failed, NotRun };
const char* step_outcome_name(StepOutcome outcome);

/// Progress, delivered as it happens.
struct StepEvent {
  enum class Kind { Started, Finished, Skipped, Failed };
  Kind kind = Kind::Started;
  const Step* step = nullptr;
  int index = 0;        ///< 1-based position of the step in the plan
  int total = 0;        ///< steps in the plan
  Millis at = 0;        ///< backend time of the event
  Millis duration = 0;  ///< Finished / Failed: how long the step took
  std::string detail;   ///< Skipped: why; Failed: the error
};

struct ExecutorOptions {
  int parallel = 4;            ///< at most this many steps at once (>= 1)
  bool resume = false;         ///< skip steps whose effect verifiably holds
  Journal* journal = nullptr;  ///< records outcomes when set
  Millis poll_interval_ms = 100;  ///< how often waits re-check their condition
  /// Where each instance takes SQL (sql_endpoints() of the topology); waits
  /// and checks on instances other than a step's own endpoint look here.
  std::map<std::string, SqlEndpoint> endpoints;
  std::function<void(const StepEvent&)> on_event;
  /// Polled between events. Once it says true, no new step starts and
  /// run() returns when the running ones have ended (report.interrupted).
  std::function<bool()> stop_requested;
  /// Polled likewise: once true, the running steps are given up at once
  /// (recorded Failed, "interrupted") instead of being waited for.
  std::function<bool()> abort_requested;
};

struct StepRecord {
  std::string id;
  StepOutcome outcome = StepOutcome::Pending;
  Millis started = 0;
  Millis finished = 0;
  std::string error;
};

struct ExecutionReport {
  bool ok = false;
  std::string failed_step;  ///< id of the first failed step, if any
  std::string error;        ///< its message: step, instance, command, output tail
  Millis started = 0;
  Millis finished = 0;
  std::vector<StepRecord> records;  ///< one per plan step, in plan order
  /// The chain of steps that determined the total time, first to last.
  std::vector<std::string> critical_path;
  int done = 0, skipped = 0;
  bool interrupted = false;  ///< stop_requested ended the run early
};

class Executor {
 public:
  Executor(Backend& backend, ExecutorOptions options);
  /// Runs the plan to completion or first failure.
  ExecutionReport run(const Plan& plan);
  /// Whether the cluster of a deploy plan is already deployed and healthy:
  /// the plan's final Health check passes right now. Changes nothing.
  bool already_deployed(const Plan& plan);

 private:
  Backend& backend_;
  ExecutorOptions options_;
};

/// The one way a plan is run, by the CLI on either backend and by the
/// simulator's session: an Executor with the topology's SQL endpoints.
ExecutionReport run_plan(Backend& backend, const Topology& topo, const Plan& plan,
                         ExecutorOptions options);

}  // namespace dpc
