// Ctrl-C / SIGTERM during a cluster command on the real backend (deploy,
// start, stop, restart, kill, destroy, scale-out, scale-in, convert), the
// same for each: the first signal starts no new step and lets the running
// ones end, a second gives them up (their tools end with the backend; the
// servers, detached, stay as they are). Afterwards the journal of the state
// directory notes the interrupt (one line: signal, command, time), every
// file in secrets/ is removed, and the command says where it stopped and
// how to go on, then exits 128 + the signal's number.
#pragma once

#include <functional>
#include <string>

#include "cli/cluster_cli.h"
#include "cli/interrupt.h"
#include "core/journal.h"
#include "core/state_dir.h"

namespace dpc::cli {

class ClusterInterrupt {
 public:
  explicit ClusterInterrupt(const ClusterCommand& c) : c_(c) {}

  /// ExecutorOptions / OpOptions::stop_requested: says once, on stderr,
  /// what the first signal does.
  std::function<bool()> stop_requested();
  /// ExecutorOptions / OpOptions::abort_requested: a second signal.
  std::function<bool()> abort_requested();
  bool received() const { return guard_.count() > 0; }

  /// After an interrupted run: notes it in `journal` (or in the journal of
  /// `state_dir` when null; a journal that cannot be opened is only
  /// reported), empties secrets/ through `state` (when given), prints
  /// "interrupted by SIG after <progress>; ..." and `how_to_go_on`, and
  /// returns the exit status (128 + signo).
  int finish(const std::string& state_dir, const StateDir* state, Journal* journal,
             const std::string& progress, const std::string& how_to_go_on, Millis at);

 private:
  const ClusterCommand& c_;
  InterruptGuard guard_;
  bool announced_ = false;
};

/// "3 of 7 steps" over the plans an operation ran (steps done or skipped).
std::string steps_progress(const std::vector<ExecutionReport>& reports);

}  // namespace dpc::cli
