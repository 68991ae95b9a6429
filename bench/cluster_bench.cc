// The whole simulator (bench/cluster_workload.h) on the wall clock: deploy +
// failover runs of mini-3replica (one seed per iteration; on 1 and 2
// threads), the deployment of each example topology (sequential and
// parallel plan), and generated clusters of N BP groups of 3 deployed and
// left idle for a virtual duration (events/s, virtual seconds per wall
// second, peak RSS of the process so far).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/cluster_workload.h"

namespace {

using namespace dpc::sim;

const dpc::Topology& mini() {
  static const dpc::Topology topo = [] {
    auto t = load_bench_topology(dpc::bench::topology_path("mini-3replica"));
    if (!t) std::abort();
    return *t;
  }();
  return topo;
}

std::atomic<uint64_t> next_seed{1};

void BM_DeployFailover(benchmark::State& state) {
  const dpc::Topology& topo = mini();
  BenchSimOptions o;
  o.jitter_ms = state.range(0);
  uint64_t events = 0;
  int failed = 0;
  for (auto _ : state) {
    const DeployFailoverRun r = run_deploy_failover(topo, next_seed++, o);
    events += r.events;
    failed += r.ok ? 0 : 1;
  }
  if (failed) state.SkipWithError("a deploy + failover run failed");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["runs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DeployFailover)->Arg(0)->Arg(500)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_Startup(benchmark::State& state, std::string stem, int parallel) {
  auto topo = load_bench_topology(dpc::bench::topology_path(stem));
  if (!topo) {
    state.SkipWithError(topo.message().c_str());
    return;
  }
  StartupRun last;
  for (auto _ : state) last = run_startup(*topo, parallel, 1);
  if (!last.ok) state.SkipWithError(last.error.c_str());
  state.counters["virtual_s"] = last.total_ms / 1000.0;
  state.counters["steps"] = last.steps;
  state.counters["critical_path_steps"] = static_cast<double>(last.critical_path.size());
  state.counters["events"] = static_cast<double>(last.events);
}

const bool startup_registered = [] {
  for (const std::string& stem : dpc::bench::example_topologies()) {
    for (int parallel : {1, 4, 16}) {
      benchmark::RegisterBenchmark(("BM_Startup/" + stem + "/parallel:" + std::to_string(parallel)).c_str(),
                                   BM_Startup, stem, parallel)
          ->Unit(benchmark::kMillisecond);
    }
  }
  return true;
}();

/// Args: BP groups, virtual seconds of idling per iteration. The deployment
/// is not timed.
void BM_IdleCluster(benchmark::State& state) {
  const int groups = static_cast<int>(state.range(0));
  const int64_t idle_ms = state.range(1) * 1000;
  auto topo = scale_topology(groups);
  if (!topo) {
    state.SkipWithError(topo.message().c_str());
    return;
  }
  ScaleRun run(*topo, 1, BenchSimOptions{});  // set up outside the timed loop
  if (const dpc::Status st = run.deploy(); !st.ok()) {
    state.SkipWithError(st.message().c_str());
    return;
  }
  const uint64_t before = run.events();
  double virtual_s = 0;
  for (auto _ : state) {
    run.idle(idle_ms);
    virtual_s += static_cast<double>(idle_ms) / 1000.0;
  }
  const uint64_t events = run.events() - before;
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["virtual_s_per_s"] = benchmark::Counter(virtual_s, benchmark::Counter::kIsRate);
  state.counters["instances"] = static_cast<double>(topo->instances.size());
  state.counters["peak_rss_mib"] = dpc::bench::peak_rss_mib();
}

void idle_args(benchmark::internal::Benchmark* b) {
  if (dpc::bench::quick_mode()) {
    b->Args({1, 10})->Args({10, 10});
    return;
  }
  for (int groups : {1, 10, 100, 300}) b->Args({groups, 600});
  for (int seconds : {10, 60, 3600}) b->Args({10, seconds});
}
BENCHMARK(BM_IdleCluster)->Apply(idle_args)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

/// Args: BP groups. Wall time of the whole deployment through the plan.
void BM_DeployScale(benchmark::State& state) {
  auto topo = scale_topology(static_cast<int>(state.range(0)));
  if (!topo) {
    state.SkipWithError(topo.message().c_str());
    return;
  }
  uint64_t events = 0;
  for (auto _ : state) {
    ScaleRun run(*topo, 1, BenchSimOptions{});
    if (const dpc::Status st = run.deploy(); !st.ok()) {
      state.SkipWithError(st.message().c_str());
      break;
    }
    events += run.events();
  }
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DeployScale)
    ->Apply([](benchmark::internal::Benchmark* b) {
      for (int g : dpc::bench::quick_mode() ? std::vector<int>{1, 10} : std::vector<int>{1, 10, 100, 300}) b->Arg(g);
    })
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
