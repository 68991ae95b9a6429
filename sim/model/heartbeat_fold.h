// HeartbeatFold: the heartbeats of one idle RAFT group, folded. While a BP
// group is steady — one leader, every follower running, up to date and
// following it, links with a fixed latency (no jitter, loss or partition), no
// election jitter — a heartbeat round changes nothing but timers: the
// followers' election deadlines, the leader's acknowledgement times (its
// lease) and the network's message count. The leader's tick still runs as an
// event, but sends nothing; this record remembers the last two ticks, which
// is all it takes to say, at any moment, which Appends and acknowledgements
// would have arrived by then (a round ends well within one heartbeat
// interval) and which would still be in flight.
//
// The DmServer methods in sim/model/dmserver_fold.cc fold and unfold a group;
// docs/simulator.md ("Folded heartbeats") lists what unfolds it and how the
// equivalence is tested. Shared by the group's members; single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/engine/event_loop.h"

namespace dpc::sim {

class DmServer;

struct HeartbeatFold {
  struct Follower {
    DmServer* server = nullptr;
    size_t peer = 0;       ///< the index of its entry in the leader's peer list
    size_t back_peer = 0;  ///< the index of the leader's entry in its peer list
    int id = 0;                       ///< its RAFT_SELF_ID
    SimTime out = 0;                  ///< leader -> follower latency
    SimTime back = 0;                 ///< follower -> leader latency
  };
  DmServer* leader = nullptr;
  std::vector<Follower> followers;
  SimTime last_tick = -1;   ///< the latest folded tick, -1 before the first
  uint64_t last_key = 0;    ///< where its Appends sit among events (EventLoop keys)
  SimTime prev_tick = -1;   ///< the folded tick before it, -1 if none

  /// When follower i last heard the leader as of instant t, before the event
  /// of key `key` (a tie at t goes by key): -1 when no folded Append arrived.
  SimTime heard_by(size_t i, SimTime t, uint64_t key) const {
    if (last_tick < 0) return -1;
    const SimTime at = last_tick + followers[i].out;
    if (at < t || (at == t && (last_key | i) < key)) return at;
    return prev_tick >= 0 ? prev_tick + followers[i].out : -1;
  }
};

}  // namespace dpc::sim
