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

namespace dpc::sim {

const char* election_trigger_name(ElectionTrigger trigger) {
  switch (trigger) {
    case ElectionTrigger::FirstElection: return "first-election";
    case ElectionTrigger::LeaderCrash: return "leader-crash";
  }
  return "unknown";
}

namespace {

/// One RAFT group of RaftNodes on a private clock and network. Members are
/// numbered 1..n (RAFT_SELF_ID); slot i holds member i+1, nullptr when crashed.
/// Besides the link latency it models what a real server does around the
/// RAFT rules (the [model] server-timing fields of ElectionSetup): receive
/// processing, the stable-storage write before a reply, one message at a time.
class GroupDriver {
 public:
  GroupDriver(const ElectionSetup& setup, uint64_t seed) : s_(setup), rng_(seed) {
    const size_t n = s_.vote_intervals.size();
    nodes_.resize(n);
    last_tick_.assign(n, -1);
    lagging_.assign(n, false);
    busy_until_.assign(n, 0);
    phase_.assign(n, 0);
  }

  /// Starts every member at time 0. `bootstrap`: member 1 stands first and
  /// the others wait long enough to hear it (the measured part comes later).
  void start(bool bootstrap) {
    const int n = static_cast<int>(nodes_.size());
    VMillis longest = 0;
    for (VMillis v : s_.vote_intervals) longest = std::max(longest, v + s_.jitter_ms);
    for (int id = 1; id <= n; ++id) {
      RaftConfig c;
      c.self_id = id;
      c.vote_interval = s_.vote_intervals[static_cast<size_t>(id - 1)];
      c.hb_interval = s_.hb_interval;
      for (int p = 1; p <= n; ++p) {
        if (p != id) c.peers.push_back(RaftPeer{p, true});
      }
      const VMillis first_jitter = bootstrap ? (id == 1 ? 0 : longest) : jitter();
      const int64_t sub = bootstrap ? 0 : sub_jitter();
      nodes_[static_cast<size_t>(id - 1)] =
          std::make_unique<RaftNode>(c, 0, std::vector<LogRun>{}, 0, first_jitter);
      phase_[static_cast<size_t>(id - 1)] = sub;
    }
  }

  RaftNode* node(int id) { return nodes_[static_cast<size_t>(id - 1)].get(); }
  SimTime now() const { return now_; }
  uint64_t events() const { return events_; }

  /// The live leader with a term above `above`, or 0.
  int leader_above(Term above) const {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const RaftNode* n = nodes_[i].get();
      if (n && n->role() == RaftRole::Leader && n->term() > above) return static_cast<int>(i) + 1;
    }
    return 0;
  }

  /// The live leader of the highest term, or 0.
  int current_leader() const {
    int best = 0;
    Term best_term = -1;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const RaftNode* n = nodes_[i].get();
      if (n && n->role() == RaftRole::Leader && n->term() > best_term) {
        best = static_cast<int>(i) + 1;
        best_term = n->term();
      }
    }
    return best;
  }

  void set_lagging(int id) { lagging_[static_cast<size_t>(id - 1)] = true; }

  /// Sends what a node returned, leaving its host at `send_at`. `heartbeat`:
  /// the output of a timer (a leader's heartbeat), not an answer to a message.
  void route(RaftOutput out, SimTime send_at, bool heartbeat) {
    for (RaftMessage& m : out.messages) {
      if (m.type == RaftMessage::Type::Append && lagging_[static_cast<size_t>(m.to - 1)]) {
        // A lagging follower's link loses the leader's log traffic: it hears
        // the heartbeats (without their entries) and nothing else, so it
        // stays behind without a resend loop resetting its timer.
        if (!heartbeat) continue;
        m.runs.clear();
      }
      const SimTime at = send_at + draw(s_.latency_min_us, s_.latency_max_us);
      queue_.emplace(std::pair(at, seq_++), Pending{std::move(m), false});
    }
  }

  /// The leader's synchronized broadcast now (the earlier model's crash).
  void broadcast(int id) { route(node(id)->replicate(to_ms(now_)), now_, true); }

  void crash(int id) { nodes_[static_cast<size_t>(id - 1)].reset(); }

  /// When member `id`'s timer fires, or nullopt when none is armed.
  std::optional<SimTime> timer_of(int id) const { return timer_at(static_cast<size_t>(id - 1)); }

  /// Runs events until `done()` holds (checked after each) or the next event
  /// would be after `until`; the clock then stands at `until` (or the event
  /// that satisfied `done`). Returns whether `done()` held.
  template <typename Done>
  bool run_until(SimTime until, Done done) {
    if (done()) return true;
    while (true) {
      const std::optional<SimTime> next = next_time();
      if (!next || *next > until) break;
      step(*next);
      observe();
      if (done()) return true;
    }
    now_ = std::max(now_, until);
    return false;
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
  struct Pending {
    RaftMessage msg;
    bool processed = false;  ///< its receive processing is done
  };

  /// The whole-millisecond part of a re-armed timeout's jitter: 0..jitter_ms
  /// (integer timers), 0..jitter_ms-1 (continuous: sub_jitter() adds the rest).
  VMillis jitter() {
    if (!s_.continuous_timers) return rng_.uniform(s_.jitter_ms);
    return s_.jitter_ms > 0 ? rng_.uniform(s_.jitter_ms - 1) : 0;
  }
  /// The sub-millisecond part (microseconds) of a continuous jitter.
  int64_t sub_jitter() { return s_.continuous_timers && s_.jitter_ms > 0 ? rng_.uniform(999) : 0; }
  SimTime draw(int64_t lo, int64_t hi) { return lo + rng_.uniform(hi - lo); }

  /// When member `i`'s timer fires, or nullopt when none is armed. A busy
  /// member's timer waits for it (the timer needs the server's lock).
  std::optional<SimTime> timer_at(size_t i) const {
    const RaftNode* n = nodes_[i].get();
    if (!n) return std::nullopt;
    VMillis d = n->next_deadline();
    if (d == kNoDeadline) return std::nullopt;
    SimTime at = from_ms(d) + phase_[i];
    if (d <= last_tick_[i]) at = from_ms(last_tick_[i] + 1);  // never tick twice in one millisecond
    return std::max({at, busy_until_[i], now_});
  }

  std::optional<SimTime> next_time() const {
    std::optional<SimTime> best;
    if (!queue_.empty()) best = queue_.begin()->first.first;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const auto t = timer_at(i);
      if (t && (!best || *t < *best)) best = t;
    }
    return best;
  }

  void step(SimTime at) {
    now_ = at;
    ++events_;
    if (!queue_.empty() && queue_.begin()->first.first == at) {
      Pending p = std::move(queue_.begin()->second);
      queue_.erase(queue_.begin());
      deliver(std::move(p));
      return;
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const auto t = timer_at(i);
      if (t && *t == at) {
        last_tick_[i] = to_ms(now_);
        handle(i, nullptr);
        return;
      }
    }
  }

  void deliver(Pending p) {
    const size_t i = static_cast<size_t>(p.msg.to - 1);
    if (!nodes_[i]) return;  // crashed: nothing listens
    if (busy_until_[i] > now_) {  // the server is writing or handling another message
      queue_.emplace(std::pair(busy_until_[i], seq_++), std::move(p));
      return;
    }
    if (!p.processed && s_.processing_max_us > 0) {
      busy_until_[i] = now_ + draw(s_.processing_min_us, s_.processing_max_us);
      p.processed = true;
      queue_.emplace(std::pair(busy_until_[i], seq_++), std::move(p));
      return;
    }
    handle(i, &p.msg);
  }

  /// Runs member i's handler for `msg` (its timer when null) at now_, then
  /// sends the output: at once, or after the stable-storage write when the
  /// member's term, vote or log changed.
  void handle(size_t i, const RaftMessage* msg) {
    RaftNode* n = nodes_[i].get();
    const Term term0 = n->term();
    const std::optional<int> vote0 = n->voted_for();
    const uint64_t log0 = n->log_version();
    const VMillis deadline0 = n->next_deadline();
    const VMillis j = jitter();
    const int64_t sub = sub_jitter();
    RaftOutput out = msg ? n->on_message(*msg, to_ms(now_), j) : n->on_tick(to_ms(now_), j);
    if (n->next_deadline() != deadline0) phase_[i] = s_.continuous_timers ? now_ % kMicrosPerMilli + sub : 0;
    const bool wrote = n->term() != term0 || n->voted_for() != vote0 || n->log_version() != log0;
    SimTime send_at = now_;
    if (wrote && s_.disk_syncs > 0 && s_.disk_sync_max_us > 0) {
      SimTime write = 0;
      for (int k = 0; k < s_.disk_syncs; ++k) write += draw(s_.disk_sync_min_us, s_.disk_sync_max_us);
      busy_until_[i] = now_ + write;
      const bool stood = !msg && n->role() == RaftRole::Candidate;
      if (!stood || s_.candidate_writes_first) send_at = busy_until_[i];
    }
    route(std::move(out), send_at, !msg);
  }

  void observe() {
    if (watch_above_ < 0) return;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const RaftNode* n = nodes_[i].get();
      if (!n || n->term() <= watch_above_) continue;
      if (n->role() == RaftRole::Candidate) candidates_[n->term()].insert(static_cast<int>(i) + 1);
      if (n->role() == RaftRole::Leader) won_.insert(n->term());
    }
  }

  const ElectionSetup& s_;
  Rng rng_;
  std::vector<std::unique_ptr<RaftNode>> nodes_;
  std::vector<VMillis> last_tick_;
  std::vector<bool> lagging_;
  std::vector<SimTime> busy_until_;  ///< a member handles nothing before this
  std::vector<int64_t> phase_;       ///< microseconds added to its whole-ms deadline
  std::map<std::pair<SimTime, uint64_t>, Pending> queue_;
  uint64_t seq_ = 0;
  SimTime now_ = 0;
  uint64_t events_ = 0;
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

}  // namespace

ElectionTrial run_election_trial(const ElectionSetup& setup, uint64_t seed) {
  ElectionTrial t;
  t.seed = seed;
  if (setup.vote_intervals.empty()) return t;
  GroupDriver g(setup, seed);
  const SimTime limit = from_ms(setup.limit_ms);

  if (setup.trigger == ElectionTrigger::FirstElection) {
    g.start(false);
    g.watch_terms_above(0);
    t.elected = g.run_until(limit, [&] { return g.leader_above(0) != 0; });
    t.winner = g.leader_above(0);
    t.time_ms = t.elected ? static_cast<double>(g.now()) / 1000.0 : static_cast<double>(setup.limit_ms);
    count_terms(g, t);
    t.events = g.events();
    return t;
  }

  // LeaderCrash: bootstrap a leader, let it run, crash it in its heartbeat interval.
  g.start(true);
  auto fail = [&] {  // no leader to crash: the trial cannot be measured
    t.time_ms = static_cast<double>(setup.limit_ms);
    t.events = g.events();
    return t;
  };
  if (!g.run_until(limit, [&] { return g.current_leader() != 0; })) return fail();
  {
    // Choose the lagging followers at random among the others.
    const int first = g.current_leader();
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
    RaftNode* l = g.node(first);
    l->append(1, 0xB00057ULL);
    g.broadcast(first);
  }
  g.run_until(g.now() + from_ms(setup.warmup_ms), [] { return false; });
  // The crash window opens at the leader's next heartbeat. With timeouts too
  // short for the links, leaders come and go: crash whoever leads then.
  const bool paper_timing = setup.crash_within_interval_after_broadcast;
  Rng offset_rng(seed ^ 0xC2A5BULL);
  int leader = 0;
  SimTime hb_at = 0;
  for (int attempt = 0; attempt < 100 && leader == 0; ++attempt) {
    if (!g.run_until(g.now() + limit, [&] { return g.current_leader() != 0; })) return fail();
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
    leader = candidate;
  }
  if (leader == 0) return fail();
  const Term old_term = g.node(leader)->term();
  if (!paper_timing) {
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
