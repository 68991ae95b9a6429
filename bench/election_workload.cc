#include "bench/election_workload.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "sim/engine/event_loop.h"
#include "sim/engine/rng.h"
#include "sim/raft/raft_group_driver.h"

namespace dpc::sim {

const char* election_trigger_name(ElectionTrigger trigger) {
  switch (trigger) {
    case ElectionTrigger::FirstElection: return "first-election";
    case ElectionTrigger::LeaderCrash: return "leader-crash";
  }
  return "unknown";
}

namespace {

GroupTiming timing_of(const ElectionSetup& s) { return s; }

std::vector<GroupMember> members_of(const ElectionSetup& s) {
  std::vector<GroupMember> out;
  for (size_t i = 0; i < s.vote_intervals.size(); ++i) out.push_back({static_cast<int>(i) + 1, s.vote_intervals[i]});
  return out;
}

/// One RAFT group of RaftNodes numbered 1..n (RAFT_SELF_ID) on the lone
/// group driver (sim/raft/raft_group_driver.h) with the setup's link and
/// [model] server timing, its draws from one Rng seeded with the trial's
/// seed; and the bookkeeping of the terms after the trigger.
class GroupDriver {
 public:
  GroupDriver(const ElectionSetup& setup, uint64_t seed)
      : s_(setup), rng_(seed), g_(members_of(setup), timing_of(setup), [this](int64_t bound) {
          return rng_.uniform(bound);
        }) {}
  GroupDriver(const GroupDriver&) = delete;
  GroupDriver& operator=(const GroupDriver&) = delete;

  /// Starts every member at time 0. `bootstrap`: member 1 stands first and
  /// the others wait long enough to hear it (the measured part comes later).
  void start(bool bootstrap) {
    const int n = static_cast<int>(s_.vote_intervals.size());
    VMillis longest = 0;
    for (VMillis v : s_.vote_intervals) longest = std::max(longest, v + s_.jitter_ms);
    for (int id = 1; id <= n; ++id) {
      const VMillis first_jitter = bootstrap ? (id == 1 ? 0 : longest) : g_.draw_jitter();
      const int64_t sub = bootstrap ? 0 : g_.draw_sub_jitter();
      g_.start(id, first_jitter, sub);
    }
  }

  RaftNode* node(int id) { return g_.node(id); }
  SimTime now() const { return g_.now(); }
  uint64_t events() const { return g_.events(); }
  int leader_above(Term above) const { return g_.leader_above(above); }
  int current_leader() const { return g_.current_leader(); }
  void set_lagging(int id) { g_.set_lagging(id); }
  /// The leader's synchronized broadcast now (the earlier model's crash).
  void broadcast(int id) { g_.broadcast(id); }
  void crash(int id) { g_.crash(id); }
  std::optional<SimTime> timer_of(int id) const { return g_.timer_of(id); }
  /// Runs events until `done()` holds (checked after each) or the next event
  /// would be after `until`; the clock then stands at `until` (or the event
  /// that satisfied `done`). The terms are watched after every event.
  template <typename Done>
  bool run_until(SimTime until, Done done) {
    bool first = true;  // the driver asks once before the first event
    return g_.run_until(until, [&] {
      if (!first) observe();
      first = false;
      return done();
    });
  }

  /// Per-term bookkeeping after the trigger: which members stood, who won.
  void watch_terms_above(Term t) {
    watch_above_ = t;
    candidates_.clear();
    won_.clear();
  }
  const std::map<Term, std::set<int>>& candidates() const { return candidates_; }
  const std::set<Term>& won() const { return won_; }

 private:
  void observe() {
    if (watch_above_ < 0) return;
    for (const GroupMember& m : members_) {
      const RaftNode* n = g_.node(m.id);
      if (!n || n->term() <= watch_above_) continue;
      if (n->role() == RaftRole::Candidate) candidates_[n->term()].insert(m.id);
      if (n->role() == RaftRole::Leader) won_.insert(n->term());
    }
  }

  const ElectionSetup& s_;
  Rng rng_;
  RaftGroupDriver g_;
  const std::vector<GroupMember> members_ = g_.members();
  Term watch_above_ = -1;
  std::map<Term, std::set<int>> candidates_;
  std::set<Term> won_;
};

void count_terms(const GroupDriver& g, ElectionTrial& t) {
  for (const auto& [term, who] : g.candidates()) {
    ++t.terms;
    if (g.won().count(term)) continue;
    ++t.failed_terms;
    if (who.size() >= 2) ++t.split_votes;
  }
}

/// FirstElection: every node starts at once; the time to the first leader.
ElectionTrial first_election_trial(GroupDriver& g, const ElectionSetup& setup, ElectionTrial t) {
  const SimTime limit = from_ms(setup.limit_ms);
  g.start(false);
  g.watch_terms_above(0);
  t.elected = g.run_until(limit, [&] { return g.leader_above(0) != 0; });
  t.winner = g.leader_above(0);
  t.time_ms = t.elected ? static_cast<double>(g.now()) / 1000.0 : static_cast<double>(setup.limit_ms);
  count_terms(g, t);
  t.events = g.events();
  return t;
}

/// Makes `setup.lagging_followers` of the nodes other than `first` lag,
/// chosen at random.
void choose_lagging_followers(GroupDriver& g, const ElectionSetup& setup, uint64_t seed, int first) {
  std::vector<int> others;
  for (int id = 1; id <= static_cast<int>(setup.vote_intervals.size()); ++id) {
    if (id != first) others.push_back(id);
  }
  Rng pick(seed ^ 0x1A66ED0FULL);
  for (size_t i = others.size(); i > 1; --i) {
    std::swap(others[i - 1], others[static_cast<size_t>(pick.uniform(static_cast<int64_t>(i) - 1))]);
  }
  const int lagging = std::min<int>(setup.lagging_followers, static_cast<int>(others.size()));
  for (int i = 0; i < lagging; ++i) g.set_lagging(others[static_cast<size_t>(i)]);
}

/// Runs to the crash point: the crash window opens at the leader's next
/// heartbeat. With timeouts too short for the links, leaders come and go:
/// the one leading then is returned, 0 when none held on. `hb_at` is set to
/// that heartbeat.
int run_to_crash_point(GroupDriver& g, const ElectionSetup& setup, uint64_t seed, SimTime& hb_at) {
  const SimTime limit = from_ms(setup.limit_ms);
  const bool paper_timing = setup.crash_within_interval_after_broadcast;
  Rng offset_rng(seed ^ 0xC2A5BULL);
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (!g.run_until(g.now() + limit, [&] { return g.current_leader() != 0; })) return 0;
    const int candidate = g.current_leader();
    auto leads = [&] {
      const RaftNode* n = g.node(candidate);
      return n && n->role() == RaftRole::Leader;
    };
    hb_at = g.timer_of(candidate).value_or(g.now());
    if (paper_timing) {
      // The synchronized broadcast is this heartbeat carrying one new entry.
      if (g.run_until(hb_at - 1, [&] { return !leads(); })) continue;
      g.node(candidate)->append(1, 0xB00057ULL);
    }
    if (g.run_until(hb_at, [&] { return !leads(); })) continue;
    const SimTime offset = offset_rng.uniform(from_ms(setup.hb_interval) - 1);
    if (g.run_until(hb_at + offset, [&] { return !leads(); })) continue;
    return candidate;
  }
  return 0;
}

/// LeaderCrash: bootstrap a leader, let it run, crash it in its heartbeat
/// interval; the time to the next leader.
ElectionTrial leader_crash_trial(GroupDriver& g, const ElectionSetup& setup, uint64_t seed, ElectionTrial t) {
  const SimTime limit = from_ms(setup.limit_ms);
  g.start(true);
  auto fail = [&] {  // no leader to crash: the trial cannot be measured
    t.time_ms = static_cast<double>(setup.limit_ms);
    t.events = g.events();
    return t;
  };
  if (!g.run_until(limit, [&] { return g.current_leader() != 0; })) return fail();
  const int first = g.current_leader();
  choose_lagging_followers(g, setup, seed, first);
  g.node(first)->append(1, 0xB00057ULL);
  g.broadcast(first);
  g.run_until(g.now() + from_ms(setup.warmup_ms), [] { return false; });
  SimTime hb_at = 0;
  const int leader = run_to_crash_point(g, setup, seed, hb_at);
  if (leader == 0) return fail();
  const Term old_term = g.node(leader)->term();
  if (!setup.crash_within_interval_after_broadcast) {
    // The earlier model: the synchronized broadcast, then death at once.
    g.node(leader)->append(1, 0xB00057ULL);
    g.broadcast(leader);
  }
  const SimTime crash_at = g.now();
  t.crashed = leader;
  t.crash_offset_ms = static_cast<double>(crash_at - hb_at) / 1000.0;
  g.crash(leader);
  g.watch_terms_above(old_term);
  t.elected = g.run_until(crash_at + limit, [&] { return g.leader_above(old_term) != 0; });
  t.winner = g.leader_above(old_term);
  t.time_ms = t.elected ? static_cast<double>(g.now() - crash_at) / 1000.0
                        : static_cast<double>(setup.limit_ms);
  count_terms(g, t);
  t.events = g.events();
  return t;
}

}  // namespace

ElectionTrial run_election_trial(const ElectionSetup& setup, uint64_t seed) {
  ElectionTrial t;
  t.seed = seed;
  if (setup.vote_intervals.empty()) return t;
  GroupDriver g(setup, seed);
  if (setup.trigger == ElectionTrigger::FirstElection) return first_election_trial(g, setup, std::move(t));
  return leader_crash_trial(g, setup, seed, std::move(t));
}

double percentile(const std::vector<double>& ascending, double q) {
  if (ascending.empty()) return 0;
  const double rank = std::ceil(q * static_cast<double>(ascending.size()));
  const size_t idx = static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(ascending.size()))) - 1;
  return ascending[idx];
}

ElectionSummary summarize(const ElectionSetup& setup, const std::vector<ElectionTrial>& trials) {
  ElectionSummary s;
  s.name = setup.name;
  s.label = setup.label;
  s.trials = static_cast<int>(trials.size());
  s.wins.assign(setup.vote_intervals.size() + 1, 0);
  int with_split = 0;
  double sum = 0, terms = 0;
  for (const ElectionTrial& t : trials) {
    s.sorted_ms.push_back(t.time_ms);
    sum += t.time_ms;
    terms += t.terms;
    s.events += t.events;
    if (!t.elected) ++s.timed_out;
    if (t.split_votes > 0) ++with_split;
    if (t.winner > 0 && static_cast<size_t>(t.winner) < s.wins.size()) ++s.wins[static_cast<size_t>(t.winner)];
  }
  std::sort(s.sorted_ms.begin(), s.sorted_ms.end());
  if (!trials.empty()) {
    const double n = static_cast<double>(trials.size());
    s.min = s.sorted_ms.front();
    s.max = s.sorted_ms.back();
    s.p50 = percentile(s.sorted_ms, 0.50);
    s.p90 = percentile(s.sorted_ms, 0.90);
    s.p99 = percentile(s.sorted_ms, 0.99);
    s.mean = sum / n;
    s.split_vote_rate = with_split / n;
    s.mean_terms = terms / n;
  }
  return s;
}

ElectionSummary run_election_sweep(const ElectionSetup& setup, uint64_t first_seed, int count) {
  std::vector<ElectionTrial> trials;
  trials.reserve(static_cast<size_t>(std::max(0, count)));
  for (int i = 0; i < count; ++i) trials.push_back(run_election_trial(setup, first_seed + static_cast<uint64_t>(i)));
  return summarize(setup, trials);
}

void apply_model_server_timing(ElectionSetup& s) {
  s.latency_min_us = 1600;
  s.latency_max_us = 2400;
  s.disk_syncs = 1;
  s.disk_sync_min_us = 500;
  s.disk_sync_max_us = 13500;
  s.candidate_writes_first = false;
  s.processing_min_us = 0;
  s.processing_max_us = 0;
  s.continuous_timers = true;
  s.crash_within_interval_after_broadcast = true;
}

std::vector<ElectionSetup> paper_figure16_setups() {
  std::vector<ElectionSetup> out;
  auto add = [&](VMillis lo, VMillis r) {
    ElectionSetup s;
    s.name = "paper-" + std::to_string(lo) + "-" + std::to_string(lo + r);
    s.label = std::to_string(lo) + "-" + std::to_string(lo + r) + " ms";
    s.trigger = ElectionTrigger::LeaderCrash;
    s.vote_intervals.assign(5, lo);
    s.jitter_ms = r;
    s.hb_interval = lo / 2;  // "half of the minimum election timeout"
    apply_model_server_timing(s);
    s.lagging_followers = 2;  // "different log lengths, so some candidates were not eligible"
    s.warmup_ms = 1000;
    s.limit_ms = 60'000;
    out.push_back(std::move(s));
  };
  for (VMillis r : {0, 5, 25, 50, 150}) add(150, r);
  // The bottom graph: the same spread relative to the timeout, T..2T.
  for (VMillis lo : {12, 25, 50, 100}) add(lo, lo);
  return out;
}

std::vector<ElectionSetup> dmdpc_election_setups(ElectionTrigger trigger, int64_t latency_us) {
  std::vector<ElectionSetup> out;
  const std::string kind = election_trigger_name(trigger);
  auto add = [&](const std::string& name, const std::string& label, std::vector<VMillis> intervals,
                 VMillis jitter) {
    ElectionSetup s;
    s.name = "dmdpc-" + kind + "-" + name;
    s.label = label;
    s.trigger = trigger;
    s.vote_intervals = std::move(intervals);
    s.jitter_ms = jitter;
    s.hb_interval = 150;
    apply_model_server_timing(s);
    s.latency_min_us = latency_us;
    s.latency_max_us = latency_us;
    s.lagging_followers = 0;
    s.warmup_ms = 2000;
    s.limit_ms = 60'000;
    out.push_back(std::move(s));
  };
  add("manual", "1500/2000/2500 ms (manual)", {1500, 2000, 2500}, 0);
  add("manual-j150", "1500/2000/2500 + 0..150 ms", {1500, 2000, 2500}, 150);
  add("manual-j500", "1500/2000/2500 + 0..500 ms", {1500, 2000, 2500}, 500);
  add("equal-j1500", "1500..3000 ms, all equal (Raft style)", {1500, 1500, 1500}, 1500);
  add("equal-j0", "1500 ms, all equal, no jitter", {1500, 1500, 1500}, 0);
  return out;
}

}  // namespace dpc::sim
