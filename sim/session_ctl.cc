// SimSession's `ctl` command: dpcctl's cluster operations (deploy, status,
// start, stop, restart, kill, switchover, destroy) on the simulated cluster,
// through the same core code the real backend runs (core/cluster_ops.h).
// These are the lines a simulated cluster's history stores
// (sim/sim_history.h), so a history replays, and becomes a scenario, as is.
#include <filesystem>
#include <optional>

#include "core/cluster_ops.h"
#include "core/diagnostic.h"
#include "core/dm_uninstall.h"
#include "core/install_plan.h"
#include "core/paths.h"
#include "core/plan_builder.h"
#include "core/scale_ops.h"
#include "core/topology_load.h"
#include "sim/model/dm_home.h"
#include "sim/session.h"

namespace dpc::sim {

CommandResult SimSession::cmd_ctl(const std::vector<std::string>& w) {
  CommandResult r;
  // DM's installation: --dm-package P (deploy, install), --allow-mixed
  // (deploy), --uninstall (destroy), anywhere after the verb.
  std::vector<std::string> rest;
  bool allow_mixed = false, uninstall = false;
  std::optional<std::string> package;
  for (size_t i = 1; i < w.size(); ++i) {
    if (w[i] == "--allow-mixed") allow_mixed = true;
    else if (w[i] == "--uninstall") uninstall = true;
    else if (w[i] == "--dm-package" && i + 1 < w.size()) package = w[++i];
    else rest.push_back(w[i]);
  }
  const std::string verb = rest.empty() ? "" : rest[0];
  if ((allow_mixed && verb != "deploy") || (uninstall && verb != "destroy") ||
      (package && verb != "deploy" && verb != "install")) {
    return command_failed("ctl " + verb + ": --allow-mixed is for deploy, --uninstall for destroy, --dm-package for "
                          "deploy and install");
  }
  if (package) {
    if (topo_.dm_home.empty() || package->empty()) {
      return command_failed("--dm-package needs a package and defaults.dm_home in the topology");
    }
    topo_.dm_package = *package;  // over defaults.dm_package and hosts.<host>.dm_package
    topo_.host_dm_package.clear();
    deploy_plan_ = build_deploy_plan(topo_);
  }
  if (verb == "install") return execute_install(rest);
  if (verb == "deploy") return execute_deploy(rest, allow_mixed);
  if (verb == "scale-out" || verb == "scale-in" || verb == "convert") return execute_scale(rest);
  if (verb == "status") {
    r.status = status();
    r.output = format_status(*r.status);
    return r;
  }
  auto op = parse_cluster_op(rest);
  if (!op) return command_failed("ctl: " + op.message() + "\nor: ctl deploy [--resume] | ctl install | ctl status");
  OpOptions o;
  o.parallel = parallel;
  o.on_event = on_event;
  o.on_note = on_note;
  OpResult res = run_cluster_op(backend(), topo_, *op, o);
  r.ok = res.ok;
  r.output = res.output;
  r.error = res.error;
  if (uninstall && res.ok) {
    UninstallOutcome u = uninstall_dm(backend(), topo_);
    r.output += u.output;
    if (!u.ok) r.ok = false, r.error = u.error;
  }
  if (!res.reports.empty()) r.report = res.reports.back();
  if (op->verb == "stop" && op->selectors.empty()) r.status = status();
  return r;
}

/// `ctl deploy [--resume]`: a fresh deploy is checked first (refused, or
/// already healthy) and the hosts' DM builds compared, as the real backend's
/// preflight does.
CommandResult SimSession::execute_deploy(const std::vector<std::string>& rest, bool allow_mixed) {
  CommandResult r;
  const bool resume = rest.size() == 2 && rest[1] == "--resume";
  if (rest.size() > 2 || (rest.size() == 2 && !resume)) {
    return command_failed("usage: ctl deploy [--resume] [--allow-mixed] [--dm-package PATH]");
  }
  if (!resume) {
    DeployCheck check = check_before_deploy(backend(), topo_, deploy_plan_);
    if (check.kind == DeployCheck::Kind::Refused) return command_failed(check.message);
    if (check.kind == DeployCheck::Kind::Healthy) {
      r.output = check.message;
      r.status = status();
      return r;
    }
    // The real backend's preflight compares the hosts' DM builds.
    Result<std::string> same = check_same_dm_build(cluster_->world(), topo_, allow_mixed);
    if (!same) return command_failed(same.message());
    if (!same->empty()) r.output = *same + "\n";
    done_.clear();  // a fresh deployment, as the real backend resets its journal
  }
  ExecutionReport rep = deploy("", parallel);
  r.ok = rep.ok;
  r.report = rep;
  if (rep.ok) r.output += "deployed: " + std::to_string(rep.done) + " steps";
  else r.error = rep.error;
  r.status = status();
  return r;
}

void SimSession::adopt_topology(Topology topo) {
  topo_ = std::move(topo);
  deploy_plan_ = build_deploy_plan(topo_);
  stop_plan_ = build_stop_plan(topo_);
  for (const auto& s : deploy_plan_.steps) done_.insert(s.id);
  add_machines(topo_);
}

void SimSession::add_machines(const Topology& topo) {
  for (const auto& inst : topo.instances) {
    cluster_->host(inst.host);
    if (!inst.ip_internal.empty() && inst.ip_internal != inst.host) cluster_->add_alias(inst.ip_internal, inst.host);
  }
  set_up_dm_homes(cluster_->world(), topo.dm_home.empty() ? kSimDefaultDmHome : topo.dm_home, topo.hosts());
}

CommandResult SimSession::execute_install(const std::vector<std::string>& rest) {
  CommandResult r;
  if (rest.size() != 1) return command_failed("usage: ctl install [--dm-package PATH]");
  const Plan plan = build_install_plan(topo_);
  if (plan.steps.empty()) {
    return command_failed("no host names a DM package to install from; set defaults.dm_package (or "
                          "hosts.<host>.dm_package) in the topology, or pass --dm-package PATH");
  }
  ExecutorOptions o;
  o.parallel = parallel;
  o.on_event = on_event;
  ExecutionReport rep = run_plan(plan_backend(), topo_, plan, o);
  r.ok = rep.ok;
  r.report = rep;
  if (!rep.ok) return r.error = rep.error, r;
  for (const Step& s : plan.steps) {
    const std::string build = dm_build_on(cluster_->world(), s.host, s.path);
    const bool ours = cluster_->exists(s.host, path_join(path_style(s.path), s.path, kInstalledMarker));
    r.output += s.host + ": build " + build + " in " + s.path + (ours ? " (installed by dpcctl)" : "") + "\n";
  }
  return r;
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
      return command_failed("usage: ctl convert INST --to shadow|raft");
    }
    auto to = parse_convert_target(rest[3]);
    if (!to) return command_failed(to.message());
    res = run_convert(backend(), topo_, rest[1], *to, o);
  } else {
    if (rest.size() != 2) return command_failed("usage: ctl " + verb + " FILE");
    std::filesystem::path file(rest[1]);
    if (file.is_relative() && !base_dir.empty()) file = std::filesystem::path(base_dir) / file;
    LoadOutcome loaded = load_topology_file(file.string());
    if (!loaded.ok()) {
      return command_failed("ctl " + verb + ": " + file.string() + " is not a valid topology\n" +
                            format_diagnostics(loaded.diagnostics, file.string()));
    }
    // The machines a scale-out names exist before its plan runs (a new host
    // may need DM installed first: its install-dm step runs there).
    if (verb == "scale-out") add_machines(*loaded.topology);
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
