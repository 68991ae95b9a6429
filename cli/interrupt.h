// Ctrl-C (SIGINT) and SIGTERM during a long command: while an
// InterruptGuard lives, the signals are counted instead of ending the
// process, so the command can stop cleanly: the first asks it to start no
// new work, the second to end what runs now. The handler only counts
// (async-signal-safe); the command polls count(). One guard at a time.
#pragma once

#include <csignal>
#include <string>

namespace dpc::cli {

class InterruptGuard {
 public:
  InterruptGuard();   ///< installs the handlers
  ~InterruptGuard();  ///< restores the previous ones
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  /// Signals received since construction.
  int count() const;
  /// The last signal received (0 when none).
  int last_signal() const;
  /// "SIGINT", "SIGTERM".
  static std::string name(int signo);
  /// The exit status a shell gives a command ended by `signo` (128 + signo).
  static int exit_status(int signo) { return 128 + signo; }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace dpc::cli
