#include "sim/model/world.h"

#include <cstdio>

#include "sim/model/dmserver.h"

namespace dpc::sim {

World::World(SimOptions opts)
    : options(std::move(opts)),
      timing(options.timing),
      rng(options.seed),
      trace(options.trace, options.trace_tail),
      net(loop, rng, trace, timing) {
  if (options.fold_heartbeats) {
    net.on_change([this]() { unfold_all(); });
    loop.keep_key_marks(from_ms(60'000));
  }
}

void World::unfold_all() {
  while (!folded.empty()) folded.begin()->second->unfold_group();
}

World::~World() = default;

Host& World::host(const std::string& name) {
  auto& slot = hosts_[name];
  if (!slot) slot = std::make_unique<Host>(name);
  return *slot;
}

Host* World::find_host(const std::string& name) {
  auto it = hosts_.find(name);
  return it == hosts_.end() ? nullptr : it->second.get();
}

void World::add_alias(const std::string& address, const std::string& host_name) {
  aliases_[address] = host_name;
}

std::string World::resolve(const std::string& address, const std::string& from) const {
  if (hosts_.count(address)) return address;
  if (auto it = aliases_.find(address); it != aliases_.end()) return it->second;
  if (address == "127.0.0.1" || address == "localhost" || address == "::1") return from;
  return "";
}

DmServer* World::server(const std::string& name) {
  auto it = servers_.find(name);
  return it == servers_.end() ? nullptr : it->second.get();
}

DmServer& World::server_for(const std::string& name, const std::string& host_name) {
  auto& slot = servers_[name];
  if (!slot) {
    slot = std::make_unique<DmServer>(*this, name, host_name);
  } else if (!slot->running() && slot->host() != host_name) {
    // Same name, another host: the object stays (events of its earlier runs
    // still point at it and are ignored by incarnation), its home moves.
    slot->rehome(host_name);
  }
  return *slot;
}

DmServer* World::server_at(const std::string& host_name, int port) {
  Host* h = find_host(host_name);
  if (!h || !h->up()) return nullptr;
  auto holder = h->port_holder(port);
  if (!holder) return nullptr;
  DmServer* s = server(*holder);
  if (!s || !s->running() || s->host() != host_name) return nullptr;
  return s;
}

RaftInvariants* World::raft_checker(const std::string& group, uint64_t permanent_magic) {
  if (!options.check_invariants) return nullptr;
  // One checker per group and origin: a member re-created by dminit starts a
  // new history, while copies restored from one backup share their origin's.
  char key[32];
  std::snprintf(key, sizeof key, "#%016llx", static_cast<unsigned long long>(permanent_magic));
  return &raft_checks_[group + key];
}

uint64_t World::new_magic() {
  uint64_t v = splitmix64(magic_state_);
  return v == 0 ? 1 : v;
}

int64_t World::jitter_bound(const std::string& instance) const {
  auto it = jitter_overrides.find(instance);
  return it == jitter_overrides.end() ? options.jitter_ms : it->second;
}

void World::on_server_stopped(DmServer& stopped, bool normal_exit) {
  if (!normal_exit) return;
  auto up = [](const DmServer& s) { return s.running() && s.proc() != ProcState::Exiting; };
  // [model] Wrong shutdown order (manual 7.1.8 / 7.2.10 / 7.3.10): what is
  // left running after its MP, or an SP after a whole BP group, HALTs after
  // halt_delay_ms.
  if (stopped.dpc_mode() == "MP") {
    for (const auto& [name, s] : servers_) {
      if (s->dpc_mode() == "MP" && up(*s)) return;
    }
    for (const auto& [name, s] : servers_) {
      if (up(*s) && (s->dpc_mode() == "SP" || s->dpc_mode() == "BP")) {
        s->schedule_halt(timing.halt_delay,
                         "the MP (" + stopped.name() + ") exited while " + name +
                             " was still running; wrong shutdown order (exit the SPs, then the "
                             "BP groups, then the MP)");
      }
    }
    return;
  }
  if (stopped.dpc_mode() == "BP" && stopped.in_service()) {
    const std::string& group = stopped.raft_group();
    for (const auto& [name, s] : servers_) {
      if (s->dpc_mode() == "BP" && s->raft_group() == group && up(*s)) return;
    }
    for (const auto& [name, s] : servers_) {
      if (up(*s) && s->dpc_mode() == "SP") {
        s->schedule_halt(timing.halt_delay,
                         "BP group " + (group.empty() ? stopped.name() : group) +
                             " exited while the SP " + name +
                             " was still running; wrong shutdown order (exit the SPs first)");
      }
    }
  }
}

}  // namespace dpc::sim
