#include "bench/cluster_workload.h"

#include <gtest/gtest.h>

#include <set>

namespace dpc::sim {
namespace {

Topology mini() {
  auto topo = load_bench_topology(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/mini-3replica.json");
  EXPECT_TRUE(topo.ok()) << topo.message();
  return topo.ok() ? *topo : Topology{};
}

TEST(ScaleTopology, GroupsOfThreeSpreadOverThreeHosts) {
  auto topo = scale_topology(10);
  ASSERT_TRUE(topo.ok()) << topo.message();
  EXPECT_EQ(topo->instances.size(), 32u);  // MP, SP, 30 BPs
  const RaftGroup* g = topo->find_raft("RAFT_7");
  ASSERT_NE(g, nullptr);
  std::set<std::string> hosts;
  for (const Instance* i : topo->members_of(*g)) hosts.insert(i->host);
  EXPECT_EQ(hosts, (std::set<std::string>{"h1", "h2", "h3"}));
  EXPECT_EQ(topo->find_instance("BP7_1")->raft_vote_interval, 1500);
}

TEST(DeployFailover, ManualIntervalsElectTheFirstMemberThenTheSecond) {
  const DeployFailoverRun r = run_deploy_failover(mini(), 1, BenchSimOptions{});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.group, "RAFT_1");
  EXPECT_EQ(r.first_leader, "BP11");
  EXPECT_EQ(r.new_leader, "BP12");
  // RAFT_VOTE_INTERVAL 1500 of the first member (the others start MOUNT
  // within a few ms of it), then the PRIMARY/OPEN delay.
  EXPECT_GE(r.first_election_ms, 1500.0);
  EXPECT_LE(r.first_election_ms, 1600.0);
  EXPECT_GT(r.first_open_ms, r.first_election_ms);
  // BP12 waits its 2000 ms from the last heartbeat it heard before the kill.
  EXPECT_GE(r.failover_ms, 1849.0);
  EXPECT_LE(r.failover_ms, 2002.0);
  EXPECT_GT(r.failover_open_ms, r.failover_ms);
  EXPECT_EQ(r.failover_terms, 1);
  EXPECT_GT(r.deploy_ms, r.first_open_ms);
  EXPECT_GT(r.events, 0u);
  EXPECT_EQ(r.violations, 0u);
}

TEST(DeployFailover, SameSeedSameRunAndSeedsMoveTheKill) {
  const Topology topo = mini();
  BenchSimOptions o;
  o.jitter_ms = 500;
  const DeployFailoverRun a = run_deploy_failover(topo, 5, o);
  const DeployFailoverRun b = run_deploy_failover(topo, 5, o);
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_EQ(a.failover_ms, b.failover_ms);
  EXPECT_EQ(a.first_election_ms, b.first_election_ms);
  EXPECT_EQ(a.events, b.events);
  std::set<double> offsets;
  for (uint64_t seed = 1; seed <= 8; ++seed) offsets.insert(run_deploy_failover(topo, seed, o).kill_offset_ms);
  EXPECT_GT(offsets.size(), 4u);
}

TEST(DeployFailover, WithoutTimelineOnlyTheFailoverEndIsTimed) {
  BenchSimOptions o;
  o.timeline = false;
  const DeployFailoverRun r = run_deploy_failover(mini(), 1, o);
  const DeployFailoverRun full = run_deploy_failover(mini(), 1, BenchSimOptions{});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.first_leader, "BP11");
  EXPECT_EQ(r.new_leader, "BP12");
  EXPECT_EQ(r.first_election_ms, 0.0);
  EXPECT_EQ(r.failover_ms, 0.0);
  // The same run as with the timeline, seen at event granularity.
  EXPECT_NEAR(r.failover_open_ms, full.failover_open_ms, 0.001);
  EXPECT_EQ(r.kill_offset_ms, full.kill_offset_ms);
}

TEST(DeployFailover, UnknownGroupIsAnError) {
  const DeployFailoverRun r = run_deploy_failover(mini(), 1, BenchSimOptions{}, "RAFT_9");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("RAFT_9"), std::string::npos);
}

TEST(Startup, SequentialOrderTakesLongerThanParallelAndNamesTheCriticalPath) {
  const Topology topo = mini();
  const StartupRun seq = run_startup(topo, 1, 1);
  const StartupRun par = run_startup(topo, 4, 1);
  ASSERT_TRUE(seq.ok) << seq.error;
  ASSERT_TRUE(par.ok) << par.error;
  EXPECT_GT(seq.total_ms, par.total_ms);
  EXPECT_EQ(seq.steps, par.steps);
  ASSERT_FALSE(par.critical_path.empty());
  const auto& last = par.critical_path.back();
  EXPECT_NEAR(last.start_ms + last.duration_ms, par.total_ms, 1.0);
}

TEST(ScaleRun, IdleGroupsKeepTheirLeaders) {
  auto topo = scale_topology(2);
  ASSERT_TRUE(topo.ok()) << topo.message();
  ScaleRun run(*topo, 3, BenchSimOptions{});
  ASSERT_TRUE(run.deploy().ok());
  const uint64_t before = run.events();
  const int64_t t0 = run.now_ms();
  run.idle(10'000);
  EXPECT_EQ(run.now_ms(), t0 + 10'000);
  EXPECT_GT(run.events(), before + 100);  // heartbeats at least
  EXPECT_EQ(run.groups_with_leader(), 2);
  EXPECT_EQ(run.violations(), 0u);
  EXPECT_EQ(run.instances(), 8u);
  auto took = run.failover("RAFT_2");
  ASSERT_TRUE(took.ok()) << took.message();
  EXPECT_GT(*took, 1800.0);  // BP2_2's 2000 ms, less the time since the last heartbeat, + PRIMARY/OPEN
  EXPECT_LT(*took, 2400.0);
  EXPECT_FALSE(run.failover("RAFT_9").ok());
}

}  // namespace
}  // namespace dpc::sim
