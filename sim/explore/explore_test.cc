#include "sim/explore/explore.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/backend_wrapper.h"
#include "core/topology_load.h"
#include "sim/explore/shrink.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_run.h"
#include "sim/session.h"

namespace dpc::sim {
namespace {

const std::string kTopology = std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json";

ExploreSetup setup_of(const std::string& file = kTopology) {
  std::vector<Diagnostic> diags;
  auto s = load_explore_setup(file, diags);
  EXPECT_TRUE(s.has_value()) << format_diagnostics(diags, file);
  return s ? *s : ExploreSetup{};
}

/// The planted bug: once any fault has struck (a kill, a partition, a host
/// crash), `dmrman ... UPDATE DB_MAGIC` on BP12 reports success without
/// running, as a plan that skipped the step would.
class SkipMagicUnderFault : public BackendWrapper {
 public:
  SkipMagicUnderFault(Backend& target, SimCluster& cluster) : BackendWrapper(target), cluster_(cluster) {}
  void run_tool(const ToolRun& run, std::function<void(Result<ToolOutcome>)> done) override {
    bool magic = false;
    for (const auto& a : run.args) magic = magic || a.find("UPDATE DB_MAGIC") != std::string::npos;
    if (magic && run.instance == "BP12" && fault_struck()) {
      skipped++;
      return done(ToolOutcome{0, "skipped"});
    }
    BackendWrapper::run_tool(run, std::move(done));
  }
  int skipped = 0;

 private:
  bool fault_struck() const {
    for (const auto& e : cluster_.trace().events()) {
      if (e.kind.rfind("fault.", 0) == 0 || e.kind == "signal" || e.kind == "server.crash") return true;
    }
    return false;
  }
  SimCluster& cluster_;
};

void plant(SimSession& s) {
  s.decorate_backend([&s](Backend& b) { return std::make_unique<SkipMagicUnderFault>(b, s.cluster()); });
}

TEST(Nemesis, SchedulesAreDeterministicLoadableAndUseTheWholeVocabulary) {
  const ExploreSetup s = setup_of();
  std::set<std::string> kinds, phases;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    Candidate c{schedule_for_seed(s, seed, {}), s.topology_json};
    const std::string text = candidate_scenario_text(s, c, seed, "t", "");
    EXPECT_EQ(text, candidate_scenario_text(s, Candidate{schedule_for_seed(s, seed, {}), s.topology_json}, seed, "t", ""));
    ScenarioLoad l = load_scenario_text(text, kTopology);
    ASSERT_TRUE(l.ok()) << format_diagnostics(l.diagnostics, "seed " + std::to_string(seed)) << text;
    for (const auto& f : c.schedule.faults) kinds.insert(f.kind);
    phases.insert(c.schedule.phase.empty() ? "deployed" : c.schedule.phase);
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"kill-one", "kill-minority", "kill-majority", "kill-leader", "kill-mp",
                                          "isolate-one", "isolate-minority", "isolate-leaders", "ring", "crash-host",
                                          "link-loss", "latency-burst"}));
  EXPECT_EQ(phases, (std::set<std::string>{"deployed", "registration", "seed-backup", "restore", "first-election"}));
}

TEST(Nemesis, LivenessBoundFollowsTheVoteIntervals) {
  const ExploreSetup s = setup_of();
  // local-7.2: the slowest member votes after 2500 ms; jitter 100.
  EXPECT_EQ(liveness_bound_ms(s.topology, 100), 2 * (2500 + 100) + 1000);
}

TEST(Explore, HealthyClusterSurvivesEveryScheduleAndShardsSplitTheSeeds) {
  const ExploreSetup s = setup_of();
  ExploreOptions o;
  o.runs = 40;
  o.jobs = 2;
  const ExploreReport all = explore(s, o);
  EXPECT_EQ(all.runs, 40u);
  EXPECT_EQ(all.failed, 0u) << (all.findings.empty() ? "" : all.findings[0].reason);
  uint64_t sum = 0, events = 0;
  for (int k = 1; k <= 3; ++k) {
    o.shard = k;
    o.shards = 3;
    const ExploreReport part = explore(s, o);
    sum += part.runs;
    events += part.events;
  }
  EXPECT_EQ(sum, 40u);
  EXPECT_EQ(events, all.events);  // the same runs, whatever the split
}

TEST(Explore, FindsAPlantedBrokenRuleAndShrinksItToAFewSteps) {
  const ExploreSetup s = setup_of();
  const std::string out = ::testing::TempDir() + "/explore-planted";
  std::filesystem::remove_all(out);
  ExploreOptions o;
  o.runs = 60;
  o.jobs = 2;
  o.out_dir = out;
  o.prepare = plant;
  const ExploreReport r = explore(s, o);
  ASSERT_GT(r.failed, 0u);
  ASSERT_FALSE(r.findings.empty());
  bool found = false;
  for (const Finding& f : r.findings) {
    if (f.signature.find("start:BP12") == std::string::npos) continue;
    found = true;
    EXPECT_TRUE(f.deterministic) << f.trace_hash << " vs " << f.rerun_hash;
    EXPECT_TRUE(f.replays) << f.shrunk_text;
    EXPECT_LT(f.shrunk_steps, f.steps);
    EXPECT_LE(f.shrunk_steps, 8u) << f.shrunk_text;
    // Fewer instances: the planted rule is on BP12, so RAFT_2 goes.
    EXPECT_EQ(f.shrunk_text.find("RAFT_2"), std::string::npos) << f.shrunk_text;
    EXPECT_TRUE(std::filesystem::exists(f.shrunk_file));
    // The minimal file: one fault, after a deploy prefix; without the planted rule it passes.
    ScenarioLoad l = load_scenario_file(f.shrunk_file);
    ASSERT_TRUE(l.ok()) << format_diagnostics(l.diagnostics, f.shrunk_file);
    EXPECT_TRUE(run_scenario(*l.scenario, l.scenario->seed).passed) << f.shrunk_text;
    RunOptions ro;
    ro.prepare = plant;
    const RunResult again = run_scenario(*l.scenario, l.scenario->seed, ro);
    ASSERT_FALSE(again.passed);
    EXPECT_EQ(failure_signature(again.failure->reason, again.failure->text), f.signature);
  }
  EXPECT_TRUE(found) << r.findings[0].signature;
  // The same seeds pass without the planted rule.
  o.prepare = nullptr;
  o.out_dir.clear();
  EXPECT_EQ(explore(s, o).failed, 0u);
}

TEST(Shrink, DropsARaftGroupTheFaultsDoNotName) {
  const ExploreSetup s = setup_of();
  const std::string smaller = topology_without_raft(s.topology_json, "RAFT_2");
  ASSERT_FALSE(smaller.empty());
  LoadOutcome lo = load_topology_text(smaller, "smaller");
  ASSERT_TRUE(lo.ok()) << format_diagnostics(lo.diagnostics, "smaller");
  EXPECT_EQ(lo.topology->find_raft("RAFT_2"), nullptr);
  EXPECT_EQ(lo.topology->find_instance("BP21"), nullptr);
  EXPECT_TRUE(topology_without_raft(smaller, "RAFT_1").empty());  // the last group stays
}

TEST(Explore, FailureSignatureSurvivesShrinking) {
  EXPECT_EQ(failure_signature("\"resume\" failed: step start:BP12 (start BP12) failed: refused", R"({"do":"resume"})"),
            "resume failed at step start:BP12");
  EXPECT_EQ(failure_signature("not true within 6200 ms (waited from 1.0 ms)", R"({"wait_until":{"all":[]}})"),
            "liveness: not healthy within the bound after the faults healed");
  EXPECT_EQ(failure_signature("the simulator found an invariant violated: invariant violated at t=1.5 ms (seed 7, "
                              "event raft.deliver at BP12): two leaders in term 3",
                              "{}"),
            "safety: two leaders in term #");
}

}  // namespace
}  // namespace dpc::sim
