// ScenarioSweep: the runs of `dpcctl scenario run` — every scenario for every
// seed, scenario-major — on a pool of threads. Each run owns its SimSession,
// so runs share nothing mutable and the results do not depend on the number
// of threads; a run's Chrome trace, when asked for, is written as it ends.
// The command takes the results scenario by scenario, in order, each as
// soon as its runs have ended (wait_for), so they stream out in file order.
// On a terminal a progress line (runs done, failures so far, rate) is
// refreshed on stderr every second while it waits. After an interrupt no
// new run starts and wait_for returns once the running ones have ended.
// Thread-safety: one thread (the command's) calls the public methods; the
// workers share the counters under one mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/interrupt.h"
#include "cli/scenario_report.h"
#include "sim/scenario/scenario.h"

namespace dpc::cli {

class ScenarioSweep {
 public:
  struct Job {
    size_t scenario;
    uint64_t seed;
    bool transcript;  ///< the run at the file's own seed: compare (or rewrite) its transcript
  };

  /// Each scenario runs once per seed of `seeds` (its own sim.seed when
  /// empty; that seed added first when `rewrite` needs it). `trace_dir`:
  /// where Chrome traces go ("" for none).
  ScenarioSweep(const std::vector<sim::Scenario>& scenarios, const std::vector<uint64_t>& seeds, bool rewrite,
                std::string trace_dir);
  ~ScenarioSweep();
  ScenarioSweep(const ScenarioSweep&) = delete;
  ScenarioSweep& operator=(const ScenarioSweep&) = delete;

  size_t runs() const { return work_.size(); }
  /// Starts the workers.
  void start(unsigned threads);
  /// Waits until every run of scenario `i` has ended or, once `interrupts`
  /// counted a signal, until no run is in flight (saying so once on stderr).
  void wait_for(size_t i, const InterruptGuard& interrupts);
  /// Whether an interrupt stopped the sweep.
  bool stopped() const { return stop_; }
  /// The indexes (into job() and result()) of scenario `i`'s runs, in seed order.
  const std::vector<size_t>& runs_of(size_t i) const { return jobs_of_[i]; }
  bool ended(size_t k) const { return finished_[k] != 0; }
  const Job& job(size_t k) const { return work_[k]; }
  TimedRun& result(size_t k) { return results_[k]; }
  /// Waits for the workers to return.
  void join();

 private:
  void worker();
  void show_progress();
  void clear_progress();

  const std::vector<sim::Scenario>& scenarios_;
  const std::string trace_dir_;
  std::vector<Job> work_;
  std::vector<std::vector<size_t>> jobs_of_;
  std::vector<TimedRun> results_;
  std::vector<char> finished_;
  std::vector<std::thread> pool_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<size_t> next_{0};
  // Guarded by mu_: runs started and not yet ended, ended, and failed.
  size_t in_flight_ = 0, ended_ = 0, failed_so_far_ = 0;
  std::atomic<bool> stop_{false};

  // Progress on a terminal; erased before each result line.
  const bool progress_;
  const std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_progress_;
  bool progress_shown_ = false;
};

}  // namespace dpc::cli
