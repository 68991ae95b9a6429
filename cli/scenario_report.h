// Reports of `dpcctl scenario run`: the results of every (scenario, seed)
// run grouped by scenario, rendered as JUnit XML (for CI dashboards) and as
// JSON (--json). Pure functions of the results; no I/O; no threading
// concerns. Used by cli/cmd_scenario.cc.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario_run.h"

namespace dpc::cli {

/// One run and its wall-clock duration (JUnit wants one).
struct TimedRun {
  sim::RunResult result;
  double wall_seconds = 0;
};

/// Every run of one scenario file, in seed order.
struct ScenarioRuns {
  std::string file;
  std::string name;
  std::vector<TimedRun> runs;
  size_t failed() const;
};

/// <testsuites> with one <testsuite> per scenario and one <testcase> per seed;
/// a failure carries the step, the reason, the last events and the replay command.
std::string junit_xml(const std::vector<ScenarioRuns>& scenarios);

/// {"passed", "failed", "scenarios": [{"file", "name", "runs": [{"seed",
/// "passed", "trace_hash", "events", "virtual_end_ms", "replay",
/// "failure": {"step", "path", "line", "text", "reason"}}]}]}.
nlohmann::json results_json(const std::vector<ScenarioRuns>& scenarios);

}  // namespace dpc::cli
