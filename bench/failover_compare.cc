#include "bench/failover_compare.h"

#include "bench/svg_plot.h"
#include "sim/session.h"

namespace dpc::bench {

namespace {

struct Measure {
  const char* name;
  const char* key;
  Millis FailoverSample::*member;
};

const Measure kMeasures[] = {
    {"kill -> new leader PRIMARY/OPEN", "to_leader", &FailoverSample::to_leader_ms},
    {"kill -> SP serving again", "to_sp", &FailoverSample::to_sp_ms},
    {"restart -> OPEN", "restart_to_open", &FailoverSample::restart_to_open_ms},
};

std::string cell(const FailoverStats& s) {
  if (s.count == 0) return "no sample";
  return fmt(s.p50, 0) + " / " + fmt(s.p90, 0) + " / " + fmt(s.max, 0) + " (" + std::to_string(s.count) + ")";
}

Json stats_json(const FailoverStats& s) {
  return {{"count", s.count}, {"min_ms", s.min}, {"p50_ms", s.p50}, {"p90_ms", s.p90}, {"max_ms", s.max},
          {"mean_ms", round_to(s.mean, 1)}};
}

Json samples_json(const std::vector<FailoverSample>& v) {
  Json a = Json::array();
  for (const FailoverSample& s : v) {
    Json j = {{"ok", s.ok}, {"killed", s.killed}, {"new_leader", s.new_leader}, {"kill_offset_ms", s.kill_offset_ms},
              {"to_leader_ms", s.to_leader_ms}, {"to_sp_ms", s.to_sp_ms},
              {"restart_to_open_ms", s.restart_to_open_ms}};
    if (!s.ok) j["error"] = s.error;
    a.push_back(j);
  }
  return a;
}

std::vector<double> values(const std::vector<FailoverSample>& v, Millis FailoverSample::*m) {
  std::vector<double> out;
  for (const FailoverSample& s : v) {
    if (s.ok) out.push_back(static_cast<double>(s.*m));
  }
  return out;
}

}  // namespace

std::vector<FailoverSample> predict_failover(const Topology& topo, int repeats, const FailoverOptions& options,
                                             uint64_t first_seed) {
  std::vector<FailoverSample> out;
  for (int i = 0; i < repeats; ++i) {
    sim::SimOptions so;
    so.seed = first_seed + static_cast<uint64_t>(i);
    sim::SimSession session(topo, so);
    const ExecutionReport deployed = session.deploy();
    if (!deployed.ok) {
      FailoverSample s;
      s.error = "the simulated deploy failed: " + deployed.error;
      out.push_back(s);
      continue;
    }
    FailoverOptions one = options;
    one.repeats = 1;
    one.seed = so.seed;
    auto r = measure_failover(session.backend(), topo, one);
    if (!r) {
      FailoverSample s;
      s.error = r.message();
      out.push_back(s);
      continue;
    }
    for (FailoverSample& s : *r) out.push_back(std::move(s));
  }
  return out;
}

std::string failover_table(const std::vector<FailoverSample>& real, const std::vector<FailoverSample>& predicted,
                           const Topology& topo) {
  std::string group;
  for (const FailoverSample& s : real) {
    if (const Instance* i = topo.find_instance(s.killed)) group = i->raft;
  }
  std::string out = "Failover of " + (group.empty() ? std::string("the first replicated BP group") : group) +
                    ": the leader killed at a random point of its " + std::to_string(topo.timing.raft_hb_interval) +
                    " ms heartbeat interval (ms: p50 / p90 / max (samples))\n";
  auto pad = [](std::string s, size_t w) {
    s.resize(std::max(w, s.size() + 1), ' ');
    return s;
  };
  out += "  " + pad("measure", 34) + pad("real", 30) + "simulator (same topology and settings)\n";
  for (const Measure& m : kMeasures) {
    out += "  " + pad(m.name, 34) + pad(cell(failover_stats(real, m.member)), 30) +
           cell(failover_stats(predicted, m.member)) + "\n";
  }
  for (const auto* v : {&real, &predicted}) {
    for (const FailoverSample& s : *v) {
      if (!s.ok) out += std::string("  ") + (v == &real ? "real" : "simulator") + ": " + s.error + "\n";
    }
  }
  return out;
}

Json failover_json(const std::vector<FailoverSample>& real, const std::vector<FailoverSample>& predicted,
                   const Topology& topo) {
  Json j;
  j["cluster"] = topo.cluster;
  j["raft_hb_interval_ms"] = topo.timing.raft_hb_interval;
  for (const Measure& m : kMeasures) {
    j["real"][m.key] = stats_json(failover_stats(real, m.member));
    j["simulator"][m.key] = stats_json(failover_stats(predicted, m.member));
  }
  j["real"]["samples"] = samples_json(real);
  j["simulator"]["samples"] = samples_json(predicted);
  return j;
}

std::string failover_svg(const std::vector<FailoverSample>& real, const std::vector<FailoverSample>& predicted) {
  sim::PlotSpec p;
  p.title = "Failover and restart: real cluster beside the simulator's prediction";
  p.x_label = "ms";
  return sim::svg_cdf(p, {{"new leader, real", values(real, &FailoverSample::to_leader_ms)},
                     {"new leader, simulator", values(predicted, &FailoverSample::to_leader_ms)},
                     {"restart to OPEN, real", values(real, &FailoverSample::restart_to_open_ms)},
                     {"restart to OPEN, simulator", values(predicted, &FailoverSample::restart_to_open_ms)}});
}

}  // namespace dpc::bench
