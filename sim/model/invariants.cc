#include "sim/model/invariants.h"

#include "sim/model/dmserver.h"

namespace dpc::sim {

std::string Violation::render() const {
  return "invariant violated at t=" + format_time(time) + " ms (seed " + std::to_string(seed) +
         ", event " + event + "): " + message;
}

void World::check_raft(const std::string& group, const std::string& instance,
                       const RaftNode& node) {
  DmServer* s = server(instance);
  const uint64_t origin = s && s->image() ? s->image()->permanent_magic : 0;
  check_raft(raft_checker(group, origin), group, instance, node);
}

void World::check_raft(RaftInvariants* checker, const std::string& group,
                       const std::string& instance, const RaftNode& node) {
  if (!checker) return;
  auto problem = checker->check(RaftView::of(node));
  if (problem) violation(instance, group + ": " + *problem);
}

void World::raft_restarted(const std::string& group, int self_id) {
  for (auto& [key, checker] : raft_checks_) {
    if (key.compare(0, group.size() + 1, group + "#") == 0) checker.on_restart(self_id);
  }
}

void World::violation(const std::string& instance, const std::string& message) {
  Violation v;
  v.seed = options.seed;
  v.time = loop.now();
  v.event = std::string(loop.current_tag()) + (instance.empty() ? "" : " at " + instance);
  v.message = message;
  log(instance, "invariant.violation", message);
  violations_.push_back(std::move(v));
}

std::vector<std::string> catalog_mismatches(World& w) {
  std::vector<std::string> out;
  DmServer* mp = nullptr;
  for (const auto& [name, s] : w.servers()) {
    if (s->serving_mp()) mp = s.get();
  }
  if (!mp || !mp->catalog()) return out;
  for (const auto& ci : mp->catalog()->instances()) {
    DmServer* s = w.server(ci.name);
    if (!s || !s->running()) {
      if (ci.sys_status != kClosed) {
        out.push_back(ci.name + " is not running but DPC_INSTANCE shows SYS_STATUS " +
                      std::to_string(ci.sys_status));
      }
      continue;
    }
    if (s->proc() != ProcState::Running) continue;  // starting or exiting: not settled
    const StatusReport want = s->expected_report();
    if (ci.sys_mode != want.sys_mode || ci.sys_status != want.sys_status ||
        ci.status != want.status) {
      out.push_back(ci.name + ": DPC_INSTANCE shows SYS_MODE=" + ci.sys_mode +
                    " SYS_STATUS=" + std::to_string(ci.sys_status) + " STATUS=" +
                    std::to_string(ci.status) + " but it is " + want.sys_mode + "/" +
                    std::to_string(want.sys_status) + "/" + std::to_string(want.status));
    }
  }
  return out;
}

}  // namespace dpc::sim
