// read_topology_spec(): a topology file's JSON read into a TopologySpec,
// each field checked for its type and range, unknown fields reported with a
// "did you mean" (core/topology_spec.h).
#include "core/topology_spec.h"

#include <algorithm>
#include <climits>

#include "core/dm_params.h"
#include "core/json_positions.h"
#include "core/json_text.h"
#include "core/text_rules.h"
#include "core/topology_fields.h"

namespace dpc::topology_internal {
namespace {

using nlohmann::json;

/// Reads typed fields out of JSON objects, reporting each problem once.
class Reader {
 public:
  explicit Reader(std::vector<Diagnostic>& out) : out_(out) {}

  /// True when `value` is an object; reports it otherwise, and reports
  /// every key not known at `level`.
  bool object(const json& value, const std::string& path, const std::string& level) {
    if (!value.is_object()) {
      wrong_type(path, "an object", value);
      return false;
    }
    const auto& known = known_fields(level);
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string& key = it.key();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      if (is_password_key(key)) continue;  // reported by find_password_keys
      unknown_field(json_path_key(path, key), key, level, known);
    }
    return true;
  }

  std::optional<std::string> string(const json& obj, const std::string& path, const char* key) {
    const json* v = find(obj, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      wrong_type(json_path_key(path, key), "a string", *v);
      return std::nullopt;
    }
    return v->get<std::string>();
  }

  std::optional<int64_t> integer(const json& obj, const std::string& path, const char* key,
                                 int64_t min, int64_t max) {
    const json* v = find(obj, key);
    if (v == nullptr) return std::nullopt;
    const std::string p = json_path_key(path, key);
    if (!v->is_number_integer()) {
      wrong_type(p, "a whole number", *v);
      return std::nullopt;
    }
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      out_.push_back(error_at(p, "the number is too large", "use a value in " + range(min, max)));
      return std::nullopt;
    }
    const int64_t n = v->get<int64_t>();
    if (n < min || n > max) {
      out_.push_back(error_at(p, std::to_string(n) + " is out of range",
                              "use a value in " + range(min, max)));
      return std::nullopt;
    }
    return n;
  }

  /// An int field; its range is checked by validate_topology() when
  /// `min`/`max` are the int limits.
  std::optional<int> int32(const json& obj, const std::string& path, const char* key,
                           int64_t min = INT_MIN, int64_t max = INT_MAX) {
    auto n = integer(obj, path, key, min, max);
    if (!n) return std::nullopt;
    return static_cast<int>(*n);
  }

  std::optional<bool> boolean(const json& obj, const std::string& path, const char* key) {
    const json* v = find(obj, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_boolean()) {
      wrong_type(json_path_key(path, key), "true or false", *v);
      return std::nullopt;
    }
    return v->get<bool>();
  }

  /// The array at `key`, or nullptr (reported when it is not an array).
  const json* array(const json& obj, const std::string& path, const char* key) {
    const json* v = find(obj, key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      wrong_type(json_path_key(path, key), "an array", *v);
      return nullptr;
    }
    return v;
  }

  /// A list of strings (names); non-strings are reported and skipped.
  std::vector<std::string> names(const json& obj, const std::string& path, const char* key) {
    std::vector<std::string> out;
    const json* list = array(obj, path, key);
    if (list == nullptr) return out;
    for (size_t i = 0; i < list->size(); ++i) {
      const json& item = (*list)[i];
      if (!item.is_string()) {
        wrong_type(json_path_index(json_path_key(path, key), i), "a name (string)", item);
        continue;
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  void missing(const std::string& path, const std::string& what, const std::string& hint) {
    out_.push_back(error_at(path, "missing required field: " + what, hint));
  }

  void error(const std::string& path, const std::string& message, const std::string& hint) {
    out_.push_back(error_at(path, message, hint));
  }

  /// An instance's "init" and "ini" (dm_params.h), when present.
  void params(const json& obj, const std::string& path, InitParams& init, IniOverrides& ini) {
    if (const json* v = find(obj, "init")) init = read_init_params(*v, json_path_key(path, "init"), out_);
    if (const json* v = find(obj, "ini")) ini = read_ini_overrides(*v, json_path_key(path, "ini"), out_);
  }

  std::vector<Diagnostic>& diagnostics() { return out_; }

 private:
  static const json* find(const json& obj, const char* key) {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  static std::string range(int64_t min, int64_t max) {
    return std::to_string(min) + ".." + std::to_string(max);
  }

  void wrong_type(const std::string& path, const std::string& expected, const json& got) {
    out_.push_back(error_at(path, "expected " + expected + ", got " + json_type_phrase(got),
                            "write it as " + expected + " (see docs/topology.md)"));
  }

  void unknown_field(const std::string& path, const std::string& key, const std::string& level,
                     const std::vector<std::string>& known) {
    const bool instance_level = level == "mp_instance" || level == "sp_instance" ||
                                level == "bp_member";
    const auto& specific = role_specific_fields();
    auto it = specific.find(key);
    if (instance_level && it != specific.end()) {
      out_.push_back(error_at(path, "field \"" + key + "\" applies only to " + it->second,
                              "remove it from this instance"));
      return;
    }
    std::vector<std::string> candidates;
    for (const auto& k : known) {
      if (k != "$schema") candidates.push_back(k);
    }
    if (auto near = closest_name(key, candidates)) {
      out_.push_back(error_at(path, "unknown field \"" + key + "\"",
                              "did you mean \"" + *near + "\"?"));
      return;
    }
    std::string list;
    for (const auto& k : candidates) list += (list.empty() ? "" : ", ") + k;
    out_.push_back(error_at(path, "unknown field \"" + key + "\"", "the fields known here are: " + list));
  }

  std::vector<Diagnostic>& out_;
};

InstanceSpec read_instance(Reader& r, const json& v, const std::string& path, Role role,
                           const std::string& level) {
  InstanceSpec spec;
  spec.source_path = path;
  spec.role = role;
  if (!r.object(v, path, level)) return spec;
  spec.name = r.string(v, path, "name");
  if (!spec.name && !v.contains("name")) {
    r.missing(json_path_key(path, "name"), "\"name\"",
              "give every instance a unique name, e.g. \"BP11\"");
  }
  spec.host = r.string(v, path, "host");
  spec.ip_internal = r.string(v, path, "ip_internal");
  spec.ip_external = r.string(v, path, "ip_external");
  spec.path = r.string(v, path, "path");
  spec.description = r.string(v, path, "description");
  spec.port_num = r.int32(v, path, "port_num");
  spec.ap_port_num = r.int32(v, path, "ap_port_num");
  spec.register_status = r.int32(v, path, "register_status", 0, 2);
  r.params(v, path, spec.init, spec.ini);
  if (role == Role::MP) spec.mp_port = r.int32(v, path, "mp_port");
  // Written 0 is not "pick one" (leaving the field out is): refused, as any
  // port outside 1024..65534.
  for (auto [field, value] : {std::pair{"port_num", &spec.port_num},
                              std::pair{"ap_port_num", &spec.ap_port_num},
                              std::pair{"mp_port", &spec.mp_port}}) {
    if (*value != 0) continue;
    r.error(json_path_key(path, field),
            std::string(field) + " 0 is not a port; 0 does not mean \"pick one\"",
            std::string("leave ") + field + " out to have one allocated, or give a port from "
            "1024 to 65534");
    value->reset();
  }
  if (role == Role::SP) spec.raft = r.string(v, path, "raft");
  if (role != Role::SP) {
    spec.raft_self_id = r.int32(v, path, "raft_self_id");
    spec.raft_vote_interval = r.int32(v, path, "raft_vote_interval");
    spec.shadow = r.boolean(v, path, "shadow").value_or(false);
    spec.learner = r.boolean(v, path, "learner").value_or(false);
    if (spec.shadow && spec.learner) {
      r.error(json_path_key(path, "learner"), "an instance cannot be both shadow and learner",
              "keep one of \"shadow\" and \"learner\"");
    }
  }
  return spec;
}

void read_ssh(Reader& r, const json& obj, const std::string& path, SshSettings& out) {
  if (!r.object(obj, path, "ssh")) return;
  out.user = r.string(obj, path, "user");
  out.port = r.int32(obj, path, "port", 1, 65535);
  out.identity_file = r.string(obj, path, "identity_file");
  out.jump_host = r.string(obj, path, "jump_host");
  out.sql_via = r.string(obj, path, "sql_via");
  if (out.sql_via && *out.sql_via != "direct" && *out.sql_via != "tunnel") {
    r.error(json_path_key(path, "sql_via"), "unknown sql_via \"" + *out.sql_via + "\"",
            "use \"direct\" (ODBC to each instance's address) or \"tunnel\" (through an SSH local forward)");
  }
  out.copy = r.string(obj, path, "copy");
  if (out.copy && *out.copy != "auto" && *out.copy != "direct" && *out.copy != "via-control") {
    r.error(json_path_key(path, "copy"), "unknown copy \"" + *out.copy + "\"",
            "use \"auto\" (host to host when the source host reaches this one over SSH, else through the "
            "control machine), \"direct\" (host to host only) or \"via-control\" (always through the control "
            "machine)");
  }
  out.options = r.names(obj, path, "options");
  for (size_t i = 0; i < out.options.size(); ++i) {
    if (out.options[i].find('=') == std::string::npos) {
      r.error(json_path_index(path + ".options", i), "\"" + out.options[i] + "\" is not KEY=VALUE",
              "write ssh options as for ssh -o, e.g. \"StrictHostKeyChecking=yes\"");
    }
  }
}

/// hosts: {"<host>": {"ssh": {...}}}: settings per host.
void read_hosts(Reader& r, const json& doc, TopologySpec& spec) {
  if (!doc.contains("hosts")) return;
  const json& hosts = doc["hosts"];
  if (!hosts.is_object()) {
    r.error("hosts", "must be an object keyed by host", "write \"hosts\": {\"10.0.0.2\": {\"ssh\": {...}}}");
    return;
  }
  for (auto it = hosts.begin(); it != hosts.end(); ++it) {
    const std::string path = json_path_key("hosts", it.key());
    if (!r.object(it.value(), path, "host")) continue;
    if (it.value().contains("ssh")) read_ssh(r, it.value()["ssh"], path + ".ssh", spec.host_ssh[it.key()]);
    if (auto pkg = r.string(it.value(), path, "dm_package")) {
      if (pkg->empty()) {
        r.error(path + ".dm_package", "the DM package is empty",
                "name a DM home directory, a tarball of one, or DM's installer DMInstall.bin");
      } else {
        spec.host_dm_package[it.key()] = *pkg;
      }
    }
  }
}

void read_defaults(Reader& r, const json& doc, TopologySpec& spec) {
  if (!doc.contains("defaults")) return;
  const json& d = doc["defaults"];
  const std::string path = "defaults";
  if (!r.object(d, path, "defaults")) return;
  spec.defaults.host = r.string(d, path, "host");
  spec.defaults.base_dir = r.string(d, path, "base_dir");
  spec.defaults.dm_home = r.string(d, path, "dm_home");
  spec.defaults.dm_package = r.string(d, path, "dm_package");
  if (spec.defaults.dm_package && spec.defaults.dm_package->empty()) {
    r.error("defaults.dm_package", "the DM package is empty",
            "name a DM home directory, a tarball of one, or DM's installer DMInstall.bin");
  }
  if (auto os = r.string(d, path, "os")) {
    if (*os == "linux") {
      spec.defaults.os = OsKind::Linux;
    } else if (*os == "windows") {
      spec.defaults.os = OsKind::Windows;
    } else {
      r.error("defaults.os", "unknown os \"" + *os + "\"",
              "use \"linux\" or \"windows\", or leave it out to infer it from the path style");
    }
  }
  spec.auto_overwrite = r.int32(d, path, "auto_overwrite", 0, 2);
  if (d.contains("ssh")) read_ssh(r, d["ssh"], "defaults.ssh", spec.ssh);
  if (d.contains("odbc") && r.object(d["odbc"], "defaults.odbc", "odbc")) {
    spec.odbc.driver = r.string(d["odbc"], "defaults.odbc", "driver").value_or("");
    spec.odbc.connection = r.string(d["odbc"], "defaults.odbc", "connection").value_or("");
  }
  if (d.contains("init")) spec.defaults.init = read_init_params(d["init"], "defaults.init", r.diagnostics());
  if (d.contains("sysdba_password")) {
    const json& pw = d["sysdba_password"];
    const std::string pw_path = "defaults.sysdba_password";
    if (!pw.is_object()) {
      r.error(pw_path, kPasswordMessage, kPasswordHint);
      return;
    }
    r.object(pw, pw_path, "sysdba_password");
    auto env = r.string(pw, pw_path, "env");
    auto file = r.string(pw, pw_path, "file");
    if (env && file) {
      r.error(pw_path, "both env and file are set; dpcctl would not know which to use",
              "keep exactly one of \"env\" and \"file\"");
    }
    if (env && env->empty()) {
      r.error(pw_path + ".env", "the environment variable name is empty",
              "name a variable, e.g. \"DM_SYSDBA_PWD\"");
    }
    if (file && file->empty()) {
      r.error(pw_path + ".file", "the password file name is empty",
              "name a file readable only by its owner");
    }
    if (file) {
      spec.password.file = *file;
      spec.password.env.clear();
    } else if (env) {
      spec.password.env = *env;
    }
  }
}

void read_settings(Reader& r, const json& doc, TopologySpec& spec) {
  if (doc.contains("raft_timing") && r.object(doc["raft_timing"], "raft_timing", "raft_timing")) {
    const json& t = doc["raft_timing"];
    if (auto v = r.int32(t, "raft_timing", "raft_hb_interval")) spec.timing.raft_hb_interval = *v;
    if (auto v = r.int32(t, "raft_timing", "xmal_hb_interval")) spec.timing.xmal_hb_interval = *v;
  }
  if (doc.contains("archive") && r.object(doc["archive"], "archive", "archive")) {
    const json& a = doc["archive"];
    if (auto v = r.string(a, "archive", "dir_name")) spec.archive.dir_name = *v;
    if (auto v = r.int32(a, "archive", "arch_file_size")) spec.archive.arch_file_size = *v;
    if (auto v = r.int32(a, "archive", "arch_space_limit")) spec.archive.arch_space_limit = *v;
    if (auto v = r.string(a, "archive", "backup_name")) spec.archive.backup_name = *v;
    if (auto v = r.string(a, "archive", "shadow_method")) spec.archive.shadow_method = *v;
  }
}

void read_mp(Reader& r, const json& doc, TopologySpec& spec) {
  if (!doc.contains("mp")) {
    r.missing("mp", "\"mp\"", "describe the MP: \"mp\": {\"instances\": [{\"name\": \"MP\"}]}");
    return;
  }
  const json& mp = doc["mp"];
  if (!r.object(mp, "mp", "mp")) return;
  spec.mp_reconn_timeout = r.integer(mp, "mp", "mp_reconn_timeout", 0, 4294967294LL);
  if (mp.contains("ini")) spec.mp_group_ini = read_ini_overrides(mp["ini"], "mp.ini", r.diagnostics());
  if (!mp.contains("instances")) {
    r.missing("mp.instances", "\"instances\"",
              "list the MP instance (one) or the MP RAFT group members (3..9)");
    return;
  }
  const json* list = r.array(mp, "mp", "instances");
  if (list == nullptr) return;
  for (size_t i = 0; i < list->size(); ++i) {
    spec.mps.push_back(
        read_instance(r, (*list)[i], json_path_index("mp.instances", i), Role::MP, "mp_instance"));
  }
}

void read_sps(Reader& r, const json& doc, TopologySpec& spec) {
  if (!doc.contains("sp")) {
    r.missing("sp", "\"sp\"", "list the SP instances: \"sp\": [{\"name\": \"SP1\"}]");
    return;
  }
  if (!doc["sp"].is_array()) {
    (void)r.array(doc, "", "sp");
    return;
  }
  const json& list = doc["sp"];
  for (size_t i = 0; i < list.size(); ++i) {
    spec.sps.push_back(read_instance(r, list[i], json_path_index("sp", i), Role::SP, "sp_instance"));
  }
}

RaftSpec read_bp_raft(Reader& r, const json& v, const std::string& path, size_t index) {
  RaftSpec raft;
  raft.source_path = path;
  if (!r.object(v, path, "bp_raft")) return raft;
  if (auto name = r.string(v, path, "name")) {
    raft.name = *name;
  } else if (!v.contains("name")) {
    r.missing(json_path_key(path, "name"), "\"name\"", "name the RAFT group, e.g. \"RAFT_1\"");
  }
  if (v.contains("ini")) raft.ini = read_ini_overrides(v["ini"], json_path_key(path, "ini"), r.diagnostics());
  const bool has_members = v.contains("members");
  const bool has_replicas = v.contains("replicas");
  if (has_members && has_replicas) {
    r.error(path, "both \"members\" and \"replicas\" are given",
            "list the members, or give \"replicas\": N to generate them, not both");
    return raft;
  }
  if (!has_members && !has_replicas) {
    r.missing(json_path_key(path, "members"), "\"members\" (or \"replicas\")",
              "list the members, or give \"replicas\": N (1 or an odd number 3..9)");
    return raft;
  }
  auto prefix = r.string(v, path, "member_prefix");
  if (prefix && has_members) {
    r.error(json_path_key(path, "member_prefix"), "\"member_prefix\" only applies with \"replicas\"",
            "remove it, or replace \"members\" by \"replicas\"");
  }
  if (has_members) {
    const json* list = r.array(v, path, "members");
    if (list == nullptr) return raft;
    for (size_t k = 0; k < list->size(); ++k) {
      raft.members.push_back(read_instance(r, (*list)[k],
                                           json_path_index(json_path_key(path, "members"), k),
                                           Role::BP, "bp_member"));
    }
    return raft;
  }
  auto replicas = r.integer(v, path, "replicas", 1, 9);
  if (!replicas) return raft;
  const std::string base = prefix ? *prefix : "BP" + std::to_string(index + 1);
  for (int64_t k = 1; k <= *replicas; ++k) {
    InstanceSpec member;
    member.source_path = json_path_key(path, "replicas");
    member.role = Role::BP;
    member.name = base + std::to_string(k);
    raft.members.push_back(std::move(member));
  }
  return raft;
}

void read_bp_rafts(Reader& r, const json& doc, TopologySpec& spec) {
  if (!doc.contains("bp_rafts")) {
    r.missing("bp_rafts", "\"bp_rafts\"",
              "list the BP RAFT groups: \"bp_rafts\": [{\"name\": \"RAFT_1\", \"replicas\": 3}]");
    return;
  }
  const json* list = r.array(doc, "", "bp_rafts");
  if (list == nullptr) return;
  for (size_t i = 0; i < list->size(); ++i) {
    spec.bp_rafts.push_back(read_bp_raft(r, (*list)[i], json_path_index("bp_rafts", i), i));
  }
}

void read_groups_and_domains(Reader& r, const json& doc, TopologySpec& spec) {
  if (const json* list = r.array(doc, "", "bp_groups")) {
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string path = json_path_index("bp_groups", i);
      const json& v = (*list)[i];
      if (!r.object(v, path, "bp_group")) continue;
      BpGroup group;
      group.source_path = path;
      group.name = r.string(v, path, "name").value_or("");
      if (!v.contains("name")) {
        r.missing(json_path_key(path, "name"), "\"name\"", "name the BP group, e.g. \"BG_1\"");
      }
      group.description = r.string(v, path, "description").value_or("");
      group.rafts = r.names(v, path, "rafts");
      spec.bp_groups.push_back(std::move(group));
    }
  }
  if (const json* list = r.array(doc, "", "fault_domains")) {
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string path = json_path_index("fault_domains", i);
      const json& v = (*list)[i];
      if (!r.object(v, path, "fault_domain")) continue;
      FaultDomain domain;
      domain.source_path = path;
      domain.name = r.string(v, path, "name").value_or("");
      if (!v.contains("name")) {
        r.missing(json_path_key(path, "name"), "\"name\"", "name the fault domain, e.g. \"FDOM_1\"");
      }
      domain.description = r.string(v, path, "description").value_or("");
      domain.instances = r.names(v, path, "instances");
      spec.fault_domains.push_back(std::move(domain));
    }
  }
}

}  // namespace

/// The cluster's "ini" and the per-role "role_ini" (dm_params.h).
void read_cluster_ini(Reader& r, const json& doc, TopologySpec& spec) {
  if (doc.contains("ini")) spec.cluster_ini = read_ini_overrides(doc["ini"], "ini", r.diagnostics());
  if (!doc.contains("role_ini")) return;
  const json& roles = doc["role_ini"];
  if (!roles.is_object()) {
    r.error("role_ini", "expected an object, got " + json_type_phrase(roles),
            "write it as {\"BP\": {\"dm\": {\"KEY\": value}}, ...}");
    return;
  }
  for (auto it = roles.begin(); it != roles.end(); ++it) {
    const std::string path = json_path_key("role_ini", it.key());
    const Role role = it.key() == "MP" ? Role::MP : it.key() == "SP" ? Role::SP : Role::BP;
    if (it.key() != "MP" && it.key() != "SP" && it.key() != "BP") {
      r.error(path, "unknown role \"" + it.key() + "\"", "use \"MP\", \"SP\" or \"BP\"");
      continue;
    }
    spec.role_ini[role] = read_ini_overrides(it.value(), path, r.diagnostics());
  }
}

TopologySpec read_topology_spec(const json& doc, std::vector<Diagnostic>& out) {
  TopologySpec spec;
  Reader r(out);
  find_password_keys(doc, "", out);
  if (!r.object(doc, "", "top")) return spec;
  if (auto cluster = r.string(doc, "", "cluster")) {
    spec.cluster = *cluster;
  } else if (!doc.contains("cluster")) {
    r.missing("cluster", "\"cluster\"", "name the cluster, e.g. \"cluster\": \"dpc1\"");
  }
  (void)r.string(doc, "", "description");
  read_defaults(r, doc, spec);
  read_hosts(r, doc, spec);
  read_settings(r, doc, spec);
  read_mp(r, doc, spec);
  read_sps(r, doc, spec);
  read_bp_rafts(r, doc, spec);
  read_groups_and_domains(r, doc, spec);
  read_cluster_ini(r, doc, spec);
  return spec;
}

}  // namespace dpc::topology_internal
