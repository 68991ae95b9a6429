#include "sim/session.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

#include "core/plan_builder.h"
#include "sim/catalog/catalog.h"
#include "sim/limits.h"
#include "sim/model/dm_home.h"
#include "sim/session_commands.h"
#include "sim/sim_backend.h"

namespace dpc::sim {
namespace {

bool to_int(const std::string& s, long long& out) {
  char* end = nullptr;
  out = std::strtoll(s.c_str(), &end, 10);
  return !s.empty() && end && *end == '\0';
}

bool to_int(const std::string& s, long long& out, long long min, long long max) {
  errno = 0;
  return to_int(s, out) && errno == 0 && out >= min && out <= max;
}

/// A finite number in 0..max (strtod also reads "inf", "nan" and "1e300").
bool to_double(const std::string& s, double& out, double max) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end && *end == '\0' && std::isfinite(out) && out >= 0 && out <= max;
}

CommandResult from_status(const Status& st, const std::string& ok_text) {
  return st.ok() ? command_printed(ok_text) : command_failed(st.message());
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
  set_up_dm_homes(cluster_->world(), topo_.dm_home.empty() ? kSimDefaultDmHome : topo_.dm_home, topo_.hosts());
}

SimSession::~SimSession() = default;

Backend& SimSession::backend() { return *backend_; }

ExecutionReport SimSession::run_subplan(const Plan& plan, const std::set<std::string>& ids, int par) {
  return run_narrowed(sub_plan(plan, ids), par, &plan == &deploy_plan_);
}

ExecutionReport SimSession::run_narrowed(const Plan& sub, int par, bool journal) {
  ExecutorOptions o;
  o.parallel = par;
  o.on_event = on_event;
  if (journal) o.journal = &journal_;
  ExecutionReport report = run_plan(plan_backend(), topo_, sub, o);
  for (const auto& rec : report.records) {
    if (rec.outcome == StepOutcome::Done || rec.outcome == StepOutcome::Skipped) done_.insert(rec.id);
  }
  return report;
}

ExecutionReport SimSession::deploy(const std::string& upto, int par) {
  return run_narrowed(narrow_plan(deploy_plan_, done_, upto), par, true);
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
  if (!down) return command_failed(instance + " is still running after " + std::to_string(limit_ms) + " ms");
  return command_printed(instance + " stopped" + how);
}

CommandResult SimSession::execute(const std::string& line) { return execute(split_command(line)); }

CommandResult SimSession::execute(const std::vector<std::string>& words) {
  if (words.empty()) return command_printed("");
  std::vector<std::string> w = words;
  if (auto why = resolve_leaders(w)) return command_failed(*why);
  // Names are checked before anything runs: a typo must not become a
  // partition that silently cuts nothing.
  if (std::string why = check_session_command(w, topo_); !why.empty()) return command_failed(why);
  return (this->*find_session_command(w[0])->run)(w);
}

CommandResult SimSession::cmd_help(const std::vector<std::string>&) { return command_printed(session_help()); }

CommandResult SimSession::cmd_deploy(const std::vector<std::string>& w) {
  std::string upto;
  int par = parallel;
  for (size_t i = 1; i + 1 < w.size(); i += 2) {
    long long n = 0;
    if (w[i] == "upto") upto = w[i + 1];
    else if (w[i] == "parallel" && to_int(w[i + 1], n, 1, 1000)) par = static_cast<int>(n);
    else return command_failed("usage: deploy [upto STEP] [parallel N]");
  }
  if (w.size() % 2 == 0) return command_failed("usage: deploy [upto STEP] [parallel N]");
  if (!upto.empty() && !deploy_plan_.find(upto)) {
    return command_failed("no step '" + upto + "' in the deploy plan ('plan' lists them)");
  }
  return from_report(deploy(upto, par), upto.empty() ? "deploy" : "deploy upto " + upto);
}

CommandResult SimSession::cmd_step(const std::vector<std::string>& w) {
  if (!deploy_plan_.find(w[1]) && !stop_plan_.find(w[1])) {
    return command_failed("no step '" + w[1] + "' in the plans ('plan' lists them)");
  }
  return from_report(run_step(w[1]), "step " + w[1]);
}

CommandResult SimSession::cmd_stop(const std::vector<std::string>&) { return from_report(stop(parallel), "stop"); }

CommandResult SimSession::cmd_plan(const std::vector<std::string>&) {
  std::string out;
  for (const auto& s : deploy_plan_.steps) out += (done_.count(s.id) ? "  [done] " : "         ") + s.id + "\n";
  return command_printed(out);
}

CommandResult SimSession::cmd_start(const std::vector<std::string>& w) {
  const Instance* inst = topo_.find_instance(w[1]);
  const bool mount = w.size() > 2 && (w[2] == "mount" || w[2] == "MOUNT");
  if (w.size() > 2 && !mount) return command_failed("usage: start INST [mount]");
  Status st = cluster_->start_server_sync(inst->host, dmserver_args(*inst, mount));
  return from_status(st, w[1] + " is " + cluster_->view(w[1]).status);
}

CommandResult SimSession::cmd_exit(const std::vector<std::string>& w) {
  Status st = cluster_->console(w[1], w[0] == "exit" ? "exit" : "exit all");
  if (!st.ok()) return command_failed(st.message());
  return wait_stopped(w[1], 60000);
}

CommandResult SimSession::cmd_signal(const std::vector<std::string>& w) {
  const std::string which = w[0] == "kill" ? "kill" : w[2];
  Signal sig;
  if (which == "usr1") sig = Signal::Usr1;
  else if (which == "term") sig = Signal::Term;
  else if (which == "kill") sig = Signal::Kill;
  else return command_failed("usage: signal INST usr1|term|kill");
  Status st = cluster_->signal(w[1], sig);
  if (!st.ok()) return command_failed(st.message());
  if (sig == Signal::Kill) return command_printed(w[1] + " killed");
  return wait_stopped(w[1], 60000);
}

CommandResult SimSession::cmd_host(const std::vector<std::string>& w) {
  const bool crash = w[0] == "crash-host";
  if (crash) cluster_->crash_host(w[1]);
  else cluster_->restart_host(w[1]);
  return command_printed("host " + w[1] + (crash ? " crashed" : " restarted"));
}

CommandResult SimSession::cmd_partition(const std::vector<std::string>& w) {
  if (w[1] == w[2]) return command_failed("partition: A and B are the same; name two hosts or instances");
  const bool oneway = w.size() > 3 && w[3] == "oneway";
  if (w.size() > 3 && !oneway) return command_failed("usage: partition A B [oneway]");
  cluster_->partition(w[1], w[2], oneway);
  return command_printed("partitioned " + w[1] + (oneway ? " -> " : " <-> ") + w[2]);
}

CommandResult SimSession::cmd_heal(const std::vector<std::string>& w) {
  if (w.size() == 2) {
    return command_failed("usage: heal [A B] (name both ends of the link, or none to heal every link)");
  }
  if (w.size() == 3) cluster_->heal(w[1], w[2]);
  else cluster_->heal_all();
  return command_printed(w.size() == 3 ? "healed " + w[1] + " <-> " + w[2] : "healed every link");
}

CommandResult SimSession::cmd_link(const std::vector<std::string>& w) {
  if (unknown_host_or_instance(topo_, w[1], true).empty() != unknown_host_or_instance(topo_, w[2], true).empty()) {
    return command_failed("link: name two hosts or two instances, not one of each");
  }
  double lat = 0, jit = 0, loss = 0;
  if (!to_double(w[3], lat, kMaxLinkDelayMs) || (w.size() > 4 && !to_double(w[4], jit, kMaxLinkDelayMs)) ||
      (w.size() > 5 && !to_double(w[5], loss, 1))) {
    return command_failed("usage: link A B LATENCY_MS [JITTER_MS [LOSS]]: latency and jitter 0..60000 ms, "
                          "loss 0..1 (a slower link is a partition: use 'partition' or loss 1)");
  }
  cluster_->set_link(w[1], w[2], lat, jit, loss);
  return command_printed("link " + w[1] + " <-> " + w[2] + " set");
}

CommandResult SimSession::cmd_elect(const std::vector<std::string>& w) {
  if (w[2] != "on" && w[2] != "off") return command_failed("usage: elect INST on|off");
  auto rows = cluster_->sql_sync(w[1], std::string("SP_SET_RAFT_ELECT(") + (w[2] == "off" ? "0" : "1") + ")");
  return rows.ok() ? command_printed(w[1] + ": elect " + w[2]) : command_failed(rows.message());
}

CommandResult SimSession::cmd_advance(const std::vector<std::string>& w) {
  long long ms = 0;
  if (!to_int(w[1], ms, 0, kMaxVirtualWaitMs)) {
    return command_failed("usage: advance MS (0..86400000: at most 24 virtual hours at once)");
  }
  cluster_->advance(ms);
  return command_printed("t = " + std::to_string(cluster_->now()) + " ms");
}

CommandResult SimSession::cmd_time(const std::vector<std::string>&) {
  return command_printed("t = " + std::to_string(cluster_->now()) + " ms");
}

CommandResult SimSession::cmd_sql(const std::vector<std::string>& w) {
  auto rows = cluster_->sql_sync(w[1], w[2]);
  if (!rows.ok()) return command_failed(rows.message());
  CommandResult r = command_printed(rows->columns.empty() ? "ok" : format_disql(*rows));
  r.rows = *rows;
  return r;
}

CommandResult SimSession::cmd_status(const std::vector<std::string>&) {
  return command_printed(format_status(status()));
}

CommandResult SimSession::cmd_leader(const std::vector<std::string>& w) {
  auto l = cluster_->group_leader(w[1]);
  if (!l) return command_printed(w[1] + " has no leader");
  return command_printed(w[1] + " leader " + *l + " term " + std::to_string(cluster_->view(*l).term));
}

CommandResult SimSession::cmd_trace(const std::vector<std::string>& w) {
  long long n = 20;
  if (w.size() > 1 && !to_int(w[1], n, 0, std::numeric_limits<long long>::max())) {
    return command_failed("usage: trace [N]");
  }
  return command_printed(cluster_->trace().tail(static_cast<size_t>(n)));
}

}  // namespace dpc::sim
