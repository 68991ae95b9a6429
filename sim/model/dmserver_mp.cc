// DmServer: the MP link — an SP/BP finding the serving MP through mp.ini and
// taking its registration, DPC_MAGIC and ports from it; status reports to
// the MP catalog; the periodic XMAL heartbeat (reports, MP loss, MP_RECONN_
// TIMEOUT); and the MP's side: applying reports, noticing silent instances,
// replicating catalog changes through MP_RAFT.
#include <utility>

#include "sim/model/dmserver.h"

namespace dpc::sim {

Catalog* DmServer::catalog() {
  if (dpc_mode_ != "MP" || !image_ || !image_->catalog) return nullptr;
  return &*image_->catalog;
}

DmServer* DmServer::find_serving_mp(std::string* why_not) {
  if (serving_mp()) return this;
  std::string why;
  for (const auto& t : cfg_.mp_targets) {
    const std::string h = w_.resolve(t.address, host_);
    const std::string where = t.address + ":" + std::to_string(t.port);
    if (h.empty()) {
      why += (why.empty() ? "" : "; ") + where + " is not a known host";
      continue;
    }
    if (!w_.net.reachable(host_, h)) {
      why += (why.empty() ? "" : "; ") + where + " is unreachable";
      continue;
    }
    DmServer* s = w_.server_at(h, t.port);
    if (!s) {
      why += (why.empty() ? "" : "; ") + std::string("nothing listens on ") + where;
      continue;
    }
    if (!w_.net.reachable(*endpoint_, s->endpoint())) {
      why += (why.empty() ? "" : "; ") + where + " (" + s->name() + ") is unreachable";
      continue;
    }
    if (!s->serving_mp()) {
      std::string state;
      if (s->dpc_mode() != "MP") {
        state = " is not an MP (mp_port collides with its port)";
      } else {
        state = std::string(" is not serving (") + sys_status_name(s->sys_status()) +
                (s->raft() ? ", not the MP_RAFT leader)" : ")");
      }
      why += (why.empty() ? "" : "; ") + s->name() + " at " + where + state;
      continue;
    }
    return s;
  }
  if (why_not) *why_not = why;
  return nullptr;
}

void DmServer::connect_mp() {
  std::string why;
  DmServer* mp = find_serving_mp(&why);
  const uint64_t inc = incarnation_;
  if (mp) {
    const SimTime rtt = w_.net.link(host_, mp->host()).latency + w_.net.link(mp->host(), host_).latency;
    const std::string mp_name = mp->name();
    w_.loop.after(rtt, "server.mp_connect", [this, inc, mp_name]() {
      if (!current(inc)) return;
      DmServer* again = find_serving_mp();
      if (again) {
        on_mp_connected(*again);
      } else {
        connect_mp();
      }
    });
    return;
  }
  if (w_.now() - connect_started_ >= cfg_.mp_reconn_timeout) {
    return refuse(name_ + " cannot reach the MP (" + why + ") and gave up after MP_RECONN_TIMEOUT = " +
                  std::to_string(cfg_.mp_reconn_timeout / kMicrosPerMilli / 1000) + " s");
  }
  say("connecting to the MP failed: " + why + "; retrying");
  w_.log(name_, "server.mp_wait", why);
  w_.loop.after(w_.timing.mp_retry, "server.mp_retry", [this, inc]() {
    if (current(inc)) connect_mp();
  });
}

void DmServer::on_mp_connected(DmServer& mp) {
  Catalog* cat = mp.catalog();
  if (!cat) return refuse("the MP " + mp.name() + " has no catalog");
  const CatalogInstance* ci = cat->instance(name_);
  if (!ci) {
    return refuse(name_ + " is not registered on the MP (" + mp.name() +
                  "); register it with SP_CREATE_DPC_INSTANCE before its first start");
  }
  if (ci->dpc_mode != dpc_mode_) {
    return refuse(name_ + " is registered on the MP as " + ci->dpc_mode + " but runs as " +
                  dpc_mode_);
  }
  const CatalogRaft* raft = cat->raft_by_id(ci->raft_id);
  raft_group_ = raft ? raft->name : "";
  group_size_ = cat->members(ci->raft_id).size();
  const uint64_t cluster_magic = mp.image() ? mp.image()->dpc_magic : 0;
  if (image_->dpc_magic == 0) {
    image_->dpc_magic = cluster_magic;
    w_.log(name_, "server.dpc_magic", "first start: took the cluster's DPC_MAGIC from " + mp.name());
  } else if (image_->dpc_magic != cluster_magic) {
    return refuse(name_ + " belongs to another DMDPC cluster: its DPC_MAGIC differs from the MP's "
                  "(initialised or restored from a database of another cluster)");
  }
  if (ci->inst_port != cfg_.port_num || ci->xmal_port != cfg_.ap_port_num) {
    w_.log(name_, "server.ports",
           "registered INST_PORT " + std::to_string(ci->inst_port) + " / AP_PORT " +
               std::to_string(ci->xmal_port) + " override dm.ini's " +
               std::to_string(cfg_.port_num) + " / " + std::to_string(cfg_.ap_port_num));
  }
  cfg_.port_num = ci->inst_port;
  cfg_.ap_port_num = ci->xmal_port;
  if (cfg_.replica) {
    if (Status st = resolve_peers(*cat, raft_group_); !st.ok()) return refuse(st.message());
  }
  if (Status st = bind_ports(); !st.ok()) return refuse(st.message());
  say("connected to the MP " + mp.name());
  w_.log(name_, "server.mp_connected", mp.name() + " (" + raft_group_ + ")");
  boot();
}

StatusReport DmServer::own_report() const {
  StatusReport r{name_, sys_mode_, sys_status_, 0};
  if (!running()) {
    r.sys_status = kClosed;
    r.status = dpc_mode_ == "SP" ? 2 : 0;
    return r;
  }
  if (raft_) {
    r.sys_mode = raft_->role() == RaftRole::Leader ? "PRIMARY" : "STANDBY";
    r.status = valid_member() ? 1 : 0;
  } else {
    r.status = sys_status_ == kOpen ? 1 : 0;
  }
  return r;
}

void DmServer::send_report(const StatusReport& report) {
  DmServer* mp = find_serving_mp();
  if (!mp) return;
  if (mp == this) {
    apply_report(report);
    return;
  }
  World* w = &w_;
  const std::string mp_name = mp->name();
  w_.net.send(endpoint_, &mp->endpoint(), "report->" + mp_name,
              [w, mp_name, report]() {
    DmServer* m = w->server(mp_name);
    if (m && m->serving_mp()) m->on_report(report);
  });
}

void DmServer::on_report(const StatusReport& report) { apply_report(report); }

void DmServer::apply_report(const StatusReport& r) {
  Catalog* cat = catalog();
  if (!cat) return;
  if (r.name != name_) {
    if (r.sys_status == kClosed) {
      last_report_.erase(r.name);
    } else {
      last_report_[r.name] = w_.now();
    }
  }
  const CatalogInstance* ci = cat->instance(r.name);
  if (!ci) return;
  if (ci->sys_mode == r.sys_mode && ci->sys_status == r.sys_status && ci->status == r.status) return;
  cat->set_runtime(r.name, r.sys_mode, r.sys_status, r.status);
  w_.log(name_, "mp.catalog",
         r.name + " SYS_MODE=" + r.sys_mode + " SYS_STATUS=" + std::to_string(r.sys_status) +
             " STATUS=" + std::to_string(r.status));
  catalog_changed();
}

void DmServer::catalog_changed() {
  if (!raft_ || raft_->role() != RaftRole::Leader) return;
  raft_->append(1, image_->db_magic);
  catalog_lsn_ = raft_->last_lsn();
  ++catalog_version_;
  send_raft(raft_->replicate(to_ms(w_.now())));
  w_.check_raft(checker_, raft_group_, name_, *raft_);
  arm_raft_timer();
}

void DmServer::arm_heartbeat() {
  w_.loop.cancel(heartbeat_event_);
  const uint64_t inc = incarnation_;
  heartbeat_event_ = w_.loop.after(cfg_.xmal_hb, "server.heartbeat", [this, inc]() {
    heartbeat_event_ = 0;
    if (current(inc)) heartbeat();
  });
}

void DmServer::watch_catalog_instances() {
  Catalog* cat = catalog();
  if (!cat) return;
  for (const auto& ci : cat->instances()) {
    if (ci.name != name_ && ci.sys_status != kClosed && !last_report_.count(ci.name)) {
      last_report_[ci.name] = w_.now();
    }
  }
}

void DmServer::heartbeat() {
  if (dpc_mode_ == "MP" && !serving_mp()) {
    report_status();  // an MP_RAFT follower reports to its leader
  }
  if (dpc_mode_ != "MP") {
    std::string why;
    if (find_serving_mp(&why)) {
      if (mp_lost_since_ >= 0) w_.log(name_, "server.mp_back", "");
      mp_lost_since_ = -1;
      report_status();
    } else if (mp_lost_since_ < 0) {
      mp_lost_since_ = w_.now();
      w_.log(name_, "server.mp_lost", why);
    } else if (w_.now() - mp_lost_since_ >= cfg_.mp_reconn_timeout) {
      return halt("lost the MP for longer than MP_RECONN_TIMEOUT (" + why + ")");
    }
  }
  if (serving_mp()) {
    apply_report(own_report());
    // [model] The MP marks an instance down when it has not reported for
    // mp_dead_after_hb heartbeats (a crash or a partition sends no goodbye).
    Catalog* cat = catalog();
    const SimTime dead_after = cfg_.xmal_hb * w_.timing.mp_dead_after_hb;
    std::vector<std::string> silent;
    for (const auto& [inst, when] : last_report_) {
      if (w_.now() - when > dead_after) silent.push_back(inst);
    }
    for (const auto& inst : silent) {
      last_report_.erase(inst);
      const CatalogInstance* ci = cat ? cat->instance(inst) : nullptr;
      if (!ci) continue;
      w_.log(name_, "mp.instance_down", inst + " has not reported for " +
                                            format_time(dead_after) + " ms");
      apply_report(StatusReport{inst, ci->sys_mode, kClosed, ci->dpc_mode == "SP" ? ci->status : 0});
    }
  }
  arm_heartbeat();
}

}  // namespace dpc::sim
