#include "bench/figure16.h"

namespace dpc::sim {

namespace {

const ElectionSummary* find(const std::vector<ElectionSummary>& all, const std::string& name) {
  for (const ElectionSummary& s : all) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

double stat_of(const ElectionSummary& s, const std::string& stat) {
  if (stat == "p50") return s.p50;
  if (stat == "max") return s.max;
  if (stat == "mean") return s.mean;
  return s.min;
}

/// The earlier model's network: the whole broadcast time on the wire.
void earlier_network(ElectionSetup& s) {
  s.latency_min_us = 5000;
  s.latency_max_us = 10000;
  s.disk_sync_max_us = 0;
  s.disk_sync_min_us = 0;
}

}  // namespace

std::vector<Figure16Check> figure16_checks(const std::vector<ElectionSummary>& summaries) {
  std::vector<Figure16Check> out = {
      {"150-150 ms: never converges within 10 s", "paper-150-150", "min", kFigure16NeverMs, 0, false},
      {"150-155 ms: median downtime", "paper-150-155", "p50", 287, 0, false},
      {"150-200 ms: worst of 1000 trials", "paper-150-200", "max", 513, 0, false},
      {"12-24 ms: mean downtime", "paper-12-24", "mean", 35, 0, false},
      {"12-24 ms: longest trial", "paper-12-24", "max", 152, 0, false},
  };
  for (Figure16Check& c : out) {
    const ElectionSummary* s = find(summaries, c.setup);
    if (!s || s->trials == 0) continue;
    c.model = stat_of(*s, c.stat);
    if (c.stat == "min") {
      c.ok = c.model >= kFigure16NeverMs;
    } else {
      c.ok = c.model >= 0.8 * c.paper && c.model <= 1.2 * c.paper;
    }
  }
  return out;
}

bool figure16_all_ok(const std::vector<Figure16Check>& checks) {
  for (const Figure16Check& c : checks) {
    if (!c.ok) return false;
  }
  return !checks.empty();
}

std::vector<ElectionSetup> figure16_check_setups() {
  std::vector<ElectionSetup> out;
  for (ElectionSetup& s : paper_figure16_setups()) {
    if (s.name == "paper-150-150") {
      s.limit_ms = static_cast<VMillis>(kFigure16NeverMs);
      out.push_back(std::move(s));
    } else if (s.name == "paper-150-155" || s.name == "paper-150-200" || s.name == "paper-12-24") {
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::vector<Figure16Hypothesis> figure16_hypotheses() {
  return {
      {"model", "the model's defaults", [](ElectionSetup&) {}},
      {"earlier", "the earlier model: 5-10 ms one way, no disk write, crash at the broadcast, whole-ms timers",
       [](ElectionSetup& s) {
         earlier_network(s);
         s.crash_within_interval_after_broadcast = false;
         s.continuous_timers = false;
       }},
      {"earlier+crash", "the earlier model with the paper's crash timing",
       [](ElectionSetup& s) {
         earlier_network(s);
         s.continuous_timers = false;
       }},
      {"earlier+timers", "the earlier model with continuous timers",
       [](ElectionSetup& s) {
         earlier_network(s);
         s.crash_within_interval_after_broadcast = false;
       }},
      {"earlier+crash+timers", "the earlier network (5-10 ms one way, no disk write) with both",
       [](ElectionSetup& s) { earlier_network(s); }},
      {"wire-2.5-5", "2.5-5 ms one way, no disk write, paper crash timing, continuous timers",
       [](ElectionSetup& s) {
         s.latency_min_us = 2500;
         s.latency_max_us = 5000;
         s.disk_sync_max_us = 0;
         s.disk_sync_min_us = 0;
       }},
      {"no-disk", "the model without the receiver's disk write", [](ElectionSetup& s) {
         s.disk_sync_max_us = 0;
         s.disk_sync_min_us = 0;
       }},
      {"crash-at-broadcast", "the model with the leader dying at the broadcast",
       [](ElectionSetup& s) { s.crash_within_interval_after_broadcast = false; }},
      {"whole-ms-timers", "the model with whole-millisecond timers and integer jitter",
       [](ElectionSetup& s) { s.continuous_timers = false; }},
      {"candidate-writes-first", "the model with the candidate's write before its RequestVotes",
       [](ElectionSetup& s) { s.candidate_writes_first = true; }},
      {"two-fsyncs", "a write as two fsyncs of 0.5-8.8 ms (file, then directory)",
       [](ElectionSetup& s) {
         s.disk_syncs = 2;
         s.disk_sync_min_us = 500;
         s.disk_sync_max_us = 8800;
       }},
      {"processing", "0.2-0.4 ms one way plus 1.3-2.3 ms receive processing instead of 1.6-2.4 ms one way",
       [](ElectionSetup& s) {
         s.latency_min_us = 200;
         s.latency_max_us = 400;
         s.processing_min_us = 1300;
         s.processing_max_us = 2300;
       }},
      {"no-lagging", "the model with every follower up to date", [](ElectionSetup& s) { s.lagging_followers = 0; }},
  };
}

}  // namespace dpc::sim
