// The commands that carry a backup set between hosts (backup_copy.h): word
// for word for both routes and the probe, with hostile text quoted; then
// both pipelines run on this machine (a stand-in `ssh` on PATH runs its
// command here) to show the quoting holds and the copy is exact, and a
// bounded pipeline killed at its timeout and when its carrier's input ends.
#include "real-backend/backup_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "real-backend/atomic_file.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

PeerSsh peer(const std::string& host, const std::string& user = "", int port = 0) {
  SshOptions o;
  o.user = user;
  o.port = port;
  o.identity_file = "/home/me/.ssh/control_key";  // this machine's: never sent along
  o.jump_host = "bastion";
  o.options = {"UserKnownHostsFile=/home/me/known"};
  return peer_ssh_for(host, o);
}

TEST(BackupCopy, ThePeerSshTakesOnlyTheTargetsUserAndPort) {
  PeerSsh p = peer("10.0.0.3", "dmdba", 2222);
  EXPECT_EQ(p.host, "10.0.0.3");
  EXPECT_EQ(p.user, "dmdba");
  EXPECT_EQ(p.port, 2222);
  EXPECT_EQ(peer_ssh_command(p, "true"),
            "ssh -o BatchMode=yes -o ConnectTimeout=3 -o ServerAliveInterval=5 -o ServerAliveCountMax=2 -T "
            "-l 'dmdba' -p 2222 -- '10.0.0.3' 'true'");
  EXPECT_EQ(peer_ssh_command(peer("h3"), "true"),
            "ssh -o BatchMode=yes -o ConnectTimeout=3 -o ServerAliveInterval=5 -o ServerAliveCountMax=2 -T "
            "-- 'h3' 'true'");
}

TEST(BackupCopy, TheProbeAsksTheSourceHostBoundedAndReportsWhatSshSaid) {
  EXPECT_EQ(probe_command(peer("10.0.0.3", "root")),
            "out=$(timeout -s KILL 15 ssh -o BatchMode=yes -o ConnectTimeout=3 -o ServerAliveInterval=5 "
            "-o ServerAliveCountMax=2 -T -l 'root' -- '10.0.0.3' 'true' </dev/null 2>&1)\n"
            "echo \"$?\"\nprintf '%s\\n' \"$out\"\n");
  EXPECT_TRUE(read_probe("0\n\n").reachable);
  ProbeAnswer refused = read_probe("255\nroot@10.0.0.3: Permission denied (publickey).\n\n");
  EXPECT_FALSE(refused.reachable);
  EXPECT_EQ(refused.why, "root@10.0.0.3: Permission denied (publickey).");
  ProbeAnswer unknown = read_probe(
      "255\nNo ED25519 host key is known for 10.0.0.3 and you have requested strict checking.\n"
      "Host key verification failed.\n");
  EXPECT_EQ(unknown.why, "Host key verification failed.");
  EXPECT_EQ(read_probe("137\n\n").why, "no answer within 15 s");
  EXPECT_EQ(read_probe("1\n").why, "ssh ended with exit status 1");
  EXPECT_FALSE(read_probe("").reachable);
}

TEST(BackupCopy, SomeRoutesNeedNoProbe) {
  LocalTransport here("127.0.0.1");
  SshTransport a("10.0.0.1", SshOptions{}), b("10.0.0.2", SshOptions{});
  EXPECT_EQ(route_without_probe(CopyRoute::Auto, here, b).value_or(""), "the source 127.0.0.1 is this machine");
  EXPECT_EQ(route_without_probe(CopyRoute::Direct, a, here).value_or(""), "the target 127.0.0.1 is this machine");
  EXPECT_EQ(route_without_probe(CopyRoute::ViaControl, a, b).value_or(""), "ssh.copy is \"via-control\" for 10.0.0.2");
  EXPECT_FALSE(route_without_probe(CopyRoute::Auto, a, b).has_value());
  EXPECT_FALSE(route_without_probe(CopyRoute::Direct, a, b).has_value());
}

TEST(BackupCopy, HostToHostTheSourceHostPipesTarIntoSshToTheTarget) {
  const std::string dir = "/d/it's here/BACKUP_01";
  EXPECT_EQ(staging_dir(dir), "/d/it's here/BACKUP_01.dpc-copy");
  EXPECT_EQ(direct_pipeline(dir, peer("10.0.0.3", "root", 22)),
            "tar -C '/d/it'\\''s here/BACKUP_01' -cf - . | "
            "ssh -o BatchMode=yes -o ConnectTimeout=3 -o ServerAliveInterval=5 -o ServerAliveCountMax=2 -T "
            "-l 'root' -p 22 -- '10.0.0.3' "
            "'tar -C '\\''/d/it'\\''\\'\\'''\\''s here/BACKUP_01.dpc-copy'\\'' -xf -'");
  EXPECT_EQ(prepare_command(dir),
            "rm -rf '/d/it'\\''s here/BACKUP_01.dpc-copy' && mkdir -p '/d/it'\\''s here/BACKUP_01.dpc-copy'");
  EXPECT_EQ(place_command(dir),
            "rm -rf '/d/it'\\''s here/BACKUP_01' && mv '/d/it'\\''s here/BACKUP_01.dpc-copy' "
            "'/d/it'\\''s here/BACKUP_01'");
}

TEST(BackupCopy, ThroughThisMachineTarRunsOnBothHostsOverTheirOwnSsh) {
  SshOptions o;
  o.user = "root";
  SshTransport a("10.0.0.1", o), b("10.0.0.3", o);
  EXPECT_EQ(via_control_pipeline("/d/b", a, b),
            "'ssh' '-o' 'BatchMode=yes' '-o' 'ConnectTimeout=5' '-o' 'ServerAliveInterval=5' "
            "'-o' 'ServerAliveCountMax=2' '-l' 'root' '-T' '--' '10.0.0.1' 'tar -C '\\''/d/b'\\'' -cf - .' | "
            "'ssh' '-o' 'BatchMode=yes' '-o' 'ConnectTimeout=5' '-o' 'ServerAliveInterval=5' "
            "'-o' 'ServerAliveCountMax=2' '-l' 'root' '-T' '--' '10.0.0.3' 'tar -C '\\''/d/b.dpc-copy'\\'' -xf -'");
  EXPECT_EQ(bounded_pipeline("a | b", 1500),
            run_watched("timeout -s KILL 2 sh -c 'a | b'"));
  EXPECT_THAT(bounded_pipeline("x", 0), HasSubstr("timeout -s KILL 1 sh -c 'x' </dev/null 3<&- &"));
}

/// A directory for each test, a stand-in `ssh` on PATH that logs its
/// arguments and runs its command here, and a FIFO to hold a run's input.
class BackupCopyRun : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-bc-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
    fs::create_directories(root_ + "/bin");
    std::ofstream(root_ + "/bin/ssh") << "#!/bin/sh\n"
                                         "printf '%s\\n' \"$*\" >> \"" + root_ + "/ssh.log\"\n"
                                         "while [ $# -gt 0 ]; do\n"
                                         "  case $1 in -o|-l|-p) shift 2 ;; --) shift; break ;; *) shift ;; esac\n"
                                         "done\n"
                                         "shift\n"
                                         "exec sh -c \"$1\"\n";
    fs::permissions(root_ + "/bin/ssh", fs::perms::owner_all);
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    ::setenv("PATH", (root_ + "/bin:" + old_path_).c_str(), 1);
    fifo_ = root_ + "/stdin";
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
    held_ = ::open(fifo_.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(held_, 0);
  }
  void TearDown() override {
    ::setenv("PATH", old_path_.c_str(), 1);
    if (held_ >= 0) ::close(held_);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  /// Runs a bounded pipeline here, its input the held FIFO.
  Result<CommandResult> run(const std::string& bounded) {
    return run_local_process({"/bin/sh", "-c", "exec <" + sh_quote(fifo_) + "\n" + bounded}, "", 60000);
  }
  std::string listing(const std::string& dir) {
    auto r = run_local_process({"/bin/sh", "-c", listing_command(dir)}, "", 10000);
    return r.ok() ? r->output : "?";
  }
  std::string root_, old_path_, fifo_;
  int held_ = -1;
};

TEST_F(BackupCopyRun, BothRoutesCarryTheSetExactlyWhateverItsPath) {
  const std::string dir = root_ + "/it's a \"set\" $HOME/BACKUP_01";
  fs::create_directories(dir + "/sub dir");
  ASSERT_TRUE(write_file_atomic(dir + "/a.bak", std::string(100000, 'x')).ok());
  ASSERT_TRUE(write_file_atomic(dir + "/sub dir/b's.meta", "meta\n").ok());

  // Host to host: the source host (here) runs tar into ssh to the target.
  auto prepared = run_local_process({"/bin/sh", "-c", prepare_command(dir)}, "", 10000);
  ASSERT_TRUE(prepared.ok() && prepared->exit_code == 0);
  auto direct = run(bounded_pipeline(direct_pipeline(dir, peer("10.0.0.3", "root")), 30000));
  ASSERT_TRUE(direct.ok()) << direct.message();
  EXPECT_EQ(direct->exit_code, 0) << direct->output << direct->errors;
  EXPECT_EQ(listing(staging_dir(dir)), listing(dir));
  EXPECT_THAT(listing(dir), HasSubstr("sub dir/b's.meta 5\n"));
  auto log = read_whole_file(root_ + "/ssh.log");
  ASSERT_TRUE(log.ok());
  EXPECT_THAT(*log, HasSubstr("-o BatchMode=yes -o ConnectTimeout=3"));
  EXPECT_THAT(*log, HasSubstr("-l root -- 10.0.0.3 tar -C"));

  // Through this machine: each host's tar behind its own transport.
  auto placed = run_local_process({"/bin/sh", "-c", prepare_command(dir)}, "", 10000);
  ASSERT_TRUE(placed.ok() && placed->exit_code == 0);
  LocalTransport a("10.0.0.1"), b("10.0.0.3");
  auto via = run(bounded_pipeline(via_control_pipeline(dir, a, b), 30000));
  ASSERT_TRUE(via.ok()) << via.message();
  EXPECT_EQ(via->exit_code, 0) << via->output << via->errors;
  EXPECT_EQ(listing(staging_dir(dir)), listing(dir));

  auto moved = run_local_process({"/bin/sh", "-c", place_command(dir)}, "", 10000);
  ASSERT_TRUE(moved.ok() && moved->exit_code == 0);
  EXPECT_FALSE(fs::exists(staging_dir(dir)));
  EXPECT_TRUE(fs::exists(dir + "/sub dir/b's.meta"));
}

TEST_F(BackupCopyRun, ABoundedPipelineIsKilledAtItsTimeoutAndWhenItsInputEnds) {
  const auto started = std::chrono::steady_clock::now();
  auto slow = run(bounded_pipeline("sleep 30 | cat", 1000));
  ASSERT_TRUE(slow.ok()) << slow.message();
  EXPECT_EQ(slow->exit_code, 137);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));

  // The process carrying it dies (dpcctl killed, its ssh gone): its input
  // ends, and the whole pipeline goes at once, long before its timeout.
  std::thread carrier_dies([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::close(held_);
    held_ = -1;
  });
  const auto second = std::chrono::steady_clock::now();
  auto cut = run(bounded_pipeline("sleep 30 | cat", 60000));
  carrier_dies.join();
  ASSERT_TRUE(cut.ok()) << cut.message();
  EXPECT_NE(cut->exit_code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - second, std::chrono::seconds(10));
}

}  // namespace
}  // namespace dpc::real
