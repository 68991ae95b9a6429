// RaftGroupDriver: one RAFT group of RaftNodes driven by a small discrete-
// event loop of its own, outside the simulator: a private clock in virtual
// microseconds and a private network. The one driver of a lone group, used
// by the RAFT tests' harness (raft_test_harness.h) and by the election
// benchmark (bench/election_workload.h).
//
// A message leaves at a time, crosses its link in a one-way delay (fixed per
// link, or drawn uniformly from [latency_min_us, latency_max_us] per
// message) and is handled when it arrives, unless the link is cut (at send
// and at delivery) or the member has crashed. Besides the link it can model
// what a real server does around the RAFT rules (the [model] server timing
// of the election benchmark, docs/simulator.md): receive processing, a
// stable-storage write before a reply that follows a change of term, vote or
// log, one message at a time, and timers in microseconds. Left at its
// defaults it models none of them, and every timer fires on its whole
// millisecond. A lagging follower's link loses the leader's log traffic
// (it hears heartbeats without their entries).
//
// It reads no clock and owns no randomness, as RaftNode: every draw (the
// election jitter, a link's delay, a write's duration) comes from the
// caller's `uniform` function, in a fixed order, so the same seed gives the
// same run. An observer sees every timer fired and message handled, after
// the member's handler ran. Single-threaded.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "sim/raft/raft_node.h"

namespace dpc::sim {

/// One member of a driven group.
struct GroupMember {
  int id = 0;                  ///< RAFT_SELF_ID
  VMillis vote_interval = 0;   ///< RAFT_VOTE_INTERVAL
  bool voter = true;           ///< false: shadow replica or learner
  bool can_elect = true;       ///< SP_SET_RAFT_ELECT
};

/// The group's heartbeat, its links and the [model] server timing.
struct GroupTiming {
  VMillis hb_interval = 150;  ///< RAFT_HB_INTERVAL
  /// One-way delay of a message, microseconds, uniform in [min, max] per
  /// message (no draw when they are equal) unless set_latency() fixes a link.
  int64_t latency_min_us = 1000;
  int64_t latency_max_us = 1000;
  /// Each (re)armed election timeout gets an extra 0..jitter_ms.
  VMillis jitter_ms = 0;
  /// Timers in microseconds with a continuous jitter in [0, jitter_ms) ms;
  /// false: whole-millisecond deadlines and integer jitter 0..jitter_ms.
  bool continuous_timers = false;
  /// A write of term, vote or log before the reply: `disk_syncs` fsyncs,
  /// each uniform in [disk_sync_min_us, disk_sync_max_us] (none when max is 0).
  int disk_syncs = 1;
  int64_t disk_sync_min_us = 0;
  int64_t disk_sync_max_us = 0;
  /// The candidate writes before its RequestVotes leave (else they leave at
  /// the timeout and the write follows).
  bool candidate_writes_first = false;
  /// Receive processing per message, uniform in [min, max] (none when max is 0).
  int64_t processing_min_us = 0;
  int64_t processing_max_us = 0;
};

class RaftGroupDriver {
 public:
  /// A uniform integer in [0, bound]; no draw is made when bound <= 0.
  using Uniform = std::function<int64_t(int64_t bound)>;
  /// A timer fired (`message` null) or a message handled, on `member`.
  struct Event {
    int member = 0;
    const RaftMessage* message = nullptr;
  };

  RaftGroupDriver(std::vector<GroupMember> members, GroupTiming timing, Uniform uniform);

  // ---- members ---------------------------------------------------------
  /// Starts member `id` now from what it kept (nothing at first: term 0,
  /// no vote, an empty log), its first timeout `first_jitter` past its vote
  /// interval and `phase_us` past its millisecond.
  void start(int id, VMillis first_jitter, int64_t phase_us = 0);
  /// Stops member `id`; its term, vote and log are kept as on disk.
  void crash(int id);
  /// Replaces what a stopped member kept (a restored or diverged copy).
  void keep(int id, Term term, std::optional<int> vote, std::vector<LogRun> log);
  bool is_up(int id) const { return slot(id).node != nullptr; }
  /// The live node of member `id`, null when it is stopped.
  RaftNode* node(int id) { return slot(id).node.get(); }
  const RaftNode* node(int id) const { return slot(id).node.get(); }
  void set_can_elect(int id, bool can_elect);
  std::vector<GroupMember> members() const;
  bool has_member(int id) const { return index_.count(id) > 0; }

  /// The whole-millisecond part of a (re)armed timeout's jitter: 0..jitter_ms
  /// (integer timers), 0..jitter_ms-1 (continuous: draw_sub_jitter() adds the rest).
  VMillis draw_jitter();
  /// The sub-millisecond part (microseconds) of a continuous jitter.
  int64_t draw_sub_jitter();

  /// The live leader of the highest term, or 0.
  int current_leader() const;
  /// The first live leader (in member order) with a term above `above`, or 0.
  int leader_above(Term above) const;

  // ---- network ---------------------------------------------------------
  void cut_one_way(int from, int to) { cut_.insert({from, to}); }
  void heal() { cut_.clear(); }
  bool is_cut(int from, int to) const { return cut_.count({from, to}) > 0; }
  /// Fixes the one-way delay of a link.
  void set_latency(int from, int to, int64_t us) { latency_[{from, to}] = us; }
  /// Member `id`'s link loses the leader's log traffic: it hears the
  /// heartbeats (without their entries) and nothing else of it.
  void set_lagging(int id) { slots_[index_.at(id)].lagging = true; }
  /// Sends what a node returned, leaving its host at `send_at`. `heartbeat`:
  /// the output of a timer (a leader's heartbeat), not an answer to a message.
  void route(RaftOutput out, int64_t send_at, bool heartbeat);
  /// A leader's replication now (its heartbeat carrying what it appended).
  void broadcast(int id) { route(node(id)->replicate(to_millis(now_)), now_, true); }

  // ---- time ------------------------------------------------------------
  int64_t now() const { return now_; }
  /// Messages delivered and timers fired so far.
  uint64_t events() const { return events_; }
  /// When member `id`'s timer fires, or nullopt when none is armed.
  std::optional<int64_t> timer_of(int id) const { return timer_at(index_.at(id)); }
  void set_observer(std::function<void(const Event&)> observer) { observer_ = std::move(observer); }

  /// Runs events until `done()` holds (checked after each) or the next event
  /// would be after `until`; the clock then stands at `until` (or the event
  /// that satisfied `done`). Returns whether `done()` held.
  template <typename Done>
  bool run_until(int64_t until, Done done) {
    if (done()) return true;
    while (true) {
      const std::optional<int64_t> next = next_time();
      if (!next || *next > until) break;
      step(*next);
      if (done()) return true;
    }
    now_ = std::max(now_, until);
    return false;
  }

  static int64_t to_millis(int64_t us) { return us / 1000; }
  static int64_t from_millis(VMillis ms) { return ms * 1000; }

 private:
  struct Slot {
    GroupMember member;
    std::unique_ptr<RaftNode> node;
    Term term = 0;                ///< kept while stopped
    std::optional<int> vote;      ///< kept while stopped
    std::vector<LogRun> log;      ///< kept while stopped
    VMillis last_tick = -1;       ///< the millisecond its timer last fired
    bool lagging = false;
    int64_t busy_until = 0;       ///< it handles nothing before this
    int64_t phase = 0;            ///< microseconds added to its whole-ms deadline
  };
  struct Pending {
    RaftMessage msg;
    bool processed = false;  ///< its receive processing is done
  };

  const Slot& slot(int id) const { return slots_[index_.at(id)]; }
  Slot& slot(int id) { return slots_[index_.at(id)]; }
  int64_t draw(int64_t lo, int64_t hi) { return lo + uniform_(hi - lo); }
  std::optional<int64_t> timer_at(size_t i) const;
  std::optional<int64_t> next_time() const;
  void step(int64_t at);
  void deliver(Pending p);
  void handle(size_t i, const RaftMessage* msg);

  GroupTiming t_;
  Uniform uniform_;
  std::vector<Slot> slots_;
  std::map<int, size_t> index_;  ///< member id -> slot
  std::map<std::pair<int64_t, uint64_t>, Pending> queue_;
  std::set<std::pair<int, int>> cut_;
  std::map<std::pair<int, int>, int64_t> latency_;
  std::function<void(const Event&)> observer_;
  uint64_t seq_ = 0;
  int64_t now_ = 0;
  uint64_t events_ = 0;
};

}  // namespace dpc::sim
