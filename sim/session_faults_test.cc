// The session's words for fault schedules: resume, isolate, leader:RAFT.
#include <gtest/gtest.h>

#include "core/topology_load.h"
#include "sim/session.h"

namespace dpc::sim {
namespace {

SimSession session_72() {
  auto out = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json");
  EXPECT_TRUE(out.ok());
  SimOptions o;
  o.seed = 3;
  return SimSession(*out.topology, o);
}

TEST(SessionFaults, KillLeaderThenResumeRestartsItAndSkipsWhatHolds) {
  SimSession s = session_72();
  ASSERT_TRUE(s.execute("deploy").ok);
  const std::string old = *s.cluster().group_leader("RAFT_1");
  CommandResult k = s.execute("kill leader:RAFT_1");
  ASSERT_TRUE(k.ok) << k.error;
  EXPECT_EQ(k.output, old + " killed");
  EXPECT_FALSE(s.cluster().view(old).running);
  CommandResult r = s.execute("resume");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_TRUE(r.report.has_value());
  EXPECT_GT(r.report->skipped, 0);  // the files, registrations and the other servers still hold
  EXPECT_TRUE(s.cluster().view(old).running);
  EXPECT_TRUE(s.cluster().group_leader("RAFT_1").has_value());
}

TEST(SessionFaults, ResumeAfterAFailedDeployRunsTheRest) {
  SimSession s = session_72();
  ASSERT_TRUE(s.execute("deploy upto register:BP11").ok);
  ASSERT_TRUE(s.execute("kill MP").ok);
  CommandResult d = s.execute("deploy");
  ASSERT_FALSE(d.ok);
  ASSERT_TRUE(d.report.has_value());
  EXPECT_FALSE(d.report->failed_step.empty());
  CommandResult r = s.execute("resume");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(s.cluster().view("MP").running);
  EXPECT_EQ(s.cluster().view("SP1").status, "OPEN");
}

TEST(SessionFaults, IsolateCutsTheNamedInstancesOffFromAllOthers) {
  SimSession s = session_72();
  ASSERT_TRUE(s.execute("deploy").ok);
  const std::string leader = *s.cluster().group_leader("RAFT_1");
  CommandResult i = s.execute("isolate leader:RAFT_1,MP");
  ASSERT_TRUE(i.ok) << i.error;
  Network& net = s.cluster().world().net;
  for (const auto& inst : s.topology().instances) {
    if (inst.name == leader || inst.name == "MP") continue;
    EXPECT_TRUE(net.blocked(leader, inst.name)) << inst.name;
    EXPECT_TRUE(net.blocked("MP", inst.name)) << inst.name;
  }
  EXPECT_FALSE(net.blocked(leader, "MP"));
  // The rest of RAFT_1 elects a new leader within two vote intervals.
  s.execute("advance 6000");
  auto now = s.cluster().group_leader("RAFT_1");
  ASSERT_TRUE(now.has_value());
  EXPECT_NE(*now, leader);
}

TEST(SessionFaults, AfterStrikesInTheMiddleOfWhatRunsThen) {
  SimSession s = session_72();
  ASSERT_TRUE(s.execute("deploy upto restore:BP12").ok);
  // The MP is killed 10 ms into the rest of the deploy: during a step, not between two.
  ASSERT_TRUE(s.execute("after 10 kill MP").ok);
  ASSERT_TRUE(s.execute("after 20 kill BP99").ok);  // checked when it fires
  const Millis t0 = s.cluster().now();
  CommandResult d = s.execute("deploy");
  EXPECT_FALSE(d.ok);  // a start after it needs the MP
  EXPECT_EQ(s.cluster().view("MP").last_stop, "crash");
  EXPECT_GE(to_ms(s.cluster().view("MP").started_at), 0);
  EXPECT_GT(s.cluster().now(), t0 + 10);
  const auto missed = s.cluster().trace().find("fault.missed");
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_NE(missed[0].detail.find("kill BP99"), std::string::npos) << missed[0].detail;
  CommandResult r = s.execute("resume");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(s.execute("after 10 advance 5").error.rfind("after: 'advance' cannot be deferred", 0), 0u);
  EXPECT_FALSE(s.execute("after x kill BP11").ok);
}

TEST(SessionFaults, BadTargetsAreErrorsNamingThem) {
  SimSession s = session_72();
  EXPECT_EQ(s.execute("kill leader:RAFT_9").error, "kill: no RAFT group 'RAFT_9' in the topology");
  EXPECT_EQ(s.execute("kill leader:RAFT_1").error, "kill: RAFT_1 has no leader now");
  EXPECT_EQ(s.execute("isolate BP99").error, "isolate: no instance named 'BP99' in the topology");
  EXPECT_FALSE(s.execute("resume parallel x").ok);
}

}  // namespace
}  // namespace dpc::sim
