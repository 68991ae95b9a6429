// Election timing experiments on the pure RAFT model: one group of RaftNodes
// (sim/raft/raft_node.h) on the lone group driver the RAFT tests use too
// (sim/raft/raft_group_driver.h), with a per-message one-way latency drawn
// uniformly from [latency_min, latency_max] and the election jitter drawn
// from the same seeded Rng. It measures, in
// virtual milliseconds, how long a group takes to elect its first leader
// after every member starts MOUNT, or to elect a new one after the leader
// crashes (Ongaro & Ousterhout, "In Search of an Understandable Consensus
// Algorithm", §9.3 and Figure 16), and summarises many seeds as a
// distribution (percentiles and the split-vote rate).
//
// It uses the same RaftNode as the simulated dmserver, without the rest of
// the server (no MP, no catalog, no PRIMARY/OPEN delays): the whole-cluster
// counterpart is bench/cluster_workload.h.
// Deterministic: the same setup and seed give the same trial; no wall clock.
// Functions are pure and thread-safe (no shared state), so seeds may be
// spread over threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/raft/raft_group_driver.h"
#include "sim/raft/raft_node.h"

namespace dpc::sim {

/// What starts the measured election.
enum class ElectionTrigger {
  /// Every member starts (MOUNT) at time 0 with an empty log; measured from 0.
  FirstElection,
  /// A stable leader is crashed at a uniformly random point of its heartbeat
  /// interval, right after a synchronized broadcast (it replicates one new
  /// entry to every follower, then dies); measured from the crash.
  LeaderCrash,
};
const char* election_trigger_name(ElectionTrigger trigger);

/// One configuration of the experiment. Its timing fields are the driven
/// group's (GroupTiming, sim/raft/raft_group_driver.h), with these defaults
/// and meanings in the benchmark:
/// - latency_min/max_us (500 here): from the sender's handler to the
///   receiver's (the wire plus the RPC stack at both ends).
/// - Server timing, what a real server does between receiving a message and
///   answering it; each a [model] parameter (docs/simulator.md, "[model]
///   server timing of the RAFT election model"). Left at the defaults there
///   is no write and no processing; apply_model_server_timing() sets the
///   model's values.
///   - disk_syncs, disk_sync_min/max_us: stable-storage write. A member whose
///     term, vote or log changed while handling a message writes them before
///     it answers (Raft's persistent state, Figure 2 of the paper): its timers
///     were reset when the message was handled, its replies leave when the
///     write is done, and it handles nothing else meanwhile, as LogCabin does
///     under its lock. One write per handled message; a write is `disk_syncs`
///     fsyncs (LogCabin: the file, then its directory), each uniform in
///     [min, max] (a disk's settle time plus its rotational delay).
///   - candidate_writes_first: the candidate writes its new term and
///     self-vote before its RequestVotes leave (LogCabin's startNewElection
///     does; etcd/raft hands the write and the messages to the application
///     together, which may send first).
///   - processing_min/max_us: per-message receive processing, from a
///     message's arrival to its handler running (deserialising, thread
///     hand-off), spent by the receiver one message at a time; it delays
///     timer resets as well as replies.
///   - continuous_timers (true here): election timers in microseconds with a
///     continuous jitter in [0, jitter_ms) ms, as a real server's clock does.
struct ElectionSetup : GroupTiming {
  ElectionSetup() {
    latency_min_us = 500;
    latency_max_us = 500;
    continuous_timers = true;
  }
  std::string name;  ///< identifier used in JSON and plots, e.g. "paper-150-155"
  std::string label; ///< human legend, e.g. "150-155 ms"
  ElectionTrigger trigger = ElectionTrigger::LeaderCrash;
  /// RAFT_VOTE_INTERVAL of each member, in RAFT_SELF_ID order (1..n).
  std::vector<VMillis> vote_intervals;
  /// LeaderCrash: [model] the paper's crash timing. true: the synchronized
  /// broadcast goes out with a heartbeat and the leader dies a uniformly
  /// random time within the next heartbeat interval (so no further heartbeat
  /// leaves); false: it dies at the instant of the broadcast, a random time
  /// after a heartbeat (the earlier model).
  bool crash_within_interval_after_broadcast = true;
  /// LeaderCrash only: how many followers lag behind the leader's log (the
  /// leader's log traffic to them is lost: they hear its heartbeats, without
  /// entries, and answer them), so they cannot win. The paper's worst case gives its servers different
  /// log lengths.
  int lagging_followers = 0;
  /// LeaderCrash only: virtual time the first leader runs (after appending
  /// one entry) before the crash window opens.
  VMillis warmup_ms = 1000;
  /// A trial that has no leader this long after its trigger is cut off and
  /// counted as timed out (its time is then the limit).
  VMillis limit_ms = 60'000;
};

/// The outcome of one seed.
struct ElectionTrial {
  uint64_t seed = 0;
  bool elected = false;        ///< a leader emerged within limit_ms
  double time_ms = 0;          ///< trigger -> leader (limit_ms when !elected)
  int winner = 0;              ///< RAFT_SELF_ID of the new leader, 0 when none
  int terms = 0;               ///< election terms started after the trigger
  int split_votes = 0;         ///< terms with two or more candidates and no winner
  int failed_terms = 0;        ///< terms with a candidate and no winner (splits included)
  int crashed = 0;             ///< LeaderCrash: the crashed leader's RAFT_SELF_ID
  double crash_offset_ms = 0;  ///< LeaderCrash: crash time after the leader's last heartbeat
  uint64_t events = 0;         ///< messages delivered and timers fired
};

/// Runs one trial of `setup` with `seed`.
ElectionTrial run_election_trial(const ElectionSetup& setup, uint64_t seed);

/// Percentiles and rates over many trials.
struct ElectionSummary {
  std::string name;
  std::string label;
  int trials = 0;
  int timed_out = 0;           ///< trials without a leader within limit_ms
  double min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;  ///< ms
  double split_vote_rate = 0;  ///< share of trials with at least one split vote
  double mean_terms = 0;       ///< election terms per trial
  uint64_t events = 0;         ///< over all trials
  std::vector<double> sorted_ms;  ///< every trial's time, ascending (for CDF plots)
  /// Which member won, by RAFT_SELF_ID (index 0 unused).
  std::vector<int> wins;
};

/// Nearest-rank percentile (0 < q <= 1) of an ascending, non-empty vector.
double percentile(const std::vector<double>& ascending, double q);

ElectionSummary summarize(const ElectionSetup& setup, const std::vector<ElectionTrial>& trials);

/// Trials for seeds first, first+1, ..., first+count-1, summarised.
ElectionSummary run_election_sweep(const ElectionSetup& setup, uint64_t first_seed, int count);

/// The model's server timing (the [model] fields above at the values that
/// reproduce the paper's Figure 16; docs/simulator.md gives each one's
/// source): 1.6..2.4 ms from one server's handler to another's, one
/// stable-storage write of 0.5..13.5 ms before a reply that follows a change
/// of term, vote or log, the candidate's RequestVotes leaving before its own
/// write, no separate receive processing, continuous timers, and the paper's
/// crash timing.
void apply_model_server_timing(ElectionSetup& setup);

/// The paper's Figure 16 setups: 5 servers with the model's server timing
/// (a broadcast time of 2 x 2 ms plus a 7 ms write on average), heartbeat
/// half the minimum timeout, leader crashed at a random point of its
/// heartbeat interval after a synchronized broadcast, two followers with
/// short logs; timeouts 150..150+r for r = 0, 5, 25, 50, 150 (the top
/// graph), then T..2T for T = 12, 25, 50, 100 (the bottom graph, which also
/// shows 150-300). Names "paper-<lo>-<hi>".
std::vector<ElectionSetup> paper_figure16_setups();

/// The DMDPC settings of a 3-member BP group with the manual's
/// RAFT_VOTE_INTERVAL 1500/2000/2500 and RAFT_HB_INTERVAL 150 (and variants
/// with randomized timeouts), for the given trigger, with the same server
/// timing as the paper's setups except the link: `latency_us` one way (the
/// simulator's default between hosts: 500 us).
std::vector<ElectionSetup> dmdpc_election_setups(ElectionTrigger trigger, int64_t latency_us = 500);

}  // namespace dpc::sim
