// dpcctl explore TOPOLOGY|SCENARIO [--runs N] [--seed S] [--jobs J]
//   [--shard K/N] [--out DIR] [--max-faults N]
//
// Random fault schedules on the simulator (sim/explore/explore.h): prints a
// summary of the runs, and for each kind of failure its first seed, whether
// it reproduced (same trace hash), and the shrunk scenario file with the
// command that replays it. Exit 0 no run failed, 1 a run failed, 2 usage
// error or invalid file.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/scenario_report.h"
#include "sim/explore/explore.h"

namespace dpc::cli {

namespace {

const char* kExploreUsage =
    "usage: dpcctl explore TOPOLOGY|SCENARIO [--runs N] [--seed S] [--jobs J]\n"
    "                      [--shard K/N] [--out DIR] [--max-faults N]\n"
    "\n"
    "Runs random fault schedules on the simulator (docs/explore.md): kills, partitions,\n"
    "host crashes, link loss and latency, during each phase of the deploy or after it;\n"
    "checks the simulator's invariants after every event and that the cluster heals;\n"
    "shrinks each kind of failure to a minimal scenario file.\n"
    "\n"
    "  --runs N        schedules to run (default 100)\n"
    "  --seed S        the first seed (default 1); run i uses seed S+i\n"
    "  --jobs J        threads (default: the number of cores)\n"
    "  --shard K/N     run only seeds i with i mod N = K-1 (CI matrices)\n"
    "  --out DIR       where failing schedules go (default explore-out)\n"
    "  --max-faults N  faults per schedule, 1..N (default 4)\n"
    "  --print S       print the scenario file of seed S and run nothing\n"
    "\n"
    "exit status: 0 every run passed, 1 a run failed, 2 usage error or invalid file\n";

int usage_error(const std::string& why) {
  std::fprintf(stderr, "dpcctl explore: %s\n\n%s", why.c_str(), kExploreUsage);
  return 2;
}

/// The options' numbers and shard into `o`; a usage error's message, or "".
std::string read_options(const Args& args, sim::ExploreOptions& o) {
  o.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.out_dir = args.get_or("out", "explore-out");
  auto number = [&](const char* key, long long low, long long high, long long& out) -> bool {
    auto v = args.get(key);
    if (!v) return true;
    auto n = parse_number(std::string("--") + key, *v);
    if (!n || *n < low || *n > high) return false;
    out = *n;
    return true;
  };
  long long runs = 100, seed = 1, jobs = o.jobs, faults = o.nemesis.max_faults;
  if (!number("runs", 1, 100000000, runs)) return "--runs takes a number from 1";
  if (!number("seed", 0, 1LL << 62, seed)) return "--seed takes a number";
  if (!number("jobs", 1, 256, jobs)) return "--jobs takes a number from 1 to 256";
  if (!number("max-faults", 1, 20, faults)) return "--max-faults takes a number from 1 to 20";
  o.runs = static_cast<uint64_t>(runs);
  o.first_seed = static_cast<uint64_t>(seed);
  o.jobs = static_cast<int>(jobs);
  o.nemesis.max_faults = static_cast<int>(faults);
  if (auto s = args.get("shard")) {
    const size_t slash = s->find('/');
    auto k = parse_number("--shard", s->substr(0, slash));
    auto n = slash == std::string::npos ? Result<long long>(Error{"no /"}) : parse_number("--shard", s->substr(slash + 1));
    if (!k || !n || *n < 1 || *k < 1 || *k > *n) return "--shard takes K/N with 1 <= K <= N, e.g. 2/4";
    o.shard = static_cast<int>(*k);
    o.shards = static_cast<int>(*n);
  }
  return "";
}

/// The summary, then each finding with its files and the replay command.
void print_report(const std::string& file, const sim::ExploreOptions& o, const sim::ExploreReport& r, double secs) {
  std::printf("explore %s: %llu runs (seeds %llu.., shard %d/%d), %llu passed, %llu failed, %.1f s on %d threads\n",
              file.c_str(), static_cast<unsigned long long>(r.runs), static_cast<unsigned long long>(o.first_seed),
              o.shard, o.shards, static_cast<unsigned long long>(r.passed), static_cast<unsigned long long>(r.failed),
              secs, o.jobs);
  std::string kinds;
  for (const auto& [k, n] : r.fault_kinds) kinds += " " + k + "=" + std::to_string(n);
  std::string phases;
  for (const auto& [k, n] : r.phases) phases += " " + k + "=" + std::to_string(n);
  std::printf("  faults:%s\n  struck:%s\n  simulated events: %llu\n", kinds.c_str(), phases.c_str(),
              static_cast<unsigned long long>(r.events));
  for (const auto& f : r.findings) {
    std::printf("FAIL %s (%llu seed%s; first: seed %llu)\n", f.signature.c_str(),
                static_cast<unsigned long long>(f.seeds_failed), f.seeds_failed == 1 ? "" : "s",
                static_cast<unsigned long long>(f.seed));
    std::printf("  why: %s\n", f.reason.c_str());
    std::printf("  determinism: %s (trace %s, rerun %s)\n", f.deterministic ? "same trace when run again" : "DIFFERENT trace when run again",
                f.trace_hash.c_str(), f.rerun_hash.c_str());
    std::printf("  schedule: %s (%zu steps)\n", f.file.c_str(), f.steps);
    std::printf("  shrunk:   %s (%zu steps, %d runs to shrink)%s\n", f.shrunk_file.c_str(), f.shrunk_steps,
                f.shrink_runs, f.replays ? "" : "  (the shrunk file did NOT fail the same way when replayed)");
    std::printf("  replay:   dpcctl scenario run %s\n", f.shrunk_file.c_str());
  }
  if (r.failed > r.findings.size()) {
    uint64_t shown = 0;
    for (const auto& f : r.findings) shown += f.seeds_failed;
    if (shown < r.failed) {
      std::printf("  (%llu more failing runs of other kinds were not shrunk)\n",
                  static_cast<unsigned long long>(r.failed - shown));
    }
  }
}

}  // namespace

int cmd_explore(const Words& words) {
  auto args = parse_args(words, {"help"}, {"runs", "seed", "jobs", "shard", "out", "max-faults", "print"});
  if (!args) return usage_error(args.message());
  if (args->has("help") || (!words.empty() && words[0] == "help")) {
    std::fputs(kExploreUsage, stdout);
    return 0;
  }
  if (args->positional.size() != 1) return usage_error("give one topology or scenario file");
  sim::ExploreOptions o;
  if (std::string why = read_options(*args, o); !why.empty()) return usage_error(why);

  const std::string& file = args->positional[0];
  std::vector<Diagnostic> diags;
  auto setup = sim::load_explore_setup(file, diags);
  if (!setup) {
    std::fputs(format_diagnostics(diags, file).c_str(), stderr);
    std::fprintf(stderr, "dpcctl explore: %s is not a valid topology or scenario; nothing was run\n", file.c_str());
    return 2;
  }
  if (auto p = args->get("print")) {
    auto n = parse_number("--print", *p);
    if (!n) return usage_error(n.message());
    const uint64_t s = static_cast<uint64_t>(*n);
    sim::Candidate c{sim::schedule_for_seed(*setup, s, o.nemesis), setup->topology_json};
    std::fputs(sim::candidate_scenario_text(*setup, c, s, setup->name + "-seed" + std::to_string(s),
                                            "dpcctl explore " + file + " --print " + std::to_string(s)).c_str(),
               stdout);
    return 0;
  }
  const bool tty = isatty(fileno(stderr));
  o.progress = [&](uint64_t done, uint64_t failed) {
    if (tty && (done % 50 == 0 || done == o.runs)) {
      std::fprintf(stderr, "\r%llu runs, %llu failed", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(failed));
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  sim::ExploreReport r = sim::explore(*setup, o);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (tty) std::fputs("\n", stderr);
  print_report(file, o, r, secs);
  return r.failed == 0 ? 0 : 1;
}

}  // namespace dpc::cli
