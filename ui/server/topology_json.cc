#include "ui/server/topology_json.h"

namespace dpc::ui {
namespace {

const char* kind_name(ReplicaKind k) {
  return k == ReplicaKind::Voter ? "voter" : k == ReplicaKind::Shadow ? "shadow" : "learner";
}

}  // namespace

nlohmann::json topology_json(const Topology& topo) {
  nlohmann::json instances = nlohmann::json::array();
  for (const Instance& i : topo.instances) {
    nlohmann::json j{{"name", i.name}, {"role", role_name(i.role)}, {"raft", i.raft},
                     {"host", i.host}, {"os", i.os == OsKind::Windows ? "windows" : "linux"},
                     {"ip_internal", i.ip_internal}, {"ip_external", i.ip_external},
                     {"port_num", i.port_num}, {"ap_port_num", i.ap_port_num}, {"path", i.path},
                     {"description", i.description}, {"mp_port", i.mp_port},
                     {"raft_self_id", i.raft_self_id}, {"raft_vote_interval", i.raft_vote_interval},
                     {"kind", kind_name(i.kind)}};
    j["register_status"] = i.register_status ? nlohmann::json(*i.register_status) : nlohmann::json();
    instances.push_back(j);
  }
  nlohmann::json rafts = nlohmann::json::array();
  for (const RaftGroup& g : topo.rafts) {
    rafts.push_back({{"name", g.name}, {"role", role_name(g.role)}, {"members", g.members}});
  }
  nlohmann::json groups = nlohmann::json::array();
  for (const BpGroup& g : topo.bp_groups) {
    groups.push_back({{"name", g.name}, {"description", g.description}, {"rafts", g.rafts}});
  }
  nlohmann::json domains = nlohmann::json::array();
  for (const FaultDomain& f : topo.fault_domains) {
    domains.push_back({{"name", f.name}, {"description", f.description}, {"instances", f.instances}});
  }
  nlohmann::json out{
      {"cluster", topo.cluster},
      {"dm_home", topo.dm_home},
      {"sysdba_password", {{"env", topo.password.env}, {"file", topo.password.file}}},
      {"raft_timing", {{"raft_hb_interval", topo.timing.raft_hb_interval},
                       {"xmal_hb_interval", topo.timing.xmal_hb_interval}}},
      {"archive", {{"dir_name", topo.archive.dir_name}, {"arch_file_size", topo.archive.arch_file_size},
                   {"arch_space_limit", topo.archive.arch_space_limit},
                   {"backup_name", topo.archive.backup_name}}},
      {"instances", instances},
      {"rafts", rafts},
      {"bp_groups", groups},
      {"fault_domains", domains}};
  out["auto_overwrite"] = topo.auto_overwrite ? nlohmann::json(*topo.auto_overwrite) : nlohmann::json();
  out["mp_reconn_timeout"] =
      topo.mp_reconn_timeout ? nlohmann::json(*topo.mp_reconn_timeout) : nlohmann::json();
  return out;
}

}  // namespace dpc::ui
