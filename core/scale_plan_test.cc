#include "core/scale_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/plan_builder.h"
#include "core/topology_load.h"

namespace dpc {
namespace {

using ::testing::HasSubstr;

Topology load(const std::string& name) {
  LoadOutcome o = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + name);
  EXPECT_TRUE(o.ok()) << name << format_diagnostics(o.diagnostics, name);
  return *o.topology;
}

std::vector<std::string> ids(const Plan& p) {
  std::vector<std::string> out;
  for (const Step& s : p.steps) out.push_back(s.id);
  return out;
}

/// Whether `a` is a transitive dependency of `b`.
bool before(const Plan& p, const std::string& a, const std::string& b) {
  std::set<std::string> seen;
  std::vector<std::string> todo = {b};
  while (!todo.empty()) {
    std::string id = todo.back();
    todo.pop_back();
    const Step* s = p.find(id);
    if (s == nullptr) continue;
    for (const std::string& d : s->deps) {
      if (d == a) return true;
      if (seen.insert(d).second) todo.push_back(d);
    }
  }
  return false;
}

const Step& step(const Plan& p, const std::string& id) {
  const Step* s = p.find(id);
  EXPECT_NE(s, nullptr) << id;
  static const Step none;
  return s ? *s : none;
}

TEST(TopologyDiff, NamesWhatAFileAddsAndRemoves) {
  const TopologyDiff d = diff_topologies(load("local-7.2.json"), load("local-7.2-grown.json"));
  EXPECT_EQ(d.added, (std::vector<std::string>{"SP2", "BP31", "BP32", "BP33"}));
  EXPECT_EQ(d.added_rafts, (std::vector<std::string>{"RAFT_SP2", "RAFT_3"}));
  EXPECT_TRUE(d.removed.empty());
  EXPECT_TRUE(d.changed.empty());
  EXPECT_TRUE(d.added_members.empty());
  EXPECT_TRUE(diff_topologies(load("local-7.2.json"), load("local-7.2.json")).empty());
}

TEST(ScaleOut, TouchesOnlyTheNewInstancesAndRegistersThemBeforeTheirFirstStart) {
  const Topology base = load("local-7.2.json");
  auto plan = build_scale_out_plan(base, load("local-7.2-grown.json"));
  ASSERT_TRUE(plan.ok()) << plan.message();
  const std::set<std::string> added = {"SP2", "BP31", "BP32", "BP33"};
  for (const Step& s : plan->steps) {
    if (s.kind == StepKind::InitInstance || s.kind == StepKind::StartServer || s.kind == StepKind::ConsoleExit ||
        s.kind == StepKind::Backup || s.kind == StepKind::Restore || s.kind == StepKind::WriteFile ||
        s.kind == StepKind::EditIni) {
      EXPECT_TRUE(added.count(s.instance)) << s.id << " acts on " << s.instance;
    }
  }
  EXPECT_TRUE(before(*plan, "create-raft:RAFT_3", "register:BP31"));
  EXPECT_TRUE(before(*plan, "register:BP31", "seed-start:BP31"));
  EXPECT_TRUE(before(*plan, "register:BP32", "start:BP32"));
  EXPECT_TRUE(before(*plan, "bp-group-add:BG_1:RAFT_3", "verify-registration"));
  EXPECT_TRUE(before(*plan, "register:SP2", "start:SP2"));
  EXPECT_TRUE(before(*plan, "backup:BP31", "restore:BP33"));
  EXPECT_TRUE(before(*plan, "wait-leader:RAFT_3", "verify-health"));
  EXPECT_TRUE(before(*plan, "wait-open:SP2", "verify-health"));
  EXPECT_EQ(plan->find("start:BP11"), nullptr);
  EXPECT_EQ(plan->find("create-bp-group:BG_1"), nullptr);  // BG_1 exists; RAFT_3 joins it
  EXPECT_EQ(plan->find("create-fault-domain:FDOM_1"), nullptr);
  EXPECT_NE(plan->find("fault-domain-mv:FDOM_1:BP31"), nullptr);
  // The registration calls are one chain.
  std::string previous;
  for (const Step& s : plan->steps) {
    if (s.kind != StepKind::RunSql) continue;
    if (!previous.empty()) {
      EXPECT_TRUE(before(*plan, previous, s.id)) << previous << " then " << s.id;
    }
    previous = s.id;
  }
  auto nothing = build_scale_out_plan(base, base);
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->steps.empty());
}

TEST(ScaleOut, ANewHostGetsDmFromThePackageFirstAndTheClustersHostsAreLeftAlone) {
  Topology base = load("local-7.2.json");
  base.dm_home = "/opt/dmdbms";
  base.dm_package = "/srv/dm8.tar.gz";
  Topology wanted = load("local-7.2-grown.json");
  wanted.dm_home = base.dm_home;
  wanted.dm_package = base.dm_package;
  for (Instance& i : wanted.instances) {
    if (i.name == "BP31" || i.name == "BP32" || i.name == "BP33") i.host = "192.0.2.9";
  }
  auto plan = build_scale_out_plan(base, wanted);
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_NE(plan->find("install-dm:192.0.2.9"), nullptr);
  for (const std::string& h : base.hosts()) EXPECT_EQ(plan->find("install-dm:" + h), nullptr) << h;
  EXPECT_TRUE(before(*plan, "install-dm:192.0.2.9", "init:BP31"));
  EXPECT_TRUE(before(*plan, "install-dm:192.0.2.9", "start:BP33"));
  for (const Step& s : plan->steps) {  // steps on the cluster's hosts do not wait for it themselves
    if (!base.hosts().count(s.host)) continue;
    EXPECT_EQ(std::count(s.deps.begin(), s.deps.end(), "install-dm:192.0.2.9"), 0) << s.id;
  }
}

TEST(ScaleOut, RefusesWhatItCannotDoWithTheReason) {
  const Topology base = load("local-7.2.json");
  Topology mp_member = load("local-7.3.json");
  Topology local73 = mp_member;
  std::erase_if(local73.instances, [](const Instance& i) { return i.name == "MP3"; });
  for (RaftGroup& r : local73.rafts) std::erase(r.members, "MP3");
  auto mp = build_scale_out_plan(local73, mp_member);
  ASSERT_FALSE(mp.ok());
  EXPECT_THAT(mp.message(), HasSubstr("only BP RAFT groups grow in place"));

  Topology moved = load("local-7.2-grown.json");
  for (Instance& i : moved.instances) {
    if (i.name == "BP12") i.port_num = 7777;
  }
  auto changed = build_scale_out_plan(base, moved);
  ASSERT_FALSE(changed.ok());
  EXPECT_THAT(changed.message(), HasSubstr("BP12: port_num differ"));

  auto removed = build_scale_out_plan(load("local-7.2-sp2.json"), base);
  ASSERT_FALSE(removed.ok());
  EXPECT_THAT(removed.message(), HasSubstr("dpcctl scale-in"));

  auto shadowed = build_scale_out_plan(load("local-7.2-grown.json"), load("local-7.2-grown-bp13-shadow.json"));
  ASSERT_FALSE(shadowed.ok());
  EXPECT_THAT(shadowed.message(), HasSubstr("dpcctl convert FILE BP13 --to shadow"));
}

TEST(ScaleOut, NewMembersOfARunningGroupComeFromABackupOfOneMemberAndJoinThroughSpAddRaftNode) {
  const Topology base = load("local-7.2.json");
  auto plan = build_scale_out_plan(base, load("local-7.2-bp14.json"));
  ASSERT_TRUE(plan.ok()) << plan.message();
  // BP13, the group's last voter, is backed up offline and starts again.
  EXPECT_TRUE(before(*plan, "member-exit:BP13", "member-backup:BP13"));
  EXPECT_TRUE(before(*plan, "member-backup:BP13", "member-start:BP13"));
  EXPECT_TRUE(step(*plan, "member-start:BP13").mount);
  EXPECT_THAT(step(*plan, "restore:BP14").args[0],
              HasSubstr("FROM BACKUPSET '/tmp/dpcctl/local-7.2/bp13/BACKUP_01_ADD'"));
  EXPECT_TRUE(before(*plan, "member-backup:BP13", "restore:BP15"));
  EXPECT_TRUE(before(*plan, "restore:BP14", "update-magic:BP14"));
  EXPECT_TRUE(before(*plan, "update-magic:BP14", "dmarch:BP14"));
  // Every running member is told, after BP13 is back, before the new ones start.
  for (const char* x : {"BP11", "BP12", "BP13"}) {
    for (const char* n : {"BP14", "BP15"}) {
      const std::string id = std::string("add-node:") + x + ":" + n;
      EXPECT_EQ(step(*plan, id).endpoint.instance, x);
      EXPECT_TRUE(before(*plan, "member-follow:BP13", id)) << id;
      EXPECT_TRUE(before(*plan, id, std::string("start:") + n)) << id;
      EXPECT_TRUE(before(*plan, std::string("register:") + n, id)) << id;
    }
  }
  EXPECT_EQ(step(*plan, "add-node:BP11:BP14").statements, (std::vector<std::string>{"SP_ADD_RAFT_NODE('BP14', 4)"}));
  // Every member's dmarch.ini lists the new peers (for its next start).
  EXPECT_THAT(step(*plan, "dmarch:BP11").content, HasSubstr("ARCH_DEST = BP15"));
  EXPECT_TRUE(step(*plan, "start:BP14").mount);
  EXPECT_TRUE(before(*plan, "wait-follow:BP15", "verify-health"));
  EXPECT_EQ(plan->find("start:BP11"), nullptr);
  EXPECT_EQ(plan->find("seed-start:BP11"), nullptr);
}

TEST(ScaleIn, AnSpExitsCleanlyThenLeavesTheCatalog) {
  auto plan = build_scale_in_plan(load("local-7.2-sp2.json"), load("local-7.2.json"));
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(ids(*plan), (std::vector<std::string>{"stop:SP2", "drop:SP2", "drop-raft:RAFT_SP2", "verify-health"}));
  EXPECT_EQ(step(*plan, "stop:SP2").console_line, "exit");
  EXPECT_EQ(step(*plan, "drop:SP2").statements, (std::vector<std::string>{"SP_DROP_DPC_INSTANCE('SP2')"}));
  EXPECT_EQ(step(*plan, "drop:SP2").endpoint.instance, "MP");
  EXPECT_TRUE(before(*plan, "stop:SP2", "drop:SP2"));
  EXPECT_TRUE(before(*plan, "drop:SP2", "drop-raft:RAFT_SP2"));
  EXPECT_EQ(step(*plan, "verify-health").endpoint.instance, "SP1");
}

TEST(ScaleIn, RefusesABpGroupASingleMemberLeftTheMpAndTheLastSp) {
  auto group = build_scale_in_plan(load("local-7.2-raft3-only.json"), load("local-7.2.json"));
  ASSERT_FALSE(group.ok());
  EXPECT_THAT(group.message(), HasSubstr("RAFT_3 (BP31) still holds data"));

  Topology one_left = load("local-7.2.json");
  for (const char* gone : {"BP12", "BP13"}) {
    std::erase_if(one_left.instances, [&](const Instance& i) { return i.name == gone; });
    for (RaftGroup& r : one_left.rafts) std::erase(r.members, gone);
    for (FaultDomain& f : one_left.fault_domains) std::erase(f.instances, gone);
  }
  auto member = build_scale_in_plan(load("local-7.2.json"), one_left);
  ASSERT_FALSE(member.ok());
  EXPECT_THAT(member.message(), HasSubstr("with a single member"));

  Topology no_sp = load("local-7.2.json");
  std::erase_if(no_sp.instances, [](const Instance& i) { return i.role == Role::SP; });
  std::erase_if(no_sp.rafts, [](const RaftGroup& r) { return r.role == Role::SP; });
  auto last = build_scale_in_plan(load("local-7.2.json"), no_sp);
  ASSERT_FALSE(last.ok());
  EXPECT_THAT(last.message(), HasSubstr("leaves no SP"));
}

TEST(ScaleIn, MembersLeaveARunningGroupThroughSpDelRaftNode) {
  auto plan = build_scale_in_plan(load("local-7.2-bp14.json"), load("local-7.2.json"));
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(step(*plan, "stop:BP14").console_line, "exit");  // each leaves alone
  EXPECT_TRUE(before(*plan, "stop:BP15", "wait-leader:RAFT_1"));
  for (const char* x : {"BP11", "BP12", "BP13"}) {
    for (const char* m : {"BP14", "BP15"}) {
      const std::string id = std::string("del-node:") + x + ":" + m;
      EXPECT_EQ(step(*plan, id).statements, (std::vector<std::string>{std::string("SP_DEL_RAFT_NODE('") + m + "')"}));
      EXPECT_TRUE(before(*plan, "wait-leader:RAFT_1", id)) << id;
      EXPECT_TRUE(before(*plan, id, "drop:BP14")) << id;
    }
    EXPECT_THAT(step(*plan, std::string("dmarch:") + x).content, ::testing::Not(HasSubstr("BP14")));
  }
  EXPECT_TRUE(before(*plan, "drop:BP15", "verify-health"));
}

TEST(Convert, FollowsManual752StepByStepOnTheMemberAlone) {
  const Topology base = load("local-7.2.json");
  auto plan = build_convert_plan(base, "BP13", ReplicaKind::Shadow);
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(ids(*plan), (std::vector<std::string>{"exit:BP13", "wait-leader:RAFT_1", "convert-backup:BP13",
                                                    "init:BP13", "mpini:BP13", "restore:BP13", "update-magic:BP13",
                                                    "dm-ini:BP13", "dmarch:BP13", "start:BP13", "wait-follow:BP13"}));
  EXPECT_EQ(step(*plan, "exit:BP13").console_line, "exit");  // a single exit, not exit all
  EXPECT_THAT(step(*plan, "convert-backup:BP13").args[0],
              HasSubstr("BACKUP DATABASE '/tmp/dpcctl/local-7.2/bp13/DAMENG/dm.ini' FULL TO BACKUP_01_CONVERT "
                        "BACKUPSET '/tmp/dpcctl/local-7.2/bp13/BACKUP_01_CONVERT'"));
  EXPECT_TRUE(before(*plan, "convert-backup:BP13", "init:BP13"));
  EXPECT_THAT(step(*plan, "init:BP13").args, ::testing::Contains("port_num=5240"));  // same port and name
  EXPECT_THAT(step(*plan, "restore:BP13").args[0], HasSubstr("TO SHADOW FROM BACKUPSET"));
  EXPECT_TRUE(step(*plan, "start:BP13").mount);
  // The other members' dmarch.ini are not written: nothing changes for them.
  for (const Step& s : plan->steps) {
    if (s.kind == StepKind::WriteFile || s.kind == StepKind::EditIni) {
      EXPECT_EQ(s.instance, "BP13") << s.id;
    }
  }
  // The dmarch.ini written is the one the deploy wrote.
  EXPECT_EQ(step(*plan, "dmarch:BP13").content, build_deploy_plan(base).find("dmarch:BP13")->content);

  Topology by_backup = base;
  by_backup.archive.shadow_method = "backup";
  auto shadow_set = build_convert_plan(by_backup, "BP13", ReplicaKind::Shadow);
  ASSERT_TRUE(shadow_set.ok());
  EXPECT_THAT(step(*shadow_set, "convert-backup:BP13").args[0], HasSubstr("FULL SHADOW TO"));
  EXPECT_THAT(step(*shadow_set, "restore:BP13").args[0], ::testing::Not(HasSubstr("TO SHADOW")));

  auto back = build_convert_plan(converted_topology(base, "BP13", ReplicaKind::Shadow), "BP13", ReplicaKind::Voter);
  ASSERT_TRUE(back.ok());
  EXPECT_THAT(step(*back, "restore:BP13").args[0], ::testing::Not(HasSubstr("SHADOW")));
  EXPECT_THAT(step(*back, "convert-backup:BP13").args[0], ::testing::Not(HasSubstr("SHADOW")));
}

TEST(Convert, RefusesWhatIsNotAReplicaOrAlreadyConverted) {
  const Topology base = load("local-7.2.json");
  EXPECT_THAT(build_convert_plan(base, "SP1", ReplicaKind::Shadow).message(), HasSubstr("not a member of a replicated"));
  EXPECT_THAT(build_convert_plan(base, "BP13", ReplicaKind::Voter).message(), HasSubstr("already is a voter"));
  EXPECT_THAT(build_convert_plan(base, "BP99", ReplicaKind::Shadow).message(), HasSubstr("no instance BP99"));
}

TEST(DeployPlan, ShadowMethodBackupTakesAFullShadowBackupOfTheSeed) {
  Topology t = load("local-7.2.json");
  t.archive.shadow_method = "backup";
  for (Instance& i : t.instances) {
    if (i.name == "BP13") i.kind = ReplicaKind::Shadow;
  }
  const Plan p = build_deploy_plan(t);
  EXPECT_THAT(step(p, "backup-shadow:BP11").args[0],
              HasSubstr("FULL SHADOW TO BACKUP_01_SHADOW BACKUPSET '/tmp/dpcctl/local-7.2/bp11/BACKUP_01_SHADOW'"));
  EXPECT_THAT(step(p, "restore:BP13").args[0],
              HasSubstr("FROM BACKUPSET '/tmp/dpcctl/local-7.2/bp11/BACKUP_01_SHADOW'"));
  EXPECT_THAT(step(p, "restore:BP13").args[0], ::testing::Not(HasSubstr("TO SHADOW")));
  EXPECT_TRUE(before(p, "backup-shadow:BP11", "restore:BP13"));
  EXPECT_EQ(p.find("backup-shadow:BP21"), nullptr);  // RAFT_2 has no shadow
  t.archive.shadow_method = "restore";
  EXPECT_THAT(step(build_deploy_plan(t), "restore:BP13").args[0], HasSubstr("TO SHADOW FROM BACKUPSET"));
}

}  // namespace
}  // namespace dpc
