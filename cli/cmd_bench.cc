// dpcctl bench [--out DIR] [--quick] [--seeds N] [--threads N] [--only LIST]:
// election and startup timing in virtual time, and the simulator's speed on
// the wall clock. Writes JSON and hand-drawn SVG plots into DIR, a text
// summary to stdout and DIR/summary.txt, and checks the targets
// (docs/performance.md quotes the figures). Exit 0 when every measurement
// ran (targets missed are reported, not failures), 1 when one failed, 2 usage.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "cli/args.h"
#include "bench/sections.h"
#include "cli/commands.h"

namespace dpc::cli {

namespace bench = dpc::bench;


namespace {

using bench::Json;

const char* kBenchUsage =
    "usage: dpcctl bench [--out DIR] [--quick] [--seeds N] [--threads N] [--only LIST]\n"
    "\n"
    "Measures election and startup times in virtual time and the simulator's speed\n"
    "on the wall clock; writes JSON and SVG plots into DIR and a summary to stdout.\n"
    "See docs/performance.md.\n"
    "\n"
    "  --out DIR      where the results go (default: results)\n"
    "  --quick        small sizes and few seeds: a smoke run of every section\n"
    "  --seeds N      seeds per election distribution (default 1000; --quick 40)\n"
    "  --threads N    worker threads for the seed sweeps (default 2)\n"
    "  --only LIST    comma-separated sections: election,cluster,startup,speed\n"
    "  --source DIR   the source tree holding scenarios/topologies (default: found\n"
    "                 from the current directory upwards)\n"
    "\n"
    "dpcctl bench --backend=real TOPOLOGY: failover and restart times of a deployed\n"
    "cluster beside the simulator's prediction (dpcctl bench --backend=real --help).\n"
    "\n"
    "exit status: 0 every measurement ran (missed targets are reported, not\n"
    "failures), 1 a measurement failed or a file could not be written, 2 usage error\n";

const char* const kSections[] = {"election", "cluster", "startup", "speed"};

std::string find_source_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::path p = fs::current_path(ec); !p.empty(); p = p.parent_path()) {
    if (fs::is_directory(p / "scenarios" / "topologies", ec)) return p.string();
    if (p == p.parent_path()) break;
  }
  return "";
}

bool write_text(const std::string& path, const std::string& text, std::string& error) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) {
    error = "cannot write " + path + "; check that the directory is writable";
    return false;
  }
  return true;
}

}  // namespace

int cmd_bench(const Words& words) {
  for (const std::string& w : words) {
    if (w.rfind("--backend", 0) == 0) return cmd_bench_real(words);
  }
  auto args = parse_args(words, {"quick", "help"}, {"out", "seeds", "threads", "only", "source"});
  if (!args) {
    std::fprintf(stderr, "dpcctl bench: %s\n\n%s", args.message().c_str(), kBenchUsage);
    return 2;
  }
  if (args->has("help")) {
    std::fputs(kBenchUsage, stdout);
    return 0;
  }
  if (!args->positional.empty()) {
    std::fprintf(stderr, "dpcctl bench: unexpected argument '%s'\n\n%s", args->positional[0].c_str(), kBenchUsage);
    return 2;
  }
  bench::BenchConfig cfg;
  cfg.quick = args->has("quick");
  cfg.out_dir = args->get_or("out", "results");
  cfg.seeds = cfg.quick ? 40 : 1000;
  for (const char* key : {"seeds", "threads"}) {
    if (!args->has(key)) continue;
    auto n = parse_number(key, *args->get(key));
    if (!n || *n < 1 || *n > 1'000'000) {
      std::fprintf(stderr, "dpcctl bench: --%s must be a number from 1 to 1000000\n\n%s", key, kBenchUsage);
      return 2;
    }
    (std::string(key) == "seeds" ? cfg.seeds : cfg.threads) = static_cast<int>(*n);
  }
  std::set<std::string> only;
  if (auto list = args->get("only")) {
    std::stringstream ss(*list);
    for (std::string item; std::getline(ss, item, ',');) {
      if (std::find(std::begin(kSections), std::end(kSections), item) == std::end(kSections)) {
        std::fprintf(stderr, "dpcctl bench: unknown section '%s' in --only; known: election, cluster, startup, speed\n",
                     item.c_str());
        return 2;
      }
      only.insert(item);
    }
  }
  cfg.source_dir = args->get_or("source", find_source_dir());
  if (cfg.source_dir.empty() || !std::filesystem::is_directory(cfg.source_dir + "/scenarios/topologies")) {
    std::fprintf(stderr,
                 "dpcctl bench: no scenarios/topologies directory found%s; run from dpcctl's source tree or "
                 "pass --source DIR\n",
                 cfg.source_dir.empty() ? "" : (" under " + cfg.source_dir).c_str());
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(cfg.out_dir, ec);
  if (ec) {
    std::fprintf(stderr, "dpcctl bench: cannot create %s: %s\n", cfg.out_dir.c_str(), ec.message().c_str());
    return 1;
  }

  Json sections = Json::object();
  Json files = Json::array();
  std::string summary;
  bool ok = true;
  std::string error;
  const double t0 = bench::wall_seconds();
  for (const char* name : kSections) {
    if (!only.empty() && !only.count(name)) continue;
    std::fprintf(stderr, "dpcctl bench: %s ...\n", name);
    const double s0 = bench::wall_seconds();
    bench::SectionResult r;
    const std::string n = name;
    if (n == "election") r = bench::run_election_section(cfg);
    if (n == "cluster") r = bench::run_cluster_section(cfg);
    if (n == "startup") r = bench::run_startup_section(cfg);
    if (n == "speed") r = bench::run_speed_section(cfg);
    r.json["section_wall_s"] = bench::round_to(bench::wall_seconds() - s0, 3);
    ok = ok && r.ok;
    const std::string json_path = cfg.out_dir + "/" + n + ".json";
    ok = write_text(json_path, r.json.dump(1) + "\n", error) && ok;
    files.push_back(n + ".json");
    for (const auto& [file, svg] : r.svgs) {
      ok = write_text(cfg.out_dir + "/" + file, svg, error) && ok;
      files.push_back(file);
    }
    std::string text;
    for (const std::string& line : r.summary) text += line + "\n";
    text += "\n";
    std::fputs(text.c_str(), stdout);
    summary += text;
    std::fflush(stdout);
    sections[n] = std::move(r.json);
  }
  const Json targets = check_targets(sections, cfg);
  std::string tsum = "Targets:\n";
  for (const Json& t : targets) {
    tsum += "  " + t["target"].get<std::string>() + ": " + t["status"].get<std::string>() + "\n    goal " +
            t["goal"].get<std::string>() + "; " + t["measured_text"].get<std::string>() + "\n";
  }
  std::fputs(tsum.c_str(), stdout);
  summary += tsum;
  Json index;
  index["command"] = "dpcctl bench" + [&] {
    std::string s;
    for (const std::string& w : words) s += " " + w;
    return s;
  }();
  index["quick"] = cfg.quick;
  index["seeds"] = cfg.seeds;
  index["threads"] = cfg.threads;
  index["hardware_threads"] = std::thread::hardware_concurrency();
  index["wall_s"] = bench::round_to(bench::wall_seconds() - t0, 3);
  index["targets"] = targets;
  index["files"] = files;
  ok = write_text(cfg.out_dir + "/bench.json", index.dump(1) + "\n", error) && ok;
  ok = write_text(cfg.out_dir + "/summary.txt", summary, error) && ok;
  if (!error.empty()) std::fprintf(stderr, "dpcctl bench: %s\n", error.c_str());
  std::fprintf(stderr, "dpcctl bench: results in %s (%.1f s)%s\n", cfg.out_dir.c_str(), bench::wall_seconds() - t0,
               ok ? "" : "; some measurements failed, see the summary");
  return ok ? 0 : 1;
}

}  // namespace dpc::cli
