// The defaults of the topology format (docs/topology.md, "Defaults"): turns
// a TopologySpec into a Topology. Part of the topology loader.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/dm_params.h"
#include "core/paths.h"
#include "core/topology_spec.h"

namespace dpc::topology_internal {

namespace {

constexpr int kFirstPortNum = 5236;    // DM's PORT_NUM default [M6]
constexpr int kFirstApPortNum = 6000;  // DM's AP_PORT_NUM default [M6]
constexpr int kFirstMpPort = 9000;     // the manual's mp_port [M7.1.2]
constexpr int kFirstVoteInterval = 1500;  // the manual's 1500/2000/2500 [M7.2.7.3]
constexpr int kVoteIntervalStep = 500;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const char* default_description(Role role) {
  switch (role) {
    case Role::MP: return "MP instance";
    case Role::SP: return "SP instance";
    case Role::BP: return "BP instance";
  }
  return "";
}

/// Every instance spec in topology order (MPs, SPs, BPs), with its group
/// position (1-based) and the size of its group.
struct Placed {
  const InstanceSpec* spec;
  size_t position;    ///< 1..n inside its RAFT group
  size_t group_size;  ///< n
  const IniOverrides* group_ini = nullptr;  ///< the group's "ini" (MP_RAFT or a BP group)
};

std::vector<Placed> place(const TopologySpec& spec) {
  std::vector<Placed> out;
  for (size_t i = 0; i < spec.mps.size(); ++i) {
    out.push_back({&spec.mps[i], i + 1, spec.mps.size(), &spec.mp_group_ini});
  }
  for (const auto& sp : spec.sps) out.push_back({&sp, 1, 1});
  for (const auto& raft : spec.bp_rafts) {
    for (size_t k = 0; k < raft.members.size(); ++k) {
      out.push_back({&raft.members[k], k + 1, raft.members.size(), &raft.ini});
    }
  }
  return out;
}

Instance make_instance(const TopologySpec& spec, const Placed& placed) {
  const InstanceSpec& s = *placed.spec;
  Instance inst;
  inst.name = s.name.value_or("");
  inst.role = s.role;
  inst.source_path = s.source_path;
  inst.host = s.host ? *s.host : spec.defaults.host.value_or("");
  inst.ip_internal = s.ip_internal ? *s.ip_internal : inst.host;
  inst.ip_external = s.ip_external ? *s.ip_external : inst.ip_internal;
  if (spec.defaults.os) {
    inst.os = *spec.defaults.os;
  } else if (s.path) {
    inst.os = path_style(*s.path);
  } else if (spec.defaults.base_dir) {
    inst.os = path_style(*spec.defaults.base_dir);
  } else {
    inst.os = OsKind::Linux;
  }
  if (s.path) {
    inst.path = *s.path;
  } else if (spec.defaults.base_dir && !inst.name.empty()) {
    inst.path = path_join(inst.os, *spec.defaults.base_dir, lower(inst.name));
  }
  inst.description = s.description ? *s.description : default_description(s.role);
  inst.port_num = s.port_num.value_or(0);
  inst.ap_port_num = s.ap_port_num.value_or(0);
  inst.mp_port = s.mp_port.value_or(0);
  const bool replicated = placed.group_size > 1;
  inst.raft_self_id = s.raft_self_id.value_or(replicated ? static_cast<int>(placed.position) : 0);
  inst.raft_vote_interval = s.raft_vote_interval.value_or(
      replicated ? kFirstVoteInterval + kVoteIntervalStep * static_cast<int>(placed.position - 1)
                 : 0);
  inst.kind = s.shadow ? ReplicaKind::Shadow : s.learner ? ReplicaKind::Learner : ReplicaKind::Voter;
  inst.register_status = s.register_status;
  // DM's parameters, layered: defaults under the instance's own; the
  // cluster's ini under the role's, the group's and the instance's.
  inst.init = layer(spec.defaults.init, s.init);
  inst.ini = spec.cluster_ini;
  if (auto r = spec.role_ini.find(s.role); r != spec.role_ini.end()) inst.ini = layer(inst.ini, r->second);
  if (placed.group_ini != nullptr) inst.ini = layer(inst.ini, *placed.group_ini);
  inst.ini = layer(inst.ini, s.ini);
  return inst;
}

/// Ports already taken: explicit ones first, then each allocation.
class PortAllocator {
 public:
  void take(const std::string& host, int port) {
    if (port != 0) used_[machine_of(host)].insert(port);
  }
  void take_ap(int port) {
    if (port != 0) ap_anywhere_.insert(port);
  }
  /// The lowest port >= `first` free on `host` (and, for mp_port, not any
  /// host's ap_port_num), now taken.
  int allocate(const std::string& host, int first, bool avoid_ap_anywhere) {
    std::set<int>& used = used_[machine_of(host)];
    int port = first;
    while (used.count(port) > 0 || (avoid_ap_anywhere && ap_anywhere_.count(port) > 0)) ++port;
    used.insert(port);
    return port;
  }

 private:
  std::map<std::string, std::set<int>> used_;
  std::set<int> ap_anywhere_;
};

void allocate_ports(std::vector<Instance>& instances) {
  PortAllocator ports;
  for (const auto& inst : instances) {
    ports.take(inst.host, inst.port_num);
    ports.take(inst.host, inst.ap_port_num);
    ports.take(inst.host, inst.mp_port);
    ports.take_ap(inst.ap_port_num);
  }
  for (auto& inst : instances) {
    if (inst.port_num == 0) inst.port_num = ports.allocate(inst.host, kFirstPortNum, false);
  }
  for (auto& inst : instances) {
    if (inst.ap_port_num == 0) {
      inst.ap_port_num = ports.allocate(inst.host, kFirstApPortNum, false);
      ports.take_ap(inst.ap_port_num);
    }
  }
  for (auto& inst : instances) {
    if (inst.role == Role::MP && inst.mp_port == 0) {
      inst.mp_port = ports.allocate(inst.host, kFirstMpPort, true);
    }
  }
}

}  // namespace

Topology apply_topology_defaults(const TopologySpec& spec) {
  Topology topo;
  topo.cluster = spec.cluster;
  topo.dm_home = spec.defaults.dm_home.value_or("");
  topo.auto_overwrite = spec.auto_overwrite;
  topo.password = spec.password;
  topo.ssh = spec.ssh;
  topo.host_ssh = spec.host_ssh;
  topo.odbc = spec.odbc;
  topo.dm_package = spec.defaults.dm_package.value_or("");
  topo.host_dm_package = spec.host_dm_package;
  topo.mp_reconn_timeout = spec.mp_reconn_timeout;
  topo.timing = spec.timing;
  topo.archive = spec.archive;

  for (const Placed& placed : place(spec)) topo.instances.push_back(make_instance(spec, placed));
  allocate_ports(topo.instances);

  // RAFT groups: MP_RAFT, then one group per distinct SP raft name, then BP groups.
  RaftGroup mp_group;
  mp_group.name = "MP_RAFT";
  mp_group.role = Role::MP;
  mp_group.source_path = "mp.instances";
  std::vector<RaftGroup> sp_groups;
  for (auto& inst : topo.instances) {
    if (inst.role == Role::MP) {
      inst.raft = "MP_RAFT";
      mp_group.members.push_back(inst.name);
    }
  }
  if (!mp_group.members.empty()) topo.rafts.push_back(std::move(mp_group));

  size_t sp_index = 0;
  for (auto& inst : topo.instances) {
    if (inst.role != Role::SP) continue;
    const InstanceSpec& s = spec.sps[sp_index++];
    inst.raft = s.raft ? *s.raft : "RAFT_" + inst.name;
    auto it = std::find_if(sp_groups.begin(), sp_groups.end(),
                           [&](const RaftGroup& g) { return g.name == inst.raft; });
    if (it == sp_groups.end()) {
      RaftGroup group;
      group.name = inst.raft;
      group.role = Role::SP;
      group.source_path = inst.source_path;
      sp_groups.push_back(std::move(group));
      it = sp_groups.end() - 1;
    }
    it->members.push_back(inst.name);
  }
  for (auto& group : sp_groups) topo.rafts.push_back(std::move(group));

  size_t bp_index = spec.mps.size() + spec.sps.size();
  for (const auto& raft_spec : spec.bp_rafts) {
    RaftGroup group;
    group.name = raft_spec.name;
    group.role = Role::BP;
    group.source_path = raft_spec.source_path;
    for (size_t k = 0; k < raft_spec.members.size(); ++k) {
      Instance& inst = topo.instances[bp_index++];
      inst.raft = raft_spec.name;
      group.members.push_back(inst.name);
    }
    topo.rafts.push_back(std::move(group));
  }

  topo.bp_groups = spec.bp_groups;
  topo.fault_domains = spec.fault_domains;
  return topo;
}

}  // namespace dpc::topology_internal
