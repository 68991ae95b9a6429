// HostTransport: the operations every transport builds on sh commands, run
// through LocalTransport on this machine; ssh's failures classified; and
// SshTransport's command line (BatchMode, ConnectTimeout, multiplexing)
// and an unreachable host (a closed port on loopback) reported as such.
#include "real-backend/host_transport.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "real-backend/atomic_file.h"
#include "real-backend/testing/free_ports.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class LocalTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-ht-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dir_;
  LocalTransport t_{"127.0.0.1"};
};

TEST_F(LocalTransportTest, WritesAtomicallyWithItsModeAndReadsBack) {
  const std::string path = dir_ + "/it's a file.ini";
  ASSERT_TRUE(t_.write_file(path, "A = 1\n$HOME `x`\n", "600").ok());
  EXPECT_EQ(*read_whole_file(path), "A = 1\n$HOME `x`\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*t_.read_file(path), "A = 1\n$HOME `x`\n");
  EXPECT_TRUE(*t_.exists(path));
  EXPECT_FALSE(*t_.exists(dir_ + "/none"));
  // Nothing left beside it.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir_)) entries += e.exists() ? 1 : 0;
  EXPECT_EQ(entries, 1);
}

TEST_F(LocalTransportTest, WriteIntoAMissingDirectoryFailsNamingIt) {
  Status st = t_.write_file(dir_ + "/no/such/x.ini", "x");
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("does not exist"));
  EXPECT_THAT(st.message(), HasSubstr("on host 127.0.0.1"));
  EXPECT_FALSE(t_.read_file(dir_ + "/none").ok());
}

TEST_F(LocalTransportTest, RunFeedsStandardInputAndReportsTheExitStatus) {
  auto r = t_.run("cat; exit 3", "through stdin", 5000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->output, "through stdin");
  auto checked = t_.run_checked("the thing", "echo bad >&2; exit 4");
  ASSERT_FALSE(checked.ok());
  EXPECT_THAT(checked.message(), HasSubstr("exit status 4"));
  EXPECT_THAT(checked.message(), HasSubstr("bad"));
}

TEST_F(LocalTransportTest, ATimeoutKillsTheCommand) {
  const auto start = std::chrono::steady_clock::now();
  auto r = t_.run("sleep 30", "", 300);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.message(), HasSubstr("did not finish within 300 ms"));
}

TEST_F(LocalTransportTest, RunningChecksThePidAndItsCommandLineAndSignalsReachIt) {
  const std::string marker = dir_ + "/marker.ini";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", "sleep 30; :", marker.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::usleep(100 * 1000);
  EXPECT_TRUE(*t_.running(pid, marker));
  EXPECT_FALSE(*t_.running(pid, dir_ + "/other.ini"));
  ASSERT_TRUE(t_.send_signal(pid, SIGTERM).ok());
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(*t_.running(pid, marker));
}

TEST(SshErrors, AreClassifiedFromSshsOwnWords) {
  EXPECT_EQ(classify_ssh_error("root@h: Permission denied (publickey)."), TransportFailure::AuthRefused);
  EXPECT_EQ(classify_ssh_error("ssh: connect to host 10.0.0.9 port 22: Connection refused"),
            TransportFailure::Unreachable);
  EXPECT_EQ(classify_ssh_error("ssh: connect to host 10.0.0.9 port 22: Connection timed out"),
            TransportFailure::Unreachable);
  EXPECT_EQ(classify_ssh_error("ssh: Could not resolve hostname nohost: Name or service not known"),
            TransportFailure::Unreachable);
  EXPECT_EQ(classify_ssh_error("@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\n"
                               "Host key verification failed."),
            TransportFailure::HostKeyMismatch);
  EXPECT_EQ(classify_ssh_error("kex_exchange_identification: Connection closed by remote host"),
            TransportFailure::Transient);
}

TEST(SshTransportArgv, BatchModeBoundedConnectMultiplexedAndTheHostSettings) {
  SshOptions o;
  o.user = "dmdba";
  o.port = 2222;
  o.identity_file = "/k/id";
  o.jump_host = "bastion";
  o.options = {"StrictHostKeyChecking=yes"};
  o.control_dir = "/s/ssh";
  SshTransport t("db1", o);
  auto argv = t.command_argv("echo hi");
  auto has = [&](std::vector<std::string> seq) {
    return std::search(argv.begin(), argv.end(), seq.begin(), seq.end()) != argv.end();
  };
  EXPECT_EQ(argv.front(), "ssh");
  EXPECT_TRUE(has({"-o", "BatchMode=yes"}));
  EXPECT_TRUE(has({"-o", "ConnectTimeout=5"}));
  EXPECT_TRUE(has({"-o", "ControlPath=/s/ssh/%C"}));
  EXPECT_TRUE(has({"-l", "dmdba"}));
  EXPECT_TRUE(has({"-p", "2222"}));
  EXPECT_TRUE(has({"-i", "/k/id"}));
  EXPECT_TRUE(has({"-o", "ProxyCommand=ssh -o BatchMode=yes -o ConnectTimeout=5 -i '/k/id' "
                         "-o 'StrictHostKeyChecking=yes' -W %h:%p -- 'bastion'"}));
  EXPECT_TRUE(has({"-o", "StrictHostKeyChecking=yes"}));
  EXPECT_TRUE(has({"--", "db1", "echo hi"}));
}

TEST(SshTransportArgv, AJumpHostIsReachedWithTheSameSettings) {
  SshOptions o;
  o.identity_file = "/keys/100%/id";
  o.options = {"UserKnownHostsFile=/k/known hosts"};
  o.connect_timeout_s = 3;
  o.jump_host = "ops@bastion.example:2200";
  EXPECT_EQ(jump_proxy_command(o),
            "ssh -o BatchMode=yes -o ConnectTimeout=3 -i '/keys/100%%/id' -o 'UserKnownHostsFile=/k/known hosts' "
            "-l 'ops' -p '2200' -W %h:%p -- 'bastion.example'");
  o.jump_host = "[fd00::1]:22";
  EXPECT_NE(jump_proxy_command(o).find("-p '22' -W %h:%p -- 'fd00::1'"), std::string::npos);
  o.jump_host = "fd00::1";  // a bare IPv6 address: no port in it
  EXPECT_NE(jump_proxy_command(o).find("-- 'fd00::1'"), std::string::npos);
  o.jump_host = "a,b";  // a chain: left to ssh -J
  EXPECT_EQ(jump_proxy_command(o), "");
  SshTransport chained("db1", o);
  const auto argv = chained.command_argv("true");
  EXPECT_NE(std::find(argv.begin(), argv.end(), "a,b"), argv.end());
}

TEST(SshTransportLoopback, AClosedPortIsReportedUnreachableQuickly) {
  if (::access("/usr/bin/ssh", X_OK) != 0) GTEST_SKIP() << "no ssh client";
  SshOptions o;
  o.port = testing::free_port();
  o.connect_timeout_s = 2;
  SshTransport t("127.0.0.1", o);
  const auto start = std::chrono::steady_clock::now();
  auto r = t.run("true", "", 10000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.message(), HasSubstr("host unreachable: host 127.0.0.1"));
}

TEST(ShQuote, SurvivesQuotesAndShellSyntax) {
  LocalTransport t("127.0.0.1");
  const std::string nasty = "a'b\"c $HOME `id` ; \\ end";
  auto r = t.run("printf %s " + sh_quote(nasty), "", 5000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output, nasty);
}

}  // namespace
}  // namespace dpc::real
