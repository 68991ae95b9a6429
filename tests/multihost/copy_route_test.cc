// Which way a backup set travels between the rig's hosts
// (tests/multihost/rig.sh): host 1's root logs in to host 2 with the hosts'
// own key, host 3 refuses it. An 8 MiB set copied by RealBackend from host
// 1 to host 2 goes host to host: the bridge's own counters, which count only
// what reaches or leaves this machine (not frames between the hosts), grow
// by far less than the set, and host 2's sshd saw host 1 log in. To host 3
// the probe is refused and the same set comes through this machine (the
// counters grow by more than the set); ssh.copy "via-control" sends it
// through this machine even to host 2, and "direct" to host 3 fails naming
// both hosts and why, leaving nothing in place. Every copy is verified.
//
// Skipped unless run by the rig (DPC_MH_ROOT set).
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "real-backend/asio_process_launcher.h"
#include "real-backend/atomic_file.h"
#include "real-backend/real_backend.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string env_of(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

constexpr size_t kSetBytes = 8u << 20;

class BackupSetRoute : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = env_of("DPC_MH_ROOT");
    if (root_.empty()) GTEST_SKIP() << "run through tests/multihost/rig.sh";
    hosts_ = words_of(env_of("DPC_MH_HOSTS"));
    ASSERT_EQ(hosts_.size(), 3u);
    ASSERT_EQ(env_of("DPC_MH_PEER_HOSTS"), hosts_[0] + " " + hosts_[1]) << "the rig's hosts 1 and 2 take the hosts' key";
    // Linked first (tests/CMakeLists.txt), so it runs before the test that
    // stops host 2's sshd.
    auto sshd2 = read_whole_file(words_of(env_of("DPC_MH_SSHD_PIDS"))[1]);
    ASSERT_TRUE(sshd2.ok() && ::kill(std::atoi(sshd2->c_str()), 0) == 0) << "host 2's sshd is not running";
    dir_ = env_of("DPC_MH_DATA") + "/copyset/BACKUP_01";
    config_.state_dir = root_ + "/copy-state";
    config_.remote_state_dir = env_of("DPC_MH_DATA") + "/copy-state";
    config_.ssh_defaults.user = "root";
    config_.ssh_defaults.identity_file = env_of("DPC_MH_IDENTITY");
    config_.ssh_defaults.options = {"UserKnownHostsFile=" + env_of("DPC_MH_KNOWN_HOSTS"),
                                    "StrictHostKeyChecking=yes"};
    config_.ssh_defaults.connect_timeout_s = 3;
    std::error_code ec;
    fs::remove_all(config_.state_dir, ec);
    for (int h = 1; h <= 3; ++h) fs::remove_all(seen(h, "/copyset"), ec);
    // The set, on host 1: random bytes (nothing to compress) and a small file.
    fs::create_directories(seen(1, "/copyset/BACKUP_01/sub"));
    std::string bytes(kSetBytes, '\0');
    std::ifstream("/dev/urandom", std::ios::binary).read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(write_file_atomic(seen(1, "/copyset/BACKUP_01/BACKUP_01.bak"), bytes).ok());
    ASSERT_TRUE(write_file_atomic(seen(1, "/copyset/BACKUP_01/sub/BACKUP_01.meta"), "meta\n").ok());
  }

  /// <root>/hN<rest>: host N's private data directory as this machine sees it.
  std::string seen(int host, const std::string& rest) const {
    return root_ + "/h" + std::to_string(host) + rest;
  }

  /// Copies the set from host 1 to host `to` (1-based) with a new backend.
  Status copy_to(int to) {
    auto io = std::make_shared<boost::asio::io_context>();
    RealBackend backend(config_, Secret("unused"), io, std::make_unique<AsioProcessLauncher>(*io), nullptr);
    CopyRun run;
    run.instance = "BP11";
    run.from_host = hosts_[0];
    run.to_host = hosts_[static_cast<size_t>(to - 1)];
    run.dir = dir_;
    run.timeout_ms = 60000;
    std::optional<Status> result;
    backend.copy_backup(run, [&result](Status st) { result = st; });
    while (!result) backend.run_one();
    return *result;
  }

  /// Bytes that crossed the bridge to or from this machine so far.
  static uint64_t bridge_bytes() {
    uint64_t total = 0;
    for (const char* c : {"rx_bytes", "tx_bytes"}) {
      std::ifstream in("/sys/class/net/" + env_of("DPC_MH_BRIDGE") + "/statistics/" + c);
      uint64_t n = 0;
      in >> n;
      total += n;
    }
    return total;
  }

  /// Whether `path` holds exactly `content` (not printed: 8 MiB).
  static bool holds(const std::string& path, const std::string& content) {
    auto text = read_whole_file(path);
    return text.ok() && *text == content;
  }

  std::string log() const {
    auto text = read_whole_file(config_.state_dir + "/logs/BP11.log");
    return text.ok() ? *text : "";
  }

  std::string root_, dir_;
  std::vector<std::string> hosts_;
  RealConfig config_;
};

TEST_F(BackupSetRoute, HostToHostWhereTheHostsReachEachOtherElseThroughThisMachine) {
  const std::string set_file = "/copyset/BACKUP_01/BACKUP_01.bak";
  auto original = read_whole_file(seen(1, set_file));
  ASSERT_TRUE(original.ok());

  // Host 1 -> host 2: host to host; the set does not pass this machine.
  uint64_t before = bridge_bytes();
  Status to2 = copy_to(2);
  ASSERT_TRUE(to2.ok()) << to2.message();
  const uint64_t direct = bridge_bytes() - before;
  EXPECT_LT(direct, kSetBytes / 4) << "the set went through this machine";
  EXPECT_TRUE(holds(seen(2, set_file), *original)) << "host 2";
  EXPECT_FALSE(fs::exists(seen(2, "/copyset/BACKUP_01.dpc-copy")));
  EXPECT_THAT(log(), HasSubstr(": host to host: " + hosts_[0] + " reaches " + hosts_[1] + " over SSH as root"));
  EXPECT_THAT(log(), HasSubstr("verified " + dir_ + " on " + hosts_[1] + " (host to host)"));
  auto sshd2 = read_whole_file(words_of(env_of("DPC_MH_SSHD_LOGS"))[1]);
  ASSERT_TRUE(sshd2.ok());
  EXPECT_THAT(*sshd2, HasSubstr("Accepted publickey for root from " + hosts_[0] + " "));

  // Host 1 -> host 3, which refuses host 1's key: through this machine.
  before = bridge_bytes();
  Status to3 = copy_to(3);
  ASSERT_TRUE(to3.ok()) << to3.message();
  const uint64_t via = bridge_bytes() - before;
  EXPECT_GT(via, kSetBytes) << "the set did not pass this machine";
  EXPECT_TRUE(holds(seen(3, set_file), *original)) << "host 3";
  EXPECT_THAT(log(), HasSubstr(": through this machine: " + hosts_[0] + " cannot reach " + hosts_[2] +
                               " over SSH (root@" + hosts_[2] + ": Permission denied (publickey)"));
  EXPECT_THAT(log(), HasSubstr("verified " + dir_ + " on " + hosts_[2] + " (through this machine)"));
  std::cerr << "bytes through this machine: host to host " << direct << ", through it " << via << "\n";

  // ssh.copy "via-control" for host 2: through this machine, no probe.
  SshOptions forced = config_.ssh_defaults;
  forced.copy = dpc::real::CopyRoute::ViaControl;
  config_.ssh_hosts[hosts_[1]] = forced;
  before = bridge_bytes();
  Status again = copy_to(2);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_GT(bridge_bytes() - before, kSetBytes);
  EXPECT_THAT(log(), HasSubstr(": through this machine: ssh.copy is \"via-control\" for " + hosts_[1]));

  // ssh.copy "direct" for host 3: refused, named, nothing placed or staged.
  forced.copy = dpc::real::CopyRoute::Direct;
  config_.ssh_hosts[hosts_[2]] = forced;
  std::error_code ec;
  fs::remove_all(seen(3, "/copyset"), ec);
  Status refused = copy_to(3);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.message(), HasSubstr("ssh.copy is \"direct\" for " + hosts_[2] + " but " + hosts_[0] +
                                           " cannot reach it over SSH (root@" + hosts_[2] +
                                           ": Permission denied (publickey)"));
  EXPECT_FALSE(fs::exists(seen(3, "/copyset")));
}

}  // namespace
}  // namespace dpc::real
