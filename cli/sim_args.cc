#include "cli/sim_args.h"

#include "core/input_text.h"
#include "sim/engine/timing_profile.h"
#include "sim/limits.h"

namespace dpc::cli {

const std::set<std::string>& sim_option_names() {
  static const std::set<std::string> names{"seed", "jitter", "profile", "sim-dm"};
  return names;
}

const char* sim_options_usage() {
  return "  --seed N             the simulation's seed (default 1)\n"
         "  --jitter MS          election-timeout jitter bound for every RAFT node (default 0)\n"
         "  --profile FILE       a timing profile (docs/simulator.md)\n"
         "  --sim-dm SPEC        which DM each simulated host holds, e.g. h2=none,h3=8.1.2.128\n"
         "                       (default: every host 8.1.3.100-sim; docs/simulator.md)\n"
         "  --fold-heartbeats    fold idle RAFT groups' heartbeats: the same cluster, fewer events\n"
         "                       (faster on large clusters; the trace lacks their lines)\n";
}

Result<sim::SimOptions> sim_options(const Args& args) {
  sim::SimOptions so;
  if (auto s = args.get("seed")) {
    auto n = parse_number("seed", *s);
    if (!n) return Error{n.message()};
    so.seed = static_cast<uint64_t>(*n);
  }
  if (auto s = args.get("jitter")) {
    auto n = parse_number("jitter", *s);
    if (!n) return Error{n.message()};
    if (*n > sim::kMaxJitterMs) return Error{"option --jitter takes 0..60000 ms, got '" + *s + "'"};
    so.jitter_ms = *n;
  }
  if (auto p = args.get("profile")) {
    auto text = read_input_file(*p, "timing profile");
    if (!text) return Error{text.message()};
    auto prof = sim::parse_timing_profile(*text, *p);
    if (!prof) return Error{prof.message()};
    so.timing = *prof;
  }
  so.fold_heartbeats = args.has("fold-heartbeats");
  if (auto d = args.get("sim-dm")) {
    auto setup = sim::parse_dm_setup(*d);
    if (!setup) return Error{"option --sim-dm: " + setup.message()};
    so.dm = *setup;
  }
  return so;
}

}  // namespace dpc::cli
