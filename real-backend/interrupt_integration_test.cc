// Interrupting a deployment on the stand-in DM tools (testing/stand_in_cluster.h):
// as dpcctl deploy does on Ctrl-C or SIGTERM, the executor is asked to start
// no new step (and, on a second signal, to give up the running ones), the
// journal notes the interrupt, and secrets/ is emptied through StateDir.
// Then --resume from the journal on disk must end in a healthy cluster with
// no PARFILE left, whichever step was starting when the interrupt came.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/cluster_status.h"
#include "core/endpoints.h"
#include "core/executor.h"
#include "core/journal.h"
#include "core/plan_builder.h"
#include "core/state_dir.h"
#include "real-backend/atomic_file.h"
#include "real-backend/testing/stand_in_cluster.h"
#include "real-backend/testing/stand_in_test.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class InterruptedDeploy : public testing::StandInClusterTest {
 protected:
  /// Kills every server, waits until they are gone, and starts over with
  /// empty data and state directories and a fresh backend.
  void start_over() {
    for (const Instance& inst : c_.topo.instances) {
      if (c_.backend->server_running(inst.name)) (void)c_.backend->signal(inst.name, Signal::Kill);
    }
    for (int i = 0; i < 200; ++i) {
      bool any = false;
      for (const Instance& inst : c_.topo.instances) any = any || c_.backend->server_running(inst.name);
      if (!any) break;
      c_.backend->run_one();
    }
    c_.backend.reset();
    std::error_code ec;
    fs::remove_all(c_.dir + "/data", ec);
    fs::remove_all(c_.dir + "/state", ec);
    c_.backend = c_.make_backend(c_.dir + "/state", &c_.sql);
  }

  std::vector<std::string> files_with_password() { return c_.files_with_password(); }
};

TEST_P(InterruptedDeploy, AtEveryStepThenResumedEndsHealthyWithNoSecretLeft) {
  // Before: an interrupt left cleartext PARFILEs in secrets/, orphaned
  // dminit, and a state --resume could not finish from.
  const Plan plan = build_deploy_plan(c_.topo);
  const std::string state_dir = c_.dir + "/state";
  for (size_t k = 0; k < plan.steps.size(); ++k) {
    SCOPED_TRACE("interrupted when step " + std::to_string(k + 1) + " (" + plan.steps[k].id + ") started");
    if (k > 0) start_over();
    auto state = StateDir::acquire(state_dir);
    ASSERT_TRUE(state.ok()) << state.message();
    {
      auto journal = Journal::open(state_dir, c_.topo.cluster);
      ASSERT_TRUE(journal.ok()) << journal.message();
      ExecutorOptions o = options();
      o.journal = &*journal;
      bool stop = false;
      o.on_event = [&](const StepEvent& e) {
        if (e.kind == StepEvent::Kind::Started && e.index == static_cast<int>(k) + 1) stop = true;
      };
      o.stop_requested = [&] { return stop; };
      ExecutionReport report = Executor(*c_.backend, o).run(plan);
      ASSERT_TRUE(report.interrupted);
      EXPECT_FALSE(report.ok);
      ASSERT_TRUE(journal->record_interrupt("SIGINT", c_.backend->now()).ok());
    }
    state->remove_secrets();
    EXPECT_TRUE(fs::is_empty(state_dir + "/secrets")) << "no PARFILE is left";
    auto journal = Journal::open(state_dir, c_.topo.cluster);  // re-read from disk
    ASSERT_TRUE(journal.ok()) << journal.message();
    ExecutorOptions o = options();
    o.journal = &*journal;
    o.resume = true;
    ExecutionReport resumed = Executor(*c_.backend, o).run(plan);
    ASSERT_TRUE(resumed.ok) << resumed.failed_step << ": " << resumed.error;
    ClusterStatus status = gather_status(*c_.backend, c_.topo);
    EXPECT_TRUE(status.healthy) << status.health_note;
    EXPECT_TRUE(fs::is_empty(state_dir + "/secrets"));
    EXPECT_THAT(*read_whole_file(journal->path()), HasSubstr("\"interrupted\":\"SIGINT\""));
  }
}

TEST_P(InterruptedDeploy, ASecondInterruptEndsTheRunningToolAndLeavesNoSecret) {
  ::setenv("DPC_FAKE_HANG", "dminit", 1);
  const std::string state_dir = c_.dir + "/state";
  auto state = StateDir::acquire(state_dir);
  ASSERT_TRUE(state.ok()) << state.message();
  ExecutorOptions o = options();
  // Both signals once a dminit is running (hanging): stop, then give up.
  o.stop_requested = [&] {
    return fs::exists(state_dir + "/secrets") && !fs::is_empty(state_dir + "/secrets");
  };
  o.abort_requested = o.stop_requested;
  ExecutionReport report = Executor(*c_.backend, o).run(build_deploy_plan(c_.topo));
  ::unsetenv("DPC_FAKE_HANG");
  ASSERT_TRUE(report.interrupted);
  bool given_up = false;
  for (const auto& r : report.records) given_up = given_up || r.error == "interrupted";
  EXPECT_TRUE(given_up) << "the running step was given up";
  c_.backend.reset();  // as the command does: ends the hanging dminit
  state->remove_secrets();
  EXPECT_TRUE(fs::is_empty(state_dir + "/secrets"));
  EXPECT_THAT(files_with_password(), ::testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(ManualClusters, InterruptedDeploy, ::testing::Values("local-7.1.json", "local-7.2.json"),
                         testing::topology_test_name);

}  // namespace
}  // namespace dpc::real
