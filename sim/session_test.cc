// End-to-end deployments on the simulator through the real plan, executor
// and SimBackend: every example topology deploys healthy and stops without a
// HALT; the same seed gives the same trace; a failure injected at any step of
// the 7.2 and 7.3 plans, then --resume, ends in the same healthy cluster; a
// second deploy of a healthy cluster changes nothing.
#include "sim/session.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/endpoints.h"
#include "core/fault_backend.h"
#include "core/journal.h"
#include "core/topology_load.h"

namespace dpc::sim {
namespace {

Topology load(const std::string& name) {
  auto out = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + name);
  EXPECT_TRUE(out.ok()) << name;
  return *out.topology;
}

/// Every BP/MP group is led by its lowest-vote-interval voter, PRIMARY/OPEN.
void expect_preferred_leaders(SimSession& s) {
  for (const auto& g : s.topology().rafts) {
    if (!g.replicated()) continue;
    const Instance* best = nullptr;
    for (const Instance* m : s.topology().members_of(g)) {
      if (m->kind != ReplicaKind::Voter) continue;
      if (!best || m->raft_vote_interval < best->raft_vote_interval) best = m;
    }
    auto leader = s.cluster().group_leader(g.name);
    ASSERT_TRUE(leader.has_value()) << g.name;
    EXPECT_EQ(*leader, best->name) << g.name;
    auto v = s.cluster().view(*leader);
    EXPECT_EQ(v.mode, "PRIMARY") << *leader;
    EXPECT_EQ(v.status, "OPEN") << *leader;
  }
}

TEST(SimDeploy, EveryExampleTopologyDeploysHealthyAndStopsWithoutHalt) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies")) {
    const std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".json" || file.rfind("bad-", 0) == 0) continue;
    SCOPED_TRACE(file);
    SimSession s(load(file), SimOptions{});
    auto report = s.deploy();
    ASSERT_TRUE(report.ok) << report.error;
    ClusterStatus st = s.status();
    EXPECT_TRUE(st.healthy) << st.health_note;
    for (const auto& i : st.instances) EXPECT_EQ(i.status, "OPEN") << i.name;
    expect_preferred_leaders(s);
    auto stopped = s.stop();
    ASSERT_TRUE(stopped.ok) << stopped.error;
    for (const auto& inst : s.topology().instances) {
      auto v = s.cluster().view(inst.name);
      EXPECT_FALSE(v.running) << inst.name;
      EXPECT_FALSE(v.halted) << inst.name << ": " << v.last_error;
    }
    EXPECT_TRUE(s.cluster().violations().empty());
  }
}

TEST(SimDeploy, SameSeedGivesTheSameTraceAndTime) {
  std::string hash;
  Millis took = -1;
  for (int run = 0; run < 2; ++run) {
    SimOptions so;
    so.seed = 7;
    SimSession s(load("local-7.3.json"), so);
    auto report = s.deploy();
    ASSERT_TRUE(report.ok) << report.error;
    if (run == 0) {
      hash = s.cluster().trace().hash_hex();
      took = report.finished - report.started;
    } else {
      EXPECT_EQ(s.cluster().trace().hash_hex(), hash);
      EXPECT_EQ(report.finished - report.started, took);
    }
  }
}

TEST(SimDeploy, StopPlanFollowsTheManualsOrder) {
  SimSession s(load("local-7.2.json"), SimOptions{});
  ASSERT_TRUE(s.deploy().ok);
  auto report = s.stop();
  ASSERT_TRUE(report.ok) << report.error;
  // Every SP stopped before any BP, every BP before the MP.
  Millis last_sp = 0, first_bp = INT64_MAX, last_bp = 0, mp = 0;
  for (const auto& rec : report.records) {
    const Step* step = s.stop_plan().find(rec.id);
    const Instance* inst = step->instance.empty() ? nullptr : s.topology().find_instance(step->instance);
    Role role = inst ? inst->role : (step->id.find("MP_RAFT") != std::string::npos ? Role::MP : Role::BP);
    if (role == Role::SP) last_sp = std::max(last_sp, rec.finished);
    if (role == Role::BP) first_bp = std::min(first_bp, rec.started), last_bp = std::max(last_bp, rec.finished);
    if (role == Role::MP) mp = std::max(mp, rec.started);
  }
  EXPECT_LE(last_sp, first_bp);
  EXPECT_LE(last_bp, mp);
}

TEST(SimDeploy, SecondDeployOfAHealthyClusterChangesNothing) {
  SimSession s(load("local-7.2.json"), SimOptions{});
  ASSERT_TRUE(s.deploy().ok);
  ExecutorOptions o;
  o.endpoints = sql_endpoints(s.topology());
  Executor exec(s.backend(), o);
  auto tools_before = s.cluster().trace().find("tool").size();
  auto starts_before = s.cluster().trace().find("server.start").size();
  EXPECT_TRUE(exec.already_deployed(s.deploy_plan()));
  EXPECT_EQ(s.cluster().trace().find("tool").size(), tools_before);
  EXPECT_EQ(s.cluster().trace().find("server.start").size(), starts_before);
  // And before any deployment it is not.
  SimSession fresh(load("local-7.2.json"), SimOptions{});
  Executor exec2(fresh.backend(), o);
  EXPECT_FALSE(exec2.already_deployed(fresh.deploy_plan()));
}

/// Fails every backend operation from the moment step `index` starts, so
/// that step fails; then resumes without faults and expects a healthy cluster.
void fail_at_step_then_resume(const std::string& topology, size_t index) {
  SimSession s(load(topology), SimOptions{});
  const Plan& plan = s.deploy_plan();
  const std::string id = plan.steps[index].id;
  SCOPED_TRACE("failure injected at step " + id);
  FaultInjectingBackend faulty(s.backend());
  Journal journal;
  ExecutorOptions o;
  o.parallel = 1;
  o.journal = &journal;
  o.endpoints = sql_endpoints(s.topology());
  o.on_event = [&](const StepEvent& ev) {
    if (ev.kind == StepEvent::Kind::Started && ev.step->id == id) {
      faulty.add_rule(FaultRule{[](const OpInfo&) { return true; }, 0, -1, 0, "injected fault"});
    }
  };
  auto failed = Executor(faulty, o).run(plan);
  ASSERT_FALSE(failed.ok);
  EXPECT_EQ(failed.failed_step, id);
  faulty.clear_rules();
  o.on_event = nullptr;
  o.resume = true;
  o.parallel = 4;
  auto resumed = Executor(faulty, o).run(plan);
  ASSERT_TRUE(resumed.ok) << resumed.error;
  EXPECT_GE(resumed.skipped, static_cast<int>(index) / 2) << "resume should skip what still holds";
  ClusterStatus st = s.status();
  EXPECT_TRUE(st.healthy) << st.health_note;
  expect_preferred_leaders(s);
  EXPECT_TRUE(s.cluster().violations().empty());
}

TEST(SimDeploy, FailureAtEveryStepOf72ThenResumeEndsHealthy) {
  SimSession probe(load("local-7.2.json"), SimOptions{});
  for (size_t i = 0; i < probe.deploy_plan().steps.size(); ++i) fail_at_step_then_resume("local-7.2.json", i);
}

TEST(SimDeploy, FailureAtEveryStepOf73ThenResumeEndsHealthy) {
  SimSession probe(load("local-7.3.json"), SimOptions{});
  for (size_t i = 0; i < probe.deploy_plan().steps.size(); ++i) fail_at_step_then_resume("local-7.3.json", i);
}

TEST(SimSessionCommands, UnknownCommandAndBadUsageSayWhatToDo) {
  SimSession s(load("local-7.1.json"), SimOptions{});
  auto r = s.execute("frobnicate");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("type 'help'"), std::string::npos);
  r = s.execute("deploy upto no-such-step");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("no step 'no-such-step'"), std::string::npos);
  r = s.execute("start NOPE");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("no instance 'NOPE'"), std::string::npos);
}

TEST(SimSessionCommands, FaultsNameHostsOrInstancesOfTheTopology) {
  SimSession s(load("local-7.2.json"), SimOptions{});
  auto r = s.execute("partition BP11 BP99");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("no host or instance named 'BP99' in cluster local-7.2; hosts: 127.0.0.1"),
            std::string::npos)
      << r.error;
  r = s.execute("crash-host BP11");
  EXPECT_FALSE(r.ok) << "an instance is not a host";
  EXPECT_NE(r.error.find("no host named 'BP11'"), std::string::npos) << r.error;
  r = s.execute("link BP11 127.0.0.1 5");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("two hosts or two instances"), std::string::npos) << r.error;
  r = s.execute("partition BP11 BP11");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(s.execute("partition BP11 BP12").ok);
  EXPECT_TRUE(s.execute("heal BP11 BP12").ok);
  EXPECT_TRUE(s.execute("link 127.0.0.1 127.0.0.1 0.2").ok);
}

TEST(SimSessionCommands, NumbersAreFiniteNonNegativeAndBounded) {
  // Before: link accepted inf, nan, negative and 1e300 latencies (and then
  // delivered instantly); advance and jitter took any size.
  SimSession s(load("local-7.1.json"), SimOptions{});
  for (const char* bad : {"link 127.0.0.1 127.0.0.1 inf", "link 127.0.0.1 127.0.0.1 nan",
                          "link 127.0.0.1 127.0.0.1 -1", "link 127.0.0.1 127.0.0.1 1e300",
                          "link 127.0.0.1 127.0.0.1 60001", "link 127.0.0.1 127.0.0.1 5 inf",
                          "link 127.0.0.1 127.0.0.1 5 1 nan", "link 127.0.0.1 127.0.0.1 5 1 1.5",
                          "link 127.0.0.1 127.0.0.1 5 1 -0.1", "advance 86400001",
                          "advance 4611686018427387904", "advance 99999999999999999999",
                          "jitter BP1 60001", "jitter BP1 99999999999999999999",
                          "deploy parallel 99999999999", "trace -1"}) {
    auto r = s.execute(bad);
    EXPECT_FALSE(r.ok) << bad;
    EXPECT_NE(r.error.find("usage"), std::string::npos) << bad << ": " << r.error;
  }
  EXPECT_TRUE(s.execute("link 127.0.0.1 127.0.0.1 60000 60000 1").ok);
  EXPECT_TRUE(s.execute("advance 86400000").ok);
  EXPECT_TRUE(s.execute("jitter BP1 60000").ok);
}

// Every example runs all its instances on one host: a partition by instance
// name must still cut exactly that RAFT traffic.
TEST(SimSessionCommands, APartitionBetweenInstancesOnOneHostMovesTheLeadership) {
  SimSession s(load("local-7.2.json"), SimOptions{});
  ASSERT_TRUE(s.execute("deploy").ok);
  ASSERT_EQ(s.cluster().group_leader("RAFT_1"), "BP11");
  ASSERT_TRUE(s.execute("partition BP11 BP12").ok);
  ASSERT_TRUE(s.execute("partition BP11 BP13").ok);
  ASSERT_TRUE(s.execute("advance 10000").ok);
  EXPECT_EQ(s.cluster().group_leader("RAFT_1"), "BP12") << "the majority elects the next preferred member";
  EXPECT_EQ(s.cluster().view("BP11").mode, "STANDBY") << "the isolated leader stepped down";
  EXPECT_EQ(s.cluster().group_leader("RAFT_2"), "BP21") << "the other group is untouched";
}

TEST(SimSessionCommands, DeployUptoThenTheRest) {
  SimSession s(load("local-7.1.json"), SimOptions{});
  auto r = s.execute("deploy upto verify-registration");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(s.step_done("register:MP"));
  EXPECT_FALSE(s.step_done("start:BP1"));
  r = s.execute("sql SP1 SELECT 1 FROM DUAL");
  EXPECT_FALSE(r.ok);  // the SP is not even started
  r = s.execute("deploy");
  ASSERT_TRUE(r.ok) << r.error;
  r = s.execute("sql SP1 SELECT 1 FROM DUAL");
  EXPECT_TRUE(r.ok) << r.error;
}

TEST(SplitCommand, KeepsTheSqlStatementWhole) {
  auto w = split_command("sql MP SELECT * FROM DPC_INSTANCE WHERE NAME = 'BP11'");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[2], "SELECT * FROM DPC_INSTANCE WHERE NAME = 'BP11'");
  w = split_command("  partition  BP11 'BP 12' oneway ");
  EXPECT_EQ(w, (std::vector<std::string>{"partition", "BP11", "BP 12", "oneway"}));
}

}  // namespace
}  // namespace dpc::sim
