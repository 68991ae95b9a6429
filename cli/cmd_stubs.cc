// Subcommands not yet built. Each file that implements one removes it here.
#include <cstdio>

#include "cli/commands.h"

namespace dpc::cli {

static int not_yet(const char* name) {
  std::fprintf(stderr, "dpcctl %s: not available in this build yet\n", name);
  return 2;
}

int cmd_plan(const Words&) { return not_yet("plan"); }
int cmd_deploy(const Words&) { return not_yet("deploy"); }
int cmd_stop(const Words&) { return not_yet("stop"); }
int cmd_status(const Words&) { return not_yet("status"); }
int cmd_shell(const Words&) { return not_yet("shell"); }
int cmd_scenario(const Words&) { return not_yet("scenario"); }
int cmd_bench(const Words&) { return not_yet("bench"); }

}  // namespace dpc::cli
