#include "cli/scenario_sweep.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sim/scenario/scenario_run.h"

namespace dpc::cli {
namespace {

namespace fs = std::filesystem;

std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out;
}

}  // namespace

ScenarioSweep::ScenarioSweep(const std::vector<sim::Scenario>& scenarios, const std::vector<uint64_t>& seeds,
                             bool rewrite, std::string trace_dir)
    : scenarios_(scenarios),
      trace_dir_(std::move(trace_dir)),
      jobs_of_(scenarios.size()),
      progress_(::isatty(STDERR_FILENO) != 0),
      started_(std::chrono::steady_clock::now()),
      last_progress_(started_) {
  for (size_t i = 0; i < scenarios.size(); ++i) {
    std::vector<uint64_t> list = seeds.empty() ? std::vector<uint64_t>{scenarios[i].seed} : seeds;
    if (rewrite && std::find(list.begin(), list.end(), scenarios[i].seed) == list.end()) {
      list.insert(list.begin(), scenarios[i].seed);
    }
    for (uint64_t s : list) {
      jobs_of_[i].push_back(work_.size());
      work_.push_back(Job{i, s, s == scenarios[i].seed});
    }
  }
  results_.resize(work_.size());
  finished_.assign(work_.size(), 0);
}

ScenarioSweep::~ScenarioSweep() { join(); }

void ScenarioSweep::start(unsigned threads) {
  for (unsigned t = 0; t < threads; ++t) pool_.emplace_back([this] { worker(); });
}

void ScenarioSweep::join() {
  for (auto& t : pool_) t.join();
  pool_.clear();
}

void ScenarioSweep::worker() {
  sim::RunOptions run_options;
  run_options.chrome_trace = !trace_dir_.empty();
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      ++in_flight_;
    }
    const size_t k = next_.fetch_add(1);
    if (k >= work_.size()) {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
      cv_.notify_all();
      return;
    }
    const Job& job = work_[k];
    const auto t0 = std::chrono::steady_clock::now();
    TimedRun tr;
    tr.result = sim::run_scenario(scenarios_[job.scenario], job.seed, run_options);
    tr.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!trace_dir_.empty()) {
      const std::string path = (fs::path(trace_dir_) / (safe_name(scenarios_[job.scenario].name) + ".seed" +
                                                        std::to_string(job.seed) + ".json"))
                                   .string();
      std::ofstream(path, std::ios::binary | std::ios::trunc) << tr.result.chrome_trace;
      tr.result.chrome_trace.clear();
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (!tr.result.passed) ++failed_so_far_;
    results_[k] = std::move(tr);
    finished_[k] = 1;
    ++ended_;
    --in_flight_;
    cv_.notify_all();
  }
}

void ScenarioSweep::wait_for(size_t i, const InterruptGuard& interrupts) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    while (!std::all_of(jobs_of_[i].begin(), jobs_of_[i].end(), [&](size_t k) { return finished_[k] != 0; })) {
      if (interrupts.count() > 0) {
        if (!stop_) {
          stop_ = true;
          clear_progress();
          std::fprintf(stderr, "dpcctl scenario: %s: starting no new run; waiting for %zu running\n",
                       InterruptGuard::name(interrupts.last_signal()).c_str(), in_flight_);
        }
        if (in_flight_ == 0) break;
      }
      cv_.wait_for(lock, std::chrono::milliseconds(200));
      show_progress();
    }
  }
  clear_progress();
}

void ScenarioSweep::show_progress() {
  const auto now = std::chrono::steady_clock::now();
  if (!progress_ || now - last_progress_ < std::chrono::seconds(1)) return;
  last_progress_ = now;
  const double secs = std::chrono::duration<double>(now - started_).count();
  std::fprintf(stderr, "\r\033[K%zu of %zu runs done, %zu failed, %.0f runs/s", ended_, work_.size(), failed_so_far_,
               secs > 0 ? static_cast<double>(ended_) / secs : 0.0);
  std::fflush(stderr);
  progress_shown_ = true;
}

void ScenarioSweep::clear_progress() {
  if (progress_shown_) std::fputs("\r\033[K", stderr);
  progress_shown_ = false;
}

}  // namespace dpc::cli
