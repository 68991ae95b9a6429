// RaftHarness: a deterministic test bed for one RAFT group of RaftNodes, for
// tests only (header-only; owned by the RAFT tests). It stands in for the
// simulator's network and clock: messages arrive after a fixed or per-link
// latency, cut links drop them (at send and at delivery), crashed members
// drop them; virtual time jumps to the next message or timer; the election
// jitter comes from a small seeded generator (0 unless jitter_max > 0).
// After every event it checks the group's invariants (RaftInvariants) and
// fails the running test at the first violation, naming the time, the event
// and the seed; the run stops there (run_until returns). Single-threaded; no
// wall clock.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/rng.h"
#include "sim/raft/raft_invariants.h"
#include "sim/raft/raft_node.h"

namespace dpc::sim {

/// gtest prints log runs readably: [first..last t<term> o<origin hex>].
inline void PrintTo(const LogRun& run, std::ostream* os) {
  *os << "[" << run.first << ".." << run.last << " t" << run.term << " o" << std::hex << run.origin
      << std::dec << "]";
}

}  // namespace dpc::sim

namespace dpc::sim::testing {

struct HarnessMember {
  int id = 0;
  VMillis vote_interval = 0;
  bool voter = true;      ///< false: shadow replica or learner
  bool can_elect = true;  ///< SP_SET_RAFT_ELECT
};

struct HarnessOptions {
  VMillis hb_interval = 150;
  VMillis latency = 1;    ///< one way, every link unless set_latency()
  VMillis jitter_max = 0; ///< election jitter drawn uniformly from [0, jitter_max]
  uint64_t seed = 1;
  bool trace = false;     ///< keep a line per event in trace()
};

class RaftHarness {
 public:
  explicit RaftHarness(std::vector<HarnessMember> members, HarnessOptions options = {})
      : options_(options), rng_(options.seed) {
    for (const HarnessMember& m : members) slots_.push_back(Slot{m, nullptr, 0, std::nullopt, {}});
    for (Slot& s : slots_) start(s);
    check_all("start");
  }

  VMillis now() const { return now_; }
  RaftNode& node(int id) { return *slot(id).node; }
  bool is_up(int id) const { return find(id)->node != nullptr; }
  const std::vector<std::string>& violations() const { return violations_; }
  const std::vector<std::string>& trace() const { return trace_; }
  uint64_t trace_hash() const { return hash_; }
  const RaftInvariants& invariants() const { return invariants_; }

  /// The live leader of the highest term, if any.
  std::optional<int> leader() const {
    std::optional<int> best;
    Term best_term = -1;
    for (const Slot& s : slots_) {
      if (s.node && s.node->role() == RaftRole::Leader && s.node->term() > best_term) {
        best = s.member.id;
        best_term = s.node->term();
      }
    }
    return best;
  }
  int leader_count() const {
    int n = 0;
    for (const Slot& s : slots_) n += s.node && s.node->role() == RaftRole::Leader ? 1 : 0;
    return n;
  }

  /// Stops a member; its term, vote and log are kept as on disk.
  void crash(int id) {
    Slot& s = slot(id);
    if (!s.node) return;
    s.term = s.node->term();
    s.vote = s.node->voted_for();
    s.log = s.node->log();
    s.node.reset();
    record("crash " + std::to_string(id));
  }
  /// Starts a crashed member again from what it kept.
  void restart(int id) {
    Slot& s = slot(id);
    if (s.node) return;
    invariants_.on_restart(id);
    start(s);
    record("restart " + std::to_string(id));
    check_all("restart " + std::to_string(id));
  }
  /// Starts a crashed member with another log (a restored or diverged copy).
  void restart_with(int id, Term term, std::vector<LogRun> log) {
    Slot& s = slot(id);
    if (s.node) return;
    s.term = term;
    s.vote.reset();
    s.log = std::move(log);
    restart(id);
  }
  void set_can_elect(int id, bool can_elect) {
    slot(id).member.can_elect = can_elect;
    if (RaftNode* n = slot(id).node.get()) n->set_can_elect(can_elect);
  }

  /// Cuts every link to and from `id`.
  void isolate(int id) {
    for (const Slot& s : slots_) {
      if (s.member.id != id) cut(id, s.member.id);
    }
  }
  /// Splits the group: links between members of different sides are cut.
  void partition(const std::vector<int>& side) {
    for (const Slot& a : slots_) {
      for (const Slot& b : slots_) {
        const bool in_a = std::count(side.begin(), side.end(), a.member.id) > 0;
        const bool in_b = std::count(side.begin(), side.end(), b.member.id) > 0;
        if (in_a != in_b) cut_one_way(a.member.id, b.member.id);
      }
    }
  }
  void cut(int a, int b) {
    cut_one_way(a, b);
    cut_one_way(b, a);
  }
  void cut_one_way(int from, int to) { cut_.insert({from, to}); }
  void heal() {
    cut_.clear();
    record("heal");
  }
  void set_latency(int from, int to, VMillis ms) { latency_[{from, to}] = ms; }

  /// Appends on `id` (if it leads) and sends the entries at once.
  bool append(int id, Lsn count, uint64_t origin) {
    RaftNode* n = slot(id).node.get();
    if (!n || !n->append(count, origin)) return false;
    record("append " + std::to_string(id) + " +" + std::to_string(count));
    route(n->replicate(now_));
    check_all("append on " + std::to_string(id));
    return true;
  }
  /// Delivers a message as if it came from the network now (for scripted tests).
  void inject(RaftMessage msg) { send(std::move(msg)); }

  /// Runs every event up to and including time `until`; now() is then `until`.
  void run_until(VMillis until) {
    while (step(until)) {
    }
    now_ = std::max(now_, until);
  }
  /// Runs until `done` holds (checked after every event) or time `limit`.
  /// Returns whether `done` held.
  bool run_until(const std::function<bool()>& done, VMillis limit) {
    if (done()) return true;
    while (step(limit)) {
      if (done()) return true;
    }
    now_ = std::max(now_, limit);
    return done();
  }

 private:
  struct Slot {
    HarnessMember member;
    std::unique_ptr<RaftNode> node;
    Term term = 0;
    std::optional<int> vote;
    std::vector<LogRun> log;
  };

  const Slot* find(int id) const {
    for (const Slot& s : slots_) {
      if (s.member.id == id) return &s;
    }
    ADD_FAILURE() << "RaftHarness: no member " << id;
    return &slots_.front();
  }
  Slot& slot(int id) { return *const_cast<Slot*>(std::as_const(*this).find(id)); }

  void start(Slot& s) {
    RaftConfig config;
    config.self_id = s.member.id;
    config.voter = s.member.voter;
    config.can_elect = s.member.can_elect;
    config.vote_interval = s.member.vote_interval;
    config.hb_interval = options_.hb_interval;
    for (const Slot& other : slots_) {
      if (other.member.id != s.member.id) config.peers.push_back({other.member.id, other.member.voter});
    }
    s.node = std::make_unique<RaftNode>(config, s.term, s.log, now_, jitter(), s.vote);
  }

  /// The simulator's one seeded random source (sim/engine/rng.h), here too.
  VMillis jitter() { return static_cast<VMillis>(rng_.uniform(options_.jitter_max)); }

  VMillis latency(int from, int to) const {
    const auto it = latency_.find({from, to});
    return it == latency_.end() ? options_.latency : it->second;
  }
  bool is_cut(int from, int to) const { return cut_.count({from, to}) > 0; }

  void send(RaftMessage msg) {
    if (is_cut(msg.from, msg.to)) return;
    const VMillis at = now_ + latency(msg.from, msg.to);
    in_flight_.emplace(std::pair(at, seq_++), std::move(msg));
  }
  void route(RaftOutput out) {
    for (RaftMessage& msg : out.messages) send(std::move(msg));
  }

  /// Runs the earliest event at or before `limit`; false when there is none.
  bool step(VMillis limit) {
    if (!violations_.empty()) return false;  // a run stops at its first violation
    if (++events_ > kMaxEvents) {
      if (events_ == kMaxEvents + 1) ADD_FAILURE() << "RaftHarness: over " << kMaxEvents << " events";
      return false;
    }
    VMillis at = in_flight_.empty() ? kNoDeadline : in_flight_.begin()->first.first;
    for (const Slot& s : slots_) {
      if (s.node) at = std::min(at, std::max(now_, s.node->next_deadline()));
    }
    if (at == kNoDeadline || at > limit) return false;
    now_ = at;
    if (!in_flight_.empty() && in_flight_.begin()->first.first == at) {
      RaftMessage msg = std::move(in_flight_.begin()->second);
      in_flight_.erase(in_flight_.begin());
      deliver(msg);
      return true;
    }
    for (Slot& s : slots_) {
      if (s.node && s.node->next_deadline() <= now_) {
        const std::string event = "tick " + std::to_string(s.member.id);
        route(s.node->on_tick(now_, jitter()));
        if (s.node->next_deadline() <= now_) {
          fail("member " + std::to_string(s.member.id) + " left a timer due after on_tick", event);
        }
        record(event);
        check_all(event);
        return true;
      }
    }
    return true;
  }

  void deliver(const RaftMessage& msg) {
    static const char* const kTypes[] = {"RequestVote", "VoteReply", "Append", "AppendReply"};
    const std::string event = std::string(kTypes[static_cast<int>(msg.type)]) + " " +
                              std::to_string(msg.from) + "->" + std::to_string(msg.to) + " term " +
                              std::to_string(msg.term) + (msg.ok ? " ok" : "");
    Slot* target = nullptr;
    for (Slot& s : slots_) {
      if (s.member.id == msg.to) target = &s;
    }
    if (!target || !target->node || is_cut(msg.from, msg.to)) return;
    route(target->node->on_message(msg, now_, jitter()));
    record(event);
    check_all(event);
  }

  void record(const std::string& event) {
    std::string line = std::to_string(now_) + " " + event;
    for (const Slot& s : slots_) {
      if (!s.node) continue;
      line += " | " + std::to_string(s.member.id) + ":" + raft_role_name(s.node->role())[0] +
              std::to_string(s.node->term()) + "/" + std::to_string(s.node->last_lsn()) + "/" +
              std::to_string(s.node->commit_lsn());
    }
    for (char c : line) hash_ = (hash_ ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    if (options_.trace) trace_.push_back(std::move(line));
  }

  void check_all(const std::string& event) {
    if (!violations_.empty()) return;  // the first violation is the one that matters
    for (const Slot& s : slots_) {
      if (!s.node) continue;
      if (auto v = invariants_.check(RaftView::of(*s.node))) {
        fail(*v, event);
        return;
      }
    }
  }
  void fail(const std::string& what, const std::string& event) {
    violations_.push_back("at " + std::to_string(now_) + " ms after \"" + event + "\" (seed " +
                          std::to_string(options_.seed) + "): " + what);
    ADD_FAILURE() << "RAFT invariant violated " << violations_.back();
  }

  static constexpr uint64_t kMaxEvents = 5'000'000;

  HarnessOptions options_;
  Rng rng_;
  std::vector<Slot> slots_;
  VMillis now_ = 0;
  uint64_t seq_ = 0;
  uint64_t events_ = 0;
  std::map<std::pair<VMillis, uint64_t>, RaftMessage> in_flight_;
  std::set<std::pair<int, int>> cut_;
  std::map<std::pair<int, int>, VMillis> latency_;
  RaftInvariants invariants_;
  std::vector<std::string> violations_;
  std::vector<std::string> trace_;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace dpc::sim::testing
