// Resume checks: whether a step's effect verifiably still holds on the
// cluster, so `deploy --resume` may skip it. The journal only nominates
// candidates (steps recorded as done); this decides, by looking:
//   init       <path>/DAMENG/dm.ini exists
//   write      the file has exactly the planned content
//   edit-ini   every planned key has the planned value
//   sql        the step's guard query returns a row (no guard: run again)
//   backup     the backup set directory exists
//   start      the server runs, or it was exited later by plan (seed exit)
//   restore, update-magic
//              the instance's server runs or was started later by plan
//   exit       the server is down, or was started again later by plan
//   verify, wait
//              cannot be observed after the fact (see below)
// A check that cannot observe the effect (the MP that holds the catalog is
// stopped for its backup, or is not yet the MP_RAFT leader; a verify or a
// wait) is Unknown. Such a step is skipped only when it is superseded: a
// step that depends on it, transitively, is journal-done and ITS effect is
// observed to hold (e.g. the MP's seed exit or its MOUNT start, which the
// plan runs only after the registrations). Otherwise it runs again.
// Threading: single-threaded; `done` is called once from Backend::run_one().
#pragma once

#include <functional>
#include <string>

#include "core/journal.h"
#include "core/plan.h"
#include "core/step_runner.h"

namespace dpc {

struct EffectCheck {
  enum class State { Holds, Absent, Unknown };
  State state = State::Unknown;
  std::string why;
};

void check_effect(const StepEnv& env, const Plan& plan, int index, const Journal& journal,
                  std::function<void(EffectCheck)> done);

/// The check of steps whose effect is observed without SQL (files, backup
/// sets, process states); Unknown for SQL-based kinds, verifies and waits.
EffectCheck local_effect(const StepEnv& env, const Plan& plan, int index, const Journal& journal);

/// Whether a journal-done step that depends on step `index`, transitively,
/// has an effect observed to hold now; its id in `by`.
bool superseded(const StepEnv& env, const Plan& plan, int index, const Journal& journal,
                std::string* by);

/// The value of a `key=value` argument (case-insensitive key), or "".
std::string arg_value(const std::vector<std::string>& args, const std::string& key);

}  // namespace dpc
