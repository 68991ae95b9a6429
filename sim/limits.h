// The bounds of the numbers a user gives the simulator, in scenario files
// and in the shell (docs/scenarios.md, "Numbers"). Shared by the scenario
// loader and the session. Constants only; no threading concerns.
#pragma once

#include <cstdint>

namespace dpc::sim {

/// Bounds of the numbers of scenario files and of the shell (docs/scenarios.md,
/// "Numbers"): every number is finite and non-negative, and
/// - a wait, hold, poll, `advance` or elapsed-time bound is at most 24
///   virtual hours (a never-true wait costs memory for the trace of every
///   virtual hour it waits, and time sums must not overflow);
/// - a link's latency and jitter are at most a minute (a slower link is a
///   partition: use `partition` or loss 1); loss is a probability 0..1;
/// - an instance's election-timeout jitter is at most a minute.
constexpr int64_t kMaxVirtualWaitMs = int64_t{24} * 60 * 60 * 1000;
constexpr double kMaxLinkDelayMs = 60'000;
constexpr int64_t kMaxJitterMs = 60'000;

}  // namespace dpc::sim
