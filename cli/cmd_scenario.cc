// dpcctl scenario run PATH... [--seed N | --seeds A..B] [--jobs N]
//   [--junit FILE] [--json] [--trace DIR] [--rewrite]
//
// Loads every scenario file (a directory means every scenario *.json
// directly in it), refuses the lot with exit 2 when one is invalid, then
// runs each scenario for each seed on a pool of threads — every run owns
// its SimSession, so runs share nothing mutable and the results do not
// depend on the number of threads. Prints one line per scenario, the full
// report of the first failing seed (step, reason, last events, timeline,
// replay command) and a closing "N passed, M failed" line. Exit 0 all
// passed, 1 a run failed, 2 usage error or invalid file.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/scenario_report.h"
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
    "\n"
    "exit status: 0 every run passed, 1 a run failed, 2 usage error or invalid file\n";

int usage_error(const std::string& why) {
  std::fprintf(stderr, "dpcctl scenario: %s\n\n%s", why.c_str(), kScenarioUsage);
  return 2;
}

Result<std::vector<uint64_t>> parse_seeds(const Args& args) {
  if (args.has("seed") && args.has("seeds")) return Error{"give --seed or --seeds, not both"};
  if (auto s = args.get("seed")) {
    auto n = parse_number("--seed", *s);
    if (!n) return n.error();
    return std::vector<uint64_t>{static_cast<uint64_t>(*n)};
  }
  if (auto s = args.get("seeds")) {
    const size_t dots = s->find("..");
    if (dots == std::string::npos) return Error{"--seeds takes a range A..B, e.g. 1..200"};
    auto a = parse_number("--seeds", s->substr(0, dots));
    auto b = parse_number("--seeds", s->substr(dots + 2));
    if (!a) return a.error();
    if (!b) return b.error();
    if (*b < *a) return Error{"--seeds " + *s + ": the range is empty (B < A)"};
    if (*b - *a >= 1000000) return Error{"--seeds " + *s + ": at most a million seeds at once"};
    std::vector<uint64_t> out;
    for (long long v = *a; v <= *b; ++v) out.push_back(static_cast<uint64_t>(v));
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
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
        const std::string f = entry.path().string();
        if (sim::is_scenario_file(f)) found.push_back(f);
      }
      std::sort(found.begin(), found.end());
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

std::string read_text(const std::string& path, bool* found) {
  std::ifstream in(path, std::ios::binary);
  *found = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out;
}

struct Job {
  size_t scenario;
  uint64_t seed;
  bool transcript;  ///< the run at the file's own seed: compare (or rewrite) its transcript
};

std::string seed_summary(const std::vector<TimedRun>& runs) {
  if (runs.size() == 1) return "seed " + std::to_string(runs[0].result.seed);
  return std::to_string(runs.size()) + " seeds";
}

}  // namespace

int cmd_scenario(const Words& words) {
  if (words.empty() || words[0] == "--help" || words[0] == "help") {
    std::fputs(kScenarioUsage, words.empty() ? stderr : stdout);
    return words.empty() ? 2 : 0;
  }
  if (words[0] == "record") return cmd_scenario_record(Words(words.begin() + 1, words.end()));
  if (words[0] != "run") return usage_error("unknown subcommand '" + words[0] + "' (run or record)");
  auto args = parse_args(Words(words.begin() + 1, words.end()), {"json", "rewrite", "help"},
                         {"seed", "seeds", "jobs", "junit", "trace"});
  if (!args) return usage_error(args.message());
  if (args->has("help")) {
    std::fputs(kScenarioUsage, stdout);
    return 0;
  }
  if (args->positional.empty()) return usage_error("give at least one scenario file or directory");
  auto seeds = parse_seeds(*args);
  if (!seeds) return usage_error(seeds.message());
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  if (auto j = args->get("jobs")) {
    auto n = parse_number("--jobs", *j);
    if (!n || *n < 1) return usage_error("--jobs takes a number >= 1");
    jobs = static_cast<unsigned>(std::min<long long>(*n, 256));
  }
  const bool json_out = args->has("json");
  const bool rewrite = args->has("rewrite");
  const std::string trace_dir = args->get_or("trace", "");
  if (!trace_dir.empty()) {
    std::error_code ec;
    fs::create_directories(trace_dir, ec);
    if (ec) return usage_error("cannot create the trace directory " + trace_dir + ": " + ec.message());
  }

  auto files = expand_paths(args->positional);
  if (!files) return usage_error(files.message());

  // Load everything first: one invalid file stops the whole run (exit 2).
  std::vector<sim::Scenario> scenarios;
  bool invalid = false;
  for (const auto& f : *files) {
    sim::ScenarioLoad load = sim::load_scenario_file(f);
    if (!load.ok()) {
      std::fputs(format_diagnostics(load.diagnostics, f).c_str(), stderr);
      invalid = true;
      continue;
    }
    scenarios.push_back(std::move(*load.scenario));
  }
  if (invalid) {
    std::fprintf(stderr, "dpcctl scenario: invalid scenario file(s); nothing was run\n");
    return 2;
  }

  // The work: every scenario for every seed, scenario-major so results stream in order.
  std::vector<Job> work;
  std::vector<std::vector<size_t>> jobs_of(scenarios.size());
  for (size_t i = 0; i < scenarios.size(); ++i) {
    std::vector<uint64_t> list = seeds->empty() ? std::vector<uint64_t>{scenarios[i].seed} : *seeds;
    if (rewrite && std::find(list.begin(), list.end(), scenarios[i].seed) == list.end()) {
      list.insert(list.begin(), scenarios[i].seed);
    }
    for (uint64_t s : list) {
      jobs_of[i].push_back(work.size());
      work.push_back(Job{i, s, s == scenarios[i].seed});
    }
  }

  sim::RunOptions run_options;
  run_options.chrome_trace = !trace_dir.empty();
  std::vector<TimedRun> results(work.size());
  std::vector<char> finished(work.size(), 0);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  auto worker = [&]() {
    while (true) {
      const size_t k = next.fetch_add(1);
      if (k >= work.size()) return;
      const Job& job = work[k];
      const auto t0 = std::chrono::steady_clock::now();
      TimedRun tr;
      tr.result = sim::run_scenario(scenarios[job.scenario], job.seed, run_options);
      tr.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!trace_dir.empty()) {
        const std::string path = (fs::path(trace_dir) / (safe_name(scenarios[job.scenario].name) + ".seed" +
                                                         std::to_string(job.seed) + ".json"))
                                     .string();
        write_text(path, tr.result.chrome_trace);
        tr.result.chrome_trace.clear();
      }
      std::lock_guard<std::mutex> lock(mu);
      results[k] = std::move(tr);
      finished[k] = 1;
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  const unsigned threads = static_cast<unsigned>(std::min<size_t>(jobs, work.size()));
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);

  std::vector<ScenarioRuns> report;
  size_t passed = 0, failed = 0;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const sim::Scenario& sc = scenarios[i];
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] {
        return std::all_of(jobs_of[i].begin(), jobs_of[i].end(), [&](size_t k) { return finished[k] != 0; });
      });
    }
    ScenarioRuns sr{sc.file, sc.name, {}};
    std::string notes;
    for (size_t k : jobs_of[i]) {
      TimedRun& tr = results[k];
      sim::RunResult& r = tr.result;
      if (work[k].transcript) {
        const std::string tpath = sc.transcript_path();
        if (rewrite) {
          if (!r.passed) {
            notes += "  transcript not rewritten: the run at seed " + std::to_string(r.seed) + " failed\n";
          } else if (write_text(tpath, r.transcript)) {
            notes += "  wrote " + tpath + "\n";
          } else {
            notes += "  cannot write " + tpath + "\n";
          }
        } else {
          bool found = false;
          const std::string expected = read_text(tpath, &found);
          if (found && r.passed) {
            if (auto diff = sim::transcript_difference(expected, r.transcript)) {
              r.passed = false;
              r.failure = sim::ScenarioFailure{sc.steps.size(), "", 0, "(the transcript)",
                                               "the run's transcript differs from " + tpath + ": " + *diff +
                                                   "\n  (review the change, then regenerate it with --rewrite)"};
            }
          }
        }
      }
      (r.passed ? passed : failed) += 1;
      sr.runs.push_back(std::move(tr));
    }
    if (!json_out) {
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
    report.push_back(std::move(sr));
  }
  for (auto& t : pool) t.join();

  if (auto junit = args->get("junit")) {
    if (!write_text(*junit, junit_xml(report))) {
      std::fprintf(stderr, "dpcctl scenario: cannot write the JUnit report %s\n", junit->c_str());
    }
  }
  if (json_out) {
    std::printf("%s\n", results_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fprintf(stderr, "%zu passed, %zu failed\n", passed, failed);  // stdout stays pure JSON
  } else {
    std::printf("%zu passed, %zu failed\n", passed, failed);
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace dpc::cli
