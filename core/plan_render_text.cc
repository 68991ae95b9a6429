// render_plan() dispatch, render_plan_text() and manual_command_line().
#include <map>
#include <string>

#include "core/install_plan.h"
#include "core/plan_render.h"

namespace dpc {

std::optional<PlanFormat> parse_plan_format(const std::string& name) {
  if (name == "text") return PlanFormat::Text;
  if (name == "json") return PlanFormat::Json;
  if (name == "sh") return PlanFormat::Sh;
  if (name == "cmd") return PlanFormat::Cmd;
  return std::nullopt;
}

std::string render_plan(const Plan& plan, const Topology& topo, PlanFormat format) {
  switch (format) {
    case PlanFormat::Text: return render_plan_text(plan);
    case PlanFormat::Json: return plan_to_json(plan).dump(2) + "\n";
    case PlanFormat::Sh: return render_plan_sh(plan, topo);
    case PlanFormat::Cmd: return render_plan_cmd(plan, topo);
  }
  return "";
}

std::string manual_command_line(const Step& step) {
  std::string out = step.program;
  for (const std::string& arg : step.args) {
    out += ' ';
    size_t eq = arg.find('=');
    if (arg.find(' ') != std::string::npos && eq != std::string::npos) {
      out += arg.substr(0, eq + 1) + '"' + arg.substr(eq + 1) + '"';
    } else {
      out += arg;
    }
  }
  return out;
}

namespace {

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

std::string at(const SqlEndpoint& e) {
  return e.instance + " (" + e.host + ":" + std::to_string(e.port) + ")";
}

/// An install step: what is copied where, checked and marked.
void install_details(const Step& s, std::vector<std::string>& out) {
  if (is_silent_installer(s.package)) {
    out.push_back("on host " + s.host + ": unless " + s.path + "/bin/dmserver -v reports the build DM's installer " +
                  s.package + " installs, copy it to " + s.path + ".dpc-install/ there (SHA-256 compared),");
    out.push_back("run DMInstall.bin -q " + s.path + ".dpc-install/auto_install.xml (INSTALL_PATH " + s.path +
                  ".dpc-new, INIT_DB N), check the build, rename it into " + s.path + " and mark it " +
                  kInstalledMarker);
    return;
  }
  out.push_back("on host " + s.host + ": unless " + s.path + "/bin/dmserver -v reports the build of " +
                s.package + ", copy the package there, compare its SHA-256 with this machine's, unpack it");
  out.push_back("into " + s.path + " (an earlier DM home kept as " + s.path + ".before-dpcctl) and mark it " +
                kInstalledMarker);
}

/// The detail lines under a step, without indentation.
std::vector<std::string> details(const Step& s) {
  std::vector<std::string> out;
  switch (s.kind) {
    case StepKind::InitInstance:
    case StepKind::Backup:
    case StepKind::Restore:
    case StepKind::UpdateDbMagic:
    case StepKind::StartServer:
      out.push_back("$ " + manual_command_line(s) +
                    (s.needs_password ? "   (SYSDBA password supplied out of band)" : ""));
      if (!s.clean_start_args.empty()) {
        std::string start = "dmserver";
        for (const auto& a : s.clean_start_args) start += " " + a;
        out.push_back("if refused as not shut down normally: $ " + start + ", exit, then dmrman again");
      }
      break;
    case StepKind::WriteFile: {
      out.push_back("write " + s.path + ":");
      size_t start = 0;
      while (start < s.content.size()) {
        size_t nl = s.content.find('\n', start);
        if (nl == std::string::npos) nl = s.content.size();
        const std::string text = s.content.substr(start, nl - start);
        out.push_back(text.empty() ? "|" : "| " + text);
        start = nl + 1;
      }
      break;
    }
    case StepKind::EditIni: {
      std::vector<std::string> kv;
      for (const auto& [k, v] : s.ini_set) kv.push_back(k + " = " + v);
      out.push_back("set in " + s.path + ": " + join(kv));
      break;
    }
    case StepKind::RunSql:
      for (const auto& st : s.statements) out.push_back("SQL on " + at(s.endpoint) + ": " + st);
      break;
    case StepKind::Verify:
      if (s.verify.what == VerifySpec::What::Registration) {
        out.push_back("on " + at(s.endpoint) + ": DPC_INSTANCE has " + join(s.verify.instances));
        if (!s.verify.rafts.empty()) out.push_back("DPC_BP_RAFT has " + join(s.verify.rafts));
        if (!s.verify.bp_groups.empty()) {
          out.push_back("DPC_BP_GROUP has " + join(s.verify.bp_groups));
        }
      } else {
        out.push_back("on " + at(s.endpoint) + ": V$INSTANCE lists " + join(s.verify.instances) +
                      "; SELECT 1 FROM DUAL succeeds");
      }
      break;
    case StepKind::WaitState:
      if (s.wait.what == WaitSpec::What::GroupLeader) {
        out.push_back("until one of " + join(s.wait.instances) + " is PRIMARY and OPEN");
      } else if (s.wait.what == WaitSpec::What::InstanceState) {
        out.push_back("until " + join(s.wait.instances) + " reports STATUS$ " + s.wait.state);
      } else {
        out.push_back("until " + join(s.wait.instances) + " stopped");
      }
      break;
    case StepKind::ConsoleExit:
    case StepKind::ConsoleExitAll:
      if (s.instance.empty()) {
        out.push_back("type \"" + s.console_line + "\" on each of " + join(s.wait.instances) +
                      " still running");
      } else {
        out.push_back("type \"" + s.console_line + "\" on " + s.instance + "'s console; until " +
                      join(s.wait.instances) + " stopped");
      }
      break;
    case StepKind::InstallDm:
      install_details(s, out);
      break;
    case StepKind::CopyBackup:
      out.push_back("copy " + s.path + " from host " + s.source_host + " to host " + s.host +
                    " (same path); verify the file list, sizes and SHA-256 sums match");
      break;
  }
  return out;
}

}  // namespace

std::string render_plan_text(const Plan& plan) {
  std::map<std::string, int> number;
  for (size_t i = 0; i < plan.steps.size(); ++i) number[plan.steps[i].id] = static_cast<int>(i) + 1;
  const size_t width = std::to_string(plan.steps.size()).size();

  std::string out = std::string(plan.stop ? "Stop" : "Deployment") + " plan for cluster " +
                    plan.cluster + ": " + std::to_string(plan.steps.size()) + " steps\n\n";
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& s = plan.steps[i];
    std::string n = std::to_string(i + 1);
    std::string line = "  " + std::string(width - n.size(), ' ') + n + ". [" +
                       step_kind_name(s.kind) + "] " + s.id + "  " + s.title;
    if (!s.deps.empty()) {
      std::vector<std::string> refs;
      for (const auto& d : s.deps) {
        auto it = number.find(d);
        refs.push_back(it == number.end() ? d : std::to_string(it->second));
      }
      line += "   after: " + join(refs);
    }
    out += line + "\n";
    const std::string indent(2 + width + 2, ' ');
    for (const auto& d : details(s)) out += indent + "   " + d + "\n";
  }
  return out;
}

}  // namespace dpc
