// RealBackend::copy_backup end to end on this machine: two "hosts" reached
// through a stand-in `ssh` on PATH that runs each command here (so the set
// is carried from a directory to the same path, as between two hosts). The
// stand-in lets a nested ssh (the source host logging in to the target)
// pass the probe but, when told to, refuse the transfer itself: under
// ssh.copy "auto" the set then goes through this machine and arrives
// verified; under "direct" the step fails naming the route.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "real-backend/asio_process_launcher.h"
#include "real-backend/atomic_file.h"
#include "real-backend/backup_copy.h"
#include "real-backend/real_backend.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class CopyBackup : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-cb-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
    fs::create_directories(root_ + "/bin");
    // Skips ssh's options to the host and runs the command here. A nested
    // ssh (DPC_SSH_DEPTH set by the outer one) refuses a tar while
    // $root/refuse-direct exists, as a link that fails mid-transfer would.
    std::ofstream(root_ + "/bin/ssh")
        << "#!/bin/sh\n"
           "printf '%s\\n' \"$*\" >> \"" + root_ + "/ssh.log\"\n"
           "while [ $# -gt 0 ]; do\n"
           "  case $1 in -O) exit 0 ;; -o|-l|-p|-i|-J) shift 2 ;; --) shift; break ;; -*) shift ;; *) break ;; esac\n"
           "done\n"
           "shift\n"
           "case \"$DPC_SSH_DEPTH:$1\" in\n"
           "  1:*tar*) [ -e \"" + root_ + "/refuse-direct\" ] && { echo 'Connection reset by peer' >&2; exit 255; } ;;\n"
           "esac\n"
           "DPC_SSH_DEPTH=$((${DPC_SSH_DEPTH:-0} + 1)) exec sh -c \"$1\"\n";
    fs::permissions(root_ + "/bin/ssh", fs::perms::owner_all);
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    ::setenv("PATH", (root_ + "/bin:" + old_path_).c_str(), 1);
    ::unsetenv("DPC_SSH_DEPTH");

    set_ = root_ + "/BACKUP_SEED";
    fs::create_directories(set_ + "/sub");
    ASSERT_TRUE(write_file_atomic(set_ + "/a.bak", std::string(200000, 'x')).ok());
    ASSERT_TRUE(write_file_atomic(set_ + "/sub/b.meta", "meta\n").ok());
  }
  void TearDown() override {
    backend_.reset();
    ::setenv("PATH", old_path_.c_str(), 1);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  /// A backend whose two hosts are reached through the stand-in ssh.
  void make_backend(CopyRoute route) {
    SshOptions o;
    o.user = "root";
    o.connect_timeout_s = 3;
    o.copy = route;
    RealConfig config;
    config.state_dir = root_ + "/state";
    config.run_one_max_wait_ms = 20;
    config.ssh_hosts[kFrom] = o;
    config.ssh_hosts[kTo] = o;
    auto io = std::make_shared<boost::asio::io_context>();
    backend_ = std::make_unique<RealBackend>(config, Secret("Copy_Test_Pwd_1"), io,
                                             std::make_unique<AsioProcessLauncher>(*io), nullptr);
    // (Without ControlMaster: the stand-in ssh has no master to share.)
    backend_->set_transport(kFrom, std::make_shared<SshTransport>(kFrom, o));
    backend_->set_transport(kTo, std::make_shared<SshTransport>(kTo, o));
  }

  Status copy() {
    std::optional<Status> out;
    backend_->copy_backup(CopyRun{"SEED", kFrom, kTo, set_, 60000}, [&](Status st) { out = st; });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!out && std::chrono::steady_clock::now() < deadline) backend_->run_one();
    return out.value_or(Error{"no answer within 60 s"});
  }
  std::string log() {
    auto text = read_whole_file(root_ + "/state/logs/SEED.log");
    return text.ok() ? *text : "";
  }

  static constexpr const char* kFrom = "10.0.0.1";
  static constexpr const char* kTo = "10.0.0.3";
  std::string root_, old_path_, set_;
  std::unique_ptr<RealBackend> backend_;
};

TEST_F(CopyBackup, HostToHostWhenTheProbePasses) {
  make_backend(CopyRoute::Auto);
  const Status st = copy();
  ASSERT_TRUE(st.ok()) << st.message() << "\n" << log();
  EXPECT_THAT(log(), HasSubstr("host to host: 10.0.0.1 reaches 10.0.0.3 over SSH as root"));
  EXPECT_THAT(log(), HasSubstr("verified " + set_ + " on 10.0.0.3 (host to host)"));
  EXPECT_TRUE(fs::exists(set_ + "/sub/b.meta"));
  EXPECT_FALSE(fs::exists(staging_dir(set_)));
}

TEST_F(CopyBackup, AFailedHostToHostTransferIsRedoneThroughThisMachine) {
  std::ofstream(root_ + "/refuse-direct") << "";
  make_backend(CopyRoute::Auto);
  const Status st = copy();
  ASSERT_TRUE(st.ok()) << st.message() << "\n" << log();
  EXPECT_THAT(log(), HasSubstr("host to host: 10.0.0.1 reaches 10.0.0.3"));
  EXPECT_THAT(log(), HasSubstr("(host to host): the transfer failed"));
  EXPECT_THAT(log(), HasSubstr("Connection reset by peer; carrying it through this machine instead"));
  EXPECT_THAT(log(), HasSubstr("verified " + set_ + " on 10.0.0.3 (through this machine)"));
  EXPECT_EQ(fs::file_size(set_ + "/a.bak"), 200000u);
  EXPECT_FALSE(fs::exists(staging_dir(set_)));
}

TEST_F(CopyBackup, UnderDirectAFailedTransferFailsTheStepNamingTheRoute) {
  std::ofstream(root_ + "/refuse-direct") << "";
  make_backend(CopyRoute::Direct);
  const Status st = copy();
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("copy " + set_ + " from 10.0.0.1 to 10.0.0.3 (host to host): the transfer failed"));
  EXPECT_THAT(log(), Not(HasSubstr("through this machine instead")));
}

}  // namespace
}  // namespace dpc::real
