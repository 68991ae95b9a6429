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
#include "core/plan_builder.h"
#include "core/topology_load.h"
#include "real-backend/asio_process_launcher.h"
#include "real-backend/atomic_file.h"
#include "real-backend/real_backend.h"
#include "real-backend/testing/stand_in_cluster.h"
#include "real-backend/testing/stand_in_test.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr const char* kPassword = testing::StandInCluster::kPassword;

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

class DeployThroughRealBackend : public testing::StandInClusterTest {
 protected:  std::string& dir_ = c_.dir;
  Topology& topo_ = c_.topo;
  testing::FakeDpcSql*& sql_ = c_.sql;
  std::unique_ptr<RealBackend>& backend_ = c_.backend;
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

INSTANTIATE_TEST_SUITE_P(ManualClusters, DeployThroughRealBackend, ::testing::Values("local-7.1.json", "local-7.2.json"),
                         testing::topology_test_name);

}  // namespace
}  // namespace dpc::real
