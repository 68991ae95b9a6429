// A compact text timeline of a simulated run, printed under a failing
// scenario: one row per instance, one character per time bucket showing its
// lifecycle state and RAFT role (legend in the header), then the last state
// changes and markers as dated lines. Built on sim/observe/lifecycle.h. Pure
// function of the trace events; no threading concerns.
//
//   timeline: 0 .. 5400 ms, 100 ms per column
//   legend: ' ' not started  s starting  m MOUNT  c candidate  l leader (not yet OPEN)
//           P PRIMARY/OPEN leader  o OPEN follower  O OPEN  x exiting  . stopped
//           H HALT  X crashed  r refused
//   MP    |sooooooooooooooooooooooooooooooooooooooooooooooooooo
//   BP11  |          smmmmmmmmmmmmmmlPPPPPPPPPPPPPPPXXXXXXXXXXXX
#pragma once

#include <cstddef>
#include <deque>
#include <string>

#include "sim/engine/trace.h"

namespace dpc::sim {

struct TimelineOptions {
  int width = 72;               ///< columns of the chart
  size_t last_changes = 30;     ///< dated lines after the chart
};

/// The chart and the dated lines for `events` up to `end`.
std::string text_timeline(const std::deque<TraceEvent>& events, SimTime end,
                          const TimelineOptions& options = {});

/// The chart's character for one lifecycle state and role.
char timeline_char(const std::string& state, const std::string& role);

}  // namespace dpc::sim
