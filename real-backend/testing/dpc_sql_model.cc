#include "real-backend/testing/dpc_sql_model.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

#include "real-backend/fakes/fake_common.h"

namespace dpc::real::testing {

namespace {

/// The arguments of `NAME(a, 'b', NULL)`: quotes removed ('' -> '), NULL -> "".
std::vector<std::string> call_args(const std::string& statement) {
  std::vector<std::string> out;
  size_t open = statement.find('('), close = statement.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return out;
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (size_t i = open + 1; i < close; ++i) {
    char c = statement[i];
    if (quoted) {
      if (c == '\'' && i + 1 < close && statement[i + 1] == '\'') {
        cur += '\'';
        ++i;
      } else if (c == '\'') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '\'') {
      quoted = was_quoted = true;
    } else if (c == ',') {
      std::string v = was_quoted ? cur : fake::trim(cur);
      out.push_back(!was_quoted && fake::upper(v) == "NULL" ? "" : v);
      cur.clear();
      was_quoted = false;
    } else if (!std::isspace(static_cast<unsigned char>(c)) || was_quoted) {
      if (!was_quoted) cur += c;
    }
  }
  std::string v = was_quoted ? cur : fake::trim(cur);
  out.push_back(!was_quoted && fake::upper(v) == "NULL" ? "" : v);
  return out;
}

/// The value compared in `WHERE COL = 'x'` (and the second pair), or "".
std::string where_value(const std::string& statement, const std::string& column) {
  std::string up = fake::upper(statement);
  size_t at = up.find(column + " = '");
  if (at == std::string::npos) return "";
  size_t b = at + column.size() + 4;
  size_t e = statement.find('\'', b);
  return e == std::string::npos ? "" : statement.substr(b, e - b);
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Rows name_rows(const std::string& column, const std::vector<std::string>& names, const std::string& only) {
  Rows rows;
  rows.columns = {column};
  for (const auto& n : names) {
    if (only.empty() || n == only) rows.rows.push_back({n});
  }
  return rows;
}

}  // namespace

Error sql_error(const std::string& state, int native, const std::string& message) {
  return Error{"[SQLSTATE " + state + ", native " + std::to_string(native) + "] " + message};
}

bool parse_sql_error(const std::string& text, std::string* state, int* native, std::string* message) {
  const std::string head = "[SQLSTATE ";
  if (text.rfind(head, 0) != 0) return false;
  size_t comma = text.find(", native ", head.size());
  size_t close = text.find("] ", head.size());
  if (comma == std::string::npos || close == std::string::npos || comma > close) return false;
  *state = text.substr(head.size(), comma - head.size());
  *native = std::atoi(text.substr(comma + 9, close - comma - 9).c_str());
  *message = text.substr(close + 2);
  return true;
}

DpcSqlModel::DpcSqlModel(Topology topology, Probe probe) : topo_(std::move(topology)), probe_(std::move(probe)) {}

void DpcSqlModel::set_topology(Topology topology) { topo_ = std::move(topology); }

const Instance* DpcSqlModel::instance_at(const std::string& host, int port) const {
  const Instance* on = nullptr;
  for (const Instance& inst : topo_.instances) {
    if (inst.port_num == port && inst.host == host) on = &inst;
  }
  for (const Instance& inst : topo_.instances) {
    if (on == nullptr && inst.port_num == port) on = &inst;
  }
  return on;
}

LiveState DpcSqlModel::live(const Instance& inst) {
  auto it = seen_.find(inst.name);
  if (it != seen_.end()) return it->second;
  LiveState l = probe_(inst);
  seen_[inst.name] = l;
  return l;
}

std::pair<std::string, std::string> DpcSqlModel::state_of(const Instance& inst) {
  LiveState l = live(inst);
  if (!l.up) return {"", ""};
  if (!l.mount) return {"OPEN", "NORMAL"};
  const RaftGroup* group = topo_.find_raft(inst.raft);
  if (group == nullptr) return {"MOUNT", "STANDBY"};
  int voters = 0, up = 0;
  const Instance* leader = nullptr;
  for (const Instance* m : topo_.members_of(*group)) {
    if (m->kind != ReplicaKind::Voter) continue;
    ++voters;
    LiveState ml = live(*m);
    if (!ml.up || !ml.mount) continue;
    ++up;
    if (leader == nullptr || m->raft_vote_interval < leader->raft_vote_interval) leader = m;
  }
  if (up * 2 <= voters || leader == nullptr) return {"MOUNT", "STANDBY"};
  return {"OPEN", leader->name == inst.name ? "PRIMARY" : "STANDBY"};
}

bool DpcSqlModel::healthy(std::string* why) {
  for (const Instance& inst : topo_.instances) {
    auto [status, mode] = state_of(inst);
    if (status != "OPEN") {
      *why = inst.name + " is " + (status.empty() ? "down" : status);
      return false;
    }
  }
  for (const RaftGroup& group : topo_.rafts) {
    if (!group.replicated()) continue;
    bool led = false;
    for (const Instance* m : topo_.members_of(group)) {
      if (state_of(*m).second == "PRIMARY") led = true;
    }
    if (!led) {
      *why = group.name + " has no PRIMARY";
      return false;
    }
  }
  return true;
}

void DpcSqlModel::check_rules() {
  seen_.clear();
  for (const Instance& inst : topo_.instances) {
    if (inst.role == Role::MP || contains(instances_, inst.name)) continue;
    if (!live(inst).up) continue;
    std::string v = inst.name + " was running before it was registered";
    if (!contains(violations_, v)) violations_.push_back(v);
  }
}

Result<Rows> DpcSqlModel::execute(const Instance& on_ref, const std::string& statement) {
  seen_.clear();
  const Instance* on = &on_ref;
  std::string text = fake::trim(statement);
  while (!text.empty() && text.back() == ';') text.pop_back();
  const std::string up = fake::upper(text);

  if (up.rfind("SP_", 0) == 0 || up.rfind("CALL SP_", 0) == 0) return catalog_call(*on, up, text);
  if (up.find("FROM DPC_") != std::string::npos) return catalog_select(*on, up, text);
  if (up.find("FROM V$INSTANCE") != std::string::npos) {
    Rows rows;
    rows.columns = {"INSTANCE_NAME", "STATUS$", "MODE$"};
    for (const Instance& inst : topo_.instances) {
      if (on->role != Role::SP && inst.name != on->name) continue;
      auto [status, mode] = state_of(inst);
      if (status.empty()) continue;
      rows.rows.push_back({inst.name, status, mode});
    }
    return rows;
  }
  if (up.find("FROM V$RAFT_INFO") != std::string::npos) {
    Rows rows;
    rows.columns = {"SELF_ID", "ROLE", "TERM", "LEADER_ID"};
    const RaftGroup* group = topo_.find_raft(on->raft);
    std::string leader = "0";
    if (group != nullptr) {
      for (const Instance* m : topo_.members_of(*group)) {
        if (state_of(*m).second == "PRIMARY") leader = std::to_string(m->raft_self_id);
      }
    }
    bool is_leader = state_of(*on).second == "PRIMARY";
    rows.rows.push_back({std::to_string(on->raft_self_id), std::string(is_leader ? "LEADER" : "FOLLOWER"),
                         std::string("1"), leader});
    return rows;
  }
  if (up == "SELECT 1 FROM DUAL") {
    std::string why;
    if (on->role == Role::SP && !healthy(&why)) return sql_error("HY000", -6001, "无效的系统状态 (" + why + ")");
    Rows rows;
    rows.columns = {"1"};
    rows.rows.push_back({std::string("1")});
    return rows;
  }
  return sql_error("42000", -2007, "the stand-in does not understand: " + text);
}

Result<Rows> DpcSqlModel::catalog_call(const Instance& on, const std::string& up, const std::string& text) {
  if (up.find("SP_ADD_RAFT_NODE") != std::string::npos || up.find("SP_DEL_RAFT_NODE") != std::string::npos) {
    // Run on a running member of the group the new one joins ([model] raft-add-node).
    if (on.role != Role::BP) return sql_error("HY000", -6803, "SP_ADD_RAFT_NODE and SP_DEL_RAFT_NODE run on a member of a BP RAFT group");
    return Rows{};
  }
  if (on.role != Role::MP) return sql_error("HY000", -7046, "DPC procedures run on the MP only, not on " + on.name);
  auto args = call_args(text);
  auto require_mp_first = [&]() -> Status {
    if (instances_.empty()) return sql_error("HY000", -7061, "the MP must register itself first");
    return Status::Ok();
  };
  std::string proc = fake::trim(up.substr(0, up.find('(')));
  if (proc.rfind("CALL ", 0) == 0) proc = fake::trim(proc.substr(5));
  if (proc == "SP_CREATE_DPC_INSTANCE") {
    if (args.size() != 9 && args.size() != 10) return sql_error("HY000", -7062, "wrong number of arguments");
    const std::string& raft = args[0];
    const std::string& name = args[1];
    const std::string mode = fake::upper(args[2]);
    if (contains(instances_, name)) return sql_error("HY000", -7063, "instance " + name + " already exists");
    if (instances_.empty() && mode != "MP") return sql_error("HY000", -7061, "the MP must register itself first");
    if (mode != "MP" && !contains(rafts_, raft)) return sql_error("HY000", -7064, "RAFT group " + raft + " does not exist");
    instances_.push_back(name);
    if (mode == "MP" && !contains(rafts_, "MP_RAFT")) rafts_.insert(rafts_.begin(), "MP_RAFT");
    return Rows{};
  }
  if (proc == "SP_CREATE_DPC_RAFT") {
    if (Status st = require_mp_first(); !st) return st.error();
    if (args.size() != 2) return sql_error("HY000", -7062, "wrong number of arguments");
    if (contains(rafts_, args[1])) return sql_error("HY000", -7065, "RAFT group " + args[1] + " already exists");
    rafts_.push_back(args[1]);
    return Rows{};
  }
  if (proc == "SP_CREATE_DPC_BP_GROUP") {
    if (Status st = require_mp_first(); !st) return st.error();
    if (contains(groups_, args[0])) return sql_error("HY000", -7066, "BP group " + args[0] + " already exists");
    groups_.push_back(args[0]);
    return Rows{};
  }
  if (proc == "SP_BP_GROUP_ADD_RAFT") {
    if (args.size() != 2 || !contains(groups_, args[0]) || !contains(rafts_, args[1])) {
      return sql_error("HY000", -7067, "unknown BP group or RAFT group");
    }
    group_rafts_.insert({args[0], args[1]});
    return Rows{};
  }
  if (proc == "SP_CREATE_FAULT_DOMAIN") {
    if (Status st = require_mp_first(); !st) return st.error();
    if (contains(domains_, args[0])) return sql_error("HY000", -7068, "fault domain " + args[0] + " already exists");
    domains_.push_back(args[0]);
    return Rows{};
  }
  if (proc == "SP_FAULT_DOMAIN_MV_INST") {
    if (args.size() != 2 || !contains(instances_, args[1])) return sql_error("HY000", -7069, "unknown instance");
    domain_insts_.insert({args[0], args[1]});
    return Rows{};
  }
  if (proc == "SP_DROP_DPC_INSTANCE") {
    if (args.size() != 1 || !contains(instances_, args[0])) return sql_error("HY000", -7070, "unknown instance");
    instances_.erase(std::find(instances_.begin(), instances_.end(), args[0]));
    return Rows{};
  }
  if (proc == "SP_DROP_DPC_RAFT") {
    if (args.size() != 1 || !contains(rafts_, args[0])) return sql_error("HY000", -7071, "unknown RAFT group");
    rafts_.erase(std::find(rafts_.begin(), rafts_.end(), args[0]));
    return Rows{};
  }
  return sql_error("42000", -2007, "the stand-in does not know procedure " + proc);
}

Result<Rows> DpcSqlModel::catalog_select(const Instance& on, const std::string& up, const std::string& text) {
  if (on.role != Role::MP) return sql_error("42S02", -2106, "invalid table or view name (DPC_* on " + on.name + ")");
  if (up.find("FROM DPC_INSTANCE") != std::string::npos) {
    return name_rows("NAME", instances_, where_value(text, "NAME"));
  }
  if (up.find("FROM DPC_BP_RAFT") != std::string::npos) return name_rows("NAME", rafts_, where_value(text, "NAME"));
  if (up.find("FROM DPC_BP_GROUP_RAFT") != std::string::npos ||
      up.find("FROM DPC_FAULT_DOMAIN_INST") != std::string::npos) {
    bool groups = up.find("FROM DPC_BP_GROUP_RAFT") != std::string::npos;
    const auto& pairs = groups ? group_rafts_ : domain_insts_;
    std::string a = where_value(text, groups ? "GROUP_NAME" : "DOMAIN_NAME");
    std::string b = where_value(text, groups ? "RAFT_NAME" : "INST_NAME");
    Rows rows;
    rows.columns = groups ? std::vector<std::string>{"GROUP_NAME", "RAFT_NAME"}
                          : std::vector<std::string>{"DOMAIN_NAME", "INST_NAME"};
    for (const auto& [x, y] : pairs) {
      if ((a.empty() || a == x) && (b.empty() || b == y)) rows.rows.push_back({x, y});
    }
    return rows;
  }
  if (up.find("FROM DPC_BP_GROUP") != std::string::npos) return name_rows("NAME", groups_, where_value(text, "NAME"));
  if (up.find("FROM DPC_FAULT_DOMAIN") != std::string::npos) {
    return name_rows("NAME", domains_, where_value(text, "NAME"));
  }
  return sql_error("42S02", -2106, "the stand-in has no such table: " + text);
}

std::string DpcSqlModel::save_catalog() const {
  std::string out;
  for (const auto& n : instances_) out += "instance\t" + n + "\n";
  for (const auto& n : rafts_) out += "raft\t" + n + "\n";
  for (const auto& n : groups_) out += "group\t" + n + "\n";
  for (const auto& [g, r] : group_rafts_) out += "group_raft\t" + g + "\t" + r + "\n";
  for (const auto& n : domains_) out += "domain\t" + n + "\n";
  for (const auto& [d, i] : domain_insts_) out += "domain_inst\t" + d + "\t" + i + "\n";
  return out;
}

void DpcSqlModel::load_catalog(const std::string& text) {
  instances_.clear();
  rafts_.clear();
  groups_.clear();
  group_rafts_.clear();
  domains_.clear();
  domain_insts_.clear();
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> f;
    std::istringstream parts(line);
    for (std::string p; std::getline(parts, p, '\t');) f.push_back(p);
    if (f.size() == 2 && f[0] == "instance") instances_.push_back(f[1]);
    if (f.size() == 2 && f[0] == "raft") rafts_.push_back(f[1]);
    if (f.size() == 2 && f[0] == "group") groups_.push_back(f[1]);
    if (f.size() == 3 && f[0] == "group_raft") group_rafts_.insert({f[1], f[2]});
    if (f.size() == 2 && f[0] == "domain") domains_.push_back(f[1]);
    if (f.size() == 3 && f[0] == "domain_inst") domain_insts_.insert({f[1], f[2]});
  }
}

}  // namespace dpc::real::testing
