// The Raft paper's Figure 16 (Ongaro & Ousterhout, USENIX ATC 2014, §9.3)
// beside the RAFT election model (bench/election_workload.h): the four numbers
// the paper's text states, checked against the model's summaries within
// ±20 %, and the model's mechanisms switched one at a time (the hypotheses
// docs/performance.md records, including those that made the fit worse).
// Pure functions over setups and summaries; deterministic.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bench/election_workload.h"

namespace dpc::sim {

/// One number the paper states, and the model's value for it.
struct Figure16Check {
  std::string what;   ///< e.g. "150-155 ms: median downtime"
  std::string setup;  ///< the setup it is read from, e.g. "paper-150-155"
  std::string stat;   ///< "p50", "max", "mean", or "min" (the r = 0 line)
  double paper = 0;   ///< ms
  double model = 0;   ///< ms (0 when the setup was not run)
  /// Within ±20 % of the paper; for the r = 0 line: no trial elected a leader
  /// within 10 s ("consistently took longer than 10 seconds").
  bool ok = false;
};

/// The paper's r = 0 line is judged against this limit (ms).
inline constexpr double kFigure16NeverMs = 10'000;

/// The four stated numbers (r = 0 never within 10 s; r = 5 median 287 ms;
/// r = 50 worst of 1000 trials 513 ms; 12-24 ms mean 35 ms and longest
/// 152 ms: five checks) read from `summaries` by setup name.
std::vector<Figure16Check> figure16_checks(const std::vector<ElectionSummary>& summaries);

/// Whether every check holds.
bool figure16_all_ok(const std::vector<Figure16Check>& checks);

/// The setups the checks read (paper-150-150 with a 10 s limit, which is all
/// its check needs, paper-150-155, paper-150-200, paper-12-24), with the
/// model's defaults.
std::vector<ElectionSetup> figure16_check_setups();

/// A variant of the model: a name, what it changes, and the change.
struct Figure16Hypothesis {
  std::string name;
  std::string what;
  std::function<void(ElectionSetup&)> apply;
};

/// The earlier model, each mechanism added or removed alone, and the
/// alternatives measured on the way (docs/performance.md lists the results).
std::vector<Figure16Hypothesis> figure16_hypotheses();

}  // namespace dpc::sim
