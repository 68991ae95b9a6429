// SimDriver: the console's one live simulated cluster. It owns a SimSession
// (sim/session.h) of the served topology and drives it the way the page asks:
// the virtual clock runs at a chosen speed (paused, real time, faster, or as
// fast as possible) from the server's ticks, or one event at a time; shell
// commands (the words of `dpcctl shell` and scenario files) run to
// completion; a deployment runs one plan step per tick so the page sees each
// step start and finish. Everything that happens is an event in an ordered
// log the page reads (the API's /api/events), and everything done is
// remembered as shell lines so it can be saved as a scenario file that
// `dpcctl scenario run` replays.
//
// Threading: not thread-safe. The server calls it only from its one Asio
// thread, as the simulator requires.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/topology.h"
#include "sim/session.h"

namespace dpc::ui {

/// One line of the page's timeline.
struct UiEvent {
  uint64_t seq = 0;      ///< 1, 2, ... in order
  int64_t at_us = 0;     ///< virtual time
  std::string kind;      ///< trace kind ("raft.leader"), "step.done", "command", "clock"
  std::string instance;  ///< "" for cluster-wide events
  std::string detail;
  nlohmann::json to_json() const;
};

class SimDriver {
 public:
  /// `topology_text` is the topology file's text (kept for saved scenarios).
  SimDriver(Topology topo, std::string topology_text, sim::SimOptions options);
  ~SimDriver();

  /// Runs one shell command line to completion, records it, and returns
  /// {ok, output, error, shell}. Unknown words or names: ok false and the
  /// session's message; nothing changes.
  nlohmann::json command(const std::string& line);
  /// Starts running the deploy plan (the steps not yet done), one step per tick.
  nlohmann::json start_deploy();

  // ---- The clock ----
  void pause() { paused_ = true; }
  void resume() { paused_ = false; }
  /// Runs the next simulator event and those due with it — the clock moves to
  /// it, rounded up to a whole millisecond so a saved scenario's `advance MS`
  /// replays it exactly — or, during a deployment, one plan step.
  void step_once();
  /// Virtual ms per real second; 0 = as fast as possible.
  void set_speed(double virtual_ms_per_second) { speed_ = virtual_ms_per_second; }
  /// Called by the server every `wall_ms` of real time.
  void tick(int64_t wall_ms);

  /// The cluster now: clock, instances, RAFT groups, health, plan steps.
  nlohmann::json state() const;
  /// Events with seq > `since` (at most `limit`).
  nlohmann::json events_since(uint64_t since, size_t limit = 2000) const;
  uint64_t last_seq() const { return next_seq_ - 1; }
  /// What was done, as a scenario file (JSON text) with the topology inline
  /// and, at the end, each RAFT group's current leader as an expectation.
  std::string scenario_text(const std::string& description) const;

  /// Called after new events were logged (the server wakes its streams).
  std::function<void()> on_events;

 private:
  void log(int64_t at_us, std::string kind, std::string instance, std::string detail);
  void run_deploy_step();
  /// The chain of plan steps run from the console that set the deployment's length.
  std::vector<std::string> critical_path() const;

  Topology topo_;
  std::string topology_text_;
  sim::SimOptions options_;
  std::unique_ptr<sim::SimSession> session_;
  std::deque<UiEvent> events_;
  uint64_t next_seq_ = 1;
  bool paused_ = false;
  double speed_ = 1000;  ///< real time
  double carry_ms_ = 0;  ///< fractional virtual ms owed by slow speeds
  bool deploying_ = false;
  std::string running_step_;
  std::string failed_step_;
  std::string failed_error_;  ///< the executor's message: step, instance, command, output tail
  /// Virtual start and finish (ms) of each plan step run from the console.
  std::map<std::string, std::pair<int64_t, int64_t>> step_times_;
  /// A shell line done, with the virtual time (ms) before and after it ran.
  struct Done {
    int64_t before = 0;
    int64_t after = 0;
    std::string line;
  };
  std::vector<Done> history_;
};

}  // namespace dpc::ui
