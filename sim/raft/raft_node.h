// RaftNode: one member of a simulated RAFT group (a BP group or MP_RAFT), as
// a pure state machine in the style of etcd-io/raft: the owner feeds it
// messages and the current virtual time, and it returns the messages to send.
// It never reads a clock, never sleeps and owns no randomness: the election
// jitter is drawn by the owner from the simulator's one seeded source and
// passed in. Single-threaded.
//
// Model (dmdpc-model.md §5): standard Raft. Terms; one vote per term; a vote
// only for a candidate whose log is at least as up to date (last term, then
// last LSN); a majority of voters elects; the leader sends Append (heartbeat
// or log) every RAFT_HB_INTERVAL; a follower that hears nothing from a leader
// for RAFT_VOTE_INTERVAL (+ jitter) becomes candidate; a leader that has not
// heard from a majority within its own vote interval steps down. The redo
// stream is the log: LSN-indexed entries; C_LSN (commit) advances when a
// majority of voters has the entry and it is of the leader's term. Shadow
// replicas and learners receive the log but never vote nor stand; a node with
// elect disabled (SP_SET_RAFT_ELECT(0)) votes but never stands.
//
// The log is contiguous from LSN 1 (LSN 0 is the empty prefix every log
// shares). An entry's identity is (term, origin): an entry at the same LSN
// with a different term or a different origin is a conflict, and the
// follower's suffix from there is replaced by the leader's. A new leader
// writes no entry of its own; entries of earlier terms become committed with
// the first entry of the current term that a majority holds. There is no
// pre-vote: a member cut off keeps standing with rising terms, and when it
// returns its higher term deposes the leader once (it wins only if its log is
// as up to date as a majority's).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace dpc::sim {

using Lsn = int64_t;
using Term = int64_t;
using VMillis = int64_t;  ///< virtual milliseconds

/// next_deadline() of a node that has no timer armed (a follower that may not
/// stand: shadow, learner, elect disabled).
inline constexpr VMillis kNoDeadline = std::numeric_limits<VMillis>::max();

/// A run of consecutive log entries written in one term by one database
/// copy (`origin` = the DB_MAGIC that wrote them). Runs keep the log small.
struct LogRun {
  Lsn first = 0;
  Lsn last = 0;  ///< inclusive
  Term term = 0;
  uint64_t origin = 0;

  bool operator==(const LogRun&) const = default;
};

struct RaftMessage {
  enum class Type { RequestVote, VoteReply, Append, AppendReply };
  Type type = Type::Append;
  int from = 0;  ///< RAFT_SELF_ID of the sender
  int to = 0;
  Term term = 0;
  // RequestVote: the candidate's last entry. Append: the entry before `runs`.
  Lsn lsn = 0;
  Term log_term = 0;
  uint64_t log_origin = 0;  ///< Append: the origin of the entry at `lsn` (0 for LSN 0)
  // VoteReply / AppendReply.
  bool ok = false;
  /// AppendReply ok: the last LSN the follower now holds as the leader does.
  /// AppendReply !ok: a hint, the LSN to retry `lsn` at (below the rejected one).
  Lsn match = 0;
  // Append.
  std::vector<LogRun> runs;  ///< empty for a heartbeat
  Lsn commit = 0;            ///< the leader's C_LSN
};

enum class RaftRole { Follower, Candidate, Leader };
const char* raft_role_name(RaftRole role);

struct RaftPeer {
  int id = 0;           ///< RAFT_SELF_ID (ARCH_DEST_ID)
  bool voter = true;    ///< false for shadow replicas and learners
};

struct RaftConfig {
  int self_id = 0;
  bool voter = true;         ///< false: shadow replica or learner
  bool can_elect = true;     ///< SP_SET_RAFT_ELECT; false: votes but never stands
  VMillis vote_interval = 0; ///< RAFT_VOTE_INTERVAL
  VMillis hb_interval = 150; ///< RAFT_HB_INTERVAL
  std::vector<RaftPeer> peers;  ///< the other members (not self)
};

struct RaftOutput {
  std::vector<RaftMessage> messages;
};

class RaftNode {
 public:
  /// A follower in term `term` with the given log, timers armed from `now`.
  /// `jitter` is added to this election timeout (drawn by the owner).
  /// `voted_for` is the vote already cast in `term` before a restart (persist
  /// it with the term, or a restarted node may vote twice in one term). A log
  /// that is not contiguous from LSN 1 is cut at its first gap.
  RaftNode(RaftConfig config, Term term, std::vector<LogRun> log, VMillis now, VMillis jitter,
           std::optional<int> voted_for = std::nullopt);

  /// Handles one message. `jitter` is used if the election timer is re-armed.
  RaftOutput on_message(const RaftMessage& msg, VMillis now, VMillis jitter);
  /// Handles timers due at or before `now` (election timeout, heartbeat,
  /// leader lease check). Call at next_deadline().
  RaftOutput on_tick(VMillis now, VMillis jitter);
  /// The leader appends `count` entries written by `origin`; no-op otherwise.
  /// Returns false when this node is not the leader. The entries travel with
  /// the next heartbeat; call replicate() to send them at once.
  bool append(Lsn count, uint64_t origin);
  /// The leader sends Append now to every peer that lacks entries (after
  /// append()); empty when not the leader or every peer is up to date.
  RaftOutput replicate(VMillis now);
  /// SP_SET_RAFT_ELECT. Disabling keeps a current leader leading; enabling
  /// arms the election timer no earlier than the last time this node saw.
  void set_can_elect(bool can_elect);
  /// A peer became a shadow replica (false) or a voter again (true): it
  /// counts, or stops counting, for elections and for the commit majority.
  /// Returns whether anything changed.
  bool set_peer_voter(int peer_id, bool voter);
  /// A new member joins the group (SP_ADD_RAFT_NODE): it counts for
  /// elections and the commit majority from now on; a leader starts sending
  /// it the log. Returns false when the id is already a peer (or self).
  bool add_peer(RaftPeer peer);
  /// A member leaves the group (SP_DEL_RAFT_NODE): it no longer counts for
  /// elections or the commit majority. Returns false when it is no peer.
  bool remove_peer(int peer_id);

  // ---- Folded heartbeats (sim/model/dmserver_fold.cc) ----------------------
  // A steady group's heartbeats may be skipped and their effect applied later,
  // as of the last one that would have arrived; these do exactly what the
  // skipped messages would have done to the timers and nothing else.
  /// The Append a leader's heartbeat tick sends this peer now.
  RaftMessage heartbeat_to(int peer_id) const;
  /// A follower's answer to a heartbeat from `leader_id` that it holds.
  RaftMessage heartbeat_ack_to(int leader_id) const;
  /// A follower heard its leader's heartbeat at `heard_at` (with no jitter).
  void heartbeat_heard(VMillis heard_at);
  /// A leader's heartbeat tick ran at `tick` (its Appends are accounted for
  /// by heartbeat_acked()).
  void heartbeat_ticked(VMillis tick);
  /// A leader heard `peer_id` acknowledge a heartbeat at `at`.
  void heartbeat_acked(int peer_id, VMillis at);
  /// The leader's next heartbeat (kNoDeadline when not leader).
  VMillis heartbeat_deadline() const { return role_ == RaftRole::Leader ? heartbeat_deadline_ : kNoDeadline; }

  /// When on_tick() next has something to do; kNoDeadline when nothing is
  /// armed. Never earlier than the last `now` passed in unless a timer fell
  /// due during on_message(): then tick at that same `now`.
  VMillis next_deadline() const;

  RaftRole role() const { return role_; }
  Term term() const { return term_; }
  int self_id() const { return config_.self_id; }
  int leader_id() const { return leader_id_; }  ///< 0 when unknown
  std::optional<int> voted_for() const { return voted_for_; }
  Lsn last_lsn() const;
  Term last_term() const;
  /// The term of the entry at `lsn` (0 for LSN 0), or nullopt past the end.
  std::optional<Term> term_at(Lsn lsn) const;
  /// The number of voters in the group, self included when a voter.
  int voter_count() const;
  /// The leader's view of a peer's replicated prefix (0 when not leader or unknown peer).
  Lsn match_of(int peer_id) const;
  Lsn commit_lsn() const { return commit_; }
  const std::vector<LogRun>& log() const { return log_; }
  /// Changes whenever log() does (a checker may skip an unchanged log).
  uint64_t log_version() const { return log_version_; }
  const RaftConfig& config() const { return config_; }
  /// The time a leader was last heard from (followers), or became leader.
  VMillis last_heard() const { return last_heard_; }

 private:
  RaftConfig config_;
  RaftRole role_ = RaftRole::Follower;
  Term term_ = 0;
  std::optional<int> voted_for_;
  int leader_id_ = 0;
  std::vector<LogRun> log_;
  uint64_t log_version_ = 0;
  Lsn commit_ = 0;
  VMillis election_deadline_ = 0;
  VMillis heartbeat_deadline_ = 0;
  VMillis last_heard_ = 0;
  std::vector<int> votes_;  ///< ids that granted this candidate a vote
  struct Progress {
    int id = 0;
    bool voter = true;
    Lsn match = 0;
    Lsn next = 1;
    VMillis last_ack = 0;
  };
  std::vector<Progress> progress_;  ///< leader's view of each peer, in peer order
  VMillis now_ = 0;                 ///< the latest `now` passed in

  bool may_stand() const { return config_.voter && config_.can_elect; }
  bool is_voter_peer(int id) const;
  int majority() const { return voter_count() / 2 + 1; }
  VMillis election_timeout(VMillis jitter) const;
  VMillis lease_deadline() const;
  uint64_t origin_at(Lsn lsn) const;
  Progress* progress_of(int id);

  void adopt_term(Term term, VMillis now, VMillis jitter);
  void start_election(VMillis now, VMillis jitter, RaftOutput& out);
  void become_leader(VMillis now, RaftOutput& out);
  void step_down(VMillis now, VMillis jitter);
  void send_append(const Progress& peer, RaftOutput& out) const;
  void advance_commit();
  RaftMessage reply_to(const RaftMessage& msg, RaftMessage::Type type) const;

  void on_request_vote(const RaftMessage& msg, VMillis now, VMillis jitter, RaftOutput& out);
  void on_vote_reply(const RaftMessage& msg, VMillis now, RaftOutput& out);
  void on_append(const RaftMessage& msg, VMillis now, VMillis jitter, RaftOutput& out);
  void on_append_reply(const RaftMessage& msg, VMillis now, RaftOutput& out);
  bool holds(Lsn lsn, Term term, uint64_t origin) const;
  Lsn reject_hint(Lsn prev, Term prev_term) const;
  void merge_run(const LogRun& run);
};

}  // namespace dpc::sim
