// The benchmark targets of docs/performance.md, judged from the sections'
// JSON: each says its goal, what was measured, met / missed / not measured,
// and the command that reproduces it.
#include <algorithm>
#include <string>

#include "bench/sections.h"

namespace dpc::bench {

namespace {

/// One target of the issue: measured value, whether it is met.
Json target(const std::string& name, const std::string& goal, const Json& measured, const std::string& said,
            bool known, bool met, const std::string& how, const std::string& command) {
  Json t;
  t["target"] = name;
  t["goal"] = goal;
  t["measured"] = measured;
  t["measured_text"] = known ? "measured " + said : "not measured in this run";
  t["status"] = !known ? "not measured" : met ? "met" : "missed";
  t["how"] = how;
  t["reproduce"] = command;
  return t;
}

/// Events per second on one core.
Json events_per_second_target(const Json& sections, const std::string& cmd) {
  double whole = 0, whole_cpu = 0, engine = 0, engine_cpu = 0;
  int best_groups = 0;
  std::string per_size;
  bool known = sections.contains("speed");
  if (known) {
    engine = sections["speed"]["engine"].value("events_per_s", 0.0);
    engine_cpu = sections["speed"]["engine"].value("events_per_cpu_s", 0.0);
    for (const Json& s : sections["speed"]["scale"]) {
      if (!s.contains("idle")) continue;
      const double rate = s["idle"].back().value("events_per_s", 0.0);
      per_size += (per_size.empty() ? "" : ", ") + std::to_string(s.value("groups", 0)) + ": " +
                  fmt(rate / 1e6, 2);
      if (rate > whole) best_groups = s.value("groups", 0);
      whole = std::max(whole, rate);
      whole_cpu = std::max(whole_cpu, s["idle"].back().value("events_per_cpu_s", 0.0));
    }
  }
  const std::string said = "whole simulator " + fmt(whole / 1e6, 2) + " M events/s at " +
                           std::to_string(best_groups) + " BP group(s) (M events/s by groups: " + per_size +
                           "); event engine alone " + fmt(engine / 1e6, 2) + " M/s";
  return target("events per second, one core", ">= 5,000,000 events/s",
                {{"whole_simulator_best_idle", whole},
                 {"whole_simulator_best_idle_per_cpu_s", whole_cpu},
                 {"event_engine_alone", engine},
                 {"event_engine_alone_per_cpu_s", engine_cpu}},
                said, known,
                whole >= 5e6, "whole simulator idling a deployed cluster (trace off, invariants on)",
                cmd + "speed");
}

/// The last idle checkpoint of 300 groups (10 virtual minutes) in `list`.
const Json* idle_300(const Json& list) {
  for (const Json& s : list) {
    if (s.value("groups", 0) != 300 || !s.contains("idle")) continue;
    const Json& last = s["idle"].back();
    if (last.value("virtual_s", 0.0) >= 600) return &last;
  }
  return nullptr;
}

/// 300 groups idle 10 virtual minutes at >= 1000x real time per CPU second
/// (with idle heartbeats folded; the unfolded figure beside it).
Json idle_300_groups_target(const Json& sections, const BenchConfig& cfg, const std::string& cmd) {
  const Json* folded = sections.contains("speed") && sections["speed"].contains("scale_folded")
                           ? idle_300(sections["speed"]["scale_folded"])
                           : nullptr;
  const Json* plain = sections.contains("speed") ? idle_300(sections["speed"]["scale"]) : nullptr;
  const bool known = folded != nullptr;
  const double ratio_cpu = folded ? folded->value("virtual_per_cpu_s", 0.0) : 0;
  const double ratio = folded ? folded->value("virtual_per_wall", 0.0) : 0;
  const double plain_cpu = plain ? plain->value("virtual_per_cpu_s", 0.0) : 0;
  return target("300 BP groups of 3 idle for 10 virtual minutes", ">= 1000x real time per CPU second",
                {{"x_real_time_per_cpu_s", ratio_cpu}, {"x_real_time", ratio},
                 {"unfolded_x_real_time_per_cpu_s", plain_cpu}},
                fmt(ratio_cpu, 0) + "x real time per CPU second (" + fmt(ratio, 0) +
                    "x on the wall clock) with idle heartbeats folded; " + fmt(plain_cpu, 0) +
                    "x per CPU second running every heartbeat",
                known, ratio_cpu >= 1000,
                cfg.quick ? "not run with --quick" : "idle after the deployment, heartbeats folded", cmd + "speed");
}

/// Memory linear in instances.
Json memory_linear_target(const Json& sections, const std::string& cmd) {
  bool known = sections.contains("speed") && sections["speed"]["scale"].size() >= 3;
  const Json fit = sections.contains("speed") ? sections["speed"]["memory_fit"] : Json::object();
  const double r2 = fit.value("r2", 0.0);
  return target("memory linear in instances", "peak RSS fits a + b * instances (R^2 >= 0.99)",
                fit,
                fmt(fit.value("b_kib_per_instance", 0.0), 1) + " KiB per instance above " +
                    fmt(fit.value("a_mib", 0.0), 1) + " MiB, R^2 " + fmt(r2, 4),
                known, r2 >= 0.99, "peak RSS of a child process per size, above an empty one",
                cmd + "speed");
}

/// Deploy + failover seeds per second on 2 cores.
Json failover_throughput_target(const Json& sections, const std::string& cmd) {
  bool known = sections.contains("cluster") && sections["cluster"].contains("throughput");
  const Json t = known ? sections["cluster"]["throughput"] : Json::object();
  const double rate = t.value("runs_per_s_threads", 0.0);
  known = known && t.value("threads", 0) == 2;
  const Json one = t.value("one_thread", Json::object());
  return target("deploy + failover seeds per second on 2 cores", ">= 3000 seeds/s", t,
                fmt(rate, 0) + " runs/s on " + std::to_string(t.value("threads", 0)) +
                    " threads (" + fmt(one.value("runs_per_s", 0.0), 0) + " on one)",
                known,
                rate >= 3000, "mini-3replica deployed and its leader killed, one seed per run",
                cmd + "cluster --threads 2");
}

/// The Raft paper's Figure 16 reproduced by the RAFT election model.
Json figure16_target(const Json& sections, const std::string& cmd) {
  const bool known = sections.contains("election") && sections["election"].contains("figure16");
  const Json f = known ? sections["election"]["figure16"] : Json::object();
  const Json first = known && !f["blocks"].empty() ? f["blocks"][0] : Json::object();
  std::string said;
  if (first.contains("checks")) {
    for (const Json& c : first["checks"]) {
      said += (said.empty() ? "" : "; ") + c.value("what", std::string()) + ": " +
              (c.value("stat", std::string()) == "min"
                   ? std::string(c.value("within_20_percent", false) ? "never" : "converged")
                   : fmt(c.value("model_ms", 0.0), 1) + " (paper " + fmt(c.value("paper_ms", 0.0), 0) + ")");
    }
    said += "; all within in " + std::to_string(f.value("blocks_all_within", 0)) + " of " +
            std::to_string(f["blocks"].size()) + " seed blocks";
  }
  return target("Raft paper Figure 16 (RAFT model)",
                "r = 0 never within 10 s; r = 5 median, r = 50 worst, 12-24 ms mean and longest within "
                "+-20 % of the paper (seeds 1..N)",
                f.value("blocks_all_within", 0), said, known, first.value("all_within", false),
                "5 servers, 1000 trials per line, the model's [model] server timing", cmd + "election");
}

}  // namespace

Json check_targets(const Json& sections, const BenchConfig& cfg) {
  Json out = Json::array();
  const std::string cmd = "dpcctl bench --out results --only ";
  out.push_back(events_per_second_target(sections, cmd));
  out.push_back(idle_300_groups_target(sections, cfg, cmd));
  out.push_back(memory_linear_target(sections, cmd));
  out.push_back(failover_throughput_target(sections, cmd));
  out.push_back(figure16_target(sections, cmd));
  // A --quick run is a smoke test: its wall-clock figures come from runs too
  // short to say anything about a target, so none is called met or missed.
  if (cfg.quick) {
    for (Json& t : out) {
      if (t["status"] != "not measured") t["status"] = "not judged (--quick runs are too short)";
    }
  }
  return out;
}

}  // namespace dpc::bench
