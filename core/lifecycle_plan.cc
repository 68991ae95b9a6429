#include "core/lifecycle_plan.h"

#include <map>

#include "core/plan_builder.h"

namespace dpc {
namespace {

SqlEndpoint endpoint_of(const Instance& inst) { return {inst.name, inst.host, inst.port_num}; }

class StartBuilder {
 public:
  StartBuilder(const Topology& topo, const std::set<std::string>& to_start) : topo_(topo), to_start_(to_start) {
    plan_.cluster = topo.cluster;
  }

  Plan build(bool whole) {
    // 1. the MP, or the MP RAFT group.
    std::vector<std::string> mp_ready;
    const RaftGroup* mp = topo_.mp_group();
    if (mp != nullptr && mp->replicated()) {
      mp_ready.push_back(group(*mp, {}));
    } else {
      for (const Instance* inst : topo_.of_role(Role::MP)) mp_ready.push_back(single(*inst, {}));
    }
    // 2. BP groups and single BPs, then SPs: all may start once the MP serves.
    std::vector<std::string> ready;
    for (const RaftGroup& raft : topo_.rafts) {
      if (raft.role != Role::BP) continue;
      if (raft.replicated()) {
        ready.push_back(group(raft, mp_ready));
      } else {
        for (const Instance* bp : topo_.members_of(raft)) ready.push_back(single(*bp, mp_ready));
      }
    }
    for (const Instance* sp : topo_.of_role(Role::SP)) ready.push_back(single(*sp, mp_ready));
    std::vector<const Instance*> sps = topo_.of_role(Role::SP);
    if (whole && !sps.empty()) {
      Step& health = add(instance_step("verify-health", StepKind::Verify, *sps.front(),
                              "check the cluster's health on " + sps.front()->name, ready, kSqlTimeoutMs));
      health.endpoint = endpoint_of(*sps.front());
      health.verify.what = VerifySpec::What::Health;
      for (const Instance& inst : topo_.instances) health.verify.instances.push_back(inst.name);
    }
    return std::move(plan_);
  }

 private:
  Step& add(Step step) {
    plan_.steps.push_back(std::move(step));
    return plan_.steps.back();
  }

  /// The start step of `inst` when it is to be started; "" otherwise.
  std::string start(const Instance& inst, bool mount, const std::vector<std::string>& deps) {
    if (!to_start_.count(inst.name)) return "";
    std::string id = "start:" + inst.name;
    Step& s = add(instance_step(id, StepKind::StartServer, inst,
                       "start " + inst.name + " (dmserver" + std::string(mount ? " MOUNT" : "") + ")", deps,
                       kStartTimeoutMs));
    s.program = "dmserver";
    s.args = dmserver_args(inst, mount);
    s.mount = mount;
    return id;
  }

  /// A single instance: normal start, wait for OPEN. Returns the wait's id.
  std::string single(const Instance& inst, const std::vector<std::string>& deps) {
    std::string started = start(inst, false, deps);
    std::string id = "wait-open:" + inst.name;
    Step& wait = add(instance_step(id, StepKind::WaitState, inst, "wait until " + inst.name + " is OPEN",
                          started.empty() ? deps : std::vector<std::string>{started}, kWaitTimeoutMs));
    wait.endpoint = endpoint_of(inst);
    wait.wait.what = WaitSpec::What::InstanceState;
    wait.wait.state = "OPEN";
    wait.wait.instances = {inst.name};
    return id;
  }

  /// A replicated group: every member to start with MOUNT, then its leader.
  std::string group(const RaftGroup& raft, const std::vector<std::string>& deps) {
    const std::vector<const Instance*> members = topo_.members_of(raft);
    std::vector<std::string> started;
    for (const Instance* m : members) {
      std::string id = start(*m, true, deps);
      if (!id.empty()) started.push_back(id);
    }
    if (started.empty()) started = deps;
    Step& wait = add(instance_step("wait-leader:" + raft.name, StepKind::WaitState, *members.front(),
                          "wait until " + raft.name + " elects a PRIMARY/OPEN leader", started, kWaitTimeoutMs));
    wait.endpoint = endpoint_of(*members.front());
    wait.wait.what = WaitSpec::What::GroupLeader;
    wait.wait.group = raft.name;
    for (const Instance* m : members) wait.wait.instances.push_back(m->name);
    return wait.id;
  }

  const Topology& topo_;
  const std::set<std::string>& to_start_;
  Plan plan_;
};

int stop_rank(Role role) { return role == Role::SP ? 0 : role == Role::BP ? 1 : 2; }

}  // namespace

Plan build_start_plan(const Topology& topo, const std::set<std::string>& to_start, bool whole) {
  Plan all = StartBuilder(topo, to_start).build(whole);
  if (whole) return all;
  // Only what concerns the instances being started: their starts, their
  // waits, and the MP's readiness they depend on.
  std::set<std::string> keep;
  for (const Step& s : all.steps) {
    bool mine = to_start.count(s.instance) > 0;
    if (s.kind == StepKind::WaitState && s.wait.what == WaitSpec::What::GroupLeader) {
      for (const std::string& m : s.wait.instances) mine = mine || to_start.count(m) > 0;
    }
    if (mine) keep.insert(s.id);
  }
  return sub_plan(all, keep);
}

Plan build_stop_some_plan(const Topology& topo, const std::vector<std::string>& targets,
                          const std::set<std::string>& new_leader_of) {
  Plan plan;
  plan.cluster = topo.cluster;
  plan.stop = true;
  std::map<int, std::vector<const Instance*>> by_rank;
  for (const std::string& name : targets) {
    if (const Instance* inst = topo.find_instance(name)) by_rank[stop_rank(inst->role)].push_back(inst);
  }
  std::vector<std::string> before;
  for (const auto& [rank, insts] : by_rank) {
    std::vector<std::string> these;
    for (const Instance* inst : insts) {
      Step s = instance_step("stop:" + inst->name, StepKind::ConsoleExit, *inst,
                    "exit " + inst->name + " (" + role_name(inst->role) + ")", before, kExitTimeoutMs);
      s.console_line = "exit";
      s.wait.what = WaitSpec::What::Stopped;
      s.wait.instances = {inst->name};
      these.push_back(s.id);
      plan.steps.push_back(std::move(s));
    }
    before = these;
  }
  for (const std::string& g : new_leader_of) {
    const RaftGroup* raft = topo.find_raft(g);
    if (raft == nullptr) continue;
    std::vector<const Instance*> rest;
    for (const Instance* m : topo.members_of(*raft)) {
      bool stopped = false;
      for (const std::string& t : targets) stopped = stopped || t == m->name;
      if (!stopped) rest.push_back(m);
    }
    if (rest.empty()) continue;
    Step w = instance_step("wait-leader:" + g, StepKind::WaitState, *rest.front(),
                  "wait until " + g + " elects a new PRIMARY/OPEN leader", before, kWaitTimeoutMs);
    w.endpoint = endpoint_of(*rest.front());
    w.wait.what = WaitSpec::What::GroupLeader;
    w.wait.group = g;
    for (const Instance* m : rest) w.wait.instances.push_back(m->name);
    plan.steps.push_back(std::move(w));
  }
  return plan;
}

}  // namespace dpc
