#include "sim/session.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "core/plan_builder.h"
#include "core/endpoints.h"
#include "sim/catalog/catalog.h"
#include "sim/sim_backend.h"

namespace dpc::sim {
namespace {

bool to_int(const std::string& s, long long& out) {
  char* end = nullptr;
  out = std::strtoll(s.c_str(), &end, 10);
  return !s.empty() && end && *end == '\0';
}

bool to_double(const std::string& s, double& out) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end && *end == '\0';
}

CommandResult fail(std::string error) {
  CommandResult r;
  r.ok = false;
  r.error = std::move(error);
  return r;
}

CommandResult say(std::string output) {
  CommandResult r;
  r.output = std::move(output);
  return r;
}

CommandResult from_status(const Status& st, const std::string& ok_text) {
  return st.ok() ? say(ok_text) : fail(st.message());
}

CommandResult from_report(const ExecutionReport& report, const std::string& what) {
  CommandResult r;
  r.ok = report.ok;
  r.report = report;
  if (report.ok) {
    r.output = what + ": " + std::to_string(report.done) + " steps done in " +
               std::to_string(report.finished - report.started) + " ms (virtual)";
  } else {
    r.error = report.error;
  }
  return r;
}

}  // namespace

std::vector<std::string> split_command(const std::string& line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    // After "sql INST" the rest of the line is the statement.
    if (words.size() == 2 && words[0] == "sql") {
      words.push_back(line.substr(i));
      break;
    }
    std::string w;
    char quote = 0;
    while (i < line.size() && (quote || (line[i] != ' ' && line[i] != '\t'))) {
      char c = line[i++];
      if (quote && c == quote) {
        quote = 0;
      } else if (!quote && (c == '"' || c == '\'')) {
        quote = c;
      } else {
        w += c;
      }
    }
    words.push_back(w);
  }
  return words;
}

const char* session_help() {
  return "commands:\n"
         "  deploy [upto STEP] [parallel N]   run the deploy plan (the steps not yet done)\n"
         "  step STEP                         run one plan step ('plan' lists them)\n"
         "  resume [parallel N]               the deploy plan as deploy --resume runs it\n"
         "  stop                              run the stop plan in the manual's order\n"
         "  start INST [mount]                start dmserver (MOUNT for a RAFT member)\n"
         "  exit INST | exit-all INST         type on the server console\n"
         "  signal INST usr1|term|kill        send a signal; kill INST = signal INST kill\n"
         "  crash-host HOST | restart-host HOST\n"
         "  partition A B [oneway]            cut the link between hosts or instances\n"
         "  heal [A B]                        restore one link, or all\n"
         "  isolate A[,B...]                  cut instances off from all others\n"
         "  after MS FAULT...                 a fault command MS ms from now (mid-deploy)\n"
         "  (kill, signal, isolate, partition, crash-host also take leader:RAFT)\n"
         "  link A B LATENCY_MS [JITTER_MS [LOSS]]\n"
         "  elect INST on|off                 SP_SET_RAFT_ELECT on a RAFT member\n"
         "  advance MS                        let virtual time pass\n"
         "  sql INST STATEMENT                run SQL as SYSDBA on an instance\n"
         "  status | leader RAFT | plan | trace [N] | time | help | quit\n"
         "  write INST FILE TEXT | cat INST FILE   a file in <path>/DAMENG (or absolute)\n"
         "  tool INST dminit|dmrman|dmserver ARGS...  DM's tools as typed, on INST's host\n"
         "  show INST | jitter INST MS        inspect an instance; its election jitter\n";
}

SimSession::SimSession(Topology topo, SimOptions options)
    : topo_(std::move(topo)),
      cluster_(std::make_unique<SimCluster>(std::move(options))),
      backend_(std::make_unique<SimBackend>(*cluster_)),
      deploy_plan_(build_deploy_plan(topo_)),
      stop_plan_(build_stop_plan(topo_)) {
  // Addresses in mp.ini and the catalog (IPs) name the hosts they are on.
  for (const auto& inst : topo_.instances) {
    cluster_->host(inst.host);
    if (!inst.ip_internal.empty() && inst.ip_internal != inst.host) cluster_->add_alias(inst.ip_internal, inst.host);
  }
}

SimSession::~SimSession() = default;

Backend& SimSession::backend() { return *backend_; }

ExecutionReport SimSession::run_subplan(const Plan& plan, const std::set<std::string>& ids, int par) {
  Plan sub;
  sub.cluster = plan.cluster;
  sub.stop = plan.stop;
  for (const auto& s : plan.steps) {
    if (!ids.count(s.id)) continue;
    Step copy = s;
    copy.deps.clear();
    for (const auto& d : s.deps) {
      if (ids.count(d)) copy.deps.push_back(d);
    }
    sub.steps.push_back(copy);
  }
  ExecutorOptions o;
  o.parallel = par;
  o.endpoints = sql_endpoints(topo_);
  o.on_event = on_event;
  if (&plan == &deploy_plan_) o.journal = &journal_;
  ExecutionReport report = Executor(plan_backend(), o).run(sub);
  for (const auto& rec : report.records) {
    if (rec.outcome == StepOutcome::Done || rec.outcome == StepOutcome::Skipped) done_.insert(rec.id);
  }
  return report;
}

ExecutionReport SimSession::deploy(const std::string& upto, int par) {
  std::set<std::string> ids;
  if (upto.empty()) {
    for (const auto& s : deploy_plan_.steps) {
      if (!done_.count(s.id)) ids.insert(s.id);
    }
  } else {
    // The step and everything it depends on, transitively, not yet done.
    std::vector<std::string> todo{upto};
    while (!todo.empty()) {
      std::string id = todo.back();
      todo.pop_back();
      const Step* s = deploy_plan_.find(id);
      if (!s || done_.count(id) || !ids.insert(id).second) continue;
      for (const auto& d : s->deps) todo.push_back(d);
    }
  }
  return run_subplan(deploy_plan_, ids, par);
}

ExecutionReport SimSession::run_step(const std::string& id) {
  const Plan& plan = deploy_plan_.find(id) ? deploy_plan_ : stop_plan_;
  return run_subplan(plan, {id}, 1);
}

ExecutionReport SimSession::stop(int par) {
  std::set<std::string> ids;
  for (const auto& s : stop_plan_.steps) ids.insert(s.id);
  ExecutionReport r = run_subplan(stop_plan_, ids, par);
  if (r.ok) {
    for (const auto& s : deploy_plan_.steps) {
      if (s.kind == StepKind::StartServer || s.kind == StepKind::WaitState || s.kind == StepKind::Verify) {
        done_.erase(s.id);  // a later deploy starts the servers again
      }
    }
  }
  return r;
}

ClusterStatus SimSession::status() { return gather_status(*backend_, topo_); }

CommandResult SimSession::wait_stopped(const std::string& instance, Millis limit_ms) {
  bool down = cluster_->run_until([&] { return !cluster_->view(instance).running; },
                                  cluster_->now() + limit_ms);
  auto v = cluster_->view(instance);
  std::string how = v.last_stop.empty() ? "" : " (" + v.last_stop + (v.last_error.empty() ? "" : ": " + v.last_error) + ")";
  if (!down) return fail(instance + " is still running after " + std::to_string(limit_ms) + " ms");
  return say(instance + " stopped" + how);
}

std::string SimSession::unknown_fault_target(const std::string& name, bool hosts_only) const {
  const std::set<std::string> hosts = topo_.hosts();
  if (hosts.count(name) || (!hosts_only && topo_.find_instance(name))) return "";
  std::string instances;
  for (const Instance& inst : topo_.instances) instances += (instances.empty() ? "" : ", ") + inst.name;
  std::string host_list;
  for (const std::string& h : hosts) host_list += (host_list.empty() ? "" : ", ") + h;
  return "no " + std::string(hosts_only ? "host" : "host or instance") + " named '" + name + "' in cluster " +
         topo_.cluster + "; hosts: " + host_list + (hosts_only ? "" : "; instances: " + instances);
}

CommandResult SimSession::execute(const std::string& line) { return execute(split_command(line)); }

CommandResult SimSession::execute(const std::vector<std::string>& words) {
  if (words.empty()) return say("");
  std::vector<std::string> w = words;
  if (auto why = resolve_leaders(w)) return fail(*why);
  const std::string& cmd = w[0];
  auto need = [&](size_t n, const char* usage) -> std::optional<CommandResult> {
    if (w.size() < n) return fail(std::string("usage: ") + usage);
    return std::nullopt;
  };
  // Faults name hosts or instances of the topology; a typo must not become a
  // partition that silently cuts nothing.
  auto unknown = [&](size_t from, size_t to, bool hosts_only) -> std::optional<CommandResult> {
    for (size_t i = from; i < to && i < w.size(); ++i) {
      std::string why = unknown_fault_target(w[i], hosts_only);
      if (!why.empty()) return fail(w[0] + ": " + why);
    }
    return std::nullopt;
  };
  if (cmd == "help") return say(session_help());
  if (cmd == "deploy") {
    std::string upto;
    int par = parallel;
    for (size_t i = 1; i + 1 < w.size(); i += 2) {
      long long n = 0;
      if (w[i] == "upto") upto = w[i + 1];
      else if (w[i] == "parallel" && to_int(w[i + 1], n) && n > 0) par = static_cast<int>(n);
      else return fail("usage: deploy [upto STEP] [parallel N]");
    }
    if (w.size() % 2 == 0) return fail("usage: deploy [upto STEP] [parallel N]");
    if (!upto.empty() && !deploy_plan_.find(upto)) return fail("no step '" + upto + "' in the deploy plan ('plan' lists them)");
    return from_report(deploy(upto, par), upto.empty() ? "deploy" : "deploy upto " + upto);
  }
  if (cmd == "step") {
    if (auto u = need(2, "step STEP")) return *u;
    if (!deploy_plan_.find(w[1]) && !stop_plan_.find(w[1])) return fail("no step '" + w[1] + "' in the plans ('plan' lists them)");
    return from_report(run_step(w[1]), "step " + w[1]);
  }
  if (cmd == "stop") return from_report(stop(parallel), "stop");
  if (cmd == "plan") {
    std::string out;
    for (const auto& s : deploy_plan_.steps) out += (done_.count(s.id) ? "  [done] " : "         ") + s.id + "\n";
    return say(out);
  }
  if (cmd == "start") {
    if (auto u = need(2, "start INST [mount]")) return *u;
    const Instance* inst = topo_.find_instance(w[1]);
    if (!inst) return fail("no instance '" + w[1] + "' in the topology");
    bool mount = w.size() > 2 && (w[2] == "mount" || w[2] == "MOUNT");
    Status st = cluster_->start_server_sync(inst->host, dmserver_args(*inst, mount));
    return from_status(st, w[1] + " is " + cluster_->view(w[1]).status);
  }
  if (cmd == "exit" || cmd == "exit-all") {
    if (auto u = need(2, "exit INST | exit-all INST")) return *u;
    Status st = cluster_->console(w[1], cmd == "exit" ? "exit" : "exit all");
    if (!st.ok()) return fail(st.message());
    return wait_stopped(w[1], 60000);
  }
  if (cmd == "signal" || cmd == "kill") {
    if (auto u = need(2, "signal INST usr1|term|kill")) return *u;
    std::string which = cmd == "kill" ? "kill" : (w.size() > 2 ? w[2] : "");
    Signal sig;
    if (which == "usr1") sig = Signal::Usr1;
    else if (which == "term") sig = Signal::Term;
    else if (which == "kill") sig = Signal::Kill;
    else return fail("usage: signal INST usr1|term|kill");
    Status st = cluster_->signal(w[1], sig);
    if (!st.ok()) return fail(st.message());
    if (sig == Signal::Kill) return say(w[1] + " killed");
    return wait_stopped(w[1], 60000);
  }
  if (cmd == "crash-host" || cmd == "restart-host") {
    if (auto u = need(2, "crash-host HOST | restart-host HOST")) return *u;
    if (auto u = unknown(1, 2, true)) return *u;
    if (cmd == "crash-host") cluster_->crash_host(w[1]);
    else cluster_->restart_host(w[1]);
    return say("host " + w[1] + (cmd == "crash-host" ? " crashed" : " restarted"));
  }
  if (cmd == "partition") {
    if (auto u = need(3, "partition A B [oneway]")) return *u;
    if (auto u = unknown(1, 3, false)) return *u;
    if (w[1] == w[2]) return fail("partition: A and B are the same; name two hosts or instances");
    bool oneway = w.size() > 3 && w[3] == "oneway";
    cluster_->partition(w[1], w[2], oneway);
    return say("partitioned " + w[1] + (oneway ? " -> " : " <-> ") + w[2]);
  }
  if (cmd == "heal") {
    if (auto u = unknown(1, 3, false)) return *u;
    if (w.size() >= 3) cluster_->heal(w[1], w[2]);
    else cluster_->heal_all();
    return say(w.size() >= 3 ? "healed " + w[1] + " <-> " + w[2] : "healed every link");
  }
  if (cmd == "link") {
    if (auto u = need(4, "link A B LATENCY_MS [JITTER_MS [LOSS]]")) return *u;
    if (auto u = unknown(1, 3, false)) return *u;
    if ((unknown_fault_target(w[1], true).empty()) != (unknown_fault_target(w[2], true).empty())) {
      return fail("link: name two hosts or two instances, not one of each");
    }
    double lat = 0, jit = 0, loss = 0;
    if (!to_double(w[3], lat) || (w.size() > 4 && !to_double(w[4], jit)) || (w.size() > 5 && !to_double(w[5], loss)) ||
        loss < 0 || loss > 1) {
      return fail("usage: link A B LATENCY_MS [JITTER_MS [LOSS 0..1]]");
    }
    cluster_->set_link(w[1], w[2], lat, jit, loss);
    return say("link " + w[1] + " <-> " + w[2] + " set");
  }
  if (cmd == "elect") {
    if (auto u = need(3, "elect INST on|off")) return *u;
    auto rows = cluster_->sql_sync(w[1], std::string("SP_SET_RAFT_ELECT(") + (w[2] == "off" ? "0" : "1") + ")");
    return rows.ok() ? say(w[1] + ": elect " + w[2]) : fail(rows.message());
  }
  if (cmd == "advance") {
    long long ms = 0;
    if (w.size() < 2 || !to_int(w[1], ms) || ms < 0) return fail("usage: advance MS");
    cluster_->advance(ms);
    return say("t = " + std::to_string(cluster_->now()) + " ms");
  }
  if (cmd == "time") return say("t = " + std::to_string(cluster_->now()) + " ms");
  if (cmd == "sql") {
    if (auto u = need(3, "sql INST STATEMENT")) return *u;
    auto rows = cluster_->sql_sync(w[1], w[2]);
    if (!rows.ok()) return fail(rows.message());
    CommandResult r = say(rows->columns.empty() ? "ok" : format_disql(*rows));
    r.rows = *rows;
    return r;
  }
  if (cmd == "status") return say(format_status(status()));
  if (cmd == "leader") {
    if (auto u = need(2, "leader RAFT")) return *u;
    auto l = cluster_->group_leader(w[1]);
    if (!l) return say(w[1] + " has no leader");
    return say(w[1] + " leader " + *l + " term " + std::to_string(cluster_->view(*l).term));
  }
  if (cmd == "trace") {
    long long n = 20;
    if (w.size() > 1 && !to_int(w[1], n)) return fail("usage: trace [N]");
    return say(cluster_->trace().tail(static_cast<size_t>(n)));
  }
  if (auto more = execute_more(w)) return *more;
  if (auto more = execute_faults(w)) return *more;
  return fail("unknown command '" + cmd + "' (type 'help')");
}

}  // namespace dpc::sim
