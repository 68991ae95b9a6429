// SimSession's `ctl` command: dpcctl's cluster operations (deploy, status,
// start, stop, restart, kill, switchover, destroy) on the simulated cluster,
// through the same core code the real backend runs (core/cluster_ops.h).
// These are the lines a simulated cluster's history stores
// (sim/sim_history.h), so a history replays, and becomes a scenario, as is.
#include "core/cluster_ops.h"
#include "sim/session.h"

namespace dpc::sim {

CommandResult SimSession::cmd_ctl(const std::vector<std::string>& w) {
  CommandResult r;
  const std::vector<std::string> rest(w.begin() + 1, w.end());
  const std::string verb = rest.empty() ? "" : rest[0];
  if (verb == "deploy") {
    const bool resume = rest.size() == 2 && rest[1] == "--resume";
    if (rest.size() > 2 || (rest.size() == 2 && !resume)) {
      r.ok = false;
      r.error = "usage: ctl deploy [--resume]";
      return r;
    }
    if (!resume) {
      DeployCheck check = check_before_deploy(backend(), topo_, deploy_plan_);
      if (check.kind == DeployCheck::Kind::Refused) return r.ok = false, r.error = check.message, r;
      if (check.kind == DeployCheck::Kind::Healthy) {
        r.output = check.message;
        r.status = status();
        return r;
      }
      done_.clear();  // a fresh deployment, as the real backend resets its journal
    }
    ExecutionReport rep = deploy("", parallel);
    r.ok = rep.ok;
    r.report = rep;
    if (rep.ok) r.output = "deployed: " + std::to_string(rep.done) + " steps";
    else r.error = rep.error;
    r.status = status();
    return r;
  }
  if (verb == "status") {
    r.status = status();
    r.output = format_status(*r.status);
    return r;
  }
  auto op = parse_cluster_op(rest);
  if (!op) {
    r.ok = false;
    r.error = "ctl: " + op.message() + "\nor: ctl deploy [--resume] | ctl status";
    return r;
  }
  OpOptions o;
  o.parallel = parallel;
  o.on_event = on_event;
  o.on_note = on_note;
  OpResult res = run_cluster_op(backend(), topo_, *op, o);
  r.ok = res.ok;
  r.output = res.output;
  r.error = res.error;
  if (!res.reports.empty()) r.report = res.reports.back();
  if (op->verb == "stop" && op->selectors.empty()) r.status = status();
  return r;
}

}  // namespace dpc::sim
