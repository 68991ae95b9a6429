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
#include "real-backend/asio_process_launcher.h"
#include "real-backend/real_backend.h"
#include "real-backend/testing/fake_dpc_sql.h"
#include "real-backend/testing/free_ports.h"
#include "sim/session.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;

TEST(FailoverOnStandIns, TheLeaderIsKilledReplacedAndRestartedAndTheTimesAreMeasured) {
  std::string tmpl = (fs::temp_directory_path() / "dpc-failover-XXXXXX").string();
  const std::string dir = ::mkdtemp(tmpl.data());
  ::unsetenv("DPC_FAKE_FAIL");
  ::unsetenv("DPC_FAKE_HANG");
  ::unsetenv("DPC_FAKE_RECORD");
  // The stand-in dmserver's start delay, unset however the test ends.
  struct ReadyDelay {
    ReadyDelay() { ::setenv("DPC_FAKE_READY_DELAY_MS", "100", 1); }
    ~ReadyDelay() { ::unsetenv("DPC_FAKE_READY_DELAY_MS"); }
  } ready_delay;

  auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json");
  ASSERT_TRUE(loaded.ok());
  Topology topo = *loaded.topology;
  std::map<int, int> moved;
  auto move = [&moved](int& port) {
    if (port <= 0) return;
    if (!moved.count(port)) moved[port] = testing::free_port();
    port = moved[port];
  };
  for (Instance& inst : topo.instances) {
    std::string lower = inst.name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    inst.path = dir + "/data/" + lower;
    move(inst.port_num);
    move(inst.ap_port_num);
    move(inst.mp_port);
  }
  RealConfig config;
  config.dm_home = DPC_FAKE_DM_HOME;
  config.dm_home_origin = "test";
  config.state_dir = dir + "/state";
  config.run_one_max_wait_ms = 20;
  config.stop_grace_ms = 1000;
  auto io = std::make_shared<boost::asio::io_context>();
  auto backend = std::make_unique<RealBackend>(config, Secret("Failover_Sysdba_Pwd_3"), io,
                                               std::make_unique<AsioProcessLauncher>(*io),
                                               std::make_unique<testing::FakeDpcSql>(topo));
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
  for (const Instance& inst : topo.instances) {
    if (backend->server_running(inst.name)) (void)backend->signal(inst.name, Signal::Kill);
  }
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
