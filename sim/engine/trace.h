// Trace: the record of every event of a simulated run — virtual time,
// instance, kind, detail — with a running 64-bit FNV-1a hash over the
// rendered lines. The same seed and inputs give a byte-identical trace and
// hash; tests compare hashes, scenario runners print the tail of a failing
// run and build timelines from the structured events.
//
// Modes: Full keeps every event; Tail keeps the hash and the last N events
// (big runs, benchmarks); Off records nothing (the hash stays at its seed).
// Owned by SimCluster (sim/cluster.h). Single-threaded.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/engine/event_loop.h"

namespace dpc::sim {

enum class TraceMode { Full, Tail, Off };

struct TraceEvent {
  SimTime time = 0;
  std::string instance;  ///< "" for cluster-wide events (faults, tools without an instance)
  std::string kind;      ///< dotted, e.g. "server.open", "raft.leader", "net.drop"
  std::string detail;
};

/// "1500.250": virtual milliseconds with microsecond precision.
std::string format_time(SimTime t);

class Trace {
 public:
  explicit Trace(TraceMode mode = TraceMode::Full, size_t tail = 200);

  void record(SimTime time, std::string_view instance, std::string_view kind,
              std::string_view detail);

  /// The line one event renders to (what the hash covers, without '\n').
  static std::string render(const TraceEvent& e);

  TraceMode mode() const { return mode_; }
  bool enabled() const { return mode_ != TraceMode::Off; }
  /// FNV-1a over every rendered line, each followed by '\n'.
  uint64_t hash() const { return hash_; }
  /// The hash as 16 hex digits.
  std::string hash_hex() const;
  /// Events recorded so far (including those a Tail trace no longer keeps).
  uint64_t count() const { return count_; }
  /// The events kept: all (Full) or the last N (Tail).
  const std::deque<TraceEvent>& events() const { return events_; }
  /// The last `n` kept events rendered, one per line.
  std::string tail(size_t n) const;
  /// Every kept event rendered, one per line.
  std::string text() const { return tail(events_.size()); }
  /// Kept events whose kind starts with `prefix` (and instance matches when given).
  std::vector<TraceEvent> find(std::string_view kind_prefix, std::string_view instance = {}) const;

  /// Called with every recorded event (e.g. to build a timeline).
  void set_listener(std::function<void(const TraceEvent&)> listener) {
    listener_ = std::move(listener);
  }

 private:
  TraceMode mode_;
  size_t tail_;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
  uint64_t count_ = 0;
  std::deque<TraceEvent> events_;
  std::function<void(const TraceEvent&)> listener_;
};

}  // namespace dpc::sim
