// dpcctl scenario record FILE [--state-dir DIR] [--out SCENARIO]: turns the
// history of a simulated cluster (sim/sim_history.h), the commands a user
// applied one by one, into a scenario file that `dpcctl scenario run`
// replays, so an interactive session becomes a regression test.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/sim_args.h"
#include "cli/topology_arg.h"
#include "real-backend/atomic_file.h"
#include "sim/session.h"
#include "sim/sim_history.h"

namespace dpc::cli {
namespace {

namespace fs = std::filesystem;

const char* kRecordUsage =
    "usage: dpcctl scenario record FILE [--state-dir DIR] [--out SCENARIO]\n"
    "\n"
    "Writes a scenario (docs/scenarios.md) that replays the commands applied so far to the\n"
    "simulated cluster of the topology FILE (its history in DIR, default .dpcctl/<cluster>.sim):\n"
    "the same seed and options, each command a step (one that failed expects its error), then\n"
    "which instances run at the end. Without --out it is printed.\n";

int record_error(const std::string& why, int code) {
  std::fprintf(stderr, "dpcctl scenario record: %s\n", why.c_str());
  return code;
}

}  // namespace

int cmd_scenario_record(const Words& words) {
  auto args = parse_args(words, {"help"}, {"state-dir", "out"});
  if (!args) return std::fprintf(stderr, "dpcctl scenario record: %s\n\n%s", args.message().c_str(), kRecordUsage), 2;
  if (args->has("help")) return std::fputs(kRecordUsage, stdout), 0;
  if (args->positional.size() != 1) {
    return std::fprintf(stderr, "dpcctl scenario record: give the topology FILE\n\n%s", kRecordUsage), 2;
  }
  auto topo = load_topology_arg(args->positional[0], "scenario record");
  if (!topo) return 1;
  const std::string dir = real::absolute_path(args->get_or("state-dir", ".dpcctl/" + topo->cluster + ".sim"));
  auto history = sim::load_history(sim::history_path(dir));
  if (!history) return record_error(history.message() + " (deploy the cluster with --backend=sim first)", 1);
  Args opts;
  opts.values["seed"] = std::to_string(history->seed);
  opts.values["jitter"] = std::to_string(history->jitter_ms);
  if (!history->profile.empty()) opts.values["profile"] = history->profile;
  if (!history->dm.empty()) opts.values["sim-dm"] = history->dm;
  auto so = sim_options(opts);
  if (!so) return record_error(so.message(), 1);
  sim::SimSession session(*topo, *so);
  if (Status st = sim::replay_history(session, *history); !st) return record_error(st.message(), 1);
  std::vector<std::pair<std::string, bool>> running;
  for (const Instance& inst : topo->instances) {
    running.emplace_back(inst.name, session.backend().server_running(inst.name));
  }
  const std::string out = args->get_or("out", "");
  const fs::path base = out.empty() ? fs::current_path() : fs::absolute(out).parent_path();
  const std::string ref = fs::path(history->topology).lexically_relative(base).string();
  const std::string text = sim::history_scenario(*history, ref.empty() ? history->topology : ref, running);
  if (out.empty()) return std::fputs(text.c_str(), stdout), 0;
  if (Status st = real::write_file_atomic(out, text); !st) return record_error(st.message(), 1);
  std::printf("wrote %s: %zu commands; run it with: dpcctl scenario run %s\n", out.c_str(),
              history->entries.size(), out.c_str());
  return 0;
}

}  // namespace dpc::cli
