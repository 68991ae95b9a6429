// SimSession's `ctl` command: dpcctl's cluster operations (deploy, status,
// start, stop, restart, kill, switchover, destroy) on the simulated cluster,
// through the same core code the real backend runs (core/cluster_ops.h).
// These are the lines a simulated cluster's history stores
// (sim/sim_history.h), so a history replays, and becomes a scenario, as is.
#include <filesystem>

#include "core/cluster_ops.h"
#include "core/diagnostic.h"
#include "core/plan_builder.h"
#include "core/scale_ops.h"
#include "core/topology_load.h"
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
  if (verb == "scale-out" || verb == "scale-in" || verb == "convert") return execute_scale(rest);
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

void SimSession::adopt_topology(Topology topo) {
  topo_ = std::move(topo);
  deploy_plan_ = build_deploy_plan(topo_);
  stop_plan_ = build_stop_plan(topo_);
  for (const auto& s : deploy_plan_.steps) done_.insert(s.id);
  for (const auto& inst : topo_.instances) {
    cluster_->host(inst.host);
    if (!inst.ip_internal.empty() && inst.ip_internal != inst.host) cluster_->add_alias(inst.ip_internal, inst.host);
  }
}

CommandResult SimSession::execute_scale(const std::vector<std::string>& rest) {
  CommandResult r;
  const std::string& verb = rest[0];
  OpOptions o;
  o.parallel = parallel;
  o.on_event = on_event;
  o.on_note = on_note;
  ScaleResult res;
  if (verb == "convert") {
    if (rest.size() != 4 || rest[2] != "--to") {
      return r.ok = false, r.error = "usage: ctl convert INST --to shadow|raft", r;
    }
    auto to = parse_convert_target(rest[3]);
    if (!to) return r.ok = false, r.error = to.message(), r;
    res = run_convert(backend(), topo_, rest[1], *to, o);
  } else {
    if (rest.size() != 2) return r.ok = false, r.error = "usage: ctl " + verb + " FILE", r;
    std::filesystem::path file(rest[1]);
    if (file.is_relative() && !base_dir.empty()) file = std::filesystem::path(base_dir) / file;
    LoadOutcome loaded = load_topology_file(file.string());
    if (!loaded.ok()) {
      return r.ok = false,
             r.error = "ctl " + verb + ": " + file.string() + " is not a valid topology\n" +
                       format_diagnostics(loaded.diagnostics, file.string()),
             r;
    }
    res = verb == "scale-out" ? run_scale_out(backend(), topo_, *loaded.topology, o)
                              : run_scale_in(backend(), topo_, *loaded.topology, o);
  }
  r.ok = res.op.ok;
  r.output = res.op.output;
  r.error = res.op.error;
  if (!res.op.reports.empty()) r.report = res.op.reports.back();
  if (r.ok) adopt_topology(std::move(res.result));
  return r;
}

}  // namespace dpc::sim
