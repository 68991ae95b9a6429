// SimBackend under the deployment core: the executor runs the plan of the
// manual's clusters against the simulator and ends healthy; the Backend
// contract's corner cases (timeouts, idle servers, files) hold.
#include "sim/sim_backend.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "core/executor.h"
#include "core/plan_builder.h"
#include "core/topology_load.h"

namespace dpc::sim {
namespace {

Topology load(const std::string& name) {
  auto out = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + name);
  EXPECT_TRUE(out.ok()) << name;
  return *out.topology;
}

ExecutionReport deploy(SimBackend& backend, const Topology& topo) {
  Executor ex(backend, ExecutorOptions{});
  return ex.run(build_deploy_plan(topo));
}

TEST(SimBackendExecutor, DeploysManual72AndStopsWithoutHalts) {
  SimCluster cluster;
  SimBackend backend(cluster);
  const Topology topo = load("manual-7.2.json");
  ExecutionReport r = deploy(backend, topo);
  ASSERT_TRUE(r.ok) << r.failed_step << ": " << r.error << "\n" << cluster.trace().tail(30);
  EXPECT_EQ(cluster.group_leader("RAFT_1"), "BP11");
  EXPECT_EQ(cluster.group_leader("RAFT_2"), "BP21");
  EXPECT_TRUE(cluster.violations().empty());

  Executor stop(backend, ExecutorOptions{});
  ExecutionReport s = stop.run(build_stop_plan(topo));
  ASSERT_TRUE(s.ok) << s.failed_step << ": " << s.error << "\n" << cluster.trace().tail(30);
  cluster.advance(10'000);
  for (const auto& name : cluster.instance_names()) {
    auto v = cluster.view(name);
    EXPECT_FALSE(v.running) << name;
    EXPECT_FALSE(v.halted) << name << ": " << v.last_error;
    EXPECT_FALSE(v.dirty) << name;
  }
}

TEST(SimBackendExecutor, DeploysEveryExampleTopology) {
  for (const char* file : {"manual-7.1.json", "manual-7.3.json", "local-7.1.json",
                           "local-7.2.json", "local-7.3.json", "local-large.json",
                           "mini-3replica.json"}) {
    SimCluster cluster;
    SimBackend backend(cluster);
    auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/" + file);
    if (!loaded.ok()) continue;  // an example not written yet
    ExecutionReport r = deploy(backend, *loaded.topology);
    EXPECT_TRUE(r.ok) << file << ": " << r.failed_step << ": " << r.error << "\n"
                      << cluster.trace().tail(30);
    EXPECT_TRUE(cluster.violations().empty()) << file;
  }
}

TEST(SimBackendExecutor, SpreadClusterCarriesBackupSetsBetweenHosts) {
  SimCluster cluster;
  SimBackend backend(cluster);
  const Topology topo = load("spread-7.2.json");
  ExecutionReport r = deploy(backend, topo);
  ASSERT_TRUE(r.ok) << r.failed_step << ": " << r.error << "\n" << cluster.trace().tail(30);
  EXPECT_EQ(cluster.group_leader("RAFT_1"), "BP11");
  EXPECT_EQ(cluster.group_leader("RAFT_2"), "BP21");
  EXPECT_TRUE(cluster.exists("10.213.0.13", "/data/dpc/bp21/BACKUP_01"));
  EXPECT_TRUE(cluster.violations().empty());
}

// A backup set is files on the host that wrote it: the same plan without
// its copy-backup steps fails at the first restore on another host.
TEST(SimBackendExecutor, SpreadClusterWithoutTheCopyFailsAtTheRestore) {
  SimCluster cluster;
  SimBackend backend(cluster);
  Plan plan = build_deploy_plan(load("spread-7.2.json"));
  std::vector<Step> kept;
  for (Step& s : plan.steps) {
    if (s.kind == StepKind::CopyBackup) continue;
    std::vector<std::string> deps;
    for (auto& d : s.deps) {
      if (d.rfind("copy-backup:", 0) != 0) deps.push_back(d);
    }
    s.deps = deps;
    kept.push_back(s);
  }
  ASSERT_LT(kept.size(), plan.steps.size());
  plan.steps = kept;
  Executor ex(backend, ExecutorOptions{});
  ExecutionReport r = ex.run(plan);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.failed_step.rfind("restore:", 0), 0u) << r.failed_step;
  EXPECT_NE(r.error.find("no backup set in"), std::string::npos) << r.error;
}

TEST(SimBackend, StartTimeoutStopsAServerThatNeverBecomesReady) {
  SimCluster cluster;
  SimBackend backend(cluster);
  const std::string h = "h1";
  std::optional<Result<ToolOutcome>> init;
  backend.run_tool(ToolRun{"BP1", h, "dminit",
                           {"path=/dm/bp1", "instance_name=BP1", "port_num=5300",
                            "ap_port_num=6300", "dpc_mode=BP"}},
                   [&](Result<ToolOutcome> o) { init = std::move(o); });
  while (!init && backend.run_one()) {
  }
  ASSERT_TRUE(init && init->ok() && (*init)->exit_code == 0);
  ASSERT_TRUE(backend.write_file(h, "/dm/bp1/DAMENG/mp.ini", "mp_host = h1\nmp_port = 9000\n").ok());
  // No MP: the BP keeps retrying (MP_RECONN_TIMEOUT is huge), so the
  // backend's timeout must end the start and stop the process.
  std::optional<Status> started;
  ServerLaunch launch{"BP1", h, {"/dm/bp1/DAMENG/dm.ini", "dpc_mode=BP"}};
  launch.timeout_ms = 5000;
  backend.start_server(launch, [&](Status st) { started = std::move(st); });
  while (!started && backend.run_one()) {
  }
  ASSERT_TRUE(started.has_value());
  EXPECT_FALSE(started->ok());
  EXPECT_NE(started->message().find("not ready within 5000 ms"), std::string::npos)
      << started->message();
  EXPECT_FALSE(backend.server_running("BP1"));
}

TEST(SimBackend, RunOneKeepsTimeMovingWhileServersRunAndStopsWhenAllIsIdle) {
  SimBackend backend;
  EXPECT_FALSE(backend.run_one());  // nothing at all
  bool fired = false;
  backend.call_at(250, [&] { fired = true; });
  EXPECT_TRUE(backend.run_one());
  EXPECT_TRUE(fired);
  EXPECT_EQ(backend.now(), 250);
  EXPECT_FALSE(backend.run_one());
}

TEST(SimBackend, WriteFileNeedsTheDirectoryAndReadsBack) {
  SimBackend backend;
  Status st = backend.write_file("h1", "/nowhere/mp.ini", "x");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("/nowhere"), std::string::npos) << st.message();
  backend.cluster().host("h1").make_dirs("/dm");
  ASSERT_TRUE(backend.write_file("h1", "/dm/mp.ini", "mp_port = 9000\n").ok());
  EXPECT_TRUE(backend.exists("h1", "/dm/mp.ini"));
  auto text = backend.read_file("h1", "/dm/mp.ini");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "mp_port = 9000\n");
}

}  // namespace
}  // namespace dpc::sim
