// Progress output of a running plan: one line per finished, skipped or
// failed step (counter, step id, instance, outcome, duration), or with
// --json one JSON object per event (an event stream for machines).
// Times are the backend's (virtual in the simulator). Single-threaded.
#pragma once

#include <cstdio>
#include <string>

#include "core/executor.h"

namespace dpc {

class ProgressPrinter {
 public:
  ProgressPrinter(std::FILE* out, bool json) : out_(out), json_(json) {}
  void operator()(const StepEvent& ev) const;

 private:
  std::FILE* out_;
  bool json_;
};

/// "1.234 s" / "12 ms" for a duration in ms.
std::string format_duration(Millis ms);

/// The end-of-run summary: outcome, time taken, the critical path.
std::string format_report(const ExecutionReport& report, const Plan& plan);

}  // namespace dpc
