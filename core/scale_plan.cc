#include "core/scale_plan.h"

#include <algorithm>
#include <set>

#include "core/dm_files.h"
#include "core/lifecycle_plan.h"
#include "core/paths.h"
#include "core/plan_builder.h"

namespace dpc {
namespace {

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// The fields of a deployed instance that no command here changes.
void compare_instance(const Instance& a, const Instance& b, std::vector<std::string>& out) {
  std::vector<std::string> fields;
  if (a.role != b.role) fields.push_back("role");
  if (a.raft != b.raft) fields.push_back("RAFT group");
  if (a.host != b.host) fields.push_back("host");
  if (a.ip_internal != b.ip_internal || a.ip_external != b.ip_external) fields.push_back("IP");
  if (a.port_num != b.port_num) fields.push_back("port_num");
  if (a.ap_port_num != b.ap_port_num) fields.push_back("ap_port_num");
  if (a.path != b.path) fields.push_back("path");
  if (a.mp_port != b.mp_port) fields.push_back("mp_port");
  if (a.raft_self_id != b.raft_self_id) fields.push_back("raft_self_id");
  if (a.raft_vote_interval != b.raft_vote_interval) fields.push_back("raft_vote_interval");
  if (!(a.init == b.init)) fields.push_back("init parameters");
  if (a.ini.dm != b.ini.dm || a.ini.dmarch != b.ini.dmarch) fields.push_back("ini overrides");
  if (!fields.empty()) {
    out.push_back(a.name + ": " + join(fields) + " differ from the deployed instance; a deployed instance "
                  "is not changed in place (put the deployed values back)");
  }
  if (a.kind != b.kind) {
    out.push_back(a.name + " is deployed as " + replica_kind_phrase(a.kind) + " and the file makes it " +
                  replica_kind_phrase(b.kind) + "; change it with: dpcctl convert FILE " + a.name + " --to " +
                  (b.kind == ReplicaKind::Shadow ? "shadow" : "raft"));
  }
}

/// Narrows `full` to `keep` and chains the kept registration calls on the
/// MP one after the other, as in a whole deployment, verify-registration last.
Plan narrow(const Plan& full, const std::set<std::string>& keep) {
  Plan p = sub_plan(full, keep);
  std::string previous;
  for (Step& s : p.steps) {
    const bool registration = s.kind == StepKind::RunSql || s.id == "verify-registration";
    if (!registration) continue;
    if (!previous.empty() && !has(s.deps, previous)) s.deps.push_back(previous);
    previous = s.id;
  }
  return p;
}

std::string id_prefix(const std::string& id) { return id.substr(0, id.find(':')); }
std::string id_rest(const std::string& id) {
  auto c = id.find(':');
  return c == std::string::npos ? "" : id.substr(c + 1);
}

SqlEndpoint endpoint_of(const Instance& inst) { return SqlEndpoint{inst.name, inst.host, inst.port_num}; }

Step& push_step(Plan& p, std::string id, StepKind kind, const Instance& on, std::string title,
                std::vector<std::string> deps, int timeout) {
  p.steps.push_back(instance_step(std::move(id), kind, on, std::move(title), std::move(deps), timeout));
  return p.steps.back();
}

/// A step's id and title.
struct Named {
  std::string id, title;
};

/// `inst` started MOUNT after `deps` (step `start`), then awaited until it
/// follows its group's leader, OPEN (step `follow`).
void start_as_follower(Plan& p, const Instance& inst, const Named& start, const Named& follow,
                       const std::vector<std::string>& deps) {
  Step& st = push_step(p, start.id, StepKind::StartServer, inst, start.title, deps, kStartTimeoutMs);
  st.program = "dmserver";
  st.args = dmserver_args(inst, true);
  st.mount = true;
  Step& fw = push_step(p, follow.id, StepKind::WaitState, inst, follow.title, {start.id}, kWaitTimeoutMs);
  fw.endpoint = endpoint_of(inst);
  fw.wait.what = WaitSpec::What::InstanceState;
  fw.wait.state = "OPEN";
  fw.wait.instances = {inst.name};
}

/// The running member `src` of group `g` exits alone, is backed up offline
/// into `set`, starts again MOUNT and follows the leader.
void backup_running_member(Plan& p, const Topology& deployed, const Instance& src, const std::string& g,
                           const std::string& set) {
  Step& ex = push_step(p, "member-exit:" + src.name, StepKind::ConsoleExit, src,
                       "exit " + src.name + " alone for an offline backup of " + g, {}, kExitTimeoutMs);
  ex.console_line = "exit";
  ex.wait.what = WaitSpec::What::Stopped;
  ex.wait.instances = {src.name};
  Step& bk = push_step(p, "member-backup:" + src.name, StepKind::Backup, src,
                       "offline full backup of " + src.name + " into " + set + " (dmrman)",
                       {"member-exit:" + src.name}, kRmanTimeoutMs);
  set_offline_backup(bk, src, "FULL TO " + deployed.archive.backup_name + "_ADD BACKUPSET '" + set + "'",
                     true);  // a RAFT member starts MOUNT
  start_as_follower(p, src, {"member-start:" + src.name, "start " + src.name + " again (dmserver MOUNT)"},
                    {"member-follow:" + src.name, "wait until " + src.name + " follows " + g + "'s leader again"},
                    {"member-backup:" + src.name});
}

/// A new member `n`: restored from `src`'s backup in `set`, given its own
/// DB_MAGIC, its configuration made to wait for that, started MOUNT after
/// every running member was told (`adds`), and awaited as a follower.
void restore_new_member(Plan& p, const Plan& full, const Instance& src, const Instance& n, const std::string& g,
                        const std::string& set, const std::vector<std::string>& adds) {
  const bool shadow = n.kind == ReplicaKind::Shadow;
  const std::string after_init = full.find("ini:" + n.name) ? "ini:" + n.name : "init:" + n.name;
  Step& rs = push_step(p, "restore:" + n.name, StepKind::Restore, n,
                       "restore " + src.name + "'s backup into " + n.name + (shadow ? " as a shadow replica" : "") +
                           " (dmrman)",
                       {"member-backup:" + src.name, after_init}, kRmanTimeoutMs);
  rs.program = "dmrman";
  rs.args = {"CTLSTMT=RESTORE DATABASE '" + db_file(n, "dm.ini") + "' " + (shadow ? "TO SHADOW " : "") +
                 "FROM BACKUPSET '" + set + "'",
             "USE_AP=2"};
  Step& um = push_step(p, "update-magic:" + n.name, StepKind::UpdateDbMagic, n,
                       "give " + n.name + " its own DB_MAGIC (dmrman)", {"restore:" + n.name}, kRmanTimeoutMs);
  um.program = "dmrman";
  um.args = {"CTLSTMT=RECOVER DATABASE '" + db_file(n, "dm.ini") + "' UPDATE DB_MAGIC", "USE_AP=2"};
  for (Step& s : p.steps) {
    if (s.id == "dm-ini:" + n.name || s.id == "dmarch:" + n.name) s.deps = {"update-magic:" + n.name};
  }
  std::vector<std::string> deps = {"dm-ini:" + n.name, "dmarch:" + n.name, "mpini:" + n.name, "register:" + n.name};
  deps.insert(deps.end(), adds.begin(), adds.end());
  start_as_follower(p, n, {"start:" + n.name, "start " + n.name + " (dmserver MOUNT)"},
                    {"wait-follow:" + n.name, "wait until " + n.name + " follows " + g + "'s leader (STANDBY, OPEN)"},
                    deps);
}

/// The new members of one running group `g` (see add_members).
void add_group_members(Plan& p, const Plan& full, const Topology& deployed, const Topology& wanted,
                       const std::vector<std::string>& added, const std::string& g) {
  const std::vector<const Instance*> old = deployed.members_of(*deployed.find_raft(g));
  const Instance* f = old.back();
  for (const Instance* x : old) {
    if (x->kind == ReplicaKind::Voter) f = x;
  }
  const Instance& src = *f;
  const std::string set = add_member_backup_set_dir(deployed, src);
  backup_running_member(p, deployed, src, g, set);
  for (const Instance* x : old) {
    // The dmarch.ini a later start reads: the new peers listed too.
    if (const Step* w = full.find("dmarch:" + x->name)) {
      Step copy = *w;
      copy.title = "RAFT dmarch.ini for " + x->name + " listing the new members of " + g;
      copy.deps = {"member-follow:" + src.name};
      p.steps.push_back(std::move(copy));
    }
  }
  std::vector<std::string> adds;
  for (const Instance* n : wanted.members_of(*wanted.find_raft(g))) {
    if (!has(added, n->name)) continue;
    for (const Instance* x : old) {
      const std::string id = "add-node:" + x->name + ":" + n->name;
      Step& a = push_step(p, id, StepKind::RunSql, *x, "tell " + x->name + " that " + n->name + " joins " + g,
                          {"member-follow:" + src.name, "register:" + n->name}, kSqlTimeoutMs);
      a.endpoint = endpoint_of(*x);
      a.statements = {"SP_ADD_RAFT_NODE('" + n->name + "', " + std::to_string(n->raft_self_id) + ")"};
      adds.push_back(id);
    }
  }
  for (const Instance* n : wanted.members_of(*wanted.find_raft(g))) {
    if (has(added, n->name)) restore_new_member(p, full, src, *n, g, set, adds);
  }
}

/// New members of running BP RAFT groups (SP_ADD_RAFT_NODE, [model]
/// raft-add-node): one running member F (the group's last voter) exits
/// alone and is backed up offline, then starts again; each new member is
/// restored from that backup; every member's dmarch.ini lists the new
/// peers; each running member is told with SP_ADD_RAFT_NODE; then the new
/// members start MOUNT and follow the leader.
void add_members(Plan& p, const Plan& full, const Topology& deployed, const Topology& wanted,
                 const std::vector<std::string>& added) {
  std::vector<std::string> groups;
  for (const std::string& m : added) {
    const std::string& g = wanted.find_instance(m)->raft;
    if (!has(groups, g)) groups.push_back(g);
  }
  for (const std::string& g : groups) add_group_members(p, full, deployed, wanted, added, g);
}

}  // namespace

std::string TopologyDiff::describe() const {
  std::string out;
  auto line = [&](const char* what, const std::vector<std::string>& v) {
    if (!v.empty()) out += std::string(what) + ": " + join(v) + "\n";
  };
  line("new instances", added);
  line("new RAFT groups", added_rafts);
  line("new BP groups", added_bp_groups);
  line("removed instances", removed);
  line("removed RAFT groups", removed_rafts);
  line("removed BP groups", removed_bp_groups);
  for (const std::string& c : changed) out += "cannot change: " + c + "\n";
  if (out.empty()) out = "no difference: the file describes the deployed cluster\n";
  return out;
}

TopologyDiff diff_topologies(const Topology& deployed, const Topology& wanted) {
  TopologyDiff d;
  if (deployed.cluster != wanted.cluster) {
    d.changed.push_back("the cluster is " + deployed.cluster + ", the file names " + wanted.cluster +
                        " (give the deployed cluster's topology)");
  }
  for (const Instance& w : wanted.instances) {
    const Instance* a = deployed.find_instance(w.name);
    if (a == nullptr) {
      d.added.push_back(w.name);
      if (deployed.find_raft(w.raft) != nullptr) d.added_members.push_back(w.name);
    } else {
      compare_instance(*a, w, d.changed);
    }
  }
  for (const Instance& a : deployed.instances) {
    if (wanted.find_instance(a.name) == nullptr) d.removed.push_back(a.name);
  }
  for (const RaftGroup& r : wanted.rafts) {
    if (deployed.find_raft(r.name) == nullptr) d.added_rafts.push_back(r.name);
  }
  for (const RaftGroup& r : deployed.rafts) {
    if (wanted.find_raft(r.name) == nullptr) d.removed_rafts.push_back(r.name);
  }
  auto find_group = [](const Topology& t, const std::string& n) -> const BpGroup* {
    for (const BpGroup& g : t.bp_groups) {
      if (g.name == n) return &g;
    }
    return nullptr;
  };
  for (const BpGroup& g : wanted.bp_groups) {
    const BpGroup* old = find_group(deployed, g.name);
    if (old == nullptr) {
      d.added_bp_groups.push_back(g.name);
      continue;
    }
    for (const std::string& r : old->rafts) {
      if (!has(g.rafts, r) && wanted.find_raft(r) != nullptr) {
        d.changed.push_back("BP group " + g.name + " no longer holds " + r +
                            "; a RAFT group does not move between BP groups (put it back)");
      }
    }
    for (const std::string& r : g.rafts) {
      if (!has(old->rafts, r) && deployed.find_raft(r) != nullptr) {
        d.changed.push_back("BP group " + g.name + " now holds the deployed group " + r +
                            "; only a new RAFT group can join a BP group (put it back)");
      }
    }
  }
  for (const BpGroup& g : deployed.bp_groups) {
    if (find_group(wanted, g.name) == nullptr) d.removed_bp_groups.push_back(g.name);
  }
  if (deployed.timing.raft_hb_interval != wanted.timing.raft_hb_interval ||
      deployed.timing.xmal_hb_interval != wanted.timing.xmal_hb_interval) {
    d.changed.push_back("raft_timing differs from the deployed cluster's; it is written into every member's "
                        "dmarch.ini and is not changed in place (put the deployed values back)");
  }
  return d;
}

Result<Plan> build_scale_out_plan(const Topology& deployed, const Topology& wanted) {
  const TopologyDiff d = diff_topologies(deployed, wanted);
  std::vector<std::string> refused = d.changed;
  if (!d.removed.empty() || !d.removed_rafts.empty() || !d.removed_bp_groups.empty()) {
    std::vector<std::string> gone = d.removed;
    gone.insert(gone.end(), d.removed_bp_groups.begin(), d.removed_bp_groups.end());
    refused.push_back("the file leaves out " + join(gone) +
                      "; scale-out only adds (remove with dpcctl scale-in FILE, one change at a time)");
  }
  for (const std::string& m : d.added_members) {
    const Instance& inst = *wanted.find_instance(m);
    const RaftGroup* old = deployed.find_raft(inst.raft);
    if (inst.role != Role::BP) {
      refused.push_back(m + " is a new member of " + inst.raft + "; only BP RAFT groups grow in place (DM's "
                        "SP_ADD_RAFT_NODE), not MP_RAFT or an SP group");
    } else if (!old->replicated()) {
      refused.push_back(m + " joins " + inst.raft + ", a single BP deployed without RAFT archiving; it cannot "
                        "become a replicated group in place (add a new RAFT group instead)");
    }
  }
  if (!refused.empty()) {
    std::string msg = "scale-out cannot make this change:";
    for (const std::string& r : refused) msg += "\n  " + r;
    return Error{msg};
  }
  const Plan full = build_deploy_plan(wanted);
  static const std::set<std::string> kPerInstance = {
      "init",    "ini",          "mpini",  "seed-dm-ini", "seed-dmarch", "seed-start", "seed-exit", "backup",
      "backup-shadow", "restore", "update-magic", "dm-ini", "dmarch",   "start",      "wait-open", "register"};
  std::set<std::string> keep;
  for (const Step& s : full.steps) {
    const std::string p = id_prefix(s.id), rest = id_rest(s.id);
    bool mine = false;
    if (kPerInstance.count(p)) mine = has(d.added, rest);
    if (p == "create-raft" || p == "wait-leader") mine = has(d.added_rafts, rest);
    if (p == "create-bp-group") mine = has(d.added_bp_groups, rest);
    if (p == "bp-group-add") mine = has(d.added_rafts, id_rest(rest));
    if (p == "create-fault-domain") {
      bool known = false;
      for (const FaultDomain& f : deployed.fault_domains) known = known || f.name == rest;
      mine = !known;
    }
    if (p == "fault-domain-mv") mine = has(d.added, id_rest(rest));
    if (s.id == "verify-registration" || s.id == "verify-health") mine = !d.added.empty();
    // A host the cluster did not use before gets DM from the package first,
    // as in a deploy; hosts already in the cluster hold their DM.
    if (p == "install-dm") mine = deployed.hosts().count(rest) == 0;
    if (mine) keep.insert(s.id);
  }
  // New members of a running group get their database from it, not from a seed.
  for (const std::string& m : d.added_members) {
    for (const char* pre : {"restore:", "update-magic:", "start:"}) keep.erase(pre + m);
  }
  Plan p = narrow(full, keep);
  add_members(p, full, deployed, wanted, d.added_members);
  // verify-health waits for everything new to be up.
  for (Step& s : p.steps) {
    if (s.id != "verify-health") continue;
    for (const Step& o : p.steps) {
      const std::string pre = id_prefix(o.id);
      if ((pre == "wait-leader" || pre == "wait-open" || pre == "wait-follow") && !has(s.deps, o.id)) {
        s.deps.push_back(o.id);
      }
    }
  }
  return p;
}

namespace {

/// What in the change from `deployed` to `wanted` scale-in cannot do.
std::vector<std::string> scale_in_refusals(const TopologyDiff& d, const Topology& deployed, const Topology& wanted) {
  std::vector<std::string> refused = d.changed;
  if (!d.added.empty() || !d.added_rafts.empty() || !d.added_bp_groups.empty()) {
    std::vector<std::string> added = d.added;
    added.insert(added.end(), d.added_bp_groups.begin(), d.added_bp_groups.end());
    refused.push_back("the file adds " + join(added) + "; scale-in only removes (add with dpcctl scale-out FILE)");
  }
  for (const std::string& name : d.removed) {
    const Instance* inst = deployed.find_instance(name);
    if (inst->role == Role::MP) {
      refused.push_back(name + " is an MP: the MP holds the cluster's catalog and is never removed");
    } else if (inst->role == Role::BP && has(d.removed_rafts, inst->raft)) {
      refused.push_back("the BP RAFT group " + inst->raft + " (" + name +
                        ") still holds data: DMDPC has no way to move a BP group's data to the others, "
                        "so it stays (keep it in the topology)");
    } else if (inst->role == Role::BP && !wanted.find_raft(inst->raft)->replicated()) {
      refused.push_back(name + " leaves " + inst->raft + " with a single member; a RAFT group does not become "
                        "a single BP in place (keep at least three members)");
    }
  }
  for (const std::string& g : d.removed_bp_groups) {
    refused.push_back("the BP group " + g + " still holds data in its RAFT groups; it stays (keep it in the topology)");
  }
  if (!d.removed.empty() && wanted.of_role(Role::SP).empty()) {
    refused.push_back("the file leaves no SP: a cluster needs at least one SP to serve SQL (keep one)");
  }
  return refused;
}

/// Members leaving a running BP RAFT group ([model] raft-del-node): once
/// they have exited (`stops`), the group keeps (or elects) a leader, each
/// member that stays is told with SP_DEL_RAFT_NODE and gets a dmarch.ini
/// without them. Returns the steps the catalog changes wait for.
std::vector<std::string> leave_groups(Plan& plan, const Topology& deployed, const Topology& wanted,
                                      const std::vector<std::string>& stops) {
  std::vector<std::string> told = stops;
  const Plan full = build_deploy_plan(wanted);
  for (const RaftGroup& g : wanted.rafts) {
    const RaftGroup* old = deployed.find_raft(g.name);
    if (g.role != Role::BP || old == nullptr || old->members.size() == g.members.size()) continue;
    const std::vector<const Instance*> stay = wanted.members_of(g);
    Step w = instance_step("wait-leader:" + g.name, StepKind::WaitState, *stay.front(),
                           "wait until " + g.name + " has a PRIMARY/OPEN leader among the members that stay", stops,
                           kWaitTimeoutMs);
    w.endpoint = endpoint_of(*stay.front());
    w.wait.what = WaitSpec::What::GroupLeader;
    w.wait.group = g.name;
    for (const Instance* x : stay) w.wait.instances.push_back(x->name);
    plan.steps.push_back(std::move(w));
    for (const Instance* x : stay) {
      for (const std::string& m : old->members) {
        if (has(g.members, m)) continue;
        Step t = instance_step("del-node:" + x->name + ":" + m, StepKind::RunSql, *x,
                               "tell " + x->name + " that " + m + " leaves " + g.name, {"wait-leader:" + g.name},
                               kSqlTimeoutMs);
        t.endpoint = endpoint_of(*x);
        t.statements = {"SP_DEL_RAFT_NODE('" + m + "')"};
        told.push_back(t.id);
        plan.steps.push_back(std::move(t));
      }
      if (const Step* arch = full.find("dmarch:" + x->name)) {
        Step copy = *arch;
        copy.title = "RAFT dmarch.ini for " + x->name + " without the members that left " + g.name;
        copy.deps = stops;
        plan.steps.push_back(std::move(copy));
      }
    }
  }
  return told;
}

/// The removed instances and SP RAFT groups dropped from the catalog on the
/// MP, one statement after the other once `told` are done. Returns the last.
std::string drop_from_catalog(Plan& plan, const Instance& mp1, const TopologyDiff& d,
                              const std::vector<std::string>& told) {
  std::string previous;
  auto sql_step = [&](const std::string& id, const std::string& title, const std::string& stmt) {
    Step s;
    s.id = id;
    s.kind = StepKind::RunSql;
    s.host = mp1.host;
    s.title = title;
    s.deps = previous.empty() ? told : std::vector<std::string>{previous};
    s.timeout_ms = kSqlTimeoutMs;
    s.endpoint = endpoint_of(mp1);
    s.statements = {stmt};
    previous = id;
    plan.steps.push_back(std::move(s));
  };
  for (const std::string& name : d.removed) {
    sql_step("drop:" + name, "drop " + name + " from the catalog on " + mp1.name,
             "SP_DROP_DPC_INSTANCE('" + name + "')");
    plan.steps.back().instance = name;
  }
  for (const std::string& r : d.removed_rafts) {
    sql_step("drop-raft:" + r, "drop the SP RAFT group " + r + " on " + mp1.name, "SP_DROP_DPC_RAFT('" + r + "')");
  }
  return previous;
}

}  // namespace

Result<Plan> build_scale_in_plan(const Topology& deployed, const Topology& wanted) {
  const TopologyDiff d = diff_topologies(deployed, wanted);
  const std::vector<std::string> refused = scale_in_refusals(d, deployed, wanted);
  if (!refused.empty()) {
    std::string msg = "scale-in cannot make this change:";
    for (const std::string& r : refused) msg += "\n  " + r;
    return Error{msg};
  }
  Plan plan;
  plan.cluster = deployed.cluster;
  if (d.removed.empty()) return plan;
  std::vector<std::string> stops;
  for (const std::string& name : d.removed) {
    std::vector<std::string> one = {name};
    for (Step s : build_stop_some_plan(deployed, one, {}).steps) {
      stops.push_back(s.id);
      plan.steps.push_back(std::move(s));
    }
  }
  const std::vector<std::string> told = leave_groups(plan, deployed, wanted, stops);
  const std::string previous = drop_from_catalog(plan, *deployed.of_role(Role::MP).front(), d, told);
  for (const Step& s : build_start_plan(wanted, {}, true).steps) {
    if (s.id != "verify-health") continue;
    Step h = s;
    h.deps = {previous};
    plan.steps.push_back(std::move(h));
  }
  return plan;
}

std::string add_member_backup_set_dir(const Topology& topo, const Instance& source) {
  return path_join(source.os, source.path, topo.archive.backup_name + "_ADD");
}

}  // namespace dpc
