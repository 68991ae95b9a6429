// The names a topology file may use at each level, and the password keys it
// must never hold (core/topology_fields.h).
#include "core/topology_fields.h"

#include <cctype>

#include "core/json_positions.h"

namespace dpc::topology_internal {
namespace {

const std::vector<std::string> kInstanceCommon = {
    "name", "host", "ip_internal", "ip_external", "port_num", "ap_port_num",
    "path", "description", "register_status", "init", "ini"};

std::vector<std::string> with_common(std::vector<std::string> extra) {
  std::vector<std::string> all = kInstanceCommon;
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

const std::map<std::string, std::vector<std::string>>& field_table() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"top", {"$schema", "cluster", "description", "defaults", "raft_timing", "archive", "mp",
               "sp", "bp_rafts", "bp_groups", "fault_domains", "ini", "role_ini", "hosts"}},
      {"defaults",
       {"host", "os", "base_dir", "dm_home", "dm_package", "sysdba_password", "auto_overwrite", "init",
        "ssh", "odbc"}},
      {"ssh", {"user", "port", "identity_file", "jump_host", "options", "sql_via", "copy"}},
      {"odbc", {"driver", "connection"}},
      {"host", {"ssh", "dm_package"}},
      {"sysdba_password", {"env", "file"}},
      {"raft_timing", {"raft_hb_interval", "xmal_hb_interval"}},
      {"archive", {"dir_name", "arch_file_size", "arch_space_limit", "backup_name", "shadow_method"}},
      {"mp", {"instances", "mp_reconn_timeout", "ini"}},
      {"mp_instance",
       with_common({"mp_port", "raft_self_id", "raft_vote_interval", "shadow", "learner"})},
      {"sp_instance", with_common({"raft"})},
      {"bp_raft", {"name", "members", "replicas", "member_prefix", "ini"}},
      {"bp_member", with_common({"raft_self_id", "raft_vote_interval", "shadow", "learner"})},
      {"bp_group", {"name", "description", "rafts"}},
      {"fault_domain", {"name", "description", "instances"}},
  };
  return table;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const std::vector<std::string>& known_fields(const std::string& level) {
  static const std::vector<std::string> none;
  const auto& table = field_table();
  auto it = table.find(level);
  return it == table.end() ? none : it->second;
}

const std::map<std::string, std::string>& role_specific_fields() {
  static const std::map<std::string, std::string> table = {
      {"mp_port", "MP instances (each MP's port in mp.ini)"},
      {"raft", "SP instances (a BP member's RAFT group is the bp_rafts entry it is in)"},
      {"raft_self_id", "members of the MP RAFT group and of BP RAFT groups"},
      {"raft_vote_interval", "members of the MP RAFT group and of BP RAFT groups"},
      {"shadow", "members of the MP RAFT group and of BP RAFT groups"},
      {"learner", "members of the MP RAFT group and of BP RAFT groups"},
  };
  return table;
}

bool is_password_key(const std::string& key) {
  const std::string k = lower(key);
  return k == "password" || k == "passwd" || k == "pwd" || k == "sysdba_pwd";
}

const char* const kPasswordMessage = "passwords never go in the topology; use env or file";
const char* const kPasswordHint =
    "remove it; set defaults.sysdba_password to {\"env\": \"DM_SYSDBA_PWD\"} (an environment "
    "variable) or {\"file\": \"/path/to/file\"} (a file only its owner can read)";

void find_password_keys(const nlohmann::json& value, const std::string& path, std::vector<Diagnostic>& out) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string child = json_path_key(path, it.key());
      if (is_password_key(it.key())) out.push_back(error_at(child, kPasswordMessage, kPasswordHint));
      find_password_keys(it.value(), child, out);
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      find_password_keys(value[i], json_path_index(path, i), out);
    }
  }
}

}  // namespace dpc::topology_internal
