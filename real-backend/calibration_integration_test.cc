// Calibration end to end: the manual's 7.1 cluster deployed through the real
// backend with the stand-in tools (fakes/) and a journal, `dpcctl
// calibrate`'s profile made from that journal, and the simulator's deploy of
// the same topology with that profile, which must predict the stand-in
// deploy's duration within 10 %. The stand-in dmserver is slowed to a
// 400 ms start (DPC_FAKE_READY_DELAY_MS) so that the deploy takes long enough
// for the wall clock's scatter not to matter; the test checks the prediction
// against the measurement, whatever the stand-ins' timings are. (Tests are
// exempt from the layer map: this one drives the simulator beside the real
// backend.)
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "core/endpoints.h"
#include "core/executor.h"
#include "core/journal.h"
#include "core/plan_builder.h"
#include "core/topology_load.h"
#include "real-backend/atomic_file.h"
#include "real-backend/real_backend.h"
#include "real-backend/testing/stand_in_cluster.h"
#include "sim/calibration.h"
#include "sim/session.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;

TEST(CalibrationFromStandIns, ACalibratedProfilePredictsTheStandInDeployWithinTenPercent) {
  const std::string dir = testing::make_stand_in_dir("calibrate");
  ::unsetenv("DPC_FAKE_RECORD");
  const testing::ReadyDelay ready_delay(400);  // unset however the test ends

  auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.1.json");
  ASSERT_TRUE(loaded.ok());
  Topology topo = *loaded.topology;
  testing::move_under(topo, dir);
  const RealConfig config = testing::stand_in_config(dir + "/state", 50);
  auto backend = testing::stand_in_backend(config, topo, "Calibrate_Sysdba_Pwd_9");
  auto journal = Journal::open(config.state_dir, topo.cluster);
  ASSERT_TRUE(journal.ok()) << journal.message();

  ExecutorOptions o;  // the simulator's session runs with the same defaults
  o.endpoints = sql_endpoints(topo);
  o.journal = &*journal;
  const Plan plan = build_deploy_plan(topo);
  const ExecutionReport real = Executor(*backend, o).run(plan);
  testing::kill_all(*backend, topo);
  backend.reset();
  ASSERT_TRUE(real.ok) << real.failed_step << ": " << real.error;
  const double real_ms = static_cast<double>(real.finished - real.started);
  ASSERT_GT(real_ms, 800.0) << "two 400 ms starts on the critical path";

  auto text = read_whole_file(journal->path());
  ASSERT_TRUE(text.ok());
  auto cal = sim::calibrate_profile({{journal->path(), *text}});
  ASSERT_TRUE(cal.ok()) << cal.message();
  EXPECT_GE(cal->steps_read, static_cast<int>(plan.steps.size()) - 2);
  // The profile round-trips through its JSON (what --profile reads).
  auto reread = sim::parse_timing_profile(sim::calibration_json(*cal), "calibrated");
  ASSERT_TRUE(reread.ok()) << reread.message();

  auto simulate = [&](const sim::TimingProfile& profile) {
    sim::SimOptions so;
    so.timing = profile;
    sim::SimSession session(topo, so);
    const ExecutionReport r = session.deploy();
    EXPECT_TRUE(r.ok) << r.failed_step << ": " << r.error;
    return static_cast<double>(r.finished - r.started);
  };
  const double predicted = simulate(*reread);
  std::printf("stand-in deploy %.0f ms; predicted with the calibrated profile %.0f ms\n", real_ms, predicted);
  EXPECT_NEAR(predicted, real_ms, 0.10 * real_ms) << "stand-in deploy " << real_ms << " ms, predicted " << predicted;
  // Without calibration the simulator's guesses (dminit 2 s, start 1.3 s) are far off.
  const double uncalibrated = simulate(sim::TimingProfile{});
  EXPECT_GT(std::abs(uncalibrated - real_ms), 0.5 * real_ms) << "default profile predicts " << uncalibrated;

  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace dpc::real
