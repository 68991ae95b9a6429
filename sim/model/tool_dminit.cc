// dminit: creates <PATH>/<DB_NAME> (DAMENG by default) holding dm.ini and a
// fresh database: new DB_MAGIC and PERMANENT_MAGIC, and for dpc_mode=MP a
// new DPC_MAGIC and an empty catalog [M6, M8].
#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "core/paths.h"
#include "sim/model/dmserver.h"
#include "sim/engine/text_util.h"
#include "sim/model/tools.h"

namespace dpc::sim {
namespace {

/// Parameters dminit accepts; the simulator acts on a few and ignores the rest.
const std::set<std::string>& known_keys() {
  static const std::set<std::string> keys = {
      "PATH", "INSTANCE_NAME", "PORT_NUM", "AP_PORT_NUM", "DPC_MODE", "AUTO_OVERWRITE",
      "DB_NAME", "SYSDBA_PWD", "SYSAUDITOR_PWD", "SYSSSO_PWD", "SYSDBO_PWD", "PAGE_SIZE",
      "EXTENT_SIZE", "CASE_SENSITIVE", "CHARSET", "UNICODE_FLAG", "LENGTH_IN_CHAR", "LOG_SIZE",
      "LOG_PATH", "CTL_PATH", "SYSTEM_PATH", "MAIN_PATH", "ROLL_PATH", "BLANK_PAD_MODE",
      "TIME_ZONE", "PAGE_CHECK", "HUGE_WITH_DELTA", "RLOG_GEN_FOR_HUGE", "PARFILE",
      "BUFFER", "USE_NEW_HASH", "ELOG_PATH", "AP_PORT"};
  return keys;
}

ToolResult fail(const std::string& why) {
  ToolResult r;
  r.exit_code = 1;
  r.output = "initdb V8\n" + why + "\nfail to init db.\n";
  return r;
}

std::string dm_ini_text(OsKind os, const std::string& dir, const std::string& name, int port,
                        int ap_port) {
  auto in = [&](const char* f) { return path_join(os, dir, f); };
  auto line = [](const std::string& key, const std::string& value, const std::string& comment) {
    std::string k = "\t\t" + key;
    if (k.size() < 34) k.append(34 - k.size(), ' ');
    std::string v = "= " + value;
    if (v.size() < 22) v.append(22 - v.size(), ' ');
    return k + v + "#" + comment + "\n";
  };
  std::string t = "#DaMeng Database Server Configuration file\n#this is comments\n\n";
  t += "#file location of dm.ctl\n";
  t += line("CTL_PATH", in("dm.ctl"), "ctl file path");
  t += line("CTL_BAK_PATH", in("ctl_bak"), "dm.ctl backup path");
  t += line("CTL_BAK_NUM", "10", "backup number of dm.ctl, allowed to keep one more backup file besides specified number.");
  t += line("SYSTEM_PATH", dir, "system path");
  t += line("CONFIG_PATH", dir, "config path");
  t += line("TEMP_PATH", dir, "temporary file path");
  t += line("BAK_PATH", in("bak"), "backup file path");
  t += "\n#instance name\n";
  t += line("INSTANCE_NAME", name, "Instance name");
  t += "\n#memory pool and buffer\n";
  t += line("MAX_OS_MEMORY", "100", "Maximum Percent Of OS Memory");
  t += line("MEMORY_POOL", "500", "Memory Pool Size In Megabyte");
  t += line("BUFFER", "1000", "Initial System Buffer Size In Megabytes");
  t += "\n#port\n";
  t += line("PORT_NUM", std::to_string(port), "Port number on which the database server will listen");
  t += line("AP_PORT_NUM", std::to_string(ap_port), "Port number of the DMDPC internal (XMAL/RAFT) link");
  t += line("MAX_SESSIONS", "10000", "Maximum number of concurrent sessions");
  t += "\n#redo log\n";
  t += line("RLOG_BUF_SIZE", "1024", "The Number Of Log Pages In One Log Buffer");
  t += line("RLOG_POOL_SIZE", "256", "Redo Log Pool Size In Megabyte");
  t += "\n#archive\n";
  t += line("ARCH_INI", "0", "dmarch.ini");
  t += "\n#misc\n";
  t += line("ALTER_MODE_STATUS", "1", "Allow alter database mode and status by SQL");
  t += line("ENABLE_OFFLINE_TS", "1", "Whether allow tablespace offline");
  return t;
}

/// dminit's command line, checked as dminit checks it.
struct DminitArgs {
  std::string path;
  std::string name = "DMSERVER";
  std::string db_name = "DAMENG";
  int port = 5236;
  int ap_port = 6000;
  std::string mode = "NORMAL";
  int overwrite = 0;
};

/// KEY=VALUE pairs, keys in upper case; an unknown key or a word without
/// `=` is refused as dminit refuses it.
Result<std::map<std::string, std::string>> split_args(const std::vector<std::string>& args) {
  std::map<std::string, std::string> kv;
  for (const auto& raw : args) {
    const std::string a = trim(raw);
    if (a.empty()) continue;
    const size_t eq = a.find('=');
    if (eq == std::string::npos) return Error{"dminit: argument '" + a + "' is not of the form KEY=VALUE"};
    const std::string key = upper(trim(a.substr(0, eq)));
    if (!known_keys().count(key)) {
      return Error{"dminit: unknown parameter " + key +
                   "; expected path=, instance_name=, port_num=, ap_port_num=, dpc_mode=, "
                   "AUTO_OVERWRITE=, ..."};
    }
    kv[key] = trim(unquote(a.substr(eq + 1)));
  }
  return kv;
}

/// [model] The initialisation parameters dminit takes a value list for
/// (docs/topology.md, "init"): a value outside it is refused, naming it.
Status check_init_values(const std::map<std::string, std::string>& kv) {
  static const std::map<std::string, std::vector<std::string>> allowed = {
      {"PAGE_SIZE", {"4", "8", "16", "32"}},        {"EXTENT_SIZE", {"16", "32", "64"}},
      {"CHARSET", {"0", "1", "2"}},                 {"UNICODE_FLAG", {"0", "1", "2"}},
      {"CASE_SENSITIVE", {"Y", "N", "1", "0"}},     {"LENGTH_IN_CHAR", {"Y", "N", "1", "0"}},
      {"BLANK_PAD_MODE", {"0", "1"}}};
  for (const auto& [key, values] : allowed) {
    auto it = kv.find(key);
    if (it == kv.end()) continue;
    if (std::find(values.begin(), values.end(), upper(it->second)) != values.end()) continue;
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : "/") + v;
    return Error{"dminit: " + key + "=" + it->second + " is not valid; use " + list};
  }
  if (auto it = kv.find("LOG_SIZE"); it != kv.end()) {
    auto v = parse_int(it->second);
    if (!v || *v < 256 || *v > 8192) return Error{"dminit: LOG_SIZE=" + it->second + " is not valid; use 256..8192 (MB)"};
  }
  return Status::Ok();
}

Result<int> port_arg(std::map<std::string, std::string>& kv, const char* key, int def) {
  if (!kv.count(key)) return def;
  auto v = parse_int(kv[key]);
  if (!v || *v < 1024 || *v > 65534) {
    return Error{"dminit: " + std::string(key) + "=" + kv[key] +
                 " is not a valid port; use a whole number in 1024..65534"};
  }
  return static_cast<int>(*v);
}

Result<std::string> mode_arg(std::map<std::string, std::string>& kv) {
  if (!kv.count("DPC_MODE")) return std::string("NORMAL");
  const std::string m = upper(kv["DPC_MODE"]);
  if (m == "MP" || m == "1") return std::string("MP");
  if (m == "BP" || m == "2") return std::string("BP");
  if (m == "SP" || m == "3") return std::string("SP");
  if (m == "BS" || m == "4") {
    return Error{"dminit: dpc_mode=BS (a directly connected BP) is a dmserver start mode; "
                 "initialise the database with dpc_mode=BP"};
  }
  return Error{"dminit: dpc_mode=" + kv["DPC_MODE"] + " is not valid; use MP, SP or BP"};
}

Result<DminitArgs> parse_dminit_args(const std::vector<std::string>& args) {
  auto split = split_args(args);
  if (!split.ok()) return split.error();
  auto& kv = *split;
  if (!kv.count("PATH") || kv["PATH"].empty()) {
    return Error{"dminit: PATH is required (path=<directory that will hold DAMENG>)"};
  }
  if (Status st = check_init_values(kv); !st.ok()) return st.error();
  DminitArgs a;
  a.path = kv["PATH"];
  if (kv.count("INSTANCE_NAME")) a.name = kv["INSTANCE_NAME"];
  if (kv.count("DB_NAME")) a.db_name = kv["DB_NAME"];
  auto port = port_arg(kv, "PORT_NUM", 5236);
  if (!port.ok()) return port.error();
  auto ap_port = port_arg(kv, "AP_PORT_NUM", 6000);
  if (!ap_port.ok()) return ap_port.error();
  a.port = *port;
  a.ap_port = *ap_port;
  auto mode = mode_arg(kv);
  if (!mode.ok()) return mode.error();
  a.mode = *mode;
  if (kv.count("AUTO_OVERWRITE")) {
    auto v = parse_int(kv["AUTO_OVERWRITE"]);
    if (!v || *v < 0 || *v > 2) {
      return Error{"dminit: AUTO_OVERWRITE=" + kv["AUTO_OVERWRITE"] + " is not valid; use 0, 1 or 2"};
    }
    a.overwrite = static_cast<int>(*v);
  }
  return a;
}

}  // namespace

ToolResult run_dminit(World& w, const std::string& host, const std::vector<std::string>& argv) {
  auto parsed = parse_dminit_args(argv);
  if (!parsed.ok()) return fail(parsed.message());
  const DminitArgs& args = *parsed;
  const std::string& path = args.path;
  const std::string& name = args.name;
  const std::string& db_name = args.db_name;
  const std::string& mode = args.mode;
  const int overwrite = args.overwrite;
  const OsKind os = path_style(path);
  const std::string dir = path_join(os, path, db_name);
  Host& h = w.host(host);
  const bool exists = h.is_dir(dir) || !h.files_under(dir).empty() || h.db(dir);
  if (exists) {
    if (overwrite == 0) {
      return fail("dminit: the directory " + dir + " already exists on host " + host +
                  "; remove it, or pass AUTO_OVERWRITE=1 (overwrite the database files) or "
                  "AUTO_OVERWRITE=2 (replace the whole directory)");
    }
    const std::string running = instance_running_in(w, host, dir);
    if (!running.empty()) {
      return fail("dminit: cannot overwrite " + dir + ": instance " + running +
                  " is running on it; exit it first");
    }
    if (overwrite == 2) h.remove_tree(dir);
  }
  h.make_dirs(dir);
  const std::string ini = path_join(os, dir, "dm.ini");
  if (Status st = h.write(ini, dm_ini_text(os, dir, name, args.port, args.ap_port)); !st.ok()) {
    return fail("dminit: " + st.message());
  }
  DbImage img;
  img.dpc_mode = mode;
  img.db_name = db_name;
  img.db_magic = w.new_magic();
  img.permanent_magic = w.new_magic();
  if (mode == "MP") {
    img.dpc_magic = w.new_magic();
    img.catalog = Catalog();
  }
  h.put_db(dir, std::move(img));
  h.make_dirs(path_join(os, dir, "bak"));
  w.homes[name] = InstanceHome{host, dir, ini};
  w.log(name, "tool.dminit", "created " + dir + " dpc_mode=" + mode);

  ToolResult r;
  r.duration = w.timing.dminit;
  r.output = "initdb V8\ndb version: 0x7000c\nfile dm.key not found, use default license!\n"
             "Normal of FAST\nNormal of DEFAULT\nNormal of RECYCLE\nNormal of KEEP\nNormal of ROLL\n\n"
             " log file path: " + path_join(os, dir, db_name + "01.log") + "\n\n"
             " log file path: " + path_join(os, dir, db_name + "02.log") + "\n\n"
             "write to dir [" + dir + "].\ncreate dm database success.\n";
  return r;
}

}  // namespace dpc::sim
