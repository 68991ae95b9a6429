#include "sim/explore/nemesis.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

namespace dpc::sim {

namespace {

using json = nlohmann::ordered_json;

template <typename T>
const T& pick(Rng& rng, const std::vector<T>& items) {
  return items[static_cast<size_t>(rng.uniform(static_cast<int64_t>(items.size()) - 1))];
}

/// `count` distinct items, in their original order.
std::vector<std::string> pick_some(Rng& rng, std::vector<std::string> items, size_t count) {
  std::vector<std::string> out;
  while (out.size() < count && !items.empty()) {
    const size_t i = static_cast<size_t>(rng.uniform(static_cast<int64_t>(items.size()) - 1));
    out.push_back(items[i]);
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string ms_text(SimTime us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(us) / 1000.0);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::vector<const RaftGroup*> replicated(const Topology& topo) {
  std::vector<const RaftGroup*> out;
  for (const auto& g : topo.rafts) {
    if (g.replicated()) out.push_back(&g);
  }
  return out;
}

std::string mp_target(const Topology& topo) {
  for (const auto& g : topo.rafts) {
    if (g.role == Role::MP && g.replicated()) return "leader:" + g.name;
  }
  for (const auto& i : topo.instances) {
    if (i.role == Role::MP) return i.name;
  }
  return "";
}

Fault kill_all(const std::string& kind, const std::vector<std::string>& names) {
  Fault f;
  f.kind = kind;
  f.may_miss = true;
  for (const auto& n : names) f.commands.push_back("kill " + n);
  return f;
}

Fault link_fault(const Topology& topo, const TimingProfile& profile, Rng& rng, bool loss) {
  // Two instances that talk: members of one group, or a member and an MP.
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const RaftGroup* g : replicated(topo)) {
    for (size_t a = 0; a < g->members.size(); ++a) {
      for (size_t b = a + 1; b < g->members.size(); ++b) pairs.emplace_back(g->members[a], g->members[b]);
    }
  }
  const std::string mp = mp_target(topo);
  for (const auto& i : topo.instances) {
    if (i.role != Role::MP && !mp.empty() && mp.rfind("leader:", 0) != 0) pairs.emplace_back(i.name, mp);
  }
  Fault f;
  f.kind = loss ? "link-loss" : "latency-burst";
  if (pairs.empty()) return f;
  const auto& [a, b] = pick(rng, pairs);
  const Instance* ia = topo.find_instance(a);
  const Instance* ib = topo.find_instance(b);
  const bool same_host = ia && ib && ia->host == ib->host;
  const SimTime base = same_host ? profile.link_latency : profile.remote_link_latency;
  if (loss) {
    const int pct = 20 + static_cast<int>(rng.uniform(60));
    f.commands.push_back("link " + a + " " + b + " " + ms_text(base) + " 0 0." + (pct < 10 ? "0" : "") +
                         std::to_string(pct));
  } else {
    const int64_t lat = 50 + rng.uniform(950);
    f.commands.push_back("link " + a + " " + b + " " + std::to_string(lat) + " " + std::to_string(rng.uniform(lat / 2)));
  }
  f.heal.push_back("link " + a + " " + b + " " + ms_text(base) + " " + ms_text(profile.link_jitter));
  return f;
}

Fault random_fault(const Topology& topo, const TimingProfile& profile, Rng& rng) {
  const auto groups = replicated(topo);
  std::vector<std::string> all;
  for (const auto& i : topo.instances) all.push_back(i.name);
  enum K { KillOne, KillMinority, KillMajority, KillLeader, KillMp, IsolateOne, IsolateMinority,
           IsolateLeaders, Ring, CrashHost, LinkLoss, LatencyBurst, kCount };
  const K k = static_cast<K>(rng.uniform(kCount - 1));
  switch (k) {
    case KillOne: return kill_all("kill-one", {pick(rng, all)});
    case KillMinority:
    case KillMajority: {
      if (groups.empty()) return kill_all("kill-one", {pick(rng, all)});
      const RaftGroup* g = pick(rng, groups);
      const size_t n = g->members.size();
      const size_t count = k == KillMinority ? std::max<size_t>(1, (n - 1) / 2) : n / 2 + 1;
      return kill_all(k == KillMinority ? "kill-minority" : "kill-majority", pick_some(rng, g->members, count));
    }
    case KillLeader: {
      if (groups.empty()) return kill_all("kill-one", {pick(rng, all)});
      return kill_all("kill-leader", {"leader:" + pick(rng, groups)->name});
    }
    case KillMp: return kill_all("kill-mp", {mp_target(topo)});
    case IsolateOne:
    case IsolateMinority:
    case IsolateLeaders: {
      Fault f;
      f.heal.push_back("heal");
      if (k == IsolateOne || groups.empty()) {
        f.kind = "isolate-one";
        f.commands.push_back("isolate " + pick(rng, all));
      } else if (k == IsolateMinority) {
        const RaftGroup* g = pick(rng, groups);
        f.kind = "isolate-minority";
        f.commands.push_back("isolate " + join(pick_some(rng, g->members, std::max<size_t>(1, (g->members.size() - 1) / 2)), ","));
      } else {
        f.kind = "isolate-leaders";
        f.may_miss = true;
        std::vector<std::string> leaders;
        for (const RaftGroup* g : groups) leaders.push_back("leader:" + g->name);
        f.commands.push_back("isolate " + join(leaders, ","));
      }
      return f;
    }
    case Ring: {
      Fault f;
      f.kind = "ring";
      if (all.size() < 4) {
        f.kind = "isolate-one";
        f.commands.push_back("isolate " + pick(rng, all));
      } else {
        const std::vector<std::string> order = pick_some(rng, all, all.size());
        const size_t n = order.size();
        for (size_t a = 0; a < n; ++a) {
          for (size_t b = a + 1; b < n; ++b) {
            const bool adjacent = b == a + 1 || (a == 0 && b == n - 1);
            if (!adjacent) f.commands.push_back("partition " + order[a] + " " + order[b]);
          }
        }
      }
      f.heal.push_back("heal");
      return f;
    }
    case CrashHost: {
      const std::set<std::string> hosts = topo.hosts();
      const std::string h = pick(rng, std::vector<std::string>(hosts.begin(), hosts.end()));
      Fault f;
      f.kind = "crash-host";
      f.commands.push_back("crash-host " + h);
      f.heal.push_back("restart-host " + h);
      return f;
    }
    case LinkLoss: return link_fault(topo, profile, rng, true);
    case LatencyBurst:
    case kCount: break;
  }
  return link_fault(topo, profile, rng, false);
}

}  // namespace

std::vector<std::pair<std::string, std::vector<std::string>>> deploy_phases(const Plan& plan) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out = {
      {"registration", {}}, {"seed-backup", {}}, {"restore", {}}, {"first-election", {}}};
  for (const auto& s : plan.steps) {
    if (s.kind == StepKind::RunSql && s.id.rfind("register", 0) == 0) out[0].second.push_back(s.id);
    if (s.kind == StepKind::Backup) out[1].second.push_back(s.id);
    if (s.kind == StepKind::Restore || s.kind == StepKind::UpdateDbMagic) out[2].second.push_back(s.id);
    if (s.id.rfind("wait-leader:", 0) == 0) out[3].second.push_back(s.id);
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const auto& p) { return p.second.empty(); }), out.end());
  return out;
}

Schedule random_schedule(const Topology& topo, const Plan& plan, const TimingProfile& profile, Rng& rng,
                         const NemesisOptions& o) {
  Schedule s;
  const auto phases = deploy_phases(plan);
  // Half the schedules strike a deployed cluster, half one phase of the deploy.
  if (!phases.empty() && rng.chance(0.5)) {
    const auto& [phase, steps] = pick(rng, phases);
    s.phase = phase;
    s.upto = pick(rng, steps);
  }
  const int n = 1 + static_cast<int>(rng.uniform(std::max(0, o.max_faults - 1)));
  for (int i = 0; i < n; ++i) {
    Fault f = random_fault(topo, profile, rng);
    f.after_ms = rng.uniform(o.max_gap_ms);
    f.during = !s.upto.empty() && rng.chance(0.5);
    if (!f.commands.empty()) s.faults.push_back(std::move(f));
  }
  s.hold_ms = rng.uniform(o.max_hold_ms);
  return s;
}

int64_t liveness_bound_ms(const Topology& topo, int64_t jitter_ms) {
  int64_t vote = 0;
  for (const auto& i : topo.instances) vote = std::max<int64_t>(vote, i.raft_vote_interval);
  return 2 * (vote + jitter_ms) + 1000;
}

int64_t catalog_bound_ms(const Topology& topo, int64_t jitter_ms, const TimingProfile& profile) {
  const int64_t report = std::max<int64_t>(to_ms(profile.xmal_hb), topo.timing.xmal_hb_interval * 1000);
  return liveness_bound_ms(topo, jitter_ms) + (profile.mp_dead_after_hb + 1) * report;
}

std::string schedule_steps_json(const Schedule& s, const Topology& topo, int64_t jitter_ms,
                                const TimingProfile& profile) {
  json steps = json::array();
  auto act = [&](const std::string& cmd, bool may_fail) {
    json st = {{"do", cmd}};
    if (may_fail) st["may_fail"] = true;
    steps.push_back(st);
  };
  act(s.upto.empty() ? "deploy" : "deploy upto " + s.upto, false);
  std::vector<std::string> heals;
  int64_t hold = s.hold_ms;
  for (const Fault& f : s.faults) {
    if (f.during && !s.upto.empty()) {
      // Strikes f.after_ms into the rest of the deploy; the hold lasts at
      // least until then, so no fault lands in the middle of the resume.
      for (const auto& c : f.commands) act("after " + std::to_string(f.after_ms) + " " + c, false);
      hold = std::max(hold, f.after_ms + 1);
    } else {
      if (f.after_ms > 0) act("advance " + std::to_string(f.after_ms), false);
      for (const auto& c : f.commands) act(c, f.may_miss || !s.upto.empty());
    }
    for (const auto& h : f.heal) {
      if (std::find(heals.begin(), heals.end(), h) == heals.end()) heals.push_back(h);
    }
  }
  if (!s.upto.empty()) act("deploy", true);
  if (hold > 0) act("advance " + std::to_string(hold), false);
  for (const auto& h : heals) act(h, false);
  json all = json::array();
  for (const auto& g : topo.rafts) {
    if (g.replicated()) {
      all.push_back({{"group", g.name}, {"open", true}, {"valid_members", g.members.size()}});
    } else {
      for (const auto& m : g.members) all.push_back({{"instance", m}, {"status", "OPEN"}});
    }
  }
  const json healthy = {{"wait_until", {{"all", all}}}, {"within_ms", liveness_bound_ms(topo, jitter_ms)}};
  // Network faults on a deployed cluster kill nothing: once they heal the
  // cluster must recover by itself, before any resume.
  const bool network_only = s.upto.empty() && std::all_of(s.faults.begin(), s.faults.end(), [](const Fault& f) {
    return f.kind.rfind("isolate", 0) == 0 || f.kind == "ring" || f.kind == "link-loss" || f.kind == "latency-burst";
  });
  if (network_only) steps.push_back(healthy);
  act("resume", false);
  steps.push_back(healthy);
  steps.push_back({{"wait_until", {{"catalog_consistent", true}}},
                   {"within_ms", catalog_bound_ms(topo, jitter_ms, profile)}});
  return steps.dump();
}

}  // namespace dpc::sim
