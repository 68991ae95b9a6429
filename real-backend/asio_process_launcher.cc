#include "real-backend/asio_process_launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <optional>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

extern char** environ;

namespace dpc::real {

namespace asio = boost::asio;

namespace {

/// How often a tailed output file and (without pidfds) a child are polled.
constexpr auto kTailInterval = std::chrono::milliseconds(20);
/// After a piped child exits, how long a grandchild may keep the pipe open
/// before its output is declared finished.
constexpr auto kPipeGrace = std::chrono::milliseconds(1000);

std::string errno_text(int err) { return std::strerror(err); }

/// The child's environment: ours without the names in `drop`, with each
/// NAME=VALUE of `extra` replacing or adding NAME.
std::vector<std::string> child_environment(const std::vector<std::string>& extra,
                                           const std::vector<std::string>& drop) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    if (std::find(drop.begin(), drop.end(), name) != drop.end()) continue;
    bool replaced = false;
    for (const auto& x : extra) {
      if (x.substr(0, x.find('=')) == name) replaced = true;
    }
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& words) {
  std::vector<char*> out;
  out.reserve(words.size() + 1);
  for (auto& w : words) out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

ProcessExit exit_from_status(int status) {
  ProcessExit e;
  if (WIFEXITED(status)) {
    e.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    e.signal = WTERMSIG(status);
  }
  return e;
}

}  // namespace

std::string ProcessExit::describe() const {
  if (signal != 0) {
    const char* abbrev = sigabbrev_np(signal);
    return "killed by signal " + std::to_string(signal) +
           (abbrev ? std::string(" (SIG") + abbrev + ")" : std::string());
  }
  return "exit status " + std::to_string(exit_code);
}

struct AsioProcessLauncher::Child : std::enable_shared_from_this<AsioProcessLauncher::Child> {
  Child(asio::io_context& io) : timer(io), grace(io) {}

  int pid = -1;
  bool detach = false;
  ProcessCallbacks callbacks;
  std::unique_ptr<asio::posix::stream_descriptor> pipe;   // piped output
  int tail_fd = -1;                                      // tailed output file
  std::unique_ptr<asio::posix::stream_descriptor> pidfd;  // readable at exit
  asio::steady_timer timer;  // tail poll, or waitpid poll without a pidfd
  asio::steady_timer grace;  // piped output after exit
  std::array<char, 4096> buf{};
  std::string partial;
  bool output_done = false;
  std::optional<ProcessExit> exit;
  bool finished = false;
  bool closed = false;  // the launcher is gone: deliver nothing more

  void deliver(const char* data, size_t n) {
    partial.append(data, n);
    size_t start = 0;
    for (size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string line = partial.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!closed && callbacks.on_line) callbacks.on_line(line);
    }
    partial.erase(0, start);
  }

  void read_pipe() {
    auto self = shared_from_this();
    pipe->async_read_some(asio::buffer(buf), [self](const boost::system::error_code& ec, size_t n) {
      if (self->closed) return;
      if (n > 0) self->deliver(self->buf.data(), n);
      if (ec) {
        self->output_done = true;
        self->maybe_finish();
        return;
      }
      self->read_pipe();
    });
  }

  /// Reads what the tailed file has gained since the last look.
  void drain_tail() {
    if (tail_fd < 0) return;
    for (;;) {
      ssize_t n = ::read(tail_fd, buf.data(), buf.size());
      if (n <= 0) break;
      deliver(buf.data(), static_cast<size_t>(n));
    }
  }

  void poll_tail() {
    auto self = shared_from_this();
    timer.expires_after(kTailInterval);
    timer.async_wait([self](const boost::system::error_code& ec) {
      if (ec || self->closed) return;
      self->drain_tail();
      if (!self->exit) {
        // Without a pidfd the same poll notices the exit.
        if (!self->pidfd) self->try_reap();
        if (!self->exit) self->poll_tail();
      }
    });
  }

  void wait_pidfd() {
    auto self = shared_from_this();
    pidfd->async_wait(asio::posix::descriptor_base::wait_read,
                      [self](const boost::system::error_code& ec) {
                        if (ec || self->closed) return;
                        self->try_reap();
                        if (!self->exit) self->wait_pidfd();
                      });
  }

  void poll_waitpid() {
    auto self = shared_from_this();
    timer.expires_after(kTailInterval);
    timer.async_wait([self](const boost::system::error_code& ec) {
      if (ec || self->closed) return;
      self->try_reap();
      if (!self->exit) self->poll_waitpid();
    });
  }

  void try_reap() {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == 0) return;
    exit = r == pid ? exit_from_status(status) : ProcessExit{};
    if (pidfd) pidfd->close();
    if (tail_fd >= 0) {
      drain_tail();
      output_done = true;
    }
    if (pipe && !output_done) {
      // A grandchild may hold the pipe open; do not wait for it forever.
      auto self = shared_from_this();
      grace.expires_after(kPipeGrace);
      grace.async_wait([self](const boost::system::error_code& e) {
        if (e || self->closed || self->finished) return;
        self->output_done = true;
        self->pipe->close();
        self->maybe_finish();
      });
    }
    maybe_finish();
  }

  void maybe_finish() {
    if (finished || closed || !exit || !output_done) return;
    finished = true;
    grace.cancel();
    timer.cancel();
    if (!partial.empty()) {
      std::string last;
      last.swap(partial);
      if (callbacks.on_line) callbacks.on_line(last);
    }
    if (pipe) pipe->close();
    if (tail_fd >= 0) {
      ::close(tail_fd);
      tail_fd = -1;
    }
    // The callback may destroy whoever owns it; move it out first.
    auto on_exit = std::move(callbacks.on_exit);
    callbacks = {};
    if (on_exit) on_exit(*exit);
  }

  /// The launcher is going away: stop watching; kill unless detached.
  void close_down() {
    closed = true;
    timer.cancel();
    grace.cancel();
    if (pipe) pipe->close();
    if (pidfd) pidfd->close();
    if (tail_fd >= 0) {
      ::close(tail_fd);
      tail_fd = -1;
    }
    if (!exit && !detach) {
      ::kill(pid, SIGKILL);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  }
};

namespace {

/// The file actions and attributes of one posix_spawn, destroyed with it,
/// and the output pipe's two ends until the launcher takes them.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  /// stdin from /dev/null or spec.stdin_path; stdout and stderr into a
  /// pipe (fds), or appended to spec.output_path, which `tail_fd` is then
  /// opened to read from its current end; the working directory.
  Status redirect(const ProcessSpec& spec, int& tail_fd) {
    if (spec.stdin_path.empty()) {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, spec.stdin_path.c_str(),
                                       spec.stdin_read_only ? O_RDONLY : O_RDWR, 0);
    }
    if (spec.output_path.empty()) {
      if (::pipe2(fds, O_CLOEXEC) != 0) {
        int err = errno;
        return Error{"cannot create an output pipe for " + spec.program + ": " + errno_text(err)};
      }
      posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
      posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    } else {
      tail_fd = ::open(spec.output_path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0600);
      if (tail_fd < 0) {
        int err = errno;
        return Error{"cannot open the output file " + spec.output_path + " for " + spec.program + ": " +
                     errno_text(err)};
      }
      ::lseek(tail_fd, 0, SEEK_END);
      posix_spawn_file_actions_addopen(&actions, 1, spec.output_path.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
      posix_spawn_file_actions_adddup2(&actions, 1, 2);
    }
    if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
    return Status::Ok();
  }

  /// No signal blocked and every one at its default in the child; its own
  /// process group when it is detached.
  void set_signals(bool detach) {
    sigset_t mask;
    sigemptyset(&mask);
    posix_spawnattr_setsigmask(&attr, &mask);
    sigset_t defaults;
    sigfillset(&defaults);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (detach) {
      flags |= POSIX_SPAWN_SETPGROUP;
      posix_spawnattr_setpgroup(&attr, 0);
    }
    posix_spawnattr_setflags(&attr, flags);
  }

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  int fds[2] = {-1, -1};
};

}  // namespace

AsioProcessLauncher::AsioProcessLauncher(asio::io_context& io) : io_(io) {}

AsioProcessLauncher::~AsioProcessLauncher() {
  for (auto& [pid, child] : children_) child->close_down();
}

Result<int> AsioProcessLauncher::start(const ProcessSpec& spec, ProcessCallbacks callbacks) {
  for (auto it = children_.begin(); it != children_.end();) {
    it = it->second->finished ? children_.erase(it) : std::next(it);
  }
  const std::string& program = spec.program;
  if (::access(program.c_str(), X_OK) != 0) {
    int err = errno;
    return Error{"cannot run " + program + ": " + errno_text(err)};
  }

  auto child = std::make_shared<Child>(io_);
  child->detach = spec.detach;
  child->callbacks = std::move(callbacks);

  SpawnSetup setup;
  if (Status st = setup.redirect(spec, child->tail_fd); !st.ok()) return st.error();
  setup.set_signals(spec.detach);

  std::vector<std::string> argv_words;
  argv_words.push_back(program);
  argv_words.insert(argv_words.end(), spec.args.begin(), spec.args.end());
  std::vector<std::string> env_words = child_environment(spec.env, spec.env_drop);
  std::vector<char*> argv = c_strings(argv_words);
  std::vector<char*> envp = c_strings(env_words);

  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attr, argv.data(), envp.data());
  if (rc != 0) {
    if (child->tail_fd >= 0) ::close(child->tail_fd);
    child->tail_fd = -1;
    return Error{"cannot start " + program + ": " + errno_text(rc)};
  }
  child->pid = pid;

  if (spec.output_path.empty()) {
    ::close(setup.fds[1]);
    setup.fds[1] = -1;
    child->pipe = std::make_unique<asio::posix::stream_descriptor>(io_, setup.fds[0]);
    setup.fds[0] = -1;
    child->read_pipe();
  } else {
    child->poll_tail();
  }

  // glibc 2.36's <sys/pidfd.h> lacks C linkage; the system call is the same.
  int pfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pfd >= 0) {
    child->pidfd = std::make_unique<asio::posix::stream_descriptor>(io_, pfd);
    child->wait_pidfd();
  } else if (spec.output_path.empty()) {
    child->poll_waitpid();  // the tail poll does this in file mode
  }
  children_[pid] = child;
  return static_cast<int>(pid);
}

Status AsioProcessLauncher::send_signal(int pid, int signo) {
  if (pid <= 0) return Error{"no process to signal (pid " + std::to_string(pid) + ")"};
  auto it = children_.find(pid);
  if (it != children_.end() && it->second->exit) {
    return Error{"process " + std::to_string(pid) + " has already exited"};
  }
  if (::kill(pid, signo) != 0) {
    int err = errno;
    return Error{"cannot send signal " + std::to_string(signo) + " to process " + std::to_string(pid) +
                 ": " + errno_text(err)};
  }
  return Status::Ok();
}

bool AsioProcessLauncher::alive(int pid) {
  if (pid <= 0) return false;
  // A child of ours whose exit was not yet noticed by the io_context is
  // checked like any process, without reaping it (that stays with its pidfd).
  auto it = children_.find(pid);
  if (it != children_.end() && it->second->exit.has_value()) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  // A zombie (exited, not yet reaped by its parent) is not alive.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  size_t paren = text.rfind(')');
  if (paren != std::string::npos && paren + 2 < text.size()) return text[paren + 2] != 'Z';
  return true;
}

}  // namespace dpc::real
