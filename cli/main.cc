// dpcctl: deploys a DM8 DMDPC cluster, on DM's real binaries or on a
// deterministic simulator. See README.md and docs/.
//
// The subcommands are one table (as ninja's kTools): name, usage, what it
// does, and the function that runs it. Dispatch and `dpcctl --help` both
// read it, so a command cannot be reachable yet missing from the help.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

using dpc::cli::Words;

struct Tool {
  const char* name;
  const char* usage;  ///< after "dpcctl "; may hold "\n" + indentation for a second line
  const char* what;
  int (*run)(const Words&);
};

const std::vector<Tool>& tools() {
  using namespace dpc::cli;
  static const std::vector<Tool> table = {
      {"validate", "validate FILE [--json] [--strict]", "check a topology file", cmd_validate},
      {"plan", "plan FILE [--stop] [--format text|json|sh|cmd]", "print the deployment (or stop) plan", cmd_plan},
      {"install", "install FILE --backend=sim|real [--dm-package PATH]",
       "put DM on the hosts that lack it or hold another build", cmd_install},
      {"deploy",
       "deploy FILE --backend=sim|real [--seed N] [--parallel N] [--resume]\n"
       "         [--state-dir DIR] [--trace FILE] [--json]",
       "deploy the cluster", cmd_deploy},
      {"status", "status FILE --backend=sim|real [--json]", "each instance, each RAFT group, the health", cmd_status},
      {"start", "start FILE [SEL...]", "start the cluster (MP first) or some instances", cmd_start},
      {"stop", "stop FILE [SEL...] [--force]", "stop it in the manual's order, or some instances", cmd_stop},
      {"restart", "restart FILE [SEL...] [--force]", "stop, then start", cmd_restart},
      {"kill", "kill FILE SEL... [--force]", "SIGKILL instances (no clean shutdown)", cmd_kill},
      {"switchover", "switchover FILE RAFT --to INSTANCE", "move a RAFT group's leadership", cmd_switchover},
      {"destroy", "destroy FILE [--yes]", "stop, then remove the instances' directories", cmd_destroy},
      {"scale-out", "scale-out FILE [--dry-run]", "add what FILE adds to the running cluster", cmd_scale_out},
      {"scale-in", "scale-in FILE [--dry-run]", "remove the SPs FILE leaves out", cmd_scale_in},
      {"convert", "convert FILE INST --to shadow|raft [--dry-run]", "a RAFT member to a shadow replica and back",
       cmd_convert},
      {"shell", "shell FILE --backend=sim [--seed N]", "interactive simulated cluster", cmd_shell},
      {"check", "check FILE --backend=real", "preflight checks for a real deploy", cmd_check},
      {"scenario", "scenario run PATH... [--seeds A..B]\n         scenario record FILE [--out F]",
       "run scenario files; or write one from a simulated cluster's history", cmd_scenario},
      {"bench", "bench [--out DIR]", "election/startup/speed benchmarks", cmd_bench},
      {"bench", "bench --backend=real FILE [--repeat N]", "real failover beside the simulator's", cmd_bench},
      {"calibrate", "calibrate JOURNAL... [--out FILE]", "a simulator timing profile from real deploys",
       cmd_calibrate},
      {"ui", "ui [FILE] --backend=sim|real [--listen A:P]", "the web console (docs/ui.md)", cmd_ui},
      {"explore", "explore FILE [--runs N] [--jobs J] [--shard K/N] [--out DIR]",
       "random fault schedules; failures shrunk to a scenario (docs/explore.md)", cmd_explore},
  };
  return table;
}

std::string usage() {
  std::string out = "usage: dpcctl COMMAND [ARGS]\n\ncommands:\n";
  for (const Tool& t : tools()) {
    std::string line = std::string("  ") + t.usage;
    const size_t last_nl = line.rfind('\n');
    const size_t width = line.size() - (last_nl == std::string::npos ? 0 : last_nl + 1);
    line += width < 47 ? std::string(47 - width, ' ') : "\n" + std::string(47, ' ');
    out += line + t.what + "\n";
  }
  out += "       SEL: NAME, -N NAME[,NAME...], -R MP|SP|BP, -G RAFT[,...]; the cluster is kept in --state-dir\n"
         "\nRun 'dpcctl COMMAND --help' for a command's options.\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(usage().c_str(), argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const Words words(argv + 2, argv + argc);
  for (const Tool& t : tools()) {
    if (command == t.name) return t.run(words);
  }
  std::fprintf(stderr, "dpcctl: unknown command '%s'\n\n%s", command.c_str(), usage().c_str());
  return 2;
}
