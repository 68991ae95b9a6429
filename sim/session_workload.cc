// SimSession's background workload: status queries on one instance, one
// every EVERY_MS of virtual time, while other commands run (a scale-out
// must not disturb a client of the cluster). Deterministic: the queries are
// timers of the event loop; each stops by itself after COUNT queries.
//   workload INST EVERY_MS COUNT   start (or restart) the workload on INST
//   workload-check INST            fails when a query failed; says how many ran
#include <cstdlib>

#include "sim/session.h"

namespace dpc::sim {
namespace {

constexpr const char* kQuery = "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE";

CommandResult result(bool ok, std::string text) {
  CommandResult r;
  r.ok = ok;
  (ok ? r.output : r.error) = std::move(text);
  return r;
}

}  // namespace

void SimSession::workload_tick(const std::string& instance, Millis every) {
  Workload& w = workloads_[instance];
  if (w.left <= 0) return;
  --w.left;
  ++w.sent;
  cluster_->sql(instance, kQuery, [this, instance](Result<Rows> rows) {
    Workload& x = workloads_[instance];
    ++x.answered;
    if (!rows.ok()) {
      if (x.failed++ == 0) {
        x.first_failure = "query " + std::to_string(x.answered) + " at " + std::to_string(cluster_->now()) +
                          " ms: " + rows.message();
      }
    }
  });
  if (w.left > 0) cluster_->call_at(cluster_->now() + every, [this, instance, every] { workload_tick(instance, every); });
}

CommandResult SimSession::cmd_workload_check(const std::vector<std::string>& w) {
  const std::string& inst = w[1];
  auto it = workloads_.find(inst);
  if (it == workloads_.end()) return result(false, "no workload ran on " + inst + " (start one: workload INST EVERY_MS COUNT)");
  const Workload& x = it->second;
  const std::string counts = std::to_string(x.sent) + " queries sent, " + std::to_string(x.answered) +
                             " answered, " + std::to_string(x.failed) + " failed";
  if (x.failed > 0) return result(false, "workload on " + inst + ": " + counts + "; first failure: " + x.first_failure);
  return result(true, "workload on " + inst + ": " + counts);
}

CommandResult SimSession::cmd_workload(const std::vector<std::string>& w) {
  const std::string& inst = w[1];
  char* end = nullptr;
  const long every = std::strtol(w[2].c_str(), &end, 10);
  const bool every_ok = end && *end == '\0' && every > 0;
  const long count = std::strtol(w[3].c_str(), &end, 10);
  if (!every_ok || !(end && *end == '\0') || count <= 0 || count > 100000) {
    return result(false, "usage: workload INST EVERY_MS COUNT (EVERY_MS a whole number > 0, COUNT 1..100000)");
  }
  workloads_[inst] = Workload{};
  workloads_[inst].left = static_cast<int>(count);
  workload_tick(inst, every);
  return result(true, "workload on " + inst + ": " + w[3] + " status queries, one every " + w[2] + " ms");
}

}  // namespace dpc::sim
