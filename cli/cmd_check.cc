// dpcctl check FILE [--backend=real] [real-backend options] [--json]:
// the real backend's preflight (real-backend/preflight.h) for a topology,
// one pass/fail line per check, each failure with how to fix it.
// Exit 0 every check passed, 1 a check failed or the topology is invalid,
// 2 usage error.
#include <cstdio>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/topology_load.h"
#include "real-backend/preflight.h"
#include "real-backend/real_config.h"

namespace dpc::cli {

namespace {

const char* kCheckUsage =
    "usage: dpcctl check FILE [--backend=real] [--json]\n"
    "                    [--dm-home DIR] [--dminit PATH] [--dmserver PATH] [--dmrman PATH]\n"
    "                    [--odbc-driver NAME|PATH] [--odbc-dsn DSN] [--odbc-connection TEMPLATE]\n"
    "                    [--sql-via direct|tunnel]\n"
    "                    [--password-env VAR] [--password-file FILE] [--state-dir DIR]\n"
    "                    [--ssh-user U] [--ssh-port N] [--ssh-identity FILE] [--ssh-jump HOST]\n"
    "                    [--ssh-option K=V] [--ssh-connect-timeout S]\n"
    "                    [--ssh-copy auto|direct|via-control]\n"
    "\n"
    "Checks that this machine can deploy the topology with DM's own binaries:\n"
    "every other host reachable over ssh and its tools, ports, directories, disk\n"
    "and clock (all hosts at once, about 5 s at most for a dead one),\n"
    "dminit/dmserver/dmrman present and runnable,\n"
    "the ODBC driver loadable, the SYSDBA password available, every port free,\n"
    "instance directories absent or empty with writable parents, the state\n"
    "directory writable, and enough disk for the instances and backup sets.\n"
    "Nothing is created or changed.\n"
    "\n"
    "DM is found through --dm-home, else defaults.dm_home in the topology, else\n"
    "$DM_HOME, else $PATH; each binary can also be given on its own. The SYSDBA\n"
    "password comes from defaults.sysdba_password in the topology (an environment\n"
    "variable, DM_SYSDBA_PWD by default, or a file of mode 0600); it is never\n"
    "taken from the command line.\n"
    "\n"
    "exit status: 0 all checks passed, 1 a check failed or the topology is invalid,\n"
    "2 usage error\n";

}  // namespace

int cmd_check(const Words& words) {
  std::set<std::string> options = real::real_option_names();
  options.insert("backend");
  auto args = parse_args(words, {"json", "help"}, options);
  if (!args) {
    std::fprintf(stderr, "dpcctl check: %s\n\n%s", args.message().c_str(), kCheckUsage);
    return 2;
  }
  if (args->has("help")) {
    std::fputs(kCheckUsage, stdout);
    return 0;
  }
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "dpcctl check: %s\n\n%s",
                 args->positional.empty() ? "missing the topology FILE" : "give exactly one topology FILE",
                 kCheckUsage);
    return 2;
  }
  const std::string backend = args->get_or("backend", "real");
  if (backend != "real") {
    std::fprintf(stderr,
                 "dpcctl check: --backend=%s: check is the preflight of the real backend "
                 "(--backend=real); the simulator needs none\n",
                 backend.c_str());
    return 2;
  }
  const std::string& file = args->positional[0];
  const LoadOutcome loaded = load_topology_file(file);
  if (!loaded.ok()) {
    std::fputs(format_diagnostics(loaded.diagnostics, file).c_str(), stderr);
    std::fprintf(stderr, "dpcctl check: %s is not a valid topology; fix it first (dpcctl validate %s)\n",
                 file.c_str(), file.c_str());
    return 1;
  }
  auto config = real::real_config_from_options(*loaded.topology, args->values);
  if (!config) {
    std::fprintf(stderr, "dpcctl check: %s\n", config.message().c_str());
    return 2;
  }
  const real::PreflightReport report = real::preflight(*loaded.topology, *config);
  // Availability warnings do not fail the preflight; they are said first.
  if (!args->has("json") && !loaded.lints.empty()) {
    std::fputs(format_diagnostics(loaded.lints, file).c_str(), stderr);
  }

  if (args->has("json")) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : report.checks) {
      checks.push_back({{"check", c.name}, {"ok", c.ok}, {"detail", c.detail}, {"fix", c.fix}});
    }
    nlohmann::json out{{"file", file},
                       {"cluster", loaded.topology->cluster},
                       {"ok", report.ok()},
                       {"failed", report.failures()},
                       {"checks", checks},
                       {"availability", diagnostics_json(loaded.lints, file, true)["diagnostics"]}};
    std::printf("%s\n", json_output(out).c_str());  // valid UTF-8 whatever the file name
    return report.ok() ? 0 : 1;
  }
  std::printf("dpcctl check: %s (cluster %s) for --backend=real\n", file.c_str(),
              loaded.topology->cluster.c_str());
  std::fputs(real::format_preflight(report).c_str(), stdout);
  return report.ok() ? 0 : 1;
}

}  // namespace dpc::cli
