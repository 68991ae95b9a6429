// DmServer: RAFT membership — peers from dmarch.ini resolved through the
// catalog, the RaftNode driven by the event loop, the checks a receiver makes
// before a message reaches its node (group, PERMANENT_MAGIC, DB_MAGIC, log
// history), and the switch to PRIMARY/STANDBY that elections cause.
#include <algorithm>
#include <utility>

#include "sim/model/dmserver.h"

namespace dpc::sim {
namespace {

const char* type_name(RaftMessage::Type t) {
  switch (t) {
    case RaftMessage::Type::RequestVote: return "RequestVote";
    case RaftMessage::Type::VoteReply: return "VoteReply";
    case RaftMessage::Type::Append: return "Append";
    case RaftMessage::Type::AppendReply: return "AppendReply";
  }
  return "?";
}

std::string describe(const RaftMessage& m) {
  std::string s = type_name(m.type);
  s += " term=" + std::to_string(m.term);
  switch (m.type) {
    case RaftMessage::Type::RequestVote:
      s += " last=" + std::to_string(m.lsn) + "@" + std::to_string(m.log_term);
      break;
    case RaftMessage::Type::VoteReply:
      s += m.ok ? " granted" : " refused";
      break;
    case RaftMessage::Type::Append: {
      Lsn upto = m.lsn;
      if (!m.runs.empty()) upto = m.runs.back().last;
      s += " prev=" + std::to_string(m.lsn);
      if (upto != m.lsn) s += " lsn=" + std::to_string(m.lsn + 1) + ".." + std::to_string(upto);
      s += " commit=" + std::to_string(m.commit);
      break;
    }
    case RaftMessage::Type::AppendReply:
      s += (m.ok ? " ok match=" : " reject hint=") + std::to_string(m.match);
      break;
  }
  return s;
}

}  // namespace

const DmServer::Peer* DmServer::peer_by_id(int id) const {
  for (const auto& p : peers_) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

DmServer* DmServer::peer_server(const Peer& p) const {
  DmServer* s = p.cached;
  // (Endpoints come from one registry: the same pointer is the same host and
  // instance name.)
  if (s && s->running() && !s->bound_.empty() && s->endpoint_ == p.ep && s->cfg_.ap_port_num == p.port) {
    return s;
  }
  p.cached = w_.server_at(p.host, p.port);
  return p.cached;
}

std::string DmServer::peer_name(int id) const {
  if (id == 0) return "";
  if (const Peer* p = peer_by_id(id)) return p->name;
  return "#" + std::to_string(id);
}

Status DmServer::resolve_peers(const Catalog& catalog, const std::string& group_name) {
  peers_.clear();
  const CatalogInstance* me = catalog.instance(name_);
  if (!me) {
    return Error{name_ + " is not registered in the catalog its RAFT peers are resolved through; "
                 "register every member of " + group_name + " before starting it"};
  }
  for (const auto& dest : cfg_.dests) {
    const CatalogInstance* ci = catalog.instance(dest.name);
    if (!ci) {
      return Error{name_ + ": ARCH_DEST " + dest.name +
                   " in dmarch.ini is not a registered instance; check the name or register it"};
    }
    if (ci->raft_id != me->raft_id) {
      const CatalogRaft* theirs = catalog.raft_by_id(ci->raft_id);
      return Error{name_ + ": ARCH_DEST " + dest.name + " belongs to RAFT group " +
                   (theirs ? theirs->name : std::to_string(ci->raft_id)) + ", not " + group_name};
    }
    Peer p;
    p.id = dest.id;
    p.name = dest.name;
    p.host = w_.resolve(ci->ip_internal, host_);
    if (p.host.empty()) p.host = ci->ip_internal;  // an unknown address: nothing answers there
    p.port = ci->xmal_port;
    p.voter = !dest.learner;
    p.ep = w_.net.endpoint(p.host, p.name);
    // [model] A shadow replica never votes; the simulator learns it from the
    // peer's database as it is when this member starts.
    if (auto it = w_.homes.find(dest.name); it != w_.homes.end()) {
      if (Host* h = w_.find_host(it->second.host)) {
        if (const DbImage* img = h->db(it->second.db_dir); img && img->shadow) p.voter = false;
      }
    }
    peers_.push_back(std::move(p));
  }
  return Status::Ok();
}

VMillis DmServer::jitter() { return w_.rng.uniform(w_.jitter_bound(name_)); }

void DmServer::start_raft() {
  RaftConfig c;
  c.self_id = cfg_.self_id;
  c.voter = !image_->shadow;
  c.can_elect = true;
  c.vote_interval = cfg_.vote_interval;
  c.hb_interval = cfg_.hb_interval;
  int voters = c.voter ? 1 : 0;
  for (const auto& p : peers_) {
    c.peers.push_back(RaftPeer{p.id, p.voter});
    voters += p.voter ? 1 : 0;
  }
  std::optional<int> voted;
  if (image_->voted_for != 0) voted = image_->voted_for;
  const VMillis now = to_ms(w_.now());
  raft_ = std::make_unique<RaftNode>(c, image_->raft_term, image_->log, now, jitter(), voted);
  prev_role_ = RaftRole::Follower;
  prev_leader_ = 0;
  following_ = false;
  no_majority_since_ = -1;
  last_tick_ms_ = -1;
  sys_mode_ = "STANDBY";
  w_.raft_restarted(raft_group_, cfg_.self_id);
  checker_ = w_.raft_checker(raft_group_, image_->permanent_magic);
  w_.log(name_, "raft.start",
         raft_group_ + " self_id=" + std::to_string(c.self_id) +
             " vote_interval=" + std::to_string(c.vote_interval) +
             " hb_interval=" + std::to_string(c.hb_interval) + " voters=" +
             std::to_string(voters) + " term=" + std::to_string(raft_->term()) +
             " last_lsn=" + std::to_string(raft_->last_lsn()) + (c.voter ? "" : " shadow"));
  announce_voter(c.voter);
  after_raft();
}

Result<Rows> DmServer::add_raft_node(const ProcCall& call) {
  // [model] raft-add-node: DM's SP_ADD_RAFT_NODE is named in the manual's
  // procedure list without a signature or semantics. The simulator takes
  // SP_ADD_RAFT_NODE('NAME', RAFT_SELF_ID), run on each running member of
  // the group: NAME, registered in the group on the MP, becomes a voting
  // peer of this member at once (elections and the commit majority count it;
  // a leader starts sending it the log). The member's dmarch.ini is not
  // changed: list the new peer there too, for its next start.
  static const char* kUsage = "SP_ADD_RAFT_NODE takes the new member's name and its RAFT_SELF_ID, e.g. "
                              "SP_ADD_RAFT_NODE('BP14', 4)";
  if (call.args.size() != 2 || call.args[0].kind != SqlValue::Kind::String ||
      call.args[1].kind != SqlValue::Kind::Int) {
    return Error{std::string("[-6803]:") + kUsage};
  }
  if (!raft_) {
    return Error{"[-6803]:SP_ADD_RAFT_NODE on " + name_ + ": it is not a RAFT replica running in a group "
                 "(run it on each running member of the group)"};
  }
  const std::string& who = call.args[0].s;
  const int id = static_cast<int>(call.args[1].i);
  DmServer* mp = find_serving_mp();
  Catalog* cat = mp ? mp->catalog() : nullptr;
  if (!cat) return Error{"[-6805]:SP_ADD_RAFT_NODE on " + name_ + ": no MP serves the catalog now"};
  const CatalogInstance* ci = cat->instance(who);
  const CatalogInstance* me = cat->instance(name_);
  if (!ci || !me || ci->raft_id != me->raft_id) {
    return Error{"[-6807]:SP_ADD_RAFT_NODE: " + who + " is not registered in " + raft_group_ +
                 " (register it with SP_CREATE_DPC_INSTANCE first)"};
  }
  if (id == cfg_.self_id || peer_by_id(id) != nullptr) {
    const Peer* p = peer_by_id(id);
    if (p && p->name == who) return Rows{};  // already a peer: nothing to do
    return Error{"[-6808]:SP_ADD_RAFT_NODE: RAFT_SELF_ID " + std::to_string(id) + " is already " +
                 (p ? p->name : name_) + " in " + raft_group_};
  }
  Peer p;
  p.id = id;
  p.name = who;
  p.host = w_.resolve(ci->ip_internal, host_);
  if (p.host.empty()) p.host = ci->ip_internal;
  p.port = ci->xmal_port;
  p.voter = true;
  p.ep = w_.net.endpoint(p.host, p.name);
  peers_.push_back(std::move(p));
  raft_->add_peer(RaftPeer{id, true});
  w_.log(name_, "raft.add_node", who + " (RAFT_SELF_ID " + std::to_string(id) + ") joins " + raft_group_);
  after_raft();
  return Rows{};
}

Result<Rows> DmServer::del_raft_node(const ProcCall& call) {
  // [model] raft-del-node: like SP_ADD_RAFT_NODE, named by the manual without
  // a signature. The simulator takes SP_DEL_RAFT_NODE('NAME') run on each
  // running member of the group: NAME stops being a peer of this member (it
  // no longer counts for elections or the commit majority, and a leader stops
  // sending it the log). The member's dmarch.ini is not changed by it.
  if (call.args.size() != 1 || call.args[0].kind != SqlValue::Kind::String) {
    return Error{"[-6803]:SP_DEL_RAFT_NODE takes the leaving member's name, e.g. SP_DEL_RAFT_NODE('BP15')"};
  }
  if (!raft_) {
    return Error{"[-6803]:SP_DEL_RAFT_NODE on " + name_ + ": it is not a RAFT replica running in a group "
                 "(run it on each running member that stays)"};
  }
  const std::string& who = call.args[0].s;
  if (who == name_) return Error{"[-6808]:SP_DEL_RAFT_NODE: " + name_ + " cannot remove itself; run it on the others"};
  auto it = std::find_if(peers_.begin(), peers_.end(), [&](const Peer& p) { return p.name == who; });
  if (it == peers_.end()) return Rows{};  // not (or no longer) a peer: nothing to do
  const int id = it->id;
  peers_.erase(it);
  raft_->remove_peer(id);
  w_.log(name_, "raft.del_node", who + " (RAFT_SELF_ID " + std::to_string(id) + ") leaves " + raft_group_);
  after_raft();
  return Rows{};
}

void DmServer::announce_voter(bool voter) {
  // [model] peer-voter-announce: DM does not document how running members
  // learn that a peer became a shadow replica (manual 7.5.2 keeps its name,
  // IP and ports, so no configuration changes). The simulator lets a member
  // that starts tell its running peers whether it votes; they count it, or
  // stop counting it, for elections and the commit majority from then on.
  for (const Peer& p : peers_) {
    DmServer* s = peer_server(p);
    if (s == nullptr || s == this || !s->raft_ || s->raft_group_ != raft_group_) continue;
    s->unfold_group();
    for (Peer& mine : s->peers_) {
      if (mine.id != cfg_.self_id || mine.voter == voter) continue;
      mine.voter = voter;
      s->raft_->set_peer_voter(cfg_.self_id, voter);
      w_.log(s->name_, "raft.peer_voter",
             name_ + (voter ? " votes again" : " is a shadow replica now: it no longer votes"));
      s->after_raft();
    }
  }
}

void DmServer::stop_raft() {
  unfold_group();
  w_.loop.cancel(raft_timer_);
  raft_timer_ = 0;
  raft_timer_at_ = -1;
  raft_due_ = -1;
  if (!raft_) return;
  if (image_) {
    image_->raft_term = raft_->term();
    image_->voted_for = raft_->voted_for().value_or(0);
    image_->log = raft_->log();
  }
  raft_.reset();
  following_ = false;
  no_majority_since_ = -1;
}

RaftEnvelope DmServer::envelope(RaftMessage msg) const {
  RaftEnvelope env;
  env.from = name_;
  env.group = raft_group_;
  env.permanent_magic = image_->permanent_magic;
  env.db_magic = image_->db_magic;
  env.history = image_->history;
  env.voter = raft_->config().voter;
  env.msg = std::move(msg);
  return env;
}

std::string DmServer::raft_label(const RaftMessage& msg, const Peer& to) const {
  return w_.tracing() ? std::string("raft.") + type_name(msg.type) + "->" + to.name : "";
}

void DmServer::RaftDelivery::operator()() const {
  World* w = &self->w_;
  if (inc != self->incarnation_) {
    // [model] The sender's process stopped while the message was in flight:
    // its connection died with it (and `target`, from its old peer list, is
    // not to be used).
    if (w->tracing()) {
      w->log(env.from, "net.drop",
             std::string(type_name(env.msg.type)) + " to RAFT_SELF_ID " + std::to_string(env.msg.to) +
                 " (the sender stopped)");
    }
    return;
  }
  DmServer* s = self->peer_server(*target);
  if (!s) {
    if (w->tracing()) {
      w->log(env.from, "net.drop",
             std::string(type_name(env.msg.type)) + " to " + target->host + ":" + std::to_string(target->port) +
                 " (nothing listening)");
    }
    return;
  }
  s->deliver_raft(env);
}

void DmServer::send_raft(RaftOutput out) {
  if (!raft_ || !image_) return;
  for (auto& msg : out.messages) {
    const Peer* peer = peer_by_id(msg.to);
    if (!peer) continue;
    const std::string what = raft_label(msg, *peer);
    if (w_.net.send(endpoint_, peer->ep, what, RaftDelivery{this, peer, incarnation_, envelope(std::move(msg))}) &&
        w_.options.fold_heartbeats) {
      in_flight_until(peer, w_.now() + w_.net.last_delay());  // (only folding asks)
    }
  }
}

void DmServer::deliver_raft(const RaftEnvelope& env) {
  unfold_group();
  if (!raft_ || !image_ || proc_ != ProcState::Running) return;  // not listening for RAFT
  auto reject = [&](const std::string& why) {
    if (rejected_.insert(env.from).second) w_.log(name_, "raft.reject", why);
  };
  if (env.group != raft_group_) {
    return reject(env.from + " is in RAFT group " + env.group + ", not " + raft_group_ +
                  "; check ARCH_DEST in dmarch.ini");
  }
  // Who is the odd one out: the sender or this member? Count the group's
  // members that agree with this member.
  auto odd_one = [&](auto same_as_me) {
    int agree = 1, total = 1;
    for (const auto& p : peers_) {
      auto it = w_.homes.find(p.name);
      if (it == w_.homes.end()) continue;
      Host* h = w_.find_host(it->second.host);
      const DbImage* img = h ? h->db(it->second.db_dir) : nullptr;
      if (!img) continue;
      ++total;
      agree += same_as_me(*img) ? 1 : 0;
    }
    return agree * 2 > total ? env.from : name_;
  };
  if (env.permanent_magic != image_->permanent_magic) {
    const uint64_t mine = image_->permanent_magic;
    const std::string odd = odd_one([mine](const DbImage& i) { return i.permanent_magic == mine; });
    return reject(odd + " cannot join " + raft_group_ +
                  ": PERMANENT_MAGIC differs (restored from another group's backup set)");
  }
  if (env.db_magic == image_->db_magic) {
    return reject(env.from + " and " + name_ + " of " + raft_group_ +
                  " share one DB_MAGIC: RAFT members must be distinct copies (run RECOVER ... "
                  "UPDATE DB_MAGIC on the restored one)");
  }
  if (env.history != image_->history) {
    const uint64_t mine = image_->history;
    const std::string odd = odd_one([mine](const DbImage& i) { return i.history == mine; });
    return reject(odd + " cannot join " + raft_group_ +
                  ": log diverged (it was opened outside the RAFT group, without MOUNT, and "
                  "wrote redo of its own)");
  }
  if (env.msg.type == RaftMessage::Type::RequestVote) {
    const Peer* p = peer_by_id(env.msg.from);
    if (!p || !p->voter || !env.voter) return;  // a shadow or learner never stands
  }
  if (w_.tracing()) w_.log(name_, "raft.recv", describe(env.msg) + " from " + env.from);
  const VMillis now = to_ms(w_.now());
  send_raft(raft_->on_message(env.msg, now, jitter()));
  if (!raft_) return;
  if (dpc_mode_ == "MP" && env.msg.type == RaftMessage::Type::Append &&
      raft_->role() == RaftRole::Follower && raft_->leader_id() == env.msg.from) {
    // [model] MP_RAFT: a follower's catalog follows the leader's once the
    // follower holds the log entry of the leader's last catalog change.
    DmServer* src = w_.server(env.from);
    if (src && src->raft_ && src->raft_->role() == RaftRole::Leader && src->image_ &&
        src->image_->catalog && src->catalog_lsn_ <= raft_->last_lsn() &&
        (synced_from_ != env.from || synced_version_ != src->catalog_version_)) {
      image_->catalog = src->image_->catalog;
      synced_from_ = env.from;
      synced_version_ = src->catalog_version_;
      w_.log(name_, "mp.catalog_sync", "catalog copied from the leader " + env.from);
    }
  }
  after_raft();
  if (env.msg.type == RaftMessage::Type::AppendReply) maybe_fold();
}

void DmServer::after_raft() {
  if (!raft_) return;
  w_.check_raft(checker_, raft_group_, name_, *raft_);
  const RaftRole role = raft_->role();
  const int leader = raft_->leader_id();
  const bool following = role == RaftRole::Follower && leader != 0;
  const RaftRole was = prev_role_;
  const bool was_following = following_;
  const int was_leader_id = prev_leader_;
  prev_role_ = role;
  prev_leader_ = leader;
  following_ = following;
  if (role == RaftRole::Candidate && (was != RaftRole::Candidate || raft_->term() != candidate_term_)) {
    candidate_term_ = raft_->term();
    w_.log(name_, "raft.candidate", raft_group_ + " term=" + std::to_string(raft_->term()));
  }
  if (role == RaftRole::Leader && was != RaftRole::Leader) {
    on_elected();
  } else if (role != RaftRole::Leader && was == RaftRole::Leader) {
    on_deposed();
  }
  if (raft_ && following && (!was_following || leader != was_leader_id)) {
    on_follow();
  } else if (raft_ && !following && was_following && role != RaftRole::Leader) {
    on_leader_lost();
  }
  check_primary_majority();
  arm_raft_timer();
}

void DmServer::arm_raft_timer() {
  if (!raft_) return;
  VMillis d = raft_->next_deadline();
  if (d == kNoDeadline) {
    w_.loop.cancel(raft_timer_);
    raft_timer_ = 0;
    raft_timer_at_ = -1;
    raft_due_ = -1;
    return;
  }
  if (d <= last_tick_ms_) d = last_tick_ms_ + 1;  // never tick twice at one millisecond
  raft_due_ = std::max(from_ms(d), w_.now());
  // A follower's deadline moves later with every heartbeat. A wake-up that
  // is already pending at or before the new deadline is kept: it finds
  // nothing due and re-arms for raft_due_ (one queue entry per vote
  // interval instead of one per heartbeat). Only an earlier deadline
  // replaces it. RaftNode::on_tick still runs exactly at each deadline.
  if (raft_timer_ != 0 && raft_timer_at_ <= raft_due_) return;
  w_.loop.cancel(raft_timer_);
  schedule_raft_wakeup(raft_due_);
}

void DmServer::schedule_raft_wakeup(SimTime at) {
  raft_timer_at_ = at;
  const uint64_t inc = incarnation_;
  raft_timer_ = w_.loop.at(at, "raft.tick", [this, inc]() {
    raft_timer_ = 0;
    raft_timer_at_ = -1;
    if (!current(inc) || !raft_ || raft_due_ < 0) return;
    if (fold_ && folded_wakeup()) return;
    if (w_.now() < raft_due_) {
      schedule_raft_wakeup(raft_due_);
      return;
    }
    const VMillis now = to_ms(w_.now());
    last_tick_ms_ = now;
    send_raft(raft_->on_tick(now, jitter()));
    after_raft();
  });
}

void DmServer::on_elected() {
  w_.log(name_, "raft.leader",
         raft_group_ + " term=" + std::to_string(raft_->term()) +
             " RAFT_VOTE_INTERVAL=" + std::to_string(cfg_.vote_interval));
  sys_mode_ = "PRIMARY";
  raft_->append(1, image_->db_magic);  // the new leader's no-op entry
  if (dpc_mode_ == "MP") {
    catalog_lsn_ = raft_->last_lsn();
    ++catalog_version_;
    watch_catalog_instances();
  }
  send_raft(raft_->replicate(to_ms(w_.now())));
  w_.loop.cancel(open_event_);
  if (sys_status_ == kOpen) {
    report_status();
    return;
  }
  report_status();
  const uint64_t inc = incarnation_;
  open_event_ = w_.loop.after(w_.timing.primary_open_delay, "server.open", [this, inc]() {
    open_event_ = 0;
    if (!current(inc) || !raft_ || raft_->role() != RaftRole::Leader) return;
    sys_status_ = kOpen;
    open_at_ = w_.now();
    image_->ever_opened = true;
    w_.log(name_, "server.open", "PRIMARY");
    report_status();
  });
}

void DmServer::on_deposed() {
  w_.log(name_, "raft.step_down", raft_group_ + " term=" + std::to_string(raft_->term()));
  w_.loop.cancel(open_event_);
  open_event_ = 0;
  sys_mode_ = "STANDBY";
  sys_status_ = kMount;
  report_status();
}

void DmServer::on_follow() {
  w_.log(name_, "raft.follow",
         "leader=" + peer_name(raft_->leader_id()) + " term=" + std::to_string(raft_->term()));
  sys_mode_ = "STANDBY";
  if (sys_status_ == kOpen) {
    report_status();
    return;
  }
  w_.loop.cancel(open_event_);
  const uint64_t inc = incarnation_;
  open_event_ = w_.loop.after(w_.timing.standby_open_delay, "server.open", [this, inc]() {
    open_event_ = 0;
    if (!current(inc) || !raft_ || !valid_member() || raft_->role() == RaftRole::Leader) return;
    sys_status_ = kOpen;
    open_at_ = w_.now();
    w_.log(name_, "server.open", "STANDBY");
    report_status();
  });
}

void DmServer::on_leader_lost() {
  w_.log(name_, "raft.leader_lost", raft_group_ + " term=" + std::to_string(raft_->term()));
  w_.loop.cancel(open_event_);
  open_event_ = 0;
  sys_status_ = kMount;
  report_status();
}

void DmServer::check_primary_majority() {
  if (!raft_ || raft_->role() != RaftRole::Leader || sys_mode_ != "PRIMARY") {
    no_majority_since_ = -1;
    return;
  }
  const int voters = raft_->voter_count();
  int have = raft_->config().voter ? 1 : 0;
  for (const auto& p : peers_) {
    if (!p.voter) continue;
    DmServer* s = peer_server(p);
    if (s && s->raft_ && s->raft_->term() == raft_->term() &&
        s->raft_->leader_id() == raft_->self_id() &&
        w_.net.reachable(*endpoint_, *p.ep)) {
      ++have;
    }
  }
  if (have * 2 > voters) {
    no_majority_since_ = -1;
    return;
  }
  if (no_majority_since_ < 0) {
    no_majority_since_ = w_.now();
    return;
  }
  // The leader's lease: it must step down within its vote interval (plus the
  // heartbeat that notices it and the links' worst delay).
  const SimTime grace = from_ms(cfg_.vote_interval + 3 * cfg_.hb_interval) +
                        4 * (w_.timing.remote_link_latency + w_.timing.link_jitter) + from_ms(1);
  if (w_.now() - no_majority_since_ > grace) {
    w_.violation(name_, "PRIMARY " + name_ + " of " + raft_group_ + " has had no majority (" +
                            std::to_string(have) + " of " + std::to_string(voters) +
                            " voters) for " + format_time(w_.now() - no_majority_since_) +
                            " ms without stepping down");
    no_majority_since_ = w_.now();
  }
}

void DmServer::coordinate_exit_all(const std::string& requested_by) {
  unfold_group();
  if (!raft_ || raft_->role() != RaftRole::Leader || proc_ != ProcState::Running) {
    w_.log(name_, "raft.exit_all_ignored",
           "exit all from " + requested_by + " reached " + name_ + ", which is not the leader");
    return;
  }
  std::string names;
  World* w = &w_;
  const std::string me = name_;
  for (const auto& p : peers_) {
    DmServer* s = peer_server(p);
    if (!s || !s->raft_ || s->proc_ != ProcState::Running) continue;
    if (s->raft_->role() != RaftRole::Follower || s->raft_->leader_id() != raft_->self_id() ||
        s->raft_->term() != raft_->term()) {
      continue;
    }
    names += (names.empty() ? "" : ", ") + p.name;
    const std::string h = p.host;
    const int port = p.port;
    w_.net.send(endpoint_, p.ep, "exit_all.order->" + p.name,
                [w, h, port, me]() {
      DmServer* t = w->server_at(h, port);
      if (t && t->running()) t->begin_exit(w->timing.exit_all, "exit all coordinated by " + me);
    });
  }
  w_.log(name_, "raft.exit_all",
         "requested by " + requested_by + "; the leader coordinates the exit of " +
             (names.empty() ? std::string("itself only") : name_ + ", " + names));
  begin_exit(w_.timing.exit_all, "exit all (leader, coordinating)");
}

}  // namespace dpc::sim
