// Ending a cluster command cleanly on SIGINT / SIGTERM (cluster_interrupt.h).
#include "cli/cluster_interrupt.h"

#include <cstdio>

namespace dpc::cli {

std::function<bool()> ClusterInterrupt::stop_requested() {
  return [this] {
    if (guard_.count() == 0) return false;
    if (!announced_) {
      announced_ = true;
      std::fprintf(stderr, "\ndpcctl %s: %s: starting no new step; waiting for the running ones to end "
                   "(again to end them now)\n", c_.verb.c_str(), InterruptGuard::name(guard_.last_signal()).c_str());
    }
    return true;
  };
}

std::function<bool()> ClusterInterrupt::abort_requested() {
  return [this] { return guard_.count() >= 2; };
}

int ClusterInterrupt::finish(const std::string& state_dir, const StateDir* state, Journal* journal,
                             const std::string& progress, const std::string& how_to_go_on, Millis at) {
  const int signo = guard_.last_signal();
  const std::string sig = InterruptGuard::name(signo);
  std::string noted;
  Result<Journal> opened = Error{""};
  if (journal == nullptr) {
    opened = Journal::open(state_dir, c_.topo.cluster);
    if (opened) journal = &*opened;
    else noted = "; cannot note it in the journal: " + opened.message();
  }
  if (journal != nullptr) {
    Status st = journal->record_interrupt(sig, at, c_.verb);
    noted = st ? "; the journal " + journal->path() + " notes it" : "; cannot note it in the journal: " + st.message();
  }
  const int removed = state != nullptr ? state->remove_secrets() : 0;
  std::fprintf(stderr, "dpcctl %s: interrupted by %s after %s%s; no password file is left in %s/secrets%s\n%s\n",
               c_.verb.c_str(), sig.c_str(), progress.c_str(), noted.c_str(), state_dir.c_str(),
               removed > 0 ? (" (" + std::to_string(removed) + " removed)").c_str() : "", how_to_go_on.c_str());
  return InterruptGuard::exit_status(signo);
}

std::string steps_progress(const std::vector<ExecutionReport>& reports) {
  size_t done = 0, total = 0;
  for (const ExecutionReport& r : reports) {
    total += r.records.size();
    for (const StepRecord& rec : r.records) {
      if (rec.outcome == StepOutcome::Done || rec.outcome == StepOutcome::Skipped) ++done;
    }
  }
  return std::to_string(done) + " of " + std::to_string(total) + " steps";
}

}  // namespace dpc::cli
