// dpcctl plan FILE [--stop] [--format text|json|sh|cmd]: print the
// deployment plan (or the stop plan) of a topology file. Exit 0 printed,
// 1 the topology is invalid or unreadable (its diagnostics on stderr),
// 2 usage error.
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/plan_builder.h"
#include "core/plan_render.h"
#include "core/topology_load.h"

namespace dpc::cli {

namespace {

const char* kPlanUsage =
    "usage: dpcctl plan FILE [--stop] [--format text|json|sh|cmd]\n"
    "\n"
    "Prints the plan that deploys (or, with --stop, stops) the cluster of a\n"
    "topology file, in the order of the DM manual's chapter 7.\n"
    "\n"
    "  --stop           the stop plan instead of the deployment plan\n"
    "  --format text    numbered steps with their dependencies (default)\n"
    "  --format json    the plan's DAG for machines\n"
    "  --format sh      a POSIX sh runbook for a Linux DM host\n"
    "  --format cmd     a Windows cmd runbook in the manual's style\n"
    "  --dm-package P   install DM from P (a DM home directory or tarball) first\n"
    "                   on each host, over the topology's dm_package fields\n"
    "\n"
    "The runbooks read the SYSDBA password from the environment variable the\n"
    "topology names (default DM_SYSDBA_PWD) and never print it.\n"
    "\n"
    "exit status: 0 printed, 1 invalid or unreadable topology, 2 usage error\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "dpcctl plan: %s\n\n%s", message.c_str(), kPlanUsage);
  return 2;
}

}  // namespace

int cmd_plan(const Words& words) {
  auto args = parse_args(words, {"stop", "help"}, {"format", "dm-package"});
  if (!args) return usage_error(args.message());
  if (args->has("help")) {
    std::fputs(kPlanUsage, stdout);
    return 0;
  }
  if (args->positional.size() != 1) {
    return usage_error(args->positional.empty() ? "missing the topology FILE"
                                                : "give exactly one topology FILE");
  }
  const std::string format_name = args->get_or("format", "text");
  const std::optional<PlanFormat> format = parse_plan_format(format_name);
  if (!format) {
    return usage_error("unknown --format '" + format_name + "'; use text, json, sh or cmd");
  }

  const std::string& file = args->positional[0];
  const LoadOutcome outcome = load_topology_file(file);
  if (!outcome.ok()) {
    std::fputs(format_diagnostics(outcome.diagnostics, file).c_str(), stderr);
    std::fprintf(stderr, "dpcctl plan: %s is not a valid topology; no plan printed\n",
                 file.c_str());
    return 1;
  }
  Topology topo = *outcome.topology;
  if (auto pkg = args->get("dm-package")) {
    if (pkg->empty() || topo.dm_home.empty()) {
      return usage_error("--dm-package needs a package path and defaults.dm_home in " + file);
    }
    topo.dm_package = *pkg;
    topo.host_dm_package.clear();
  }
  const Plan plan = args->has("stop") ? build_stop_plan(topo) : build_deploy_plan(topo);
  const std::string text = render_plan(plan, topo, *format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace dpc::cli
