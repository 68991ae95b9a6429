// slot_bound(): a lower bound on the time any schedule of a plan needs with
// at most P steps at once, from one run with no limit on parallel steps.
//
// In that run every step started as soon as its dependencies had finished,
// so its start is the step's earliest possible start (ES). Whatever the
// schedule, a step s cannot start before ES(s), and s with every step that
// depends on it, transitively, must run after that on P slots:
//   bound(P) = max over s of  ES(s) + work(s and its dependents) / P,
// and likewise every step whose ES is t or later runs after t:
//   bound(P) >= max over t of  t + work(steps with ES >= t) / P
// (t = 0: all the work on P slots); at least the run's own length (the
// dependency bound, P unlimited).
// Waits and verifies count as no work (their length depends on when they
// start); the other steps' lengths are taken from the run (on the simulator
// tools, starts and exits take fixed times). Pure; no threading concerns.
#pragma once

#include <string>
#include <vector>

#include "core/plan.h"

namespace dpc::bench {

struct StepSpan {
  double start_ms = 0;
  double duration_ms = 0;
};

struct SlotBound {
  double bound_ms = 0;
  std::string from_step;  ///< what gives it: a step s, "steps from X on" (ES >= X's), "" (the run's length)
  double work_ms = 0;     ///< the work counted after that start
};

/// `spans[i]`: step i of `plan` in the unlimited run (start relative to the
/// run's start). `slots` >= 1.
SlotBound slot_bound(const Plan& plan, const std::vector<StepSpan>& spans, int slots);

}  // namespace dpc::bench
