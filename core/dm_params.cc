#include "core/dm_params.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/json_text.h"

namespace dpc {

namespace {

using nlohmann::json;

struct IntParam {
  const char* field;
  const char* dminit;
  std::optional<int> InitParams::*member;
  std::vector<int> allowed;  ///< empty: a range
  int min, max;
  const char* meaning;
};

const std::vector<IntParam>& int_params() {
  static const std::vector<IntParam> table = {
      {"page_size", "PAGE_SIZE", &InitParams::page_size, {4, 8, 16, 32}, 0, 0, "page size in KB"},
      {"extent_size", "EXTENT_SIZE", &InitParams::extent_size, {16, 32, 64}, 0, 0, "pages per extent"},
      // [model] DM8's documented LOG_SIZE range; an older build may accept less.
      {"log_size", "LOG_SIZE", &InitParams::log_size, {}, 256, 8192, "redo log file size in MB"},
      {"charset", "CHARSET", &InitParams::charset, {0, 1, 2}, 0, 0, "0 GB18030, 1 UTF-8, 2 EUC-KR"},
      {"blank_pad_mode", "BLANK_PAD_MODE", &InitParams::blank_pad_mode, {0, 1}, 0, 0,
       "1 pads trailing blanks in comparisons"},
  };
  return table;
}

struct BoolParam {
  const char* field;
  const char* dminit;
  std::optional<bool> InitParams::*member;
};

const std::vector<BoolParam>& bool_params() {
  static const std::vector<BoolParam> table = {
      {"case_sensitive", "CASE_SENSITIVE", &InitParams::case_sensitive},
      {"length_in_char", "LENGTH_IN_CHAR", &InitParams::length_in_char},
  };
  return table;
}

std::string join_ints(const std::vector<int>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? (i + 1 == v.size() ? " or " : ", ") : "") + std::to_string(v[i]);
  return out;
}

/// Keys an override may not set, and where the value comes from instead.
const std::map<std::string, std::string>& reserved_dm_keys() {
  static const std::map<std::string, std::string> table = {
      {"INSTANCE_NAME", "the instance's \"name\""},
      {"PORT_NUM", "the instance's \"port_num\""},
      {"AP_PORT_NUM", "the instance's \"ap_port_num\""},
      {"DPC_MODE", "the instance's role"},
      {"ARCH_INI", "the plan (archiving is switched on for replicas, manual 7.2.7.2)"},
      {"ALTER_MODE_STATUS", "the plan (manual 7.2.7.2)"},
      {"PAGE_SIZE", "\"init\": {\"page_size\": ...} (a dminit parameter)"},
      {"CHARSET", "\"init\": {\"charset\": ...} (a dminit parameter)"},
      {"UNICODE_FLAG", "\"init\": {\"charset\": ...} (a dminit parameter)"},
      {"CASE_SENSITIVE", "\"init\": {\"case_sensitive\": ...} (a dminit parameter)"},
  };
  return table;
}

const std::map<std::string, std::string>& reserved_dmarch_keys() {
  static const std::map<std::string, std::string> table = {
      {"XMAL_HB_INTERVAL", "\"raft_timing\": {\"xmal_hb_interval\": ...}"},
      {"RAFT_HB_INTERVAL", "\"raft_timing\": {\"raft_hb_interval\": ...}"},
      {"RAFT_VOTE_INTERVAL", "the member's \"raft_vote_interval\""},
      {"RAFT_SELF_ID", "the member's \"raft_self_id\""},
      {"ARCH_TYPE", "the group's members (RAFT, or LEARNER for a learner)"},
      {"ARCH_DEST", "the group's members and \"archive\": {\"dir_name\": ...}"},
      {"ARCH_DEST_ID", "the members' \"raft_self_id\""},
      {"ARCH_FILE_SIZE", "\"archive\": {\"arch_file_size\": ...}"},
      {"ARCH_SPACE_LIMIT", "\"archive\": {\"arch_space_limit\": ...}"},
  };
  return table;
}

bool is_ini_key(const std::string& key) {
  if (key.empty() || key.size() > 64 || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

/// A value an ini line can carry: printable, no line break, no comment sign.
bool is_ini_value(const std::string& v) {
  if (v.empty() || v.size() > 256) return false;
  return std::none_of(v.begin(), v.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '#';
  });
}

void read_keys(const json& obj, const std::string& path, const std::map<std::string, std::string>& reserved,
               std::map<std::string, std::string>& into, std::vector<Diagnostic>& out) {
  if (!obj.is_object()) {
    out.push_back(error_at(path, "expected an object of KEY: value, got " + json_type_phrase(obj),
                           "write it as {\"KEY\": value, ...}"));
    return;
  }
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& key = it.key();
    const std::string at = json_path_key(path, key);
    if (!is_ini_key(key)) {
      out.push_back(error_at(at, "\"" + key + "\" is not an ini key",
                             "write the key as DM does: upper case letters, digits and _"));
      continue;
    }
    if (auto r = reserved.find(key); r != reserved.end()) {
      out.push_back(error_at(at, key + " is written by dpcctl itself; an override would contradict the plan",
                             "remove it; it comes from " + r->second));
      continue;
    }
    const json& v = it.value();
    std::string text;
    if (v.is_string()) {
      text = v.get<std::string>();
    } else if (v.is_number_integer()) {
      text = v.dump();
    } else if (v.is_boolean()) {
      text = v.get<bool>() ? "1" : "0";
    } else {
      out.push_back(error_at(at, "expected a string, a whole number or true/false, got " + json_type_phrase(v),
                             "write the value as DM's ini file would hold it"));
      continue;
    }
    if (!is_ini_value(text)) {
      out.push_back(error_at(at, "the value of " + key + " cannot be written on one ini line",
                             "use 1..256 printable characters without '#'"));
      continue;
    }
    into[key] = text;
  }
}

}  // namespace

InitParams read_init_params(const json& value, const std::string& path, std::vector<Diagnostic>& out) {
  InitParams p;
  if (!value.is_object()) {
    out.push_back(error_at(path, "expected an object, got " + json_type_phrase(value),
                           "write it as {\"page_size\": 32, ...} (see docs/topology.md)"));
    return p;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string at = json_path_key(path, it.key());
    const json& v = it.value();
    if (it.key() == "unicode_flag") {  // DM's other name for CHARSET
      if (value.contains("charset")) {
        out.push_back(error_at(at, "both charset and unicode_flag are set", "keep one; they are the same dminit parameter"));
        continue;
      }
    }
    const std::string field = it.key() == "unicode_flag" ? "charset" : it.key();
    auto ip = std::find_if(int_params().begin(), int_params().end(), [&](const IntParam& q) { return field == q.field; });
    auto bp = std::find_if(bool_params().begin(), bool_params().end(), [&](const BoolParam& q) { return field == q.field; });
    if (ip != int_params().end()) {
      if (!v.is_number_integer()) {
        out.push_back(error_at(at, "expected a whole number, got " + json_type_phrase(v), std::string("give ") + ip->meaning));
        continue;
      }
      const int64_t n = v.get<int64_t>();
      const bool ok = ip->allowed.empty() ? (n >= ip->min && n <= ip->max)
                                          : std::count(ip->allowed.begin(), ip->allowed.end(), n) > 0;
      if (!ok) {
        out.push_back(error_at(at, std::to_string(n) + " is not a value dminit accepts for " + ip->dminit,
                               ip->allowed.empty() ? "use " + std::to_string(ip->min) + ".." + std::to_string(ip->max) +
                                                         " (" + ip->meaning + ")"
                                                   : "use " + join_ints(ip->allowed) + " (" + ip->meaning + ")"));
        continue;
      }
      p.*(ip->member) = static_cast<int>(n);
    } else if (bp != bool_params().end()) {
      if (!v.is_boolean()) {
        out.push_back(error_at(at, "expected true or false, got " + json_type_phrase(v),
                               std::string("true passes ") + bp->dminit + "=Y, false " + bp->dminit + "=N"));
        continue;
      }
      p.*(bp->member) = v.get<bool>();
    } else {
      out.push_back(error_at(at, "unknown field \"" + it.key() + "\"",
                             "the dminit parameters known here are: page_size, extent_size, log_size, charset "
                             "(or unicode_flag), case_sensitive, length_in_char, blank_pad_mode"));
    }
  }
  return p;
}

IniOverrides read_ini_overrides(const json& value, const std::string& path, std::vector<Diagnostic>& out) {
  IniOverrides o;
  if (!value.is_object()) {
    out.push_back(error_at(path, "expected an object, got " + json_type_phrase(value),
                           "write it as {\"dm\": {\"KEY\": value}, \"dmarch\": {\"KEY\": value}}"));
    return o;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string at = json_path_key(path, it.key());
    if (it.key() == "dm") {
      read_keys(it.value(), at, reserved_dm_keys(), o.dm, out);
    } else if (it.key() == "dmarch") {
      read_keys(it.value(), at, reserved_dmarch_keys(), o.dmarch, out);
    } else {
      out.push_back(error_at(at, "unknown field \"" + it.key() + "\"",
                             "the files known here are \"dm\" (dm.ini) and \"dmarch\" (dmarch.ini)"));
    }
  }
  return o;
}

InitParams layer(InitParams base, const InitParams& over) {
  for (const IntParam& q : int_params()) {
    if (over.*(q.member)) base.*(q.member) = over.*(q.member);
  }
  for (const BoolParam& q : bool_params()) {
    if (over.*(q.member)) base.*(q.member) = over.*(q.member);
  }
  return base;
}

IniOverrides layer(IniOverrides base, const IniOverrides& over) {
  for (const auto& [k, v] : over.dm) base.dm[k] = v;
  for (const auto& [k, v] : over.dmarch) base.dmarch[k] = v;
  return base;
}

std::vector<std::string> init_param_args(const InitParams& p) {
  std::vector<std::string> args;
  auto add_int = [&](const char* name, const std::optional<int>& v) {
    if (v) args.push_back(std::string(name) + "=" + std::to_string(*v));
  };
  auto add_yn = [&](const char* name, const std::optional<bool>& v) {
    if (v) args.push_back(std::string(name) + "=" + (*v ? "Y" : "N"));
  };
  add_int("PAGE_SIZE", p.page_size);
  add_int("EXTENT_SIZE", p.extent_size);
  add_int("LOG_SIZE", p.log_size);
  add_int("CHARSET", p.charset);
  add_yn("CASE_SENSITIVE", p.case_sensitive);
  add_yn("LENGTH_IN_CHAR", p.length_in_char);
  add_int("BLANK_PAD_MODE", p.blank_pad_mode);
  return args;
}

void check_init_agreement(const Topology& topo, std::vector<Diagnostic>& out) {
  auto check = [&](const char* field, auto member, auto show) {
    std::map<std::string, std::vector<std::string>> by_value;  // value -> instances
    for (const Instance& inst : topo.instances) by_value[show(inst.init.*member)].push_back(inst.name);
    if (by_value.size() < 2) return;
    std::string sides;
    for (const auto& [value, names] : by_value) {
      std::string list;
      for (size_t i = 0; i < names.size() && i < 4; ++i) list += (i ? ", " : "") + names[i];
      if (names.size() > 4) list += " and " + std::to_string(names.size() - 4) + " more";
      sides += (sides.empty() ? "" : "; ") + value + " on " + list;
    }
    const Instance* odd = nullptr;
    for (const Instance& inst : topo.instances) {
      if (by_value[show(inst.init.*member)].size() < topo.instances.size() / 2 + 1) odd = &inst;
    }
    if (odd == nullptr) odd = &topo.instances.back();
    out.push_back(error_at(json_path_key(json_path_key(odd->source_path, "init"), field),
                           std::string(field) + " differs across the cluster: " + sides,
                           "set it once in defaults.init; it must be the same on every instance "
                           "(a replica is restored from its seed, and the SPs serve every BP)"));
  };
  auto int_text = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("dminit's default"); };
  auto bool_text = [](const std::optional<bool>& v) { return v ? std::string(*v ? "true" : "false") : std::string("dminit's default"); };
  check("page_size", &InitParams::page_size, int_text);
  check("extent_size", &InitParams::extent_size, int_text);
  check("charset", &InitParams::charset, int_text);
  check("case_sensitive", &InitParams::case_sensitive, bool_text);
  check("length_in_char", &InitParams::length_in_char, bool_text);
  check("blank_pad_mode", &InitParams::blank_pad_mode, int_text);
}

}  // namespace dpc
