// The scenario library (scenarios/*.json) run in-process at each file's own
// seed: the same check CTest makes over 20 seeds with dpcctl, here inside
// the unit-test binary so the sanitizer build exercises every scenario too.
#include <gtest/gtest.h>


#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_run.h"

namespace dpc::sim {
namespace {

std::vector<std::string> library() { return scenario_files_in(std::string(DPC_SOURCE_DIR) + "/scenarios"); }

TEST(ScenarioLibrary, HasAtLeastTwentyFiveScenarios) { EXPECT_GE(library().size(), 25u); }

TEST(ScenarioLibrary, EveryScenarioLoadsAndPassesAtItsOwnSeed) {
  for (const auto& file : library()) {
    SCOPED_TRACE(file);
    ScenarioLoad l = load_scenario_file(file);
    ASSERT_TRUE(l.ok()) << format_diagnostics(l.diagnostics, file);
    EXPECT_FALSE(l.scenario->description.empty()) << "say what the scenario shows";
    const RunResult r = run_scenario(*l.scenario, l.scenario->seed);
    EXPECT_TRUE(r.passed) << format_failure(r);
  }
}

}  // namespace
}  // namespace dpc::sim
