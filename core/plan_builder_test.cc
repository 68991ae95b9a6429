#include "core/plan_builder.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "core/plan_test_topologies.h"

namespace dpc {
namespace {

using testing_topologies::find_mutable;
using testing_topologies::make_topology;
using testing_topologies::Shape;

/// Every step `id` depends on, directly or not.
std::set<std::string> ancestors(const Plan& plan, const std::string& id) {
  std::set<std::string> seen;
  std::function<void(const std::string&)> visit = [&](const std::string& at) {
    const Step* s = plan.find(at);
    if (s == nullptr) return;
    for (const auto& d : s->deps) {
      if (seen.insert(d).second) visit(d);
    }
  };
  visit(id);
  return seen;
}

bool after(const Plan& plan, const std::string& later, const std::string& earlier) {
  return ancestors(plan, later).count(earlier) > 0;
}

const Step& step(const Plan& plan, const std::string& id) {
  const Step* s = plan.find(id);
  if (s == nullptr) {
    ADD_FAILURE() << "no step " << id;
    static const Step none;
    return none;
  }
  return *s;
}

Shape shape_72() {
  Shape shape;
  shape.bp_groups = {3, 3};
  return shape;
}

Shape shape_73() {
  Shape shape;
  shape.mps = 3;
  shape.bp_groups = {1};
  return shape;
}

std::vector<Topology> all_shapes() {
  Shape s71;
  s71.bp_groups = {1, 1};
  Shape big;
  big.mps = 3;
  big.sps = 2;
  big.bp_groups = {3, 5, 1};
  Shape windows = shape_72();
  windows.os = OsKind::Windows;
  windows.base_dir = "d:\\dpc";
  return {make_topology(s71), make_topology(shape_72()), make_topology(shape_73()),
          make_topology(big), make_topology(windows)};
}

TEST(DeployPlan, IdsAreUniqueAndEveryDepComesEarlier) {
  for (const Topology& topo : all_shapes()) {
    for (const Plan& plan : {build_deploy_plan(topo), build_stop_plan(topo)}) {
      std::set<std::string> seen;
      for (const Step& s : plan.steps) {
        for (const auto& d : s.deps) {
          EXPECT_EQ(seen.count(d), 1u) << s.id << " depends on " << d << ", not an earlier step";
        }
        EXPECT_TRUE(seen.insert(s.id).second) << "duplicate id " << s.id;
        EXPECT_GT(s.timeout_ms, 0) << s.id;
        EXPECT_LE(s.timeout_ms, 600000) << s.id;
        EXPECT_FALSE(s.title.empty()) << s.id;
      }
    }
  }
}

TEST(DeployPlan, InitStepCarriesTheManualsDminitArguments) {
  Topology topo = make_topology(shape_72());
  Plan plan = build_deploy_plan(topo);
  const Step& init = step(plan, "init:BP12");
  EXPECT_EQ(init.kind, StepKind::InitInstance);
  EXPECT_EQ(init.program, "dminit");
  EXPECT_TRUE(init.needs_password);
  EXPECT_EQ(init.args, (std::vector<std::string>{"path=/data/dpc/bp12", "instance_name=BP12",
                                                 "port_num=5239", "ap_port_num=6003",
                                                 "dpc_mode=BP"}));
  topo.auto_overwrite = 1;
  const Plan overwrite = build_deploy_plan(topo);
  EXPECT_EQ(step(overwrite, "init:MP").args.back(), "AUTO_OVERWRITE=1");
  for (const Step& s : plan.steps) {
    for (const auto& a : s.args) EXPECT_EQ(a.find("PWD"), std::string::npos) << s.id << ": " << a;
  }
}

TEST(DeployPlan, EveryInstanceGetsTheSameMpIni) {
  Topology topo = make_topology(shape_72());
  Plan plan = build_deploy_plan(topo);
  const std::string& content = step(plan, "mpini:MP").content;
  for (const Instance& inst : topo.instances) {
    const Step& s = step(plan, "mpini:" + inst.name);
    EXPECT_EQ(s.kind, StepKind::WriteFile);
    EXPECT_EQ(s.path, inst.path + "/DAMENG/mp.ini");
    EXPECT_EQ(s.content, content);
    EXPECT_EQ(s.deps, (std::vector<std::string>{"init:" + inst.name}));
  }
}

TEST(DeployPlan, MpStartsFirstAndEveryOtherStartWaitsForIt) {
  for (const Topology& topo : all_shapes()) {
    Plan plan = build_deploy_plan(topo);
    const std::string mp1 = topo.members_of(*topo.mp_group()).front()->name;
    const Step& start = step(plan, "start:" + mp1);
    EXPECT_FALSE(start.mount);
    EXPECT_EQ(start.args.back(), "dpc_mode=MP");
    const std::string mp_ready =
        topo.mp_replicated() ? "wait-leader:MP_RAFT" : "start:" + mp1;
    for (const Step& s : plan.steps) {
      if (s.kind != StepKind::StartServer) continue;
      const Instance* inst = topo.find_instance(s.instance);
      ASSERT_NE(inst, nullptr);
      if (inst->role == Role::MP) continue;
      EXPECT_TRUE(after(plan, s.id, mp_ready)) << s.id << " does not wait for " << mp_ready;
    }
  }
}

TEST(DeployPlan, RegistrationIsOneChainStartingWithTheMpItself) {
  for (const Topology& topo : all_shapes()) {
    Plan plan = build_deploy_plan(topo);
    const std::string mp1 = topo.members_of(*topo.mp_group()).front()->name;
    std::string previous = "start:" + mp1;
    bool first = true;
    int count = 0;
    for (const Step& s : plan.steps) {
      if (s.kind != StepKind::RunSql) continue;
      ++count;
      if (first) {
        EXPECT_EQ(s.id, "register:" + mp1);
      }
      first = false;
      EXPECT_EQ(s.deps, std::vector<std::string>{previous}) << s.id;
      EXPECT_EQ(s.statements.size(), 1u) << s.id;
      EXPECT_EQ(s.endpoint.instance, mp1) << s.id;
      EXPECT_FALSE(s.guard_query.empty()) << s.id;
      previous = s.id;
    }
    EXPECT_GT(count, 0);
    EXPECT_EQ(step(plan, "verify-registration").deps, std::vector<std::string>{previous});
  }
}

TEST(DeployPlan, EverySpAndBpStartsOnlyAfterItsRegistration) {
  for (const Topology& topo : all_shapes()) {
    Plan plan = build_deploy_plan(topo);
    const std::string mp1_start = "start:" + topo.members_of(*topo.mp_group()).front()->name;
    for (const Step& s : plan.steps) {
      if (s.kind != StepKind::StartServer || s.id == mp1_start) continue;
      EXPECT_TRUE(after(plan, s.id, "register:" + s.instance)) << s.id;
    }
    for (const Instance& inst : topo.instances) {
      if (inst.role == Role::MP) continue;
      const std::string first = plan.find("seed-start:" + inst.name) ? "seed-start:" + inst.name
                                                                     : "start:" + inst.name;
      EXPECT_TRUE(after(plan, first, "register:" + inst.name)) << first;
    }
  }
}

TEST(DeployPlan, ReplicaGroupIsPreparedFromItsSeed) {
  Topology topo = make_topology(shape_72());
  Plan plan = build_deploy_plan(topo);
  // seed config -> seed start (OPEN) -> exit -> backup -> restore -> magic
  // -> dm.ini + dmarch.ini -> MOUNT starts -> leader.
  EXPECT_TRUE(after(plan, "seed-start:BP11", "seed-dm-ini:BP11"));
  EXPECT_TRUE(after(plan, "seed-start:BP11", "seed-dmarch:BP11"));
  EXPECT_TRUE(after(plan, "seed-exit:BP11", "seed-start:BP11"));
  EXPECT_TRUE(after(plan, "backup:BP11", "seed-exit:BP11"));
  for (const char* m : {"BP12", "BP13"}) {
    EXPECT_TRUE(after(plan, std::string("restore:") + m, "backup:BP11"));
    EXPECT_TRUE(after(plan, std::string("update-magic:") + m, std::string("restore:") + m));
    EXPECT_TRUE(after(plan, std::string("dm-ini:") + m, std::string("update-magic:") + m));
    EXPECT_TRUE(after(plan, std::string("dmarch:") + m, std::string("update-magic:") + m));
  }
  for (const char* m : {"BP11", "BP12", "BP13"}) {
    const Step& start = step(plan, std::string("start:") + m);
    EXPECT_TRUE(start.mount);
    EXPECT_EQ(start.args.back(), "MOUNT");
    // Every member starts once the whole group is prepared.
    for (const char* other : {"BP11", "BP12", "BP13"}) {
      EXPECT_TRUE(after(plan, start.id, std::string("dmarch:") + other)) << start.id;
      EXPECT_TRUE(after(plan, start.id, std::string("dm-ini:") + other)) << start.id;
    }
    EXPECT_TRUE(after(plan, "wait-leader:RAFT_1", start.id));
    EXPECT_EQ(step(plan, std::string("dm-ini:") + m).ini_set,
              (std::vector<std::pair<std::string, std::string>>{{"ARCH_INI", "1"},
                                                                {"ALTER_MODE_STATUS", "0"}}));
  }
  EXPECT_EQ(plan.find("restore:BP11"), nullptr);
  EXPECT_EQ(step(plan, "seed-dm-ini:BP11").ini_set,
            (std::vector<std::pair<std::string, std::string>>{{"ARCH_INI", "1"}}));
  EXPECT_FALSE(step(plan, "seed-start:BP11").mount);
  EXPECT_EQ(step(plan, "seed-exit:BP11").console_line, "exit");
  const Step& wait = step(plan, "wait-leader:RAFT_1");
  EXPECT_EQ(wait.wait.what, WaitSpec::What::GroupLeader);
  EXPECT_EQ(wait.wait.group, "RAFT_1");
  EXPECT_EQ(wait.wait.instances, (std::vector<std::string>{"BP11", "BP12", "BP13"}));
}

TEST(DeployPlan, SingleHostGroupsCopyNothing) {
  Plan plan = build_deploy_plan(make_topology(shape_72()));
  for (const Step& s : plan.steps) EXPECT_NE(s.kind, StepKind::CopyBackup) << s.id;
}

TEST(DeployPlan, MembersOnOtherHostsRestoreFromAVerifiedCopy) {
  Topology topo = make_topology(shape_72());
  find_mutable(topo, "BP12")->host = "10.0.0.2";
  find_mutable(topo, "BP13")->host = "10.0.0.3";
  find_mutable(topo, "BP22")->host = "10.0.0.2";
  find_mutable(topo, "BP23")->host = "10.0.0.2";  // two members, one copy
  Plan plan = build_deploy_plan(topo);
  const Step& copy = step(plan, "copy-backup:BP11:10.0.0.2");
  EXPECT_EQ(copy.kind, StepKind::CopyBackup);
  EXPECT_EQ(copy.source_host, "10.0.0.1");
  EXPECT_EQ(copy.host, "10.0.0.2");
  EXPECT_EQ(copy.path, "/data/dpc/bp11/BACKUP_01");
  EXPECT_EQ(copy.deps, (std::vector<std::string>{"backup:BP11"}));
  EXPECT_TRUE(after(plan, "restore:BP12", "copy-backup:BP11:10.0.0.2"));
  EXPECT_TRUE(after(plan, "restore:BP13", "copy-backup:BP11:10.0.0.3"));
  EXPECT_FALSE(after(plan, "restore:BP13", "copy-backup:BP11:10.0.0.2"));
  EXPECT_TRUE(after(plan, "restore:BP22", "copy-backup:BP21:10.0.0.2"));
  EXPECT_TRUE(after(plan, "restore:BP23", "copy-backup:BP21:10.0.0.2"));
  EXPECT_EQ(plan.find("copy-backup:BP21:10.0.0.3"), nullptr);
  int copies = 0;
  for (const Step& s : plan.steps) copies += s.kind == StepKind::CopyBackup ? 1 : 0;
  EXPECT_EQ(copies, 3);
}

TEST(DeployPlan, DmrmanArgumentsAreArgvElementsWithoutShellQuotes) {
  Plan plan = build_deploy_plan(make_topology(shape_72()));
  EXPECT_EQ(step(plan, "backup:BP21").args,
            (std::vector<std::string>{"CTLSTMT=BACKUP DATABASE '/data/dpc/bp21/DAMENG/dm.ini' FULL "
                                      "TO BACKUP_01 BACKUPSET '/data/dpc/bp21/BACKUP_01'",
                                      "USE_AP=2"}));
  EXPECT_EQ(step(plan, "restore:BP22").args,
            (std::vector<std::string>{"CTLSTMT=RESTORE DATABASE '/data/dpc/bp22/DAMENG/dm.ini' FROM "
                                      "BACKUPSET '/data/dpc/bp21/BACKUP_01'",
                                      "USE_AP=2"}));
  EXPECT_EQ(step(plan, "update-magic:BP23").args,
            (std::vector<std::string>{
                "CTLSTMT=RECOVER DATABASE '/data/dpc/bp23/DAMENG/dm.ini' UPDATE DB_MAGIC",
                "USE_AP=2"}));
}

TEST(DeployPlan, ShadowMemberIsRestoredToShadow) {
  Topology topo = make_topology(shape_72());
  find_mutable(topo, "BP13")->kind = ReplicaKind::Shadow;
  Plan plan = build_deploy_plan(topo);
  EXPECT_EQ(step(plan, "restore:BP13").args.front(),
            "CTLSTMT=RESTORE DATABASE '/data/dpc/bp13/DAMENG/dm.ini' TO SHADOW FROM BACKUPSET "
            "'/data/dpc/bp11/BACKUP_01'");
  EXPECT_EQ(step(plan, "restore:BP12").args.front().find("SHADOW"), std::string::npos);
}

TEST(DeployPlan, MpRaftIsPreparedFromMp1AfterRegistration) {
  Topology topo = make_topology(shape_73());
  Plan plan = build_deploy_plan(topo);
  EXPECT_EQ(step(plan, "mp-dm-ini:MP1").ini_set,
            (std::vector<std::pair<std::string, std::string>>{{"ARCH_INI", "1"}}));
  EXPECT_EQ(step(plan, "mp-dmarch-local:MP1").path, "/data/dpc/mp1/DAMENG/dmarch.ini");
  EXPECT_TRUE(after(plan, "start:MP1", "mp-dm-ini:MP1"));
  EXPECT_TRUE(after(plan, "start:MP1", "mp-dmarch-local:MP1"));
  EXPECT_EQ(plan.find("seed-start:MP1"), nullptr);  // start:MP1 is its first start
  EXPECT_TRUE(after(plan, "seed-exit:MP1", "verify-registration"));
  EXPECT_TRUE(after(plan, "seed-exit:MP1", "register:MP3"));
  EXPECT_TRUE(after(plan, "backup:MP1", "seed-exit:MP1"));
  EXPECT_TRUE(after(plan, "restore:MP2", "backup:MP1"));
  EXPECT_TRUE(after(plan, "update-magic:MP3", "restore:MP3"));
  for (const char* id : {"start-mount:MP1", "start:MP2", "start:MP3"}) {
    EXPECT_TRUE(step(plan, id).mount) << id;
    EXPECT_EQ(step(plan, id).args[1], "dpc_mode=MP") << id;
    EXPECT_TRUE(after(plan, "wait-leader:MP_RAFT", id));
  }
  EXPECT_TRUE(after(plan, "start:SP1", "wait-leader:MP_RAFT"));
  EXPECT_TRUE(after(plan, "start:BP11", "wait-leader:MP_RAFT"));
  EXPECT_FALSE(step(plan, "start:BP11").mount);
  EXPECT_EQ(step(plan, "wait-open:BP11").wait.state, "OPEN");
}

TEST(DeployPlan, BpGroupsAreIndependentAndSpsStartAfterEverySeedExit) {
  Shape shape = shape_72();
  shape.sps = 2;
  Topology topo = make_topology(shape);
  Plan plan = build_deploy_plan(topo);
  auto touches = [&](const std::string& id, const std::string& prefix) {
    for (const auto& a : ancestors(plan, id)) {
      const Step* s = plan.find(a);
      if (s->kind != StepKind::RunSql && s->kind != StepKind::Verify &&
          s->instance.rfind(prefix, 0) == 0) {
        return true;
      }
    }
    return false;
  };
  EXPECT_FALSE(touches("wait-leader:RAFT_1", "BP2"));
  EXPECT_FALSE(touches("wait-leader:RAFT_2", "BP1"));
  // An SP running while a BP seed exits for its backup would HALT (wrong
  // shutdown order): it starts after every seed's exit, and no later.
  const auto sp_deps = ancestors(plan, "start:SP1");
  for (const char* id : {"seed-exit:BP11", "seed-exit:BP21"}) {
    EXPECT_TRUE(sp_deps.count(id)) << id;
  }
  for (const auto& a : sp_deps) {
    EXPECT_NE(plan.find(a)->kind, StepKind::Restore) << a;
    EXPECT_NE(a.rfind("start:BP", 0), 0u) << a;
  }
  EXPECT_FALSE(touches("wait-leader:RAFT_1", "SP"));
  EXPECT_FALSE(touches("wait-open:SP2", "SP1"));
}

TEST(DeployPlan, VerifyHealthComesLastAndDependsOnEverything) {
  for (const Topology& topo : all_shapes()) {
    Plan plan = build_deploy_plan(topo);
    ASSERT_FALSE(plan.steps.empty());
    const Step& last = plan.steps.back();
    EXPECT_EQ(last.id, "verify-health");
    EXPECT_EQ(last.verify.what, VerifySpec::What::Health);
    EXPECT_EQ(last.endpoint.instance, topo.of_role(Role::SP).front()->name);
    EXPECT_EQ(last.verify.instances.size(), topo.instances.size());
    auto before = ancestors(plan, last.id);
    EXPECT_EQ(before.size(), plan.steps.size() - 1);
  }
}

TEST(DeployPlan, WindowsInstancesGetWindowsPaths) {
  Shape shape = shape_72();
  shape.os = OsKind::Windows;
  shape.base_dir = "d:\\dpc_data_mac";
  Plan plan = build_deploy_plan(make_topology(shape));
  EXPECT_EQ(step(plan, "mpini:BP11").path, "d:\\dpc_data_mac\\bp11\\DAMENG\\mp.ini");
  EXPECT_EQ(step(plan, "start:BP11").args.front(), "d:\\dpc_data_mac\\bp11\\DAMENG\\dm.ini");
  EXPECT_EQ(step(plan, "backup:BP11").args.front(),
            "CTLSTMT=BACKUP DATABASE 'd:\\dpc_data_mac\\bp11\\DAMENG\\dm.ini' FULL TO BACKUP_01 "
            "BACKUPSET 'd:\\dpc_data_mac\\bp11\\BACKUP_01'");
}

TEST(DeployPlan, RegistrationVerifyExpectsEveryName) {
  Topology topo = make_topology(shape_72());
  const Plan plan = build_deploy_plan(topo);
  const Step& verify = step(plan, "verify-registration");
  EXPECT_EQ(verify.verify.what, VerifySpec::What::Registration);
  EXPECT_EQ(verify.verify.instances.size(), topo.instances.size());
  EXPECT_EQ(verify.verify.rafts, (std::vector<std::string>{"RAFT_SP1", "RAFT_1", "RAFT_2"}));
  EXPECT_EQ(verify.verify.bp_groups, std::vector<std::string>{"BG_1"});
}

std::vector<std::string> stop_ids(const Topology& topo) {
  std::vector<std::string> ids;
  for (const Step& s : build_stop_plan(topo).steps) ids.push_back(s.id);
  return ids;
}

TEST(StopPlan, SingleReplicaClusterExitsSpThenBpsThenMp) {
  Shape shape;
  shape.bp_groups = {1, 1};
  Topology topo = make_topology(shape);
  EXPECT_EQ(stop_ids(topo),
            (std::vector<std::string>{"exit:SP1", "exit:BP11", "exit:BP21", "exit:MP"}));
  Plan plan = build_stop_plan(topo);
  EXPECT_TRUE(plan.stop);
  EXPECT_TRUE(after(plan, "exit:BP11", "exit:SP1"));
  EXPECT_TRUE(after(plan, "exit:MP", "exit:BP11"));
  EXPECT_TRUE(after(plan, "exit:MP", "exit:BP21"));
  EXPECT_FALSE(after(plan, "exit:BP21", "exit:BP11"));  // BPs in parallel
  EXPECT_EQ(step(plan, "exit:BP11").console_line, "exit");
  EXPECT_EQ(step(plan, "exit:BP11").wait.what, WaitSpec::What::Stopped);
}

TEST(StopPlan, ReplicaGroupsExitAllThenTheRemainingMembers) {
  Shape shape = shape_72();
  shape.sps = 2;
  Topology topo = make_topology(shape);
  Plan plan = build_stop_plan(topo);
  EXPECT_EQ(stop_ids(topo),
            (std::vector<std::string>{"exit:SP1", "exit:SP2", "exit-all:RAFT_1",
                                      "exit-remaining:RAFT_1", "exit-all:RAFT_2",
                                      "exit-remaining:RAFT_2", "exit:MP"}));
  const Step& all = step(plan, "exit-all:RAFT_1");
  EXPECT_EQ(all.kind, StepKind::ConsoleExitAll);
  EXPECT_EQ(all.console_line, "exit all");
  EXPECT_EQ(all.instance, "BP11");
  EXPECT_EQ(all.wait.instances, (std::vector<std::string>{"BP11", "BP12", "BP13"}));
  EXPECT_EQ(all.deps, (std::vector<std::string>{"exit:SP1", "exit:SP2"}));
  const Step& rest = step(plan, "exit-remaining:RAFT_1");
  EXPECT_EQ(rest.kind, StepKind::ConsoleExit);
  EXPECT_EQ(rest.instance, "");
  EXPECT_EQ(rest.wait.instances, (std::vector<std::string>{"BP11", "BP12", "BP13"}));
  EXPECT_EQ(step(plan, "exit:MP").deps,
            (std::vector<std::string>{"exit-remaining:RAFT_1", "exit-remaining:RAFT_2"}));
}

TEST(StopPlan, MpRaftExitsAllLast) {
  Topology topo = make_topology(shape_73());
  EXPECT_EQ(stop_ids(topo), (std::vector<std::string>{"exit:SP1", "exit:BP11", "exit-all:MP_RAFT",
                                                      "exit-remaining:MP_RAFT"}));
  Plan plan = build_stop_plan(topo);
  EXPECT_EQ(step(plan, "exit-all:MP_RAFT").instance, "MP1");
  EXPECT_TRUE(after(plan, "exit-all:MP_RAFT", "exit:BP11"));
  EXPECT_TRUE(after(plan, "exit-all:MP_RAFT", "exit:SP1"));
}

}  // namespace
}  // namespace dpc
