// Preflight on the hosts that are not this machine: every host asked at
// once over ssh (one short script each, bounded), so a dead host is named
// within about five seconds and `dpcctl check` never hangs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <sstream>

#include "core/paths.h"
#include "real-backend/dm_install.h"
#include "real-backend/local_host.h"
#include "real-backend/preflight_hosts.h"

namespace dpc::real {

namespace {

struct HostAnswer {
  std::string host;
  Result<CommandResult> result = Error{"not asked"};
  double local_time = 0;  ///< this machine's clock when the answer came
  long elapsed_ms = 0;
};

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// One script asks everything; each finding is a tagged line.
std::string host_script(const Topology& topo, const RealConfig& config, const std::string& host) {
  std::string s = "PATH=$PATH:/usr/sbin:/sbin\n";
  const std::string bin = config.dm_home.empty() ? std::string() : config.dm_home + "/bin";
  if (config.dminit.empty() && config.dmserver.empty() && config.dmrman.empty() && !bin.empty()) {
    // The DM home's build (dm_install.h), or the first tool missing there.
    s += "b=$(" + build_query_command(config.dm_home) + ")\n";
    s += "case \"$b\" in MISSING*) echo \"$b\" ;; *) echo \"DMBUILD $b\" ;; esac\n";
    // The route the password takes: dminit must know PARFILE= (when it is there).
    const std::string dminit = bin + "/dminit";
    s += "if [ -x " + sh_quote(dminit) + " ]; then (cd " + sh_quote(bin) + " && timeout 5 ./dminit help 2>&1) | "
         "grep -q PARFILE && echo 'PARFILE yes' || echo 'PARFILE no'; fi\n";
  } else for (const char* tool : {"dminit", "dmserver", "dmrman"}) {
    const std::string& own = std::string(tool) == "dminit" ? config.dminit
                             : std::string(tool) == "dmserver" ? config.dmserver
                                                               : config.dmrman;
    const std::string path = !own.empty() ? own : bin.empty() ? std::string() : bin + "/" + tool;
    if (path.empty()) {
      s += "echo 'MISSING " + std::string(tool) + " (no DM home configured)'\n";
      continue;
    }
    s += "if [ -x " + sh_quote(path) + " ]; then echo \"BUILD " + tool + " $(cksum < " + sh_quote(path) +
         " | cut -d' ' -f1,2)\"; else echo " + sh_quote("MISSING " + path) + "; fi\n";
    if (std::string(tool) == "dminit") {
      // The route the password takes: dminit must know PARFILE=.
      s += "if [ -x " + sh_quote(path) + " ]; then (cd \"$(dirname " + sh_quote(path) + ")\" && timeout 5 " +
           sh_quote(path) + " help 2>&1) | grep -q PARFILE && echo 'PARFILE yes' || echo 'PARFILE no'; fi\n";
    }
  }
  for (const Instance& inst : topo.instances) {
    if (inst.host != host) continue;
    for (int port : {inst.port_num, inst.ap_port_num, inst.mp_port}) {
      if (port <= 0) continue;
      s += "if command -v ss >/dev/null && [ -n \"$(ss -Hltn 'sport = :" + std::to_string(port) +
           "')\" ]; then echo 'BUSY " + std::to_string(port) + " " + inst.name + "'; fi\n";
    }
    s += "if [ -e " + sh_quote(inst.path) + " ] && [ -n \"$(ls -A " + sh_quote(inst.path) +
         " 2>/dev/null)\" ]; then echo " + sh_quote("NONEMPTY " + inst.name + " " + inst.path) + "; fi\n";
    s += "p=" + sh_quote(inst.path) + "; while [ ! -e \"$p\" ]; do p=$(dirname \"$p\"); done\n";
    s += "echo \"DISK $(df -Pk \"$p\" | awk 'NR==2 {print $6, $4}')\"\n";
  }
  s += "echo \"CLOCK $(date +%s.%N)\"\n";
  return s;
}

/// Every host asked at once, each in its own thread.
std::vector<std::future<HostAnswer>> ask_hosts(const Topology& topo, const RealConfig& config,
                                               const std::vector<std::string>& hosts, Millis timeout_ms) {
  std::vector<std::future<HostAnswer>> asked;
  for (const std::string& host : hosts) {
    SshOptions o = ssh_options_for(config, host);
    o.control_dir.clear();  // a check never leaves a master connection behind
    o.retries = 0;
    o.connect_timeout_s = std::max(1, std::min(o.connect_timeout_s, static_cast<int>(timeout_ms / 1000) - 1));
    const std::string script = host_script(topo, config, host);
    asked.push_back(std::async(std::launch::async, [host, o, script, timeout_ms]() {
      HostAnswer a;
      a.host = host;
      const auto start = std::chrono::steady_clock::now();
      a.result = SshTransport(host, o).run(script, "", timeout_ms);
      a.local_time = wall_seconds();
      a.elapsed_ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - start).count());
      return a;
    }));
  }
  return asked;
}

/// What a host's script reported, by tag.
struct HostFindings {
  std::vector<std::string> missing, busy, nonempty;
  std::string parfile;                      ///< "yes", "no" or "" (not asked)
  std::map<std::string, long long> free_kb;  ///< file system -> free KiB
};

/// The tagged lines of a host's answer; its build goes into `builds`, a
/// clock far off this machine's into `out` as a warning.
HostFindings read_answer(const HostAnswer& a, std::map<std::string, std::string>& builds,
                         std::vector<PreflightCheck>& out) {
  HostFindings f;
  std::istringstream lines(a.result->output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream w(line);
    std::string tag;
    w >> tag;
    std::string rest;
    std::getline(w, rest);
    if (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
    if (tag == "MISSING") f.missing.push_back(rest);
    if (tag == "BUSY") f.busy.push_back(rest);
    if (tag == "NONEMPTY") f.nonempty.push_back(rest);
    if (tag == "BUILD" && rest.rfind("dminit ", 0) == 0) builds[a.host] = "dminit checksum " + rest.substr(7);
    if (tag == "DMBUILD") builds[a.host] = rest;
    if (tag == "PARFILE") f.parfile = rest;
    if (tag == "DISK") {
      std::istringstream d(rest);
      std::string fs;
      long long kb = 0;
      if (d >> fs >> kb) f.free_kb[fs] = kb;
    }
    if (tag == "CLOCK") {
      double skew = std::atof(rest.c_str()) - a.local_time;
      std::ostringstream text;
      text.precision(2);
      text << std::fixed << std::fabs(skew);
      if (std::fabs(skew) > 1.0 + a.elapsed_ms / 1000.0) {
        out.push_back({"clock " + a.host, true,
                       "warning: its clock is " + text.str() + " s off this machine's; keep hosts in sync (NTP)",
                       ""});
      }
    }
  }
  return f;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
  return s;
}

/// The DM tools there (or the package the deploy installs from), and the
/// route the password takes.
void tools_checks(const Topology& topo, const std::string& host, const HostFindings& f,
                  std::map<std::string, std::string>& builds, std::vector<PreflightCheck>& out, Millis timeout_ms) {
  const std::string package = topo.dm_package_for(host);
  if (!package.empty()) {
    // The install step puts the package's build there when it differs.
    auto pb = package_build(package, timeout_ms);
    if (!pb) {
      out.push_back({"DM package " + host, false, pb.message(), "name a DM home directory or a tarball of one"});
      builds.erase(host);
    } else {
      const std::string now = f.missing.empty() ? (builds.count(host) ? builds[host] : "?") : "none";
      out.push_back({"tools " + host, true,
                     now == *pb ? "build " + now + " there, the package's: left alone"
                                : "DM there: " + now + "; the deploy installs build " + *pb + " from " + package,
                     ""});
      builds[host] = *pb;
    }
  } else if (f.missing.empty()) {
    out.push_back({"tools " + host, true, "dminit, dmserver and dmrman present there", ""});
  } else {
    out.push_back({"tools " + host, false, "missing on " + host + ": " + joined(f.missing),
                   "install DM at the same DM home on " + host +
                       " (or set defaults.dm_home / --dm-home), or name a package to install from "
                       "(defaults.dm_package, hosts.<host>.dm_package or --dm-package)"});
  }
  if (f.parfile == "yes") {
    out.push_back({"password route " + host, true,
                   "`dminit help` there lists PARFILE: SYSDBA_PWD goes in a PARFILE sent over ssh", ""});
  } else if (f.parfile == "no") {
    out.push_back({"password route " + host, false,
                   "`dminit help` on " + host + " does not list PARFILE; this DM build may not take "
                   "SYSDBA_PWD from a PARFILE, the only way dpcctl passes it",
                   "use a DM build whose dminit takes PARFILE= on " + host +
                       ", or initialise its instances by hand (dpcctl plan --format sh)"});
  }
}

/// The ports, the instance directories and the free disk space there.
void place_checks(const Topology& topo, const RealConfig& config, const std::string& host, const std::string& login,
                  const HostFindings& f, std::vector<PreflightCheck>& out) {
  if (f.busy.empty()) {
    out.push_back({"ports " + host, true, "every port of its instances is free there", ""});
  } else {
    out.push_back({"ports " + host, false, "in use on " + host + ": " + joined(f.busy),
                   "stop what listens there (ssh " + login + " ss -ltnp) or change the ports"});
  }
  if (f.nonempty.empty()) {
    out.push_back({"directories " + host, true, "every instance directory there is absent or empty", ""});
  } else {
    out.push_back({"directories " + host, false, "not empty on " + host + ": " + joined(f.nonempty),
                   "remove them on " + host + " or choose other paths"});
  }
  int here = 0, sets = 0;
  for (const Instance& inst : topo.instances) here += inst.host == host ? 1 : 0;
  for (const RaftGroup& g : topo.rafts) {
    if (!g.replicated()) continue;
    for (const Instance* m : topo.members_of(g)) sets += m->host == host ? 1 : 0;
  }
  const long long need_mb = here * config.instance_disk_mb + sets * config.backup_disk_mb;
  long long have_mb = 0;
  for (const auto& [fs, kb] : f.free_kb) have_mb += kb / 1024;
  const bool enough = f.free_kb.empty() || have_mb >= need_mb;
  out.push_back({"disk " + host, enough,
                 std::to_string(have_mb) + " MiB free for " + std::to_string(need_mb) + " MiB needed",
                 enough ? "" : "free space on " + host + " or move the instances"});
}

/// One DM build on every host, unless --allow-mixed.
void same_build_check(const RealConfig& config, const std::map<std::string, std::string>& builds,
                      std::vector<PreflightCheck>& out) {
  if (builds.size() <= 1) return;
  std::map<std::string, std::string> hosts_of;  // build -> its hosts
  for (const auto& [h, b] : builds) hosts_of[b] += (hosts_of[b].empty() ? "" : ", ") + h;
  if (hosts_of.size() == 1) {
    out.push_back({"same DM build", true, "build " + builds.begin()->second + " on every host", ""});
    return;
  }
  std::string detail = "mixed DM builds:";
  for (const auto& [b, hs] : hosts_of) detail += " " + hs + " " + (b.empty() ? "(no answer)" : b) + ";";
  detail.pop_back();
  if (config.allow_mixed) {
    out.push_back({"same DM build", true, "warning: " + detail + " (allowed by --allow-mixed)", ""});
  } else {
    out.push_back({"same DM build", false, detail,
                   "install the same DM build on every host (name a package: defaults.dm_package or "
                   "--dm-package), or pass --allow-mixed"});
  }
}

}  // namespace

void check_remote_hosts(const Topology& topo, const RealConfig& config, std::vector<PreflightCheck>& out,
                        Millis timeout_ms) {
  std::vector<std::string> hosts;
  for (const std::string& h : topo.hosts()) {
    if (!is_local_host(h)) hosts.push_back(h);
  }
  if (hosts.empty()) return;
  std::vector<std::future<HostAnswer>> asked = ask_hosts(topo, config, hosts, timeout_ms);
  std::map<std::string, std::string> builds;  // host -> its DM build (or dminit checksum)
  for (auto& answer : asked) {
    HostAnswer a = answer.get();
    const std::string name = "host " + a.host;
    const SshOptions o = ssh_options_for(config, a.host);
    const std::string login = (o.user.empty() ? "" : o.user + "@") + a.host;
    if (!a.result.ok()) {
      out.push_back({name, false, a.result.message(),
                     "make `ssh -o BatchMode=yes " + login + " true` work from this machine (sshd running on " +
                         a.host + ", the key authorised there, its host key in known_hosts)"});
      continue;
    }
    if (a.result->exit_code != 0) {
      out.push_back({name, false, "the checks failed there (exit status " + std::to_string(a.result->exit_code) +
                                      "): " + a.result->errors,
                     "check that " + a.host + " has a POSIX sh, df, date and cksum"});
      continue;
    }
    out.push_back({name, true, "reachable over ssh as " + login + " (" + std::to_string(a.elapsed_ms) + " ms)", ""});
    const HostFindings f = read_answer(a, builds, out);
    tools_checks(topo, a.host, f, builds, out, timeout_ms);
    place_checks(topo, config, a.host, login, f, out);
  }
  same_build_check(config, builds, out);
}

}  // namespace dpc::real
