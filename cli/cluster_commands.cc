// dpcctl deploy / stop / status: run the deploy or stop plan of a topology,
// or print its cluster table, on the simulator or on DM's real binaries.
//
// On the simulator every command starts from a fresh cluster built from the
// seed (the simulated cluster lives only in this process), so `stop` and
// `status` first deploy it quietly; `dpcctl shell` keeps one cluster across
// commands. On the real backend the state directory's journal carries a
// deployment across runs (--resume).
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/topology_arg.h"
#include "core/cluster_status.h"
#include "core/endpoints.h"
#include "core/executor.h"
#include "core/journal.h"
#include "core/plan_builder.h"
#include "core/progress.h"
#include "real-backend/preflight.h"
#include "real-backend/real_backend.h"
#include "real-backend/real_config.h"
#include "sim/session.h"
#include "sim/engine/timing_profile.h"

namespace dpc::cli {
namespace {

enum class Action { Deploy, Stop, Status };

const char* name_of(Action a) {
  return a == Action::Deploy ? "deploy" : a == Action::Stop ? "stop" : "status";
}

std::string usage(Action a) {
  std::string n = name_of(a);
  return "usage: dpcctl " + n +
         " FILE [--backend=sim|real] [options]\n"
         "\n"
         "common options:\n"
         "  --backend sim|real   the simulator (default) or DM's own binaries\n"
         "  --parallel N         at most N steps at once (default 4)\n"
         "  --json               one JSON object per event instead of text\n"
         "simulator options:\n"
         "  --seed N             the simulation's seed (default 1)\n"
         "  --jitter MS          election-timeout jitter bound for every RAFT node (default 0)\n"
         "  --profile FILE       a timing profile (docs/simulator.md)\n"
         "  --trace FILE         write the simulation's event trace\n"
         "real-backend options:\n"
         "  --resume             continue a failed deployment from the state directory's journal\n"
         "  --state-dir DIR      logs, journal and run files (default .dpcctl/<cluster>)\n"
         "  --dm-home DIR        the DM installation (bin/dminit, bin/dmserver, bin/dmrman)\n"
         "  --dminit/--dmserver/--dmrman PATH, --odbc-driver NAME, --odbc-dsn DSN,\n"
         "  --password-env VAR, --password-file FILE, --connect-timeout-ms N, --ready-timeout-ms N\n"
         "\n"
         "On the simulator each command starts from a fresh cluster built from the seed, so\n"
         "'stop' and 'status' deploy it first; use 'dpcctl shell' to keep one cluster.\n"
         "exit status: 0 success, 1 failure, 2 usage error\n";
}

struct Common {
  Args args;
  Topology topo;
  int parallel = 4;
  bool json = false;
};

void print_json(const nlohmann::json& j) { std::printf("%s\n", j.dump().c_str()); }

nlohmann::json status_json(const ClusterStatus& st) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& s : st.instances) {
    rows.push_back({{"instance", s.name}, {"role", s.role}, {"raft", s.raft}, {"mode", s.mode},
                    {"status", s.status}, {"leader", s.leader}, {"term", s.term}});
  }
  return {{"instances", rows}, {"healthy", st.healthy}, {"health", st.health_note}};
}

/// Prints the end of a plan run (text or JSON) and the cluster table.
void print_outcome(const Common& c, const ExecutionReport& report, const Plan& plan,
                   const ClusterStatus& st, const std::string& extra) {
  if (c.json) {
    nlohmann::json j{{"event", "result"},
                     {"ok", report.ok},
                     {"steps_done", report.done},
                     {"steps_skipped", report.skipped},
                     {"elapsed_ms", report.finished - report.started},
                     {"critical_path", report.critical_path},
                     {"cluster", status_json(st)}};
    if (!report.ok) j["error"] = report.error, j["failed_step"] = report.failed_step;
    print_json(j);
    return;
  }
  std::string table = format_status(st);
  if (plan.stop) table = table.substr(0, table.rfind("\n", table.size() - 2) + 1);  // no health line
  std::printf("\n%s\n%s", format_report(report, plan).c_str(), table.c_str());
  if (!extra.empty()) std::printf("%s\n", extra.c_str());
}

int run_sim(Action action, const Common& c) {
  sim::SimOptions so;
  if (auto s = c.args.get("seed")) {
    auto n = parse_number("seed", *s);
    if (!n) return std::fprintf(stderr, "dpcctl %s: %s\n", name_of(action), n.message().c_str()), 2;
    so.seed = static_cast<uint64_t>(*n);
  }
  if (auto s = c.args.get("jitter")) {
    auto n = parse_number("jitter", *s);
    if (!n) return std::fprintf(stderr, "dpcctl %s: %s\n", name_of(action), n.message().c_str()), 2;
    so.jitter_ms = *n;
  }
  if (auto p = c.args.get("profile")) {
    std::ifstream in(*p);
    if (!in) return std::fprintf(stderr, "dpcctl %s: cannot read timing profile %s\n", name_of(action), p->c_str()), 1;
    std::stringstream ss;
    ss << in.rdbuf();
    auto prof = sim::parse_timing_profile(ss.str(), *p);
    if (!prof) return std::fprintf(stderr, "dpcctl %s: %s\n", name_of(action), prof.message().c_str()), 1;
    so.timing = *prof;
  }
  if (c.args.has("resume")) {
    std::fprintf(stderr,
                 "dpcctl %s: --resume needs a cluster that outlives this command; the simulated cluster "
                 "lives only in this process (use --backend=real, or 'dpcctl shell' / scenario files)\n",
                 name_of(action));
    return 2;
  }
  // The trace hash covers every event either way; the events themselves are
  // kept only when asked for, so memory does not grow with the run.
  so.trace = c.args.has("trace") ? sim::TraceMode::Full : sim::TraceMode::Tail;
  sim::SimSession session(c.topo, so);
  ProgressPrinter printer(stdout, c.json);
  const uint64_t seed = so.seed;
  if (!c.json) {
    std::printf("%s cluster %s (%zu instances) on the simulator, seed %llu, parallel %d\n",
                action == Action::Deploy ? "deploying" : "deploying (quietly, to have a cluster) the",
                c.topo.cluster.c_str(), c.topo.instances.size(), static_cast<unsigned long long>(seed),
                c.parallel);
  }
  if (action == Action::Deploy) session.on_event = [&](const StepEvent& e) { printer(e); };
  ExecutionReport deployed = session.deploy("", c.parallel);
  ExecutionReport report = deployed;
  const Plan* plan = &session.deploy_plan();
  if (action == Action::Stop && deployed.ok) {
    if (!c.json) std::printf("deployed in %lld ms (virtual); now the stop plan:\n",
                             static_cast<long long>(deployed.finished - deployed.started));
    session.on_event = [&](const StepEvent& e) { printer(e); };
    report = session.stop(c.parallel);
    plan = &session.stop_plan();
  }
  ClusterStatus st = session.status();
  std::string extra = "virtual time: " + std::to_string(session.cluster().now()) + " ms; trace hash " +
                      session.cluster().trace().hash_hex() + " (seed " + std::to_string(seed) + "); " +
                      std::to_string(session.cluster().trace().count()) + " events";
  if (action == Action::Stop) {
    std::string halts;
    for (const auto& inst : c.topo.instances) {
      auto v = session.cluster().view(inst.name);
      if (v.halted) halts += " " + inst.name;
    }
    extra += halts.empty() ? "\nevery instance exited normally (no HALT)" : "\nHALTED:" + halts;
  }
  if (action == Action::Status) {
    if (c.json) print_json(status_json(st));
    else std::printf("%s%s\n", format_status(st).c_str(), extra.c_str());
  } else {
    print_outcome(c, report, *plan, st, extra);
  }
  for (const auto& v : session.cluster().violations()) std::fprintf(stderr, "%s\n", v.render().c_str());
  if (auto t = c.args.get("trace")) {
    std::ofstream out(*t);
    out << session.cluster().trace().text();
    if (!out) std::fprintf(stderr, "dpcctl %s: cannot write trace %s\n", name_of(action), t->c_str());
  }
  bool ok = report.ok && session.cluster().violations().empty() &&
            (action != Action::Deploy || st.healthy) && (action != Action::Status || st.healthy);
  return ok ? 0 : 1;
}

int run_real(Action action, const Common& c) {
  std::map<std::string, std::string> opts;
  for (const auto& name : real::real_option_names()) {
    if (auto v = c.args.get(name)) opts[name] = *v;
  }
  auto cfg = real::real_config_from_options(c.topo, opts);
  if (!cfg) return std::fprintf(stderr, "dpcctl %s: %s\n", name_of(action), cfg.message().c_str()), 2;
  const bool resume = c.args.has("resume");
  if (action == Action::Deploy && !resume) {
    auto pre = real::preflight(c.topo, *cfg);
    if (!c.json || !pre.ok()) std::fputs(real::format_preflight(pre).c_str(), pre.ok() ? stdout : stderr);
    if (!pre.ok()) {
      std::fprintf(stderr, "dpcctl deploy: preflight failed; nothing was changed\n");
      return 1;
    }
  }
  auto backend = real::RealBackend::create(*cfg);
  if (!backend) return std::fprintf(stderr, "dpcctl %s: %s\n", name_of(action), backend.message().c_str()), 1;
  auto journal = Journal::open(cfg->state_dir, c.topo.cluster);
  if (!journal) return std::fprintf(stderr, "dpcctl %s: %s\n", name_of(action), journal.message().c_str()), 1;
  ProgressPrinter printer(stdout, c.json);
  ExecutorOptions o;
  o.parallel = c.parallel;
  o.resume = resume;
  o.journal = &*journal;
  o.endpoints = sql_endpoints(c.topo);
  o.on_event = [&](const StepEvent& e) { printer(e); };
  Executor exec(**backend, o);
  if (action == Action::Status) {
    ClusterStatus st = gather_status(**backend, c.topo);
    if (c.json) print_json(status_json(st));
    else std::fputs(format_status(st).c_str(), stdout);
    return st.healthy ? 0 : 1;
  }
  Plan plan = action == Action::Deploy ? build_deploy_plan(c.topo) : build_stop_plan(c.topo);
  if (action == Action::Deploy && exec.already_deployed(plan)) {
    std::printf("cluster %s is already deployed and healthy; nothing to do\n", c.topo.cluster.c_str());
    std::fputs(format_status(gather_status(**backend, c.topo)).c_str(), stdout);
    return 0;
  }
  if (action == Action::Deploy && !resume) (void)journal->reset();
  ExecutionReport report = exec.run(plan);
  ClusterStatus st = gather_status(**backend, c.topo);
  std::string extra = "journal: " + journal->path();
  if (!report.ok && action == Action::Deploy) extra += "\nfix the cause, then run the same command with --resume";
  print_outcome(c, report, plan, st, extra);
  return report.ok ? 0 : 1;
}

int run_cluster_command(Action action, const Words& words) {
  std::set<std::string> options{"backend", "seed", "jitter", "parallel", "trace", "profile"};
  for (const auto& n : real::real_option_names()) options.insert(n);
  auto args = parse_args(words, {"json", "resume", "help"}, options);
  if (!args) {
    std::fprintf(stderr, "dpcctl %s: %s\n\n%s", name_of(action), args.message().c_str(), usage(action).c_str());
    return 2;
  }
  if (args->has("help")) return std::fputs(usage(action).c_str(), stdout), 0;
  if (args->positional.size() != 1) {
    std::fprintf(stderr, "dpcctl %s: %s\n\n%s", name_of(action),
                 args->positional.empty() ? "missing the topology FILE" : "give exactly one topology FILE",
                 usage(action).c_str());
    return 2;
  }
  Common c;
  c.args = *args;
  c.json = args->has("json");
  if (auto p = args->get("parallel")) {
    auto n = parse_number("parallel", *p);
    if (!n || *n < 1) {
      std::fprintf(stderr, "dpcctl %s: option --parallel takes a whole number >= 1, got '%s'\n",
                   name_of(action), p->c_str());
      return 2;
    }
    c.parallel = static_cast<int>(*n);
  }
  auto topo = load_topology_arg(args->positional[0], name_of(action));
  if (!topo) return 1;
  c.topo = *topo;
  const std::string backend = args->get_or("backend", "sim");
  if (backend == "sim") return run_sim(action, c);
  if (backend == "real") return run_real(action, c);
  std::fprintf(stderr, "dpcctl %s: --backend takes 'sim' or 'real', got '%s'\n", name_of(action), backend.c_str());
  return 2;
}

}  // namespace

int cmd_deploy(const Words& words) { return run_cluster_command(Action::Deploy, words); }
int cmd_stop(const Words& words) { return run_cluster_command(Action::Stop, words); }
int cmd_status(const Words& words) { return run_cluster_command(Action::Status, words); }

}  // namespace dpc::cli
