// RaftHarness: a deterministic test bed for one RAFT group of RaftNodes, for
// tests only (header-only; owned by the RAFT tests), on the one driver of a
// lone group (raft_group_driver.h) that the election benchmark uses too. It
// stands in for the simulator's network and clock: messages arrive after a
// fixed or per-link latency, cut links drop them (at send and at delivery),
// crashed members drop them; virtual time jumps to the next message or
// timer; the election jitter comes from the simulator's seeded Rng (0
// unless jitter_max > 0).
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
#include "sim/raft/raft_group_driver.h"
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
      : options_(options), rng_(options.seed), driver_(group_members(members), timing(options), [this](int64_t bound) {
          return rng_.uniform(bound);
        }) {
    driver_.set_observer([this](const RaftGroupDriver::Event& e) { on_event(e); });
    for (const HarnessMember& m : members) ids_.push_back(m.id);
    for (int id : ids_) driver_.start(id, driver_.draw_jitter());
    check_all("start");
  }
  RaftHarness(const RaftHarness&) = delete;
  RaftHarness& operator=(const RaftHarness&) = delete;

  VMillis now() const { return RaftGroupDriver::to_millis(driver_.now()); }
  RaftNode& node(int id) { return *driver_.node(known(id)); }
  bool is_up(int id) const { return driver_.is_up(known(id)); }
  const std::vector<std::string>& violations() const { return violations_; }
  const std::vector<std::string>& trace() const { return trace_; }
  uint64_t trace_hash() const { return hash_; }
  const RaftInvariants& invariants() const { return invariants_; }

  /// The live leader of the highest term, if any.
  std::optional<int> leader() const {
    const int id = driver_.current_leader();
    return id != 0 ? std::optional<int>(id) : std::nullopt;
  }
  int leader_count() const {
    int n = 0;
    for (int id : ids_) {
      const RaftNode* node = driver_.node(id);
      n += node && node->role() == RaftRole::Leader ? 1 : 0;
    }
    return n;
  }

  /// Stops a member; its term, vote and log are kept as on disk.
  void crash(int id) {
    if (!driver_.is_up(known(id))) return;
    driver_.crash(id);
    record("crash " + std::to_string(id));
  }
  /// Starts a crashed member again from what it kept.
  void restart(int id) {
    if (driver_.is_up(known(id))) return;
    invariants_.on_restart(id);
    driver_.start(id, driver_.draw_jitter());
    record("restart " + std::to_string(id));
    check_all("restart " + std::to_string(id));
  }
  /// Starts a crashed member with another log (a restored or diverged copy).
  void restart_with(int id, Term term, std::vector<LogRun> log) {
    if (driver_.is_up(known(id))) return;
    driver_.keep(id, term, std::nullopt, std::move(log));
    restart(id);
  }
  void set_can_elect(int id, bool can_elect) { driver_.set_can_elect(known(id), can_elect); }

  /// Cuts every link to and from `id`.
  void isolate(int id) {
    for (int other : ids_) {
      if (other != id) cut(id, other);
    }
  }
  /// Splits the group: links between members of different sides are cut.
  void partition(const std::vector<int>& side) {
    for (int a : ids_) {
      for (int b : ids_) {
        const bool in_a = std::count(side.begin(), side.end(), a) > 0;
        const bool in_b = std::count(side.begin(), side.end(), b) > 0;
        if (in_a != in_b) cut_one_way(a, b);
      }
    }
  }
  void cut(int a, int b) {
    cut_one_way(a, b);
    cut_one_way(b, a);
  }
  void cut_one_way(int from, int to) { driver_.cut_one_way(from, to); }
  void heal() {
    driver_.heal();
    record("heal");
  }
  void set_latency(int from, int to, VMillis ms) { driver_.set_latency(from, to, RaftGroupDriver::from_millis(ms)); }

  /// Appends on `id` (if it leads) and sends the entries at once.
  bool append(int id, Lsn count, uint64_t origin) {
    RaftNode* n = driver_.node(known(id));
    if (!n || !n->append(count, origin)) return false;
    record("append " + std::to_string(id) + " +" + std::to_string(count));
    driver_.route(n->replicate(now()), driver_.now(), true);
    check_all("append on " + std::to_string(id));
    return true;
  }
  /// Delivers a message as if it came from the network now (for scripted tests).
  void inject(RaftMessage msg) {
    RaftOutput out;
    out.messages.push_back(std::move(msg));
    driver_.route(std::move(out), driver_.now(), false);
  }

  /// Runs every event up to and including time `until`; now() is then `until`.
  void run_until(VMillis until) { driver_.run_until(RaftGroupDriver::from_millis(until), [this] { return stopped(); }); }
  /// Runs until `done` holds (checked after every event) or time `limit`.
  /// Returns whether `done` held.
  bool run_until(const std::function<bool()>& done, VMillis limit) {
    driver_.run_until(RaftGroupDriver::from_millis(limit), [&] { return stopped() || done(); });
    return done();
  }

 private:
  static std::vector<GroupMember> group_members(const std::vector<HarnessMember>& members) {
    std::vector<GroupMember> out;
    for (const HarnessMember& m : members) out.push_back({m.id, m.vote_interval, m.voter, m.can_elect});
    return out;
  }
  static GroupTiming timing(const HarnessOptions& o) {
    GroupTiming t;
    t.hb_interval = o.hb_interval;
    t.latency_min_us = t.latency_max_us = RaftGroupDriver::from_millis(o.latency);
    t.jitter_ms = o.jitter_max;
    return t;
  }

  int known(int id) const {
    if (!driver_.has_member(id)) {
      ADD_FAILURE() << "RaftHarness: no member " << id;
      return ids_.front();
    }
    return id;
  }

  /// A run stops at its first violation, or past kMaxEvents events.
  bool stopped() {
    if (!violations_.empty()) return true;
    if (driver_.events() > kMaxEvents) {
      if (!over_) ADD_FAILURE() << "RaftHarness: over " << kMaxEvents << " events";
      over_ = true;
      return true;
    }
    return false;
  }

  void on_event(const RaftGroupDriver::Event& e) {
    if (e.message == nullptr) {
      const std::string event = "tick " + std::to_string(e.member);
      if (driver_.node(e.member)->next_deadline() <= now()) {
        fail("member " + std::to_string(e.member) + " left a timer due after on_tick", event);
      }
      record(event);
      check_all(event);
      return;
    }
    static const char* const kTypes[] = {"RequestVote", "VoteReply", "Append", "AppendReply"};
    const RaftMessage& msg = *e.message;
    const std::string event = std::string(kTypes[static_cast<int>(msg.type)]) + " " + std::to_string(msg.from) +
                              "->" + std::to_string(msg.to) + " term " + std::to_string(msg.term) +
                              (msg.ok ? " ok" : "");
    record(event);
    check_all(event);
  }

  void record(const std::string& event) {
    std::string line = std::to_string(now()) + " " + event;
    for (int id : ids_) {
      const RaftNode* n = driver_.node(id);
      if (!n) continue;
      line += " | " + std::to_string(id) + ":" + raft_role_name(n->role())[0] + std::to_string(n->term()) + "/" +
              std::to_string(n->last_lsn()) + "/" + std::to_string(n->commit_lsn());
    }
    for (char c : line) hash_ = (hash_ ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    if (options_.trace) trace_.push_back(std::move(line));
  }

  void check_all(const std::string& event) {
    if (!violations_.empty()) return;  // the first violation is the one that matters
    for (int id : ids_) {
      const RaftNode* n = driver_.node(id);
      if (!n) continue;
      if (auto v = invariants_.check(RaftView::of(*n))) {
        fail(*v, event);
        return;
      }
    }
  }
  void fail(const std::string& what, const std::string& event) {
    violations_.push_back("at " + std::to_string(now()) + " ms after \"" + event + "\" (seed " +
                          std::to_string(options_.seed) + "): " + what);
    ADD_FAILURE() << "RAFT invariant violated " << violations_.back();
  }

  static constexpr uint64_t kMaxEvents = 5'000'000;

  HarnessOptions options_;
  Rng rng_;
  RaftGroupDriver driver_;
  std::vector<int> ids_;  ///< members in the order given
  bool over_ = false;
  RaftInvariants invariants_;
  std::vector<std::string> violations_;
  std::vector<std::string> trace_;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace dpc::sim::testing
