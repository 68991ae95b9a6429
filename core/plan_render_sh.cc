// render_plan_sh(): the plan as a POSIX sh runbook for a Linux DM host.
// The function library (core/plan_render_sh_library.h) is the runbook's
// fixed part; each step becomes one `if step N ...; then ...; fi` block
// calling it.
#include <cctype>
#include <set>
#include <string>

#include "core/paths.h"
#include "core/plan_render.h"
#include "core/plan_render_sh_hosts.h"
#include "core/plan_render_sh_install.h"
#include "core/plan_render_sh_library.h"
#include "core/text_rules.h"

namespace dpc {
namespace {

bool safe_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string("_=./:,@%+-").find(c) != std::string::npos;
}

/// One shell word: bare when safe, KEY="VALUE" for KEY=VALUE arguments
/// (the manual's look), single-quoted otherwise.
std::string word(const std::string& arg) {
  bool safe = !arg.empty();
  for (char c : arg) safe = safe && safe_char(c);
  if (safe) return arg;
  size_t eq = arg.find('=');
  bool key = eq != std::string::npos && eq > 0;
  for (size_t i = 0; key && i < eq; ++i) {
    key = std::isalnum(static_cast<unsigned char>(arg[i])) != 0 || arg[i] == '_';
  }
  if (key) {
    std::string out = arg.substr(0, eq + 1) + '"';
    for (char c : arg.substr(eq + 1)) {
      if (c == '"' || c == '\\' || c == '$' || c == '`') out += '\\';
      out += c;
    }
    return out + '"';
  }
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string words(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += " " + word(a);
  return out;
}

/// A here-document delimiter that no line of `text` equals.
std::string delimiter(const std::string& text, const std::string& base) {
  std::string d = base;
  for (int n = 1; ("\n" + text).find("\n" + d + "\n") != std::string::npos; ++n) {
    d = base + std::to_string(n);
  }
  return d;
}

std::string heredoc(const std::string& command, const std::string& text, const std::string& base) {
  std::string body = text;
  if (!body.empty() && body.back() != '\n') body += '\n';
  const std::string d = delimiter(body, base);
  return "  " + command + " <<'" + d + "'\n" + body + d + "\n";
}

std::string seconds(int ms) { return std::to_string((ms + 999) / 1000); }

std::string endpoint_words(const Topology& topo, const std::string& name) {
  const Instance* inst = topo.find_instance(name);
  if (inst == nullptr) return word(name + ",,0");
  return word(name + "," + inst->host + "," + std::to_string(inst->port_num));
}

/// A Verify step: expect_names for each registry table (Registration), or
/// V$INSTANCE and a query (Health), sent to `label` (the endpoint's words).
std::string verify_body(const Step& s, const std::string& label) {
  auto names = [](const std::vector<std::string>& v) {
    std::string r;
    for (const auto& n : v) r += " " + word(n);
    return r;
  };
  std::string out;
  if (s.verify.what == VerifySpec::What::Registration) {
    out += "  expect_names " + label + " DPC_INSTANCE" + names(s.verify.instances) + "\n";
    if (!s.verify.rafts.empty()) {
      out += "  expect_names " + label + " DPC_BP_RAFT" + names(s.verify.rafts) + "\n";
    }
    if (!s.verify.bp_groups.empty()) {
      out += "  expect_names " + label + " DPC_BP_GROUP" + names(s.verify.bp_groups) + "\n";
    }
  } else {
    out += "  expect_names " + label + " 'V$INSTANCE'" + names(s.verify.instances) + "\n";
    out += "  echo 'select 1 from dual;' | run_sql " + label + "\n";
  }
  return out;
}

/// A WaitState step: wait_state on the instances' endpoints, or wait_stopped.
std::string wait_body(const Step& s, const Topology& topo, const std::string& tmo) {
  std::string targets;
  for (const auto& n : s.wait.instances) targets += " " + endpoint_words(topo, n);
  if (s.wait.what == WaitSpec::What::GroupLeader) {
    return "  wait_state " + quoted(s.wait.group + " has a PRIMARY/OPEN leader") +
           " '^PRIMARY/OPEN$' " + tmo + targets + "\n";
  }
  if (s.wait.what == WaitSpec::What::InstanceState) {
    return "  wait_state " + quoted(s.instance + " is " + s.wait.state) + " " +
           quoted("/" + s.wait.state + "$") + " " + tmo + targets + "\n";
  }
  return "  wait_stopped " + tmo + words(s.wait.instances) + "\n";
}

/// The commands of one step's block (the one-host form).
std::string body(const Step& s, const Topology& topo) {
  const std::string tmo = seconds(s.timeout_ms);
  const std::string label = word(s.endpoint.instance) + " " + word(s.endpoint.host) + " " +
                            std::to_string(s.endpoint.port);
  std::string out;
  switch (s.kind) {
    case StepKind::InitInstance:
      return "  " + std::string(s.needs_password ? "run_dminit " : "run_tool ") + word(s.instance) +
             " " + s.program + words(s.args) + "\n";
    case StepKind::Backup:
    case StepKind::Restore:
    case StepKind::UpdateDbMagic:
      return "  run_tool " + word(s.instance) + " " + s.program + words(s.args) + "\n";
    case StepKind::WriteFile:
      return heredoc("write_file " + word(s.path), s.content, "DPC_EOF");
    case StepKind::EditIni:
      for (const auto& [k, v] : s.ini_set) {
        out += "  set_ini " + word(s.path) + " " + word(k) + " " + word(v) + "\n";
      }
      return out;
    case StepKind::StartServer: {
      const Instance* inst = topo.find_instance(s.instance);
      const std::string host = inst ? inst->host : s.host;
      const int port = inst ? inst->port_num : 0;
      return "  start_server " + word(s.instance) + " " + word(host) + " " + std::to_string(port) +
             " " + tmo + (s.mount ? " MOUNT" : " OPEN") + " dmserver" + words(s.args) + "\n";
    }
    case StepKind::RunSql: {
      std::string sql;
      for (const auto& st : s.statements) sql += st + "\n";
      return heredoc("run_sql " + label, sql, "DPC_SQL");
    }
    case StepKind::Verify:
      return verify_body(s, label);
    case StepKind::WaitState:
      return wait_body(s, topo, tmo);
    case StepKind::ConsoleExit:
      if (s.instance.empty()) return "  exit_remaining " + tmo + words(s.wait.instances) + "\n";
      return "  exit_server " + tmo + " " + word(s.instance) + "\n";
    case StepKind::ConsoleExitAll: {
      // Start with the step's own instance, then the rest of the group.
      std::vector<std::string> order = {s.instance};
      for (const auto& n : s.wait.instances) {
        if (n != s.instance) order.push_back(n);
      }
      return "  exit_all " + tmo + words(order) + "\n";
    }
    case StepKind::CopyBackup:
      return "  copy_backup " + word(s.source_host) + " " + word(s.host) + " " + word(s.path) + "\n";
    case StepKind::InstallDm:
      return "  install_dm " + word(s.host) + " " + word(s.package) + " " + word(s.path) + "\n";
  }
  return out;
}

std::string identifier_or(const std::string& name, const std::string& fallback) {
  bool ok = !name.empty() && std::isdigit(static_cast<unsigned char>(name[0])) == 0;
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_');
  return ok ? name : fallback;
}

std::string file_safe(const std::string& name) {
  std::string out;
  for (char c : name) out += safe_char(c) && c != '=' && c != ':' && c != '/' ? c : '_';
  return out;
}

/// What shapes a runbook beyond its steps.
struct RunbookShape {
  std::set<std::string> tools;  ///< the DM tools its steps run (checked before step 1)
  bool several = false;         ///< the instances live on several hosts
  bool windows = false;         ///< an instance uses Windows paths
  bool copies = false;          ///< a step carries a backup set between hosts
  bool installs = false;        ///< a step installs DM on a host
  std::string silent_install;   ///< sh_silent_install_library(): a step runs DM's installer
};

RunbookShape shape_of(const Plan& plan, const Topology& topo) {
  RunbookShape shape;
  for (const Step& s : plan.steps) {
    if (!s.program.empty()) shape.tools.insert(s.program);
    if (s.kind == StepKind::RunSql || s.kind == StepKind::Verify ||
        (s.kind == StepKind::WaitState && s.wait.what != WaitSpec::What::Stopped) ||
        (s.kind == StepKind::StartServer && s.mount)) {
      shape.tools.insert("disql");
    }
    shape.copies = shape.copies || s.kind == StepKind::CopyBackup;
    shape.installs = shape.installs || s.kind == StepKind::InstallDm;
  }
  shape.silent_install = sh_silent_install_library(plan);
  std::set<std::string> hosts;
  for (const Instance& inst : topo.instances) {
    hosts.insert(inst.host);
    shape.windows = shape.windows || inst.os == OsKind::Windows;
  }
  shape.several = hosts.size() > 1;
  return shape;
}

/// The opening comment: what the runbook is and the environment it reads.
std::string header_comment(const Plan& plan, const Topology& topo, const std::string& pw_env,
                           const RunbookShape& shape) {
  // Comments cannot quote: text from the topology goes into them through
  // visible(), so a line break in it cannot end the comment.
  std::string out = "# " + std::string(plan.stop ? "Stop" : "Deployment") + " runbook for the DMDPC cluster '" +
                    visible(plan.cluster) + "' (" + std::to_string(plan.steps.size()) + " steps), generated by\n";
  out += "# `dpcctl plan" + (topo.source_file.empty() ? "" : " " + visible(topo.source_file)) +
         (plan.stop ? " --stop" : "") + " --format sh`. It follows the DM manual's chapter 7\n";
  out += "# on this Linux DM host, one step at a time, and stops at the first failure.\n";
  out += "#\n# Environment:\n";
  out += "#   DM_HOME      DM installation holding bin/dminit, bin/dmserver, bin/dmrman, bin/disql\n";
  if (topo.password.file.empty()) {
    out += "#   " + pw_env + "  the SYSDBA password (required; never printed, never on a command line)\n";
  }
  out += "#   DPC_RUN_DIR  console FIFOs, pids and logs of the servers this runbook starts\n";
  out += "#   START_AT     skip the steps numbered below this one (to continue after a fix)\n";
  out += "#   DPC_TICK     seconds per polling tick; timeouts count ticks (default 1)\n";
  if (shape.windows) {
    out += "#\n# Note: this topology's instances use Windows paths. Use --format cmd on\n";
    out += "# Windows, or a topology with Linux paths for this runbook.\n";
  }
  if (shape.several) {
    out += "#\n# The instances live on several hosts. Run this on a control machine that\n";
    out += "# reaches every host with `ssh -o BatchMode=yes HOST` (keys or an agent) and\n";
    out += "# has DM's disql in $DM_HOME/bin: each step that acts on a host's files or\n";
    out += "# servers runs there through ssh (on_host), SQL runs here, and the copies of\n";
    out += "# backup sets are driven from here. DM_HOME and DPC_RUN_DIR are the same\n";
    out += "# paths on every host.\n";
    out += "#   DPC_LOCAL_HOSTS  hosts that are this machine (default: loopback and hostname)\n";
    out += "#   DPC_SSH_OPTS     more ssh options, e.g. \"-l dmdba -i ~/.ssh/dpc\"\n";
    if (shape.copies) {
      out += "#   DPC_COPY         auto (default): backup sets host to host where the hosts\n";
      out += "#                    reach each other over ssh, else through this machine;\n";
      out += "#                    direct: host to host only; via-control: through here\n";
    }
  }
  out += "#\n# shellcheck disable=SC2016  # V$INSTANCE, STATUS$ and MODE$ are SQL, not shell\n";
  return out;
}

/// The variables the environment may override, and the step count.
std::string settings(const Plan& plan, const Topology& topo) {
  std::string out = "DM_HOME=${DM_HOME:-" + quoted(topo.dm_home) + "}\n";
  // Beside the runbook, not in whatever directory it is run from, so a stop
  // run elsewhere finds the consoles and pids the deploy left.
  out += "DPC_RUN_DIR=${DPC_RUN_DIR:-\"$(cd \"$(dirname \"$0\")\" && pwd)\"/" +
         quoted("dpc-run-" + file_safe(plan.cluster)) + "}\n";
  out += "START_AT=${START_AT:-1}\n";
  out += "DPC_TICK=${DPC_TICK:-1}\n";
  out += "DPC_TOTAL=" + std::to_string(plan.steps.size()) + "\n";
  return out;
}

/// The function library, with dpc_ini (each instance's dm.ini) after it.
std::string library(const Topology& topo, const RunbookShape& shape) {
  std::string ini_fn = "\n# dpc_ini NAME: the dm.ini of each instance (is_running finds servers by it).\n";
  ini_fn += "dpc_ini() {\n  case $1 in\n";
  for (const Instance& inst : topo.instances) {
    ini_fn += "    " + inst.name + ") printf '%s\\n' " + quoted(db_file(inst, "dm.ini")) + " ;;\n";
  }
  ini_fn += "  esac\n}\n";
  // On several hosts the library, dpc_ini with it, also goes to each host.
  std::string out = shape.several ? sh_hosts::library(sh_library::kBase + ini_fn) : sh_library::kBase + ini_fn;
  if (shape.copies) {
    // The route of the copies: the topology's defaults.ssh.copy, unless the
    // environment says otherwise.
    out += "DPC_COPY=${DPC_COPY:-" + quoted(topo.ssh.copy.value_or("auto")) + "}\n";
    out += sh_library::kCopy;
  }
  if (shape.installs) out += sh_library::kInstall + shape.silent_install;
  return out;
}

/// Before step 1: the password read, DM_HOME and its tools checked, the run
/// directory made, the traps set.
std::string preflight(const Topology& topo, const std::string& pw_env, const RunbookShape& shape) {
  std::string out;
  if (!topo.password.file.empty()) {
    out += "DPC_PWFILE=" + quoted(topo.password.file) + "\n";
    out += "[ -r \"$DPC_PWFILE\" ] || die \"cannot read the SYSDBA password file $DPC_PWFILE\"\n";
    out += "DPC_PW=$(cat \"$DPC_PWFILE\")\n";
  } else {
    out += "[ -n \"${" + pw_env + ":-}\" ] || die \"set " + pw_env +
           " to the SYSDBA password (it is read from the environment and never printed)\"\n";
    out += "DPC_PW=$" + pw_env + "\n";
  }
  out += "[ -n \"$DM_HOME\" ] || die \"set DM_HOME to the DM installation directory\"\n";
  for (const std::string& tool : shape.tools) {
    if (shape.several && tool != "disql") continue;  // the others are needed on the hosts
    if (shape.installs) continue;                     // the plan puts them there first
    out += "[ -x \"$DM_HOME/bin/" + tool + "\" ] || die \"$DM_HOME/bin/" + tool +
           " is missing or not executable; set DM_HOME to the DM installation directory\"\n";
  }
  out += "mkdir -p \"$DPC_RUN_DIR\"\n";
  out += "chmod 700 \"$DPC_RUN_DIR\"\n";
  out += "trap 'rm -f \"$DPC_RUN_DIR\"/*.par' EXIT\n";
  out += "trap 'exit 130' INT TERM\n";
  return out;
}

/// Step `i`'s block: a comment naming it and its deps, then `if step N ...`.
std::string step_block(const Plan& plan, size_t i, const Topology& topo, bool several) {
  const Step& s = plan.steps[i];
  const std::string n = std::to_string(i + 1);
  std::string out = "\n# " + n + ". " + visible(s.id) + " [" + step_kind_name(s.kind) + "]";
  if (!s.deps.empty()) {
    out += " after:";
    for (const auto& d : s.deps) {
      int at = plan.index_of(d);
      out += " " + (at < 0 ? visible(d) : std::to_string(at + 1));
    }
  }
  if (several && !s.host.empty()) out += " (on host " + visible(s.host) + ")";
  out += "\n";
  out += "if step " + n + " " + quoted(s.id) + " " + quoted(s.title) + "; then\n";
  out += several ? sh_hosts::step_block(s, topo, body(s, topo)) : body(s, topo);
  out += "fi\n";
  return out;
}

}  // namespace

std::string render_plan_sh(const Plan& plan, const Topology& topo) {
  const RunbookShape shape = shape_of(plan, topo);
  const std::string pw_env = identifier_or(topo.password.env, "DM_SYSDBA_PWD");
  std::string out = "#!/bin/sh\n";
  out += header_comment(plan, topo, pw_env, shape);
  out += "set -eu\n\n";
  out += settings(plan, topo);
  out += library(topo, shape);
  out += "\n";
  out += preflight(topo, pw_env, shape);
  for (size_t i = 0; i < plan.steps.size(); ++i) out += step_block(plan, i, topo, shape.several);
  out += "\nsay " + quoted(std::string(plan.stop ? "Cluster " + plan.cluster + " stopped."
                                                 : "Cluster " + plan.cluster + " deployed.")) +
         "\n";
  return out;
}

}  // namespace dpc
