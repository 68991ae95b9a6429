#include "bench/cluster_workload.h"

#include <set>
#include <utility>

#include "core/executor.h"
#include "core/topology_load.h"
#include "sim/cluster.h"
#include "sim/model/dmserver.h"
#include "sim/engine/rng.h"
#include "sim/session.h"

namespace dpc::sim {

namespace {

std::string first_error(const LoadOutcome& outcome, const std::string& what) {
  for (const Diagnostic& d : outcome.diagnostics) {
    if (d.severity == Diagnostic::Severity::Error) return what + ": " + d.path + ": " + d.message;
  }
  return what + ": not a topology";
}

SimOptions sim_options(uint64_t seed, const BenchSimOptions& o) {
  SimOptions so;
  so.seed = seed;
  so.jitter_ms = o.jitter_ms;
  so.trace = o.trace;
  so.trace_tail = 64;
  so.check_invariants = o.check_invariants;
  so.fold_heartbeats = o.fold_heartbeats;
  return so;
}

const RaftGroup* measured_group(const Topology& topo, const std::string& name) {
  for (const RaftGroup& g : topo.rafts) {
    if (!name.empty() ? g.name == name : (g.role == Role::BP && g.replicated())) return &g;
  }
  return nullptr;
}

double ms_between(SimTime from, SimTime to) { return static_cast<double>(to - from) / 1000.0; }

}  // namespace

std::string scale_topology_json(int groups, int replicas) {
  std::string j;
  j += "{\n  \"cluster\": \"scale-" + std::to_string(groups) + "\",\n";
  j += "  \"defaults\": { \"host\": \"h0\", \"os\": \"linux\", \"base_dir\": \"/dm/scale\" },\n";
  j += "  \"mp\": { \"instances\": [ { \"name\": \"MP\" } ] },\n";
  j += "  \"sp\": [ { \"name\": \"SP1\" } ],\n";
  j += "  \"bp_rafts\": [\n";
  for (int g = 1; g <= groups; ++g) {
    j += "    { \"name\": \"RAFT_" + std::to_string(g) + "\", \"members\": [";
    for (int k = 1; k <= replicas; ++k) {
      j += std::string(k > 1 ? ", " : " ") + "{ \"name\": \"BP" + std::to_string(g) + "_" +
           std::to_string(k) + "\", \"host\": \"h" + std::to_string(k) + "\" }";
    }
    j += std::string(" ] }") + (g < groups ? "," : "") + "\n";
  }
  j += "  ]\n}\n";
  return j;
}

Result<Topology> scale_topology(int groups, int replicas) {
  const std::string name = "scale-" + std::to_string(groups) + "x" + std::to_string(replicas);
  LoadOutcome outcome = load_topology_text(scale_topology_json(groups, replicas), name);
  if (!outcome.ok()) return Error{first_error(outcome, "generated topology " + name)};
  return std::move(*outcome.topology);
}

Result<Topology> load_bench_topology(const std::string& path) {
  LoadOutcome outcome = load_topology_file(path);
  if (!outcome.ok()) return Error{first_error(outcome, path)};
  return std::move(*outcome.topology);
}

namespace {

/// The measured group's election times, read from the trace as it is written.
struct GroupTimeline {
  SimTime raft_start = -1, elected = -1, opened = -1, kill_at = -1, reelected = -1, reopened = -1;

  /// Follows the events of `members` in `c`'s trace (until the listener is
  /// cleared); the leaders seen go into `r`.
  void listen(SimCluster& c, const std::set<std::string>& members, DeployFailoverRun& r) {
    c.trace().set_listener([this, &members, &r](const TraceEvent& e) {
      if (!members.count(e.instance)) return;
      if (kill_at < 0) {
        if (e.kind == "raft.start" && raft_start < 0) raft_start = e.time;
        if (e.kind == "raft.leader" && elected < 0) {
          elected = e.time;
          r.first_leader = e.instance;
        }
        if (e.kind == "server.open" && e.detail == "PRIMARY" && opened < 0 && e.instance == r.first_leader) {
          opened = e.time;
        }
        return;
      }
      if (e.kind == "raft.leader" && reelected < 0) {
        reelected = e.time;
        r.new_leader = e.instance;
      }
      if (e.kind == "server.open" && e.detail == "PRIMARY" && reopened < 0 && e.instance == r.new_leader) {
        reopened = e.time;
      }
    });
  }
};

/// After the deployment: the group's leader killed at a random point of the
/// heartbeat interval, and the time until a new PRIMARY/OPEN leader, into
/// `r`. Returns what went wrong, or "".
std::string fail_over(SimCluster& c, const Topology& topo, const RaftGroup& g, uint64_t seed, bool timeline,
                      GroupTimeline& t, DeployFailoverRun& r) {
  const std::optional<std::string> leader = c.group_leader(g.name);
  if (!leader) return g.name + " has no leader after the deployment";
  if (!timeline) r.first_leader = *leader;
  const Term old_term = c.view(*leader).term;
  // A random point of the heartbeat interval: the deployment ends at some
  // phase of it, and a uniform extra delay over one interval makes the
  // phase uniform.
  Rng rng(seed ^ 0xFA110FE7ULL);
  const int64_t offset = rng.uniform(std::max(1, topo.timing.raft_hb_interval) - 1);
  c.advance(offset);
  r.kill_offset_ms = static_cast<double>(offset);
  t.kill_at = c.now_us();
  if (Status st = c.kill(*leader); !st.ok()) return "kill " + *leader + ": " + st.message();
  // Without a timeline: poll the members' state (cheap pointers, no strings).
  std::vector<const DmServer*> others;
  for (const std::string& m : g.members) {
    if (m == *leader) continue;
    if (const DmServer* s = c.world().server(m)) others.push_back(s);
  }
  auto new_primary_open = [&]() -> const DmServer* {
    for (const DmServer* s : others) {
      if (s->raft() && s->raft()->role() == RaftRole::Leader && s->sys_status() == kOpen) return s;
    }
    return nullptr;
  };
  const bool done =
      c.run_until([&] { return timeline ? t.reopened >= 0 : new_primary_open() != nullptr; }, c.now() + 120'000);
  if (!done) return g.name + ": no new PRIMARY/OPEN leader within 120 s of killing " + *leader;
  if (timeline) {
    r.failover_ms = ms_between(t.kill_at, t.reelected);
    r.failover_open_ms = ms_between(t.kill_at, t.reopened);
  } else {
    r.new_leader = new_primary_open()->name();
    r.failover_open_ms = ms_between(t.kill_at, c.now_us());
  }
  r.failover_terms = static_cast<int>(c.view(r.new_leader).term - old_term);
  return "";
}

}  // namespace

DeployFailoverRun run_deploy_failover(const Topology& topo, uint64_t seed,
                                      const BenchSimOptions& options, const std::string& group) {
  DeployFailoverRun r;
  r.seed = seed;
  const RaftGroup* g = measured_group(topo, group);
  if (!g) {
    r.error = group.empty() ? topo.cluster + " has no replicated BP RAFT group to measure"
                            : "no RAFT group " + group + " in " + topo.cluster;
    return r;
  }
  r.group = g->name;
  const std::set<std::string> members(g->members.begin(), g->members.end());

  // The timeline comes from the trace's listener; a short tail keeps memory flat.
  BenchSimOptions traced = options;
  if (options.timeline && traced.trace == TraceMode::Off) traced.trace = TraceMode::Tail;
  SimSession session(topo, sim_options(seed, traced));
  SimCluster& c = session.cluster();
  GroupTimeline t;
  if (options.timeline) t.listen(c, members, r);

  const ExecutionReport rep = session.deploy("", options.parallel);
  r.deploy_ms = static_cast<double>(rep.finished - rep.started);
  auto finish = [&](std::string error) {
    r.events = c.world().loop.executed();
    r.violations = c.violations().size();
    if (!c.violations().empty() && error.empty()) error = c.violations().front().render();
    r.error = std::move(error);
    r.ok = r.error.empty();
    c.trace().set_listener(nullptr);
    return r;
  };
  if (!rep.ok) return finish("deploy failed at " + rep.failed_step + ": " + rep.error);
  if (options.timeline) {
    if (t.raft_start < 0 || t.elected < 0 || t.opened < 0) {
      return finish(g->name + " did not elect a PRIMARY/OPEN leader during the deployment");
    }
    r.first_election_ms = ms_between(t.raft_start, t.elected);
    r.first_open_ms = ms_between(t.raft_start, t.opened);
  }
  return finish(fail_over(c, topo, *g, seed, options.timeline, t, r));
}

StartupRun run_startup(const Topology& topo, int parallel, uint64_t seed, const BenchSimOptions& options) {
  StartupRun r;
  r.parallel = parallel;
  SimSession session(topo, sim_options(seed, options));
  const ExecutionReport rep = session.deploy("", parallel);
  r.events = session.cluster().world().loop.executed();
  r.total_ms = static_cast<double>(rep.finished - rep.started);
  r.steps = static_cast<int>(rep.records.size());
  if (!rep.ok) {
    r.error = "deploy failed at " + rep.failed_step + ": " + rep.error;
    return r;
  }
  r.plan = session.deploy_plan();
  for (const StepRecord& rec : rep.records) {
    r.spans.push_back(bench::StepSpan{static_cast<double>(rec.started - rep.started),
                               static_cast<double>(rec.finished - rec.started)});
  }
  for (const std::string& id : rep.critical_path) {
    for (const StepRecord& rec : rep.records) {
      if (rec.id != id) continue;
      r.critical_path.push_back(StartupRun::PathStep{
          id, static_cast<double>(rec.started - rep.started),
          static_cast<double>(rec.finished - rec.started)});
    }
  }
  r.ok = true;
  return r;
}

ScaleRun::ScaleRun(Topology topo, uint64_t seed, const BenchSimOptions& options)
    : instances_(topo.instances.size()), parallel_(options.parallel) {
  session_ = std::make_unique<SimSession>(std::move(topo), sim_options(seed, options));
}

ScaleRun::~ScaleRun() = default;

Status ScaleRun::deploy() {
  const ExecutionReport rep = session_->deploy("", parallel_);
  if (!rep.ok) return Error{"deploy failed at " + rep.failed_step + ": " + rep.error};
  return Status::Ok();
}

void ScaleRun::idle(int64_t ms) { session_->cluster().advance(ms); }

Result<double> ScaleRun::failover(const std::string& group) {
  SimCluster& c = session_->cluster();
  const RaftGroup* g = session_->topology().find_raft(group);
  if (!g) return Error{"no RAFT group " + group + " in " + session_->topology().cluster};
  const std::optional<std::string> leader = c.group_leader(group);
  if (!leader) return Error{group + " has no leader to kill"};
  std::vector<const DmServer*> others;
  for (const std::string& m : g->members) {
    if (m == *leader) continue;
    if (const DmServer* s = c.world().server(m)) others.push_back(s);
  }
  const SimTime kill_at = c.now_us();
  if (Status st = c.kill(*leader); !st.ok()) return Error{"kill " + *leader + ": " + st.message()};
  const bool done = c.run_until(
      [&] {
        for (const DmServer* s : others) {
          if (s->raft() && s->raft()->role() == RaftRole::Leader && s->sys_status() == kOpen) return true;
        }
        return false;
      },
      c.now() + 120'000);
  if (!done) return Error{group + ": no new PRIMARY/OPEN leader within 120 s of killing " + *leader};
  return ms_between(kill_at, c.now_us());
}

uint64_t ScaleRun::events() const { return session_->cluster().world().loop.executed(); }

int64_t ScaleRun::now_ms() const { return session_->cluster().now(); }

int ScaleRun::groups_with_leader() const {
  int n = 0;
  for (const RaftGroup& g : session_->topology().rafts) {
    if (g.replicated() && session_->cluster().group_leader(g.name)) ++n;
  }
  return n;
}

size_t ScaleRun::violations() const { return session_->cluster().violations().size(); }

}  // namespace dpc::sim
