// AsioProcessLauncher: the real ProcessLauncher, on POSIX spawn and
// Boost.Asio.
//
// A child is started with posix_spawn (signal mask and dispositions reset,
// environment extended, optional working directory). Its output arrives
// through a pipe read by an asio posix::stream_descriptor, or, for detached
// servers that must outlive dpcctl, is appended by the child to a file that
// the launcher tails on a steady_timer. Its end is noticed through a pidfd
// (an asio descriptor that becomes readable when the child exits), with a
// waitpid poll on a timer where pidfds are unavailable; only our own pids are
// reaped.
//
// Owned by RealBackend (real_backend.h), built on its io_context. Threading:
// single-threaded; every callback runs inside io_context::run_one().
#pragma once

#include <map>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "real-backend/process_launcher.h"

namespace dpc::real {

class AsioProcessLauncher final : public ProcessLauncher {
 public:
  explicit AsioProcessLauncher(boost::asio::io_context& io);
  /// Kills (SIGKILL) and reaps children that are not detached; leaves
  /// detached ones running. No callback fires after this.
  ~AsioProcessLauncher() override;

  AsioProcessLauncher(const AsioProcessLauncher&) = delete;
  AsioProcessLauncher& operator=(const AsioProcessLauncher&) = delete;

  Result<int> start(const ProcessSpec& spec, ProcessCallbacks callbacks) override;
  Status send_signal(int pid, int signo) override;
  bool alive(int pid) override;

  struct Child;  ///< one running child (asio_process_launcher.cc)

 private:
  boost::asio::io_context& io_;
  std::map<int, std::shared_ptr<Child>> children_;  ///< by pid, until reaped
};

}  // namespace dpc::real
