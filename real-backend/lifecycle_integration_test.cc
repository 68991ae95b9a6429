// The life of a cluster after its first deploy, on the real backend with the
// stand-in DM tools (fakes/) as real processes: stop is confirmed by the
// operating system, a second deploy never touches the databases, start
// brings the stopped cluster back with the same databases, and destroy
// removes only the instances' own directories.
#include <filesystem>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/cluster_ops.h"
#include "core/cluster_status.h"
#include "core/executor.h"
#include "core/plan_builder.h"
#include "real-backend/atomic_file.h"
#include "real-backend/testing/stand_in_cluster.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string read_or(const std::string& path, const std::string& fallback) {
  auto text = read_whole_file(path);
  return text ? *text : fallback;
}

/// Every file under the instances' directories, by path, with its contents.
std::map<std::string, std::string> snapshot(const Topology& topo) {
  std::map<std::string, std::string> out;
  for (const Instance& inst : topo.instances) {
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(inst.path, ec)) {
      if (e.is_regular_file()) out[e.path().string()] = read_or(e.path().string(), "?");
    }
  }
  return out;
}

/// The DB_MAGIC line of each instance's stand-in database.
std::map<std::string, std::string> magics(const Topology& topo) {
  std::map<std::string, std::string> out;
  for (const Instance& inst : topo.instances) {
    std::string db = read_or(inst.path + "/DAMENG/fake.db", "");
    size_t at = db.find("DB_MAGIC=");
    out[inst.name] = at == std::string::npos ? "" : db.substr(at, db.find('\n', at) - at);
  }
  return out;
}

class ClusterLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(c_.set_up("local-7.2.json"), "");
    c_.topo.auto_overwrite = 1;  // the manual's 7.3 topology sets it; deploy must still never overwrite
    ExecutorOptions o;
    o.poll_interval_ms = 50;
    ExecutionReport deployed = run_plan(*c_.backend, c_.topo, build_deploy_plan(c_.topo), o);
    ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;
  }
  void TearDown() override { c_.tear_down(); }

  OpResult op(const std::vector<std::string>& words) {
    auto parsed = parse_cluster_op(words);
    EXPECT_TRUE(parsed.ok()) << parsed.message();
    return run_cluster_op(*c_.backend, c_.topo, *parsed, OpOptions{});
  }

  testing::StandInCluster c_;
};

TEST_F(ClusterLifecycle, DeployAfterStopIsRefusedNamingStartAndLeavesEveryDatabaseFileAsItWas) {
  OpResult stopped = op({"stop"});
  ASSERT_TRUE(stopped.ok) << stopped.error;
  for (const Instance& inst : c_.topo.instances) EXPECT_FALSE(c_.backend->server_running(inst.name)) << inst.name;
  const auto before = snapshot(c_.topo);
  ASSERT_FALSE(before.empty());

  DeployCheck check = check_before_deploy(*c_.backend, c_.topo, build_deploy_plan(c_.topo));
  EXPECT_EQ(check.kind, DeployCheck::Kind::Refused);
  EXPECT_THAT(check.message, HasSubstr("dpcctl start"));
  EXPECT_THAT(check.message, HasSubstr("stopped"));
  EXPECT_EQ(snapshot(c_.topo), before) << "no file of any database changed";
}

TEST_F(ClusterLifecycle, StartBringsAStoppedClusterBackHealthyWithTheSameDatabases) {
  const auto before = magics(c_.topo);
  ASSERT_TRUE(op({"stop"}).ok);
  OpResult started = op({"start"});
  ASSERT_TRUE(started.ok) << started.error;
  ClusterStatus st = gather_status(*c_.backend, c_.topo);
  EXPECT_TRUE(st.healthy) << st.health_note;
  EXPECT_EQ(st.exit_code(), 0) << format_status(st);
  EXPECT_EQ(magics(c_.topo), before);
  // The replicas came back with MOUNT, as the manual starts them.
  const std::string record = read_or(c_.dir + "/record.txt", "");
  const Instance* bp12 = c_.topo.find_instance("BP12");
  EXPECT_THAT(record, HasSubstr("dmserver\t" + bp12->path + "/DAMENG/dm.ini\tdpc_mode=BP\tMOUNT"));
  EXPECT_EQ(check_before_deploy(*c_.backend, c_.topo, build_deploy_plan(c_.topo)).kind, DeployCheck::Kind::Healthy);
}

TEST_F(ClusterLifecycle, StopIsConfirmedByTheOperatingSystemNotByPidFiles) {
  // Another dpcctl, run with another state directory, has no pid file and no
  // console for these servers: it still sees them running and says stop failed.
  auto other = c_.make_backend(c_.dir + "/elsewhere", nullptr);
  for (const Instance& inst : c_.topo.instances) EXPECT_TRUE(other->server_running(inst.name)) << inst.name;
  auto parsed = parse_cluster_op({"stop", "-N", "SP1"});
  OpResult r = run_cluster_op(*other, c_.topo, *parsed, OpOptions{});
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error, HasSubstr("SP1"));
  EXPECT_TRUE(c_.backend->server_running("SP1")) << "nothing was stopped";
  ClusterStatus st = gather_status(*other, c_.topo);
  for (const auto& s : st.instances) EXPECT_NE(s.state, "DOWN") << s.name;

  OpResult stopped = op({"stop"});
  ASSERT_TRUE(stopped.ok) << stopped.error;
  for (const Instance& inst : c_.topo.instances) EXPECT_FALSE(other->server_running(inst.name)) << inst.name;
}

TEST_F(ClusterLifecycle, StoppingTheMpFirstIsRefusedUnlessForced) {
  OpResult r = op({"stop", "-R", "MP"});
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error, HasSubstr("REDO"));
  EXPECT_TRUE(c_.backend->server_running("MP"));
}

TEST_F(ClusterLifecycle, KillAndStartOneInstance) {
  ASSERT_TRUE(op({"kill", "SP1"}).ok);
  EXPECT_FALSE(c_.backend->server_running("SP1"));
  ClusterStatus down = gather_status(*c_.backend, c_.topo);
  EXPECT_EQ(down.exit_code(), 1);
  OpResult started = op({"start", "-N", "SP1"});
  ASSERT_TRUE(started.ok) << started.error;
  EXPECT_EQ(gather_status(*c_.backend, c_.topo).exit_code(), 0);
}

TEST_F(ClusterLifecycle, DestroyRemovesOnlyTheInstancesOwnDirectories) {
  const std::string keep = c_.dir + "/data/not-an-instance.txt";
  ASSERT_TRUE(write_file_atomic(keep, "keep me\n").ok());
  // An instance whose directory does not look like a DM instance's is left alone.
  const Instance* sp1 = c_.topo.find_instance("SP1");
  ASSERT_TRUE(op({"stop"}).ok);
  fs::rename(sp1->path + "/DAMENG/dm.ini", sp1->path + "/DAMENG/dm.ini.moved");
  OpResult r = destroy_cluster(*c_.backend, c_.topo, OpOptions{});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_THAT(r.output, HasSubstr("left SP1's directory"));
  for (const Instance& inst : c_.topo.instances) {
    EXPECT_EQ(fs::exists(inst.path), inst.name == "SP1") << inst.name;
  }
  EXPECT_TRUE(fs::exists(keep));
}

TEST_F(ClusterLifecycle, DestroyRemovesNothingWhileAnInstanceKeepsRunning) {
  auto other = c_.make_backend(c_.dir + "/elsewhere", nullptr);
  OpResult r = destroy_cluster(*other, c_.topo, OpOptions{});
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error, HasSubstr("nothing was removed"));
  for (const Instance& inst : c_.topo.instances) EXPECT_TRUE(fs::exists(inst.path + "/DAMENG/dm.ini")) << inst.name;
}

TEST_F(ClusterLifecycle, TheSequenceADbaRunsAfterTheDeploy) {
  const auto before = magics(c_.topo);
  OpResult killed = op({"kill", "BP11"});
  ASSERT_TRUE(killed.ok) << killed.error;
  EXPECT_THAT(killed.output, HasSubstr("BP11 was the leader of RAFT_1; the new leader is BP12"));
  ClusterStatus after_kill = gather_status(*c_.backend, c_.topo);
  EXPECT_EQ(after_kill.exit_code(), 1);
  EXPECT_THAT(format_status(after_kill), HasSubstr("RAFT_1: leader BP12"));
  for (const auto& s : after_kill.instances) EXPECT_EQ(s.state, s.name == "BP11" ? "DOWN" : "RUNNING") << s.name;

  ASSERT_TRUE(op({"stop"}).ok);
  ClusterStatus down = gather_status(*c_.backend, c_.topo);
  for (const auto& s : down.instances) EXPECT_EQ(s.state, "DOWN") << s.name;
  EXPECT_FALSE(down.healthy);
  EXPECT_EQ(check_before_deploy(*c_.backend, c_.topo, build_deploy_plan(c_.topo)).kind, DeployCheck::Kind::Refused);

  OpResult started = op({"start"});
  ASSERT_TRUE(started.ok) << started.error;
  ClusterStatus up = gather_status(*c_.backend, c_.topo);
  EXPECT_EQ(up.exit_code(), 0) << format_status(up);
  EXPECT_EQ(magics(c_.topo), before) << "the same databases";

  OpResult destroyed = destroy_cluster(*c_.backend, c_.topo, OpOptions{});
  ASSERT_TRUE(destroyed.ok) << destroyed.error;
  for (const Instance& inst : c_.topo.instances) EXPECT_FALSE(fs::exists(inst.path)) << inst.name;
}

}  // namespace
}  // namespace dpc::real
