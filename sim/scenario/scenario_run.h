// Running one scenario (sim/scenario/scenario.h) for one seed: a fresh SimSession
// of the scenario's topology and simulator settings, each step in order —
// commands through SimSession::execute, waits and holds bounded in virtual
// time, expectations, marks — and, on the first failure (a step, or an
// invariant violation from the simulator), everything needed to understand
// and replay it: the seed, the step (index, path, line, text), the reason,
// the last trace events, a text timeline and the one-line replay command.
// A transcript of the run (each step and what it produced) is kept for
// comparison with the expected `<name>.transcript` beside the file.
//
// Deterministic: the same scenario and seed give the same result, trace
// hash and transcript. A run owns all its state, so runs of one (immutable,
// shared) Scenario may proceed on several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "sim/engine/event_loop.h"
#include "sim/scenario/scenario.h"

namespace dpc::sim {

class SimSession;

struct RunOptions {
  size_t tail_events = 20;    ///< trace events shown before a failure
  bool chrome_trace = false;  ///< fill RunResult::chrome_trace
  /// The command that replays a run: "<replay_program> scenario run FILE --seed N".
  std::string replay_program = "dpcctl";
  /// Called with the fresh session before the first step, e.g. to inject
  /// what the command vocabulary has no word for. Empty: nothing.
  std::function<void(SimSession&)> prepare;
  /// Called with the session after the last step (a test reads its trace
  /// and state there). Empty: nothing.
  std::function<void(SimSession&)> inspect;
  /// Overrides the scenario's sim.fold_heartbeats when set.
  std::optional<bool> fold_heartbeats;
};

struct ScenarioFailure {
  size_t step = 0;  ///< 0-based; steps.size() for the checks after the last step
  std::string path;  ///< "steps[6]", or "" after the last step
  int line = 0;
  std::string text;  ///< the step as written
  std::string reason;
};

struct RunResult {
  std::string file;
  std::string name;
  uint64_t seed = 0;
  bool passed = false;
  std::optional<ScenarioFailure> failure;
  std::string transcript;   ///< what each step did (compared with <name>.transcript)
  std::string trace_tail;   ///< failed: the last events before the failure
  std::string timeline;     ///< failed: the text timeline (sim/observe/timeline.h)
  std::string chrome_trace; ///< RunOptions::chrome_trace: the Chrome trace JSON
  std::string trace_hash;
  uint64_t events = 0;      ///< trace events recorded
  SimTime end_time = 0;     ///< virtual time at the end of the run
  std::string replay;       ///< the command that replays exactly this run
};

/// Runs `scenario` with `seed` (its own sim.seed when the caller has none).
RunResult run_scenario(const Scenario& scenario, uint64_t seed, const RunOptions& options = {});

/// "dpcctl scenario run FILE --seed N".
std::string replay_command(const std::string& program, const std::string& file, uint64_t seed);

/// The block printed for a failed run: seed, step, reason, last events,
/// timeline, replay command.
std::string format_failure(const RunResult& result);

/// Where two transcripts first differ ("line 12: expected ... got ..."),
/// or nullopt when they are equal.
std::optional<std::string> transcript_difference(const std::string& expected,
                                                 const std::string& actual);

}  // namespace dpc::sim
