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
//              never skipped: they are read-only and cheap
// Threading: single-threaded; `done` is called once from Backend::run_one().
#pragma once

#include <functional>
#include <string>

#include "core/journal.h"
#include "core/plan.h"
#include "core/step_runner.h"

namespace dpc {

void check_effect(const StepEnv& env, const Plan& plan, int index, const Journal& journal,
                  std::function<void(bool holds, std::string why)> done);

/// The value of a `key=value` argument (case-insensitive key), or "".
std::string arg_value(const std::vector<std::string>& args, const std::string& key);

}  // namespace dpc
