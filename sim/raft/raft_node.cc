#include "sim/raft/raft_node.h"

#include <algorithm>
#include <utility>

namespace dpc::sim {

namespace {

using Type = RaftMessage::Type;

/// The index of the run holding `lsn`, or nullopt (LSN 0, or past the end).
std::optional<size_t> find_run(const std::vector<LogRun>& log, Lsn lsn) {
  const auto it = std::lower_bound(log.begin(), log.end(), lsn,
                                   [](const LogRun& run, Lsn l) { return run.last < l; });
  if (it == log.end() || it->first > lsn) return std::nullopt;
  return static_cast<size_t>(it - log.begin());
}

/// Drops every entry after `lsn`.
void truncate_after(std::vector<LogRun>& log, Lsn lsn) {
  while (!log.empty() && log.back().first > lsn) log.pop_back();
  if (!log.empty() && log.back().last > lsn) log.back().last = lsn;
}

/// Appends entries [first, last] (first = the log's last + 1), merging with the
/// last run when it has the same term and origin.
void push_entries(std::vector<LogRun>& log, Lsn first, Lsn last, Term term, uint64_t origin) {
  if (!log.empty() && log.back().term == term && log.back().origin == origin &&
      log.back().last + 1 == first) {
    log.back().last = last;
    return;
  }
  log.push_back(LogRun{first, last, term, origin});
}

/// The entries from `from` on, as runs (the first one clipped).
std::vector<LogRun> entries_from(const std::vector<LogRun>& log, Lsn from) {
  std::vector<LogRun> out;
  const auto start = std::lower_bound(log.begin(), log.end(), from,
                                      [](const LogRun& run, Lsn l) { return run.last < l; });
  for (auto it = start; it != log.end(); ++it) {
    LogRun run = *it;
    run.first = std::max(run.first, from);
    out.push_back(run);
  }
  return out;
}

/// The log as given, with empty runs dropped, adjacent runs of one term and
/// origin merged, and everything after the first gap (or before LSN 1) cut.
std::vector<LogRun> normalized(std::vector<LogRun> log) {
  std::vector<LogRun> out;
  for (const LogRun& run : log) {
    if (run.last < run.first) continue;
    const Lsn expected = out.empty() ? 1 : out.back().last + 1;
    if (run.first != expected) break;
    push_entries(out, run.first, run.last, run.term, run.origin);
  }
  return out;
}

}  // namespace

const char* raft_role_name(RaftRole role) {
  switch (role) {
    case RaftRole::Follower: return "follower";
    case RaftRole::Candidate: return "candidate";
    case RaftRole::Leader: return "leader";
  }
  return "unknown";
}

RaftNode::RaftNode(RaftConfig config, Term term, std::vector<LogRun> log, VMillis now,
                   VMillis jitter, std::optional<int> voted_for)
    : config_(std::move(config)),
      term_(term),
      voted_for_(voted_for),
      log_(normalized(std::move(log))),
      heartbeat_deadline_(kNoDeadline),
      last_heard_(now),
      now_(now) {
  election_deadline_ = now + election_timeout(jitter);
}

// ---------------------------------------------------------------- queries

Lsn RaftNode::last_lsn() const { return log_.empty() ? 0 : log_.back().last; }

Term RaftNode::last_term() const { return log_.empty() ? 0 : log_.back().term; }

std::optional<Term> RaftNode::term_at(Lsn lsn) const {
  if (lsn == 0) return Term{0};
  const auto idx = find_run(log_, lsn);
  if (!idx) return std::nullopt;
  return log_[*idx].term;
}

uint64_t RaftNode::origin_at(Lsn lsn) const {
  const auto idx = find_run(log_, lsn);
  return idx ? log_[*idx].origin : 0;
}

int RaftNode::voter_count() const {
  int n = config_.voter ? 1 : 0;
  for (const RaftPeer& peer : config_.peers) n += peer.voter ? 1 : 0;
  return n;
}

bool RaftNode::is_voter_peer(int id) const {
  for (const RaftPeer& peer : config_.peers) {
    if (peer.id == id) return peer.voter;
  }
  return false;
}

Lsn RaftNode::match_of(int peer_id) const {
  for (const Progress& p : progress_) {
    if (p.id == peer_id) return p.match;
  }
  return 0;
}

RaftNode::Progress* RaftNode::progress_of(int id) {
  for (Progress& p : progress_) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

VMillis RaftNode::election_timeout(VMillis jitter) const {
  return std::max<VMillis>(1, config_.vote_interval + std::max<VMillis>(0, jitter));
}

/// The time at which fewer than a majority of voters (self included) will
/// have acknowledged this leader within the last vote interval.
VMillis RaftNode::lease_deadline() const {
  const int needed = majority() - 1;  // a leader is a voter and counts itself
  if (needed <= 0) return kNoDeadline;
  std::vector<VMillis> acks;
  for (const Progress& p : progress_) {
    if (p.voter) acks.push_back(p.last_ack);
  }
  if (static_cast<int>(acks.size()) < needed) return now_;
  std::sort(acks.begin(), acks.end(), std::greater<>());
  return acks[static_cast<size_t>(needed - 1)] + std::max<VMillis>(1, config_.vote_interval);
}

VMillis RaftNode::next_deadline() const {
  if (role_ == RaftRole::Leader) return std::min(heartbeat_deadline_, lease_deadline());
  if (may_stand()) return election_deadline_;
  return kNoDeadline;
}

// ---------------------------------------------------------------- timers

RaftOutput RaftNode::on_tick(VMillis now, VMillis jitter) {
  RaftOutput out;
  now_ = std::max(now_, now);
  if (role_ == RaftRole::Leader) {
    if (now >= lease_deadline()) {
      step_down(now, jitter);  // no leader without a majority
      return out;
    }
    if (now >= heartbeat_deadline_) {
      for (const Progress& p : progress_) send_append(p, out);
      heartbeat_deadline_ = now + std::max<VMillis>(1, config_.hb_interval);
    }
    return out;
  }
  if (may_stand() && now >= election_deadline_) start_election(now, jitter, out);
  return out;
}

void RaftNode::set_can_elect(bool can_elect) {
  config_.can_elect = can_elect;
  if (can_elect && role_ != RaftRole::Leader) election_deadline_ = std::max(election_deadline_, now_);
}

bool RaftNode::set_peer_voter(int peer_id, bool voter) {
  bool changed = false;
  for (RaftPeer& peer : config_.peers) {
    if (peer.id == peer_id && peer.voter != voter) peer.voter = voter, changed = true;
  }
  for (Progress& p : progress_) {
    if (p.id == peer_id) p.voter = voter;
  }
  if (!voter) votes_.erase(std::remove(votes_.begin(), votes_.end(), peer_id), votes_.end());
  if (changed && role_ == RaftRole::Leader) advance_commit();
  return changed;
}

bool RaftNode::add_peer(RaftPeer peer) {
  if (peer.id == config_.self_id) return false;
  for (const RaftPeer& p : config_.peers) {
    if (p.id == peer.id) return false;
  }
  config_.peers.push_back(peer);
  if (role_ == RaftRole::Leader) progress_.push_back(Progress{peer.id, peer.voter, 0, last_lsn() + 1, now_});
  return true;
}

bool RaftNode::remove_peer(int peer_id) {
  auto it = std::find_if(config_.peers.begin(), config_.peers.end(), [&](const RaftPeer& p) { return p.id == peer_id; });
  if (it == config_.peers.end()) return false;
  config_.peers.erase(it);
  progress_.erase(std::remove_if(progress_.begin(), progress_.end(), [&](const Progress& p) { return p.id == peer_id; }),
                  progress_.end());
  votes_.erase(std::remove(votes_.begin(), votes_.end(), peer_id), votes_.end());
  if (role_ == RaftRole::Leader) advance_commit();
  return true;
}

// ---------------------------------------------------------------- roles

void RaftNode::adopt_term(Term term, VMillis now, VMillis jitter) {
  const bool was_leader = role_ == RaftRole::Leader;
  term_ = term;
  voted_for_.reset();
  role_ = RaftRole::Follower;
  leader_id_ = 0;
  votes_.clear();
  progress_.clear();
  // A deposed leader's election timer is stale; a follower keeps its own (a
  // higher term alone is not news from a leader).
  if (was_leader) election_deadline_ = now + election_timeout(jitter);
}

void RaftNode::step_down(VMillis now, VMillis jitter) {
  role_ = RaftRole::Follower;
  leader_id_ = 0;
  votes_.clear();
  progress_.clear();
  heartbeat_deadline_ = kNoDeadline;
  election_deadline_ = now + election_timeout(jitter);
}

void RaftNode::start_election(VMillis now, VMillis jitter, RaftOutput& out) {
  ++term_;
  role_ = RaftRole::Candidate;
  voted_for_ = config_.self_id;
  leader_id_ = 0;
  votes_.assign(1, config_.self_id);
  election_deadline_ = now + election_timeout(jitter);
  if (static_cast<int>(votes_.size()) >= majority()) {
    become_leader(now, out);
    return;
  }
  for (const RaftPeer& peer : config_.peers) {
    if (!peer.voter) continue;
    RaftMessage msg;
    msg.type = Type::RequestVote;
    msg.from = config_.self_id;
    msg.to = peer.id;
    msg.term = term_;
    msg.lsn = last_lsn();
    msg.log_term = last_term();
    out.messages.push_back(std::move(msg));
  }
}

void RaftNode::become_leader(VMillis now, RaftOutput& out) {
  role_ = RaftRole::Leader;
  leader_id_ = config_.self_id;
  last_heard_ = now;
  votes_.clear();
  progress_.clear();
  for (const RaftPeer& peer : config_.peers) {
    progress_.push_back(Progress{peer.id, peer.voter, 0, last_lsn() + 1, now});
  }
  for (const Progress& p : progress_) send_append(p, out);
  heartbeat_deadline_ = now + std::max<VMillis>(1, config_.hb_interval);
  advance_commit();
}

// ---------------------------------------------------------------- leader

bool RaftNode::append(Lsn count, uint64_t origin) {
  if (role_ != RaftRole::Leader) return false;
  if (count <= 0) return true;
  push_entries(log_, last_lsn() + 1, last_lsn() + count, term_, origin);
  ++log_version_;
  advance_commit();
  return true;
}

RaftOutput RaftNode::replicate(VMillis now) {
  RaftOutput out;
  now_ = std::max(now_, now);
  if (role_ != RaftRole::Leader) return out;
  for (const Progress& p : progress_) {
    if (p.match < last_lsn()) send_append(p, out);
  }
  return out;
}

void RaftNode::send_append(const Progress& peer, RaftOutput& out) const {
  RaftMessage msg;
  msg.type = Type::Append;
  msg.from = config_.self_id;
  msg.to = peer.id;
  msg.term = term_;
  msg.lsn = peer.next - 1;
  msg.log_term = term_at(msg.lsn).value_or(0);
  msg.log_origin = origin_at(msg.lsn);
  msg.runs = entries_from(log_, peer.next);
  msg.commit = commit_;
  out.messages.push_back(std::move(msg));
}

/// commit = the highest LSN a majority of voters holds, if it is of this term.
void RaftNode::advance_commit() {
  if (role_ != RaftRole::Leader) return;
  std::vector<Lsn> held;
  if (config_.voter) held.push_back(last_lsn());
  for (const Progress& p : progress_) {
    if (p.voter) held.push_back(p.match);
  }
  const auto quorum = static_cast<size_t>(majority());
  if (held.size() < quorum) return;
  std::sort(held.begin(), held.end(), std::greater<>());
  const Lsn candidate = held[quorum - 1];
  if (candidate > commit_ && term_at(candidate) == term_) commit_ = candidate;
}

// ---------------------------------------------------------------- folded heartbeats

RaftMessage RaftNode::heartbeat_to(int peer_id) const {
  RaftOutput out;
  for (const Progress& p : progress_) {
    if (p.id == peer_id) send_append(p, out);
  }
  return out.messages.empty() ? RaftMessage{} : out.messages.front();
}

RaftMessage RaftNode::heartbeat_ack_to(int leader_id) const {
  RaftMessage reply;
  reply.type = Type::AppendReply;
  reply.from = config_.self_id;
  reply.to = leader_id;
  reply.term = term_;
  reply.ok = true;
  reply.match = last_lsn();
  return reply;
}

void RaftNode::heartbeat_heard(VMillis heard_at) {
  now_ = std::max(now_, heard_at);
  last_heard_ = heard_at;
  election_deadline_ = heard_at + election_timeout(0);
}

void RaftNode::heartbeat_ticked(VMillis tick) {
  now_ = std::max(now_, tick);
  heartbeat_deadline_ = tick + std::max<VMillis>(1, config_.hb_interval);
}

void RaftNode::heartbeat_acked(int peer_id, VMillis at) {
  now_ = std::max(now_, at);
  if (Progress* p = progress_of(peer_id)) p->last_ack = at;
}

// ---------------------------------------------------------------- messages

RaftMessage RaftNode::reply_to(const RaftMessage& msg, Type type) const {
  RaftMessage reply;
  reply.type = type;
  reply.from = config_.self_id;
  reply.to = msg.from;
  reply.term = term_;
  return reply;
}

RaftOutput RaftNode::on_message(const RaftMessage& msg, VMillis now, VMillis jitter) {
  RaftOutput out;
  now_ = std::max(now_, now);
  if (msg.to != config_.self_id || msg.from == config_.self_id) return out;
  if (msg.term > term_) adopt_term(msg.term, now, jitter);
  if (msg.term < term_) {
    // A stale candidate or leader learns the newer term from the refusal.
    if (msg.type == Type::RequestVote) out.messages.push_back(reply_to(msg, Type::VoteReply));
    if (msg.type == Type::Append) out.messages.push_back(reply_to(msg, Type::AppendReply));
    return out;
  }
  switch (msg.type) {
    case Type::RequestVote: on_request_vote(msg, now, jitter, out); break;
    case Type::VoteReply: on_vote_reply(msg, now, out); break;
    case Type::Append: on_append(msg, now, jitter, out); break;
    case Type::AppendReply: on_append_reply(msg, now, out); break;
  }
  return out;
}

void RaftNode::on_request_vote(const RaftMessage& msg, VMillis now, VMillis jitter,
                               RaftOutput& out) {
  RaftMessage reply = reply_to(msg, Type::VoteReply);
  const bool free_to_vote = !voted_for_ || *voted_for_ == msg.from;
  const bool up_to_date = std::pair(msg.log_term, msg.lsn) >= std::pair(last_term(), last_lsn());
  // A candidate or leader of this term has voted for itself: never free.
  if (config_.voter && free_to_vote && up_to_date) {
    voted_for_ = msg.from;
    election_deadline_ = now + election_timeout(jitter);
    reply.ok = true;
  }
  out.messages.push_back(std::move(reply));
}

void RaftNode::on_vote_reply(const RaftMessage& msg, VMillis now, RaftOutput& out) {
  if (role_ != RaftRole::Candidate || !msg.ok || !is_voter_peer(msg.from)) return;
  if (std::find(votes_.begin(), votes_.end(), msg.from) == votes_.end()) votes_.push_back(msg.from);
  if (static_cast<int>(votes_.size()) >= majority()) become_leader(now, out);
}

bool RaftNode::holds(Lsn lsn, Term term, uint64_t origin) const {
  if (lsn == 0) return true;
  const auto idx = find_run(log_, lsn);
  return idx && log_[*idx].term == term && log_[*idx].origin == origin;
}

/// Where the leader should retry after `prev` did not match: below our run
/// holding `prev` (or our end), skipping our runs of a term above the
/// leader's term at `prev`, which cannot match the leader's entries there.
Lsn RaftNode::reject_hint(Lsn prev, Term prev_term) const {
  Lsn hint = std::min(last_lsn(), prev - 1);
  if (const auto idx = find_run(log_, prev)) hint = std::min(hint, log_[*idx].first - 1);
  while (hint > 0) {
    const auto idx = find_run(log_, hint);
    if (!idx || log_[*idx].term <= prev_term) break;
    hint = log_[*idx].first - 1;
  }
  return std::max<Lsn>(hint, 0);
}

/// Appends the leader's `run` (which starts at most one past our end): the
/// entries we hold identically stay, the first conflict cuts our suffix.
void RaftNode::merge_run(const LogRun& run) {
  Lsn lsn = run.first;
  while (lsn <= run.last) {
    const auto idx = find_run(log_, lsn);
    if (!idx) {
      push_entries(log_, lsn, run.last, run.term, run.origin);
      ++log_version_;
      return;
    }
    const LogRun& mine = log_[*idx];
    if (mine.term == run.term && mine.origin == run.origin) {
      lsn = std::min(mine.last, run.last) + 1;
      continue;
    }
    truncate_after(log_, lsn - 1);
    push_entries(log_, lsn, run.last, run.term, run.origin);
    ++log_version_;
    return;
  }
}

void RaftNode::on_append(const RaftMessage& msg, VMillis now, VMillis jitter, RaftOutput& out) {
  if (role_ == RaftRole::Leader) return;  // a second leader in one term: impossible by voting
  role_ = RaftRole::Follower;
  votes_.clear();
  leader_id_ = msg.from;
  last_heard_ = now;
  election_deadline_ = now + election_timeout(jitter);

  RaftMessage reply = reply_to(msg, Type::AppendReply);
  if (msg.lsn < 0 || !holds(msg.lsn, msg.log_term, msg.log_origin)) {
    reply.match = msg.lsn <= 0 ? 0 : reject_hint(msg.lsn, msg.log_term);
    out.messages.push_back(std::move(reply));
    return;
  }
  Lsn expected = msg.lsn + 1;
  for (const LogRun& run : msg.runs) {
    if (run.first != expected || run.last < run.first) break;  // malformed: keep what is consistent
    merge_run(run);
    expected = run.last + 1;
  }
  const Lsn last_new = expected - 1;
  commit_ = std::max(commit_, std::min(msg.commit, last_new));
  reply.ok = true;
  reply.match = last_new;
  out.messages.push_back(std::move(reply));
}

void RaftNode::on_append_reply(const RaftMessage& msg, VMillis now, RaftOutput& out) {
  if (role_ != RaftRole::Leader) return;
  Progress* peer = progress_of(msg.from);
  if (!peer) return;
  peer->last_ack = now;
  if (msg.ok) {
    peer->match = std::max(peer->match, std::min(msg.match, last_lsn()));
    peer->next = std::max(peer->next, peer->match + 1);
    advance_commit();
    if (peer->match < last_lsn()) send_append(*peer, out);
    return;
  }
  peer->next = std::max(peer->match + 1, std::min(peer->next - 1, msg.match + 1));
  send_append(*peer, out);
}

}  // namespace dpc::sim
