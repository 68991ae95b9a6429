// The manual's 7.1 and 7.2 clusters deployed end to end through the real
// backend and the executor: the plan's dminit, dmserver and dmrman runs are
// real processes of the stand-in tools (fakes/), with real PARFILEs, FIFO
// consoles, pid files and logs; SQL goes to FakeDpcSql, which answers from
// the state the stand-ins leave on disk. Then the stop plan takes the cluster
// down in the manual's order, and no file dpcctl or the tools wrote holds the
// password.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/cluster_status.h"
#include "core/endpoints.h"
#include "core/executor.h"
#include "core/journal.h"
#include "core/plan_builder.h"
#include "core/state_dir.h"
#include "core/topology_load.h"
#include "real-backend/asio_process_launcher.h"
#include "real-backend/atomic_file.h"
#include "real-backend/real_backend.h"
#include "real-backend/testing/fake_dpc_sql.h"
#include "real-backend/testing/free_ports.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr const char* kPassword = "Deploy_Sysdba_Pwd_77";

using testing::free_port;

/// Every file under `dir` whose contents contain `needle`.
std::vector<std::string> files_containing(const std::string& dir, const std::string& needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    auto text = read_whole_file(e.path().string());
    if (text && text->find(needle) != std::string::npos) out.push_back(e.path().string());
  }
  return out;
}

class DeployThroughRealBackend : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-deploy-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    ::setenv("DPC_FAKE_RECORD", (dir_ + "/record.txt").c_str(), 1);
    ::unsetenv("DPC_FAKE_FAIL");
    ::unsetenv("DPC_FAKE_HANG");

    auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + GetParam());
    ASSERT_TRUE(loaded.ok()) << GetParam();
    topo_ = *loaded.topology;
    // Paths under a temp dir, every port moved to one that is free here.
    std::map<int, int> moved;
    auto move = [&moved](int& port) {
      if (port <= 0) return;
      if (!moved.count(port)) moved[port] = free_port();
      port = moved[port];
    };
    for (Instance& inst : topo_.instances) {
      std::string lower = inst.name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      inst.path = dir_ + "/data/" + lower;
      move(inst.port_num);
      move(inst.ap_port_num);
      move(inst.mp_port);
    }

    make_backend();
  }

  void make_backend() {
    RealConfig config;
    config.dm_home = DPC_FAKE_DM_HOME;
    config.dm_home_origin = "test";
    config.state_dir = dir_ + "/state";
    config.run_one_max_wait_ms = 50;
    config.stop_grace_ms = 1000;
    auto io = std::make_shared<boost::asio::io_context>();
    auto sql = std::make_unique<testing::FakeDpcSql>(topo_);
    sql_ = sql.get();
    backend_ = std::make_unique<RealBackend>(config, Secret(kPassword), io,
                                             std::make_unique<AsioProcessLauncher>(*io), std::move(sql));
  }

 public:
  /// Kills every server, waits until they are gone, and starts over with
  /// empty data and state directories and a fresh backend.
  void start_over() {
    for (const Instance& inst : topo_.instances) {
      if (backend_->server_running(inst.name)) (void)backend_->signal(inst.name, Signal::Kill);
    }
    for (int i = 0; i < 200; ++i) {
      bool any = false;
      for (const Instance& inst : topo_.instances) any = any || backend_->server_running(inst.name);
      if (!any) break;
      backend_->run_one();
    }
    backend_.reset();
    std::error_code ec;
    fs::remove_all(dir_ + "/data", ec);
    fs::remove_all(dir_ + "/state", ec);
    make_backend();
  }

 protected:

  void TearDown() override {
    if (backend_) {
      for (const Instance& inst : topo_.instances) {
        if (backend_->server_running(inst.name)) (void)backend_->signal(inst.name, Signal::Kill);
      }
    }
    backend_.reset();
    ::unsetenv("DPC_FAKE_RECORD");
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  ExecutorOptions options() {
    ExecutorOptions o;
    o.parallel = 4;
    o.poll_interval_ms = 50;
    o.endpoints = sql_endpoints(topo_);
    return o;
  }

  std::string dir_;
  Topology topo_;
  testing::FakeDpcSql* sql_ = nullptr;
  std::unique_ptr<RealBackend> backend_;
};

TEST_P(DeployThroughRealBackend, DeploysHealthyThenStopsInOrderWithoutLeakingThePassword) {
  const Plan plan = build_deploy_plan(topo_);
  ExecutionReport deployed = Executor(*backend_, options()).run(plan);
  ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;
  EXPECT_EQ(deployed.done, static_cast<int>(plan.steps.size()));

  EXPECT_THAT(sql_->violations(), ::testing::IsEmpty());
  std::vector<std::string> registered = sql_->registered();
  ASSERT_EQ(registered.size(), topo_.instances.size());
  EXPECT_EQ(registered.front(), topo_.of_role(Role::MP).front()->name) << "the MP registers itself first";
  for (const Instance& inst : topo_.instances) {
    EXPECT_TRUE(backend_->server_running(inst.name)) << inst.name;
    EXPECT_TRUE(fs::exists(inst.path + "/DAMENG/dm.ini")) << inst.name;
  }
  ClusterStatus status = gather_status(*backend_, topo_);
  EXPECT_TRUE(status.healthy) << status.health_note;
  EXPECT_TRUE(Executor(*backend_, options()).already_deployed(plan));

  const std::string record = *read_whole_file(dir_ + "/record.txt");
  for (const RaftGroup& group : topo_.rafts) {
    if (!group.replicated() || group.role != Role::BP) continue;
    auto members = topo_.members_of(group);
    EXPECT_THAT(record, HasSubstr("CTLSTMT=BACKUP DATABASE '" + members[0]->path + "/DAMENG/dm.ini' FULL TO"));
    EXPECT_THAT(record, HasSubstr("CTLSTMT=RESTORE DATABASE '" + members[1]->path + "/DAMENG/dm.ini'"));
    EXPECT_THAT(record, HasSubstr("dmserver\t" + members[1]->path + "/DAMENG/dm.ini\tdpc_mode=BP\tMOUNT"));
    auto state = gather_status(*backend_, topo_);
    for (const auto& s : state.instances) {
      if (s.name == members[0]->name) {
        EXPECT_EQ(s.mode, "PRIMARY") << "the 1500 ms member leads";
      }
    }
  }

  const Plan stop = build_stop_plan(topo_);
  ExecutionReport stopped = Executor(*backend_, options()).run(stop);
  ASSERT_TRUE(stopped.ok) << stopped.failed_step << ": " << stopped.error;
  for (const Instance& inst : topo_.instances) EXPECT_FALSE(backend_->server_running(inst.name)) << inst.name;
  // The SP went first and the MP last, as the manual says.
  const std::string after = *read_whole_file(dir_ + "/record.txt");
  size_t sp_exit = after.find("dmserver-exit\t" + topo_.of_role(Role::SP).front()->name);
  size_t mp_exit = after.find("dmserver-exit\t" + topo_.of_role(Role::MP).front()->name);
  ASSERT_NE(sp_exit, std::string::npos);
  ASSERT_NE(mp_exit, std::string::npos);
  EXPECT_LT(sp_exit, mp_exit);
  for (const Instance& inst : topo_.instances) {
    if (inst.role == Role::BP) {
      EXPECT_LT(after.find("dmserver-exit\t" + inst.name), mp_exit) << inst.name;
    }
  }

  EXPECT_THAT(files_containing(dir_, kPassword), ::testing::IsEmpty())
      << "logs, argv records, pid files, inis and backup sets must not hold the password";
  EXPECT_THAT(record, HasSubstr("parfile:SYSDBA_PWD=<given, 20 characters>"));
  EXPECT_TRUE(fs::is_empty(dir_ + "/state/secrets")) << "every PARFILE was removed";
}

TEST_P(DeployThroughRealBackend, AFailedStepNamesTheInstanceAndTheToolsOwnWords) {
  ::setenv("DPC_FAKE_FAIL", "dminit:INSTANCE_NAME=SP1", 1);
  ExecutionReport report = Executor(*backend_, options()).run(build_deploy_plan(topo_));
  ::unsetenv("DPC_FAKE_FAIL");
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.failed_step, "init:SP1");
  EXPECT_THAT(report.error, HasSubstr("fault injected by DPC_FAKE_FAIL"));
  EXPECT_THAT(report.error, ::testing::Not(HasSubstr(kPassword)));
}

TEST_P(DeployThroughRealBackend, InterruptedAtEveryStepThenResumedEndsHealthyWithNoSecretLeft) {
  // Before: an interrupt left cleartext PARFILEs in secrets/ and a journal
  // --resume could not finish from. Here the interrupt (a first Ctrl-C: no new
  // step starts, the running ones end) comes as each step of the plan starts
  // in turn; then the same state directory, its journal re-read from disk,
  // resumes to a healthy cluster.
  const Plan plan = build_deploy_plan(topo_);
  for (size_t k = 0; k < plan.steps.size(); ++k) {
    SCOPED_TRACE("interrupted when step " + std::to_string(k + 1) + " (" + plan.steps[k].id + ") started");
    if (k > 0) start_over();
    const std::string state_dir = dir_ + "/state";
    auto state = StateDir::acquire(state_dir);
    ASSERT_TRUE(state.ok()) << state.message();
    {
      auto journal = Journal::open(state_dir, topo_.cluster);
      ASSERT_TRUE(journal.ok()) << journal.message();
      ExecutorOptions o = options();
      o.journal = &*journal;
      bool stop = false;
      o.on_event = [&](const StepEvent& e) {
        if (e.kind == StepEvent::Kind::Started && e.index == static_cast<int>(k) + 1) stop = true;
      };
      o.stop_requested = [&] { return stop; };
      ExecutionReport report = Executor(*backend_, o).run(plan);
      ASSERT_TRUE(report.interrupted);
      EXPECT_FALSE(report.ok);
      ASSERT_TRUE(journal->record_interrupt("SIGINT", backend_->now()).ok());
    }
    state->remove_secrets();
    EXPECT_TRUE(fs::is_empty(state_dir + "/secrets")) << "no PARFILE is left";
    auto journal = Journal::open(state_dir, topo_.cluster);
    ASSERT_TRUE(journal.ok()) << journal.message();
    ExecutorOptions o = options();
    o.journal = &*journal;
    o.resume = true;
    ExecutionReport resumed = Executor(*backend_, o).run(plan);
    ASSERT_TRUE(resumed.ok) << resumed.failed_step << ": " << resumed.error;
    ClusterStatus status = gather_status(*backend_, topo_);
    EXPECT_TRUE(status.healthy) << status.health_note;
    EXPECT_TRUE(fs::is_empty(state_dir + "/secrets"));
    EXPECT_THAT(*read_whole_file(journal->path()), HasSubstr("\"interrupted\":\"SIGINT\""));
  }
}

TEST_P(DeployThroughRealBackend, ASecondInterruptEndsTheRunningToolAndLeavesNoSecret) {
  ::setenv("DPC_FAKE_HANG", "dminit", 1);
  const std::string state_dir = dir_ + "/state";
  auto state = StateDir::acquire(state_dir);
  ASSERT_TRUE(state.ok()) << state.message();
  ExecutorOptions o = options();
  int started = 0;
  o.on_event = [&](const StepEvent& e) { started += e.kind == StepEvent::Kind::Started ? 1 : 0; };
  // Both signals once a dminit is running (hanging): stop, then abort.
  o.stop_requested = [&] { return started > 0 && !fs::is_empty(state_dir + "/secrets"); };
  o.abort_requested = o.stop_requested;
  ExecutionReport report = Executor(*backend_, o).run(build_deploy_plan(topo_));
  ::unsetenv("DPC_FAKE_HANG");
  ASSERT_TRUE(report.interrupted);
  bool given_up = false;
  for (const auto& r : report.records) given_up = given_up || r.error == "interrupted";
  EXPECT_TRUE(given_up) << "the running step was given up";
  backend_.reset();  // as the command does: ends the hanging dminit
  state->remove_secrets();
  EXPECT_TRUE(fs::is_empty(state_dir + "/secrets"));
  EXPECT_THAT(files_containing(dir_, kPassword), ::testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(ManualClusters, DeployThroughRealBackend, ::testing::Values("local-7.1.json", "local-7.2.json"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           name = name.substr(0, name.find(".json"));
                           std::replace(name.begin(), name.end(), '-', '_');
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

}  // namespace
}  // namespace dpc::real
