// World: the shared state of one simulated cluster — the event loop, the one
// Rng, the trace, the network, the hosts and the dmserver processes — and
// the few cluster-wide rules no single process owns (wrong shutdown order,
// invariant bookkeeping). SimCluster (sim/cluster.h) is the public face of a
// World; the tools (sim/model/tools.h) and servers (sim/model/dmserver.h) work inside
// it. Internal to sim/: scenario code uses SimCluster.
//
// Single-threaded: everything runs from EventLoop::step().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/engine/event_loop.h"
#include "sim/model/dm_setup.h"
#include "sim/model/host.h"
#include "sim/engine/network.h"
#include "sim/raft/raft_invariants.h"
#include "sim/engine/rng.h"
#include "sim/engine/timing_profile.h"
#include "sim/engine/trace.h"

namespace dpc::sim {

class DmServer;

/// How a simulated cluster is set up.
struct SimOptions {
  uint64_t seed = 1;
  /// Election-timeout jitter for every RAFT node: each (re)armed timeout gets
  /// a uniform extra 0..jitter_ms drawn from the seeded Rng. 0 = none [model].
  int64_t jitter_ms = 0;
  TimingProfile timing;
  TraceMode trace = TraceMode::Full;
  size_t trace_tail = 500;  ///< events kept in TraceMode::Tail
  /// Check the invariants after every event (sim/model/invariants.h).
  bool check_invariants = true;
  /// Stop the run (step() returns false) at the first violation.
  bool stop_on_violation = true;
  /// [model] dmrman RESTORE finds a backup set written on another host (as
  /// over shared storage). false (default): a backup set is files on the
  /// host that wrote it, and a restore on another host needs the plan's
  /// copy-backup step first.
  bool shared_backup_sets = false;
  /// Fold idle RAFT groups' heartbeats: while a BP group is
  /// steady (one leader, followers up to date, links without loss, jitter
  /// or partition, no election jitter), its heartbeats are not run as events;
  /// anything that touches the group first applies what they would have done,
  /// exactly (sim/model/dmserver_fold.cc). Only the number of events run and
  /// the trace's heartbeat lines differ.
  bool fold_heartbeats = false;
  /// Which DM each host's DM home holds, and each package's build
  /// (sim/model/dm_setup.h; put on the hosts by sim/model/dm_home.h).
  DmSetup dm;
};

/// An invariant broken during a run.
struct Violation {
  uint64_t seed = 0;
  SimTime time = 0;
  std::string event;    ///< the event that broke it: tag and instance
  std::string message;
  /// "invariant violated at t=1650.100 ms (seed 7, event raft.deliver at BP12): ..."
  std::string render() const;
};

/// Where dminit put an instance's database.
struct InstanceHome {
  std::string host;
  std::string db_dir;    ///< <path>/<DB_NAME>
  std::string ini_path;  ///< <db_dir>/dm.ini
};

class World {
 public:
  explicit World(SimOptions options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const SimOptions options;
  const TimingProfile& timing;
  EventLoop loop;
  Rng rng;
  Trace trace;
  Network net;

  SimTime now() const { return loop.now(); }
  void log(const std::string& instance, const char* kind, const std::string& detail) {
    trace.record(loop.now(), instance, kind, detail);
  }

  // ---- Hosts ------------------------------------------------------------
  /// The host of that name, created (up, empty) on first use.
  Host& host(const std::string& name);
  Host* find_host(const std::string& name);
  const std::map<std::string, std::unique_ptr<Host>>& hosts() const { return hosts_; }
  /// Makes `address` (e.g. an IP in mp.ini or the catalog) name `host`.
  void add_alias(const std::string& address, const std::string& host);
  /// The host an address names as seen from `from`: a host of that name, an
  /// alias, or `from` itself for 127.0.0.1 / localhost. "" when unknown.
  std::string resolve(const std::string& address, const std::string& from) const;

  // ---- Instances ----------------------------------------------------------
  /// The server object of an instance (running or not), or nullptr.
  DmServer* server(const std::string& name);
  /// The server object of an instance, created on first start.
  DmServer& server_for(const std::string& name, const std::string& host);
  /// The running server holding `port` on `host`, or nullptr.
  DmServer* server_at(const std::string& host, int port);
  const std::map<std::string, std::unique_ptr<DmServer>>& servers() const { return servers_; }
  /// Where dminit created each instance (by INSTANCE_NAME).
  std::map<std::string, InstanceHome> homes;
  /// The DM home whose tools are modelled ("" = none: tools run anywhere)
  /// and the hosts where it is (sim/model/dm_home.h).
  std::string dm_home;
  std::set<std::string> dm_hosts;

  /// A fresh magic (DB_MAGIC, PERMANENT_MAGIC, DPC_MAGIC). Identifiers, not
  /// randomness: drawn from a counter so they do not depend on the seed.
  uint64_t new_magic();
  /// Election-timeout jitter bound of one instance (override or options).
  int64_t jitter_bound(const std::string& instance) const;
  std::map<std::string, int64_t> jitter_overrides;

  // ---- Folded heartbeats (sim/model/dmserver_fold.cc) -------------------------
  /// The leaders whose groups' heartbeats are folded now, by name.
  std::map<std::string, DmServer*> folded;
  /// Unfolds every folded group: before a change of the network, or of a
  /// jitter bound, that a folded group cannot see coming.
  void unfold_all();
  /// Heartbeat ticks run folded so far (each saves its messages' events).
  uint64_t folded_ticks = 0;
  /// Groups found changed under a fold by a path that did not unfold them
  /// first (a missing hook: the result may differ; tests expect 0).
  uint64_t fold_breaks = 0;

  // ---- Cluster-wide rules ---------------------------------------------------
  /// Called when a server has stopped; applies the wrong-shutdown-order rule.
  void on_server_stopped(DmServer& server, bool normal_exit);

  // ---- Invariants -------------------------------------------------------------
  /// The invariant checker of a RAFT group's members that descend from one
  /// origin (PERMANENT_MAGIC); stable for the World's life; nullptr when
  /// invariants are off.
  RaftInvariants* raft_checker(const std::string& group, uint64_t permanent_magic);
  /// Checks one RAFT member after an event that touched it.
  void check_raft(RaftInvariants* checker, const std::string& group, const std::string& instance,
                  const RaftNode& node);
  /// The same, finding the checker from the instance's running database.
  void check_raft(const std::string& group, const std::string& instance, const RaftNode& node);
  /// Whether the trace records anything (skip building details when not).
  bool tracing() const { return trace.enabled(); }
  /// The member restarted (its commit may start again from 0).
  void raft_restarted(const std::string& group, int self_id);
  /// Records a violation; with stop_on_violation the run stops.
  void violation(const std::string& instance, const std::string& message);
  const std::vector<Violation>& violations() const { return violations_; }
  bool halted_by_violation() const { return options.stop_on_violation && !violations_.empty(); }

 private:
  std::map<std::string, std::unique_ptr<Host>> hosts_;
  std::map<std::string, std::string> aliases_;
  std::map<std::string, std::unique_ptr<DmServer>> servers_;
  std::map<std::string, RaftInvariants> raft_checks_;
  std::vector<Violation> violations_;
  uint64_t magic_state_ = 0x5EEDD00DULL;
};

}  // namespace dpc::sim
