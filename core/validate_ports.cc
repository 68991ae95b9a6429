// Host resources: hosts and IPs present, ports in range and distinct per
// host, mp_port clear of every ap_port_num, instance paths distinct and not
// nested on one host.
#include <map>

#include "core/paths.h"
#include "core/validate_checks.h"

namespace dpc::validate_internal {

namespace {

constexpr int kMinPort = 1024;   // DM's port range [M6]
constexpr int kMaxPort = 65534;

const char* kPortHint = "give every port on one host a distinct value (1024..65534)";

struct PortUse {
  const Instance* inst;
  const char* field;
  int port;
};

std::vector<PortUse> ports_of(const Instance& inst) {
  std::vector<PortUse> uses = {{&inst, "port_num", inst.port_num},
                               {&inst, "ap_port_num", inst.ap_port_num}};
  if (inst.role == Role::MP || inst.mp_port != 0) uses.push_back({&inst, "mp_port", inst.mp_port});
  return uses;
}

std::string owner_phrase(const PortUse& use, const Instance& current) {
  if (use.inst == &current) return std::string("its own ") + use.field;
  return use.inst->name + "'s " + use.field;
}

/// A path in a form fit for comparing: one separator style, no doubled or
/// trailing separators, and without case on Windows.
std::string comparable_path(const Instance& inst) {
  const bool windows = inst.os == OsKind::Windows || path_style(inst.path) == OsKind::Windows;
  std::string out;
  for (char c : inst.path) {
    char d = windows && c == '\\' ? '/' : c;
    if (d == '/' && !out.empty() && out.back() == '/') continue;
    out += d;
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return windows ? lower(out) : out;
}

bool absolute_path(const Instance& inst) {
  const std::string& p = inst.path;
  if (!p.empty() && (p[0] == '/' || p[0] == '\\')) return true;
  return p.size() >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/');
}

/// One key per machine as far as the file can tell (core/topology.h).
std::string host_key(const std::string& host) { return machine_of(host); }

}  // namespace

void check_ports(const Topology& topo, std::vector<Diagnostic>& out) {
  std::map<std::string, std::map<int, PortUse>> by_host;
  for (const auto& inst : topo.instances) {
    for (const PortUse& use : ports_of(inst)) {
      const std::string path = field_path(inst.source_path, use.field);
      if (use.port == 0) {
        out.push_back(error_at(path, inst.name + " has no " + use.field,
                               "set it, or leave it out of the file to have one allocated"));
        continue;
      }
      if (use.port < kMinPort || use.port > kMaxPort) {
        out.push_back(error_at(path, std::string(use.field) + " " + std::to_string(use.port) +
                                         " of " + inst.name + " is outside 1024..65534",
                               "use a port from 1024 to 65534"));
        continue;
      }
      auto [it, inserted] = by_host[host_key(inst.host)].emplace(use.port, use);
      if (inserted) continue;
      out.push_back(error_at(path, "port " + std::to_string(use.port) + " of " + inst.name +
                                       " on host " + inst.host + " is also " +
                                       owner_phrase(it->second, inst),
                             kPortHint));
    }
  }
  // mp.ini's mp_port must differ from every instance's ap_port_num, on any
  // host (manual 7.1.2); the same host is already covered above.
  for (const auto& mp : topo.instances) {
    if (mp.role != Role::MP || mp.mp_port == 0) continue;
    for (const auto& other : topo.instances) {
      if (host_key(other.host) == host_key(mp.host) || other.ap_port_num != mp.mp_port) continue;
      out.push_back(error_at(field_path(mp.source_path, "mp_port"),
                             "mp_port " + std::to_string(mp.mp_port) + " of " + mp.name +
                                 " equals the ap_port_num of " + other.name + " (host " +
                                 other.host + ")",
                             "choose an mp_port that is no instance's ap_port_num"));
    }
  }
}

void check_hosts_and_paths(const Topology& topo, std::vector<Diagnostic>& out) {
  std::map<std::string, std::vector<std::pair<const Instance*, std::string>>> by_host;
  for (const auto& inst : topo.instances) {
    if (inst.host.empty()) {
      out.push_back(error_at(field_path(inst.source_path, "host"), inst.name + " has no host",
                             "set \"host\" on the instance or \"host\" in defaults"));
    } else if (inst.ip_internal.empty()) {
      out.push_back(error_at(field_path(inst.source_path, "ip_internal"),
                             "ip_internal of " + inst.name + " is empty",
                             "give the address the other instances reach it on, or leave "
                             "ip_internal out to use the host"));
    }
    if (inst.path.empty()) {
      out.push_back(error_at(field_path(inst.source_path, "path"), inst.name + " has no path",
                             "set \"path\" on the instance or \"base_dir\" in defaults"));
      continue;
    }
    if (!absolute_path(inst)) {
      out.push_back(warning_at(field_path(inst.source_path, "path"),
                               "path \"" + inst.path + "\" of " + inst.name + " is relative",
                               "dminit and dmserver would resolve it against their working "
                               "directory; give an absolute path"));
    }
    const std::string mine = comparable_path(inst);
    for (const auto& [other, theirs] : by_host[host_key(inst.host)]) {
      const std::string path = field_path(inst.source_path, "path");
      if (mine == theirs) {
        out.push_back(error_at(path, "path " + inst.path + " of " + inst.name + " on host " +
                                         inst.host + " is also " + other->name + "'s path",
                               "give every instance its own directory"));
      } else if (mine.compare(0, theirs.size(), theirs) == 0 && mine[theirs.size()] == '/') {
        out.push_back(error_at(path, "path " + inst.path + " of " + inst.name + " is inside " +
                                         other->name + "'s path " + other->path,
                               "give every instance its own directory, not nested in another's"));
      } else if (theirs.compare(0, mine.size(), mine) == 0 && theirs[mine.size()] == '/') {
        out.push_back(error_at(path, "path " + inst.path + " of " + inst.name + " holds " +
                                         other->name + "'s path " + other->path,
                               "give every instance its own directory, not nested in another's"));
      }
    }
    by_host[host_key(inst.host)].emplace_back(&inst, mine);
  }
}

}  // namespace dpc::validate_internal
