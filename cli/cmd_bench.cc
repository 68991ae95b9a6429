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
#include "cli/cmd_bench.h"
#include "cli/commands.h"

namespace dpc::cli {

namespace bench {

void parallel_for(int count, int threads, const std::function<void(int)>& fn) {
  threads = std::max(1, std::min(threads, count));
  if (threads == 1) {
    for (int i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = next++; i < count; i = next++) fn(i);
    });
  }
  for (std::thread& th : pool) th.join();
}

double wall_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

double round_to(double v, int decimals) {
  const double m = std::pow(10.0, decimals);
  return std::round(v * m) / m;
}

}  // namespace bench

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

/// One target of the issue: measured value, whether it is met.
Json target(const std::string& name, const std::string& goal, const Json& measured, const std::string& said,
            bool known, bool met, const std::string& how, const std::string& command) {
  Json t;
  t["target"] = name;
  t["goal"] = goal;
  t["measured"] = measured;
  t["measured_text"] = known ? "measured " + said : "not measured in this run";
  t["status"] = !known ? "not measured" : met ? "met" : "missed";
  t["how"] = how;
  t["reproduce"] = command;
  return t;
}

Json check_targets(const Json& sections, const bench::BenchConfig& cfg) {
  Json out = Json::array();
  const std::string cmd = "dpcctl bench --out results --only ";
  // 1. Events per second on one core.
  {
    double whole = 0, whole_cpu = 0, engine = 0, engine_cpu = 0;
    int best_groups = 0;
    std::string per_size;
    bool known = sections.contains("speed");
    if (known) {
      engine = sections["speed"]["engine"].value("events_per_s", 0.0);
      engine_cpu = sections["speed"]["engine"].value("events_per_cpu_s", 0.0);
      for (const Json& s : sections["speed"]["scale"]) {
        if (!s.contains("idle")) continue;
        const double rate = s["idle"].back().value("events_per_s", 0.0);
        per_size += (per_size.empty() ? "" : ", ") + std::to_string(s.value("groups", 0)) + ": " +
                    bench::fmt(rate / 1e6, 2);
        if (rate > whole) best_groups = s.value("groups", 0);
        whole = std::max(whole, rate);
        whole_cpu = std::max(whole_cpu, s["idle"].back().value("events_per_cpu_s", 0.0));
      }
    }
    const std::string said = "whole simulator " + bench::fmt(whole / 1e6, 2) + " M events/s at " +
                             std::to_string(best_groups) + " BP group(s) (M events/s by groups: " + per_size +
                             "); event engine alone " + bench::fmt(engine / 1e6, 2) + " M/s";
    out.push_back(target("events per second, one core", ">= 5,000,000 events/s",
                         {{"whole_simulator_best_idle", whole},
                          {"whole_simulator_best_idle_per_cpu_s", whole_cpu},
                          {"event_engine_alone", engine},
                          {"event_engine_alone_per_cpu_s", engine_cpu}},
                         said, known,
                         whole >= 5e6, "whole simulator idling a deployed cluster (trace off, invariants on)",
                         cmd + "speed"));
  }
  // 2. 300 groups idle 10 virtual minutes at >= 1000x real time.
  {
    double ratio = 0, wall = 0, ratio_cpu = 0;
    bool known = false;
    if (sections.contains("speed")) {
      for (const Json& s : sections["speed"]["scale"]) {
        if (s.value("groups", 0) != 300 || !s.contains("idle")) continue;
        const Json& last = s["idle"].back();
        if (last.value("virtual_s", 0.0) < 600) continue;
        known = true;
        ratio = last.value("virtual_per_wall", 0.0);
        ratio_cpu = last.value("virtual_per_cpu_s", 0.0);
        wall = last.value("wall_s", 0.0);
      }
    }
    out.push_back(target("300 BP groups of 3 idle for 10 virtual minutes", ">= 1000x real time (<= 0.6 s wall)",
                         {{"x_real_time", ratio}, {"wall_s", wall}, {"x_real_time_per_cpu_s", ratio_cpu}},
                         bench::fmt(ratio, 0) + "x real time: " + bench::fmt(wall, 2) +
                             " s wall for 600 virtual s (" + bench::fmt(ratio_cpu, 0) + "x per CPU second)",
                         known,
                         ratio >= 1000,
                         cfg.quick ? "not run with --quick" : "idle after the deployment", cmd + "speed"));
  }
  // 3. Memory linear in instances.
  {
    bool known = sections.contains("speed") && sections["speed"]["scale"].size() >= 3;
    const Json fit = sections.contains("speed") ? sections["speed"]["memory_fit"] : Json::object();
    const double r2 = fit.value("r2", 0.0);
    out.push_back(target("memory linear in instances", "peak RSS fits a + b * instances (R^2 >= 0.99)",
                         fit,
                         bench::fmt(fit.value("b_kib_per_instance", 0.0), 1) + " KiB per instance above " +
                             bench::fmt(fit.value("a_mib", 0.0), 1) + " MiB, R^2 " + bench::fmt(r2, 4),
                         known, r2 >= 0.99, "peak RSS of a child process per size, above an empty one",
                         cmd + "speed"));
  }
  // 4. Deploy + failover seeds per second on 2 cores.
  {
    bool known = sections.contains("cluster") && sections["cluster"].contains("throughput");
    const Json t = known ? sections["cluster"]["throughput"] : Json::object();
    const double rate = t.value("runs_per_s_threads", 0.0);
    known = known && t.value("threads", 0) == 2;
    const Json one = t.value("one_thread", Json::object());
    out.push_back(target("deploy + failover seeds per second on 2 cores", ">= 2000 seeds/s", t,
                         bench::fmt(rate, 0) + " runs/s on " + std::to_string(t.value("threads", 0)) +
                             " threads (" + bench::fmt(one.value("runs_per_s", 0.0), 0) + " on one)",
                         known,
                         rate >= 2000, "mini-3replica deployed and its leader killed, one seed per run",
                         cmd + "cluster --threads 2"));
  }
  // A --quick run is a smoke test: its wall-clock figures come from runs too
  // short to say anything about a target, so none is called met or missed.
  if (cfg.quick) {
    for (Json& t : out) {
      if (t["status"] != "not measured") t["status"] = "not judged (--quick runs are too short)";
    }
  }
  return out;
}

}  // namespace

int cmd_bench(const Words& words) {
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
  std::string tsum = "Targets (issue 7):\n";
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
