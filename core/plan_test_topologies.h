// Test-only: small topologies built in code, so the plan builder's and the
// renderers' tests do not depend on the topology loader. Used by
// core/*_test.cc of the plan builder and renderers. Header-only; no threading concerns.
#pragma once

#include <cctype>
#include <string>
#include <vector>

#include "core/paths.h"
#include "core/topology.h"

namespace dpc::testing_topologies {

struct Shape {
  std::string cluster = "test";
  OsKind os = OsKind::Linux;
  std::string base_dir = "/data/dpc";
  std::string host = "10.0.0.1";
  int mps = 1;                      ///< 1, or 3/5/... for an MP RAFT group
  int sps = 1;
  std::vector<int> bp_groups = {3};  ///< members of each BP RAFT group
  bool bp_group = true;             ///< put every BP RAFT group into BG_1
};

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// A topology of the given shape: names MP/MP1.., SP1.., BP<g><k> in
/// RAFT_<g>; ports 5236.. and 6000.., mp_port 9000..; vote intervals 1500,
/// 2000, ...; paths <base_dir>/<lower-case name>.
inline Topology make_topology(const Shape& shape) {
  Topology topo;
  topo.cluster = shape.cluster;
  topo.dm_home = shape.os == OsKind::Windows ? "C:\\dmdbms" : "/opt/dmdbms";
  int port = 5236, ap = 6000, mp_port = 9000;
  auto add = [&](const std::string& name, Role role, const std::string& raft, int self_id) {
    Instance inst;
    inst.name = name;
    inst.role = role;
    inst.raft = raft;
    inst.host = shape.host;
    inst.os = shape.os;
    inst.ip_internal = shape.host;
    inst.ip_external = shape.host;
    inst.port_num = port++;
    inst.ap_port_num = ap++;
    inst.path = path_join(shape.os, shape.base_dir, lower(name));
    inst.description = std::string(role_name(role)) + " instance";
    inst.raft_self_id = self_id;
    inst.raft_vote_interval = self_id > 0 ? 1000 + 500 * self_id : 0;
    if (role == Role::MP) inst.mp_port = mp_port++;
    topo.instances.push_back(inst);
    return name;
  };
  RaftGroup mp_raft{"MP_RAFT", Role::MP, {}};
  for (int i = 1; i <= shape.mps; ++i) {
    std::string name = shape.mps == 1 ? "MP" : "MP" + std::to_string(i);
    mp_raft.members.push_back(add(name, Role::MP, "MP_RAFT", shape.mps == 1 ? 0 : i));
  }
  topo.rafts.push_back(mp_raft);
  for (int i = 1; i <= shape.sps; ++i) {
    std::string raft = "RAFT_SP" + std::to_string(i);
    topo.rafts.push_back(RaftGroup{raft, Role::SP, {add("SP" + std::to_string(i), Role::SP, raft, 0)}});
  }
  BpGroup group{"BG_1", "bp group1", {}};
  for (size_t g = 0; g < shape.bp_groups.size(); ++g) {
    const int n = shape.bp_groups[g];
    RaftGroup raft{"RAFT_" + std::to_string(g + 1), Role::BP, {}};
    for (int k = 1; k <= n; ++k) {
      raft.members.push_back(add("BP" + std::to_string(g + 1) + std::to_string(k), Role::BP,
                                 raft.name, n == 1 ? 0 : k));
    }
    topo.rafts.push_back(raft);
    group.rafts.push_back(raft.name);
  }
  if (shape.bp_group && !group.rafts.empty()) topo.bp_groups.push_back(group);
  return topo;
}

inline Instance* find_mutable(Topology& topo, const std::string& name) {
  for (Instance& inst : topo.instances) {
    if (inst.name == name) return &inst;
  }
  return nullptr;
}

}  // namespace dpc::testing_topologies
