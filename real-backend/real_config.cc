#include "real-backend/real_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "core/paths.h"
#include "real-backend/atomic_file.h"
#include "real-backend/odbc_connector.h"

namespace dpc::real {

namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string octal_mode(mode_t mode) {
  std::ostringstream out;
  out << '0' << std::oct << (mode & 0777);
  return out.str();
}

Result<Millis> millis_option(const std::map<std::string, std::string>& options, const std::string& key,
                             Millis fallback) {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  char* end = nullptr;
  long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || v <= 0) {
    return Error{"option --" + key + " takes a number of milliseconds > 0, got '" + it->second + "'"};
  }
  return static_cast<Millis>(v);
}

}  // namespace

const std::set<std::string>& real_option_names() {
  static const std::set<std::string> names{
      "dm-home",     "dminit",        "dmserver",  "dmrman",
      "odbc-driver", "odbc-dsn",      "odbc-connection", "sql-via", "password-env", "password-file",
      "state-dir",   "connect-timeout-ms", "ready-timeout-ms",
      "ssh-user",    "ssh-port",      "ssh-identity", "ssh-jump", "ssh-option", "ssh-connect-timeout",
      "ssh-copy"};
  return names;
}

Result<RealConfig> real_config_from_options(const Topology& topology,
                                            const std::map<std::string, std::string>& options) {
  RealConfig config;
  auto opt = [&](const std::string& key) -> std::string {
    auto it = options.find(key);
    return it == options.end() ? std::string() : it->second;
  };

  if (!opt("dm-home").empty()) {
    config.dm_home = opt("dm-home");
    config.dm_home_origin = "--dm-home";
  } else if (!topology.dm_home.empty()) {
    config.dm_home = topology.dm_home;
    config.dm_home_origin = "defaults.dm_home in " +
                            (topology.source_file.empty() ? "the topology" : topology.source_file);
  } else if (const char* env = std::getenv("DM_HOME"); env != nullptr && *env != '\0') {
    config.dm_home = env;
    config.dm_home_origin = "$DM_HOME";
  }
  config.dm_home = absolute_path(config.dm_home);
  config.dminit = absolute_path(opt("dminit"));
  config.dmserver = absolute_path(opt("dmserver"));
  config.dmrman = absolute_path(opt("dmrman"));

  // The ODBC driver: the flag, else defaults.odbc, else the environment, else DM's.
  auto env_or = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? v : "";
  };
  if (!opt("odbc-driver").empty()) {
    config.odbc_driver = opt("odbc-driver");
  } else if (!topology.odbc.driver.empty()) {
    config.odbc_driver = topology.odbc.driver;
  } else if (!env_or("DPC_ODBC_DRIVER").empty()) {
    config.odbc_driver = env_or("DPC_ODBC_DRIVER");
  }
  config.odbc_connection = !opt("odbc-connection").empty()   ? opt("odbc-connection")
                           : !topology.odbc.connection.empty() ? topology.odbc.connection
                                                               : env_or("DPC_ODBC_CONNECTION");
  if (std::string bad = check_connection_template(config.odbc_connection); !bad.empty()) {
    return Error{bad + " (from " +
                 (!opt("odbc-connection").empty()     ? std::string("--odbc-connection")
                  : !topology.odbc.connection.empty() ? "defaults.odbc.connection"
                                                      : "$DPC_ODBC_CONNECTION") +
                 ")"};
  }
  config.odbc_dsn = opt("odbc-dsn");
  if (!opt("sql-via").empty() && opt("sql-via") != "direct" && opt("sql-via") != "tunnel") {
    return Error{"option --sql-via takes direct (ODBC to each instance's address) or tunnel (through an SSH "
                 "local forward on each host's connection)"};
  }

  config.password = topology.password;
  if (!opt("password-file").empty()) config.password.file = opt("password-file");
  if (!opt("password-env").empty()) {
    config.password.env = opt("password-env");
    if (opt("password-file").empty()) config.password.file.clear();
  }

  std::string state = opt("state-dir");
  if (state.empty()) state = ".dpcctl/" + (topology.cluster.empty() ? "cluster" : topology.cluster);
  config.state_dir = absolute_path(state);
  for (const Instance& inst : topology.instances) config.instance_inis[inst.name] = db_file(inst, "dm.ini");

  auto connect = millis_option(options, "connect-timeout-ms", config.connect_timeout_ms);
  if (!connect) return connect.error();
  config.connect_timeout_ms = *connect;
  auto ready = millis_option(options, "ready-timeout-ms", config.server_ready_timeout_ms);
  if (!ready) return ready.error();
  config.server_ready_timeout_ms = *ready;
  for (const Instance& inst : topology.instances) config.instance_hosts[inst.name] = inst.host;

  // SSH: the topology's defaults, each host's block over them, the flags over both.
  auto port = millis_option(options, "ssh-port", 0);
  if (!port || *port > 65535) return Error{"option --ssh-port takes a port number (1 to 65535)"};
  auto connect_s = millis_option(options, "ssh-connect-timeout", 5);
  if (!connect_s || *connect_s > 600) return Error{"option --ssh-connect-timeout takes seconds (1 to 600)"};
  if (!opt("ssh-option").empty() && opt("ssh-option").find('=') == std::string::npos) {
    return Error{"--ssh-option takes KEY=VALUE, as ssh -o does (e.g. StrictHostKeyChecking=yes)"};
  }
  const std::string copy_flag = opt("ssh-copy");
  if (!copy_flag.empty() && copy_flag != "auto" && copy_flag != "direct" && copy_flag != "via-control") {
    return Error{"option --ssh-copy takes auto (host to host when the hosts reach each other over SSH, else "
                 "through this machine), direct (host to host only) or via-control (through this machine)"};
  }
  auto ssh_of = [&](const SshSettings& s) {
    SshOptions o;
    o.user = !opt("ssh-user").empty() ? opt("ssh-user") : s.user.value_or("");
    o.port = *port > 0 ? static_cast<int>(*port) : s.port.value_or(0);
    o.identity_file = !opt("ssh-identity").empty() ? opt("ssh-identity") : s.identity_file.value_or("");
    o.jump_host = !opt("ssh-jump").empty() ? opt("ssh-jump") : s.jump_host.value_or("");
    o.options = s.options;
    if (!opt("ssh-option").empty()) o.options.push_back(opt("ssh-option"));
    o.connect_timeout_s = static_cast<int>(*connect_s);
    o.sql_tunnel = (!opt("sql-via").empty() ? opt("sql-via") : s.sql_via.value_or("direct")) == "tunnel";
    const std::string copy = !copy_flag.empty() ? copy_flag : s.copy.value_or("auto");
    o.copy = copy == "direct" ? CopyRoute::Direct : copy == "via-control" ? CopyRoute::ViaControl : CopyRoute::Auto;
    return o;
  };
  config.ssh_defaults = ssh_of(topology.ssh);
  for (const std::string& host : topology.hosts()) config.ssh_hosts[host] = ssh_of(topology.ssh_for(host));
  return config;
}

SshOptions ssh_options_for(const RealConfig& config, const std::string& host) {
  auto it = config.ssh_hosts.find(host);
  SshOptions o = it == config.ssh_hosts.end() ? config.ssh_defaults : it->second;
  if (o.control_dir.empty() && !config.state_dir.empty()) {
    // A socket path must fit sun_path (108 bytes): <dir>/<40 hex digits>.
    std::string dir = config.state_dir + "/ssh";
    if (dir.size() > 60) dir = "/tmp/dpcctl-ssh-" + std::to_string(::getuid());
    o.control_dir = dir;
  }
  return o;
}

Result<std::string> resolve_binary(const RealConfig& config, const std::string& name) {
  const std::string* explicit_path = name == "dminit"     ? &config.dminit
                                     : name == "dmserver" ? &config.dmserver
                                     : name == "dmrman"   ? &config.dmrman
                                                          : nullptr;
  if (explicit_path == nullptr) return Error{"unknown DM tool '" + name + "'"};
  if (!explicit_path->empty()) {
    if (is_executable_file(*explicit_path)) return *explicit_path;
    return Error{name + " not found or not executable at " + *explicit_path + " (given by --" + name +
                 "); pass the path of DM's " + name + " binary"};
  }
  if (!config.dm_home.empty()) {
    std::string path = config.dm_home + "/bin/" + name;
    if (is_executable_file(path)) return path;
    return Error{name + " not found or not executable at " + path + " (DM home " + config.dm_home +
                 " from " + config.dm_home_origin +
                 "); point DM_HOME, defaults.dm_home or --dm-home at the DM installation "
                 "(the directory holding bin/" + name + "), or pass --" + name + " PATH"};
  }
  if (const char* path_env = std::getenv("PATH"); path_env != nullptr) {
    std::stringstream dirs(path_env);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      if (dir.empty()) continue;
      std::string candidate = dir + "/" + name;
      if (is_executable_file(candidate)) return absolute_path(candidate);
    }
  }
  return Error{name + " not found: no DM home is configured and " + name +
               " is not on $PATH; set DM_HOME or defaults.dm_home, or pass --dm-home DIR "
               "(or --" + name + " PATH)"};
}

Result<Secret> load_password(const PasswordSource& source) {
  if (!source.file.empty()) {
    const std::string& file = source.file;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
      int err = errno;
      return Error{"password file " + file + ": " + std::strerror(err) +
                   "; create it with the SYSDBA password on its first line and chmod 600 it"};
    }
    if (!S_ISREG(st.st_mode)) return Error{"password file " + file + " is not a regular file"};
    if (st.st_uid != ::geteuid()) {
      return Error{"password file " + file + " belongs to another user (uid " +
                   std::to_string(st.st_uid) + "); it must be owned by the user running dpcctl"};
    }
    if ((st.st_mode & 077) != 0) {
      return Error{"password file " + file + " has mode " + octal_mode(st.st_mode) +
                   ", so others can read it; it must be readable only by its owner: chmod 600 " + file};
    }
    auto text = read_whole_file(file);
    if (!text) return Error{"password file " + file + ": " + text.message()};
    std::string pwd = text->substr(0, text->find('\n'));
    if (!pwd.empty() && pwd.back() == '\r') pwd.pop_back();
    if (pwd.empty()) return Error{"password file " + file + " is empty; put the SYSDBA password on its first line"};
    return Secret(std::move(pwd));
  }
  if (source.env.empty()) {
    return Error{"no source for the SYSDBA password; set defaults.sysdba_password to {\"env\": VAR} or {\"file\": PATH}, "
                 "or pass --password-file FILE"};
  }
  const char* value = std::getenv(source.env.c_str());
  if (value == nullptr || *value == '\0') {
    return Error{"the SYSDBA password is not set: environment variable " + source.env +
                 " is empty; export " + source.env +
                 " (for example: read -rs " + source.env + " && export " + source.env +
                 "), or pass --password-file FILE naming a file of mode 0600"};
  }
  return Secret(value);
}

}  // namespace dpc::real
