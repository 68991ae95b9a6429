// The bare event engine's workload, the one both `dpcctl bench` (the speed
// section's "event engine alone") and the Google Benchmark binary
// (event_loop_bench.cc) measure: `pending` events, each rescheduling itself
// 1..1000 us ahead with a draw from the seeded Rng, so the heap stays at
// `pending` entries. Header-only; one instance per thread.
#pragma once

#include <cstdint>

#include "sim/engine/event_loop.h"
#include "sim/engine/rng.h"

namespace dpc::bench {

class EngineChurn {
 public:
  explicit EngineChurn(int pending, uint64_t seed = 1) : rng_(seed) {
    for (int i = 0; i < pending; ++i) loop_.after(i, "bench.tick", Tick{&loop_, &rng_, &fired_});
  }
  EngineChurn(const EngineChurn&) = delete;
  EngineChurn& operator=(const EngineChurn&) = delete;

  /// Runs `events` events.
  void run(uint64_t events) {
    for (uint64_t i = 0; i < events; ++i) loop_.step();
  }
  uint64_t fired() const { return fired_; }

 private:
  struct Tick {
    sim::EventLoop* loop;
    sim::Rng* rng;
    uint64_t* fired;
    void operator()() const {
      ++*fired;
      loop->after(1 + static_cast<sim::SimTime>(rng->uniform(999)), "bench.tick", *this);
    }
  };
  sim::EventLoop loop_;
  sim::Rng rng_;
  uint64_t fired_ = 0;
};

}  // namespace dpc::bench
