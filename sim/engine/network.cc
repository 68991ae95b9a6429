#include "sim/engine/network.h"

namespace dpc::sim {

Network::Network(EventLoop& loop, Rng& rng, Trace& trace, const TimingProfile& timing)
    : loop_(loop), rng_(rng), trace_(trace), timing_(timing) {}

void Network::set_link(const std::string& a, const std::string& b, LinkSpec spec, bool one_way) {
  changing();
  links_[{a, b}] = spec;
  if (!one_way) links_[{b, a}] = spec;
  trace_.record(loop_.now(), "", "net.link",
                a + (one_way ? "->" : "<->") + b + " latency=" + format_time(spec.latency) +
                    "ms jitter=" + format_time(spec.jitter) +
                    "ms loss=" + std::to_string(static_cast<int>(spec.loss * 1000)) + "/1000");
}

LinkSpec Network::link(const std::string& a, const std::string& b) const {
  if (!links_.empty()) {  // (the lookup copies both names into a key)
    auto it = links_.find({a, b});
    if (it != links_.end()) return it->second;
  }
  return default_link(a == b);
}

LinkSpec Network::default_link(bool same_host) const {
  return LinkSpec{same_host ? timing_.link_latency : timing_.remote_link_latency, timing_.link_jitter,
                  timing_.link_loss};
}

void Network::partition(const std::string& a, const std::string& b, bool one_way) {
  changing();
  blocked_.insert({a, b});
  if (!one_way) blocked_.insert({b, a});
  trace_.record(loop_.now(), "", "fault.partition", a + (one_way ? " -> " : " <-> ") + b);
}

void Network::heal(const std::string& a, const std::string& b) {
  changing();
  blocked_.erase({a, b});
  blocked_.erase({b, a});
  trace_.record(loop_.now(), "", "fault.heal", a + " <-> " + b);
}

void Network::heal_all() {
  changing();
  blocked_.clear();
  trace_.record(loop_.now(), "", "fault.heal", "all links");
}

bool Network::blocked(const std::string& from, const std::string& to) const {
  return !blocked_.empty() && blocked_.count({from, to}) != 0;
}

bool Network::blocked(const Endpoint& from, const Endpoint& to) const {
  if (blocked_.empty()) return false;
  if (blocked(from.host, to.host)) return true;
  const bool fi = !from.instance.empty(), ti = !to.instance.empty();
  return (fi && ti && blocked(from.instance, to.instance)) || (fi && blocked(from.instance, to.host)) ||
         (ti && blocked(from.host, to.instance));
}

LinkSpec Network::link(const Endpoint& a, const Endpoint& b) const {
  if (!links_.empty()) return linked(a, b);
  return default_link(a.host_key != 0 && b.host_key != 0 ? a.host_key == b.host_key
                                                        : a.host == b.host);
}

LinkSpec Network::linked(const Endpoint& a, const Endpoint& b) const {
  if (!a.instance.empty() && !b.instance.empty()) {
    auto it = links_.find({a.instance, b.instance});
    if (it != links_.end()) return it->second;
  }
  return link(a.host, b.host);
}

const Endpoint* Network::endpoint(const std::string& host, const std::string& instance) {
  auto [it, added] = endpoints_.try_emplace({host, instance});
  if (added) {
    const auto key = host_keys_.try_emplace(host, static_cast<uint32_t>(host_keys_.size() + 1)).first;
    it->second = Endpoint{host, instance, key->second};
  }
  return &it->second;
}

bool Network::reachable(const Endpoint& a, const Endpoint& b) const {
  return host_up(a.host) && host_up(b.host) && !blocked(a, b) && !blocked(b, a);
}

void Network::set_host_up(const std::string& host, bool up) {
  changing();
  if (up) {
    down_.erase(host);
  } else {
    down_.insert(host);
  }
}

bool Network::reachable(const std::string& a, const std::string& b) const {
  return host_up(a) && host_up(b) && !blocked(a, b) && !blocked(b, a);
}

void Network::drop(std::string_view what, const Endpoint& from, const Endpoint& to,
                   const char* why) {
  ++dropped_;
  if (!trace_.enabled()) return;
  std::string detail(what);
  detail += " ";
  detail += from.host;
  detail += "->";
  detail += to.host;
  if (!to.instance.empty()) {
    detail += " ";
    detail += to.instance;
  }
  detail += " (";
  detail += why;
  detail += ")";
  trace_.record(loop_.now(), from.instance, "net.drop", detail);
}

bool Network::admit(const Endpoint& from, const Endpoint& to, std::string_view what,
                    SimTime* delay) {
  ++sent_;
  if (!host_up(from.host) || !host_up(to.host)) {
    drop(what, from, to, "host down");
    return false;
  }
  if (blocked(from, to)) {
    drop(what, from, to, "partitioned");
    return false;
  }
  const LinkSpec spec = link(from, to);
  if (rng_.chance(spec.loss)) {
    drop(what, from, to, "lost");
    return false;
  }
  *delay = spec.latency + rng_.uniform(spec.jitter);
  last_delay_ = *delay;
  return true;
}

bool Network::arrives(const Endpoint& from, const Endpoint& to, std::string_view what) {
  if (!host_up(to.host)) {
    drop(what, from, to, "host down");
    return false;
  }
  if (blocked(from, to)) {
    drop(what, from, to, "partitioned");
    return false;
  }
  return true;
}

}  // namespace dpc::sim
