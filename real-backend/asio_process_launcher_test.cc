// AsioProcessLauncher against real processes (/bin/sh): output by line,
// exit status, signals, tailed output files, FIFO consoles, detaching.
#include "real-backend/asio_process_launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>

#include <gtest/gtest.h>

#include "real-backend/atomic_file.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class LauncherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-launch-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  ProcessSpec sh(const std::string& script) {
    ProcessSpec spec;
    spec.program = "/bin/sh";
    spec.args = {"-c", script};
    return spec;
  }

  /// Runs the io_context until `done` holds or 10 s pass.
  template <typename Pred>
  bool run_until(Pred done) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      if (io_.stopped()) io_.restart();
      io_.run_one_for(50ms);
    }
    return done();
  }

  boost::asio::io_context io_;
  std::string dir_;
};

TEST_F(LauncherTest, DeliversEachLineThenTheExitStatus) {
  AsioProcessLauncher launcher(io_);
  std::vector<std::string> lines;
  std::optional<ProcessExit> exit;
  auto pid = launcher.start(sh("echo one; echo two >&2; printf last; exit 3"),
                            {[&](const std::string& l) { lines.push_back(l); },
                             [&](const ProcessExit& e) {
                               EXPECT_EQ(lines.size(), 3u) << "every line comes before the exit";
                               exit = e;
                             }});
  ASSERT_TRUE(pid.ok()) << pid.message();
  EXPECT_FALSE(exit.has_value()) << "no callback from inside start()";
  ASSERT_TRUE(run_until([&] { return exit.has_value(); }));
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "last"}));
  EXPECT_EQ(exit->exit_code, 3);
  EXPECT_EQ(exit->describe(), "exit status 3");
}

TEST_F(LauncherTest, ReportsTheSignalThatKilledAProcess) {
  AsioProcessLauncher launcher(io_);
  std::optional<ProcessExit> exit;
  auto pid = launcher.start(sh("echo started; exec sleep 30"), {nullptr, [&](const ProcessExit& e) { exit = e; }});
  ASSERT_TRUE(pid.ok());
  EXPECT_TRUE(launcher.alive(*pid));
  ASSERT_TRUE(launcher.send_signal(*pid, SIGKILL).ok());
  ASSERT_TRUE(run_until([&] { return exit.has_value(); }));
  EXPECT_EQ(exit->signal, SIGKILL);
  EXPECT_FALSE(exit->exited_normally());
  EXPECT_NE(exit->describe().find("SIGKILL"), std::string::npos);
  EXPECT_FALSE(launcher.alive(*pid));
  EXPECT_FALSE(launcher.send_signal(*pid, SIGTERM).ok()) << "an exited process cannot be signalled";
}

TEST_F(LauncherTest, AMissingProgramIsAnErrorNamingIt) {
  AsioProcessLauncher launcher(io_);
  ProcessSpec spec;
  spec.program = dir_ + "/no-such-tool";
  auto pid = launcher.start(spec, {});
  ASSERT_FALSE(pid.ok());
  EXPECT_NE(pid.message().find(dir_ + "/no-such-tool"), std::string::npos);
}

TEST_F(LauncherTest, AddsEnvironmentAndWorkingDirectory) {
  AsioProcessLauncher launcher(io_);
  std::vector<std::string> lines;
  std::optional<ProcessExit> exit;
  ProcessSpec spec = sh("echo \"$DPC_X\"; pwd");
  spec.env = {"DPC_X=hello"};
  spec.cwd = dir_;
  ASSERT_TRUE(launcher.start(spec, {[&](const std::string& l) { lines.push_back(l); },
                                    [&](const ProcessExit& e) { exit = e; }})
                  .ok());
  ASSERT_TRUE(run_until([&] { return exit.has_value(); }));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "hello");
  EXPECT_EQ(fs::canonical(lines[1]), fs::canonical(dir_));
}

TEST_F(LauncherTest, LeavesOutTheDroppedVariables) {
  // Before: every child, dmserver included, inherited the password's variable.
  ::setenv("DPC_TEST_SECRET_PWD", "s3cret", 1);
  AsioProcessLauncher launcher(io_);
  std::vector<std::string> lines;
  std::optional<ProcessExit> exit;
  ProcessSpec spec = sh("echo \"[${DPC_TEST_SECRET_PWD:-unset}]\"");
  spec.env_drop = {"DPC_TEST_SECRET_PWD"};
  ASSERT_TRUE(launcher.start(spec, {[&](const std::string& l) { lines.push_back(l); },
                                    [&](const ProcessExit& e) { exit = e; }})
                  .ok());
  ASSERT_TRUE(run_until([&] { return exit.has_value(); }));
  ::unsetenv("DPC_TEST_SECRET_PWD");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "[unset]");
}

TEST_F(LauncherTest, TailsAnOutputFileTheChildAppendsTo) {
  AsioProcessLauncher launcher(io_);
  const std::string log = dir_ + "/server.log";
  ASSERT_TRUE(append_file(log, "earlier run\n").ok());
  std::vector<std::string> lines;
  std::optional<ProcessExit> exit;
  ProcessSpec spec = sh("echo ready; echo bye >&2");
  spec.output_path = log;
  ASSERT_TRUE(launcher.start(spec, {[&](const std::string& l) { lines.push_back(l); },
                                    [&](const ProcessExit& e) { exit = e; }})
                  .ok());
  ASSERT_TRUE(run_until([&] { return exit.has_value(); }));
  EXPECT_EQ(lines, (std::vector<std::string>{"ready", "bye"})) << "only what this run wrote";
  EXPECT_EQ(*read_whole_file(log), "earlier run\nready\nbye\n");
}

TEST_F(LauncherTest, ReadsConsoleLinesFromAFifoWrittenLater) {
  AsioProcessLauncher launcher(io_);
  const std::string fifo = dir_ + "/console";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::vector<std::string> lines;
  std::optional<ProcessExit> exit;
  ProcessSpec spec = sh("echo ready; read line; echo \"got $line\"");
  spec.stdin_path = fifo;
  ASSERT_TRUE(launcher.start(spec, {[&](const std::string& l) { lines.push_back(l); },
                                    [&](const ProcessExit& e) { exit = e; }})
                  .ok());
  ASSERT_TRUE(run_until([&] { return !lines.empty(); }));
  int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "exit\n", 5), 5);
  ::close(fd);
  ASSERT_TRUE(run_until([&] { return exit.has_value(); }));
  EXPECT_EQ(lines.back(), "got exit");
  EXPECT_EQ(exit->exit_code, 0);
}

TEST_F(LauncherTest, DestructionKillsAttachedChildrenAndLeavesDetachedOnes) {
  int attached = 0, detached = 0;
  {
    AsioProcessLauncher launcher(io_);
    attached = *launcher.start(sh("exec sleep 30"), {});
    ProcessSpec spec = sh("exec sleep 30");
    spec.detach = true;
    spec.output_path = dir_ + "/detached.log";
    detached = *launcher.start(spec, {});
  }
  EXPECT_NE(::kill(attached, 0), 0) << "the attached child was killed and reaped";
  ASSERT_EQ(::kill(detached, 0), 0) << "the detached child keeps running";
  EXPECT_EQ(::getpgid(detached), detached) << "in its own process group";
  ::kill(detached, SIGKILL);
  AsioProcessLauncher other(io_);
  EXPECT_TRUE(run_until([&] { return !other.alive(detached); }));
}

}  // namespace
}  // namespace dpc::real
