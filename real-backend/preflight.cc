#include "real-backend/preflight.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "core/paths.h"
#include "core/tool_output.h"
#include "real-backend/asio_process_launcher.h"
#include "real-backend/local_host.h"
#include "real-backend/odbc_connector.h"
#include "real-backend/preflight_hosts.h"

namespace dpc::real {

namespace fs = std::filesystem;

namespace {

PreflightCheck pass(std::string name, std::string detail) {
  return PreflightCheck{std::move(name), true, std::move(detail), ""};
}
PreflightCheck fail(std::string name, std::string detail, std::string fix) {
  return PreflightCheck{std::move(name), false, std::move(detail), std::move(fix)};
}

/// The path itself if it exists, else its nearest existing ancestor.
std::string existing_ancestor(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  std::error_code ec;
  while (!p.empty() && !fs::exists(p, ec)) {
    fs::path parent = p.parent_path();
    if (parent == p) break;
    p = parent;
  }
  return p.empty() ? "." : p.string();
}

bool writable_dir(const std::string& dir) { return ::access(dir.c_str(), W_OK | X_OK) == 0; }

/// Runs `<binary> help` and says whether the binary could start at all.
PreflightCheck probe_binary(const std::string& name, const std::string& path, Millis timeout_ms) {
  boost::asio::io_context io;
  AsioProcessLauncher launcher(io);
  ProcessSpec spec;
  spec.program = path;
  spec.args = {"help"};
  std::string bin = fs::path(path).parent_path().string();
  spec.cwd = bin;
  const char* old = std::getenv("LD_LIBRARY_PATH");
  spec.env.push_back("LD_LIBRARY_PATH=" + bin + (old && *old ? std::string(":") + old : ""));
  std::string output;
  std::optional<ProcessExit> exit;
  auto pid = launcher.start(spec, {[&output](const std::string& l) { output += l + "\n"; },
                                   [&exit](const ProcessExit& e) { exit = e; }});
  if (!pid) {
    return fail(name, pid.message(), "make " + path + " executable (chmod +x) or point dpcctl at DM's " + name);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!exit && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(100));
  if (!exit) {
    (void)launcher.send_signal(*pid, SIGKILL);
    while (!exit) io.run_one_for(std::chrono::milliseconds(100));
    return pass(name, path + " starts (it was still running " + std::to_string(timeout_ms) +
                          " ms after `" + name + " help`, and was stopped)");
  }
  if (exit->signal != 0 && exit->signal != SIGKILL) {
    return fail(name, path + " crashed when run with `help` (" + exit->describe() + "): " + output_tail(output, 3),
                "check the DM installation on this host");
  }
  if (exit->exit_code == 126 || exit->exit_code == 127) {
    return fail(name, path + " cannot start (" + exit->describe() + "): " + output_tail(output, 3),
                "its shared libraries are not found: make sure " + bin +
                    " holds DM's libraries, or add it to LD_LIBRARY_PATH");
  }
  return pass(name, path + " runs");
}

void check_hosts(const Topology& topo, std::vector<PreflightCheck>& out) {
  std::map<std::string, std::string> remote;  // host -> instances
  for (const Instance& inst : topo.instances) {
    if (is_local_host(inst.host)) continue;
    std::string& names = remote[inst.host];
    names += (names.empty() ? "" : ", ") + inst.name;
  }
  if (remote.empty()) {
    out.push_back(pass("hosts", "all " + std::to_string(topo.instances.size()) + " instances are on this host"));
    return;
  }
  std::string detail;
  for (const auto& [host, names] : remote) detail += (detail.empty() ? "" : "; ") + names + " on " + host;
  out.push_back(pass("hosts", "over ssh: " + detail + " (the checks per host follow)"));
}

void check_binaries(const RealConfig& config, std::vector<PreflightCheck>& out) {
  for (const char* name : {"dminit", "dmserver", "dmrman"}) {
    auto path = resolve_binary(config, name);
    if (!path) {
      std::string message = path.message();
      size_t semi = message.find("; ");
      std::string detail = semi == std::string::npos ? message : message.substr(0, semi);
      std::string fix = semi == std::string::npos ? std::string() : message.substr(semi + 2);
      out.push_back(fail(name, detail, fix));
      continue;
    }
    out.push_back(config.probe_binaries ? probe_binary(name, *path, config.probe_timeout_ms)
                                        : pass(name, *path + " is executable"));
  }
}

void check_odbc(const RealConfig& config, std::vector<PreflightCheck>& out) {
  auto loaded = check_odbc_driver(odbc_settings(config));
  if (loaded) {
    out.push_back(pass("odbc driver", *loaded + " loads"));
    return;
  }
  std::string message = loaded.message();
  size_t semi = message.find("; ");
  out.push_back(fail("odbc driver", semi == std::string::npos ? message : message.substr(0, semi),
                     semi == std::string::npos
                         ? "install DM's ODBC driver (libdodbc.so) and pass --odbc-driver PATH"
                         : message.substr(semi + 2)));
}

void check_password(const RealConfig& config, std::vector<PreflightCheck>& out) {
  auto pwd = load_password(config.password);
  const std::string from = config.password.file.empty()
                               ? "environment variable " + config.password.env
                               : "file " + config.password.file;
  if (!pwd) {
    std::string message = pwd.message();
    size_t semi = message.find("; ");
    out.push_back(fail("sysdba password", semi == std::string::npos ? message : message.substr(0, semi),
                       semi == std::string::npos ? "" : message.substr(semi + 2)));
    return;
  }
  size_t n = pwd->reveal().size();
  if (n < 9 || n > 48) {
    out.push_back(fail("sysdba password", "the password from " + from + " has " + std::to_string(n) +
                                              " characters; dminit takes 9 to 48",
                       "choose a SYSDBA password of 9 to 48 characters"));
    return;
  }
  out.push_back(pass("sysdba password", "set (from " + from + ")"));
}

/// Every port of the instances on this machine, whatever name their host
/// goes by (localhost, 127.0.0.1, this machine's name or addresses: validate
/// compares host names as written, so two of them may share a port there),
/// must be given once and be free.
void check_ports(const std::vector<const Instance*>& local, std::vector<PreflightCheck>& out) {
  std::map<int, std::string> ports;  // port -> "MP port_num, ..."
  std::map<int, int> users;
  for (const Instance* inst : local) {
    auto add = [&](int port, const std::string& key) {
      if (port <= 0) return;
      std::string& label = ports[port];
      label += (label.empty() ? "" : ", ") + inst->name + " " + key + " (host " + inst->host + ")";
      ++users[port];
    };
    add(inst->port_num, "port_num");
    add(inst->ap_port_num, "ap_port_num");
    if (inst->role == Role::MP) add(inst->mp_port, "mp_port");
  }
  for (const auto& [port, label] : ports) {
    const std::string name = "port " + std::to_string(port);
    if (users[port] > 1) {
      out.push_back(fail(name, "given to more than one instance on this machine: " + label,
                         "these host names all mean this machine; give each instance its own "
                         "ports"));
      continue;
    }
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
      int err = errno;
      out.push_back(fail(name, "cannot open a socket: " + std::string(std::strerror(err)), ""));
      continue;
    }
    int one = 1;
    ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    int rc = ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    int err = errno;
    ::close(s);
    if (rc == 0) {
      out.push_back(pass(name, "free (" + label + ")"));
    } else {
      out.push_back(fail(name, "not free (" + label + "): " + std::strerror(err),
                         "stop what listens there (ss -ltnp 'sport = :" + std::to_string(port) +
                             "' shows it), or give " + label + " another port in the topology"));
    }
  }
}

void check_directories(const Topology& topo, const std::vector<const Instance*>& local,
                       std::vector<PreflightCheck>& out) {
  const bool overwrite = topo.auto_overwrite.value_or(0) >= 1;
  for (const Instance* inst : local) {
    const std::string name = "directory " + inst->name;
    const std::string& path = inst->path;
    if (path_style(path) == OsKind::Windows) {
      out.push_back(fail(name, path + " is a Windows path; this host runs Linux",
                         "give " + inst->name + " a Linux path (or set defaults.base_dir)"));
      continue;
    }
    std::error_code ec;
    if (fs::exists(path, ec)) {
      if (!fs::is_directory(path, ec)) {
        out.push_back(fail(name, path + " exists and is not a directory",
                           "remove it or give " + inst->name + " another path"));
        continue;
      }
      bool empty = fs::is_empty(path, ec);
      if (!empty && !overwrite) {
        out.push_back(fail(name, path + " exists and is not empty",
                           "remove its contents or give " + inst->name +
                               " another path (or set defaults.auto_overwrite to 1 to let dminit overwrite it)"));
        continue;
      }
      if (!writable_dir(path)) {
        out.push_back(fail(name, path + " is not writable by this user", "chown or chmod " + path));
        continue;
      }
      out.push_back(pass(name, path + (empty ? " exists, empty and writable"
                                             : " is not empty; AUTO_OVERWRITE lets dminit overwrite it")));
      continue;
    }
    std::string anc = existing_ancestor(path);
    if (!writable_dir(anc)) {
      out.push_back(fail(name, path + " is absent and " + anc + " is not writable by this user",
                         "create " + path + " with the right owner (mkdir -p, chown), or choose a path under a writable directory"));
      continue;
    }
    out.push_back(pass(name, path + " is absent; " + anc + " is writable"));
  }
}

void check_state_dir(const RealConfig& config, std::vector<PreflightCheck>& out) {
  std::string anc = existing_ancestor(config.state_dir);
  if (writable_dir(anc)) {
    out.push_back(pass("state directory", config.state_dir + (anc == config.state_dir ? " is writable"
                                                                                      : " can be created under " + anc)));
  } else {
    out.push_back(fail("state directory", config.state_dir + ": " + anc + " is not writable",
                       "pass --state-dir DIR naming a writable directory"));
  }
}

void check_disk(const Topology& topo, const RealConfig& config, const std::vector<const Instance*>& local,
                std::vector<PreflightCheck>& out) {
  struct Need {
    std::string where;
    int instances = 0, backups = 0;
  };
  std::map<unsigned long long, Need> by_fs;
  auto add = [&](const std::string& path, bool backup) {
    if (path_style(path) == OsKind::Windows) return;
    std::string anc = existing_ancestor(path);
    struct stat st {};
    if (::stat(anc.c_str(), &st) != 0) return;
    Need& need = by_fs[static_cast<unsigned long long>(st.st_dev)];
    if (need.where.empty()) need.where = anc;
    (backup ? need.backups : need.instances) += 1;
  };
  for (const Instance* inst : local) add(inst->path, false);
  for (const RaftGroup& group : topo.rafts) {
    if (!group.replicated()) continue;
    auto members = topo.members_of(group);
    if (members.empty() || !is_local_host(members[0]->host)) continue;
    add(path_join(members[0]->os, members[0]->path, topo.archive.backup_name), true);
  }
  for (const auto& [dev, need] : by_fs) {
    struct statvfs vfs {};
    if (::statvfs(need.where.c_str(), &vfs) != 0) continue;
    long long free_mb = static_cast<long long>(vfs.f_bavail) * static_cast<long long>(vfs.f_frsize) / (1024 * 1024);
    long long want = need.instances * config.instance_disk_mb + need.backups * config.backup_disk_mb;
    std::string what = std::to_string(need.instances) + " instance" + (need.instances == 1 ? "" : "s") + " and " +
                       std::to_string(need.backups) + " backup set" + (need.backups == 1 ? "" : "s");
    std::string name = "disk " + need.where;
    if (free_mb >= want) {
      out.push_back(pass(name, std::to_string(free_mb) + " MiB free; about " + std::to_string(want) +
                                   " MiB needed for " + what));
    } else {
      out.push_back(fail(name, "only " + std::to_string(free_mb) + " MiB free; about " + std::to_string(want) +
                                   " MiB needed for " + what,
                         "free space there or move the instances' paths to a larger file system"));
    }
  }
}

}  // namespace

bool PreflightReport::ok() const { return failures() == 0; }

int PreflightReport::failures() const {
  int n = 0;
  for (const auto& c : checks) n += c.ok ? 0 : 1;
  return n;
}

PreflightReport preflight(const Topology& topo, const RealConfig& config) {
  PreflightReport report;
  auto& out = report.checks;
  std::vector<const Instance*> local;
  for (const Instance& inst : topo.instances) {
    if (is_local_host(inst.host)) local.push_back(&inst);
  }
  check_hosts(topo, out);
  check_remote_hosts(topo, config, out);
  bool local_package = false;
  for (const Instance* inst : local) local_package = local_package || !topo.dm_package_for(inst->host).empty();
  if (local_package) {
    out.push_back(pass("tools", "DM on this host comes from " + topo.dm_package_for(local.front()->host) +
                                    " when the DM home lacks it or holds another build (the install step)"));
  } else {
    check_binaries(config, out);
  }
  check_odbc(config, out);
  check_password(config, out);
  check_ports(local, out);
  check_directories(topo, local, out);
  check_state_dir(config, out);
  check_disk(topo, config, local, out);
  return report;
}

std::string format_preflight(const PreflightReport& report) {
  size_t width = 0;
  for (const auto& c : report.checks) width = std::max(width, c.name.size());
  std::string out;
  for (const auto& c : report.checks) {
    std::string name = c.name;
    name.resize(width, ' ');
    out += std::string(c.ok ? "PASS  " : "FAIL  ") + name + "  " + c.detail + "\n";
    if (!c.ok && !c.fix.empty()) out += "      " + std::string(width, ' ') + "  fix: " + c.fix + "\n";
  }
  int failed = report.failures();
  out += failed == 0 ? "preflight passed: " + std::to_string(report.checks.size()) + " checks\n"
                     : "preflight failed: " + std::to_string(failed) + " of " +
                           std::to_string(report.checks.size()) + " checks failed\n";
  return out;
}

}  // namespace dpc::real
