// build_stop_plan(): the manual's shutdown order (7.1.8, 7.2.10, 7.3.10;
// spec §7). Declared in plan_builder.h.
#include <string>
#include <utility>
#include <vector>

#include "core/plan_builder.h"

namespace dpc {
namespace {

class StopBuilder {
 public:
  explicit StopBuilder(const Topology& topo) : topo_(topo) {
    plan_.cluster = topo.cluster;
    plan_.stop = true;
  }

  Plan build() {
    // 1. every SP, with `exit`.
    std::vector<std::string> sps_down;
    for (const Instance* sp : topo_.of_role(Role::SP)) {
      sps_down.push_back(exit_one(*sp, sp->name + " (SP)", {}));
    }
    // 2. the BPs: `exit all` per replicated group, then `exit` on whatever
    //    did not take part; a single BP with `exit`.
    std::vector<std::string> bps_down;
    for (const RaftGroup& raft : topo_.rafts) {
      if (raft.role != Role::BP) continue;
      if (raft.replicated()) {
        bps_down.push_back(exit_group(raft, sps_down));
      } else {
        for (const Instance* bp : topo_.members_of(raft)) {
          bps_down.push_back(exit_one(*bp, bp->name + " (BP)", sps_down));
        }
      }
    }
    // 3. the MP last.
    std::vector<std::string> before_mp = bps_down.empty() ? sps_down : bps_down;
    if (const RaftGroup* mp = topo_.mp_group(); mp != nullptr && mp->replicated()) {
      exit_group(*mp, before_mp);
    } else {
      for (const Instance* inst : topo_.of_role(Role::MP)) {
        exit_one(*inst, inst->name + " (MP)", before_mp);
      }
    }
    return std::move(plan_);
  }

 private:
  Step& add(std::string id, StepKind kind, const Instance& at, std::string title,
            std::vector<std::string> deps) {
    Step s = instance_step(std::move(id), kind, at, std::move(title), std::move(deps), kExitTimeoutMs);
    s.wait.what = WaitSpec::What::Stopped;
    plan_.steps.push_back(std::move(s));
    return plan_.steps.back();
  }

  std::string exit_one(const Instance& inst, const std::string& what,
                       std::vector<std::string> deps) {
    Step& s = add("exit:" + inst.name, StepKind::ConsoleExit, inst, "exit " + what,
                  std::move(deps));
    s.console_line = "exit";
    s.wait.instances = {inst.name};
    return s.id;
  }

  /// `exit all` on the first member, then `exit` on each member still
  /// running. Returns the id of the last step.
  std::string exit_group(const RaftGroup& raft, std::vector<std::string> deps) {
    const std::vector<const Instance*> members = topo_.members_of(raft);
    std::vector<std::string> names;
    for (const Instance* m : members) names.push_back(m->name);

    Step& all = add("exit-all:" + raft.name, StepKind::ConsoleExitAll, *members.front(),
                    "exit all of " + raft.name + " (typed on " + members.front()->name + ")",
                    std::move(deps));
    all.console_line = "exit all";
    all.wait.group = raft.name;
    all.wait.instances = names;

    Step& rest = add("exit-remaining:" + raft.name, StepKind::ConsoleExit, *members.front(),
                     "exit the members of " + raft.name + " still running",
                     {"exit-all:" + raft.name});
    rest.instance = "";
    rest.console_line = "exit";
    rest.wait.group = raft.name;
    rest.wait.instances = names;
    return rest.id;
  }

  const Topology& topo_;
  Plan plan_;
};

}  // namespace

Plan build_stop_plan(const Topology& topo) { return StopBuilder(topo).build(); }

}  // namespace dpc
