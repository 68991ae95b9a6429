// dpcctl shell FILE --backend=sim: an interactive prompt on one simulated
// cluster, with the command vocabulary of scenario files (sim/session.h).
// Reads commands from standard input (a prompt is shown on a terminal), so
// it also runs scripts: `dpcctl shell topo.json < commands.txt`.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/args.h"
#include "cli/sim_args.h"
#include "cli/commands.h"
#include "cli/topology_arg.h"
#include "core/progress.h"
#include "sim/session.h"

namespace dpc::cli {
namespace {

const char* kShellUsage =
    "usage: dpcctl shell FILE [--backend=sim] [--seed N] [--jitter MS] [--profile FILE]\n"
    "\n"
    "An interactive simulated cluster of the topology FILE. Type 'help' for the\n"
    "commands (the same words scenario files use); 'quit' or end of input leaves.\n"
    "With --stop-on-error a failing command ends the shell with exit status 1.\n";

}  // namespace

int cmd_shell(const Words& words) {
  std::set<std::string> options = sim_option_names();
  options.insert("backend");
  auto args = parse_args(words, {"help", "stop-on-error", "fold-heartbeats"}, options);
  if (!args) return std::fprintf(stderr, "dpcctl shell: %s\n\n%s", args.message().c_str(), kShellUsage), 2;
  if (args->has("help")) return std::fputs(kShellUsage, stdout), 0;
  if (args->positional.size() != 1) {
    return std::fprintf(stderr, "dpcctl shell: missing the topology FILE\n\n%s", kShellUsage), 2;
  }
  if (args->get_or("backend", "sim") != "sim") {
    std::fprintf(stderr, "dpcctl shell: only --backend=sim is supported (the shell drives a simulated cluster)\n");
    return 2;
  }
  auto parsed = sim_options(*args);
  if (!parsed) return std::fprintf(stderr, "dpcctl shell: %s\n", parsed.message().c_str()), 2;
  const sim::SimOptions so = *parsed;
  auto topo = load_topology_arg(args->positional[0], "shell");
  if (!topo) return 1;
  sim::SimSession session(*topo, so);
  ProgressPrinter printer(stdout, false);
  session.on_event = [&](const StepEvent& e) { printer(e); };
  const bool tty = isatty(STDIN_FILENO);
  if (tty) {
    std::printf("simulated cluster %s (%zu instances), seed %llu. Type 'help'.\n", topo->cluster.c_str(),
                topo->instances.size(), static_cast<unsigned long long>(so.seed));
  }
  std::string line;
  int failures = 0;
  while (true) {
    if (tty) std::printf("[%lld ms] dpcctl> ", static_cast<long long>(session.cluster().now())), std::fflush(stdout);
    if (!std::getline(std::cin, line)) break;
    if (line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
    if (line == "quit" || line == "exit-shell") break;
    if (!tty) std::printf("> %s\n", line.c_str());
    sim::CommandResult r = session.execute(line);
    if (!r.output.empty()) std::printf("%s%s", r.output.c_str(), r.output.back() == '\n' ? "" : "\n");
    if (!r.ok) {
      ++failures;
      std::printf("error: %s\n", r.error.c_str());
      if (args->has("stop-on-error")) return 1;
    }
    std::fflush(stdout);
  }
  return failures == 0 || tty ? 0 : 1;
}

}  // namespace dpc::cli
