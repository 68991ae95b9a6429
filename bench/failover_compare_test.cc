#include "bench/failover_compare.h"

#include <gtest/gtest.h>

#include "core/topology_load.h"

namespace dpc::bench {
namespace {

Topology mini() {
  auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/mini-3replica.json");
  EXPECT_TRUE(loaded.ok());
  return *loaded.topology;
}

TEST(FailoverPrediction, TheSimulatorPredictsTheManualIntervalsFailover) {
  const Topology topo = mini();
  const auto predicted = predict_failover(topo, 3, FailoverOptions{});
  ASSERT_EQ(predicted.size(), 3u);
  for (const FailoverSample& s : predicted) {
    ASSERT_TRUE(s.ok) << s.error;
    EXPECT_NE(s.new_leader, s.killed);
    EXPECT_GE(s.kill_offset_ms, 0);
    EXPECT_LT(s.kill_offset_ms, topo.timing.raft_hb_interval);
    // The 2000 ms member takes over 2000 ms after the last heartbeat it heard,
    // then PRIMARY/OPEN 300 ms later; polls add their round.
    EXPECT_GE(s.to_leader_ms, 1850 + 300);
    EXPECT_LE(s.to_leader_ms, 2000 + 300 + 200);
    EXPECT_GE(s.to_sp_ms, s.to_leader_ms);
    EXPECT_GT(s.restart_to_open_ms, 0);
  }
  // Deterministic: the same seeds give the same prediction.
  const auto again = predict_failover(topo, 3, FailoverOptions{});
  for (size_t i = 0; i < predicted.size(); ++i) EXPECT_EQ(again[i].to_leader_ms, predicted[i].to_leader_ms);
}

TEST(FailoverPrediction, TheTableSetsRealBesideTheSimulator) {
  const Topology topo = mini();
  FailoverSample a;
  a.ok = true;
  a.killed = "BP11";
  a.to_leader_ms = 100;
  a.to_sp_ms = 120;
  a.restart_to_open_ms = 400;
  FailoverSample failed;
  failed.error = "no new leader of RAFT_1 within the timeout";
  const std::string table = failover_table({a, failed}, {a}, topo);
  EXPECT_NE(table.find("kill -> new leader PRIMARY/OPEN"), std::string::npos) << table;
  EXPECT_NE(table.find("100 / 100 / 100 (1)"), std::string::npos) << table;
  EXPECT_NE(table.find("real: no new leader"), std::string::npos) << table;
  const Json j = failover_json({a}, {}, topo);
  EXPECT_EQ(j["real"]["to_leader"]["count"], 1);
  EXPECT_EQ(j["simulator"]["to_leader"]["count"], 0);
  EXPECT_NE(failover_svg({a}, {a}).find("<svg"), std::string::npos);
}

TEST(FailoverPrediction, ATopologyWithoutReplicasHasNoFailoverToMeasure) {
  auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.1.json");
  ASSERT_TRUE(loaded.ok());
  const auto predicted = predict_failover(*loaded.topology, 1, FailoverOptions{});
  ASSERT_EQ(predicted.size(), 1u);
  EXPECT_FALSE(predicted[0].ok);
  EXPECT_NE(predicted[0].error.find("no replicated BP group"), std::string::npos) << predicted[0].error;
}

}  // namespace
}  // namespace dpc::bench
