// The sections of `dpcctl bench`, as a library the CLI links: cli/cmd_bench.cc
// parses the options, runs the sections and writes the files;
// election_section.cc measures election times (virtual) over many seeds;
// speed_section.cc measures startup (virtual) and the simulator's speed and
// memory (wall clock, read only in bench/); targets.cc judges the targets.
//
// The sections run one after the other on
// the calling thread; seed sweeps fan out over BenchConfig::threads worker
// threads, each with its own simulator objects (nothing shared but the
// result slots each writes).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dpc::bench {

using Json = nlohmann::ordered_json;

struct BenchConfig {
  std::string out_dir = "results";
  bool quick = false;
  int seeds = 1000;     ///< seeds per election distribution
  int threads = 2;      ///< worker threads for the seed sweeps
  std::string source_dir;  ///< the source tree (scenarios/topologies)
};

/// A file the run wrote, for the summary.
struct Output {
  std::string path;
  std::string what;
};

/// What each section hands back: its JSON, its SVG files (name -> text),
/// and the lines of the human summary.
struct SectionResult {
  Json json;
  std::vector<std::pair<std::string, std::string>> svgs;
  std::vector<std::string> summary;
  bool ok = true;
};

SectionResult run_election_section(const BenchConfig& config);
SectionResult run_cluster_section(const BenchConfig& config);
SectionResult run_startup_section(const BenchConfig& config);
SectionResult run_speed_section(const BenchConfig& config);

/// Runs fn(0..count-1) over `threads` threads (indexes handed out in order).
void parallel_for(int count, int threads, const std::function<void(int)>& fn);

/// Wall-clock seconds since an arbitrary start (steady clock).
double wall_seconds();
/// CPU seconds used by the whole process so far (all threads): with other
/// work on the machine, rates per CPU second are steadier than per wall second.
double cpu_seconds();

/// "12.3" style number for summaries.
std::string fmt(double v, int decimals = 1);

/// A number rounded to `decimals` places, for JSON.
double round_to(double v, int decimals);

/// The targets of docs/performance.md judged from the sections' JSON (an
/// array of {target, goal, measured, status, how, reproduce}).
Json check_targets(const Json& sections, const BenchConfig& cfg);

}  // namespace dpc::bench
