// dpcctl's cluster commands on the simulated cluster (`ctl ...`, core's
// cluster_ops through SimSession) and the history that keeps a simulated
// cluster across commands (sim_history.h): replays give the same cluster,
// byte for byte; a history that does not replay is refused, naming the
// line; a history becomes a scenario.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/cluster_ops.h"
#include "core/fault_backend.h"
#include "core/topology_load.h"
#include "sim/session.h"
#include "sim/sim_history.h"

namespace dpc::sim {
namespace {

namespace fs = std::filesystem;

Topology load72() {
  auto out = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json");
  EXPECT_TRUE(out.ok());
  return *out.topology;
}

SimOptions options(uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  o.jitter_ms = 100;
  return o;
}

TEST(SessionCtl, KillingTheLeaderWaitsForAndNamesTheNewOne) {
  SimSession s(load72(), options(4));
  ASSERT_TRUE(s.execute("ctl deploy").ok);
  CommandResult r = s.execute("ctl kill BP11");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_NE(r.output.find("BP11 was the leader of RAFT_1; the new leader is BP12"), std::string::npos) << r.output;
  EXPECT_EQ(s.cluster().group_leader("RAFT_1"), std::optional<std::string>("BP12"));
  ClusterStatus st = s.status();
  EXPECT_TRUE(st.healthy);
  EXPECT_TRUE(st.degraded);
  EXPECT_EQ(st.exit_code(), 1);
  for (const auto& i : st.instances) EXPECT_EQ(i.state, i.name == "BP11" ? "DOWN" : "RUNNING") << i.name;
}

TEST(SessionCtl, TheMpAndAMajorityAreNotStoppedWhileTheRestRunsUnlessForced) {
  SimSession s(load72(), options(1));
  ASSERT_TRUE(s.execute("ctl deploy").ok);
  CommandResult mp = s.execute("ctl stop MP");
  EXPECT_FALSE(mp.ok);
  EXPECT_NE(mp.error.find("REDO"), std::string::npos) << mp.error;
  EXPECT_FALSE(s.execute("ctl kill -N BP21,BP22").ok);
  EXPECT_TRUE(s.cluster().view("MP").running);
  CommandResult forced = s.execute("ctl stop MP --force");
  EXPECT_TRUE(forced.ok) << forced.error;
  EXPECT_FALSE(s.cluster().view("MP").running);
}

TEST(SessionCtl, DeployOnACompleteClusterIsANoOpAndOnAStoppedOneRefused) {
  SimSession s(load72(), options(2));
  ASSERT_TRUE(s.execute("ctl deploy").ok);
  CommandResult again = s.execute("ctl deploy");
  EXPECT_TRUE(again.ok);
  EXPECT_NE(again.output.find("already deployed and healthy"), std::string::npos);
  ASSERT_TRUE(s.execute("ctl stop").ok);
  CommandResult refused = s.execute("ctl deploy");
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.error.find("dpcctl start"), std::string::npos) << refused.error;
  CommandResult started = s.execute("ctl start");
  ASSERT_TRUE(started.ok) << started.error;
  EXPECT_EQ(s.status().exit_code(), 0);
}

TEST(SessionCtl, ResumeFinishesADeploymentThatStoppedHalfWay) {
  SimSession s(load72(), options(3));
  ASSERT_TRUE(s.execute("deploy upto start:MP").ok);
  CommandResult refused = s.execute("ctl deploy");
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.error.find("partly running"), std::string::npos) << refused.error;
  CommandResult resumed = s.execute("ctl deploy --resume");
  ASSERT_TRUE(resumed.ok) << resumed.error;
  EXPECT_EQ(s.status().exit_code(), 0);
}

TEST(SessionCtl, AForcedStopOfTheMpLeavesTheOthersHaltedAndStatusSaysSo) {
  SimSession s(load72(), options(5));
  ASSERT_TRUE(s.execute("ctl deploy").ok);
  ASSERT_TRUE(s.execute("ctl stop MP --force").ok);
  s.cluster().advance(60000);
  ClusterStatus st = s.status();
  EXPECT_FALSE(st.healthy);
  size_t halted = 0;
  for (const auto& i : st.instances) halted += i.state == "HALTED";
  EXPECT_GT(halted, 0u) << format_status(st);
  EXPECT_NE(format_status(st).find("HALTED"), std::string::npos);
}

TEST(ClusterStatusTruth, AServerThatDoesNotAnswerIsUnreachableAndAMissingViewIsNamed) {
  SimSession s(load72(), options(6));
  ASSERT_TRUE(s.execute("ctl deploy").ok);
  FaultInjectingBackend faulty(s.backend());
  FaultRule unreachable;
  unreachable.match = [](const OpInfo& op) { return op.kind == OpInfo::Kind::Sql && op.instance == "BP13"; };
  unreachable.times = -1;
  unreachable.message = "[-70028]: connection refused";
  faulty.add_rule(unreachable);
  FaultRule no_view;
  no_view.match = [](const OpInfo& op) { return op.detail.find("V$RAFT_INFO") != std::string::npos; };
  no_view.times = -1;
  no_view.message = "[-2106]: invalid table or view name [V$RAFT_INFO]";
  faulty.add_rule(no_view);
  ClusterStatus st = gather_status(faulty, s.topology());
  for (const auto& i : st.instances) EXPECT_EQ(i.state, i.name == "BP13" ? "UNREACHABLE" : "RUNNING") << i.name;
  EXPECT_TRUE(st.healthy) << "the SP still serves";
  EXPECT_TRUE(st.degraded);
  ASSERT_EQ(st.notes.size(), 1u);
  EXPECT_NE(st.notes[0].find("V$RAFT_INFO is not available"), std::string::npos) << st.notes[0];
  const std::string text = format_status(st);
  EXPECT_NE(text.find("BP13 is unreachable: [-70028]: connection refused"), std::string::npos) << text;
  EXPECT_EQ(faulty.injected(), 2) << "BP13's V$INSTANCE, and V$RAFT_INFO probed once, not per member";
}

TEST(SessionCtl, SelectorsAndWordsAreCheckedAgainstTheTopology) {
  const Topology t = load72();
  auto all = select_instances(t, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), t.instances.size());
  auto some = select_instances(t, {"-R", "SP", "-G", "RAFT_2", "BP11"});
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(*some, (std::vector<std::string>{"SP1", "BP11", "BP21", "BP22", "BP23"}));
  auto bad = select_instances(t, {"-N", "BP11,BP99"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("no instance 'BP99'"), std::string::npos);
  EXPECT_FALSE(select_instances(t, {"-R", "XP"}).ok());
  EXPECT_FALSE(select_instances(t, {"-G", "RAFT_9"}).ok());
  EXPECT_FALSE(parse_cluster_op({"kill"}).ok()) << "kill needs instances";
  EXPECT_FALSE(parse_cluster_op({"switchover", "RAFT_1"}).ok()) << "switchover needs --to";
  EXPECT_FALSE(parse_cluster_op({"stop", "--bogus"}).ok());
  auto op = parse_cluster_op({"restart", "-N", "BP11", "--force"});
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(op->words(), (std::vector<std::string>{"restart", "-N", "BP11", "--force"}));
}

class History : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dpc-history-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    file_ = history_path(dir_.string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Applies `line` to `s` and records it as dpcctl does.
  void apply(SimSession& s, SimHistory& h, const std::string& line) {
    HistoryEntry e;
    e.at = s.cluster().now();
    e.line = line;
    e.ok = s.execute(line).ok;
    ASSERT_TRUE(append_history(file_, e).ok());
    h.entries.push_back(e);
  }

  fs::path dir_;
  std::string file_;
};

TEST_F(History, ReplayingAHistoryGivesTheSameClusterByteForByte) {
  SimHistory h;
  h.cluster = "local-7.2";
  h.topology = std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json";
  h.seed = 9;
  h.jitter_ms = 100;
  ASSERT_TRUE(create_history(file_, h).ok());
  SimSession first(load72(), options(9));
  for (const char* line : {"ctl deploy", "ctl kill BP11", "ctl status", "ctl stop", "ctl deploy", "ctl start",
                           "ctl switchover RAFT_2 --to BP22", "ctl restart BP13"}) {
    apply(first, h, line);
  }
  auto loaded = load_history(file_);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_EQ(loaded->entries.size(), 8u);
  EXPECT_FALSE(loaded->entries[4].ok) << "the deploy after the stop was refused, and recorded so";
  SimSession again(load72(), options(9));
  ASSERT_TRUE(replay_history(again, *loaded).ok());
  EXPECT_EQ(again.cluster().trace().hash_hex(), first.cluster().trace().hash_hex());
  EXPECT_EQ(again.cluster().now(), first.cluster().now());
}

TEST_F(History, ADeployAndAHundredCommandsReplay) {
  SimHistory h;
  h.cluster = "local-7.2";
  h.topology = "t.json";
  h.seed = 3;
  h.jitter_ms = 100;
  ASSERT_TRUE(create_history(file_, h).ok());
  SimSession first(load72(), options(3));
  apply(first, h, "ctl deploy");
  for (int i = 0; i < 50; ++i) {
    apply(first, h, "ctl status");
    apply(first, h, i % 2 ? "ctl restart SP1" : "ctl kill BP22");
  }
  ASSERT_EQ(h.entries.size(), 101u);
  SimSession again(load72(), options(3));
  ASSERT_TRUE(replay_history(again, h).ok());
  EXPECT_EQ(again.cluster().trace().hash_hex(), first.cluster().trace().hash_hex());
}

TEST_F(History, AHistoryThatDoesNotReplayIsRefusedNamingTheLine) {
  SimHistory h;
  h.cluster = "local-7.2";
  h.topology = "t.json";
  h.seed = 1;
  h.entries = {{0, true, "ctl deploy"}, {5, true, "ctl stop MP"}};
  SimSession s(load72(), options(1));
  Status st = replay_history(s, h);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("history entry 2 ('ctl stop MP')"), std::string::npos) << st.message();
}

TEST_F(History, AMalformedFileIsAnErrorNamingTheLine) {
  fs::create_directories(dir_);
  std::ofstream(file_) << "cluster c\ntopology t.json\nseed 1\nat x ok ctl deploy\n";
  auto h = load_history(file_);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.message().find(file_ + ":4:"), std::string::npos) << h.message();
  std::ofstream(file_) << "cluster c\nseed 1\n";
  EXPECT_FALSE(load_history(file_).ok()) << "no topology line";
}

TEST_F(History, AHistoryBecomesAScenario) {
  SimHistory h;
  h.cluster = "local-7.2";
  h.seed = 7;
  h.jitter_ms = 100;
  h.entries = {{0, true, "ctl deploy"}, {100, false, "ctl stop MP"}};
  const std::string text = history_scenario(h, "topologies/local-7.2.json", {{"MP", true}, {"BP11", false}});
  auto doc = nlohmann::json::parse(text.substr(text.find('\n') + 1));
  EXPECT_EQ(doc["topology"], "topologies/local-7.2.json");
  EXPECT_EQ(doc["sim"]["seed"], 7);
  EXPECT_EQ(doc["sim"]["jitter_ms"], 100);
  ASSERT_EQ(doc["steps"].size(), 3u);
  EXPECT_EQ(doc["steps"][0]["do"], "ctl deploy");
  EXPECT_TRUE(doc["steps"][1].contains("expect_error"));
  EXPECT_EQ(doc["steps"][2]["expect"]["all"][1]["running"], false);
}

}  // namespace
}  // namespace dpc::sim
