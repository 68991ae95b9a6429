// `dpcctl bench --backend=real TOPOLOGY`: a real cluster's failover and
// restart times (core/failover_measure.h, measured through the real backend)
// beside the simulator's prediction for the same topology and settings (the
// same measurement on a simulated deployment of that topology, one seed per
// repetition), as one table, one JSON object and one CDF plot.
#pragma once

#include <string>
#include <vector>

#include "bench/sections.h"
#include "core/failover_measure.h"
#include "core/topology.h"

namespace dpc::bench {

/// The simulator's prediction: for seeds first..first+repeats-1, deploy the
/// topology on a fresh simulated cluster and measure one failover.
std::vector<FailoverSample> predict_failover(const Topology& topo, int repeats, const FailoverOptions& options,
                                             uint64_t first_seed = 1);

/// The table: per measure, real and predicted p50 / p90 / max and count.
std::string failover_table(const std::vector<FailoverSample>& real, const std::vector<FailoverSample>& predicted,
                           const Topology& topo);

Json failover_json(const std::vector<FailoverSample>& real, const std::vector<FailoverSample>& predicted,
                   const Topology& topo);

/// CDF of the time to a new leader and of the restart to OPEN, real and predicted.
std::string failover_svg(const std::vector<FailoverSample>& real, const std::vector<FailoverSample>& predicted);

}  // namespace dpc::bench
