// dpcctl validate FILE [--json]: load a topology file and report every
// problem in it. Exit 0 valid (warnings allowed), 1 invalid or unreadable,
// 2 usage error.
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/topology_load.h"

namespace dpc::cli {

namespace {

const char* kValidateUsage =
    "usage: dpcctl validate FILE [--json] [--strict]\n"
    "\n"
    "Checks a topology file (docs/topology.md) and reports every problem at once,\n"
    "each with the JSON path of the field, what is wrong and how to fix it, and\n"
    "warns about a cluster that cannot survive one failure (docs/topology.md,\n"
    "\"Availability\").\n"
    "\n"
    "  --json     print the result as JSON instead of text\n"
    "  --strict   treat every warning as an error\n"
    "\n"
    "exit status: 0 valid (warnings allowed unless --strict), 1 invalid or\n"
    "unreadable, 2 usage error\n";

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string summary(const Topology& topo) {
  return "cluster " + topo.cluster + ", " + plural(topo.instances.size(), "instance") + " (" +
         std::to_string(topo.of_role(Role::MP).size()) + " MP, " +
         std::to_string(topo.of_role(Role::SP).size()) + " SP, " +
         std::to_string(topo.of_role(Role::BP).size()) + " BP), " +
         plural(topo.rafts.size(), "RAFT group");
}

}  // namespace

int cmd_validate(const Words& words) {
  auto args = parse_args(words, {"json", "strict", "help"}, {});
  if (!args) {
    std::fprintf(stderr, "dpcctl validate: %s\n\n%s", args.message().c_str(), kValidateUsage);
    return 2;
  }
  if (args->has("help")) {
    std::fputs(kValidateUsage, stdout);
    return 0;
  }
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "dpcctl validate: %s\n\n%s",
                 args->positional.empty() ? "missing the topology FILE"
                                          : "give exactly one topology FILE",
                 kValidateUsage);
    return 2;
  }
  const std::string& file = args->positional[0];
  LoadOutcome outcome = load_topology_file(file);
  for (Diagnostic& d : outcome.lints) outcome.diagnostics.push_back(std::move(d));
  if (args->has("strict")) {
    for (Diagnostic& d : outcome.diagnostics) {
      if (d.severity != Diagnostic::Severity::Warning) continue;
      d.severity = Diagnostic::Severity::Error;
      d.message += " (an error with --strict)";
    }
  }
  const bool valid = outcome.ok();

  if (args->has("json")) {
    nlohmann::json out = diagnostics_json(outcome.diagnostics, file, valid);
    if (outcome.topology) {
      out["cluster"] = outcome.topology->cluster;
      out["instances"] = outcome.topology->instances.size();
      out["raft_groups"] = outcome.topology->rafts.size();
    }
    std::printf("%s\n", json_output(out).c_str());  // valid UTF-8 whatever the file name
    return valid ? 0 : 1;
  }

  std::fputs(format_diagnostics(outcome.diagnostics, file).c_str(), stdout);
  const size_t errors = count_severity(outcome.diagnostics, Diagnostic::Severity::Error);
  const size_t warnings = count_severity(outcome.diagnostics, Diagnostic::Severity::Warning);
  if (valid) {
    std::printf("%s: valid: %s%s\n", file.c_str(), summary(*outcome.topology).c_str(),
                warnings > 0 ? (", " + plural(warnings, "warning")).c_str() : "");
    return 0;
  }
  std::printf("%s: invalid: %s, %s\n", file.c_str(), plural(errors, "error").c_str(),
              plural(warnings, "warning").c_str());
  return 1;
}

}  // namespace dpc::cli
