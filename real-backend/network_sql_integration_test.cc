// SQL over the network on this machine: the manual's 7.2 cluster deployed
// through RealBackend with the stand-in DM tools, but with SQL going through
// unixODBC and Debian's PostgreSQL ODBC driver (psqlodbc) over TCP to each
// stand-in dmserver's PORT_NUM, where it answers over the PostgreSQL v3
// protocol (fakes/fake_pg_wire.h) with the model FakeDpcSql uses in-process
// (testing/dpc_sql_model.h). Skipped when psqlodbc is not installed
// (scripts/packages.txt lists odbc-postgresql).
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/cluster_status.h"
#include "core/endpoints.h"
#include "core/executor.h"
#include "core/plan_builder.h"
#include "real-backend/atomic_file.h"
#include "real-backend/odbc_connector.h"
#include "real-backend/sql_tunnel.h"
#include "real-backend/testing/stand_in_cluster.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr const char* kPgDriver = "PostgreSQL Unicode";
constexpr const char* kPgConnection =
    "DRIVER={%DRIVER%};SERVER=%HOST%;PORT=%PORT%;DATABASE=dpc;UID=%UID%;PWD=%PWD%";

/// The topology file with the ports StandInCluster moved them to.
void write_cluster_file(const std::string& source, const Topology& topo, const std::string& to) {
  std::ifstream in(source);
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, true, true);
  std::function<void(nlohmann::json&)> walk = [&](nlohmann::json& v) {
    if (v.is_object()) {
      if (v.contains("name") && v["name"].is_string() && v.contains("port_num")) {
        if (const Instance* inst = topo.find_instance(v["name"].get<std::string>())) {
          v["port_num"] = inst->port_num;
          if (v.contains("ap_port_num")) v["ap_port_num"] = inst->ap_port_num;
          if (v.contains("mp_port")) v["mp_port"] = inst->mp_port;
        }
      }
      for (auto& [key, child] : v.items()) walk(child);
    } else if (v.is_array()) {
      for (auto& child : v) walk(child);
    }
  };
  walk(doc);
  ASSERT_TRUE(write_file_atomic(to, doc.dump(2)).ok());
}

class NetworkSql : public ::testing::Test {
 protected:
  void SetUp() override {
    OdbcSettings pg;
    pg.driver = kPgDriver;
    if (!check_odbc_driver(pg).ok()) GTEST_SKIP() << "psqlodbc is not installed (odbc-postgresql)";
    ASSERT_EQ(c_.set_up("local-7.2.json"), "");
    fs::create_directories(c_.dir + "/data");
    write_cluster_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json", c_.topo,
                       c_.dir + "/data/dpc-fake-cluster.json");
    c_.backend.reset();
    config_.dm_home = DPC_FAKE_DM_HOME;
    config_.dm_home_origin = "test";
    config_.state_dir = c_.dir + "/state";
    config_.run_one_max_wait_ms = 50;
    config_.stop_grace_ms = 1000;
    config_.connect_timeout_ms = 5000;
    config_.odbc_driver = kPgDriver;
    config_.odbc_connection = kPgConnection;
    for (const Instance& inst : c_.topo.instances) {
      config_.instance_inis[inst.name] = db_file(inst, "dm.ini");
      config_.instance_hosts[inst.name] = inst.host;
    }
    auto io = std::make_shared<boost::asio::io_context>();
    c_.backend = std::make_unique<RealBackend>(config_, Secret(testing::StandInCluster::kPassword), io,
                                               std::make_unique<AsioProcessLauncher>(*io),
                                               make_sql_connector(config_, Secret(testing::StandInCluster::kPassword)));
  }
  void TearDown() override { c_.tear_down(); }

  ExecutorOptions options() const {
    ExecutorOptions o;
    o.parallel = 4;
    o.poll_interval_ms = 50;
    o.endpoints = sql_endpoints(c_.topo);
    return o;
  }

  testing::StandInCluster c_;
  RealConfig config_;
};

TEST_F(NetworkSql, DeploysThroughPsqlodbcToTheStandInsAndStatusSeesTheLeaders) {
  const Topology& topo = c_.topo;
  ExecutionReport deployed = Executor(*c_.backend, options()).run(build_deploy_plan(topo));
  ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;

  // The MP's stand-in took the registration over the network and keeps it.
  const Instance& mp = *topo.of_role(Role::MP).front();
  auto catalog = read_whole_file(mp.path + "/DAMENG/fake.catalog");
  ASSERT_TRUE(catalog.ok());
  EXPECT_EQ(catalog->rfind("instance\t" + mp.name + "\n", 0), 0u) << "the MP registers itself first";
  for (const Instance& inst : topo.instances) EXPECT_THAT(*catalog, HasSubstr("instance\t" + inst.name + "\n"));

  ClusterStatus status = gather_status(*c_.backend, topo);
  EXPECT_TRUE(status.healthy) << status.health_note;
  for (const auto& s : status.instances) {
    const Instance* inst = topo.find_instance(s.name);
    if (inst != nullptr && inst->role == Role::BP && inst->raft_vote_interval == 1500) {
      EXPECT_EQ(s.mode, "PRIMARY") << s.name << ": the 1500 ms member leads";
    }
  }

  // An error travels back with its SQLSTATE and DM's code in the message.
  auto sql = make_sql_connector(config_, Secret(testing::StandInCluster::kPassword));
  const Instance& bp = *topo.of_role(Role::BP).front();
  auto bad = sql->execute(SqlEndpoint{bp.name, bp.host, bp.port_num}, "SELECT NAME FROM DPC_INSTANCE");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.message(), HasSubstr("SQLSTATE 42S02"));
  EXPECT_THAT(bad.message(), HasSubstr("[-2106] invalid table or view name"));
  EXPECT_THAT(bad.message(), ::testing::Not(HasSubstr(testing::StandInCluster::kPassword)));

  ExecutionReport stopped = Executor(*c_.backend, options()).run(build_stop_plan(topo));
  ASSERT_TRUE(stopped.ok) << stopped.failed_step << ": " << stopped.error;
  // A stopped server refuses the connection.
  RealConfig quick = config_;
  quick.connect_timeout_ms = 500;
  sql = make_sql_connector(quick, Secret(testing::StandInCluster::kPassword));
  auto down = sql->execute(SqlEndpoint{mp.name, mp.host, mp.port_num}, "SELECT 1 FROM DUAL");
  EXPECT_FALSE(down.ok());
}

}  // namespace
}  // namespace dpc::real
