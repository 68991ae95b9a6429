#include "core/dm_files.h"

#include <algorithm>

#include "core/paths.h"
#include "core/text_rules.h"

namespace dpc {
namespace {

/// One `KEY = VALUE` line. DM's ini files cannot quote: a line break would
/// start another setting and `#` a comment, so they (and every control
/// character) become '?' here; validate refuses them first.
void line(std::string& out, const std::string& key, const std::string& value) {
  out += key;
  out += " = ";
  out += replace_unquotable(value, "#");
  out += '\n';
}

void line(std::string& out, const std::string& key, long long value) {
  line(out, key, std::to_string(value));
}

void local_archive_section(std::string& out, const Topology& topo, const Instance& inst) {
  out += "[ARCHIVE_LOCAL1]\n";
  line(out, "ARCH_TYPE", "LOCAL");
  line(out, "ARCH_DEST", local_arch_dest(topo, inst));
  line(out, "ARCH_FILE_SIZE", topo.archive.arch_file_size);
  line(out, "ARCH_SPACE_LIMIT", topo.archive.arch_space_limit);
}

}  // namespace

std::string reach_address(const Instance& inst) {
  return inst.ip_internal.empty() ? inst.host : inst.ip_internal;
}

std::string mp_ini_text(const Topology& topo) {
  std::string out;
  std::vector<const Instance*> mps = topo.of_role(Role::MP);
  if (const RaftGroup* group = topo.mp_group()) mps = topo.members_of(*group);
  if (mps.size() == 1) {
    line(out, "mp_host", reach_address(*mps[0]));
    line(out, "mp_port", mps[0]->mp_port);
    if (topo.mp_reconn_timeout) line(out, "MP_RECONN_TIMEOUT", *topo.mp_reconn_timeout);
    return out;
  }
  // Global keys must come before the first section.
  if (topo.mp_reconn_timeout) {
    line(out, "MP_RECONN_TIMEOUT", *topo.mp_reconn_timeout);
    out += '\n';
  }
  for (size_t i = 0; i < mps.size(); ++i) {
    if (i > 0) out += '\n';
    out += "[" + mps[i]->name + "]\n";
    line(out, "mp_host", reach_address(*mps[i]));
    line(out, "mp_port", mps[i]->mp_port);
  }
  return out;
}

std::string local_arch_dest(const Topology& topo, const Instance& inst) {
  return path_join(inst.os, db_dir(inst), topo.archive.dir_name);
}

/// The topology's own dmarch.ini keys (dm_params.h), before the sections.
static void override_lines(std::string& out, const Instance& inst) {
  for (const auto& [key, value] : inst.ini.dmarch) line(out, key, value);
}

std::string dmarch_local_only(const Topology& topo, const Instance& inst) {
  std::string out;
  if (!inst.ini.dmarch.empty()) {
    override_lines(out, inst);
    out += '\n';
  }
  local_archive_section(out, topo, inst);
  return out;
}

std::string dmarch_raft(const Topology& topo, const Instance& inst) {
  std::string out;
  line(out, "XMAL_HB_INTERVAL", topo.timing.xmal_hb_interval);
  line(out, "RAFT_HB_INTERVAL", topo.timing.raft_hb_interval);
  line(out, "RAFT_VOTE_INTERVAL", inst.raft_vote_interval);
  line(out, "RAFT_SELF_ID", inst.raft_self_id);
  override_lines(out, inst);
  std::vector<const Instance*> peers;
  if (const RaftGroup* group = topo.find_raft(inst.raft)) {
    for (const Instance* member : topo.members_of(*group)) {
      if (member->name != inst.name) peers.push_back(member);
    }
  }
  std::stable_sort(peers.begin(), peers.end(), [](const Instance* a, const Instance* b) {
    return a->raft_self_id < b->raft_self_id;
  });
  int k = 0;
  for (const Instance* peer : peers) {
    out += "\n[ARCHIVE_RAFT" + std::to_string(++k) + "]\n";
    line(out, "ARCH_TYPE", peer->kind == ReplicaKind::Learner ? "LEARNER" : "RAFT");
    line(out, "ARCH_DEST", peer->name);
    line(out, "ARCH_DEST_ID", peer->raft_self_id);
  }
  out += '\n';
  local_archive_section(out, topo, inst);
  return out;
}

IniEdits dm_ini_seed_edits() { return {{"ARCH_INI", "1"}}; }

IniEdits dm_ini_replica_edits() { return {{"ARCH_INI", "1"}, {"ALTER_MODE_STATUS", "0"}}; }

}  // namespace dpc
