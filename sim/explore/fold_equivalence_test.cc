// Folded heartbeats (sim/model/dmserver_fold.cc) change nothing observable:
// every scenario of the library, and random fault schedules of the explorer's
// nemesis (kills, partitions, rings, host crashes, link loss and latency
// bursts, faults in every deploy phase) on two topologies, run twice — folding
// off and on — and must agree on everything a user or a test can see: the
// verdict, every step's transcript (status tables, SQL results, waits), the
// end time, every instance's view (process, status, mode, RAFT role, term,
// leader, C_LSN, last LSN), the network's message counts, and the whole trace
// without the heartbeats' own lines (an Append without entries, an
// acknowledgement). The test also checks that folding engaged (the runs
// folded many heartbeat ticks) and that no group was ever found changed under
// a fold by a path that did not unfold it first.
// Longer sweeps were run by hand (15000 seeds of local-7.2, 2000 of
// mini-3replica, of local-7.3 and of local-large, 1000 of manual-7.2 and of
// manual-7.3): no difference.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/cluster.h"
#include "sim/explore/explore.h"
#include "sim/model/dmserver.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_run.h"
#include "sim/session.h"

namespace dpc::sim {
namespace {

/// A heartbeat's own trace line: a received Append that carries no entries,
/// or a received positive acknowledgement.
bool heartbeat_line(const TraceEvent& e) {
  if (e.kind != "raft.recv") return false;
  if (e.detail.rfind("Append ", 0) == 0) return e.detail.find(" lsn=") == std::string::npos;
  return e.detail.rfind("AppendReply ", 0) == 0 && e.detail.find(" ok ") != std::string::npos;
}

struct Observed {
  RunResult result;
  std::string trace;  ///< without heartbeat lines
  std::string views;
  uint64_t sent = 0, dropped = 0, folded_ticks = 0, fold_breaks = 0, events = 0;
};

Observed observe(const Scenario& s, uint64_t seed, bool fold) {
  Observed o;
  RunOptions ro;
  ro.fold_heartbeats = fold;
  ro.inspect = [&o](SimSession& session) {
    SimCluster& cl = session.cluster();
    World& w = cl.world();
    // The counts of folded groups' messages catch up when they unfold.
    o.folded_ticks = w.folded_ticks;
    w.unfold_all();
    for (const TraceEvent& e : cl.trace().events()) {
      if (heartbeat_line(e)) continue;
      o.trace += format_time(e.time) + " " + e.instance + " " + e.kind + " " + e.detail + "\n";
    }
    for (const std::string& name : cl.instance_names()) {
      const InstanceView v = cl.view(name);
      o.views += name + " " + v.process + " " + v.status + " " + v.mode + " " + v.raft_role + " term=" +
                 std::to_string(v.term) + " leader=" + v.leader + " c_lsn=" + std::to_string(v.c_lsn) +
                 " last=" + std::to_string(v.last_lsn) + " open_at=" + std::to_string(v.open_at) + "\n";
    }
    o.sent = w.net.sent();
    o.dropped = w.net.dropped();
    o.fold_breaks = w.fold_breaks;
    o.events = w.loop.executed();
  };
  o.result = run_scenario(s, seed, ro);
  return o;
}

/// Where two texts first differ, for the failure message.
std::string first_difference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  const size_t from = a.rfind('\n', i) == std::string::npos ? 0 : a.rfind('\n', i) + 1;
  return "unfolded: ..." + a.substr(from, 300) + "\n  folded: ..." + b.substr(from, 300);
}

struct Totals {
  uint64_t folded_ticks = 0;
  uint64_t events_off = 0, events_on = 0;
};

void expect_same(const Scenario& s, uint64_t seed, Totals& totals) {
  SCOPED_TRACE(s.name + " seed " + std::to_string(seed));
  const Observed off = observe(s, seed, false);
  const Observed on = observe(s, seed, true);
  EXPECT_EQ(off.folded_ticks, 0u);
  EXPECT_EQ(on.fold_breaks, 0u) << "a group was changed under a fold without unfolding it first";
  EXPECT_EQ(off.result.passed, on.result.passed);
  EXPECT_EQ(off.result.end_time, on.result.end_time);
  EXPECT_TRUE(off.result.transcript == on.result.transcript)
      << first_difference(off.result.transcript, on.result.transcript);
  EXPECT_TRUE(off.views == on.views) << first_difference(off.views, on.views);
  EXPECT_TRUE(off.trace == on.trace) << first_difference(off.trace, on.trace);
  EXPECT_EQ(off.sent, on.sent);
  EXPECT_EQ(off.dropped, on.dropped);
  totals.folded_ticks += on.folded_ticks;
  totals.events_off += off.events;
  totals.events_on += on.events;
}

std::vector<std::string> library() { return scenario_files_in(std::string(DPC_SOURCE_DIR) + "/scenarios"); }

TEST(FoldedHeartbeats, EveryLibraryScenarioSeesTheSameRun) {
  Totals totals;
  for (const auto& file : library()) {
    ScenarioLoad l = load_scenario_file(file);
    ASSERT_TRUE(l.ok()) << file;
    expect_same(*l.scenario, l.scenario->seed, totals);
  }
  EXPECT_GT(totals.folded_ticks, 300u) << "folding hardly engaged: the comparison proves little";
  EXPECT_LT(totals.events_on, totals.events_off);
}

/// The explorer's schedules with election jitter 0 (jitter draws from the
/// Rng on every message, so a jittered group never folds).
void explore_same(const std::string& topology, uint64_t first, uint64_t count, Totals& totals) {
  std::vector<Diagnostic> diags;
  auto setup = load_explore_setup(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + topology, diags);
  ASSERT_TRUE(setup.has_value());
  setup->jitter_ms = 0;
  setup->sim_json = "{}";
  for (uint64_t seed = first; seed < first + count; ++seed) {
    Candidate c{schedule_for_seed(*setup, seed, NemesisOptions{}), setup->topology_json};
    const std::string file = std::string(DPC_SOURCE_DIR) + "/scenarios/fold-" + std::to_string(seed) + ".json";
    ScenarioLoad l = load_scenario_text(candidate_scenario_text(*setup, c, seed, "fold", "fold"), file);
    ASSERT_TRUE(l.ok()) << format_diagnostics(l.diagnostics, file);
    expect_same(*l.scenario, seed, totals);
  }
}

TEST(FoldedHeartbeats, RandomFaultSchedulesSeeTheSameRun) {
  Totals totals;
  explore_same("local-7.2.json", 1, 300, totals);
  explore_same("local-large.json", 1, 30, totals);
  explore_same("mini-3replica.json", 1, 100, totals);
  explore_same("local-7.3.json", 1, 100, totals);
  EXPECT_GT(totals.folded_ticks, 30'000u);
}

}  // namespace
}  // namespace dpc::sim
