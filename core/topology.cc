#include "core/topology.h"

#include <cctype>

namespace dpc {

const char* role_name(Role role) {
  switch (role) {
    case Role::MP: return "MP";
    case Role::SP: return "SP";
    case Role::BP: return "BP";
  }
  return "?";
}

const Instance* Topology::find_instance(const std::string& name) const {
  for (const auto& inst : instances) {
    if (inst.name == name) return &inst;
  }
  return nullptr;
}

std::set<std::string> Topology::hosts() const {
  std::set<std::string> out;
  for (const auto& inst : instances) out.insert(inst.host);
  return out;
}

const RaftGroup* Topology::find_raft(const std::string& name) const {
  for (const auto& raft : rafts) {
    if (raft.name == name) return &raft;
  }
  return nullptr;
}

std::vector<const Instance*> Topology::of_role(Role role) const {
  std::vector<const Instance*> out;
  for (const auto& inst : instances) {
    if (inst.role == role) out.push_back(&inst);
  }
  return out;
}

std::vector<const Instance*> Topology::members_of(const RaftGroup& group) const {
  std::vector<const Instance*> out;
  for (const auto& name : group.members) {
    if (const Instance* inst = find_instance(name)) out.push_back(inst);
  }
  return out;
}

const RaftGroup* Topology::mp_group() const {
  for (const auto& raft : rafts) {
    if (raft.role == Role::MP) return &raft;
  }
  return nullptr;
}

bool Topology::mp_replicated() const {
  const RaftGroup* g = mp_group();
  return g != nullptr && g->replicated();
}

std::string machine_of(const std::string& host) {
  std::string h = host;
  for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (h == "localhost" || h == "localhost.localdomain" || h == "::1" || h.rfind("127.", 0) == 0) {
    return "127.0.0.1";
  }
  return host;
}

std::string Topology::dm_package_for(const std::string& host) const {
  auto it = host_dm_package.find(host);
  return it != host_dm_package.end() ? it->second : dm_package;
}

SshSettings Topology::ssh_for(const std::string& host) const {
  SshSettings out = ssh;
  auto it = host_ssh.find(host);
  if (it == host_ssh.end()) return out;
  const SshSettings& h = it->second;
  if (h.user) out.user = h.user;
  if (h.port) out.port = h.port;
  if (h.identity_file) out.identity_file = h.identity_file;
  if (h.jump_host) out.jump_host = h.jump_host;
  if (h.sql_via) out.sql_via = h.sql_via;
  if (h.copy) out.copy = h.copy;
  out.options.insert(out.options.end(), h.options.begin(), h.options.end());
  return out;
}

}  // namespace dpc
