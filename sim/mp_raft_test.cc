// MP_RAFT (manual §7.3): the MPs elect, the leader serves the catalog and
// replicates it, SPs and BPs find the leader through mp.ini's sections, and
// the catalog survives the loss of the leader.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sim/model/invariants.h"
#include "sim/sim_test_util.h"

namespace dpc::sim {
namespace {

std::string read_topology(const std::string& name) {
  std::ifstream in(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct MpRaft : ::testing::Test {
  SimCluster c;
  void SetUp() override {
    auto r = simtest::deploy_json(c, read_topology("manual-7.3.json"));
    ASSERT_TRUE(r.ok) << r.failed_step << ": " << r.error << "\n" << c.trace().tail(30);
  }
};

TEST_F(MpRaft, TheFastestMpLeadsAndServesTheCatalog) {
  EXPECT_EQ(c.group_leader("MP_RAFT"), "MP1");
  c.advance(12'000);  // a few XMAL heartbeats: every report has arrived
  EXPECT_TRUE(c.check_catalog().empty()) << c.check_catalog()[0];
  auto rows = c.sql_sync("MP1", "SELECT NAME, SYS_MODE, SYS_STATUS, STATUS FROM DPC_INSTANCE");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->rows.size(), 5u);
  EXPECT_EQ(rows->rows[0][1], "PRIMARY");
  EXPECT_EQ(rows->rows[1][1], "STANDBY");
  EXPECT_EQ(rows->rows[1][2], "4");
  EXPECT_EQ(rows->rows[1][3], "1");
  auto on_follower = c.sql_sync("MP2", "SP_CREATE_DPC_RAFT('BP', 'BPRAFT_9')");
  ASSERT_FALSE(on_follower.ok());
  EXPECT_NE(on_follower.message().find("MP2 cannot change the catalog: it is not the MP_RAFT leader"),
            std::string::npos)
      << on_follower.message();
  EXPECT_TRUE(c.sql_sync("SP1", "SELECT 1 FROM DUAL").ok());
}

TEST_F(MpRaft, LosingTheLeaderElectsMp2WhichStillKnowsEveryRegistration) {
  auto added = c.sql_sync("MP1", "SP_CREATE_DPC_RAFT('BP', 'BPRAFT_9')");
  ASSERT_TRUE(added.ok()) << added.message();
  c.advance(1000);
  ASSERT_TRUE(c.kill("MP1").ok());
  ASSERT_TRUE(c.run_until([&] { return c.group_leader("MP_RAFT") == "MP2"; }, c.now() + 5000));
  ASSERT_TRUE(c.run_until([&] { return c.view("MP2").status == "OPEN"; }, c.now() + 2000));
  auto rafts = c.sql_sync("MP2", "SELECT NAME FROM DPC_BP_RAFT WHERE NAME = 'BPRAFT_9'");
  ASSERT_TRUE(rafts.ok()) << rafts.message();
  EXPECT_EQ(rafts->rows.size(), 1u) << "the change made on MP1 was replicated";
  EXPECT_TRUE(c.sql_sync("SP1", "SELECT 1 FROM DUAL").ok());
  EXPECT_TRUE(c.violations().empty());
}

TEST_F(MpRaft, ExitAllStopsTheMpGroupAfterTheSpAndBp) {
  ASSERT_TRUE(c.console("SP1", "exit").ok());
  ASSERT_TRUE(c.console("BP1", "exit").ok());
  c.advance(2000);
  ASSERT_TRUE(c.console("MP3", "exit all").ok());
  c.advance(5000);
  for (const char* n : {"MP1", "MP2", "MP3", "SP1", "BP1"}) {
    EXPECT_FALSE(c.view(n).running) << n;
    EXPECT_EQ(c.view(n).last_stop, "exit") << n;
  }
}

TEST(CatalogAgreement, ACrashIsNoticedAfterMissedHeartbeats) {
  simtest::Manual72 m;
  m.deploy();
  m.c.advance(6000);
  ASSERT_TRUE(m.c.check_catalog().empty()) << m.c.check_catalog()[0];
  ASSERT_TRUE(m.c.kill("BP13").ok());
  m.c.advance(1000);
  auto stale = m.c.check_catalog();
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_NE(stale[0].find("BP13 is not running but DPC_INSTANCE shows SYS_STATUS 4"), std::string::npos)
      << stale[0];
  const auto& t = m.c.options().timing;
  m.c.advance(to_ms(t.xmal_hb * (t.mp_dead_after_hb + 1)));
  EXPECT_TRUE(m.c.check_catalog().empty()) << m.c.check_catalog()[0];
  EXPECT_TRUE(simtest::traced(m.c, "mp.instance_down", "BP13 has not reported"));
}

TEST(Invariants, AViolationStopsTheRunAndNamesSeedTimeAndEvent) {
  SimOptions o;
  o.seed = 99;
  SimCluster c(o);
  c.call_at(10, [&] { c.world().violation("BP11", "two leaders in term 3"); });
  c.call_at(20, [] {});
  EXPECT_TRUE(c.step());
  EXPECT_FALSE(c.step()) << "the run stops at the first violation";
  ASSERT_EQ(c.violations().size(), 1u);
  EXPECT_EQ(c.violations()[0].render(),
            "invariant violated at t=10.000 ms (seed 99, event backend.timer at BP11): two leaders "
            "in term 3");
  EXPECT_TRUE(simtest::traced(c, "invariant.violation", "two leaders in term 3"));
}

TEST(Invariants, TwoLeadersInOneTermOfAGroupAreCaught) {
  SimCluster c;
  RaftConfig a{1, true, true, 10, 5, {}};
  RaftConfig b{2, true, true, 10, 5, {}};
  RaftNode na(a, 0, {}, 0, 0), nb(b, 0, {}, 0, 0);
  (void)na.on_tick(10, 0);
  (void)nb.on_tick(10, 0);
  ASSERT_EQ(na.role(), RaftRole::Leader);
  ASSERT_EQ(nb.role(), RaftRole::Leader);
  c.world().check_raft("RAFT_X", "A", na);
  EXPECT_TRUE(c.violations().empty());
  c.world().check_raft("RAFT_X", "B", nb);
  ASSERT_EQ(c.violations().size(), 1u);
  EXPECT_NE(c.violations()[0].message.find("RAFT_X"), std::string::npos);
}

}  // namespace
}  // namespace dpc::sim
