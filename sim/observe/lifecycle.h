// Lifecycle: a simulated run's trace (sim/engine/trace.h) folded into what each
// instance was doing over virtual time — segments of lifecycle state
// (starting, MOUNT, OPEN, exiting, stopped, HALT, crashed, refused) and RAFT
// role (follower, candidate, leader) — plus the instant events worth a
// marker (elections, dropped messages, injected faults, signals, halts).
// The shared model behind the Chrome trace export (sim/observe/chrome_trace.h) and
// the text timeline of a failing scenario (sim/observe/timeline.h). Pure functions
// of the events; no threading concerns.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "sim/engine/trace.h"

namespace dpc::sim {

/// One stretch of time in which an instance's state and role did not change.
struct LifecycleSegment {
  std::string instance;
  SimTime start = 0;
  SimTime end = 0;
  std::string state;  ///< starting, MOUNT, OPEN, exiting, stopped, HALT, crashed, refused
  std::string role;   ///< "", follower, candidate, leader
  int64_t term = 0;   ///< the RAFT term while a replica, else 0
  std::string mode;   ///< PRIMARY / STANDBY once known for an OPEN replica, else ""
};

struct Lifecycle {
  std::vector<std::string> instances;  ///< every instance seen, in name order
  std::vector<LifecycleSegment> segments;  ///< per instance in time order, instances in name order
  std::vector<TraceEvent> instants;        ///< markers, in time order
  SimTime end = 0;                         ///< the run's last time
};

/// Folds `events` (in recorded order) into segments up to `end`.
Lifecycle build_lifecycle(const std::deque<TraceEvent>& events, SimTime end);

/// Whether a trace kind is shown as an instant marker (elections, drops,
/// faults, signals, halts, rejections, violations).
bool is_instant_kind(const std::string& kind);

/// "OPEN PRIMARY leader t2", "MOUNT follower t1", "stopped": a segment's label.
std::string segment_label(const LifecycleSegment& s);

}  // namespace dpc::sim
