// Chrome trace-event export of a simulated run: the JSON that Perfetto
// (ui.perfetto.dev) and chrome://tracing open as a timeline. One track
// (tid) per instance shows its lifecycle state and RAFT role over virtual
// time as complete events ("ph":"X", labelled like "OPEN PRIMARY leader t1"),
// with instant events ("ph":"i") for elections, dropped messages, injected
// faults, signals and halts; cluster-wide events (partitions, host crashes,
// tools) sit on a "cluster" track. Timestamps are virtual microseconds.
//
// Pure: trace events in, JSON text out (built on sim/observe/lifecycle.h). Used by
// `dpcctl scenario run --trace DIR` and `dpcctl deploy --trace FILE`. No
// threading concerns.
#pragma once

#include <deque>
#include <string>

#include "sim/engine/trace.h"

namespace dpc::sim {

struct ChromeTraceOptions {
  std::string title = "dpcctl simulation";  ///< the process name shown
  /// Where the last segments end; -1 = the last event's time.
  SimTime end = -1;
};

/// {"displayTimeUnit": "ms", "traceEvents": [...], "otherData": {...}}.
std::string chrome_trace_json(const std::deque<TraceEvent>& events,
                              const ChromeTraceOptions& options = {});

}  // namespace dpc::sim
