// Network: how messages travel between simulated hosts — RAFT traffic, the
// SP/BP links to the MP, status reports. Each directed host pair has a
// latency, a jitter (uniform 0..j extra, drawn from the cluster's one Rng)
// and a loss probability; defaults come from the timing profile (sub-
// millisecond on one host). Partitions block one or both directions; a
// message is dropped when its path is blocked, a host is down, or loss
// strikes — at sending or at delivery — and every drop is traced.
//
// Owned by SimCluster (sim/cluster.h). Single-threaded; delivery is an event
// on the EventLoop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "sim/engine/event_loop.h"
#include "sim/engine/rng.h"
#include "sim/engine/timing_profile.h"
#include "sim/engine/trace.h"

namespace dpc::sim {

/// One end of a message: a host, and the instance on it ("" when the end is
/// a host only). Partitions and links may name hosts or instances: several
/// instances share one host in the examples, and a partition between two of
/// them cuts their RAFT traffic while each still reaches everything else.
struct Endpoint {
  std::string host;
  std::string instance;
  /// Set by Network::endpoint(): equal for endpoints on one host (0: unset).
  uint32_t host_key = 0;
};

struct LinkSpec {
  SimTime latency = 0;  ///< one way, microseconds
  SimTime jitter = 0;   ///< uniform extra 0..jitter, microseconds
  double loss = 0.0;    ///< probability of a drop
};

class Network {
 public:
  Network(EventLoop& loop, Rng& rng, Trace& trace, const TimingProfile& timing);

  /// Sets the link a->b (and b->a unless one_way); a and b name two hosts
  /// or two instances.
  void set_link(const std::string& a, const std::string& b, LinkSpec spec, bool one_way = false);
  /// The link a->b between hosts: set explicitly, or the profile default.
  LinkSpec link(const std::string& a, const std::string& b) const;
  /// Between endpoints: the link set for their instances, else their hosts'.
  LinkSpec link(const Endpoint& a, const Endpoint& b) const;

  /// Blocks a->b, and b->a unless one_way; a and b name hosts or instances.
  void partition(const std::string& a, const std::string& b, bool one_way = false);
  /// Unblocks both directions between a and b.
  void heal(const std::string& a, const std::string& b);
  void heal_all();
  /// The names a->b are blocked (exactly these two names).
  bool blocked(const std::string& from, const std::string& to) const;
  /// A message from->to is blocked: by its hosts, its instances, or an
  /// instance and the other end's host.
  bool blocked(const Endpoint& from, const Endpoint& to) const;

  void set_host_up(const std::string& host, bool up);
  bool host_up(const std::string& host) const { return down_.empty() || down_.count(host) == 0; }
  /// Both hosts up and neither direction blocked.
  bool reachable(const std::string& a, const std::string& b) const;
  bool reachable(const Endpoint& a, const Endpoint& b) const;

  /// Sends a message from host `from` to host `to`; `deliver` runs on
  /// arrival unless the message is dropped. `who` and `what` describe it in
  /// the trace of a drop. Returns false when it was dropped at once.
  /// (A template so that the message and its delivery are one closure: one
  /// allocation per message instead of two.)
  template <class Deliver>
  bool send(const std::string& from, const std::string& to, std::string_view who,
            std::string_view what, Deliver&& deliver) {
    return send(endpoint(from, std::string(who)), endpoint(to, std::string()), what,
                std::forward<Deliver>(deliver));
  }
  /// The endpoint (host, instance) of this network: made on first use, then
  /// the same object for as long as the Network lives, so that a message in
  /// flight holds two pointers rather than four names. Senders keep theirs.
  const Endpoint* endpoint(const std::string& host, const std::string& instance);
  /// The same between two endpoints: the sender's instance names the message
  /// in the trace of a drop; instance partitions and links apply.
  template <class Deliver>
  bool send(const Endpoint* from, const Endpoint* to, std::string_view what, Deliver&& deliver) {
    SimTime delay = 0;
    if (!admit(*from, *to, what, &delay)) return false;
    // What is kept only to trace a drop on arrival. Deliveries are never
    // cancelled: post() lets a broadcast share one queue entry.
    loop_.post(loop_.now() + delay, "net.deliver",
               [this, from, to, what = trace_.enabled() ? std::string(what) : std::string(),
                deliver = std::forward<Deliver>(deliver)]() mutable {
                 if (arrives(*from, *to, what)) deliver();
               });
    return true;
  }

  /// The delay of the last message send() admitted.
  SimTime last_delay() const { return last_delay_; }
  /// A message that was sent while its group's heartbeats were folded
  /// (sim/model/dmserver_fold.cc), put back in flight: it arrives at `when`
  /// in the place `key` gives it among that instant's events (EventLoop::
  /// at_key), subject to the same checks on arrival as any message.
  template <class Deliver>
  void resume_in_flight(const Endpoint* from, const Endpoint* to, std::string_view what, SimTime when,
                        uint64_t key, Deliver&& deliver) {
    loop_.at_key(when, key, "net.deliver",
                 [this, from, to, what = trace_.enabled() ? std::string(what) : std::string(),
                  deliver = std::forward<Deliver>(deliver)]() mutable {
                   if (arrives(*from, *to, what)) deliver();
                 });
  }
  /// Counts messages that folded heartbeats sent (see resume_in_flight()).
  void count_sent(uint64_t n) { sent_ += n; }
  /// Runs before any change of partitions, links or hosts' state (the
  /// simulator unfolds idle groups' heartbeats there).
  void on_change(std::function<void()> fn) { before_change_ = std::move(fn); }

  uint64_t sent() const { return sent_; }
  uint64_t dropped() const { return dropped_; }

 private:
  /// Counts the message and decides its fate at sending: false (traced) when
  /// a host is down, the path is blocked or loss strikes; else the delay.
  bool admit(const Endpoint& from, const Endpoint& to, std::string_view what, SimTime* delay);
  /// link(a, b) when some link was set: the instance pair's, else the hosts'.
  LinkSpec linked(const Endpoint& a, const Endpoint& b) const;
  /// The timing profile's link on one host or between hosts.
  LinkSpec default_link(bool same_host) const;
  /// At arrival: false (traced) when the receiver's host went down or the
  /// path was cut while the message travelled.
  bool arrives(const Endpoint& from, const Endpoint& to, std::string_view what);
  void drop(std::string_view what, const Endpoint& from, const Endpoint& to, const char* why);
  void changing() {
    if (before_change_) before_change_();
  }

  EventLoop& loop_;
  Rng& rng_;
  Trace& trace_;
  const TimingProfile& timing_;
  std::map<std::pair<std::string, std::string>, LinkSpec> links_;
  std::set<std::pair<std::string, std::string>> blocked_;
  std::set<std::string> down_;
  std::map<std::pair<std::string, std::string>, Endpoint> endpoints_;  // nodes never move
  std::map<std::string, uint32_t> host_keys_;
  uint64_t sent_ = 0;
  uint64_t dropped_ = 0;
  SimTime last_delay_ = 0;
  std::function<void()> before_change_;
};

}  // namespace dpc::sim
