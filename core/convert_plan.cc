#include "core/convert_plan.h"

#include <utility>
#include <vector>

#include "core/dm_files.h"
#include "core/paths.h"
#include "core/plan_builder.h"

namespace dpc {
namespace {

SqlEndpoint endpoint_of(const Instance& inst) { return SqlEndpoint{inst.name, inst.host, inst.port_num}; }

/// What a conversion works with: the member after it, the group's other
/// members, and where its backup goes.
struct Conversion {
  const Instance& member;               ///< as converted
  std::string raft;                     ///< its RAFT group
  std::vector<const Instance*> others;  ///< the group's other members
  bool shadow = false;                  ///< to a shadow replica
  bool by_backup = false;               ///< from a FULL SHADOW backup (shadow_method "backup")
  std::string set;                      ///< the backup set
  std::string ini;                      ///< its dm.ini
};

Step& push_step(Plan& plan, const Conversion& c, std::string id, StepKind kind, std::string title,
                std::vector<std::string> deps, int timeout) {
  plan.steps.push_back(instance_step(std::move(id), kind, c.member, std::move(title), std::move(deps), timeout));
  return plan.steps.back();
}

/// Why `member` cannot become `to`, or "".
std::string refusal(const Topology& deployed, const Instance* m, const std::string& member, ReplicaKind to) {
  if (m == nullptr) return "no instance " + member + " in cluster " + deployed.cluster;
  const RaftGroup* raft = deployed.find_raft(m->raft);
  if (m->role != Role::BP || raft == nullptr || !raft->replicated()) {
    return member + " is not a member of a replicated BP RAFT group; only those become shadow replicas "
           "and back (manual 7.5.2)";
  }
  if (to != ReplicaKind::Shadow && to != ReplicaKind::Voter) return "convert takes --to shadow or --to raft";
  if (m->kind == to) return member + " already is " + replica_kind_phrase(to) + "; nothing to convert";
  if (m->kind == ReplicaKind::Learner) return member + " is a learner; convert works on voters and shadows";
  return "";
}

/// The member exits alone, the group keeps a leader without it, and the
/// member is backed up offline.
void exit_and_back_up(Plan& plan, const Conversion& c, const Topology& after) {
  const std::string& member = c.member.name;
  Step& ex = push_step(plan, c, "exit:" + member, StepKind::ConsoleExit,
                       "exit " + member + " alone (a single exit, not exit all)", {}, kExitTimeoutMs);
  ex.console_line = "exit";
  ex.wait.what = WaitSpec::What::Stopped;
  ex.wait.instances = {member};
  Step& wl = push_step(plan, c, "wait-leader:" + c.raft, StepKind::WaitState,
                       "wait until " + c.raft + " has a PRIMARY/OPEN leader without " + member, {"exit:" + member},
                       kWaitTimeoutMs);
  wl.instance = c.others.front()->name;
  wl.host = c.others.front()->host;
  wl.endpoint = endpoint_of(*c.others.front());
  wl.wait.what = WaitSpec::What::GroupLeader;
  wl.wait.group = c.raft;
  for (const Instance* o : c.others) wl.wait.instances.push_back(o->name);
  Step& bk = push_step(plan, c, "convert-backup:" + member, StepKind::Backup,
                       "offline full " + std::string(c.by_backup ? "SHADOW " : "") + "backup of " + member + " into " +
                           c.set + " (dmrman)",
                       {"exit:" + member}, kRmanTimeoutMs);
  set_offline_backup(bk, c.member,
                     "FULL " + std::string(c.by_backup ? "SHADOW " : "") + "TO " + after.archive.backup_name +
                         "_CONVERT BACKUPSET '" + c.set + "'",
                     true);  // as the RAFT member it still is (same dm.ini)
}

/// The deploy plan's own steps for the member: dminit (made to replace the
/// old database), the dm.ini overrides, mp.ini. Returns the step after
/// which the new database is initialised.
std::string initialise_again(Plan& plan, const Plan& full, const std::string& member) {
  std::string after_init = "init:" + member;
  for (const std::string& id : {"init:" + member, "ini:" + member, "mpini:" + member}) {
    const Step* s = full.find(id);
    if (s == nullptr) continue;
    Step copy = *s;
    if (copy.kind == StepKind::InitInstance) {
      copy.title = "initialise " + member + " again in place (dminit, same path, name and ports; its old "
                   "DAMENG directory is removed once backed up)";
      copy.deps = {"convert-backup:" + member};
    } else {
      copy.deps = {"init:" + member};
      if (copy.id == "ini:" + member) after_init = copy.id;
    }
    plan.steps.push_back(std::move(copy));
  }
  if (after_init != "init:" + member) {
    for (Step& s : plan.steps) {
      if (s.id == "mpini:" + member) s.deps = {after_init};
    }
  }
  return after_init;
}

/// The backup restored into the new database, a new DB_MAGIC, dm.ini and
/// dmarch.ini written again, the start MOUNT, and the wait to follow.
void restore_and_restart(Plan& plan, const Plan& full, const Conversion& c, const std::string& after_init) {
  const std::string& member = c.member.name;
  Step& rs = push_step(plan, c, "restore:" + member, StepKind::Restore,
                       "restore " + member + "'s backup into it" +
                           (c.shadow ? " as a shadow replica" : " as a voting member") + " (dmrman)",
                       {after_init}, kRmanTimeoutMs);
  rs.program = "dmrman";
  rs.args = {"CTLSTMT=RESTORE DATABASE '" + c.ini + "' " + (c.shadow && !c.by_backup ? "TO SHADOW " : "") +
                 "FROM BACKUPSET '" + c.set + "'",
             "USE_AP=2"};
  Step& um = push_step(plan, c, "update-magic:" + member, StepKind::UpdateDbMagic,
                       "give " + member + " a new DB_MAGIC (dmrman)", {"restore:" + member}, kRmanTimeoutMs);
  um.program = "dmrman";
  um.args = {"CTLSTMT=RECOVER DATABASE '" + c.ini + "' UPDATE DB_MAGIC", "USE_AP=2"};
  for (const std::string& id : {"dm-ini:" + member, "dmarch:" + member}) {
    if (const Step* s = full.find(id)) {
      Step copy = *s;
      copy.deps = {"update-magic:" + member};
      plan.steps.push_back(std::move(copy));
    }
  }
  if (const Step* s = full.find("start:" + member)) {
    Step copy = *s;
    copy.deps = {"dm-ini:" + member, "dmarch:" + member, "mpini:" + member, "wait-leader:" + c.raft};
    plan.steps.push_back(std::move(copy));
  }
  Step& fw = push_step(plan, c, "wait-follow:" + member, StepKind::WaitState,
                       "wait until " + member + " follows " + c.raft + "'s leader (STANDBY, OPEN)",
                       {"start:" + member}, kWaitTimeoutMs);
  fw.endpoint = endpoint_of(c.member);
  fw.wait.what = WaitSpec::What::InstanceState;
  fw.wait.state = "OPEN";
  fw.wait.instances = {member};
}

}  // namespace

const char* replica_kind_phrase(ReplicaKind kind) {
  return kind == ReplicaKind::Shadow ? "a shadow replica" : kind == ReplicaKind::Learner ? "a learner" : "a voter";
}

Topology converted_topology(const Topology& deployed, const std::string& member, ReplicaKind to) {
  Topology t = deployed;
  for (Instance& inst : t.instances) {
    if (inst.name == member) inst.kind = to;
  }
  return t;
}

std::string convert_backup_set_dir(const Topology& topo, const Instance& member) {
  return path_join(member.os, member.path, topo.archive.backup_name + "_CONVERT");
}

Result<Plan> build_convert_plan(const Topology& deployed, const std::string& member, ReplicaKind to) {
  const Instance* m = deployed.find_instance(member);
  if (std::string why = refusal(deployed, m, member, to); !why.empty()) return Error{why};
  const Topology after = converted_topology(deployed, member, to);
  int voters = 0;
  std::vector<const Instance*> others;
  for (const Instance* x : after.members_of(*after.find_raft(m->raft))) {
    voters += x->kind == ReplicaKind::Voter ? 1 : 0;
    if (x->name != member) others.push_back(x);
  }
  if (voters < 1) return Error{"converting " + member + " leaves " + m->raft + " without a voting member"};
  const Instance& mi = *after.find_instance(member);
  const bool shadow = to == ReplicaKind::Shadow;
  const Conversion c{mi,
                     m->raft,
                     others,
                     shadow,
                     shadow && after.archive.shadow_method == "backup",
                     convert_backup_set_dir(after, mi),
                     db_file(mi, "dm.ini")};
  Plan plan;
  plan.cluster = after.cluster;
  exit_and_back_up(plan, c, after);
  const Plan full = build_deploy_plan(after);
  const std::string after_init = initialise_again(plan, full, member);
  restore_and_restart(plan, full, c, after_init);
  return plan;
}

}  // namespace dpc
