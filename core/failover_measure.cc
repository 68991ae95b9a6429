#include "core/failover_measure.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/cluster_status.h"
#include "core/plan_builder.h"

namespace dpc {

namespace {

/// splitmix64: the kill points, reproducible from the seed.
uint64_t next_random(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// Lets `ms` pass on the backend's clock.
void pause(Backend& b, Millis ms) {
  auto fired = std::make_shared<bool>(false);
  b.call_at(b.now() + ms, [fired] { *fired = true; });
  while (!*fired && b.run_one()) {
  }
}

/// The member of `group` that is PRIMARY and OPEN, other than `not_this`, or "".
std::string primary_of(const ClusterStatus& st, const std::string& group, const std::string& not_this = "") {
  for (const InstanceStatus& s : st.instances) {
    if (s.raft == group && s.name != not_this && s.mode == "PRIMARY" && s.status == "OPEN") return s.name;
  }
  return "";
}

/// Whether the deploy plan starts `instance` with MOUNT (a member of a
/// replicated group): it is restarted the same way.
bool started_with_mount(const Topology& topo, const std::string& instance) {
  bool mount = false;
  for (const Step& step : build_deploy_plan(topo).steps) {
    if (step.kind == StepKind::StartServer && step.instance == instance) mount = step.mount;
  }
  return mount;
}

bool all_open(const ClusterStatus& st, const std::string& group) {
  for (const InstanceStatus& s : st.instances) {
    if (s.raft == group && s.status != "OPEN") return false;
  }
  return true;
}

}  // namespace

Result<std::vector<FailoverSample>> measure_failover(Backend& b, const Topology& topo, const FailoverOptions& o) {
  const RaftGroup* group = nullptr;
  for (const RaftGroup& g : topo.rafts) {
    if (g.role != Role::BP || !g.replicated()) continue;
    if (o.group.empty() || g.name == o.group) {
      group = &g;
      break;
    }
  }
  if (!group) {
    return Error{o.group.empty() ? "the topology has no replicated BP group: there is no failover to measure"
                                 : "no replicated BP group named " + o.group + " in the topology"};
  }
  const Millis hb = std::max(1, topo.timing.raft_hb_interval);
  uint64_t rng = o.seed;
  std::vector<FailoverSample> out;
  for (int rep = 0; rep < o.repeats; ++rep) {
    FailoverSample s;
    ClusterStatus st = gather_status(b, topo);
    s.killed = primary_of(st, group->name);
    if (s.killed.empty()) {
      if (rep == 0) return Error{group->name + " has no PRIMARY/OPEN leader to kill; deploy the cluster first"};
      s.error = group->name + " had no leader before this repetition";
      out.push_back(s);
      break;
    }
    const Instance* killed = topo.find_instance(s.killed);
    s.kill_offset_ms = static_cast<Millis>(next_random(rng) % static_cast<uint64_t>(hb));
    pause(b, s.kill_offset_ms);
    if (Status k = b.signal(s.killed, Signal::Kill); !k.ok()) {
      s.error = "cannot kill " + s.killed + ": " + k.message();
      out.push_back(s);
      break;
    }
    const Millis killed_at = b.now();
    // Poll until another member leads.
    while (true) {
      st = gather_status(b, topo);
      s.new_leader = primary_of(st, group->name, s.killed);
      if (!s.new_leader.empty()) {
        s.to_leader_ms = b.now() - killed_at;
        break;
      }
      if (b.now() - killed_at > o.phase_timeout_ms) {
        s.error = "no new leader of " + group->name + " within the timeout";
        break;
      }
      pause(b, o.poll_ms);
    }
    if (!s.error.empty()) {
      out.push_back(s);
      break;
    }
    // Restart the killed member at once (as an operator would), and poll
    // until the SP answers and the restarted member is OPEN.
    while (b.server_running(s.killed) && b.run_one()) {
    }
    const Millis start_at = b.now();
    auto started = std::make_shared<std::optional<Status>>();
    ServerLaunch launch{killed->name, killed->host, dmserver_args(*killed, started_with_mount(topo, s.killed)), 0};
    b.start_server(launch, [started](Status st2) { *started = std::move(st2); });
    bool sp_back = false, reopened = false;
    while (!(sp_back && reopened)) {
      if (started->has_value() && !(*started)->ok()) {
        s.error = "restarting " + s.killed + " failed: " + (*started)->message();
        break;
      }
      st = gather_status(b, topo);
      if (!sp_back && st.healthy && !primary_of(st, group->name).empty()) {
        sp_back = true;
        s.to_sp_ms = b.now() - killed_at;
      }
      for (const InstanceStatus& i : st.instances) {
        if (!reopened && started->has_value() && i.name == s.killed && i.status == "OPEN") {
          reopened = true;
          s.restart_to_open_ms = b.now() - start_at;
        }
      }
      if (sp_back && reopened) break;
      if (b.now() - start_at > o.phase_timeout_ms) {
        s.error = !sp_back ? "the SP did not answer within the timeout: " + st.health_note
                           : s.killed + " was not OPEN within the timeout after its restart";
        break;
      }
      pause(b, o.poll_ms);
    }
    // Settle: every member OPEN, a leader, the SP answering.
    for (Millis waited = 0; s.error.empty(); waited += o.poll_ms) {
      st = gather_status(b, topo);
      if (all_open(st, group->name) && !primary_of(st, group->name).empty() && st.healthy) break;
      if (waited > o.phase_timeout_ms) s.error = group->name + " did not settle after the restart";
      pause(b, o.poll_ms);
    }
    s.ok = s.error.empty();
    out.push_back(s);
    if (!s.ok) break;
  }
  return out;
}

FailoverStats failover_stats(const std::vector<FailoverSample>& samples, Millis FailoverSample::*measure) {
  std::vector<double> v;
  for (const FailoverSample& s : samples) {
    if (s.ok) v.push_back(static_cast<double>(s.*measure));
  }
  FailoverStats out;
  out.count = static_cast<int>(v.size());
  if (v.empty()) return out;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    const double rank = std::ceil(q * static_cast<double>(v.size()));
    return v[static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(v.size()))) - 1];
  };
  double sum = 0;
  for (double x : v) sum += x;
  out.min = v.front();
  out.max = v.back();
  out.p50 = at(0.5);
  out.p90 = at(0.9);
  out.mean = sum / static_cast<double>(v.size());
  return out;
}

}  // namespace dpc
