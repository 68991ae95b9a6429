#include "sim/scenario/scenario_run.h"

#include <gtest/gtest.h>

#include <thread>

#include "sim/scenario/scenario_condition.h"
#include "sim/session.h"

namespace dpc::sim {
namespace {

const std::string kFile = std::string(DPC_SOURCE_DIR) + "/scenarios/run-test.json";

/// A scenario on the manual's 7.1 cluster (no replicas: quick) or 7.2 (replicas).
Scenario scenario(const std::string& steps, const std::string& topology = "topologies/local-7.1.json",
                  const std::string& sim = "{}") {
  ScenarioLoad l = load_scenario_text(
      R"({"topology": ")" + topology + R"(", "sim": )" + sim + R"(, "steps": [)" + steps + "]}", kFile);
  EXPECT_TRUE(l.ok()) << format_diagnostics(l.diagnostics, kFile);
  return l.ok() ? *l.scenario : Scenario{};
}

TEST(ScenarioRun, PassingScenarioRecordsATranscript) {
  const RunResult r = run_scenario(scenario(R"(
      {"do": "deploy"},
      {"expect": {"instance": "BP1", "status": "OPEN", "mode": "NORMAL"}},
      {"expect": {"sql": {"on": "SP1", "query": "SELECT 1 FROM DUAL"}, "ok": true}})"),
                                   1);
  ASSERT_TRUE(r.passed) << format_failure(r);
  EXPECT_FALSE(r.failure.has_value());
  EXPECT_NE(r.transcript.find("[1] {\"do\":\"deploy\"}\n  | deploy: "), std::string::npos) << r.transcript;
  EXPECT_NE(r.transcript.find("BP1: running, OPEN NORMAL"), std::string::npos) << r.transcript;
  EXPECT_NE(r.transcript.find("passed at "), std::string::npos);
  EXPECT_EQ(r.trace_hash.size(), 16u);
  EXPECT_GT(r.events, 0u);
  EXPECT_EQ(r.replay, "dpcctl scenario run " + kFile + " --seed 1");
}

TEST(ScenarioRun, FailedExpectationNamesStepReasonEventsTimelineAndReplay) {
  const RunResult r = run_scenario(scenario(R"(
      {"do": "deploy"},
      {"expect": {"instance": "BP1", "status": "MOUNT"}},
      {"do": "status"})"),
                                   7);
  ASSERT_FALSE(r.passed);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->step, 1u);
  EXPECT_EQ(r.failure->path, "steps[1]");
  EXPECT_GT(r.failure->line, 0);
  EXPECT_NE(r.failure->reason.find("but BP1: running, OPEN NORMAL"), std::string::npos) << r.failure->reason;
  const std::string report = format_failure(r);
  EXPECT_NE(report.find("seed 7"), std::string::npos) << report;
  EXPECT_NE(report.find("step 2 (steps[1], line "), std::string::npos) << report;
  EXPECT_NE(report.find("last events before it:"), std::string::npos) << report;
  EXPECT_NE(report.find("timeline: 0 .. "), std::string::npos) << report;
  EXPECT_NE(report.find("MP   |"), std::string::npos) << report;
  EXPECT_NE(report.find("replay: dpcctl scenario run " + kFile + " --seed 7"), std::string::npos) << report;
  EXPECT_EQ(r.transcript.find("[3]"), std::string::npos) << "no step runs after the failing one";
}

TEST(ScenarioRun, SameSeedSameTraceAndTranscript) {
  const Scenario s = scenario(R"({"do": "deploy"}, {"do": "kill BP11"},
      {"wait_until": {"group": "RAFT_1", "leader": "BP12"}, "within_ms": 5000})",
                              "topologies/local-7.2.json", R"({"jitter_ms": 200})");
  const RunResult a = run_scenario(s, 11);
  const RunResult b = run_scenario(s, 11);
  const RunResult c = run_scenario(s, 12);
  ASSERT_TRUE(a.passed) << format_failure(a);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.transcript, b.transcript);
  EXPECT_NE(a.trace_hash, c.trace_hash) << "the seed drives the election jitter";
}

TEST(ScenarioRun, RunsOnSeveralThreadsAgreeWithOneThread) {
  const Scenario s = scenario(R"({"do": "deploy"}, {"do": "kill BP11"},
      {"wait_until": {"group": "RAFT_1", "open": true}, "within_ms": 5000})",
                              "topologies/local-7.2.json", R"({"jitter_ms": 200})");
  std::vector<std::string> alone, together(4);
  for (uint64_t seed = 1; seed <= 4; ++seed) alone.push_back(run_scenario(s, seed).trace_hash);
  std::vector<std::thread> threads;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    threads.emplace_back([&, seed] { together[seed - 1] = run_scenario(s, seed).trace_hash; });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(alone, together);
}

TEST(ScenarioRun, ExpectErrorChecksTheFailureAndItsText) {
  const RunResult ok = run_scenario(scenario(R"({"do": "deploy upto start:MP"},
      {"do": "start BP1", "expect_error": "dm.ini"})"),
                                    1);
  EXPECT_TRUE(ok.passed) << format_failure(ok);
  const RunResult wrong_text = run_scenario(scenario(R"({"do": "deploy upto start:MP"},
      {"do": "start BP1", "expect_error": "no such text anywhere"})"),
                                            1);
  ASSERT_FALSE(wrong_text.passed);
  EXPECT_NE(wrong_text.failure->reason.find("failed as expected, but with"), std::string::npos);
  const RunResult succeeded = run_scenario(scenario(R"({"do": "advance 10", "expect_error": "x"})"), 1);
  ASSERT_FALSE(succeeded.passed);
  EXPECT_NE(succeeded.failure->reason.find("succeeded, but it should fail"), std::string::npos);
}

TEST(ScenarioRun, CommandFailureAndMissingOutputFail) {
  const RunResult r = run_scenario(scenario(R"({"do": "start BP1"})"), 1);
  ASSERT_FALSE(r.passed);
  EXPECT_NE(r.failure->reason.find("\"start BP1\" failed: "), std::string::npos) << r.failure->reason;
  const RunResult out = run_scenario(scenario(R"({"do": "advance 5", "expect_output": "t = 6 ms"})"), 1);
  ASSERT_FALSE(out.passed);
  EXPECT_NE(out.failure->reason.find("printed no \"t = 6 ms\""), std::string::npos);
  const RunResult good = run_scenario(scenario(R"({"do": "advance 5", "expect_output": "t = 5 ms"})"), 1);
  EXPECT_TRUE(good.passed) << format_failure(good);
}

TEST(ScenarioRun, WaitUntilEndsAtTheEventAndFailsAfterItsBound) {
  const RunResult r = run_scenario(scenario(R"({"do": "deploy upto start:MP"}, {"mark": "t0"},
      {"do": "deploy upto wait-open:BP1"},
      {"wait_until": {"instance": "BP1", "status": "OPEN"}, "within_ms": 1},
      {"expect": {"elapsed_since": "t0", "at_least_ms": 1}})"),
                                   1);
  EXPECT_TRUE(r.passed) << format_failure(r);
  const RunResult late = run_scenario(scenario(R"({"do": "deploy upto start:MP"},
      {"wait_until": {"instance": "BP1", "status": "OPEN"}, "within_ms": 3000})"),
                                      1);
  ASSERT_FALSE(late.passed);
  EXPECT_NE(late.failure->reason.find("not true within 3000 ms"), std::string::npos) << late.failure->reason;
}

TEST(ScenarioRun, HoldFailsWhenTheConditionBreaks) {
  const RunResult held = run_scenario(scenario(R"({"do": "deploy"},
      {"hold": {"instance": "BP1", "status": "OPEN"}, "for_ms": 5000})"),
                                      1);
  EXPECT_TRUE(held.passed) << format_failure(held);
  const RunResult broke = run_scenario(scenario(R"({"do": "deploy"}, {"do": "exit MP"},
      {"hold": {"instance": "BP1", "running": true}, "for_ms": 20000})"),
                                       1);
  ASSERT_FALSE(broke.passed);
  EXPECT_NE(broke.failure->reason.find("stopped holding after"), std::string::npos) << broke.failure->reason;
}

TEST(ScenarioRun, MarkAtTheLastMatchingTraceEvent) {
  const RunResult r = run_scenario(scenario(R"({"do": "deploy"},
      {"mark": "bp1-open", "at": {"kind": "server.open", "instance": "BP1"}},
      {"mark": "now"},
      {"expect": {"elapsed_since": "bp1-open", "until": "now", "at_least_ms": 1}})"),
                                   1);
  EXPECT_TRUE(r.passed) << format_failure(r);
  const RunResult none = run_scenario(scenario(R"({"mark": "x", "at": {"kind": "raft.leader"}})"), 1);
  ASSERT_FALSE(none.passed);
  EXPECT_NE(none.failure->reason.find("no trace event matches"), std::string::npos);
}

TEST(ScenarioRun, AnInvariantViolationFailsTheRun) {
  RunOptions o;
  o.prepare = [](SimSession& s) {
    s.cluster().call_at(5, [&s] { s.cluster().world().violation("BP1", "terms never decrease (injected)"); });
  };
  const RunResult r = run_scenario(scenario(R"({"do": "advance 1"}, {"do": "advance 10"}, {"do": "advance 1"})"), 3, o);
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.failure->step, 1u) << "the step during which the violation happened";
  EXPECT_NE(r.failure->reason.find("invariant violated"), std::string::npos) << r.failure->reason;
  EXPECT_NE(r.failure->reason.find("injected"), std::string::npos) << r.failure->reason;
  EXPECT_NE(r.failure->reason.find("seed 3"), std::string::npos) << r.failure->reason;
}

TEST(TranscriptDifference, NamesTheFirstDifferingLine) {
  EXPECT_FALSE(transcript_difference("a\nb\n", "a\nb\n").has_value());
  auto d = transcript_difference("a\nb\nc\n", "a\nB\nc\n");
  ASSERT_TRUE(d.has_value());
  EXPECT_NE(d->find("line 2"), std::string::npos);
  EXPECT_NE(d->find("expected: b"), std::string::npos);
  EXPECT_NE(transcript_difference("a\n", "a\nmore\n")->find("printed more"), std::string::npos);
  EXPECT_NE(transcript_difference("a\nb\n", "a\n")->find("ended early"), std::string::npos);
}

TEST(ScenarioCondition, GroupAndCatalogAndTraceChecksSeeTheCluster) {
  Scenario s = scenario(R"({"do": "deploy"})", "topologies/local-7.2.json");
  SimSession session(s.topology, SimOptions{});
  ASSERT_TRUE(session.execute("deploy").ok);
  Marks marks;
  auto eval = [&](const std::string& json) {
    ScenarioLoad l = load_scenario_text(
        R"({"topology": "topologies/local-7.2.json", "steps": [{"expect": )" + json + "}]}", kFile);
    EXPECT_TRUE(l.ok()) << format_diagnostics(l.diagnostics, kFile);
    return evaluate_condition(l.scenario->steps[0].condition, session, marks);
  };
  Observation g = eval(R"({"group": "RAFT_1", "leader": "BP11", "term": 1, "open": true, "valid_members": 3})");
  EXPECT_TRUE(g.holds) << g.seen;
  EXPECT_EQ(g.seen, "RAFT_1: leader BP11 term 1, PRIMARY/OPEN, 3 valid members");
  EXPECT_FALSE(eval(R"({"group": "RAFT_1", "leader": "BP12"})").holds);
  EXPECT_FALSE(eval(R"({"group": "RAFT_1", "no_leader": true})").holds);
  Observation c = eval(R"({"catalog": {"table": "DPC_INSTANCE", "where": {"NAME": "BP11"}, "row": {"SYS_MODE": "STANDBY"}}})");
  EXPECT_FALSE(c.holds);
  EXPECT_NE(c.seen.find("SYS_MODE = "), std::string::npos) << c.seen;
  EXPECT_TRUE(eval(R"({"catalog": {"table": "DPC_INSTANCE", "where": {"DPC_MODE": "BP"}, "count": 6}})").holds);
  EXPECT_FALSE(eval(R"({"catalog": {"table": "DPC_INSTANCE", "where": {"NO_SUCH": 1}, "count": 0}})").holds);
  EXPECT_TRUE(eval(R"({"trace": {"kind": "raft.leader"}, "count": 2})").holds);
  EXPECT_TRUE(eval(R"({"trace": {"kind": "raft."}, "at_least": 10})").holds);
  EXPECT_TRUE(eval(R"({"not": {"instance": "BP12", "role": "leader"}})").holds);
  EXPECT_TRUE(eval(R"({"any": [{"instance": "BP12", "role": "leader"}, {"instance": "BP11", "role": "leader"}]})").holds);
  EXPECT_FALSE(eval(R"({"all": [{"instance": "BP12", "role": "follower"}, {"instance": "BP13", "role": "leader"}]})").holds);
  EXPECT_TRUE(eval(R"({"sql": {"on": "SP1", "query": "SELECT * FROM V$INSTANCE"}, "row_count": 8, "has_row": {"INSTANCE_NAME": "BP22"}})").holds);
  EXPECT_TRUE(eval(R"({"instance": "BP13", "caught_up": true, "valid": true, "min_c_lsn": 1})").holds);
}

}  // namespace
}  // namespace dpc::sim

namespace dpc::sim {
namespace {

TEST(ScenarioRun, MayFailAcceptsAFailedCommandButNotAFailedRunWithoutItsStep) {
  const std::string file = std::string(DPC_SOURCE_DIR) + "/scenarios/run-test.json";
  auto l = load_scenario_text(R"({"topology": "topologies/local-7.2.json", "steps": [
      {"do": "kill BP11", "may_fail": true},
      {"do": "deploy upto register:BP11"}, {"do": "kill MP"},
      {"do": "deploy", "may_fail": true}, {"do": "resume"},
      {"expect": {"group": "RAFT_1", "open": true}}]})", file);
  ASSERT_TRUE(l.ok()) << format_diagnostics(l.diagnostics, file);
  const RunResult r = run_scenario(*l.scenario, 1);
  EXPECT_TRUE(r.passed) << format_failure(r);
  EXPECT_NE(r.transcript.find("  ! BP11 is not running"), std::string::npos) << r.transcript;
}

}  // namespace
}  // namespace dpc::sim
