// SimSession's words for fault schedules (what `dpcctl explore` generates,
// and what a scenario may write by hand):
//   resume [parallel N]     the deploy plan as `dpcctl deploy --resume` runs it
//   isolate A[,B...]        cut the named instances off from every other one
//   after MS COMMAND        run a fault COMMAND (kill, partition, heal, isolate,
//                           link, crash-host, restart-host) MS of
//                           virtual time from now, in the middle of whatever
//                           runs then; if it cannot (nothing to kill), the trace
//                           says fault.missed
//   leader:RAFT             in kill, signal, isolate, partition and crash-host:
//                           the group's leader at that moment
// and the decorator seam for plan runs (decorate_backend).
#include <cstdlib>
#include <functional>
#include <sstream>

#include "core/endpoints.h"
#include "sim/session.h"

namespace dpc::sim {

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

ExecutionReport SimSession::resume(int par) {
  ExecutorOptions o;
  o.parallel = par;
  o.resume = true;
  o.journal = &journal_;
  o.endpoints = sql_endpoints(topo_);
  o.on_event = on_event;
  ExecutionReport report = Executor(plan_backend(), o).run(deploy_plan_);
  for (const auto& rec : report.records) {
    if (rec.outcome == StepOutcome::Done || rec.outcome == StepOutcome::Skipped) done_.insert(rec.id);
  }
  return report;
}

void SimSession::decorate_backend(const std::function<std::unique_ptr<Backend>(Backend&)>& wrap) {
  decorated_ = wrap ? wrap(backend()) : nullptr;
}

std::optional<std::string> SimSession::resolve_leaders(std::vector<std::string>& w) const {
  static const std::set<std::string> kFaults = {"kill", "signal", "isolate", "partition", "crash-host"};
  if (w.empty() || !kFaults.count(w[0])) return std::nullopt;
  const std::string prefix = "leader:";
  for (size_t i = 1; i < w.size(); ++i) {
    std::vector<std::string> items = w[0] == "isolate" ? split_list(w[i]) : std::vector<std::string>{w[i]};
    std::string joined;
    for (std::string& item : items) {
      if (item.rfind(prefix, 0) == 0) {
        const std::string raft = item.substr(prefix.size());
        if (!topo_.find_raft(raft)) return w[0] + ": no RAFT group '" + raft + "' in the topology";
        auto leader = cluster_->group_leader(raft);
        if (!leader) return w[0] + ": " + raft + " has no leader now";
        item = w[0] == "crash-host" ? cluster_->view(*leader).host : *leader;
      }
      joined += (joined.empty() ? "" : ",") + item;
    }
    w[i] = joined;
  }
  return std::nullopt;
}

CommandResult SimSession::cmd_resume(const std::vector<std::string>& w) {
  int par = parallel;
  if (w.size() == 3 && w[1] == "parallel" && std::atoi(w[2].c_str()) > 0) {
    par = std::atoi(w[2].c_str());
  } else if (w.size() != 1) {
    return command_failed("usage: resume [parallel N]");
  }
  ExecutionReport report = resume(par);
  CommandResult r;
  r.ok = report.ok;
  r.report = report;
  if (report.ok) {
    r.output = "resume: " + std::to_string(report.done) + " steps done, " + std::to_string(report.skipped) +
               " skipped in " + std::to_string(report.finished - report.started) + " ms (virtual)";
  } else {
    r.error = report.error;
  }
  return r;
}

CommandResult SimSession::cmd_after(const std::vector<std::string>& w) {
  static const std::set<std::string> kDeferrable = {"kill", "partition", "heal", "isolate", "link",
                                                    "crash-host", "restart-host"};
  const long long ms = std::atoll(w[1].c_str());
  if (ms < 0 || w[1].find_first_not_of("0123456789") != std::string::npos) {
    return command_failed("usage: after MS COMMAND (a fault: kill, partition, heal, isolate, link, "
                          "crash-host, restart-host)");
  }
  if (!kDeferrable.count(w[2])) {
    return command_failed("after: '" + w[2] + "' cannot be deferred; only faults that return at once can (kill, "
                          "partition, heal, isolate, link, crash-host, restart-host)");
  }
  const std::vector<std::string> later(w.begin() + 2, w.end());
  cluster_->call_at(cluster_->now() + ms, [this, later] {
    CommandResult r = execute(later);
    if (!r.ok) {
      std::string line;
      for (const auto& word : later) line += (line.empty() ? "" : " ") + word;
      cluster_->trace().record(cluster_->now_us(), "", "fault.missed", line + ": " + r.error);
    }
  });
  CommandResult r;
  r.output = "at t = " + std::to_string(cluster_->now() + ms) + " ms: " + w[2];
  return r;
}

CommandResult SimSession::cmd_isolate(const std::vector<std::string>& w) {
  std::set<std::string> cut;
  for (const std::string& name : split_list(w[1])) {
    if (!topo_.find_instance(name)) return command_failed("isolate: no instance named '" + name + "' in the topology");
    cut.insert(name);
  }
  if (cut.empty()) return command_failed("usage: isolate A[,B...] (instances, or leader:RAFT)");
  std::string names;
  for (const std::string& a : cut) {
    names += (names.empty() ? "" : ", ") + a;
    for (const Instance& other : topo_.instances) {
      if (!cut.count(other.name)) cluster_->partition(a, other.name);
    }
  }
  CommandResult r;
  r.output = "isolated " + names;
  return r;
}

}  // namespace dpc::sim
