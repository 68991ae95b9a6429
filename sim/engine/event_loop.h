// EventLoop: the simulator's discrete-event engine. Events run in virtual
// time, ordered by (time, insertion sequence), so two events due at the same
// instant run in the order they were scheduled. Scheduling returns a token
// that cancels the event if it has not run yet.
//
// Virtual time is in microseconds (SimTime) so that same-host network hops
// can be sub-millisecond; the Backend seam and the RAFT model see
// milliseconds (SimTime / 1000).
//
// Owned by SimCluster (sim/cluster.h). Single-threaded: events are plain
// callbacks run from step(); a callback may schedule and cancel others.
//
// Every event has a key: its insertion sequence, shifted left by 16 bits
// with the low bits all ones. at_key() lets the folded heartbeats of an idle
// RAFT group (sim/model/dmserver_fold.cc) put back, when they unfold, the
// messages they had in flight exactly where they would have been in that
// order: just before the first event scheduled at or after the moment they
// were sent.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace dpc::sim {

/// Virtual time in microseconds since the start of the run.
using SimTime = int64_t;

constexpr SimTime kMicrosPerMilli = 1000;
inline SimTime from_ms(int64_t ms) { return ms * kMicrosPerMilli; }
inline int64_t to_ms(SimTime t) { return t / kMicrosPerMilli; }

/// Identifies a scheduled event; 0 is never a valid token.
using EventId = uint64_t;

class EventLoop {
 public:
  EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Schedules `fn` at `when` (clamped to now). `tag` names the kind of event
  /// for violation reports; it must be a string literal (not copied).
  EventId at(SimTime when, const char* tag, std::function<void()> fn);
  /// Schedules `fn` `delay` microseconds from now.
  EventId after(SimTime delay, const char* tag, std::function<void()> fn) {
    return at(now_ + delay, tag, std::move(fn));
  }
  /// Schedules `fn` at `when` (clamped to now) like at(), but the event
  /// cannot be cancelled. Consecutive posts for one instant with one tag,
  /// with nothing else scheduled between them (a broadcast: a leader's
  /// AppendEntries to every follower), share one queue entry; they still
  /// run one per step(), in exactly the order at() would give, so the batch
  /// is invisible to everything but the cost of the priority queue.
  void post(SimTime when, const char* tag, std::function<void()> fn);
  /// Schedules `fn` at `when` with an explicit ordering key (see the file
  /// comment): keys with low bits below 0xffff sort before the event whose
  /// sequence they carry. Not cancellable, never batched.
  void at_key(SimTime when, uint64_t key, const char* tag, std::function<void()> fn);
  /// The key the next at() or post() will get (with the low bits cleared:
  /// OR in a small index to order several keys at one point).
  uint64_t next_key_base() const { return (seq_ + 1) << kSubBits; }
  /// The key of the event running now (or the last one run); 0 before any;
  /// after advance_to() left nothing due at its instant, above every key.
  uint64_t current_key() const { return current_key_; }
  /// Remembers, for every instant the loop reaches from now on, the first
  /// key scheduled in it (key_base_at()), for `horizon` of virtual time.
  void keep_key_marks(SimTime horizon) { mark_horizon_ = horizon; }
  /// The key base of the first event scheduled at or after instant `t`
  /// (needs keep_key_marks(); t no older than its horizon).
  uint64_t key_base_at(SimTime t) const;
  /// Cancels a pending event. Returns false when it already ran, was
  /// cancelled before, or the token is 0.
  bool cancel(EventId id);

  /// Runs the next event, advancing virtual time to it. Returns false when
  /// nothing is pending.
  bool step();
  /// Time of the next pending event, or -1 when nothing is pending.
  SimTime next_time();
  /// Moves virtual time forward to `when` without running anything; only
  /// valid when no event is due before `when`.
  void advance_to(SimTime when);

  SimTime now() const { return now_; }
  bool empty() { return next_time() < 0; }
  /// Live (not cancelled) events pending.
  size_t pending() const { return live_; }
  /// Events run so far.
  uint64_t executed() const { return executed_; }
  /// The tag of the event running now (or the last one run).
  const char* current_tag() const { return current_tag_; }

 private:
  struct Entry {
    SimTime when;
    uint64_t seq;
    uint32_t slot;
    uint32_t gen;
  };
  struct Slot {
    std::function<void()> fn;
    std::vector<std::function<void()>> more;  ///< post()s batched behind fn
    const char* tag = "";
    uint32_t gen = 0;
    bool live = false;
  };
  /// A key is (sequence << kSubBits) | sub; at() gives sub = kRealSub.
  static constexpr int kSubBits = 16;
  static constexpr uint64_t kRealSub = (uint64_t{1} << kSubBits) - 1;
  static bool later(const Entry& a, const Entry& b) {
    return a.when != b.when ? a.when > b.when : a.seq > b.seq;
  }
  uint32_t take_slot(const char* tag, std::function<void()> fn);
  void mark(SimTime when);
  void drop_dead_top();
  void release(uint32_t slot);

  SimTime now_ = 0;
  uint64_t seq_ = 0;
  uint64_t executed_ = 0;
  uint64_t current_key_ = 0;
  uint64_t batch_key_ = 0;
  // (instant, first key base scheduled in it), while keep_key_marks() is on.
  SimTime mark_horizon_ = -1;
  std::vector<std::pair<SimTime, uint64_t>> marks_;
  size_t marks_begin_ = 0;
  size_t live_ = 0;
  const char* current_tag_ = "";
  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  // The batch being run, one callback per step() (see post()).
  std::vector<std::function<void()>> batch_;
  size_t batch_next_ = 0;
  const char* batch_tag_ = "";
  // The entry the last post() made, while it may still take more.
  uint64_t post_seq_ = 0;
  uint32_t post_slot_ = 0;
  uint32_t post_gen_ = 0;
  SimTime post_when_ = -1;
  const char* post_tag_ = nullptr;
};

}  // namespace dpc::sim
