// validate_topology(): the cluster's shape (MP, SP and BP present), RAFT
// groups, BP groups, fault domains and settings; names and host resources
// are in validate_names.cc and validate_ports.cc.
#include "core/validate.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/dm_params.h"
#include "core/json_text.h"
#include "core/validate_checks.h"

namespace dpc {

namespace validate_internal {

std::string field_path(const std::string& source, const std::string& field) {
  if (source.empty()) return field;
  if (source.back() != ']') return source;  // a generating field such as bp_rafts[0].replicas
  return source + "." + field;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string suggest(const std::string& word, const std::vector<std::string>& candidates,
                    const std::string& fallback) {
  if (auto near = closest_name(word, candidates)) return "did you mean \"" + *near + "\"?";
  return fallback;
}

}  // namespace validate_internal

namespace {

using validate_internal::field_path;
using validate_internal::suggest;

void check_presence(const Topology& topo, std::vector<Diagnostic>& out) {
  if (topo.of_role(Role::MP).empty()) {
    out.push_back(error_at("mp.instances", "the cluster has no MP",
                           "add one MP instance, or 3..9 for an MP RAFT group"));
  }
  if (topo.of_role(Role::SP).empty()) {
    out.push_back(error_at("sp", "the cluster has no SP",
                           "add at least one SP instance: \"sp\": [{\"name\": \"SP1\"}]"));
  }
  if (topo.of_role(Role::BP).empty()) {
    out.push_back(error_at("bp_rafts", "the cluster has no BP",
                           "add at least one BP RAFT group: \"bp_rafts\": [{\"name\": "
                           "\"RAFT_1\", \"replicas\": 3}]"));
  }
}

std::string group_phrase(const RaftGroup& group) {
  return group.role == Role::MP ? "the MP RAFT group" : "RAFT group " + group.name;
}

void check_self_ids(const RaftGroup& group, const std::vector<const Instance*>& members,
                    std::vector<Diagnostic>& out) {
  const int n = static_cast<int>(members.size());
  std::map<int, const Instance*> seen;
  for (const Instance* m : members) {
    const std::string path = field_path(m->source_path, "raft_self_id");
    if (n == 1) {
      if (m->raft_self_id != 0 && m->raft_self_id != 1) {
        out.push_back(error_at(path, "raft_self_id " + std::to_string(m->raft_self_id) + " of " +
                                         m->name + " is not 0 or 1 in a group of one",
                               "leave raft_self_id out for a single instance"));
      }
      continue;
    }
    if (m->raft_self_id < 1 || m->raft_self_id > n) {
      out.push_back(error_at(path, "raft_self_id " + std::to_string(m->raft_self_id) + " of " +
                                       m->name + " is outside 1.." + std::to_string(n) + " for " +
                                       group_phrase(group),
                             "number the members of a group 1..n, each once (leave "
                             "raft_self_id out to number them in order)"));
      continue;
    }
    auto [it, inserted] = seen.emplace(m->raft_self_id, m);
    if (!inserted) {
      out.push_back(error_at(path, "raft_self_id " + std::to_string(m->raft_self_id) + " of " +
                                       m->name + " is also " + it->second->name + "'s in " +
                                       group_phrase(group),
                             "number the members of a group 1..n, each once"));
    }
  }
}

void check_vote_intervals(const Topology& topo, const RaftGroup& group,
                          const std::vector<const Instance*>& members,
                          std::vector<Diagnostic>& out) {
  if (members.size() < 2) return;  // a single instance has no election
  const int hb = topo.timing.raft_hb_interval;
  std::map<int, const Instance*> seen;
  for (const Instance* m : members) {
    const std::string path = field_path(m->source_path, "raft_vote_interval");
    const std::string value = std::to_string(m->raft_vote_interval);
    if (m->raft_vote_interval <= 0) {
      out.push_back(error_at(path, "raft_vote_interval " + value + " of " + m->name +
                                       " is not a positive number of milliseconds",
                             "use e.g. 1500, 2000, 2500 for the members of a group"));
      continue;
    }
    if (m->raft_vote_interval <= hb) {
      out.push_back(error_at(path, "raft_vote_interval " + value + " of " + m->name +
                                       " is not greater than raft_hb_interval (" +
                                       std::to_string(hb) + " ms)",
                             "an election timeout must be well above the heartbeat interval; "
                             "use e.g. 1500, 2000, 2500"));
      continue;
    }
    if (m->kind != ReplicaKind::Voter) continue;  // shadows and learners never start elections
    auto [it, inserted] = seen.emplace(m->raft_vote_interval, m);
    if (!inserted) {
      out.push_back(warning_at(path, "raft_vote_interval " + value + " of " + m->name +
                                         " equals " + it->second->name + "'s in " +
                                         group_phrase(group) +
                                         "; equal timeouts can split the vote and delay the "
                                         "election",
                               "give each member of a group a distinct raft_vote_interval "
                               "(e.g. 1500, 2000, 2500)"));
    }
  }
}

void check_groups(const Topology& topo, std::vector<Diagnostic>& out) {
  for (const auto& group : topo.rafts) {
    const auto members = topo.members_of(group);
    if (group.role == Role::SP) {
      for (size_t i = 1; i < members.size(); ++i) {
        out.push_back(error_at(field_path(members[i]->source_path, "raft"),
                               "SP RAFT group " + group.name + " would hold more than one SP (" +
                                   members[0]->name + " and " + members[i]->name + ")",
                               "an SP RAFT group holds exactly one SP; give each SP its own "
                               "\"raft\" (the default is RAFT_<SP name>)"));
      }
      continue;
    }
    const size_t n = members.size();
    if (n == 0) {
      out.push_back(error_at(field_path(group.source_path, "members"),
                             group_phrase(group) + " has no members",
                             "give it 1 member, or an odd number from 3 to 9"));
      continue;
    }
    if (n != 1 && (n % 2 == 0 || n < 3 || n > 9)) {
      out.push_back(error_at(group.source_path,
                             group_phrase(group) + " has " + std::to_string(n) +
                                 " members; a RAFT group has 1 member or an odd number from 3 "
                                 "to 9",
                             "add or remove members so the group has 1, 3, 5, 7 or 9"));
    }
    const bool any_voter = std::any_of(members.begin(), members.end(), [](const Instance* m) {
      return m->kind == ReplicaKind::Voter;
    });
    if (!any_voter) {
      out.push_back(error_at(group.source_path,
                             "every member of " + group_phrase(group) +
                                 " is a shadow or a learner, so none can vote or lead",
                             "make at least one member (normally a majority) an ordinary "
                             "replica"));
    }
    check_self_ids(group, members, out);
    check_vote_intervals(topo, group, members, out);
  }
}

void check_bp_groups(const Topology& topo, std::vector<Diagnostic>& out) {
  std::vector<std::string> bp_rafts;
  for (const auto& raft : topo.rafts) {
    if (raft.role == Role::BP) bp_rafts.push_back(raft.name);
  }
  std::map<std::string, std::string> owner;  // RAFT name -> BP group name
  for (const auto& group : topo.bp_groups) {
    const std::string list_path = field_path(group.source_path, "rafts");
    if (group.rafts.empty()) {
      out.push_back(warning_at(list_path, "BP group " + group.name + " holds no RAFT group",
                               "list its BP RAFT groups in \"rafts\", or remove it"));
    }
    std::set<std::string> here;
    for (size_t j = 0; j < group.rafts.size(); ++j) {
      const std::string& name = group.rafts[j];
      const std::string path = group.source_path.empty() ? list_path
                                                         : json_path_index(list_path, j);
      const RaftGroup* raft = topo.find_raft(name);
      if (raft == nullptr) {
        out.push_back(error_at(path, "BP group " + group.name + " names RAFT group " + name +
                                         ", which the topology does not define",
                               suggest(name, bp_rafts, "name one of the groups in bp_rafts")));
        continue;
      }
      if (raft->role != Role::BP) {
        out.push_back(error_at(path, name + " is " + (raft->role == Role::SP ? "an SP" : "the MP") +
                                         " RAFT group; a BP group holds BP RAFT groups only",
                               "name one of the groups in bp_rafts"));
        continue;
      }
      if (!here.insert(name).second) {
        out.push_back(error_at(path, name + " is listed twice in BP group " + group.name,
                               "list it once"));
        continue;
      }
      auto [it, inserted] = owner.emplace(name, group.name);
      if (!inserted) {
        out.push_back(error_at(path, "RAFT group " + name + " is already in BP group " +
                                         it->second,
                               "a RAFT group belongs to at most one BP group; remove it from "
                               "one of them"));
      }
    }
  }
}

void check_fault_domains(const Topology& topo, std::vector<Diagnostic>& out) {
  std::vector<std::string> names;
  for (const auto& inst : topo.instances) names.push_back(inst.name);
  std::map<std::string, std::string> domain_of;  // instance -> domain
  for (const auto& domain : topo.fault_domains) {
    const std::string list_path = field_path(domain.source_path, "instances");
    std::map<std::string, const Instance*> group_member;  // replicated RAFT group -> member here
    for (size_t j = 0; j < domain.instances.size(); ++j) {
      const std::string& name = domain.instances[j];
      const std::string path = domain.source_path.empty() ? list_path
                                                          : json_path_index(list_path, j);
      const Instance* inst = topo.find_instance(name);
      if (inst == nullptr) {
        out.push_back(error_at(path, "fault domain " + domain.name + " names instance " + name +
                                         ", which the topology does not define",
                               suggest(name, names, "name an MP or BP instance of the topology")));
        continue;
      }
      if (inst->role == Role::SP) {
        out.push_back(error_at(path, "SP " + name + " cannot be in a fault domain",
                               "remove it; SP_FAULT_DOMAIN_MV_INST refuses SP instances"));
        continue;
      }
      auto [it, inserted] = domain_of.emplace(name, domain.name);
      if (!inserted) {
        out.push_back(error_at(path,
                               it->second == domain.name
                                   ? name + " is listed twice in fault domain " + domain.name
                                   : name + " is already in fault domain " + it->second,
                               "put every instance in at most one fault domain"));
        continue;
      }
      const RaftGroup* group = topo.find_raft(inst->raft);
      if (group == nullptr || !group->replicated()) continue;
      auto [g, first] = group_member.emplace(group->name, inst);
      if (!first) {
        out.push_back(error_at(path, name + " and " + g->second->name + " are both members of " +
                                         group_phrase(*group) + "; they cannot share fault domain " +
                                         domain.name,
                               "put the members of one RAFT group in different fault domains"));
      }
    }
  }
}

/// hosts.<h> must name a host some instance is on (a typo would silently
/// leave that host on the defaults' SSH settings).
void check_host_settings(const Topology& topo, std::vector<Diagnostic>& out) {
  const std::set<std::string> used = topo.hosts();
  std::set<std::string> named;
  for (const auto& entry : topo.host_ssh) named.insert(entry.first);
  for (const auto& entry : topo.host_dm_package) named.insert(entry.first);
  const bool any_package = !topo.dm_package.empty() || !topo.host_dm_package.empty();
  if (any_package && topo.dm_home.empty()) {
    out.push_back(error_at(topo.dm_package.empty() ? "hosts" : "defaults.dm_package",
                           "a DM package is named but no DM home to install it into",
                           "set defaults.dm_home (the same directory on every host)"));
  }
  for (const auto& host : named) {
    if (used.count(host)) continue;
    std::string list;
    for (const auto& h : used) list += (list.empty() ? "" : ", ") + h;
    out.push_back(error_at(json_path_key("hosts", host), "no instance is on host \"" + host + "\"",
                           "name a host of the topology (" + list + ") or remove this entry"));
  }
}

void check_settings(const Topology& topo, std::vector<Diagnostic>& out) {
  if (topo.timing.raft_hb_interval <= 0) {
    out.push_back(error_at("raft_timing.raft_hb_interval",
                           "raft_hb_interval " + std::to_string(topo.timing.raft_hb_interval) +
                               " is not a positive number of milliseconds",
                           "use e.g. 150 (the manual's value)"));
  }
  if (topo.timing.xmal_hb_interval <= 0) {
    out.push_back(error_at("raft_timing.xmal_hb_interval",
                           "xmal_hb_interval " + std::to_string(topo.timing.xmal_hb_interval) +
                               " is not a positive number of seconds",
                           "use e.g. 5 (the manual's value)"));
  }
  const ArchiveSettings& a = topo.archive;
  if (a.dir_name.empty() || a.dir_name.find_first_of("/\\") != std::string::npos) {
    out.push_back(error_at("archive.dir_name", "dir_name \"" + a.dir_name +
                                                   "\" must be one directory name",
                           "use a plain name such as \"arch\" (ARCH_DEST = <path>/DAMENG/arch)"));
  }
  if (a.arch_file_size <= 0) {
    out.push_back(error_at("archive.arch_file_size",
                           "arch_file_size " + std::to_string(a.arch_file_size) + " is not positive",
                           "use a size in MB, e.g. 128 (the manual's value)"));
  }
  if (a.arch_space_limit < 0) {
    out.push_back(error_at("archive.arch_space_limit",
                           "arch_space_limit " + std::to_string(a.arch_space_limit) + " is negative",
                           "use a limit in MB, or 0 for no limit"));
  }
  const std::string& b = a.backup_name;
  const bool backup_ok = !b.empty() && (std::isalpha(static_cast<unsigned char>(b[0])) || b[0] == '_') &&
                         std::all_of(b.begin(), b.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                         });
  if (!backup_ok) {
    out.push_back(error_at("archive.backup_name", "backup_name \"" + b + "\" is not a plain name",
                           "use letters, digits and _ only, e.g. \"BACKUP_01\""));
  }
  if (a.shadow_method != "restore" && a.shadow_method != "backup") {
    out.push_back(error_at("archive.shadow_method", "shadow_method \"" + a.shadow_method + "\" is not known",
                           "use \"restore\" (RESTORE ... TO SHADOW) or \"backup\" (BACKUP ... FULL SHADOW), "
                           "the two ways of the manual's 7.5.1"));
  }
  if (topo.auto_overwrite && (*topo.auto_overwrite < 0 || *topo.auto_overwrite > 2)) {
    out.push_back(error_at("defaults.auto_overwrite", "auto_overwrite must be 0, 1 or 2",
                           "use 0, 1 or 2 (dminit AUTO_OVERWRITE), or leave it out"));
  }
  if (topo.password.env.empty() && topo.password.file.empty()) {
    out.push_back(error_at("defaults.sysdba_password", "no source for the SYSDBA password",
                           "set {\"env\": \"DM_SYSDBA_PWD\"} or {\"file\": \"/path/to/file\"}"));
  }
  for (const auto& inst : topo.instances) {
    if (inst.register_status && (*inst.register_status < 0 || *inst.register_status > 2)) {
      out.push_back(error_at(field_path(inst.source_path, "register_status"),
                             "register_status of " + inst.name + " must be 0, 1 or 2",
                             "use 1 (valid), 0 (invalid) or 2 (SP exited normally)"));
    }
  }
}

}  // namespace

std::vector<Diagnostic> validate_topology(const Topology& topo) {
  std::vector<Diagnostic> out;
  check_presence(topo, out);
  validate_internal::check_names(topo, out);
  validate_internal::check_duplicates(topo, out);
  validate_internal::check_text_fields(topo, out);
  validate_internal::check_hosts_and_paths(topo, out);
  validate_internal::check_ports(topo, out);
  check_groups(topo, out);
  check_bp_groups(topo, out);
  check_fault_domains(topo, out);
  check_settings(topo, out);
  check_host_settings(topo, out);
  check_init_agreement(topo, out);
  return out;
}

}  // namespace dpc
