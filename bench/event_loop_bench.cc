// The simulator's discrete-event engine alone (sim/engine/event_loop.h): how many
// events per second one core runs when each event schedules the next, with
// a given number of events pending (the heap's size), and the timer pattern
// RAFT uses (re-arm: cancel the pending event and schedule a new one).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "bench/bench_util.h"
#include "bench/engine_churn.h"
#include "sim/engine/event_loop.h"

namespace {

using dpc::sim::EventLoop;
using dpc::sim::SimTime;

/// `pending` self-rescheduling events (bench/engine_churn.h).
void BM_EventLoopChurn(benchmark::State& state) {
  dpc::bench::EngineChurn churn(static_cast<int>(state.range(0)));
  for (auto _ : state) churn.run(1000);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 1000);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 1000, benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(churn.fired());
}
BENCHMARK(BM_EventLoopChurn)->Arg(16)->Arg(1024)->Arg(65536);

/// A timer re-armed on every event, as a RAFT follower re-arms its election
/// timer on each heartbeat: cancel + schedule, and one event run.
void BM_EventLoopRearm(benchmark::State& state) {
  EventLoop loop;
  dpc::sim::EventId timer = 0;
  uint64_t beats = 0;
  struct Beat {
    EventLoop* loop;
    dpc::sim::EventId* timer;
    uint64_t* beats;
    void operator()() const {
      ++*beats;
      loop->cancel(*timer);
      *timer = loop->after(1500'000, "bench.election", [] {});
      loop->after(150'000, "bench.heartbeat", *this);
    }
  };
  loop.after(0, "bench.heartbeat", Beat{&loop, &timer, &beats});
  for (auto _ : state) {
    for (int i = 0; i < 1000; ++i) loop.step();
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 1000, benchmark::Counter::kIsRate);
  benchmark::DoNotOptimize(beats);
}
BENCHMARK(BM_EventLoopRearm);

}  // namespace

BENCHMARK_MAIN();
