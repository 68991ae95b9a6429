// dpcctl: deploys a DM8 DMDPC cluster, on DM's real binaries or on a
// deterministic simulator. See README.md and docs/.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.h"

namespace {

const char* kUsage =
    "usage: dpcctl COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  validate FILE [--json]                       check a topology file\n"
    "  plan FILE [--stop] [--format text|json|sh|cmd]\n"
    "                                               print the deployment (or stop) plan\n"
    "  deploy FILE --backend=sim|real [--seed N] [--parallel N] [--resume]\n"
    "             [--state-dir DIR] [--trace FILE] [--json]\n"
    "                                               deploy the cluster\n"
    "  stop FILE --backend=sim|real ...             stop it in the manual's order\n"
    "  status FILE --backend=sim|real ...           print the cluster table\n"
    "  shell FILE --backend=sim [--seed N]          interactive simulated cluster\n"
    "  check FILE --backend=real                    preflight checks for a real deploy\n"
    "  scenario run PATH... [--seeds A..B]          run scenario files\n"
    "  explore FILE [--runs N] [--shard K/N]        random fault schedules, shrunk failures\n"
    "  bench [--out DIR]                            election/startup/speed benchmarks\n"
    "\n"
    "Run 'dpcctl COMMAND --help' for a command's options.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  dpc::cli::Words words(argv + 2, argv + argc);
  using namespace dpc::cli;
  if (command == "validate") return cmd_validate(words);
  if (command == "plan") return cmd_plan(words);
  if (command == "deploy") return cmd_deploy(words);
  if (command == "stop") return cmd_stop(words);
  if (command == "status") return cmd_status(words);
  if (command == "shell") return cmd_shell(words);
  if (command == "check") return cmd_check(words);
  if (command == "scenario") return cmd_scenario(words);
  if (command == "explore") return cmd_explore(words);
  if (command == "bench") return cmd_bench(words);
  std::fprintf(stderr, "dpcctl: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
