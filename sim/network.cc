#include "sim/network.h"

namespace dpc::sim {

Network::Network(EventLoop& loop, Rng& rng, Trace& trace, const TimingProfile& timing)
    : loop_(loop), rng_(rng), trace_(trace), timing_(timing) {}

void Network::set_link(const std::string& a, const std::string& b, LinkSpec spec, bool one_way) {
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
  LinkSpec spec;
  spec.latency = a == b ? timing_.link_latency : timing_.remote_link_latency;
  spec.jitter = timing_.link_jitter;
  spec.loss = timing_.link_loss;
  return spec;
}

void Network::partition(const std::string& a, const std::string& b, bool one_way) {
  blocked_.insert({a, b});
  if (!one_way) blocked_.insert({b, a});
  trace_.record(loop_.now(), "", "fault.partition", a + (one_way ? " -> " : " <-> ") + b);
}

void Network::heal(const std::string& a, const std::string& b) {
  blocked_.erase({a, b});
  blocked_.erase({b, a});
  trace_.record(loop_.now(), "", "fault.heal", a + " <-> " + b);
}

void Network::heal_all() {
  blocked_.clear();
  trace_.record(loop_.now(), "", "fault.heal", "all links");
}

bool Network::blocked(const std::string& from, const std::string& to) const {
  return !blocked_.empty() && blocked_.count({from, to}) != 0;
}

void Network::set_host_up(const std::string& host, bool up) {
  if (up) {
    down_.erase(host);
  } else {
    down_.insert(host);
  }
}

bool Network::reachable(const std::string& a, const std::string& b) const {
  return host_up(a) && host_up(b) && !blocked(a, b) && !blocked(b, a);
}

void Network::drop(std::string_view who, std::string_view what, const std::string& from,
                   const std::string& to, const char* why) {
  ++dropped_;
  std::string detail(what);
  detail += " ";
  detail += from;
  detail += "->";
  detail += to;
  detail += " (";
  detail += why;
  detail += ")";
  trace_.record(loop_.now(), who, "net.drop", detail);
}

bool Network::admit(const std::string& from, const std::string& to, std::string_view who,
                    std::string_view what, SimTime* delay) {
  ++sent_;
  if (!host_up(from) || !host_up(to)) {
    drop(who, what, from, to, "host down");
    return false;
  }
  if (blocked(from, to)) {
    drop(who, what, from, to, "partitioned");
    return false;
  }
  const LinkSpec spec = link(from, to);
  if (rng_.chance(spec.loss)) {
    drop(who, what, from, to, "lost");
    return false;
  }
  *delay = spec.latency + rng_.uniform(spec.jitter);
  return true;
}

bool Network::arrives(const std::string& from, const std::string& to, std::string_view who,
                      std::string_view what) {
  if (!host_up(to)) {
    drop(who, what, from, to, "host down");
    return false;
  }
  if (blocked(from, to)) {
    drop(who, what, from, to, "partitioned");
    return false;
  }
  return true;
}

}  // namespace dpc::sim
