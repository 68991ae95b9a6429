#include "core/cluster_ops.h"

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>

#include "core/cluster_status.h"
#include "core/endpoints.h"
#include "core/lifecycle_plan.h"
#include "core/paths.h"
#include "core/plan_builder.h"

namespace dpc {
namespace {

constexpr const char* kOpUsage =
    "usage: start|stop|restart [SEL...] [--force] | kill SEL... [--force] | switchover RAFT --to INSTANCE | destroy\n"
    "SEL: NAME, -N NAME[,NAME...], -R MP|SP|BP[,...], -G RAFT[,...]";

constexpr const char* kOutOfOrder =
    "the manual stops the SPs first, then the BP groups, the MP last: out of order, the remaining machines "
    "may go down directly, must then be killed, and their next start replays a lot of REDO";

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

/// A line for the user: printed as it happens when the caller asked so,
/// else collected in the result.
void note(OpResult& r, const OpOptions& o, const std::string& text) {
  if (o.on_note) o.on_note(text);
  else r.output += text;
}

OpResult failed(std::string why) {
  OpResult r;
  r.ok = false;
  r.error = std::move(why);
  return r;
}

/// Lets (real or virtual) time pass until `pred` holds or `limit_ms` pass.
bool wait_for(Backend& b, const std::function<bool()>& pred, Millis limit_ms) {
  const Millis deadline = b.now() + limit_ms;
  while (!pred()) {
    if (b.now() >= deadline) return false;
    auto fired = std::make_shared<bool>(false);
    b.call_at(std::min(deadline, b.now() + 100), [fired] { *fired = true; });
    while (!*fired) {
      if (!b.run_one()) return pred();
    }
  }
  return true;
}

/// The member of `raft` that reports MODE$ PRIMARY and STATUS$ OPEN, or "".
std::string leader_of(Backend& b, const Topology& topo, const RaftGroup& raft) {
  auto endpoints = sql_endpoints(topo);
  for (const Instance* m : topo.members_of(raft)) {
    if (!b.server_running(m->name)) continue;
    auto rows = sql_now(b, endpoints[m->name], "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE");
    if (!rows.ok() || rows->rows.empty()) continue;
    int s = rows->column("STATUS$"), md = rows->column("MODE$");
    const auto& row = rows->rows.front();
    if (s >= 0 && md >= 0 && row[static_cast<size_t>(s)] == std::optional<std::string>("OPEN") &&
        row[static_cast<size_t>(md)] == std::optional<std::string>("PRIMARY")) {
      return m->name;
    }
  }
  return "";
}

/// The members of a group that vote (shadow replicas and learners do not).
std::vector<const Instance*> voters_of(const Topology& topo, const RaftGroup& raft) {
  std::vector<const Instance*> out;
  for (const Instance* m : topo.members_of(raft)) {
    if (m->kind == ReplicaKind::Voter) out.push_back(m);
  }
  return out;
}

/// Whether stopping `targets` is refused; the reason when it is.
std::string stop_refusal(const Topology& topo, const std::set<std::string>& running,
                         const std::vector<std::string>& targets) {
  std::set<std::string> after = running;
  for (const std::string& t : targets) after.erase(t);
  if (after.empty()) return "";
  for (const std::string& t : targets) {
    const Instance* inst = topo.find_instance(t);
    // A replicated MP is a RAFT group like the others: the majority rule below.
    if (inst == nullptr || inst->role != Role::MP || !running.count(t) || topo.mp_replicated()) continue;
    bool others = false;
    for (const std::string& a : after) others = others || topo.find_instance(a)->role != Role::MP;
    if (others) return "refusing to stop the MP " + t + " while " + join({after.begin(), after.end()}) +
                       " run: " + kOutOfOrder + " (stop the whole cluster with 'stop', or add --force)";
  }
  for (const RaftGroup& raft : topo.rafts) {
    if (!raft.replicated()) continue;
    const auto voters = voters_of(topo, raft);
    size_t up_before = 0, up_after = 0;
    for (const Instance* m : voters) {
      up_before += running.count(m->name);
      up_after += after.count(m->name);
    }
    const size_t majority = voters.size() / 2 + 1;
    if (up_before >= majority && up_after < majority) {
      return "refusing to stop a majority of " + raft.name + " (" + std::to_string(up_before - up_after) + " of " +
             std::to_string(voters.size()) + " voters) while " + join({after.begin(), after.end()}) +
             " run: the group loses its leader and the SPs fail with an invalid system state; " + kOutOfOrder +
             " (stop the whole cluster with 'stop', or add --force)";
    }
  }
  return "";
}

/// The chosen instances that run; each other one is noted as not running.
std::vector<std::string> running_of(OpResult& r, const OpOptions& o, const std::vector<std::string>& chosen,
                                    const std::set<std::string>& running) {
  std::vector<std::string> targets;
  for (const std::string& n : chosen) {
    if (running.count(n)) targets.push_back(n);
    else note(r, o, n + " is not running\n");
  }
  return targets;
}

/// stop_refusal(), or "" when there is none or `force` overrides it (then
/// noted).
std::string refusal_unless_forced(OpResult& r, const OpOptions& o, const Topology& topo,
                                  const std::set<std::string>& running, const std::vector<std::string>& targets,
                                  bool force) {
  std::string why = stop_refusal(topo, running, targets);
  if (why.empty() || !force) return why;
  note(r, o, "--force: " + why.substr(why.find(':') + 2) + "\n");
  return "";
}

/// The groups whose leader is among `targets` and that keep a majority.
std::map<std::string, std::string> leaders_stopped(Backend& b, const Topology& topo,
                                                   const std::set<std::string>& running,
                                                   const std::vector<std::string>& targets) {
  std::map<std::string, std::string> out;
  std::set<std::string> t(targets.begin(), targets.end());
  for (const RaftGroup& raft : topo.rafts) {
    if (!raft.replicated()) continue;
    bool touched = false;
    size_t up_after = 0;
    const auto voters = voters_of(topo, raft);
    for (const Instance* m : voters) {
      touched = touched || t.count(m->name);
      up_after += running.count(m->name) && !t.count(m->name);
    }
    if (!touched || up_after < voters.size() / 2 + 1) continue;
    std::string leader = leader_of(b, topo, raft);
    if (!leader.empty() && t.count(leader)) out[raft.name] = leader;
  }
  return out;
}

std::string new_leaders_text(Backend& b, const Topology& topo, const std::map<std::string, std::string>& groups) {
  std::string out;
  for (const auto& [g, old] : groups) {
    std::string now = leader_of(b, topo, *topo.find_raft(g));
    out += old + " was the leader of " + g + "; " +
           (now.empty() ? "no new leader yet" : "the new leader is " + now) + "\n";
  }
  return out;
}

/// Checks, through the operating system's view the backend has, that every
/// one of `targets` is gone; names those still running.
bool confirm_stopped(OpResult& r, Backend& b, const std::vector<std::string>& targets) {
  std::vector<std::string> still;
  for (const std::string& t : targets) {
    if (b.server_running(t)) still.push_back(t);
  }
  if (still.empty()) return true;
  r.ok = false;
  r.error = (r.error.empty() ? "" : r.error + "\n") + "still running: " + join(still);
  return false;
}

OpResult op_start(Backend& b, const Topology& topo, const std::vector<std::string>& chosen, bool whole,
                  const OpOptions& o) {
  OpResult r;
  const std::set<std::string> running = running_instances(b, topo);
  std::set<std::string> to_start;
  std::vector<std::string> no_db;
  for (const std::string& n : chosen) {
    if (running.count(n)) continue;
    const Instance* inst = topo.find_instance(n);
    if (!b.exists(inst->host, db_file(*inst, "dm.ini"))) no_db.push_back(n + " (" + db_file(*inst, "dm.ini") + ")");
    to_start.insert(n);
  }
  if (!no_db.empty()) {
    return failed("no database to start for " + join(no_db) + "; deploy the cluster first ('dpcctl deploy')");
  }
  if (to_start.empty()) note(r, o, "every chosen instance already runs\n");
  std::vector<std::string> names(to_start.begin(), to_start.end());
  if (!to_start.empty()) note(r, o, "starting " + join(names) + "\n");
  if (!run_into(r, b, topo, build_start_plan(topo, to_start, whole), o)) return r;
  note(r, o, whole ? "the cluster is up and healthy\n" : "started\n");
  return r;
}

OpResult op_stop(Backend& b, const Topology& topo, const std::vector<std::string>& chosen, bool whole, bool force,
                 const OpOptions& o) {
  OpResult r;
  const std::set<std::string> running = running_instances(b, topo);
  if (whole) {
    if (running.empty()) note(r, o, "no instance is running\n");
    else note(r, o, "stopping the cluster in the manual's order (SP, BP groups, MP)\n");
    if (!running.empty()) run_into(r, b, topo, build_stop_plan(topo), o);
    if (confirm_stopped(r, b, chosen) && r.ok) note(r, o, "every instance has stopped\n");
    return r;
  }
  const std::vector<std::string> targets = running_of(r, o, chosen, running);
  if (targets.empty()) return r;
  if (std::string why = refusal_unless_forced(r, o, topo, running, targets, force); !why.empty()) return failed(why);
  auto leaders = leaders_stopped(b, topo, running, targets);
  std::set<std::string> groups;
  for (const auto& [g, l] : leaders) {
    groups.insert(g);
    note(r, o, l + " is the leader of " + g + "; it fails over, waiting for the new leader\n");
  }
  note(r, o, "stopping " + join(targets) + "\n");
  run_into(r, b, topo, build_stop_some_plan(topo, targets, groups), o);
  if (confirm_stopped(r, b, targets) && r.ok) note(r, o, "stopped " + join(targets) + "\n");
  note(r, o, new_leaders_text(b, topo, leaders));
  return r;
}

OpResult op_kill(Backend& b, const Topology& topo, const std::vector<std::string>& chosen, bool force,
                 const OpOptions& o) {
  OpResult r;
  const std::set<std::string> running = running_instances(b, topo);
  const std::vector<std::string> targets = running_of(r, o, chosen, running);
  if (targets.empty()) return r;
  if (std::string why = refusal_unless_forced(r, o, topo, running, targets, force); !why.empty()) return failed(why);
  auto leaders = leaders_stopped(b, topo, running, targets);
  for (const std::string& t : targets) {
    if (Status st = b.signal(t, Signal::Kill); !st) return failed(st.message());
  }
  wait_for(b, [&] { return std::none_of(targets.begin(), targets.end(), [&](const std::string& t) { return b.server_running(t); }); },
           10000);
  if (!confirm_stopped(r, b, targets)) return r;
  note(r, o, "killed " + join(targets) + " (SIGKILL: their next start replays REDO)\n");
  std::set<std::string> groups;
  for (const auto& [g, l] : leaders) groups.insert(g);
  Plan waits = build_stop_some_plan(topo, targets, groups);
  std::set<std::string> keep;
  for (const Step& s : waits.steps) {
    if (s.kind == StepKind::WaitState) keep.insert(s.id);
  }
  run_into(r, b, topo, sub_plan(waits, keep), o);
  note(r, o, new_leaders_text(b, topo, leaders));
  return r;
}

OpResult op_switchover(Backend& b, const Topology& topo, const ClusterOp& op, const OpOptions& o) {
  if (op.selectors.size() != 1 || op.to.empty()) return failed(std::string("switchover: ") + kOpUsage);
  const RaftGroup* raft = topo.find_raft(op.selectors[0]);
  if (raft == nullptr || !raft->replicated()) {
    return failed("switchover: " + op.selectors[0] + " is not a replicated RAFT group of cluster " + topo.cluster);
  }
  const auto members = topo.members_of(*raft);
  const Instance* to = topo.find_instance(op.to);
  if (to == nullptr || to->raft != raft->name) return failed("switchover: " + op.to + " is not a member of " + raft->name);
  for (const Instance* m : members) {
    if (!b.server_running(m->name)) return failed("switchover: " + m->name + " is not running; start it first");
  }
  OpResult r;
  const std::string old = leader_of(b, topo, *raft);
  if (old.empty()) return failed("switchover: " + raft->name + " has no PRIMARY/OPEN leader now");
  if (old == op.to) {
    note(r, o, op.to + " already leads " + raft->name + "\n");
    return r;
  }
  auto endpoints = sql_endpoints(topo);
  auto elect = [&](const Instance& m, bool on) {
    return sql_now(b, endpoints[m.name], std::string("SP_SET_RAFT_ELECT(") + (on ? "1" : "0") + ")");
  };
  // [model] switchover by restart (docs/simulator.md): only the target may
  // stand for election while the old leader restarts.
  for (const Instance* m : members) {
    if (m == to) continue;
    if (auto e = elect(*m, false); !e) return failed("switchover: SP_SET_RAFT_ELECT(0) on " + m->name + ": " + e.message());
  }
  note(r, o, "elections off on every member of " + raft->name + " but " + op.to + "; exiting " + old + "\n");
  std::set<std::string> groups{raft->name};
  if (!run_into(r, b, topo, build_stop_some_plan(topo, {old}, groups), o)) return r;
  std::string now = leader_of(b, topo, *raft);
  if (!run_into(r, b, topo, build_start_plan(topo, {old}, false), o)) return r;
  for (const Instance* m : members) {
    if (m == to) continue;
    if (auto e = elect(*m, true); !e) return failed("switchover: SP_SET_RAFT_ELECT(1) on " + m->name + ": " + e.message());
  }
  if (now != op.to) return failed("switchover: " + raft->name + " elected " + (now.empty() ? "nobody" : now) + ", not " + op.to);
  note(r, o, op.to + " now leads " + raft->name + "; " + old + " rejoined as a follower\n");
  return r;
}

/// Why `path` (an instance's directory) must not be removed, or "".
std::string unsafe_to_remove(Backend& b, const Topology& topo, const Instance& inst) {
  const std::string& p = inst.path;
  const bool win = p.size() > 2 && p[1] == ':';
  const char sep = win ? '\\' : '/';
  size_t depth = 0;
  for (size_t i = 0; i + 1 < p.size(); ++i) depth += p[i] == sep && p[i + 1] != sep;
  if (!(win || (!p.empty() && p[0] == '/')) || depth < 2) {
    return p + " is not an absolute path at least two levels deep";
  }
  for (const Instance& other : topo.instances) {
    if (&other != &inst && other.path.size() > p.size() && other.path.compare(0, p.size(), p) == 0 &&
        other.path[p.size()] == sep) {
      return p + " holds " + other.name + "'s directory too";
    }
  }
  if (!b.exists(inst.host, db_file(inst, "dm.ini"))) {
    return p + " does not look like a DM instance directory (no " + db_file(inst, "dm.ini") + ")";
  }
  return "";
}

}  // namespace

ExecutorOptions executor_options(const OpOptions& o) {
  ExecutorOptions eo;
  eo.parallel = o.parallel;
  eo.on_event = o.on_event;
  eo.stop_requested = o.stop_requested;
  eo.abort_requested = o.abort_requested;
  return eo;
}

bool run_into(OpResult& r, Backend& b, const Topology& topo, const Plan& plan, const OpOptions& o) {
  if (plan.steps.empty()) return true;
  ExecutionReport rep = run_plan(b, topo, plan, executor_options(o));
  r.reports.push_back(rep);
  r.interrupted = r.interrupted || rep.interrupted;
  if (!rep.ok) {
    r.ok = false;
    r.error = rep.error;
  }
  return rep.ok;
}

OpResult destroy_cluster(Backend& backend, const Topology& topo, const OpOptions& o) {
  std::vector<std::string> all;
  for (const Instance& inst : topo.instances) all.push_back(inst.name);
  OpResult r = op_stop(backend, topo, all, true, false, o);
  if (!r.ok) {
    r.error += "\nnothing was removed";
    return r;
  }
  for (const Instance& inst : topo.instances) {
    if (std::string why = unsafe_to_remove(backend, topo, inst); !why.empty()) {
      note(r, o, "left " + inst.name + "'s directory: " + why + "\n");
      continue;
    }
    if (Status st = backend.remove_tree(inst.host, inst.path); !st) {
      r.ok = false;
      r.error += (r.error.empty() ? "" : "\n") + st.message();
      continue;
    }
    note(r, o, "removed " + inst.name + "'s directory " + inst.path + "\n");
  }
  return r;
}

std::vector<std::string> ClusterOp::words() const {
  std::vector<std::string> w{verb};
  w.insert(w.end(), selectors.begin(), selectors.end());
  if (!to.empty()) w.insert(w.end(), {"--to", to});
  if (force) w.push_back("--force");
  return w;
}

Result<ClusterOp> parse_cluster_op(const std::vector<std::string>& words) {
  static const std::set<std::string> kVerbs{"start", "stop", "restart", "kill", "switchover", "destroy"};
  if (words.empty() || !kVerbs.count(words[0])) return Error{kOpUsage};
  ClusterOp op;
  op.verb = words[0];
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "--force") {
      op.force = true;
    } else if (w == "--to") {
      if (i + 1 >= words.size()) return Error{std::string("--to needs an instance; ") + kOpUsage};
      op.to = words[++i];
    } else if (w == "-N" || w == "-R" || w == "-G") {
      if (i + 1 >= words.size()) return Error{w + " needs a value; " + kOpUsage};
      op.selectors.push_back(w);
      op.selectors.push_back(words[++i]);
    } else if (!w.empty() && w[0] == '-') {
      return Error{"unknown option " + w + "; " + kOpUsage};
    } else {
      op.selectors.push_back(w);
    }
  }
  if (op.verb == "kill" && op.selectors.empty()) return Error{std::string("kill needs instances; ") + kOpUsage};
  if (op.verb == "switchover" && (op.selectors.size() != 1 || op.to.empty())) {
    return Error{std::string("switchover takes one RAFT group and --to INSTANCE; ") + kOpUsage};
  }
  if (op.verb != "switchover" && !op.to.empty()) return Error{"--to is for switchover only"};
  if (op.verb == "destroy" && (!op.selectors.empty() || op.force)) return Error{"destroy takes no instances: it removes the whole cluster"};
  return op;
}

Result<std::vector<std::string>> select_instances(const Topology& topo, const std::vector<std::string>& selectors) {
  std::set<std::string> chosen;
  for (size_t i = 0; i < selectors.size(); ++i) {
    std::string kind = "-N";
    std::string value = selectors[i];
    if ((value == "-N" || value == "-R" || value == "-G") && i + 1 < selectors.size()) {
      kind = value;
      value = selectors[++i];
    }
    for (const std::string& v : split_commas(value)) {
      if (kind == "-N") {
        if (!topo.find_instance(v)) {
          std::vector<std::string> names;
          for (const Instance& inst : topo.instances) names.push_back(inst.name);
          return Error{"no instance '" + v + "' in cluster " + topo.cluster + "; instances: " + join(names)};
        }
        chosen.insert(v);
      } else if (kind == "-R") {
        if (v != "MP" && v != "SP" && v != "BP") return Error{"-R takes MP, SP or BP, got '" + v + "'"};
        for (const Instance& inst : topo.instances) {
          if (role_name(inst.role) == v) chosen.insert(inst.name);
        }
      } else {
        const RaftGroup* raft = topo.find_raft(v);
        if (raft == nullptr) {
          std::vector<std::string> names;
          for (const RaftGroup& g : topo.rafts) names.push_back(g.name);
          return Error{"no RAFT group '" + v + "' in cluster " + topo.cluster + "; groups: " + join(names)};
        }
        for (const Instance* m : topo.members_of(*raft)) chosen.insert(m->name);
      }
    }
  }
  std::vector<std::string> out;
  for (const Instance& inst : topo.instances) {
    if (selectors.empty() || chosen.count(inst.name)) out.push_back(inst.name);
  }
  return out;
}

std::set<std::string> running_instances(Backend& backend, const Topology& topo) {
  std::set<std::string> out;
  for (const Instance& inst : topo.instances) {
    if (backend.server_running(inst.name)) out.insert(inst.name);
  }
  return out;
}

OpResult run_cluster_op(Backend& backend, const Topology& topo, const ClusterOp& op, const OpOptions& options) {
  if (op.verb == "switchover") return op_switchover(backend, topo, op, options);
  if (op.verb == "destroy") return destroy_cluster(backend, topo, options);
  auto chosen = select_instances(topo, op.selectors);
  if (!chosen) return failed(chosen.message());
  const bool whole = op.selectors.empty();
  if (op.verb == "start") return op_start(backend, topo, *chosen, whole, options);
  if (op.verb == "kill") return op_kill(backend, topo, *chosen, op.force, options);
  if (op.verb == "stop") return op_stop(backend, topo, *chosen, whole, op.force, options);
  if (op.verb == "restart") {
    OpResult r = op_stop(backend, topo, *chosen, whole, op.force, options);
    if (!r.ok) return r;
    OpResult s = op_start(backend, topo, *chosen, whole, options);
    s.output = r.output + s.output;
    s.reports.insert(s.reports.begin(), r.reports.begin(), r.reports.end());
    return s;
  }
  return failed(kOpUsage);
}

DeployCheck check_before_deploy(Backend& backend, const Topology& topo, const Plan& deploy_plan) {
  std::vector<std::string> found;
  for (const Instance& inst : topo.instances) {
    if (backend.exists(inst.host, db_file(inst, "dm.ini"))) found.push_back(inst.name);
  }
  DeployCheck c;
  if (found.empty()) return c;
  ExecutorOptions eo;
  eo.endpoints = sql_endpoints(topo);
  if (Executor(backend, eo).already_deployed(deploy_plan)) {
    c.kind = DeployCheck::Kind::Healthy;
    c.message = "cluster " + topo.cluster + " is already deployed and healthy; nothing to do";
    return c;
  }
  c.kind = DeployCheck::Kind::Refused;
  const size_t up = running_instances(backend, topo).size();
  c.message = "cluster " + topo.cluster + " already has databases (" + join(found) + "), and it is " +
              (up == 0 ? "stopped" : "partly running (" + std::to_string(up) + " of " +
                                         std::to_string(topo.instances.size()) + " instances)") +
              "; deploy never re-initialises an existing database, whatever AUTO_OVERWRITE says. "
              "Run 'dpcctl start' to bring it up (or 'dpcctl deploy --resume' to finish a deployment that failed)";
  return c;
}

}  // namespace dpc
