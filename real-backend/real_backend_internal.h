// Internal to real-backend/: what real_backend.cc and real_backend_remote.cc
// share — small text helpers and the records of a running server and a
// running tool. Not part of the backend's interface.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "real-backend/real_backend.h"

namespace dpc::real {

namespace asio = boost::asio;

/// Lines of a server's output kept for its error message.
inline constexpr size_t kServerTailLines = 20;

inline std::string timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

/// KEY="VALUE" (as printed for a shell) becomes KEY=VALUE: no shell runs
/// between dpcctl and the tool, so the quotes would reach it literally.
inline std::string unquote_arg(const std::string& arg) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos || arg.size() < eq + 3) return arg;
  if (arg[eq + 1] == '"' && arg.back() == '"') return arg.substr(0, eq + 1) + arg.substr(eq + 2, arg.size() - eq - 3);
  return arg;
}

inline std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

inline int signal_number(Signal sig) {
  switch (sig) {
    case Signal::Usr1: return SIGUSR1;
    case Signal::Term: return SIGTERM;
    case Signal::Kill: return SIGKILL;
  }
  return SIGTERM;
}

inline const char* signal_label(Signal sig) {
  switch (sig) {
    case Signal::Usr1: return "SIGUSR1";
    case Signal::Term: return "SIGTERM";
    case Signal::Kill: return "SIGKILL";
  }
  return "?";
}

struct RealBackend::Server {
  std::string instance;
  std::string ini;  ///< the dm.ini it was started with (its first argument)
  int pid = 0;
  bool ready = false;
  bool exited = false;
  bool reported = false;  ///< `done` has been called
  std::function<void(Status)> done;
  std::deque<std::string> tail;
  std::unique_ptr<asio::steady_timer> timer;
  std::shared_ptr<HostTransport> at;  ///< its host, when that is not this machine

  std::string tail_text() const {
    std::string out;
    for (const auto& l : tail) out += "\n    | " + l;
    return out.empty() ? " (no output)" : out;
  }
};

/// Kills `op`'s process (SIGKILL) once `timeout_ms` has passed, setting
/// op->timed_out, unless op->timer is cancelled first (the process ended).
template <typename Op>
void arm_kill_timer(asio::io_context& io, ProcessLauncher& processes, const std::shared_ptr<Op>& op,
                    Millis timeout_ms) {
  op->timer = std::make_unique<asio::steady_timer>(io, std::chrono::milliseconds(timeout_ms));
  op->timer->async_wait([&processes, op](const boost::system::error_code& ec) {
    if (ec) return;
    op->timed_out = true;
    (void)processes.send_signal(op->pid, SIGKILL);
  });
}

/// The spec that runs `argv` (argv[0] found on $PATH when it has no '/').
ProcessSpec spec_of(const std::vector<std::string>& argv);

/// Makes a 0600 FIFO at `path` (replacing any file there) with `content`
/// waiting in it, and returns a descriptor that holds it open for writing: a
/// child given the FIFO as its read-only standard input sees end-of-file
/// only once that descriptor is closed (the run over, or dpcctl dead). The
/// caller unlinks the path once the child has it open, and closes the fd.
inline Result<int> held_fifo(const std::string& path, const std::string& content) {
  ::unlink(path.c_str());
  int fd = -1;
  if (::mkfifo(path.c_str(), 0600) != 0 || (fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0 ||
      ::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    ::unlink(path.c_str());
    return Error{"cannot make its standard input " + path + ": " + why};
  }
  return fd;
}

struct RealBackend::ToolOp {
  ~ToolOp() { close_stdin(); }
  void close_stdin() {
    if (stdin_fd >= 0) ::close(stdin_fd);
    stdin_fd = -1;
  }
  std::string instance, program, parfile;
  int stdin_fd = -1;  ///< a remote run's standard input (a FIFO), held open while it runs
  std::string host;  ///< when not this machine
  std::string output;
  int pid = 0;
  Millis timeout = 0;
  bool timed_out = false;
  std::function<void(Result<ToolOutcome>)> done;
  std::unique_ptr<asio::steady_timer> timer;
};

}  // namespace dpc::real
