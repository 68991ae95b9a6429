// The cluster commands on DM's real binaries (real-backend/): the state
// directory keeps the journal, the logs, the console FIFOs and pid files,
// so each command finds the servers an earlier one started.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "cli/cluster_cli.h"
#include "cli/cluster_interrupt.h"
#include "core/dm_uninstall.h"
#include "core/install_plan.h"
#include "core/journal.h"
#include "core/plan_builder.h"
#include "core/progress.h"
#include "core/state_dir.h"
#include "real-backend/preflight.h"
#include "real-backend/real_backend.h"
#include "real-backend/real_config.h"

namespace dpc::cli {
namespace {

namespace fs = std::filesystem;

constexpr Millis kStatusConnectTimeoutMs = 3000;

int fail(const ClusterCommand& c, const std::string& why, int code = 1) {
  std::fprintf(stderr, "dpcctl %s: %s\n", c.verb.c_str(), why.c_str());
  return code;
}

int deploy(const ClusterCommand& c, real::RealBackend& backend, const real::RealConfig& cfg,
           const StateDir& state) {
  auto journal = Journal::open(cfg.state_dir, c.topo.cluster);
  if (!journal) return fail(c, journal.message());
  const Plan plan = build_deploy_plan(c.topo);
  if (!c.resume) {
    DeployCheck check = check_before_deploy(backend, c.topo, plan);
    if (check.kind == DeployCheck::Kind::Refused) return fail(c, check.message);
    if (check.kind == DeployCheck::Kind::Healthy) {
      std::printf("%s\n", check.message.c_str());
      return print_status(c, gather_status(backend, c.topo), "");
    }
    auto pre = real::preflight(c.topo, cfg);
    if (!c.json || !pre.ok()) std::fputs(real::format_preflight(pre).c_str(), pre.ok() ? stdout : stderr);
    if (!pre.ok()) return fail(c, "preflight failed; nothing was changed");
    (void)journal->reset();
  }
  ProgressPrinter printer(stdout, c.json);
  ExecutorOptions o;
  o.parallel = c.parallel;
  o.resume = c.resume;
  o.journal = &*journal;
  o.on_event = [&](const StepEvent& e) { printer(e); };
  // Ctrl-C / SIGTERM: the first starts no new step and lets the running
  // ones end; a second gives them up (their tools end with the backend).
  ClusterInterrupt interrupts(c);
  o.stop_requested = interrupts.stop_requested();
  o.abort_requested = interrupts.abort_requested();
  ExecutionReport report = run_plan(backend, c.topo, plan, o);
  if (report.interrupted) {
    return interrupts.finish(cfg.state_dir, &state, &*journal, steps_progress({report}),
                             "to continue, run the same command with --resume", backend.now());
  }
  ClusterStatus st = gather_status(backend, c.topo);
  std::string extra = "journal: " + journal->path();
  if (!report.ok) extra += "\nfix the cause, then run the same command with --resume";
  if (report.ok) {
    if (Status rec = record_deployed_topology(cfg.state_dir, c.args.positional[0]); !rec) {
      extra += "\nwarning: cannot keep the deployed topology in the state directory (" + rec.message() +
               "); scale-out and scale-in need it";
    }
  }
  print_outcome(c, report, plan, st, extra);
  return report.ok ? 0 : 1;
}

/// `dpcctl install`: only the install steps, each deciding on its host
/// whether DM must be put there.
int install(const ClusterCommand& c, real::RealBackend& backend) {
  const Plan plan = build_install_plan(c.topo);
  if (plan.steps.empty()) {
    return fail(c, "no host names a DM package to install from; set defaults.dm_package (or "
                   "hosts.<host>.dm_package) in " + c.args.positional[0] + ", or pass --dm-package PATH", 2);
  }
  ProgressPrinter printer(stdout, c.json);
  ExecutorOptions o;
  o.parallel = c.parallel;
  o.on_event = [&](const StepEvent& e) { printer(e); };
  ExecutionReport report = Executor(backend, o).run(plan);
  if (!c.json) std::printf("\n%s", format_report(report, plan).c_str());
  if (!c.json) std::printf("what each host got: %s/logs/install-<host>.log\n", backend.config().state_dir.c_str());
  return report.ok ? 0 : 1;
}

/// Removes what dpcctl keeps in the state directory, then the directory
/// when nothing else is left in it.
void remove_state_dir(const std::string& dir) {
  std::error_code ec;
  for (const char* part : {"journal.jsonl", "logs", "run", "secrets", "lock", "deployed-topology.json", "conversions.txt"}) {
    fs::remove_all(fs::path(dir) / part, ec);
  }
  fs::remove(dir, ec);
}

}  // namespace

int run_real_command(const ClusterCommand& c) {
  std::map<std::string, std::string> opts;
  for (const auto& name : real::real_option_names()) {
    if (auto v = c.args.get(name)) opts[name] = *v;
  }
  auto cfg = real::real_config_from_options(c.topo, opts);
  if (!cfg) return fail(c, cfg.message(), 2);
  cfg->allow_mixed = c.args.has("allow-mixed");
  if (c.verb == "status" && !opts.count("connect-timeout-ms")) {
    // A status asks servers that run; one that does not answer at once is
    // UNREACHABLE, not worth the deploy's patience (30 s of retries).
    cfg->connect_timeout_ms = std::min<Millis>(cfg->connect_timeout_ms, kStatusConnectTimeoutMs);
  }
  // One run per state directory, private, without symbolic links
  // (core/state_dir.h); `status` only reads and takes no lock. Declared
  // before the backend, so that secrets/ is emptied after the backend has
  // ended any tool still running.
  std::optional<StateDir> state;
  if (c.verb != "status") {
    auto acquired = StateDir::acquire(cfg->state_dir);
    if (!acquired) return fail(c, acquired.message());
    state.emplace(std::move(*acquired));
  }
  // scale-out / scale-in / convert hold the same lock (cli/cluster_real_scale.cc).
  if (is_reshape(c.verb)) return run_real_reshape(c, opts);
  auto backend = real::RealBackend::create(*cfg);
  if (!backend) return fail(c, backend.message());
  if (c.verb == "deploy") return deploy(c, **backend, *cfg, *state);
  if (c.verb == "install") return install(c, **backend);
  if (c.verb == "status") return print_status(c, gather_status(**backend, c.topo), "");
  if (c.verb == "destroy" &&
      !confirm_destroy(c, "every instance directory of cluster " + c.topo.cluster + " and " + cfg->state_dir +
                              (c.args.has("uninstall") ? " and the DM homes dpcctl installed" : ""))) {
    return 2;
  }
  ProgressPrinter printer(stdout, c.json);
  OpOptions o;
  o.parallel = c.parallel;
  o.on_event = [&](const StepEvent& e) { printer(e); };
  if (!c.json) o.on_note = [](const std::string& line) { std::fputs(line.c_str(), stdout); };
  auto op = parse_cluster_op(c.verb == "destroy" ? std::vector<std::string>{"destroy"} : c.words);
  if (!op) return fail(c, op.message(), 2);
  ClusterInterrupt interrupts(c);
  o.stop_requested = interrupts.stop_requested();
  o.abort_requested = interrupts.abort_requested();
  OpResult r = run_cluster_op(**backend, c.topo, *op, o);
  if (r.interrupted) {
    const std::string hint =
        std::string(c.verb == "destroy" ? "nothing was removed; " : "") +
        "to finish, run the same command again (it acts only on what is not done yet); `dpcctl status` "
        "shows where the cluster is";
    return interrupts.finish(cfg->state_dir, &*state, nullptr, steps_progress(r.reports), hint, (*backend)->now());
  }
  if (c.verb == "destroy" && r.ok && c.args.has("uninstall")) {
    UninstallOutcome u = uninstall_dm(**backend, c.topo);
    r.output += u.output;
    if (!u.ok) r.ok = false, r.error = u.error;
  }
  if (c.verb == "destroy" && r.ok) remove_state_dir(cfg->state_dir);
  if (c.json) {
    nlohmann::json j{{"event", "result"}, {"ok", r.ok}, {"output", r.output}};
    if (!r.ok) j["error"] = r.error;
    print_json(j);
  } else {
    std::printf("%s", r.output.c_str());
    if (c.verb == "destroy" && r.ok) std::printf("removed the state directory %s\n", cfg->state_dir.c_str());
  }
  if (!r.ok) return fail(c, r.error);
  if (!c.json && c.verb != "destroy") std::fputs(format_status(gather_status(**backend, c.topo)).c_str(), stdout);
  return 0;
}

}  // namespace dpc::cli
