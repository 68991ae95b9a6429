// Election timing on the pure RAFT model (bench/election_workload.h): each
// iteration is one seed of one setup; the counters give the virtual-time
// distribution of the seeds run (p50/p90/p99/max in ms, split-vote rate)
// beside the wall-clock rate of trials. The Raft paper's Figure 16 setups
// and the DMDPC 1500/2000/2500 ms settings (first election and failover).
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/bench_util.h"
#include "bench/election_workload.h"

namespace {

using namespace dpc::sim;

std::vector<ElectionSetup> all_setups() {
  std::vector<ElectionSetup> out = paper_figure16_setups();
  for (auto trigger : {ElectionTrigger::FirstElection, ElectionTrigger::LeaderCrash}) {
    for (ElectionSetup& s : dmdpc_election_setups(trigger)) out.push_back(std::move(s));
  }
  return out;
}

void BM_Election(benchmark::State& state, ElectionSetup setup) {
  std::vector<ElectionTrial> trials;
  uint64_t seed = 1;
  uint64_t events = 0;
  for (auto _ : state) {
    trials.push_back(run_election_trial(setup, seed++));
    events += trials.back().events;
  }
  const ElectionSummary s = summarize(setup, trials);
  state.counters["p50_ms"] = s.p50;
  state.counters["p90_ms"] = s.p90;
  state.counters["p99_ms"] = s.p99;
  state.counters["max_ms"] = s.max;
  state.counters["split_rate"] = s.split_vote_rate;
  state.counters["timed_out"] = s.timed_out;
  state.counters["trials_per_s"] = benchmark::Counter(static_cast<double>(trials.size()), benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}

/// Registers one benchmark per setup: at least 1000 seeds each (a few in
/// the minimal mode).
const bool registered = [] {
  for (const ElectionSetup& s : all_setups()) {
    auto* b = benchmark::RegisterBenchmark(("BM_Election/" + s.name).c_str(), BM_Election, s);
    b->Iterations(dpc::bench::quick_mode() ? 3 : 1000)->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
