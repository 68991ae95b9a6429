// The state directory: one run at a time (the second is refused, naming the
// first's pid), private modes, no symbolic links, secrets/ emptied.
#include "core/state_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/journal.h"

namespace dpc {
namespace {

namespace fs = std::filesystem;

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "in: " << (text)

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

class StateDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-state-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
    dir_ = (root_ / "state").string();
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
  std::string dir_;
};

TEST_F(StateDirTest, CreatesAPrivateDirectoryWithALockHoldingThePid) {
  auto s = StateDir::acquire(dir_);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(mode_of(dir_), 0700u);
  EXPECT_EQ(mode_of(dir_ + "/lock"), 0600u);
  EXPECT_EQ(StateDir::lock_holder(dir_), ::getpid());
  auto logs = s->subdir("logs");
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(mode_of(*logs), 0700u);
}

TEST_F(StateDirTest, ASecondRunIsRefusedNamingTheFirstsPid) {
  // Before: two runs deleted each other's PARFILEs and interleaved the journal.
  auto first = StateDir::acquire(dir_);
  ASSERT_TRUE(first.ok()) << first.message();
  auto second = StateDir::acquire(dir_);
  ASSERT_FALSE(second.ok());
  EXPECT_CONTAINS(second.message(), "is in use by another dpcctl run (pid " +
                                        std::to_string(::getpid()) + ")");
  EXPECT_CONTAINS(second.message(), "use another --state-dir");
  // From another process too (flock is per open file, and per process).
  const pid_t child = ::fork();
  if (child == 0) _exit(StateDir::acquire(dir_).ok() ? 1 : 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the other process got the lock";
  { StateDir released = std::move(*first); }
  EXPECT_TRUE(StateDir::acquire(dir_).ok()) << "the lock goes with the run";
}

TEST_F(StateDirTest, SymbolicLinksAreRefused) {
  // Before: a planted secrets -> elsewhere link was followed.
  fs::create_directories(root_ / "elsewhere");
  fs::create_directories(dir_);
  fs::create_directory_symlink(root_ / "elsewhere", fs::path(dir_) / "secrets");
  auto s = StateDir::acquire(dir_);
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), dir_ + "/secrets is a symbolic link");
  fs::remove(fs::path(dir_) / "secrets");
  fs::create_directories(fs::path(dir_) / "logs");
  fs::create_symlink(root_ / "elsewhere" / "x", fs::path(dir_) / "logs" / "BP11.log");
  EXPECT_FALSE(StateDir::acquire(dir_).ok()) << "a link deeper down too";
  fs::remove(fs::path(dir_) / "logs" / "BP11.log");
  fs::create_directory_symlink(fs::path(dir_), root_ / "link");
  auto via_link = StateDir::acquire((root_ / "link").string());
  ASSERT_FALSE(via_link.ok());
  EXPECT_CONTAINS(via_link.message(), "is a symbolic link");
}

TEST_F(StateDirTest, WideModesAreTightened) {
  // Before: journal.jsonl was world-readable.
  fs::create_directories(fs::path(dir_) / "logs");
  ::chmod(dir_.c_str(), 0755);
  ::chmod((dir_ + "/logs").c_str(), 0755);
  std::ofstream(dir_ + "/journal.jsonl") << "{}\n";
  ::chmod((dir_ + "/journal.jsonl").c_str(), 0644);
  auto s = StateDir::acquire(dir_);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(mode_of(dir_), 0700u);
  EXPECT_EQ(mode_of(dir_ + "/logs"), 0700u);
  EXPECT_EQ(mode_of(dir_ + "/journal.jsonl"), 0600u);
}

TEST_F(StateDirTest, ANewJournalIsPrivate) {
  const mode_t old = ::umask(022);
  auto j = Journal::open(dir_, "c");
  ::umask(old);
  ASSERT_TRUE(j.ok()) << j.message();
  EXPECT_EQ(mode_of(dir_ + "/journal.jsonl"), 0600u);
}

TEST_F(StateDirTest, LeftoverSecretsAreRemovedWhenARunStarts) {
  // Before: an interrupted deploy left cleartext-password PARFILEs behind.
  fs::create_directories(fs::path(dir_) / "secrets");
  std::ofstream(dir_ + "/secrets/BP11.dminit.1.par") << "SYSDBA_PWD=x\n";
  ::chmod((dir_ + "/secrets/BP11.dminit.1.par").c_str(), 0600);
  auto s = StateDir::acquire(dir_);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(fs::is_empty(dir_ + "/secrets"));
  std::ofstream(dir_ + "/secrets/SP1.dminit.2.par") << "SYSDBA_PWD=x\n";
  EXPECT_EQ(s->remove_secrets(), 1);
  EXPECT_TRUE(fs::is_empty(dir_ + "/secrets"));
}

TEST_F(StateDirTest, SomethingInTheWayIsNamed) {
  std::ofstream(root_ / "file") << "x";
  auto s = StateDir::acquire((root_ / "file").string());
  ASSERT_FALSE(s.ok());
  EXPECT_CONTAINS(s.message(), "file");
}

}  // namespace
}  // namespace dpc
