// Test helper: a GoogleTest fixture that runs each test on the stand-in
// cluster (stand_in_cluster.h) of one topology of scenarios/topologies/,
// the test's parameter, set up before and torn down after it, with the
// executor options the real backend's integration tests use; and the
// tests' names made from the file names. Header-only.
#pragma once

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "core/endpoints.h"
#include "core/executor.h"
#include "real-backend/testing/stand_in_cluster.h"

namespace dpc::real::testing {

class StandInClusterTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { ASSERT_EQ(c_.set_up(GetParam()), "") << GetParam(); }
  void TearDown() override { c_.tear_down(); }

  /// Four steps at once, a 50 ms poll, the topology's SQL endpoints.
  ExecutorOptions options() {
    ExecutorOptions o;
    o.parallel = 4;
    o.poll_interval_ms = 50;
    o.endpoints = sql_endpoints(c_.topo);
    return o;
  }

  StandInCluster c_;
};

/// A test's name from its topology file: "local-7.1.json" -> "local_7_1".
inline std::string topology_test_name(const ::testing::TestParamInfo<const char*>& info) {
  std::string name = info.param;
  name = name.substr(0, name.find(".json"));
  std::replace(name.begin(), name.end(), '-', '_');
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

}  // namespace dpc::real::testing
