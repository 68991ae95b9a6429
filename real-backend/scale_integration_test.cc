// Growing and reshaping a cluster on the real backend with the stand-in DM
// tools (fakes/) as real processes: the §7.2 cluster deployed, grown by a
// third BP RAFT group and a second SP (scale-out), BP13 converted to a
// shadow replica and back (manual 7.5.2), SP2 removed (scale-in); after each
// step every instance of the topology runs and the cluster is healthy, and
// a final stop covers exactly the topology's instances.
#include <filesystem>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/cluster_ops.h"
#include "core/cluster_status.h"
#include "core/executor.h"
#include "core/plan_builder.h"
#include "core/scale_ops.h"
#include "core/topology_load.h"
#include "real-backend/atomic_file.h"
#include "real-backend/testing/stand_in_cluster.h"

namespace dpc::real {
namespace {

using ::testing::HasSubstr;

class ScaleStandIn : public ::testing::Test {
 protected:
  void SetUp() override {
    // The grown topology fixes every instance's temp path and free ports;
    // the others take them by name.
    ASSERT_EQ(c_.set_up("local-7.2-grown.json"), "");
    grown_ = c_.topo;
    base_ = like_grown("local-7.2.json");
    shrunk_ = like_grown("local-7.2-raft3.json");
    c_.sql->set_topology(base_);
    ExecutorOptions o;
    o.poll_interval_ms = 50;
    ExecutionReport deployed = run_plan(*c_.backend, base_, build_deploy_plan(base_), o);
    ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;
  }
  void TearDown() override { c_.tear_down(); }

  Topology like_grown(const std::string& file) {
    auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + file);
    EXPECT_TRUE(loaded.ok()) << file;
    Topology t = *loaded.topology;
    for (Instance& inst : t.instances) {
      const Instance* g = grown_.find_instance(inst.name);
      EXPECT_NE(g, nullptr) << inst.name;
      if (g == nullptr) continue;
      inst.path = g->path;
      inst.port_num = g->port_num;
      inst.ap_port_num = g->ap_port_num;
      inst.mp_port = g->mp_port;
    }
    return t;
  }

  /// Every instance of `topo` runs and the cluster is healthy.
  void expect_up(const Topology& topo) {
    for (const Instance& inst : topo.instances) EXPECT_TRUE(c_.backend->server_running(inst.name)) << inst.name;
    ClusterStatus st = gather_status(*c_.backend, topo);
    EXPECT_EQ(st.exit_code(), 0) << format_status(st);
  }

  std::string db_of(const std::string& name) {
    auto text = read_whole_file(c_.topo.find_instance(name)->path + "/DAMENG/fake.db");
    return text ? *text : "";
  }

  testing::StandInCluster c_;
  Topology grown_, base_, shrunk_;
};

TEST_F(ScaleStandIn, GrowConvertBothWaysAndShrinkWithoutStoppingTheRest) {
  expect_up(base_);
  c_.sql->set_topology(grown_);
  ScaleResult out = run_scale_out(*c_.backend, base_, grown_, OpOptions{});
  ASSERT_TRUE(out.op.ok) << out.op.error;
  expect_up(grown_);
  // The new group was registered before its first start, the SP too (the fake notes violations).
  EXPECT_TRUE(c_.sql->violations().empty()) << c_.sql->violations().front();
  EXPECT_THAT(c_.sql->registered(), ::testing::IsSupersetOf({"BP31", "BP32", "BP33", "SP2"}));

  ScaleResult shadow = run_convert(*c_.backend, grown_, "BP13", ReplicaKind::Shadow, OpOptions{});
  ASSERT_TRUE(shadow.op.ok) << shadow.op.error;
  EXPECT_THAT(db_of("BP13"), HasSubstr("SHADOW=1"));
  EXPECT_EQ(shadow.result.find_instance("BP13")->kind, ReplicaKind::Shadow);
  expect_up(grown_);

  ScaleResult back = run_convert(*c_.backend, shadow.result, "BP13", ReplicaKind::Voter, OpOptions{});
  ASSERT_TRUE(back.op.ok) << back.op.error;
  EXPECT_THAT(db_of("BP13"), HasSubstr("SHADOW=0"));
  expect_up(grown_);

  c_.sql->set_topology(shrunk_);
  ScaleResult in = run_scale_in(*c_.backend, back.result, shrunk_, OpOptions{});
  ASSERT_TRUE(in.op.ok) << in.op.error;
  EXPECT_FALSE(c_.backend->server_running("SP2"));
  EXPECT_THAT(c_.sql->registered(), ::testing::Not(::testing::Contains("SP2")));
  expect_up(shrunk_);

  auto stop = parse_cluster_op({"stop"});
  ASSERT_TRUE(stop.ok());
  OpResult stopped = run_cluster_op(*c_.backend, shrunk_, *stop, OpOptions{});
  ASSERT_TRUE(stopped.ok) << stopped.error;
  for (const Instance& inst : grown_.instances) EXPECT_FALSE(c_.backend->server_running(inst.name)) << inst.name;
}

TEST_F(ScaleStandIn, ConvertWithAShadowBackupRestoresItAsUsual) {
  Topology by_backup = base_;
  by_backup.archive.shadow_method = "backup";
  ScaleResult shadow = run_convert(*c_.backend, by_backup, "BP12", ReplicaKind::Shadow, OpOptions{});
  ASSERT_TRUE(shadow.op.ok) << shadow.op.error;
  EXPECT_THAT(db_of("BP12"), HasSubstr("SHADOW=1"));
  auto record = read_whole_file(c_.dir + "/record.txt");
  ASSERT_TRUE(record.ok());
  EXPECT_THAT(*record, HasSubstr("FULL SHADOW TO BACKUP_01_CONVERT"));
  expect_up(base_);
}

TEST_F(ScaleStandIn, ABpGroupIsNotScaledInAndNothingStops) {
  ScaleResult in = run_scale_in(*c_.backend, grown_, base_, OpOptions{});
  EXPECT_FALSE(in.op.ok);
  EXPECT_THAT(in.op.error, HasSubstr("still holds data"));
  expect_up(base_);
}

TEST(ScaleStandInMembers, NewMembersOfARunningGroupAreRestoredFromOneMembersBackupAndToldToTheOthers) {
  testing::StandInCluster c;
  ASSERT_EQ(c.set_up("local-7.2-bp14.json"), "");
  const Topology wanted = c.topo;
  auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json");
  ASSERT_TRUE(loaded.ok());
  Topology base = *loaded.topology;
  for (Instance& inst : base.instances) {
    const Instance* w = wanted.find_instance(inst.name);
    inst.path = w->path;
    inst.port_num = w->port_num;
    inst.ap_port_num = w->ap_port_num;
    inst.mp_port = w->mp_port;
  }
  c.sql->set_topology(base);
  ExecutorOptions o;
  o.poll_interval_ms = 50;
  ExecutionReport deployed = run_plan(*c.backend, base, build_deploy_plan(base), o);
  ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;
  c.sql->set_topology(wanted);
  ScaleResult out = run_scale_out(*c.backend, base, wanted, OpOptions{});
  ASSERT_TRUE(out.op.ok) << out.op.error;
  for (const Instance& inst : wanted.instances) EXPECT_TRUE(c.backend->server_running(inst.name)) << inst.name;
  EXPECT_EQ(gather_status(*c.backend, wanted).exit_code(), 0) << format_status(gather_status(*c.backend, wanted));
  EXPECT_TRUE(c.sql->violations().empty());
  // SP_ADD_RAFT_NODE went to every old member, for each new one.
  int adds = 0;
  for (const std::string& st : c.sql->statements()) adds += st.find("SP_ADD_RAFT_NODE('BP1") != std::string::npos;
  EXPECT_EQ(adds, 6);
  auto record = read_whole_file(c.dir + "/record.txt");
  ASSERT_TRUE(record.ok());
  EXPECT_THAT(*record, HasSubstr("BACKUP_01_ADD"));
  // BP14's dmarch.ini lists every member; BP11's was rewritten to list BP15.
  auto arch = read_whole_file(wanted.find_instance("BP11")->path + "/DAMENG/dmarch.ini");
  ASSERT_TRUE(arch.ok());
  EXPECT_THAT(*arch, HasSubstr("ARCH_DEST = BP15"));
  c.tear_down();
}

}  // namespace
}  // namespace dpc::real
