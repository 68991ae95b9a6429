// Stopping a simulated cluster (spec §7): the manual's order leaves every
// database clean; `exit all` on a valid member stops its whole group through
// the leader, on an invalid one only that node, as a forced HALT; a wrong
// order makes the remaining nodes HALT after halt_delay_ms, and a halted
// node's next start replays redo and takes longer.
#include <gtest/gtest.h>

#include "sim/sim_test_util.h"

namespace dpc::sim {
namespace {

using simtest::dm_ini;
using simtest::kHost;
using simtest::Manual72;
using simtest::traced;

bool stopped(SimCluster& c, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (c.view(n).running) return false;
  }
  return true;
}

TEST(Shutdown, ManualOrderLeavesEveryDatabaseClean) {
  Manual72 m;
  m.deploy();
  ASSERT_TRUE(m.c.console("SP1", "exit").ok());
  ASSERT_TRUE(m.c.run_until([&] { return stopped(m.c, {"SP1"}); }, m.c.now() + 10'000));
  ASSERT_TRUE(m.c.console("BP12", "exit all").ok());  // any valid member
  ASSERT_TRUE(m.c.signal("BP21", Signal::Usr1).ok());  // kill -10 does the same
  ASSERT_TRUE(m.c.run_until([&] {
    return stopped(m.c, {"BP11", "BP12", "BP13", "BP21", "BP22", "BP23"});
  }, m.c.now() + 10'000));
  EXPECT_TRUE(traced(m.c, "raft.exit_all", "requested by BP12; the leader coordinates the exit of BP11"));
  ASSERT_TRUE(m.c.console("MP", "exit").ok());
  m.c.advance(10'000);
  for (const auto& name : m.c.instance_names()) {
    const auto v = m.c.view(name);
    EXPECT_FALSE(v.running) << name;
    EXPECT_EQ(v.last_stop, "exit") << name << ": " << v.last_error;
    EXPECT_FALSE(v.dirty) << name;
  }
  EXPECT_FALSE(traced(m.c, "server.halt_pending", ""));
}

TEST(Shutdown, ExitAllOnAnInvalidNodeHaltsOnlyThatNode) {
  Manual72 m;
  m.deploy();
  // BP13 cut off from its group: it loses the leader and becomes invalid.
  ASSERT_TRUE(m.c.kill("BP11").ok());
  ASSERT_TRUE(m.c.kill("BP12").ok());
  m.c.advance(4000);
  ASSERT_FALSE(m.c.view("BP13").valid);
  ASSERT_TRUE(m.c.console("BP13", "exit all").ok());
  ASSERT_TRUE(m.c.run_until([&] { return stopped(m.c, {"BP13"}); }, m.c.now() + 10'000));
  const auto v = m.c.view("BP13");
  EXPECT_TRUE(v.halted);
  EXPECT_TRUE(v.dirty);
  EXPECT_NE(v.last_error.find("cannot advance C_LSN"), std::string::npos) << v.last_error;
  EXPECT_TRUE(m.c.view("BP21").running) << "other groups are untouched";
}

TEST(Shutdown, ExitAllOnAValidFollowerStopsTheWholeGroupCleanly) {
  Manual72 m;
  m.deploy();
  ASSERT_TRUE(m.c.console("SP1", "exit").ok());
  m.c.advance(2000);
  ASSERT_TRUE(m.c.console("BP13", "exit all").ok());
  ASSERT_TRUE(m.c.run_until([&] { return stopped(m.c, {"BP11", "BP12", "BP13"}); }, m.c.now() + 10'000));
  for (const char* n : {"BP11", "BP12", "BP13"}) {
    EXPECT_EQ(m.c.view(n).last_stop, "exit") << n;
    EXPECT_FALSE(m.c.view(n).dirty) << n;
  }
  EXPECT_TRUE(m.c.view("BP21").running);
}

TEST(Shutdown, SigtermExitsAndSigkillLeavesADirtyDatabase) {
  Manual72 m;
  m.deploy();
  ASSERT_TRUE(m.c.signal("BP13", Signal::Term).ok());
  ASSERT_TRUE(m.c.signal("BP23", Signal::Kill).ok());
  m.c.advance(2000);
  EXPECT_EQ(m.c.view("BP13").last_stop, "exit");
  EXPECT_FALSE(m.c.view("BP13").dirty);
  EXPECT_EQ(m.c.view("BP23").last_stop, "crash");
  EXPECT_TRUE(m.c.view("BP23").dirty);
  Status st = m.c.signal("BP23", Signal::Term);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("BP23 is not running"), std::string::npos);
  st = m.c.console("BP11", "shutdown now");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("understands 'exit' and 'exit all'"), std::string::npos);
}

TEST(Shutdown, MpExitingFirstHaltsTheRestAndTheirRestartTakesLonger) {
  Manual72 m;
  m.deploy();
  // A clean restart of one BP, for comparison.
  m.exit_and_wait("BP13");
  SimTime t = m.c.now_us();
  m.start_async(m.raft1[2].path, "BP", true);
  ASSERT_TRUE(m.c.run_until([&] { return m.c.view("BP13").ready_at > t; }, m.c.now() + 10'000));
  const SimTime clean_start = m.c.view("BP13").ready_at - t;
  m.c.advance(2000);

  const SimTime mp_exit = m.c.now_us();
  ASSERT_TRUE(m.c.console("MP", "exit").ok());
  ASSERT_TRUE(m.c.run_until([&] { return !m.c.view("SP1").running && !m.c.view("BP13").running; },
                            m.c.now() + 30'000));
  for (const char* n : {"SP1", "BP11", "BP12", "BP13", "BP21", "BP22", "BP23"}) {
    const auto v = m.c.view(n);
    EXPECT_TRUE(v.halted) << n;
    EXPECT_TRUE(v.dirty) << n;
    EXPECT_NE(v.last_error.find("wrong shutdown order"), std::string::npos) << n << ": " << v.last_error;
  }
  const SimTime halted = simtest::event_time(m.c, "server.halt", "SP1", mp_exit);
  const SimTime delay = m.c.options().timing.halt_delay;
  EXPECT_GE(halted - mp_exit, delay);
  EXPECT_LE(halted - mp_exit, delay + m.c.options().timing.exit + from_ms(5));

  ASSERT_TRUE(m.start_mp().ok());
  t = m.c.now_us();
  m.start_async(m.raft1[2].path, "BP", true);
  ASSERT_TRUE(m.c.run_until([&] { return m.c.view("BP13").ready_at > t; }, m.c.now() + 30'000));
  const SimTime dirty_start = m.c.view("BP13").ready_at - t;
  EXPECT_GT(dirty_start, clean_start + from_ms(1000)) << "redo replay after a HALT";
  EXPECT_TRUE(traced(m.c, "server.starting", "replaying"));
  EXPECT_FALSE(m.c.view("BP13").dirty);
}

TEST(Shutdown, BpGroupExitingBeforeTheSpHaltsTheSp) {
  Manual72 m;
  m.deploy();
  ASSERT_TRUE(m.c.console("BP11", "exit all").ok());
  ASSERT_TRUE(m.c.run_until([&] { return !m.c.view("SP1").running; }, m.c.now() + 30'000));
  EXPECT_TRUE(m.c.view("SP1").halted);
  EXPECT_NE(m.c.view("SP1").last_error.find("BP group RAFT_1 exited while the SP SP1 was still running"),
            std::string::npos)
      << m.c.view("SP1").last_error;
  EXPECT_TRUE(m.c.view("BP21").running) << "the other group and the MP stay";
  EXPECT_TRUE(m.c.view("MP").running);
}

TEST(Shutdown, OneMemberExitingKeepsTheSystemUp) {
  Manual72 m;
  m.deploy();
  m.exit_and_wait("BP11");  // a rolling restart step: the group fails over
  ASSERT_TRUE(m.c.run_until([&] { return m.c.group_leader("RAFT_1") == "BP12"; }, m.c.now() + 5000));
  ASSERT_TRUE(m.run_until_healthy(5000));
  m.c.advance(5000);
  EXPECT_TRUE(m.c.view("SP1").running);
  EXPECT_FALSE(m.c.view("SP1").halted);
  EXPECT_TRUE(m.healthy());
}

}  // namespace
}  // namespace dpc::sim
