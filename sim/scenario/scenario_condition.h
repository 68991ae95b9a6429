// Evaluating a scenario condition (sim/scenario/scenario.h) against a running
// SimSession: whether it holds now, and what was actually seen, in words a
// failure message can quote ("RAFT_1: leader BP12 term 2, PRIMARY/OPEN").
// Instance, group, trace, time and catalog-consistency checks only read
// state and may run after every event; SQL and catalog checks send a
// statement and run the simulation until it answers (Condition::needs_io).
// Used by the scenario runner (sim/scenario/scenario_run.h). Single-threaded: one
// evaluator per run, on that run's thread.
#pragma once

#include <map>
#include <string>

#include "sim/engine/event_loop.h"
#include "sim/scenario/scenario.h"

namespace dpc::sim {

class SimSession;

/// Named virtual times recorded by {"mark": NAME} steps.
using Marks = std::map<std::string, SimTime>;

struct Observation {
  bool holds = false;
  std::string seen;  ///< what was observed, for messages and transcripts
};

/// Evaluates `c` now. `marks` must hold every mark `c` names (the loader
/// checks that an earlier step sets it).
Observation evaluate_condition(const Condition& c, SimSession& session, const Marks& marks);

/// The time of the last trace event matching `filter` (its `since` mark
/// honoured), or -1 when none matches.
SimTime last_matching_event(const TraceCheck& filter, SimSession& session, const Marks& marks);

}  // namespace dpc::sim
