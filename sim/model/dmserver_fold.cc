// DmServer: folded heartbeats (sim/model/heartbeat_fold.h). A steady BP
// group's leader stops sending heartbeats as messages: its tick still runs,
// on the same grid, and records when it ran; each follower's RAFT wake-up
// works out from that record when it last heard the leader. Whatever touches
// the group first calls unfold_group(), which sets every timer as the
// skipped messages would have and puts the ones still in flight back into
// the event loop where they would have been. Nothing random is skipped: a
// group folds only when its heartbeats draw nothing from the Rng (no link
// jitter or loss, no election jitter), so every other draw of the run stays
// where it was. docs/simulator.md ("Folded heartbeats") has the rules and
// the test that holds them.
#include <algorithm>
#include <memory>

#include "sim/model/dmserver.h"

namespace dpc::sim {
namespace {

bool plain(const LinkSpec& link) { return link.jitter == 0 && link.loss <= 0.0; }

}  // namespace

void DmServer::in_flight_until(const Peer* peer, SimTime arrival) {
  raft_busy_until_ = std::max(raft_busy_until_, arrival);
  if (DmServer* s = peer_server(*peer)) s->raft_busy_until_ = std::max(s->raft_busy_until_, arrival);
}

void DmServer::refresh_raft_due() {
  VMillis d = raft_->next_deadline();
  if (d == kNoDeadline) {
    raft_due_ = -1;
    return;
  }
  if (d <= last_tick_ms_) d = last_tick_ms_ + 1;
  raft_due_ = from_ms(d);
}

std::shared_ptr<HeartbeatFold> DmServer::fold_plan() {
  const SimTime now = w_.now();
  if (dpc_mode_ != "BP" || proc_ != ProcState::Running || !raft_ || !image_ || peers_.empty()) return nullptr;
  if (raft_->role() != RaftRole::Leader || sys_mode_ != "PRIMARY" || sys_status_ != kOpen) return nullptr;
  if (open_event_ != 0 || halt_pending_ || no_majority_since_ >= 0 || w_.jitter_bound(name_) != 0) return nullptr;
  const VMillis hb = std::max<VMillis>(1, cfg_.hb_interval);
  const VMillis tick = raft_->heartbeat_deadline();
  if (raft_->next_deadline() != tick || raft_timer_ == 0 || raft_timer_at_ != from_ms(tick) ||
      raft_due_ != raft_timer_at_ || raft_busy_until_ > now) {
    return nullptr;
  }
  const Lsn last = raft_->last_lsn();
  if (raft_->commit_lsn() != last) return nullptr;
  auto fold = std::make_shared<HeartbeatFold>();
  fold->leader = this;
  SimTime round = 0;
  VMillis vote_interval = cfg_.vote_interval;
  for (size_t j = 0; j < peers_.size(); ++j) {
    const Peer& p = peers_[j];
    DmServer* s = peer_server(p);
    if (!s || s == this || s->proc_ != ProcState::Running || !s->raft_ || !s->image_ || s->fold_) return nullptr;
    const RaftNode& r = *s->raft_;
    if (s->raft_group_ != raft_group_ || r.self_id() != p.id || r.role() != RaftRole::Follower ||
        r.term() != raft_->term() || r.leader_id() != raft_->self_id() || r.last_lsn() != last ||
        r.last_term() != raft_->last_term() || r.commit_lsn() != last || raft_->match_of(p.id) != last) {
      return nullptr;
    }
    if (s->sys_status_ != kOpen || s->open_event_ != 0 || s->halt_pending_ || s->raft_busy_until_ > now ||
        w_.jitter_bound(s->name_) != 0 || (r.next_deadline() != kNoDeadline && s->raft_timer_ == 0)) {
      return nullptr;
    }
    const Peer* back = s->peer_by_id(raft_->self_id());
    if (!back || s->peer_server(*back) != this) return nullptr;
    const Endpoint& me = *endpoint_;
    const Endpoint& them = *s->endpoint_;
    if (p.ep != s->endpoint_ || back->ep != endpoint_ || !w_.net.reachable(me, them)) return nullptr;
    const LinkSpec out = w_.net.link(me, them), in = w_.net.link(them, me);
    if (!plain(out) || !plain(in)) return nullptr;
    HeartbeatFold::Follower f;
    f.server = s;
    f.peer = j;
    f.back_peer = static_cast<size_t>(back - s->peers_.data());
    f.id = p.id;
    f.out = out.latency;
    f.back = in.latency;
    fold->followers.push_back(f);
    round = std::max(round, out.latency + in.latency);
    vote_interval = std::min(vote_interval, s->cfg_.vote_interval);
  }
  // A round lands well within one interval, and neither the leader's lease
  // nor a follower's election timer can fall due while the group is folded.
  if (2 * round >= from_ms(hb) || vote_interval < 2 * hb + to_ms(round) + 2) return nullptr;
  return fold;
}

void DmServer::maybe_fold() {
  if (!w_.options.fold_heartbeats || fold_) return;
  std::shared_ptr<HeartbeatFold> fold = fold_plan();
  if (!fold) return;
  fold_ = fold;
  for (const auto& f : fold->followers) f.server->fold_ = fold;
  w_.folded[name_] = this;
}

bool DmServer::fold_holds() const {
  if (w_.jitter_bound(name_) != 0 || !raft_ || raft_->role() != RaftRole::Leader) return false;
  for (const auto& f : fold_->followers) {
    const DmServer* s = f.server;
    if (s->fold_ != fold_ || s->proc_ != ProcState::Running || !s->raft_ || w_.jitter_bound(s->name_) != 0) {
      return false;
    }
    if (!w_.net.reachable(*endpoint_, *s->endpoint_) || !plain(w_.net.link(*endpoint_, *s->endpoint_)) ||
        !plain(w_.net.link(*s->endpoint_, *endpoint_))) {
      return false;
    }
  }
  return true;
}

bool DmServer::folded_wakeup() {
  HeartbeatFold& fold = *fold_;
  const SimTime now = w_.now();
  if (fold.leader == this) {
    if (!fold_holds()) {
      // Something changed the group without unfolding it first: a missing
      // hook. Unfold late (counted: the equivalence test expects none).
      ++w_.fold_breaks;
      unfold_group();
      return false;
    }
    if (now < raft_due_) return false;
    const uint64_t n = fold.followers.size();
    if (fold.last_tick >= 0) {
      // The last round's acknowledgements have all arrived (its lease).
      w_.net.count_sent(n);
      for (const auto& f : fold.followers) raft_->heartbeat_acked(f.id, to_ms(fold.last_tick + f.out + f.back));
    }
    fold.prev_tick = fold.last_tick;
    fold.last_tick = now;
    fold.last_key = w_.loop.next_key_base();
    w_.net.count_sent(n);  // this round's Appends
    ++w_.folded_ticks;
    last_tick_ms_ = to_ms(now);
    raft_->heartbeat_ticked(last_tick_ms_);
    refresh_raft_due();
    schedule_raft_wakeup(raft_due_);
    return true;
  }
  for (size_t i = 0; i < fold.followers.size(); ++i) {
    if (fold.followers[i].server != this) continue;
    const SimTime heard = fold.heard_by(i, now, w_.loop.current_key());
    if (heard >= 0) {
      raft_->heartbeat_heard(to_ms(heard));
      refresh_raft_due();
    }
    break;
  }
  if (now < raft_due_) {
    schedule_raft_wakeup(raft_due_);
    return true;
  }
  ++w_.fold_breaks;  // an election timer fell due while folded: cannot happen
  unfold_group();
  return false;
}

void DmServer::unfold() {
  const std::shared_ptr<HeartbeatFold> fold = fold_;
  DmServer* leader = fold->leader;
  leader->fold_.reset();
  for (const auto& f : fold->followers) f.server->fold_.reset();
  w_.folded.erase(leader->name_);
  if (fold->last_tick < 0 || !leader->raft_) return;  // no tick ran folded
  const SimTime now = w_.now();
  const uint64_t key = w_.loop.current_key();
  leader->raft_->heartbeat_ticked(to_ms(fold->last_tick));
  for (size_t i = 0; i < fold->followers.size(); ++i) {
    const HeartbeatFold::Follower& f = fold->followers[i];
    DmServer* s = f.server;
    if (!s->raft_ || !s->image_) continue;
    const Peer& to_follower = leader->peers_[f.peer];
    const Peer& to_leader = s->peers_[f.back_peer];
    const SimTime append_at = fold->last_tick + f.out;
    const SimTime heard = fold->heard_by(i, now, key);
    const bool got_last = heard == append_at;
    SimTime acked = fold->prev_tick >= 0 ? fold->prev_tick + f.out + f.back : -1;
    if (got_last) {
      w_.net.count_sent(1);  // its acknowledgement left
      const SimTime ack_at = append_at + f.back;
      const uint64_t ack_key = w_.loop.key_base_at(append_at) | i;
      if (ack_at < now || (ack_at == now && ack_key < key)) {
        acked = ack_at;
      } else {
        RaftMessage ack = s->raft_->heartbeat_ack_to(leader->raft_->self_id());
        const std::string what = s->raft_label(ack, to_leader);
        w_.net.resume_in_flight(s->endpoint_, to_leader.ep, what, ack_at, ack_key,
                                RaftDelivery{s, &to_leader, s->incarnation_, s->envelope(std::move(ack))});
        s->in_flight_until(&to_leader, ack_at);
      }
    } else {
      RaftMessage append = leader->raft_->heartbeat_to(f.id);
      const std::string what = leader->raft_label(append, to_follower);
      w_.net.resume_in_flight(leader->endpoint_, to_follower.ep, what, append_at, fold->last_key | i,
                              RaftDelivery{leader, &to_follower, leader->incarnation_,
                                           leader->envelope(std::move(append))});
      leader->in_flight_until(&to_follower, append_at);
    }
    if (heard >= 0) {
      s->raft_->heartbeat_heard(to_ms(heard));
      s->refresh_raft_due();
    }
    if (acked >= 0) leader->raft_->heartbeat_acked(f.id, to_ms(acked));
  }
}

}  // namespace dpc::sim
