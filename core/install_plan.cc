#include "core/install_plan.h"

#include "core/xml_text.h"

namespace dpc {

bool is_silent_installer(const std::string& package) {
  const size_t cut = package.find_last_of("/\\");
  return package.substr(cut == std::string::npos ? 0 : cut + 1) == kSilentInstaller;
}

std::string silent_install_answer(const std::string& dm_home) {
  return "<?xml version=\"1.0\"?>\n"
         "<DATABASE>\n"
         "    <LANGUAGE>en</LANGUAGE>\n"
         "    <TIME_ZONE>+08:00</TIME_ZONE>\n"
         "    <KEY></KEY>\n"
         "    <INSTALL_TYPE>0</INSTALL_TYPE>\n"
         "    <INSTALL_PATH>" + xml_escape(dm_home) + "</INSTALL_PATH>\n"
         "    <INIT_DB>N</INIT_DB>\n"
         "    <CREATE_DB_SERVICE>N</CREATE_DB_SERVICE>\n"
         "    <STARTUP_DB_SERVICE>N</STARTUP_DB_SERVICE>\n"
         "</DATABASE>\n";
}

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
