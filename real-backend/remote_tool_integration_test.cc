// A tool run on another host (remote_run_tool) as the real backend builds
// it: the wrapper sh script, the PARFILE on standard input, the remote
// timeout, and the tool killed on its host when the process carrying the run
// (ssh) ends. "Another host" is this machine here: a transport that claims
// to be remote but runs `sh -c` locally, so the wrapper runs exactly as it
// would behind ssh. The tools are small sh scripts.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "real-backend/asio_process_launcher.h"
#include "real-backend/atomic_file.h"
#include "real-backend/real_backend.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPassword = "Remote_Tool_Pwd_31";
constexpr const char* kHost = "pretend-remote.test";

/// A host reached by running its commands with sh on this machine, but
/// taken for another host (so the backend uses its remote code). Like ssh
/// and sshd: the process dpcctl starts (the outer sh, ssh's part) carries the
/// command to a shell in its own session (sshd's part), which outlives it
/// and shares its standard input.
class PretendRemote final : public HostTransport {
 public:
  const std::string& host() const override { return host_; }
  bool is_local() const override { return false; }
  std::vector<std::string> command_argv(const std::string& command) const override {
    return {"/bin/sh", "-c", "exec 3<&0; setsid /bin/sh -c \"$1\" <&3 3<&- & p=$!; exec 3<&-; wait $p", "sh", command};
  }

 private:
  std::string host_ = kHost;
};

class NoSql : public SqlConnector {
 public:
  Result<Rows> execute(const SqlEndpoint&, const std::string&) override { return Error{"no SQL here"}; }
};

/// Whether a process runs (a zombie does not).
bool alive(int pid) {
  auto stat = read_whole_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  size_t paren = stat->rfind(')');
  return paren == std::string::npos || paren + 2 >= stat->size() || (*stat)[paren + 2] != 'Z';
}

/// Whether the process is gone within `seconds`.
bool ends_within(int pid, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (alive(pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !alive(pid);
}

class RemoteTool : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-remote-tool-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    fs::create_directories(dir_ + "/dm/bin");
    config_.dm_home = dir_ + "/dm";
    config_.state_dir = dir_ + "/state";
    config_.remote_state_dir = dir_ + "/remote";
    config_.run_one_max_wait_ms = 50;
    // dmrman hangs (noting its pid); dminit shows the PARFILE it was given.
    script("dmrman", "echo $$ > " + dir_ + "/tool.pid\necho hanging\nexec sleep 300\n");
    script("dminit", "f=${1#PARFILE=}\nsed 's/^SYSDBA_PWD=.*/SYSDBA_PWD=<given>/' \"$f\"\necho \"file: $f\"\n");
    make_backend();
  }
  void TearDown() override {
    backend_.reset();
    if (auto pid = read_whole_file(dir_ + "/tool.pid"); pid.ok()) ::kill(std::atoi(pid->c_str()), SIGKILL);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void script(const std::string& name, const std::string& body) {
    const std::string path = dir_ + "/dm/bin/" + name;
    ASSERT_TRUE(write_file_atomic(path, "#!/bin/sh\n" + body).ok());
    ::chmod(path.c_str(), 0755);
  }

  void make_backend() {
    auto io = std::make_shared<boost::asio::io_context>();
    backend_ = std::make_unique<RealBackend>(config_, Secret(kPassword), io,
                                             std::make_unique<AsioProcessLauncher>(*io), std::make_unique<NoSql>());
    backend_->set_transport(kHost, std::make_shared<PretendRemote>());
  }

  template <typename Pred>
  bool drive(Pred pred, int seconds = 10) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      if (!backend_->run_one()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
  }

  /// The hanging dmrman's pid once it runs, else 0.
  int tool_pid() {
    auto pid = read_whole_file(dir_ + "/tool.pid");
    return pid.ok() ? std::atoi(pid->c_str()) : 0;
  }

  std::string dir_;
  RealConfig config_;
  std::unique_ptr<RealBackend> backend_;
};

TEST_F(RemoteTool, DminitGetsItsParfileThroughStandardInputAndNoFileKeepsThePassword) {
  std::optional<Result<ToolOutcome>> out;
  ToolRun run{"BP12", kHost, "dminit", {"path=/data/bp12", "instance_name=BP12"}, true};
  backend_->run_tool(run, [&](Result<ToolOutcome> r) { out = std::move(r); });
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_TRUE(out->ok()) << out->message();
  EXPECT_EQ((*out)->exit_code, 0) << (*out)->output;
  EXPECT_THAT((*out)->output, HasSubstr("path=/data/bp12\ninstance_name=BP12\nSYSDBA_PWD=<given>\n"));
  EXPECT_THAT((*out)->output, Not(HasSubstr(kPassword)));
  EXPECT_THAT((*out)->output, HasSubstr("file: " + dir_ + "/remote/secrets/BP12."));
  // The PARFILE's directory on the host and the pipe here are gone.
  EXPECT_TRUE(fs::is_empty(dir_ + "/remote/secrets"));
  EXPECT_TRUE(fs::is_empty(dir_ + "/state/secrets"));
}

TEST_F(RemoteTool, AToolDiesOnItsHostWhenTheProcessCarryingItEndsNotAtItsTimeout) {
  ToolRun run{"BP12", kHost, "dmrman", {"CTLSTMT=BACKUP DATABASE '/x/dm.ini' FULL"}, false};
  run.timeout_ms = 120000;
  backend_->run_tool(run, [](Result<ToolOutcome>) {});
  ASSERT_TRUE(drive([&] { return tool_pid() > 0 && alive(tool_pid()); }));
  const int pid = tool_pid();
  // dpcctl goes away mid-step: the process carrying the run is killed and
  // its standard input ends on the host.
  backend_.reset();
  EXPECT_TRUE(ends_within(pid, 5)) << "the tool outlived the ssh carrying it; it would run until its 120 s timeout";
}

TEST_F(RemoteTool, AHungToolIsKilledOnItsHostAtItsTimeout) {
  ToolRun run{"BP12", kHost, "dmrman", {"CTLSTMT=BACKUP DATABASE '/x/dm.ini' FULL"}, false};
  run.timeout_ms = 1000;
  std::optional<Result<ToolOutcome>> out;
  backend_->run_tool(run, [&](Result<ToolOutcome> r) { out = std::move(r); });
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_FALSE(out->ok());
  EXPECT_THAT(out->message(), HasSubstr("did not finish within 1000 ms and was killed on that host"));
  EXPECT_THAT(out->message(), HasSubstr("hanging"));
  ASSERT_GT(tool_pid(), 0);
  EXPECT_TRUE(ends_within(tool_pid(), 2)) << "killed: gone once the kernel has finished it";
}

}  // namespace
}  // namespace dpc::real
