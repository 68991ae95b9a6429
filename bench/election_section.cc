// dpcctl bench: the election sections. "election" runs the pure RAFT model
// (bench/election_workload.h): the Raft paper's Figure 16 setups and the DMDPC
// settings, first election and failover, over many seeds. "cluster" runs the
// whole simulated cluster (bench/cluster_workload.h): deploy mini-3replica, kill
// the leader, and measure first election, failover and the PRIMARY/OPEN that
// follows, over many seeds, and how many such runs per second fit on the
// worker threads.
#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "bench/sections.h"
#include "bench/cluster_workload.h"
#include "bench/election_workload.h"
#include "bench/figure16.h"
#include "bench/svg_plot.h"

namespace dpc::bench {

using namespace dpc::sim;

namespace {

Json setup_json(const ElectionSetup& s) {
  Json j;
  j["name"] = s.name;
  j["label"] = s.label;
  j["trigger"] = election_trigger_name(s.trigger);
  j["vote_intervals_ms"] = s.vote_intervals;
  j["jitter_ms"] = s.jitter_ms;
  j["hb_interval_ms"] = s.hb_interval;
  j["latency_one_way_us"] = {s.latency_min_us, s.latency_max_us};
  j["disk_write"] = {{"syncs", s.disk_syncs}, {"sync_us", {s.disk_sync_min_us, s.disk_sync_max_us}}};
  j["candidate_writes_first"] = s.candidate_writes_first;
  j["processing_us"] = {s.processing_min_us, s.processing_max_us};
  j["continuous_timers"] = s.continuous_timers;
  j["crash_within_interval_after_broadcast"] = s.crash_within_interval_after_broadcast;
  j["lagging_followers"] = s.lagging_followers;
  j["limit_ms"] = s.limit_ms;
  return j;
}

Json summary_json(const ElectionSummary& s) {
  Json j;
  j["trials"] = s.trials;
  j["timed_out"] = s.timed_out;
  j["min_ms"] = round_to(s.min, 3);
  j["p50_ms"] = round_to(s.p50, 3);
  j["p90_ms"] = round_to(s.p90, 3);
  j["p99_ms"] = round_to(s.p99, 3);
  j["max_ms"] = round_to(s.max, 3);
  j["mean_ms"] = round_to(s.mean, 3);
  j["split_vote_rate"] = round_to(s.split_vote_rate, 4);
  j["mean_terms"] = round_to(s.mean_terms, 3);
  j["wins_by_self_id"] = s.wins;
  j["events"] = s.events;
  std::vector<double> samples;
  for (double v : s.sorted_ms) samples.push_back(round_to(v, 3));
  j["samples_ms"] = samples;
  return j;
}

/// Percentiles of any sample, as JSON.
Json distribution(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  Json j;
  j["count"] = v.size();
  if (v.empty()) return j;
  double sum = 0;
  for (double x : v) sum += x;
  j["min_ms"] = round_to(v.front(), 3);
  j["p50_ms"] = round_to(percentile(v, 0.5), 3);
  j["p90_ms"] = round_to(percentile(v, 0.9), 3);
  j["p99_ms"] = round_to(percentile(v, 0.99), 3);
  j["max_ms"] = round_to(v.back(), 3);
  j["mean_ms"] = round_to(sum / static_cast<double>(v.size()), 3);
  return j;
}

std::string row(const std::string& name, const ElectionSummary& s) {
  std::string line = "  " + name;
  line.resize(std::max<size_t>(line.size() + 1, 42), ' ');
  line += "p50 " + fmt(s.p50) + "  p90 " + fmt(s.p90) + "  p99 " + fmt(s.p99) + "  max " +
          fmt(s.max) + " ms  split votes " + fmt(100 * s.split_vote_rate) + "%";
  if (s.timed_out > 0) line += "  (" + std::to_string(s.timed_out) + " cut off at the limit)";
  return line;
}

std::vector<std::pair<std::string, std::vector<double>>> cdf_series(
    const std::vector<ElectionSummary>& all, const std::vector<std::string>& names, bool skip_censored) {
  std::vector<std::pair<std::string, std::vector<double>>> out;
  for (const std::string& n : names) {
    for (const ElectionSummary& s : all) {
      if (s.name != n) continue;
      if (skip_censored && s.timed_out == s.trials) continue;
      std::string label = s.label;
      if (s.timed_out > 0) label += " (" + std::to_string(s.timed_out) + " cut off)";
      out.emplace_back(label, s.sorted_ms);
    }
  }
  return out;
}

/// Every setup over seeds first..first+n-1 on the worker threads, summarised.
std::vector<ElectionSummary> sweep(const std::vector<ElectionSetup>& setups, uint64_t first, int n, int threads) {
  std::vector<std::vector<ElectionTrial>> trials(setups.size(), std::vector<ElectionTrial>(static_cast<size_t>(n)));
  parallel_for(static_cast<int>(setups.size()) * n, threads, [&](int k) {
    const size_t s = static_cast<size_t>(k / n);
    const size_t i = static_cast<size_t>(k % n);
    trials[s][i] = run_election_trial(setups[s], first + i);
  });
  std::vector<ElectionSummary> out;
  for (size_t s = 0; s < setups.size(); ++s) out.push_back(summarize(setups[s], trials[s]));
  return out;
}

Json checks_json(const std::vector<Figure16Check>& checks) {
  Json list = Json::array();
  for (const Figure16Check& c : checks) {
    list.push_back({{"what", c.what}, {"setup", c.setup}, {"stat", c.stat}, {"paper_ms", c.paper},
                    {"model_ms", round_to(c.model, 1)}, {"within_20_percent", c.ok}});
  }
  return list;
}

std::string check_cell(const Figure16Check& c) {
  if (c.stat == "min") return c.ok ? "never" : "elected in " + fmt(c.model, 0);
  return fmt(c.model, c.stat == "mean" ? 1 : 0);
}

/// Figure 16 beside the paper: block 1 is the main sweep (seeds 1..n); the
/// other blocks run the checked setups on the next disjoint seed ranges; the
/// hypotheses run on block 1 each.
void figure16_report(const BenchConfig& cfg, const std::vector<ElectionSummary>& main, SectionResult& out) {
  const int n = cfg.seeds;
  const int blocks = cfg.quick ? 1 : 5;
  std::vector<std::vector<Figure16Check>> per_block = {figure16_checks(main)};
  for (int b = 1; b < blocks; ++b) {
    per_block.push_back(
        figure16_checks(sweep(figure16_check_setups(), 1 + static_cast<uint64_t>(b) * n, n, cfg.threads)));
  }
  int all_ok = 0;
  Json blocks_json = Json::array();
  for (size_t b = 0; b < per_block.size(); ++b) {
    all_ok += figure16_all_ok(per_block[b]) ? 1 : 0;
    blocks_json.push_back({{"seeds", std::to_string(1 + b * n) + ".." + std::to_string((b + 1) * n)},
                           {"all_within", figure16_all_ok(per_block[b])},
                           {"checks", checks_json(per_block[b])}});
  }
  out.summary.push_back("Raft paper Figure 16 vs the model (" + std::to_string(n) + " trials per line; 150-150: limit " +
                        fmt(kFigure16NeverMs / 1000, 0) + " s; ok = within +-20 %):");
  const std::vector<Figure16Check>& first = per_block.front();
  for (size_t i = 0; i < first.size(); ++i) {
    std::string line = "  " + first[i].what;
    line.resize(std::max<size_t>(line.size() + 1, 44), ' ');
    line += "paper " + (first[i].stat == "min" ? std::string("never") : fmt(first[i].paper, 0)) + "  model";
    for (const auto& block : per_block) line += " " + check_cell(block[i]) + (block[i].ok || cfg.quick ? "" : "(!)");
    if (!cfg.quick) line += first[i].ok ? "  ok" : "  MISSED";
    out.summary.push_back(line);
  }
  out.summary.push_back("  all within +-20 % in " + std::to_string(all_ok) + " of " + std::to_string(per_block.size()) +
                        " seed blocks of " + std::to_string(n) + (cfg.quick ? " (--quick: too few trials to judge)" : ""));
  out.json["figure16"] = {{"what", "the four numbers of the paper's text beside the model, per disjoint seed block"},
                          {"blocks", std::move(blocks_json)},
                          {"blocks_all_within", all_ok}};
  if (cfg.quick) return;
  // Each mechanism alone, on the first block.
  Json hyp = Json::array();
  out.summary.push_back("  hypotheses (seeds 1.." + std::to_string(n) + "): r0 | r5 p50 | r50 max | 12-24 mean, max");
  for (const Figure16Hypothesis& h : figure16_hypotheses()) {
    std::vector<ElectionSetup> setups = figure16_check_setups();
    for (ElectionSetup& s : setups) h.apply(s);
    const std::vector<Figure16Check> checks = figure16_checks(sweep(setups, 1, n, cfg.threads));
    std::string line = "    " + h.name;
    line.resize(std::max<size_t>(line.size() + 1, 28), ' ');
    int ok = 0;
    for (const Figure16Check& c : checks) {
      line += check_cell(c) + (c.ok ? "" : "(!)") + "  ";
      ok += c.ok ? 1 : 0;
    }
    out.summary.push_back(line);
    hyp.push_back({{"name", h.name}, {"what", h.what}, {"within", ok}, {"checks", checks_json(checks)}});
  }
  out.json["figure16"]["hypotheses"] = std::move(hyp);
}

}  // namespace

SectionResult run_election_section(const BenchConfig& cfg) {
  SectionResult out;
  std::vector<ElectionSetup> setups = paper_figure16_setups();
  for (auto trigger : {ElectionTrigger::FirstElection, ElectionTrigger::LeaderCrash}) {
    for (ElectionSetup& s : dmdpc_election_setups(trigger)) setups.push_back(std::move(s));
  }
  const int n = cfg.seeds;
  const double t0 = wall_seconds();
  const std::vector<ElectionSummary> summaries = sweep(setups, 1, n, cfg.threads);
  const double wall = wall_seconds() - t0;

  uint64_t events = 0;
  Json list = Json::array();
  for (size_t s = 0; s < setups.size(); ++s) {
    events += summaries[s].events;
    Json j = setup_json(setups[s]);
    j["result"] = summary_json(summaries[s]);
    list.push_back(std::move(j));
  }
  out.json["what"] =
      "RAFT-level election times in virtual ms: one group of RaftNodes on a private network; "
      "seeds 1..N per setup";
  out.json["seeds"] = n;
  out.json["threads"] = cfg.threads;
  out.json["wall_s"] = round_to(wall, 3);
  out.json["trials_per_s"] = round_to(static_cast<double>(setups.size()) * n / std::max(wall, 1e-9), 1);
  out.json["events_per_s"] = round_to(static_cast<double>(events) / std::max(wall, 1e-9), 0);
  out.json["setups"] = std::move(list);

  PlotSpec top;
  top.title = "Leader crash to new leader, 5 servers (Raft paper Fig. 16, top)";
  top.x_label = "time without leader (virtual ms, log scale)";
  top.log_x = true;
  top.x_min = 100;
  top.x_max = 100000;
  // The points the paper's text states (it publishes its curves only as a figure).
  top.marks = {{287, 0.5, "paper: 150-155 median 287"}, {513, 1.0, "paper: 150-200 worst 513"}};
  out.svgs.emplace_back("election-fig16-top.svg",
                        svg_cdf(top, cdf_series(summaries, {"paper-150-150", "paper-150-155", "paper-150-175",
                                                            "paper-150-200", "paper-150-300"}, false)));
  PlotSpec bottom = top;
  bottom.marks = {{152, 1.0, "paper: 12-24 longest 152 (mean 35)"}};
  bottom.title = "Leader crash to new leader, shorter timeouts (Raft paper Fig. 16, bottom)";
  bottom.x_min = 10;
  bottom.x_max = 10000;
  out.svgs.emplace_back("election-fig16-bottom.svg",
                        svg_cdf(bottom, cdf_series(summaries, {"paper-12-24", "paper-25-50", "paper-50-100",
                                                               "paper-100-200", "paper-150-300"}, false)));
  for (auto trigger : {ElectionTrigger::FirstElection, ElectionTrigger::LeaderCrash}) {
    const std::string kind = election_trigger_name(trigger);
    std::vector<std::string> names;
    for (const ElectionSetup& s : dmdpc_election_setups(trigger)) names.push_back(s.name);
    PlotSpec p;
    p.title = trigger == ElectionTrigger::FirstElection
                  ? "DMDPC BP group of 3: MOUNT start to first leader (RAFT model)"
                  : "DMDPC BP group of 3: leader crash to new leader (RAFT model)";
    p.x_label = "virtual ms (setups that never elect are left out)";
    out.svgs.emplace_back("election-dmdpc-" + kind + ".svg", svg_cdf(p, cdf_series(summaries, names, true)));
  }

  out.summary.push_back("Election times, RAFT model, " + std::to_string(n) + " seeds per setup (" +
                        fmt(wall, 2) + " s wall, " + fmt(static_cast<double>(setups.size()) * n / wall, 0) +
                        " trials/s):");
  for (const ElectionSummary& s : summaries) out.summary.push_back(row(s.name, s));
  figure16_report(cfg, summaries, out);
  return out;
}

SectionResult run_cluster_section(const BenchConfig& cfg) {
  SectionResult out;
  const std::string path = cfg.source_dir + "/scenarios/topologies/mini-3replica.json";
  auto topo = load_bench_topology(path);
  if (!topo) {
    out.ok = false;
    out.summary.push_back("cluster: " + topo.message());
    out.json["error"] = topo.message();
    return out;
  }
  struct Config {
    std::string name;
    std::string label;
    int64_t jitter;
  };
  const std::vector<Config> configs = {{"manual", "1500/2000/2500 ms", 0},
                                       {"manual-j500", "1500/2000/2500 + 0..500 ms", 500}};
  const int n = cfg.seeds;
  Json list = Json::array();
  std::vector<std::pair<std::string, std::vector<double>>> first_cdf, failover_cdf;
  out.summary.push_back("Deploy + failover of mini-3replica on the whole simulator, " + std::to_string(n) +
                        " seeds per setting (RAFT_1; times in virtual ms):");
  double runs_per_s_threads = 0;
  for (const Config& c : configs) {
    BenchSimOptions o;
    o.jitter_ms = c.jitter;
    std::vector<DeployFailoverRun> runs(static_cast<size_t>(n));
    const double t0 = wall_seconds();
    parallel_for(n, cfg.threads, [&](int i) {
      runs[static_cast<size_t>(i)] = run_deploy_failover(*topo, static_cast<uint64_t>(i) + 1, o);
    });
    const double wall = wall_seconds() - t0;
    std::vector<double> first, first_open, failover, failover_open, deploy;
    int failed = 0, extra_terms = 0;
    uint64_t events = 0;
    std::string first_error;
    std::map<std::string, int> new_leaders;
    for (const DeployFailoverRun& r : runs) {
      events += r.events;
      if (!r.ok) {
        if (failed++ == 0) first_error = "seed " + std::to_string(r.seed) + ": " + r.error;
        continue;
      }
      first.push_back(r.first_election_ms);
      first_open.push_back(r.first_open_ms);
      failover.push_back(r.failover_ms);
      failover_open.push_back(r.failover_open_ms);
      deploy.push_back(r.deploy_ms);
      extra_terms += r.failover_terms > 1 ? 1 : 0;
      ++new_leaders[r.new_leader];
    }
    const double rate = n / std::max(wall, 1e-9);
    if (c.jitter == 0) runs_per_s_threads = rate;
    Json j;
    j["name"] = c.name;
    j["label"] = c.label;
    j["topology"] = "scenarios/topologies/mini-3replica.json";
    j["jitter_ms"] = c.jitter;
    j["seeds"] = n;
    j["failed"] = failed;
    if (failed) j["first_error"] = first_error;
    j["first_election"] = distribution(first);
    j["first_primary_open"] = distribution(first_open);
    j["failover_election"] = distribution(failover);
    j["failover_primary_open"] = distribution(failover_open);
    j["deploy"] = distribution(deploy);
    j["failover_extra_terms_rate"] = round_to(failover.empty() ? 0 : double(extra_terms) / failover.size(), 4);
    j["new_leaders"] = new_leaders;
    j["threads"] = cfg.threads;
    j["wall_s"] = round_to(wall, 3);
    j["runs_per_s"] = round_to(rate, 1);
    j["events_per_run"] = n ? events / static_cast<uint64_t>(n) : 0;
    list.push_back(j);
    first_cdf.emplace_back("first election, " + c.label, first);
    failover_cdf.emplace_back("failover, " + c.label, failover);
    out.summary.push_back("  " + c.label + ": first election p50 " + fmt(j["first_election"].value("p50_ms", 0.0)) +
                         " p99 " + fmt(j["first_election"].value("p99_ms", 0.0)) + "; failover p50 " +
                         fmt(j["failover_election"].value("p50_ms", 0.0)) + " p99 " +
                         fmt(j["failover_election"].value("p99_ms", 0.0)) + " max " +
                         fmt(j["failover_election"].value("max_ms", 0.0)) + ", PRIMARY/OPEN p50 " +
                         fmt(j["failover_primary_open"].value("p50_ms", 0.0)) + "; " + fmt(rate, 0) +
                         " runs/s on " + std::to_string(cfg.threads) + " threads");
    if (failed) {
      out.ok = false;
      out.summary.push_back("    " + std::to_string(failed) + " runs failed; first: " + first_error);
    }
  }
  // Throughput: the cheapest complete run (no timeline, trace off: deploy,
  // kill, wait for the new PRIMARY/OPEN), on one thread, then on the workers.
  const int k = cfg.quick ? 40 : 1000;
  BenchSimOptions fast;
  fast.timeline = false;
  auto measure = [&](int threads) {
    std::atomic<int> failed{0};
    const double w0 = wall_seconds(), c0 = cpu_seconds();
    parallel_for(k, threads, [&](int i) {
      if (!run_deploy_failover(*topo, static_cast<uint64_t>(i) + 1, fast).ok) ++failed;
    });
    const double wall = std::max(wall_seconds() - w0, 1e-9), cpu = std::max(cpu_seconds() - c0, 1e-9);
    Json j;
    j["threads"] = threads;
    j["runs"] = k;
    j["failed"] = failed.load();
    j["wall_s"] = round_to(wall, 3);
    j["cpu_s"] = round_to(cpu, 3);
    j["runs_per_s"] = round_to(k / wall, 1);
    j["runs_per_cpu_s"] = round_to(k / cpu, 1);
    if (failed) out.ok = false;
    return j;
  };
  const Json one = measure(1);
  const Json many = measure(cfg.threads);
  out.json["what"] = "whole-simulator deploy of mini-3replica, then its RAFT_1 leader killed at a random "
                     "point of its heartbeat interval; times in virtual ms";
  out.json["settings"] = std::move(list);
  out.json["throughput"] = {{"what", "runs of deploy + kill + new PRIMARY/OPEN per second, trace off, no timeline"},
                            {"one_thread", one},
                            {"workers", many},
                            {"runs_per_s_threads", many["runs_per_s"]},
                            {"threads", cfg.threads},
                            {"with_timeline_runs_per_s", round_to(runs_per_s_threads, 1)},
                            {"hardware_threads", std::thread::hardware_concurrency()}};
  out.summary.push_back("  deploy+failover throughput (trace off): " + fmt(one["runs_per_s"].get<double>(), 0) +
                        " runs/s on 1 thread (" + fmt(one["runs_per_cpu_s"].get<double>(), 0) + " per CPU second), " +
                        fmt(many["runs_per_s"].get<double>(), 0) + " runs/s on " + std::to_string(cfg.threads) +
                        " threads (" + fmt(many["runs_per_cpu_s"].get<double>(), 0) + " per CPU second)");
  PlotSpec p;
  p.title = "mini-3replica on the simulator: first election and failover (RAFT_1)";
  p.x_label = "virtual ms (from the first RAFT start / from the kill)";
  std::vector<std::pair<std::string, std::vector<double>>> all = first_cdf;
  all.insert(all.end(), failover_cdf.begin(), failover_cdf.end());
  out.svgs.emplace_back("cluster-election.svg", svg_cdf(p, all));
  return out;
}

}  // namespace dpc::bench
