// Interrupting stop, start, restart and destroy on the stand-in DM tools
// (testing/stand_in_cluster.h), as the commands do on Ctrl-C or SIGTERM
// (cli/cluster_interrupt.h): the first signal starts no new step and lets
// the running one end, the operation does nothing more and says it was
// interrupted; a second gives up the running steps. Running the same
// command again finishes the job; no password is left in any file.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/cluster_ops.h"
#include "core/cluster_status.h"
#include "core/executor.h"
#include "core/paths.h"
#include "core/plan_builder.h"
#include "real-backend/atomic_file.h"
#include "real-backend/testing/stand_in_cluster.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class InterruptedOperation : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(c_.set_up("local-7.2.json"), "");
    ExecutorOptions o;
    o.poll_interval_ms = 50;
    ExecutionReport deployed = run_plan(*c_.backend, c_.topo, build_deploy_plan(c_.topo), o);
    ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;
  }
  void TearDown() override { c_.tear_down(); }

  /// Runs `words`; with `interrupt_at` > 0, the first signal comes when
  /// the operation's step number `interrupt_at` starts (and, with `twice`,
  /// the second at once).
  OpResult op(const std::vector<std::string>& words, int interrupt_at = 0, bool twice = false) {
    auto parsed = parse_cluster_op(words);
    EXPECT_TRUE(parsed.ok()) << parsed.message();
    bool signalled = false;
    OpOptions o;
    o.on_event = [&](const StepEvent& e) {
      if (interrupt_at > 0 && e.kind == StepEvent::Kind::Started && e.index == interrupt_at) signalled = true;
    };
    o.stop_requested = [&] { return signalled; };
    o.abort_requested = [&] { return signalled && twice; };
    return run_cluster_op(*c_.backend, c_.topo, *parsed, o);
  }

  int running() {
    int n = 0;
    for (const Instance& inst : c_.topo.instances) n += c_.backend->server_running(inst.name);
    return n;
  }

  std::vector<std::string> files_with_password() { return c_.files_with_password(); }

  testing::StandInCluster c_;
};

TEST_F(InterruptedOperation, StopStartsNoNewStepAfterTheSignalAndStopAgainFinishes) {
  // Before: stop ignored SIGINT's request and ran its whole plan (or died,
  // leaving the cluster half stopped without a word).
  const int all = static_cast<int>(c_.topo.instances.size());
  OpResult r = op({"stop"}, 1);
  EXPECT_TRUE(r.interrupted);
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error, HasSubstr("interrupted"));
  EXPECT_GT(running(), 0) << "the later steps did not run";
  EXPECT_LT(running(), all) << "the running step ended";
  OpResult again = op({"stop"});
  ASSERT_TRUE(again.ok) << again.error;
  EXPECT_FALSE(again.interrupted);
  EXPECT_EQ(running(), 0);
  EXPECT_THAT(files_with_password(), ::testing::IsEmpty());
}

TEST_F(InterruptedOperation, StartStartsNoNewStepAfterTheSignalAndStartAgainEndsHealthy) {
  ASSERT_TRUE(op({"stop"}).ok);
  OpResult r = op({"start"}, 1);
  EXPECT_TRUE(r.interrupted);
  EXPECT_FALSE(r.ok);
  EXPECT_LT(running(), static_cast<int>(c_.topo.instances.size())) << "the later steps did not run";
  OpResult again = op({"start"});
  ASSERT_TRUE(again.ok) << again.error;
  ClusterStatus status = gather_status(*c_.backend, c_.topo);
  EXPECT_TRUE(status.healthy) << status.health_note;
  EXPECT_THAT(files_with_password(), ::testing::IsEmpty());
}

TEST_F(InterruptedOperation, ASecondSignalGivesUpTheRunningStepsAtOnce) {
  ASSERT_TRUE(op({"stop"}).ok);
  OpResult r = op({"start"}, 1, true);
  EXPECT_TRUE(r.interrupted);
  ASSERT_FALSE(r.reports.empty());
  bool given_up = false;
  for (const auto& rec : r.reports.back().records) given_up = given_up || rec.error == "interrupted";
  EXPECT_TRUE(given_up) << "the running step was given up";
  ASSERT_TRUE(op({"start"}).ok) << "start again finishes";
}

TEST_F(InterruptedOperation, RestartInterruptedWhileStoppingStartsNothing) {
  const int before = running();
  OpResult r = op({"restart"}, 1);
  EXPECT_TRUE(r.interrupted);
  EXPECT_LT(running(), before);
  EXPECT_EQ(r.reports.size(), 1u) << "the start plan never ran";
}

TEST_F(InterruptedOperation, DestroyInterruptedRemovesNothing) {
  OpResult r = op({"destroy"}, 1);
  EXPECT_TRUE(r.interrupted);
  EXPECT_FALSE(r.ok);
  for (const Instance& inst : c_.topo.instances) {
    EXPECT_TRUE(fs::exists(db_file(inst, "dm.ini"))) << inst.name << "'s database is still there";
  }
}

}  // namespace
}  // namespace dpc::real
