#include "sim/raft/raft_group_driver.h"

namespace dpc::sim {

RaftGroupDriver::RaftGroupDriver(std::vector<GroupMember> members, GroupTiming timing, Uniform uniform)
    : t_(timing), uniform_(std::move(uniform)) {
  for (const GroupMember& m : members) {
    index_[m.id] = slots_.size();
    Slot s;
    s.member = m;
    slots_.push_back(std::move(s));
  }
}

void RaftGroupDriver::start(int id, VMillis first_jitter, int64_t phase_us) {
  Slot& s = slot(id);
  RaftConfig config;
  config.self_id = id;
  config.voter = s.member.voter;
  config.can_elect = s.member.can_elect;
  config.vote_interval = s.member.vote_interval;
  config.hb_interval = t_.hb_interval;
  for (const Slot& other : slots_) {
    if (other.member.id != id) config.peers.push_back({other.member.id, other.member.voter});
  }
  s.node = std::make_unique<RaftNode>(config, s.term, s.log, to_millis(now_), first_jitter, s.vote);
  s.phase = phase_us;
}

void RaftGroupDriver::crash(int id) {
  Slot& s = slot(id);
  if (!s.node) return;
  s.term = s.node->term();
  s.vote = s.node->voted_for();
  s.log = s.node->log();
  s.node.reset();
}

void RaftGroupDriver::keep(int id, Term term, std::optional<int> vote, std::vector<LogRun> log) {
  Slot& s = slot(id);
  s.term = term;
  s.vote = vote;
  s.log = std::move(log);
}

void RaftGroupDriver::set_can_elect(int id, bool can_elect) {
  Slot& s = slot(id);
  s.member.can_elect = can_elect;
  if (s.node) s.node->set_can_elect(can_elect);
}

std::vector<GroupMember> RaftGroupDriver::members() const {
  std::vector<GroupMember> out;
  for (const Slot& s : slots_) out.push_back(s.member);
  return out;
}

VMillis RaftGroupDriver::draw_jitter() {
  if (!t_.continuous_timers) return uniform_(t_.jitter_ms);
  return t_.jitter_ms > 0 ? uniform_(t_.jitter_ms - 1) : 0;
}

int64_t RaftGroupDriver::draw_sub_jitter() {
  return t_.continuous_timers && t_.jitter_ms > 0 ? uniform_(999) : 0;
}

int RaftGroupDriver::current_leader() const {
  int best = 0;
  Term best_term = -1;
  for (const Slot& s : slots_) {
    if (s.node && s.node->role() == RaftRole::Leader && s.node->term() > best_term) {
      best = s.member.id;
      best_term = s.node->term();
    }
  }
  return best;
}

int RaftGroupDriver::leader_above(Term above) const {
  for (const Slot& s : slots_) {
    if (s.node && s.node->role() == RaftRole::Leader && s.node->term() > above) return s.member.id;
  }
  return 0;
}

void RaftGroupDriver::route(RaftOutput out, int64_t send_at, bool heartbeat) {
  for (RaftMessage& m : out.messages) {
    const auto to = index_.find(m.to);
    if (m.type == RaftMessage::Type::Append && to != index_.end() && slots_[to->second].lagging) {
      // A lagging follower's link loses the leader's log traffic: it hears
      // the heartbeats (without their entries) and nothing else, so it
      // stays behind without a resend loop resetting its timer.
      if (!heartbeat) continue;
      m.runs.clear();
    }
    if (is_cut(m.from, m.to)) continue;
    const auto fixed = latency_.find({m.from, m.to});
    const int64_t delay = fixed != latency_.end() ? fixed->second : draw(t_.latency_min_us, t_.latency_max_us);
    queue_.emplace(std::pair(send_at + delay, seq_++), Pending{std::move(m), false});
  }
}

std::optional<int64_t> RaftGroupDriver::timer_at(size_t i) const {
  const Slot& s = slots_[i];
  if (!s.node) return std::nullopt;
  const VMillis d = s.node->next_deadline();
  if (d == kNoDeadline) return std::nullopt;
  int64_t at = from_millis(d) + s.phase;
  if (d <= s.last_tick) at = from_millis(s.last_tick + 1);  // never tick twice in one millisecond
  // A busy member's timer waits for it (the timer needs the server's lock).
  return std::max({at, s.busy_until, now_});
}

std::optional<int64_t> RaftGroupDriver::next_time() const {
  std::optional<int64_t> best;
  if (!queue_.empty()) best = queue_.begin()->first.first;
  for (size_t i = 0; i < slots_.size(); ++i) {
    const auto t = timer_at(i);
    if (t && (!best || *t < *best)) best = t;
  }
  return best;
}

void RaftGroupDriver::step(int64_t at) {
  now_ = at;
  ++events_;
  if (!queue_.empty() && queue_.begin()->first.first == at) {
    Pending p = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    deliver(std::move(p));
    return;
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    const auto t = timer_at(i);
    if (t && *t == at) {
      slots_[i].last_tick = to_millis(now_);
      handle(i, nullptr);
      return;
    }
  }
}

void RaftGroupDriver::deliver(Pending p) {
  const auto to = index_.find(p.msg.to);
  if (to == index_.end()) return;
  Slot& s = slots_[to->second];
  if (!s.node || is_cut(p.msg.from, p.msg.to)) return;  // crashed or cut: nothing listens
  if (s.busy_until > now_) {  // the server is writing or handling another message
    queue_.emplace(std::pair(s.busy_until, seq_++), std::move(p));
    return;
  }
  if (!p.processed && t_.processing_max_us > 0) {
    s.busy_until = now_ + draw(t_.processing_min_us, t_.processing_max_us);
    p.processed = true;
    queue_.emplace(std::pair(s.busy_until, seq_++), std::move(p));
    return;
  }
  handle(to->second, &p.msg);
}

void RaftGroupDriver::handle(size_t i, const RaftMessage* msg) {
  Slot& s = slots_[i];
  RaftNode* n = s.node.get();
  const Term term0 = n->term();
  const std::optional<int> vote0 = n->voted_for();
  const uint64_t log0 = n->log_version();
  const VMillis deadline0 = n->next_deadline();
  const VMillis j = draw_jitter();
  const int64_t sub = draw_sub_jitter();
  RaftOutput out = msg ? n->on_message(*msg, to_millis(now_), j) : n->on_tick(to_millis(now_), j);
  if (n->next_deadline() != deadline0) s.phase = t_.continuous_timers ? now_ % 1000 + sub : 0;
  const bool wrote = n->term() != term0 || n->voted_for() != vote0 || n->log_version() != log0;
  int64_t send_at = now_;
  if (wrote && t_.disk_syncs > 0 && t_.disk_sync_max_us > 0) {
    int64_t write = 0;
    for (int k = 0; k < t_.disk_syncs; ++k) write += draw(t_.disk_sync_min_us, t_.disk_sync_max_us);
    s.busy_until = now_ + write;
    const bool stood = !msg && n->role() == RaftRole::Candidate;
    if (!stood || t_.candidate_writes_first) send_at = s.busy_until;
  }
  route(std::move(out), send_at, !msg);
  if (observer_) observer_(Event{s.member.id, msg});
}

}  // namespace dpc::sim
