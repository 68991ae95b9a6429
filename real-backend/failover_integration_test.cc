// Failover timing on the real backend: the manual's 7.2 cluster deployed with
// the stand-in tools (fakes/), then its RAFT_1 leader killed at a random point
// of its heartbeat interval and restarted, timed through the backend as
// `dpcctl bench --backend=real` does, and the simulator's prediction for the
// same topology beside it. The stand-ins' timings are whatever they are: the
// test checks the measurement (a new leader that is not the killed one, times
// in order, the restart taking at least the stand-in's start delay), not a
// number. (Tests are exempt from the layer map: this one also drives the
// simulator.)
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "core/endpoints.h"
#include "core/executor.h"
#include "core/failover_measure.h"
#include "core/plan_builder.h"
#include "core/topology_load.h"
#include "real-backend/real_backend.h"
#include "real-backend/testing/stand_in_cluster.h"
#include "sim/session.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;

TEST(FailoverOnStandIns, TheLeaderIsKilledReplacedAndRestartedAndTheTimesAreMeasured) {
  const std::string dir = testing::make_stand_in_dir("failover");
  ::unsetenv("DPC_FAKE_RECORD");
  const testing::ReadyDelay ready_delay(100);  // unset however the test ends

  auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json");
  ASSERT_TRUE(loaded.ok());
  Topology topo = *loaded.topology;
  testing::move_under(topo, dir);
  const RealConfig config = testing::stand_in_config(dir + "/state", 20);
  auto backend = testing::stand_in_backend(config, topo, "Failover_Sysdba_Pwd_3");
  ExecutorOptions o;
  o.poll_interval_ms = 50;
  o.endpoints = sql_endpoints(topo);
  const ExecutionReport deployed = Executor(*backend, o).run(build_deploy_plan(topo));
  ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;

  FailoverOptions fo;
  fo.repeats = 2;
  fo.poll_ms = 10;
  fo.phase_timeout_ms = 20'000;
  auto real = measure_failover(*backend, topo, fo);
  testing::kill_all(*backend, topo);
  backend.reset();
  ASSERT_TRUE(real.ok()) << real.message();
  for (const FailoverSample& s : *real) EXPECT_TRUE(s.ok) << s.error;
  ASSERT_EQ(real->size(), 2u);
  for (const FailoverSample& s : *real) {
    ASSERT_TRUE(s.ok) << s.error;
    EXPECT_EQ(topo.find_instance(s.killed)->raft, topo.find_instance(s.new_leader)->raft);
    EXPECT_NE(s.new_leader, s.killed);
    EXPECT_LT(s.kill_offset_ms, topo.timing.raft_hb_interval);
    EXPECT_GE(s.to_sp_ms, s.to_leader_ms);
    EXPECT_GE(s.restart_to_open_ms, 100) << "the stand-in dmserver takes 100 ms to be ready";
  }

  // The simulator's prediction for the same topology: the same measurement.
  sim::SimSession session(topo, sim::SimOptions{});
  ASSERT_TRUE(session.deploy().ok);
  auto predicted = measure_failover(session.backend(), topo, fo);
  ASSERT_TRUE(predicted.ok()) << predicted.message();
  ASSERT_EQ(predicted->size(), 2u);
  for (const FailoverSample& s : *predicted) {
    ASSERT_TRUE(s.ok) << s.error;
    EXPECT_GT(s.to_leader_ms, 1500) << "the simulator waits out RAFT_VOTE_INTERVAL";
  }
  // The first leader is the 1500 ms member on both (the stand-ins hand the
  // lead back to it once it is restarted; a RAFT group keeps its new leader).
  EXPECT_EQ((*predicted)[0].killed, (*real)[0].killed);
  for (size_t i = 0; i < real->size(); ++i) {
    const FailoverSample& r = (*real)[i];
    const FailoverSample& p = (*predicted)[i];
    std::printf("kill %s +%lld ms: new leader %lld ms (simulator %lld), SP %lld (%lld), restart to OPEN %lld (%lld)\n",
                r.killed.c_str(), static_cast<long long>(r.kill_offset_ms), static_cast<long long>(r.to_leader_ms),
                static_cast<long long>(p.to_leader_ms), static_cast<long long>(r.to_sp_ms),
                static_cast<long long>(p.to_sp_ms), static_cast<long long>(r.restart_to_open_ms),
                static_cast<long long>(p.restart_to_open_ms));
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace dpc::real
