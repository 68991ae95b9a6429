// The explorer: many seeds of random fault schedules (sim/explore/nemesis.h)
// against one topology or one scenario's setup, each run as an ordinary
// scenario (sim/scenario/scenario_run.h), so safety is checked after every
// simulated event (the simulator's invariants) and liveness after the faults
// heal (the nemesis's closing checks). Runs spread over threads and over CI
// shards (seed index i belongs to shard i mod N); every failing seed is run
// twice and must give the same trace hash; the first failing seed of each
// kind of failure is shrunk (sim/explore/shrink.h) and both the schedule as
// generated and the minimal one are written to disk as scenario files that
// `dpcctl scenario run FILE` replays.
//
// A run depends only on the setup and its seed, never on the threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/plan.h"
#include "core/topology.h"
#include "sim/engine/timing_profile.h"
#include "sim/explore/nemesis.h"

namespace dpc::sim {

class SimSession;

/// What schedules run against: a topology, or the topology and simulator
/// settings of a scenario (its steps are replaced by the schedule).
struct ExploreSetup {
  std::string source;         ///< the file as given
  std::string name;           ///< its stem
  std::string topology_json;  ///< the topology object (inline in generated scenarios)
  std::string sim_json;       ///< the "sim" object without "seed"
  Topology topology;
  Plan plan;
  TimingProfile profile;
  int64_t jitter_ms = 0;
};

/// Loads a topology or scenario file; errors name the file and field.
std::optional<ExploreSetup> load_explore_setup(const std::string& file, std::vector<Diagnostic>& diagnostics);

/// One schedule to run: the faults and the topology (the shrinker may drop
/// RAFT groups from it).
struct Candidate {
  Schedule schedule;
  std::string topology_json;
};

/// The scenario file of a candidate for one seed.
std::string candidate_scenario_text(const ExploreSetup& setup, const Candidate& c, uint64_t seed,
                                    const std::string& name, const std::string& description);

struct RunOutcome {
  bool valid = true;        ///< false: the candidate is not a loadable scenario
  bool passed = false;
  std::string signature;    ///< the kind of failure, stable under shrinking
  std::string reason;
  std::string trace_hash;
  uint64_t events = 0;
  size_t steps = 0;
};

/// Runs a candidate for one seed; `file` anchors the scenario (replay command).
RunOutcome run_candidate(const ExploreSetup& setup, const Candidate& c, uint64_t seed, const std::string& file,
                         const std::function<void(SimSession&)>& prepare);

struct ExploreOptions {
  uint64_t first_seed = 1;
  uint64_t runs = 100;
  int jobs = 1;
  int shard = 1;         ///< K of --shard K/N (1-based)
  int shards = 1;        ///< N
  std::string out_dir;   ///< "" = write no files
  int max_shrink_runs = 300;
  size_t max_findings = 5;  ///< distinct failure kinds shrunk and written
  NemesisOptions nemesis;
  /// Applied to every run's fresh session (a test plants a broken rule here).
  std::function<void(SimSession&)> prepare;
  /// Called (from one thread at a time) after each run with runs done so far.
  std::function<void(uint64_t done, uint64_t failed)> progress;
};

struct Finding {
  uint64_t seed = 0;
  std::string signature;
  std::string reason;
  uint64_t seeds_failed = 0;     ///< failing seeds of this kind
  bool deterministic = true;     ///< the rerun gave the same trace hash
  std::string trace_hash;
  std::string rerun_hash;
  size_t steps = 0;              ///< steps of the schedule as generated
  size_t shrunk_steps = 0;
  int shrink_runs = 0;
  std::string file;              ///< the generated schedule, as written
  std::string shrunk_file;       ///< the minimal one
  std::string shrunk_text;
  bool replays = false;          ///< the shrunk file, loaded from disk, fails the same way
};

struct ExploreReport {
  uint64_t runs = 0;
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t events = 0;
  std::map<std::string, uint64_t> fault_kinds;  ///< how often each fault was scheduled
  std::map<std::string, uint64_t> phases;       ///< "deployed", "restore", ...
  std::vector<Finding> findings;
};

ExploreReport explore(const ExploreSetup& setup, const ExploreOptions& options);

/// The schedule of one seed (the explorer's own Rng, apart from the simulator's).
Schedule schedule_for_seed(const ExploreSetup& setup, uint64_t seed, const NemesisOptions& options);

/// The kind of a failed run: "safety: ...", "liveness: ...", "resume failed
/// at step start:BP12", with numbers blanked so it survives shrinking.
std::string failure_signature(const std::string& reason, const std::string& step_text);

}  // namespace dpc::sim
