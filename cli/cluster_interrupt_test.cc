// The signal wiring every cluster command on the real backend shares
// (cluster_interrupt.h), with real signals: the first asks for no new step,
// the second for giving up the running ones; the end notes the interrupt in
// the journal with the command's name, empties secrets/, says how to go on
// and gives the shell's status for the signal. Before, only deploy did
// this; stop, start and destroy simply died on Ctrl-C.
#include "cli/cluster_interrupt.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dpc::cli {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ClusterInterruptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-interrupt-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
    dir_ = (root_ / "state").string();
    command_.verb = "stop";
    command_.topo.cluster = "c1";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
  std::string dir_;
  ClusterCommand command_;
};

TEST_F(ClusterInterruptTest, FirstSignalStopsNewStepsSecondGivesUpTheRunningOnes) {
  ClusterInterrupt interrupts(command_);
  auto stop = interrupts.stop_requested();
  auto abort = interrupts.abort_requested();
  EXPECT_FALSE(stop());
  EXPECT_FALSE(interrupts.received());
  ::testing::internal::CaptureStderr();
  ASSERT_EQ(std::raise(SIGINT), 0);  // counted, not the end of the test binary
  EXPECT_TRUE(stop());
  EXPECT_TRUE(stop());
  EXPECT_FALSE(abort());
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(said.find("dpcctl stop: SIGINT: starting no new step"), std::string::npos) << said;
  EXPECT_EQ(said.find("starting no new step"), said.rfind("starting no new step")) << "said once";
  ASSERT_EQ(std::raise(SIGTERM), 0);
  EXPECT_TRUE(abort());
}

TEST_F(ClusterInterruptTest, TheEndNotesTheCommandInTheJournalEmptiesSecretsAndSaysHowToGoOn) {
  auto state = StateDir::acquire(dir_);
  ASSERT_TRUE(state.ok()) << state.message();
  auto secrets = state->subdir("secrets");
  ASSERT_TRUE(secrets.ok()) << secrets.message();
  std::ofstream(*secrets + "/BP1.dminit.1.par") << "SYSDBA_PWD=x\n";
  ClusterInterrupt interrupts(command_);
  ASSERT_EQ(std::raise(SIGTERM), 0);
  ::testing::internal::CaptureStderr();
  const int code = interrupts.finish(dir_, &*state, nullptr, "2 of 5 steps", "to finish, run the same command again", 1234);
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 128 + SIGTERM);
  EXPECT_NE(said.find("dpcctl stop: interrupted by SIGTERM after 2 of 5 steps; the journal "), std::string::npos) << said;
  EXPECT_NE(said.find("(1 removed)"), std::string::npos) << said;
  EXPECT_NE(said.find("\nto finish, run the same command again\n"), std::string::npos) << said;
  EXPECT_TRUE(fs::is_empty(*secrets));
  EXPECT_NE(read(fs::path(dir_) / "journal.jsonl").find(R"({"at_ms":1234,"command":"stop","interrupted":"SIGTERM"})"),
            std::string::npos);
}

TEST_F(ClusterInterruptTest, TheSignalsEndTheProcessAgainOnceTheCommandIsOver) {
  { ClusterInterrupt interrupts(command_); }
  struct sigaction now {};
  ASSERT_EQ(::sigaction(SIGINT, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
  ASSERT_EQ(::sigaction(SIGTERM, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

}  // namespace
}  // namespace dpc::cli
