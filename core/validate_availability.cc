#include "core/validate_availability.h"

#include <map>
#include <string>

#include "core/validate_checks.h"

namespace dpc {

namespace {

using validate_internal::field_path;

/// One name for one machine (core/topology.h).
std::string host_key(const std::string& host) { return machine_of(host); }

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  }
  return out;
}

std::string group_label(const RaftGroup& group) {
  return group.role == Role::MP ? "MP_RAFT" : "RAFT group " + group.name;
}

void lint_group(const Topology& topo, const RaftGroup& group, std::vector<Diagnostic>& out) {
  if (!group.replicated()) return;
  std::vector<const Instance*> voters;
  std::vector<std::string> non_voters;
  for (const Instance* m : topo.members_of(group)) {
    if (m->kind == ReplicaKind::Voter) {
      voters.push_back(m);
    } else {
      non_voters.push_back(m->name);
    }
  }
  const size_t n = voters.size();
  const size_t majority = n / 2 + 1;
  const std::string path = group.source_path.empty() ? group.name : group.source_path;
  const std::string label = group_label(group);
  if (n >= 1 && n - 1 < majority) {
    std::string why = label + " has " + std::to_string(n) + " voting member" + (n == 1 ? "" : "s");
    if (!non_voters.empty()) {
      why += " (" + join(non_voters) + (non_voters.size() == 1 ? " does" : " do") + " not vote)";
    }
    out.push_back(warning_at(path, why + ": with one of them down it has no majority and elects no leader",
                             "give it at least 3 voters (an odd number), or make a shadow or learner a "
                             "voting member"));
  }
  std::map<std::string, std::vector<std::string>> by_host;
  for (const Instance* v : voters) by_host[host_key(v->host)].push_back(v->name);
  for (const auto& [host, names] : by_host) {
    if (names.size() < majority || n < 2) continue;
    out.push_back(warning_at(path, label + ": " + join(names) + " (" + std::to_string(names.size()) + " of " +
                                       std::to_string(n) + " voters) run on one host, " + host +
                                       "; losing that host loses the group's majority",
                             "spread the voters over at least 3 hosts so that no host holds a majority"));
  }
  if (!topo.fault_domains.empty()) {
    std::map<std::string, bool> in_domain;
    for (const FaultDomain& d : topo.fault_domains) {
      for (const std::string& name : d.instances) in_domain[name] = true;
    }
    std::vector<std::string> missing;
    for (const Instance* m : topo.members_of(group)) {
      if (!in_domain.count(m->name)) missing.push_back(m->name);
    }
    if (!missing.empty()) {
      out.push_back(warning_at(path, label + ": fault domains are declared but " + join(missing) +
                                         (missing.size() == 1 ? " is" : " are") + " in none of them",
                               "add every member of a replicated group to a fault domain of its own"));
    }
  }
}

}  // namespace

std::vector<Diagnostic> lint_availability(const Topology& topo) {
  std::vector<Diagnostic> out;
  for (const RaftGroup& group : topo.rafts) {
    if (group.role == Role::SP) continue;
    lint_group(topo, group, out);
  }
  const auto sps = topo.of_role(Role::SP);
  if (sps.size() > 1) {
    std::map<std::string, int> hosts;
    for (const Instance* sp : sps) ++hosts[host_key(sp->host)];
    if (hosts.size() == 1) {
      std::vector<std::string> names;
      for (const Instance* sp : sps) names.push_back(sp->name);
      out.push_back(warning_at(field_path(sps.front()->source_path, "host"),
                               "every SP (" + join(names) + ") runs on one host, " + hosts.begin()->first +
                                   "; losing that host leaves no SQL node",
                               "put the SPs on different hosts"));
    }
  }
  return out;
}

}  // namespace dpc
