// ProcessLauncher: the seam between RealBackend and the operating system's
// processes (dminit, dmrman run to completion; dmserver kept running).
//
// AsioProcessLauncher (asio_process_launcher.h) is the real implementation:
// posix_spawn, pipes and pidfds watched by a Boost.Asio io_context. Tests of
// RealBackend put a GoogleMock stand-in here and drive the callbacks by hand,
// in the style of ninja's CommandRunner / FakeCommandRunner.
//
// Threading: single-threaded. Callbacks run from inside the io_context the
// launcher was built on (RealBackend::run_one), never from inside start().
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace dpc::real {

/// What to run and where its standard streams go.
struct ProcessSpec {
  std::string program;            ///< absolute path of the executable
  std::vector<std::string> args;  ///< argv[1..]; never a secret
  std::string cwd;                ///< working directory ("" = dpcctl's own)
  /// Added to (or replacing in) the child's environment, as NAME=VALUE.
  std::vector<std::string> env;
  /// Names left out of the environment the child inherits (the variable
  /// holding the SYSDBA password: no DM process needs it).
  std::vector<std::string> env_drop;
  /// Standard input: "" = /dev/null; otherwise a path opened read-write by
  /// the child (a FIFO, so the child never sees end-of-file and any process
  /// may type console lines into it later).
  std::string stdin_path;
  /// Open stdin_path read-only instead: the child then sees end-of-file
  /// once every writer has closed it (the one that made it ended or died).
  bool stdin_read_only = false;
  /// Standard output and error: "" = a pipe read by the launcher; otherwise
  /// a file the child appends to directly (so it outlives dpcctl), which the
  /// launcher tails.
  std::string output_path;
  /// Detached: in its own process group, left running when the launcher is
  /// destroyed. Non-detached children are killed then.
  bool detach = false;
};

/// How a process ended.
struct ProcessExit {
  int exit_code = -1;  ///< the exit status when it exited normally, else -1
  int signal = 0;      ///< the signal that killed it, else 0
  bool exited_normally() const { return signal == 0 && exit_code >= 0; }
  /// "exit status 1" or "killed by signal 9 (SIGKILL)".
  std::string describe() const;
};

struct ProcessCallbacks {
  /// Each complete line of output, without its newline (a last unterminated
  /// line is delivered before on_exit).
  std::function<void(const std::string& line)> on_line;
  /// Once, after the last line.
  std::function<void(const ProcessExit& exit)> on_exit;
};

class ProcessLauncher {
 public:
  virtual ~ProcessLauncher() = default;

  /// Starts a process; returns its pid, or an error naming the program and
  /// the reason (not found, not executable, fork failed).
  virtual Result<int> start(const ProcessSpec& spec, ProcessCallbacks callbacks) = 0;
  /// Sends a signal to a process (one of ours or one from an earlier run).
  virtual Status send_signal(int pid, int signo) = 0;
  /// Whether a process with this pid exists and has not exited.
  virtual bool alive(int pid) = 0;
};

}  // namespace dpc::real
