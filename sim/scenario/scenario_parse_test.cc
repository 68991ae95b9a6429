#include <gtest/gtest.h>

#include "sim/scenario/scenario.h"

namespace dpc::sim {
namespace {

/// A scenario "file" in the scenarios/ directory, so relative topology paths resolve.
const std::string kFile = std::string(DPC_SOURCE_DIR) + "/scenarios/parse-test.json";

ScenarioLoad load(const std::string& text) { return load_scenario_text(text, kFile); }

std::string all_messages(const ScenarioLoad& l) {
  return format_diagnostics(l.diagnostics, "parse-test.json");
}

TEST(ScenarioParse, LoadsEveryStepKindAndCondition) {
  const auto l = load(R"({
    // comments are allowed
    "name": "everything",
    "description": "one of each",
    "topology": "topologies/local-7.2.json",
    "sim": { "seed": 7, "jitter_ms": 20, "profile": { "dminit_ms": 100 },
             "links": [ { "a": "BP11", "b": "BP12", "latency_ms": 2, "loss": 0.1 } ] },
    "steps": [
      { "do": "deploy upto start:MP", "note": "first the MP" },
      { "do": "start BP11", "expect_error": "not registered" },
      { "mark": "m" },
      { "mark": "mounted", "at": { "kind": "server.mount", "instance": "BP13" } },
      { "wait_until": { "group": "RAFT_1", "leader": "BP11", "term": 1, "open": true }, "within_ms": 5000 },
      { "expect": { "instance": "BP11", "status": "OPEN", "mode": "PRIMARY", "role": "leader",
                    "halted": false, "running": true } },
      { "expect": { "sql": { "on": "SP1", "query": "SELECT 1 FROM DUAL" }, "error_contains": "无效的系统状态" } },
      { "expect": { "catalog": { "table": "DPC_INSTANCE", "where": { "NAME": "BP11" },
                                 "row": { "SYS_MODE": "PRIMARY", "SYS_STATUS": 4 } } } },
      { "expect": { "elapsed_since": "m", "at_most_ms": 1600 } },
      { "expect": { "trace": { "kind": "raft.leader", "instance": "BP13", "since": "m" }, "count": 0 } },
      { "hold": { "not": { "group": "RAFT_2", "no_leader": true } }, "for_ms": 1000 },
      { "expect": { "any": [ { "catalog_consistent": true }, { "group": "RAFT_2", "min_term": 1 } ] } }
    ] })");
  ASSERT_TRUE(l.ok()) << all_messages(l);
  const Scenario& s = *l.scenario;
  EXPECT_EQ(s.name, "everything");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.jitter_ms, 20);
  EXPECT_EQ(s.profile.dminit, from_ms(100));
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_DOUBLE_EQ(s.links[0].loss, 0.1);
  EXPECT_EQ(s.topology.cluster, "local-7.2");
  ASSERT_EQ(s.steps.size(), 12u);
  EXPECT_EQ(s.steps[0].kind, ScenarioStep::Kind::Do);
  EXPECT_EQ(s.steps[0].note, "first the MP");
  EXPECT_EQ(*s.steps[1].expect_error, "not registered");
  EXPECT_EQ(s.steps[3].kind, ScenarioStep::Kind::Mark);
  ASSERT_TRUE(s.steps[3].mark_at.has_value());
  EXPECT_EQ(s.steps[3].mark_at->instance, "BP13");
  EXPECT_EQ(s.steps[4].kind, ScenarioStep::Kind::WaitUntil);
  EXPECT_EQ(s.steps[4].within_ms, 5000);
  EXPECT_EQ(s.steps[4].condition.kind, Condition::Kind::Group);
  EXPECT_EQ(*s.steps[4].condition.group.leader, "BP11");
  EXPECT_EQ(s.steps[5].condition.instance.role, "leader");
  EXPECT_EQ(s.steps[6].condition.kind, Condition::Kind::Sql);
  EXPECT_TRUE(s.steps[6].condition.needs_io());
  EXPECT_EQ(s.steps[7].condition.catalog.row.at("SYS_STATUS"), "4");
  EXPECT_EQ(s.steps[8].condition.elapsed.at_most_ms, 1600);
  EXPECT_EQ(s.steps[9].condition.trace.count, 0);
  EXPECT_EQ(s.steps[10].kind, ScenarioStep::Kind::Hold);
  EXPECT_EQ(s.steps[10].condition.kind, Condition::Kind::Not);
  EXPECT_FALSE(s.steps[10].condition.needs_io());
  EXPECT_EQ(s.steps[11].condition.children.size(), 2u);
  EXPECT_GT(s.steps[4].line, s.steps[0].line);
}

TEST(ScenarioParse, NameDefaultsToTheFileStemAndSeedToOne) {
  const auto l = load(R"({"topology": "topologies/local-7.1.json", "steps": [{"do": "deploy"}]})");
  ASSERT_TRUE(l.ok()) << all_messages(l);
  EXPECT_EQ(l.scenario->name, "parse-test");
  EXPECT_EQ(l.scenario->seed, 1u);
  EXPECT_EQ(l.scenario->transcript_path(), std::string(DPC_SOURCE_DIR) + "/scenarios/parse-test.transcript");
}

TEST(ScenarioParse, InlineTopology) {
  const auto l = load(R"({"topology": {"cluster": "mini", "defaults": {"host": "127.0.0.1", "base_dir": "/tmp/m"},
      "mp": {"instances": [{"name": "MP"}]}, "sp": [{"name": "SP1"}],
      "bp_rafts": [{"name": "RAFT_1", "replicas": 3}]},
    "steps": [{"do": "deploy"}]})");
  ASSERT_TRUE(l.ok()) << all_messages(l);
  EXPECT_EQ(l.scenario->topology_source, "<inline>");
  EXPECT_EQ(l.scenario->topology.cluster, "mini");
}

TEST(ScenarioParse, ALinkNamesAHostOrAnInstanceOfTheTopology) {
  const auto l = load(R"({"topology": "topologies/local-7.2.json",
    "sim": {"links": [{"a": "BP11", "b": "BP99", "latency_ms": 2}, {"a": "127.0.0.1", "b": "127.0.0.1"}]},
    "steps": [{"do": "deploy"}]})");
  ASSERT_FALSE(l.ok());
  const std::string msg = all_messages(l);
  EXPECT_NE(msg.find("sim.links[0].b: 'BP99' is neither a host nor an instance of the topology"),
            std::string::npos)
      << msg;
  EXPECT_EQ(msg.find("sim.links[1]"), std::string::npos) << "a host pair is fine: " << msg;
}

TEST(ScenarioParse, SyntaxErrorGivesLineAndColumn) {
  const auto l = load("{\n  \"steps\": [\n    {\"do\": \"deploy\"}\n    {\"do\": \"stop\"}\n  ]\n}");
  ASSERT_FALSE(l.ok());
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.diagnostics[0].line, 4);
  EXPECT_NE(l.diagnostics[0].message.find("not valid JSON"), std::string::npos);
}

TEST(ScenarioParse, ADeviceOrFifoIsRefusedAtOnceNamingTheFile) {
  const auto l = load_scenario_file("/dev/zero");
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.diagnostics[0].message,
            "the scenario file /dev/zero is a character device, not a regular file");
}

TEST(ScenarioParse, AByteOrderMarkKeepsPositionsRight) {
  const auto l = load("\xEF\xBB\xBF{\n  \"steps\": [\n    {\"do\": \"deploy\"}\n    {\"do\": \"stop\"}\n  ]\n}");
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.diagnostics[0].line, 4);
  EXPECT_EQ(l.diagnostics[0].column, 5);
}

TEST(ScenarioParse, NumbersAreFiniteNonNegativeAndBounded) {
  // Before: a never-true wait_until grew memory with within_ms until it
  // aborted; for_ms near 2^62 overflowed and the hold passed without holding;
  // link latencies of 1e300 or below zero were taken.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("steps": [{"wait_until": {"group": "RAFT_1", "open": true}, "within_ms": 86400001}])",
       "steps[0].within_ms: must be a whole number from 1 to 86400000"},
      {R"("steps": [{"hold": {"group": "RAFT_1", "open": true}, "for_ms": 4611686018427387904}])",
       "steps[0].for_ms: must be a whole number from 1 to 86400000"},
      {R"("steps": [{"hold": {"group": "RAFT_1", "open": true}, "for_ms": 18446744073709551615}])",
       "steps[0].for_ms: must be a whole number from 1 to 86400000"},
      {R"("steps": [{"expect": {"group": "RAFT_1", "open": true}, "poll_ms": 0}])",
       "steps[0].poll_ms: must be a whole number from 1 to 86400000"},
      {R"("sim": {"links": [{"a": "127.0.0.1", "b": "127.0.0.1", "latency_ms": 1e300}]}, "steps": [])",
       "sim.links[0].latency_ms: must be a number from 0 to 60000"},
      {R"("sim": {"links": [{"a": "127.0.0.1", "b": "127.0.0.1", "jitter_ms": -1}]}, "steps": [])",
       "sim.links[0].jitter_ms: must be a number from 0 to 60000"},
      {R"("sim": {"links": [{"a": "127.0.0.1", "b": "127.0.0.1", "loss": 1.5}]}, "steps": [])",
       "sim.links[0].loss: must be a number from 0 to 1"},
      {R"("sim": {"jitter_ms": 60001}, "steps": [])", "sim.jitter_ms: must be a whole number from 0 to 60000"},
      {R"("sim": {"seed": 9223372036854775808}, "steps": [])", "sim.seed: must be a whole number >= 0"},
  };
  for (const auto& [body, expected] : cases) {
    const auto l = load(R"({"topology": "topologies/local-7.2.json", )" + body + "}");
    EXPECT_FALSE(l.ok()) << body;
    const std::string msg = all_messages(l);
    EXPECT_NE(msg.find(expected), std::string::npos) << body << "\n" << msg;
  }
  const auto ok = load(R"({"topology": "topologies/local-7.2.json",
    "sim": {"links": [{"a": "127.0.0.1", "b": "127.0.0.1", "latency_ms": 60000, "loss": 1}]},
    "steps": [{"wait_until": {"group": "RAFT_1", "open": true}, "within_ms": 86400000}]})");
  EXPECT_TRUE(ok.ok()) << all_messages(ok);
}

TEST(ScenarioParse, UnknownFieldSuggestsTheKnownOneWithItsLine) {
  const auto l = load(R"({"topology": "topologies/local-7.2.json",
    "steps": [
      {"do": "deploy"},
      {"wait_until": {"group": "RAFT_1", "leadr": "BP11"}, "within_ms": 10}
    ]})");
  ASSERT_FALSE(l.ok());
  const std::string msg = all_messages(l);
  EXPECT_NE(msg.find("parse-test.json:4:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("steps[1].wait_until.leadr: unknown field \"leadr\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean \"leader\"?"), std::string::npos) << msg;
}

TEST(ScenarioParse, ADoLineIsCheckedAgainstTheCommandTableWhenTheFileLoads) {
  const auto l = load(R"({"topology": "topologies/local-7.2.json",
    "steps": [
      {"do": "kill BP99"},
      {"do": "partition BP11"},
      {"do": "crash-host BP11"},
      {"do": "advance soon"},
      {"do": "kill BP11"}
    ]})");
  ASSERT_FALSE(l.ok());
  const std::string msg = all_messages(l);
  EXPECT_NE(msg.find("steps[0].do: kill: no instance 'BP99' in the topology"), std::string::npos) << msg;
  EXPECT_NE(msg.find("fix: usage: kill INST"), std::string::npos) << msg;
  EXPECT_NE(msg.find("steps[1].do: usage: partition A B [oneway]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("steps[2].do: crash-host: no host named 'BP11'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("steps[3].do: advance: 'soon' is not a number >= 0"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("steps[4]"), std::string::npos) << "a good line is not reported: " << msg;
}

TEST(ScenarioParse, ReportsEveryProblemAtOnce) {
  const auto l = load(R"({"topology": "topologies/local-7.2.json",
    "steps": [
      {"do": "deply"},
      {"wait_until": {"instance": "BP14", "status": "OPEN"}},
      {"expect": {"instance": "BP11", "status": "open"}},
      {"expect": {"group": "RAFT_9", "leader": "BP11"}},
      {"expect": {"elapsed_since": "never-set", "at_most_ms": 5}},
      {"do": "kill BP11", "mark": "x"},
      {"hold": {"group": "RAFT_1", "no_leader": true}}
    ]})");
  ASSERT_FALSE(l.ok());
  const std::string msg = all_messages(l);
  EXPECT_NE(msg.find("unknown command \"deply\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean \"deploy\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("needs \"within_ms\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("no instance \"BP14\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"open\" is not one of"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean \"OPEN\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("no RAFT group \"RAFT_9\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("no earlier step sets the mark \"never-set\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("exactly one of"), std::string::npos) << msg;
  EXPECT_NE(msg.find("needs \"for_ms\""), std::string::npos) << msg;
  EXPECT_EQ(l.diagnostics.size(), 8u);
}

TEST(ScenarioParse, MissingTopologyAndStepsAreErrors) {
  const auto l = load("{}");
  ASSERT_FALSE(l.ok());
  const std::string msg = all_messages(l);
  EXPECT_NE(msg.find("missing field \"topology\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing field \"steps\""), std::string::npos) << msg;
}

TEST(ScenarioParse, TopologyProblemsNameTheTopologyFile) {
  const auto l = load(R"({"topology": "topologies/no-such.json", "steps": [{"do": "deploy"}]})");
  ASSERT_FALSE(l.ok());
  EXPECT_NE(all_messages(l).find("no-such.json"), std::string::npos) << all_messages(l);
}

TEST(ScenarioParse, InlineTopologyErrorsPointIntoTheScenario) {
  const auto l = load(R"({"topology": {"cluster": "bad", "mp": {"instances": [{"name": "MP", "prot_num": 1}]}},
                          "steps": [{"do": "deploy"}]})");
  ASSERT_FALSE(l.ok());
  const std::string msg = all_messages(l);
  EXPECT_NE(msg.find("topology."), std::string::npos) << msg;
}

TEST(ScenarioParse, ContradictionsAreRefused) {
  const auto l = load(R"({"topology": "topologies/local-7.2.json", "steps": [
      {"do": "deploy", "expect_error": "x", "expect_output": "y"},
      {"expect": {"group": "RAFT_1", "no_leader": true, "leader": "BP11"}},
      {"expect": {"sql": {"on": "SP1", "query": "SELECT 1"}, "ok": true, "error_contains": "x"}},
      {"expect": {"instance": "BP11"}},
      {"expect": {"catalog": {"table": "DPC_INSTANCE"}}}
    ]})");
  ASSERT_FALSE(l.ok());
  const std::string msg = all_messages(l);
  EXPECT_NE(msg.find("cannot both fail"), std::string::npos) << msg;
  EXPECT_NE(msg.find("contradicts the leader"), std::string::npos) << msg;
  EXPECT_NE(msg.find("contradicts \"error_contains\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("needs something to check"), std::string::npos) << msg;
  EXPECT_NE(msg.find("needs \"row\""), std::string::npos) << msg;
}

TEST(ScenarioParse, DuplicateKeysAreErrors) {
  const auto l = load(R"({"topology": "topologies/local-7.2.json", "steps": [{"do": "deploy", "do": "stop"}]})");
  ASSERT_FALSE(l.ok());
  EXPECT_NE(all_messages(l).find("written twice"), std::string::npos);
}

TEST(ScenarioParse, FieldNamesArePublishedPerLevel) {
  EXPECT_EQ(scenario_field_names("top").size(), 6u);
  EXPECT_FALSE(scenario_field_names("step").empty());
  EXPECT_TRUE(scenario_field_names("nope").empty());
}

TEST(ScenarioParse, IsScenarioFileTellsScenariosFromTopologies) {
  EXPECT_FALSE(is_scenario_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json"));
  EXPECT_TRUE(is_scenario_file(std::string(DPC_SOURCE_DIR) + "/scenarios/no-such-file.json"));
}

}  // namespace
}  // namespace dpc::sim

namespace dpc::sim {
namespace {

TEST(ScenarioParse, MayFailBelongsToADoStepAndLeavesTheOutcomeOpen) {
  const std::string file = std::string(DPC_SOURCE_DIR) + "/scenarios/parse-test.json";
  auto ok = load_scenario_text(R"({"topology": "topologies/local-7.2.json", "steps": [
      {"do": "kill leader:RAFT_1", "may_fail": true}, {"do": "resume"}, {"do": "isolate BP11,BP12"}]})", file);
  ASSERT_TRUE(ok.ok()) << format_diagnostics(ok.diagnostics, file);
  EXPECT_TRUE(ok.scenario->steps[0].may_fail);
  EXPECT_FALSE(ok.scenario->steps[1].may_fail);
  auto both = load_scenario_text(R"({"topology": "topologies/local-7.2.json", "steps": [
      {"do": "deploy", "may_fail": true, "expect_error": "x"}, {"expect": {"catalog_consistent": true}, "may_fail": true}]})", file);
  ASSERT_FALSE(both.ok());
  const std::string text = format_diagnostics(both.diagnostics, file);
  EXPECT_NE(text.find("steps[0].may_fail"), std::string::npos) << text;
  EXPECT_NE(text.find("\"may_fail\" belongs to a \"do\" step"), std::string::npos) << text;
}

}  // namespace
}  // namespace dpc::sim
