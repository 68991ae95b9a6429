#include "core/plan_render_sh_hosts.h"

#include <map>
#include <vector>

namespace dpc::sh_hosts {

namespace {

const char* kOnHost = R"SH(
# on_host HOST: runs the step on standard input on HOST, here when HOST is
# this machine (DPC_LOCAL_HOSTS), else through ssh (BatchMode: keys or an
# agent; DPC_SSH_OPTS adds options). The settings, the password and the
# function library go ahead of the step on ssh's standard input, never on a
# command line; DPC_RUN_DIR is that host's.
dpc_q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
on_host() {
  dpc_step=$(cat)
  case " $DPC_LOCAL_HOSTS " in
    *" $1 "*) eval "$dpc_step"; return ;;
  esac
  say "   (on host $1, through ssh)"
  {
    printf 'set -eu\n'
    printf 'DM_HOME=%s DPC_RUN_DIR=%s DPC_TICK=%s DPC_TOTAL=%s START_AT=1\n' \
      "$(dpc_q "$DM_HOME")" "$(dpc_q "$DPC_RUN_DIR")" "$(dpc_q "$DPC_TICK")" "$DPC_TOTAL"
    printf 'DPC_PW=%s\n' "$(dpc_q "$DPC_PW")"
    printf '%s\n' "$DPC_LIB"
    printf 'mkdir -p "$DPC_RUN_DIR"; chmod 700 "$DPC_RUN_DIR"\n'
    printf '%s\n' "trap 'rm -f \"\$DPC_RUN_DIR\"/*.par' EXIT"
    printf '%s\n' "$dpc_step"
  } | ssh -o BatchMode=yes $DPC_SSH_OPTS "$1" sh -s || die "the step failed on host $1"
}
)SH";

std::string q(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string host_of(const Topology& topo, const std::string& instance, const std::string& fallback) {
  const Instance* inst = topo.find_instance(instance);
  return inst ? inst->host : fallback;
}

std::string on_host(const std::string& host, const std::string& body) {
  return "  on_host " + q(host) + " <<'DPC_STEP'\n" + body + "DPC_STEP\n";
}

/// `command TIMEOUT NAMES...` once per host, each on its host.
std::string per_host(const Topology& topo, const Step& s, const std::string& command,
                     const std::vector<std::string>& names) {
  std::map<std::string, std::vector<std::string>> by_host;
  std::vector<std::string> order;
  for (const auto& n : names) {
    const std::string h = host_of(topo, n, s.host);
    if (!by_host.count(h)) order.push_back(h);
    by_host[h].push_back(n);
  }
  std::string out;
  for (const auto& h : order) {
    std::string line = "  " + command + " " + std::to_string((s.timeout_ms + 999) / 1000);
    for (const auto& n : by_host[h]) line += " " + q(n);
    out += on_host(h, line + "\n");
  }
  return out;
}

}  // namespace

std::string library(const std::string& base_library) {
  std::string out = "DPC_LOCAL_HOSTS=${DPC_LOCAL_HOSTS:-\"127.0.0.1 localhost ::1 $(hostname)\"}\n";
  out += "DPC_SSH_OPTS=${DPC_SSH_OPTS:-}\n";
  out += "DPC_LIB=$(cat <<'DPC_LIB_EOF'";
  out += base_library;
  out += "DPC_LIB_EOF\n)\neval \"$DPC_LIB\"\n";
  out += kOnHost;
  return out;
}

std::string step_block(const Step& s, const Topology& topo, const std::string& body) {
  switch (s.kind) {
    case StepKind::RunSql:
    case StepKind::Verify:
    case StepKind::CopyBackup:
    case StepKind::InstallDm:
      return body;  // from the control machine (disql to HOST:PORT; ssh + tar, host to host when it can)
    case StepKind::WaitState:
      if (s.wait.what != WaitSpec::What::Stopped) return body;
      return per_host(topo, s, "wait_stopped", s.wait.instances);
    case StepKind::ConsoleExit:
      if (s.instance.empty()) return per_host(topo, s, "exit_remaining", s.wait.instances);
      return on_host(host_of(topo, s.instance, s.host), body);
    case StepKind::ConsoleExitAll: {
      // `exit all` on the step's instance, on its host; the members elsewhere
      // get the same grace to stop there.
      const std::string here = host_of(topo, s.instance, s.host);
      std::vector<std::string> local = {s.instance}, elsewhere;
      for (const auto& n : s.wait.instances) {
        if (n == s.instance) continue;
        (host_of(topo, n, s.host) == here ? local : elsewhere).push_back(n);
      }
      std::string line = "  exit_all " + std::to_string((s.timeout_ms + 999) / 1000);
      for (const auto& n : local) line += " " + q(n);
      std::string out = on_host(here, line + "\n");
      std::map<std::string, std::string> rest;
      for (const auto& n : elsewhere) rest[host_of(topo, n, s.host)] += " " + q(n);
      for (const auto& [h, names] : rest) out += on_host(h, "  grace_wait" + names + "\n");
      return out;
    }
    default:
      return on_host(s.host, body);
  }
}

}  // namespace dpc::sh_hosts
