#include "core/install_plan.h"

namespace dpc {

Plan build_install_plan(const Topology& topo) {
  Plan plan;
  plan.cluster = topo.cluster;
  for (const std::string& host : topo.hosts()) {
    const std::string package = topo.dm_package_for(host);
    if (package.empty()) continue;
    Step s;
    s.id = "install-dm:" + host;
    s.kind = StepKind::InstallDm;
    s.host = host;
    s.path = topo.dm_home;
    s.package = package;
    s.title = "install DM on " + host + " into " + topo.dm_home + " from " + package +
              " (unless it holds that build)";
    s.timeout_ms = kInstallTimeoutMs;
    plan.steps.push_back(std::move(s));
  }
  return plan;
}

void add_install_steps(const Topology& topo, Plan& plan) {
  Plan install = build_install_plan(topo);
  if (install.steps.empty()) return;
  for (Step& s : plan.steps) {
    if (install.find("install-dm:" + s.host)) s.deps.insert(s.deps.begin(), "install-dm:" + s.host);
  }
  plan.steps.insert(plan.steps.begin(), install.steps.begin(), install.steps.end());
}

}  // namespace dpc
