// `dpcctl stop --backend=real` interrupted by SIGINT, end to end: the binary
// on a cluster of stand-in DM servers (real processes, deployed by this test
// through the real backend), the signal sent once dpcctl says the first stop
// step started. It must start no new step, note the interrupt in the journal
// with the command's name, leave no secret file, say to run the same command
// again and exit 130; the same command then stops the rest. Before, SIGINT
// ended dpcctl at once, without a word of what it had stopped.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/executor.h"
#include "core/plan_builder.h"
#include "real-backend/atomic_file.h"
#include "real-backend/testing/stand_in_cluster.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct CommandRun {
  int exit_status = -1;  ///< 128+signo when ended by a signal
  std::string out, err;
};

class StopInterrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(c_.set_up("local-7.2.json"), "");
    ::setenv("DPC_FAKE_EXIT_DELAY_MS", "1500", 1);  // a stop step lasts long enough to be interrupted
    ExecutorOptions o;
    o.poll_interval_ms = 50;
    ExecutionReport deployed = run_plan(*c_.backend, c_.topo, build_deploy_plan(c_.topo), o);
    ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;
    ASSERT_NO_FATAL_FAILURE(write_topology());
  }
  void TearDown() override {
    ::unsetenv("DPC_FAKE_EXIT_DELAY_MS");
    c_.tear_down();
  }

  /// The shipped local-7.2.json with the test's paths and ports.
  void write_topology() {
    std::ifstream in(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json");
    nlohmann::json j = nlohmann::json::parse(in, nullptr, true, true);
    j["defaults"]["base_dir"] = c_.dir + "/data";
    std::function<void(nlohmann::json&)> walk = [&](nlohmann::json& node) {
      if (node.is_object() && node.contains("name") && node["name"].is_string()) {
        if (const Instance* inst = c_.topo.find_instance(node["name"].get<std::string>())) {
          node["path"] = inst->path;
          node["port_num"] = inst->port_num;
          node["ap_port_num"] = inst->ap_port_num;
          if (node.contains("mp_port")) node["mp_port"] = inst->mp_port;
        }
      }
      if (node.is_structured()) {
        for (auto& child : node) walk(child);
      }
    };
    walk(j);
    file_ = c_.dir + "/topology.json";
    std::ofstream(file_) << j.dump(2);
  }

  /// Runs `dpcctl stop FILE --json --backend=real ...`; with `interrupt`,
  /// sends SIGINT when the first step starts.
  CommandRun stop(bool interrupt) {
    CommandRun run;
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) return run;
    const std::string err_file = c_.dir + "/stop.err";
    const std::string state = c_.dir + "/state";
    const std::string dm_home = DPC_FAKE_DM_HOME;
    ::setenv("DM_SYSDBA_PWD", testing::StandInCluster::kPassword, 1);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(out_pipe[1], 1);
      int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(err, 2);
      ::close(out_pipe[0]);
      ::execl(DPCCTL, DPCCTL, "stop", file_.c_str(), "--json", "--backend=real", "--state-dir", state.c_str(),
              "--dm-home", dm_home.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out_pipe[1]);
    FILE* out = ::fdopen(out_pipe[0], "r");
    char line[4096];
    bool sent = false;
    while (std::fgets(line, sizeof line, out) != nullptr) {
      run.out += line;
      if (interrupt && !sent && std::string(line).find("\"event\":\"started\"") != std::string::npos) {
        ::kill(pid, SIGINT);
        sent = true;
      }
    }
    std::fclose(out);
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    auto err_text = read_whole_file(err_file);
    run.err = err_text ? *err_text : "";
    ::unsetenv("DM_SYSDBA_PWD");
    return run;
  }

  int running() {
    int n = 0;
    for (const Instance& inst : c_.topo.instances) n += c_.backend->server_running(inst.name);
    return n;
  }

  testing::StandInCluster c_;
  std::string file_;
};

TEST_F(StopInterrupt, SigintStartsNoNewStepNotesItAndTheSameCommandFinishes) {
  const int all = static_cast<int>(c_.topo.instances.size());
  ASSERT_EQ(running(), all);
  CommandRun first = stop(true);
  EXPECT_EQ(first.exit_status, 130) << first.out << first.err;
  EXPECT_THAT(first.err, HasSubstr("dpcctl stop: SIGINT: starting no new step"));
  EXPECT_THAT(first.err, HasSubstr("dpcctl stop: interrupted by SIGINT after "));
  EXPECT_THAT(first.err, HasSubstr("to finish, run the same command again"));
  EXPECT_THAT(*read_whole_file(c_.dir + "/state/journal.jsonl"),
              HasSubstr(R"("command":"stop","interrupted":"SIGINT")"));
  EXPECT_TRUE(fs::is_empty(c_.dir + "/state/secrets"));
  const int left = running();
  EXPECT_GT(left, 0) << "the later steps did not run";
  EXPECT_LT(left, all) << "the running step ended";

  CommandRun second = stop(false);
  EXPECT_EQ(second.exit_status, 0) << second.out << second.err;
  EXPECT_EQ(running(), 0);
}

}  // namespace
}  // namespace dpc::real
