#include "core/scale_ops.h"

#include <algorithm>
#include <set>

#include "core/executor.h"
#include "core/paths.h"

namespace dpc {
namespace {

void note(OpResult& r, const OpOptions& o, const std::string& text) {
  if (o.on_note) o.on_note(text);
  else r.output += text;
}

ScaleResult refused(const Topology& deployed, std::string why) {
  ScaleResult s{OpResult{}, deployed};
  s.op.ok = false;
  s.op.error = std::move(why);
  return s;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Result<ReplicaKind> parse_convert_target(const std::string& word) {
  if (word == "shadow") return ReplicaKind::Shadow;
  if (word == "raft") return ReplicaKind::Voter;
  return Error{"--to takes 'shadow' (a shadow replica) or 'raft' (a voting RAFT member), got '" + word + "'"};
}

ScaleResult run_scale_out(Backend& b, const Topology& deployed, const Topology& wanted, const OpOptions& o) {
  auto plan = build_scale_out_plan(deployed, wanted);
  if (!plan) return refused(deployed, plan.message());
  const TopologyDiff d = diff_topologies(deployed, wanted);
  ScaleResult s{OpResult{}, deployed};
  if (plan->steps.empty()) {
    note(s.op, o, "nothing to add: the file describes the deployed cluster\n");
    return s;
  }
  const std::set<std::string> running = running_instances(b, deployed);
  std::vector<std::string> down;
  for (const Instance* mp : deployed.of_role(Role::MP)) {
    if (!running.count(mp->name)) down.push_back(mp->name);
  }
  if (!down.empty()) {
    return refused(deployed, "the MP (" + join(down) + ") is not running; new instances register on it "
                             "before their first start (start the cluster first: dpcctl start FILE)");
  }
  // A group that grows must run whole: one member is backed up while the
  // others keep its majority, and each running member learns the new ones.
  std::set<std::string> grown;
  for (const std::string& m : d.added_members) grown.insert(wanted.find_instance(m)->raft);
  for (const std::string& g : grown) {
    std::vector<std::string> not_running;
    for (const Instance* x : deployed.members_of(*deployed.find_raft(g))) {
      if (!running.count(x->name)) not_running.push_back(x->name);
    }
    if (!not_running.empty()) {
      return refused(deployed, g + " gets new members but " + join(not_running) + " of it is not running; start "
                               "the group first (dpcctl start FILE -G " + g + ")");
    }
    for (const Step& st : plan->steps) {
      if (st.id.rfind("member-backup:", 0) != 0 || deployed.find_instance(st.instance)->raft != g) continue;
      const Instance& src = *deployed.find_instance(st.instance);
      const std::string set = add_member_backup_set_dir(deployed, src);
      if (b.exists(src.host, set)) {
        if (Status rm = b.remove_tree(src.host, set); !rm.ok()) {
          return refused(deployed, "cannot remove the earlier backup set " + set + ": " + rm.message());
        }
      }
    }
  }
  note(s.op, o, "adding " + join(d.added) + " to the running cluster (" + std::to_string(plan->steps.size()) +
                    " steps; nothing that runs is restarted)\n");
  if (!run_into(s.op, b, wanted, *plan, o)) return s;
  note(s.op, o, "added " + join(d.added) + "\n");
  s.result = wanted;
  return s;
}

ScaleResult run_scale_in(Backend& b, const Topology& deployed, const Topology& wanted, const OpOptions& o) {
  auto plan = build_scale_in_plan(deployed, wanted);
  if (!plan) return refused(deployed, plan.message());
  const TopologyDiff d = diff_topologies(deployed, wanted);
  ScaleResult s{OpResult{}, deployed};
  if (plan->steps.empty()) {
    note(s.op, o, "nothing to remove: the file describes the deployed cluster\n");
    return s;
  }
  const std::set<std::string> running = running_instances(b, deployed);
  std::set<std::string> stops, rest;
  for (const Step& st : plan->steps) {
    if (st.id.rfind("stop:", 0) == 0) {
      if (running.count(st.instance)) stops.insert(st.id);
    } else {
      rest.insert(st.id);
    }
  }
  for (const RaftGroup& g : wanted.rafts) {
    const RaftGroup* old = deployed.find_raft(g.name);
    if (old == nullptr || old->members.size() == g.members.size()) continue;
    for (const std::string& m : g.members) {
      if (!running.count(m)) {
        return refused(deployed, "members leave " + g.name + " but " + m + ", which stays, is not running; start "
                                 "the group first (dpcctl start FILE -G " + g.name + ")");
      }
    }
  }
  note(s.op, o, "removing " + join(d.removed) + " (a clean exit, then SP_DROP_DPC_INSTANCE on the MP)\n");
  if (!run_into(s.op, b, deployed, sub_plan(*plan, stops), o)) return s;
  for (const std::string& name : d.removed) {
    if (b.server_running(name)) return refused(deployed, name + " is still running; nothing was dropped");
    if (running.count(name) && b.server_halted(name)) {
      return refused(deployed, name + " did not exit cleanly (HALT); it stays registered: start it and run "
                               "scale-in again");
    }
  }
  if (!run_into(s.op, b, wanted, sub_plan(*plan, rest), o)) return s;
  note(s.op, o, "removed " + join(d.removed) + " from the catalog (its directory stays on disk)\n");
  s.result = wanted;
  return s;
}

ScaleResult run_convert(Backend& b, const Topology& deployed, const std::string& member, ReplicaKind to,
                        const OpOptions& o) {
  auto plan = build_convert_plan(deployed, member, to);
  if (!plan) return refused(deployed, plan.message());
  const Instance& m = *deployed.find_instance(member);
  const RaftGroup& raft = *deployed.find_raft(m.raft);
  const std::set<std::string> running = running_instances(b, deployed);
  int voters = 0, up = 0;
  for (const Instance* x : deployed.members_of(raft)) {
    if (x->kind != ReplicaKind::Voter) continue;
    ++voters;
    if (x->name != member && running.count(x->name)) ++up;
  }
  if (up * 2 <= voters) {
    return refused(deployed, "without " + member + " only " + std::to_string(up) + " of " + raft.name + "'s " +
                                 std::to_string(voters) + " voters run, no majority; start the group first "
                                 "(dpcctl start FILE -G " + raft.name + ")");
  }
  ScaleResult s{OpResult{}, deployed};
  const Topology after = converted_topology(deployed, member, to);
  std::set<std::string> ids;
  for (const Step& st : plan->steps) {
    if (st.id != "exit:" + member || running.count(member)) ids.insert(st.id);
  }
  const std::string set = convert_backup_set_dir(after, m);
  if (b.exists(m.host, set)) {
    if (Status st = b.remove_tree(m.host, set); !st.ok()) {
      return refused(deployed, "cannot remove the earlier conversion's backup set " + set + ": " + st.message());
    }
  }
  note(s.op, o, "converting " + member + " of " + raft.name + " to " +
                    (to == ReplicaKind::Shadow ? "a shadow replica" : "a voting RAFT member") +
                    " (manual 7.5.2: exit it alone, back up, initialise again, restore, start MOUNT)\n");
  // Phase one: the member out and backed up. Then its old database goes
  // (the backup set lies beside it, outside DAMENG), so the dminit of phase
  // two initialises afresh in the same place, with the same name and ports.
  std::set<std::string> first, second;
  for (const std::string& id : ids) {
    const bool early = id == "exit:" + member || id == "wait-leader:" + m.raft || id == "convert-backup:" + member;
    (early ? first : second).insert(id);
  }
  if (!run_into(s.op, b, after, sub_plan(*plan, first), o)) return s;
  const std::string old_db = path_join(m.os, m.path, "DAMENG");
  if (Status rm = b.remove_tree(m.host, old_db); !rm.ok()) {
    s.op.ok = false;
    s.op.error = "cannot remove " + member + "'s old database " + old_db + " (its backup is in " + set +
                 "): " + rm.message();
    return s;
  }
  note(s.op, o, "removed " + member + "'s old database " + old_db + " (backed up in " + set + ")\n");
  if (!run_into(s.op, b, after, sub_plan(*plan, second), o)) return s;
  note(s.op, o, member + " is now " + (to == ReplicaKind::Shadow ? "a shadow replica" : "a voting member") +
                    ", following " + raft.name + "'s leader\n");
  s.result = after;
  return s;
}

}  // namespace dpc
