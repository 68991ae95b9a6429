// The manual's §7.2 procedure driven step by step through the simulator's
// tools, files and SQL, ending healthy; and its first-election timing.
#include <gtest/gtest.h>

#include "sim/sim_test_util.h"

namespace dpc::sim {
namespace {

using simtest::Manual72;

TEST(Manual72, ProcedureEndsWithFastestMembersLeadingAndSpHealthy) {
  Manual72 m;
  m.prepare();
  ASSERT_TRUE(::testing::Test::HasFailure() == false);
  // Before the SP and the groups start, the SP is not even running.
  std::vector<Status> results;
  m.start_all(&results);
  ASSERT_TRUE(m.run_until_healthy(30'000)) << m.c.trace().tail(60);
  EXPECT_EQ(m.c.group_leader("RAFT_1"), "BP11");
  EXPECT_EQ(m.c.group_leader("RAFT_2"), "BP21");
  for (const char* leader : {"BP11", "BP21"}) {
    auto v = m.c.view(leader);
    EXPECT_EQ(v.mode, "PRIMARY") << leader;
    EXPECT_EQ(v.status, "OPEN") << leader;
  }
  auto one = m.c.sql_sync("SP1", "SELECT 1 FROM DUAL");
  ASSERT_TRUE(one.ok()) << one.message();
  EXPECT_EQ(one->rows.size(), 1u);
  // Every start reported ready.
  m.c.advance(5000);
  ASSERT_EQ(results.size(), 7u);
  for (const auto& st : results) EXPECT_TRUE(st.ok()) << st.message();
  // V$INSTANCE on the SP lists every registered instance.
  auto inst = m.c.sql_sync("SP1", "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE");
  ASSERT_TRUE(inst.ok()) << inst.message();
  EXPECT_EQ(inst->rows.size(), 8u);
  EXPECT_TRUE(m.c.violations().empty()) << m.c.violations()[0].render();
  EXPECT_TRUE(m.c.check_catalog().empty()) << m.c.check_catalog()[0];
}

}  // namespace
}  // namespace dpc::sim
