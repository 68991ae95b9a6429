// dpcctl scenario run PATH... [--seed N | --seeds A..B] [--jobs N]
//   [--junit FILE] [--json] [--trace DIR] [--rewrite]
//
// Loads every scenario file (a directory means every scenario *.json
// directly in it), refuses the lot with exit 2 when one is invalid, then
// runs each scenario for each seed on a pool of threads (cli/scenario_sweep.h:
// every run owns its SimSession, so the results do not depend on the
// number of threads). Prints one line per scenario, the full
// report of the first failing seed (step, reason, last events, timeline,
// replay command) and a closing "N passed, M failed" line. Exit 0 all
// passed, 1 a run failed, 2 usage error or invalid file.
//
// On a terminal, a progress line on stderr (runs done, failures so far,
// rate) is refreshed every second. Ctrl-C (or SIGTERM) starts no new run,
// lets the running ones end, prints the results of every run that ended
// (scenarios without one are listed as not run) and exits 130 (143).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/scenario_report.h"
#include "cli/scenario_sweep.h"
#include "core/input_text.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_run.h"

namespace dpc::cli {

namespace {

namespace fs = std::filesystem;

const char* kScenarioUsage =
    "usage: dpcctl scenario run PATH... [--seed N | --seeds A..B] [--jobs N]\n"
    "                           [--junit FILE] [--json] [--trace DIR] [--rewrite]\n"
    "       dpcctl scenario record FILE [--state-dir DIR] [--out SCENARIO]\n"
    "                           (a scenario from a simulated cluster's history; see --help there)\n"
    "\n"
    "Runs scenario files (docs/scenarios.md) on the simulator. A PATH that is a\n"
    "directory means every scenario *.json directly in it.\n"
    "\n"
    "  --seed N       run each scenario with seed N (default: the file's sim.seed)\n"
    "  --seeds A..B   run each scenario once per seed A, A+1, ..., B\n"
    "  --jobs N       threads (default: the number of cores)\n"
    "  --junit FILE   also write the results as JUnit XML\n"
    "  --json         print the results as JSON instead of text\n"
    "  --trace DIR    write a Chrome trace (Perfetto, chrome://tracing) of every run\n"
    "                 to DIR/<name>.seed<N>.json\n"
    "  --rewrite      regenerate each <name>.transcript beside its scenario (from the\n"
    "                 run at the file's own seed) instead of comparing it\n"
    "  --fold-heartbeats  fold idle RAFT groups' heartbeats in every run (sim.fold_heartbeats)\n"
    "\n"
    "exit status: 0 every run passed, 1 a run failed, 2 usage error or invalid file\n";

int usage_error(const std::string& why) {
  std::fprintf(stderr, "dpcctl scenario: %s\n\n%s", why.c_str(), kScenarioUsage);
  return 2;
}

Result<std::vector<uint64_t>> parse_seeds(const Args& args) {
  if (args.has("seed") && args.has("seeds")) return Error{"give --seed or --seeds, not both"};
  if (auto s = args.get("seed")) {
    auto n = parse_number("seed", *s);
    if (!n) return n.error();
    return std::vector<uint64_t>{static_cast<uint64_t>(*n)};
  }
  if (auto s = args.get("seeds")) {
    const size_t dots = s->find("..");
    if (dots == std::string::npos) return Error{"--seeds takes a range A..B, e.g. 1..200"};
    auto a = parse_number("seeds", s->substr(0, dots));
    auto b = parse_number("seeds", s->substr(dots + 2));
    if (!a) return a.error();
    if (!b) return b.error();
    if (*b < *a) return Error{"--seeds " + *s + ": the range is empty (B < A)"};
    if (*b - *a >= 1000000) return Error{"--seeds " + *s + ": at most a million seeds at once"};
    // Counted, not compared with B: B may be the largest long long, which
    // v <= B could never exceed.
    std::vector<uint64_t> out;
    for (long long k = 0; k <= *b - *a; ++k) out.push_back(static_cast<uint64_t>(*a + k));
    return out;
  }
  return std::vector<uint64_t>{};
}

/// Scenario files named by the PATHs, in the order given (directories sorted).
Result<std::vector<std::string>> expand_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      const std::vector<std::string> found = sim::scenario_files_in(p);
      if (found.empty()) return Error{"no scenario files (*.json with \"steps\") in " + p};
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      return Error{"no such file or directory: " + p};
    }
  }
  return out;
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

std::string seed_summary(const std::vector<TimedRun>& runs) {
  if (runs.size() == 1) return "seed " + std::to_string(runs[0].result.seed);
  return std::to_string(runs.size()) + " seeds";
}

/// What `scenario run`'s options ask for.
struct RunSettings {
  std::vector<uint64_t> seeds;  ///< empty: each file's own sim.seed
  unsigned jobs = 1;
  bool json_out = false;
  bool rewrite = false;
  std::string trace_dir;
};

/// The options read and checked; an error is a usage error.
Result<RunSettings> run_settings(const Args& args) {
  RunSettings rs;
  if (args.positional.empty()) return Error{"give at least one scenario file or directory"};
  auto seeds = parse_seeds(args);
  if (!seeds) return seeds.error();
  rs.seeds = *seeds;
  rs.jobs = std::max(1u, std::thread::hardware_concurrency());
  if (auto j = args.get("jobs")) {
    auto n = parse_number("jobs", *j);
    if (!n || *n < 1) return Error{"--jobs takes a number >= 1"};
    rs.jobs = static_cast<unsigned>(std::min<long long>(*n, 256));
  }
  rs.json_out = args.has("json");
  rs.rewrite = args.has("rewrite");
  rs.trace_dir = args.get_or("trace", "");
  if (!rs.trace_dir.empty()) {
    std::error_code ec;
    fs::create_directories(rs.trace_dir, ec);
    if (ec) return Error{"cannot create the trace directory " + rs.trace_dir + ": " + ec.message()};
  }
  return rs;
}

/// Every file loaded, or nullopt (their diagnostics printed) when one is invalid.
std::optional<std::vector<sim::Scenario>> load_all(const std::vector<std::string>& files) {
  std::vector<sim::Scenario> scenarios;
  bool invalid = false;
  for (const auto& f : files) {
    sim::ScenarioLoad load = sim::load_scenario_file(f);
    if (!load.ok()) {
      std::fputs(format_diagnostics(load.diagnostics, f).c_str(), stderr);
      invalid = true;
      continue;
    }
    scenarios.push_back(std::move(*load.scenario));
  }
  if (invalid) return std::nullopt;
  return scenarios;
}

/// The run at a scenario's own seed against its transcript: rewritten with
/// --rewrite (a line in `notes` says so), else compared (a difference fails
/// the run).
void check_transcript(const sim::Scenario& sc, sim::RunResult& r, bool rewrite, std::string& notes) {
  const std::string tpath = sc.transcript_path();
  if (rewrite) {
    if (!r.passed) {
      notes += "  transcript not rewritten: the run at seed " + std::to_string(r.seed) + " failed\n";
    } else if (write_text(tpath, r.transcript)) {
      notes += "  wrote " + tpath + "\n";
    } else {
      notes += "  cannot write " + tpath + "\n";
    }
    return;
  }
  const Result<std::string> expected = read_input_file(tpath, "transcript");
  if (!expected.ok() || !r.passed) return;
  if (auto diff = sim::transcript_difference(*expected, r.transcript)) {
    r.passed = false;
    r.failure = sim::ScenarioFailure{sc.steps.size(), "", 0, "(the transcript)",
                                     "the run's transcript differs from " + tpath + ": " + *diff +
                                         "\n  (review the change, then regenerate it with --rewrite)"};
  }
}

/// PASS, or FAIL with the failed seeds and the first failure's report; then `notes`.
void print_scenario(const sim::Scenario& sc, const ScenarioRuns& sr, const std::string& notes) {
  const size_t bad = sr.failed();
  if (bad == 0) {
    std::printf("PASS %s (%s)\n", sc.file.c_str(), seed_summary(sr.runs).c_str());
  } else {
    std::string list;
    size_t shown = 0;
    const sim::RunResult* first = nullptr;
    for (const auto& tr : sr.runs) {
      if (tr.result.passed) continue;
      if (!first) first = &tr.result;
      if (shown++ < 20) list += (list.empty() ? "" : ", ") + std::to_string(tr.result.seed);
    }
    if (shown > 20) list += ", ...";
    std::printf("FAIL %s: %zu of %zu run%s failed (seed%s %s)\n", sc.file.c_str(), bad, sr.runs.size(),
                sr.runs.size() == 1 ? "" : "s", bad == 1 ? "" : "s", list.c_str());
    std::fputs(sim::format_failure(*first).c_str(), stdout);
  }
  std::fputs(notes.c_str(), stdout);
  std::fflush(stdout);
}

/// The closing lines and the exit status.
int finish(const Args& args, const RunSettings& rs, const std::vector<ScenarioRuns>& report, size_t passed,
           size_t failed, size_t runs, bool interrupted, const InterruptGuard& interrupts) {
  if (auto junit = args.get("junit")) {
    if (!write_text(*junit, junit_xml(report))) {
      std::fprintf(stderr, "dpcctl scenario: cannot write the JUnit report %s\n", junit->c_str());
    }
  }
  if (rs.json_out) {
    std::printf("%s\n", results_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fprintf(stderr, "%zu passed, %zu failed\n", passed, failed);  // stdout stays pure JSON
  } else {
    std::printf("%zu passed, %zu failed\n", passed, failed);
  }
  if (interrupted) {
    std::fflush(stdout);
    std::fprintf(stderr,
                 "dpcctl scenario: interrupted by %s after %zu of %zu runs; the results above are those "
                 "of the runs that ended\n",
                 InterruptGuard::name(interrupts.last_signal()).c_str(), passed + failed, runs);
    return InterruptGuard::exit_status(interrupts.last_signal());
  }
  return failed == 0 ? 0 : 1;
}

/// `scenario run`: load everything first (one invalid file stops the whole
/// run, exit 2), then run and report scenario by scenario.
int run_scenarios(const Args& args) {
  auto rs = run_settings(args);
  if (!rs) return usage_error(rs.message());
  auto files = expand_paths(args.positional);
  if (!files) return usage_error(files.message());
  auto scenarios = load_all(*files);
  if (!scenarios) {
    std::fprintf(stderr, "dpcctl scenario: invalid scenario file(s); nothing was run\n");
    return 2;
  }
  if (args.has("fold-heartbeats")) {
    for (auto& s : *scenarios) s.fold_heartbeats = true;
  }
  ScenarioSweep sweep(*scenarios, rs->seeds, rs->rewrite, rs->trace_dir);
  InterruptGuard interrupts;
  const unsigned threads = static_cast<unsigned>(std::min<size_t>(rs->jobs, sweep.runs()));
  std::fprintf(stderr, "dpcctl scenario: %zu run%s of %zu scenario%s on %u thread%s\n", sweep.runs(),
               sweep.runs() == 1 ? "" : "s", scenarios->size(), scenarios->size() == 1 ? "" : "s", threads,
               threads == 1 ? "" : "s");
  sweep.start(threads);

  std::vector<ScenarioRuns> report;
  size_t passed = 0, failed = 0;
  bool interrupted = false;
  for (size_t i = 0; i < scenarios->size(); ++i) {
    const sim::Scenario& sc = (*scenarios)[i];
    sweep.wait_for(i, interrupts);
    interrupted = interrupted || sweep.stopped();
    ScenarioRuns sr{sc.file, sc.name, {}};
    std::string notes;
    for (size_t k : sweep.runs_of(i)) {
      if (!sweep.ended(k)) continue;  // interrupted before it ran
      TimedRun& tr = sweep.result(k);
      if (sweep.job(k).transcript) check_transcript(sc, tr.result, rs->rewrite, notes);
      (tr.result.passed ? passed : failed) += 1;
      sr.runs.push_back(std::move(tr));
    }
    if (sr.runs.empty()) {
      if (!rs->json_out) std::printf("NOT RUN %s (interrupted)\n", sc.file.c_str());
      continue;
    }
    if (!rs->json_out) print_scenario(sc, sr, notes);
    report.push_back(std::move(sr));
  }
  sweep.join();
  return finish(args, *rs, report, passed, failed, sweep.runs(), interrupted, interrupts);
}

}  // namespace

int cmd_scenario(const Words& words) {
  if (words.empty() || words[0] == "--help" || words[0] == "help") {
    std::fputs(kScenarioUsage, words.empty() ? stderr : stdout);
    return words.empty() ? 2 : 0;
  }
  if (words[0] == "record") return cmd_scenario_record(Words(words.begin() + 1, words.end()));
  if (words[0] != "run") return usage_error("unknown subcommand '" + words[0] + "' (run or record)");
  auto args = parse_args(Words(words.begin() + 1, words.end()), {"json", "rewrite", "help", "fold-heartbeats"},
                         {"seed", "seeds", "jobs", "junit", "trace"});
  if (!args) return usage_error(args.message());
  if (args->has("help")) {
    std::fputs(kScenarioUsage, stdout);
    return 0;
  }
  return run_scenarios(*args);
}

}  // namespace dpc::cli
