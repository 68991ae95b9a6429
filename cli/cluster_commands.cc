// dpcctl deploy / status / start / stop / restart / kill / switchover /
// destroy: the life of a cluster, on the simulator or on DM's real binaries.
// Both keep the cluster between commands in a state directory: the real
// backend its journal, logs and pid files; the simulator the cluster's
// history (sim/sim_history.h), replayed by every later command.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <set>
#include <string>

#include "cli/args.h"
#include "cli/cluster_cli.h"
#include "cli/commands.h"
#include "cli/sim_args.h"
#include "cli/topology_arg.h"
#include "core/diagnostic.h"
#include "core/install_plan.h"
#include "core/progress.h"
#include "core/scale_ops.h"
#include "real-backend/real_config.h"

namespace dpc::cli {
namespace {

std::string usage(const std::string& verb) {
  std::string what = verb == "deploy"     ? "FILE"
                     : verb == "status"   ? "FILE [--json]"
                     : verb == "switchover" ? "FILE RAFT --to INSTANCE"
                     : verb == "destroy"  ? "FILE [--yes] [--uninstall]"
                     : verb == "install"  ? "FILE [--dm-package PATH]"
                     : verb == "kill"     ? "FILE SEL... [--force]"
                     : verb == "scale-out" || verb == "scale-in" ? "FILE [--dry-run]"
                     : verb == "convert"  ? "FILE INSTANCE --to shadow|raft [--dry-run]"
                                          : "FILE [SEL...] [--force]";
  return "usage: dpcctl " + verb + " " + what +
         " [--backend=sim|real] [options]\n"
         "\n"
         "SEL chooses instances: NAME, -N NAME[,NAME...], -R MP|SP|BP[,...], -G RAFT[,...]\n"
         "(start/stop/restart without SEL act on the whole cluster, in the manual's order).\n"
         "scale-out/scale-in compare FILE with the deployed topology kept in the state directory and\n"
         "add or remove the difference on the running cluster; convert makes a BP RAFT member a shadow\n"
         "replica (--to shadow) or a voting member again (--to raft), manual 7.5.2. --dry-run prints the plan.\n"
         "common options:\n"
         "  --backend sim|real   the simulator (default) or DM's own binaries\n"
         "  --state-dir DIR      where the cluster is kept between commands\n"
         "                       (default .dpcctl/<cluster>, .dpcctl/<cluster>.sim on the simulator)\n"
         "  --parallel N         at most N steps at once (default 4)\n"
         "  --json               one JSON object per event instead of text\n"
         "  --force              stop or kill the MP or a group's majority while the rest runs\n"
         "  --yes                destroy without asking\n"
         "  --dm-package PATH    deploy, install: put DM where a host lacks it or holds another build,\n"
         "                       from a DM home directory, a tarball of one, or DM's DMInstall.bin\n"
         "                       (over the topology's dm_package)\n"
         "  --allow-mixed        deploy: let preflight pass hosts whose DM builds differ\n"
         "  --uninstall          destroy: also remove DM homes dpcctl installed itself\n"
         "simulator options (taken when the cluster is first deployed):\n" +
         std::string(sim_options_usage()) +
         "  --trace FILE         write the simulation's event trace\n"
         "real-backend options:\n"
         "  --resume             continue a failed deployment from the state directory's journal\n"
         "  --dm-home DIR        the DM installation (bin/dminit, bin/dmserver, bin/dmrman)\n"
         "  --dminit/--dmserver/--dmrman PATH, --odbc-driver NAME, --odbc-dsn DSN,\n"
         "  --password-env VAR, --password-file FILE, --connect-timeout-ms N, --ready-timeout-ms N\n"
         "  --ssh-user U, --ssh-port N, --ssh-identity FILE, --ssh-jump HOST, --ssh-option K=V,\n"
         "  --ssh-connect-timeout S   ssh to the other hosts (over the topology's ssh settings)\n"
         "  --odbc-connection T  ODBC connection-string template for another driver (%HOST%, %PORT%, ...)\n"
         "  --sql-via direct|tunnel   SQL straight to each instance, or through SSH local forwards\n"
         "  --ssh-copy auto|direct|via-control   backup sets host to host when the hosts reach each\n"
         "                       other over SSH (auto), host to host only, or through this machine\n"
         "\n"
         "exit status: 0 success (status: healthy), 1 failure (status: degraded or down), 2 usage error\n";
}

/// The verb's shape: whether it reshapes the cluster or takes selectors.
struct VerbKind {
  bool reshape = false;          ///< scale-out, scale-in, convert
  bool takes_selectors = false;  ///< start, stop, restart, kill, switchover
};

/// The checks of flags that belong to other verbs, and of the positional
/// words; the exit status when one fails.
std::optional<int> check_usage(const std::string& verb, const Args& args, VerbKind kind) {
  const size_t want_positional = verb == "convert" ? 2 : 1;
  if (args.positional.empty() || (!kind.takes_selectors && args.positional.size() != want_positional)) {
    std::fprintf(stderr, "dpcctl %s: %s\n\n%s", verb.c_str(),
                 args.positional.empty() ? "missing the topology FILE"
                 : verb == "convert"     ? "give the topology FILE and one INSTANCE"
                                         : "give exactly one topology FILE",
                 usage(verb).c_str());
    return 2;
  }
  if (args.has("dry-run") && !kind.reshape) {
    std::fprintf(stderr, "dpcctl %s: --dry-run is for scale-out, scale-in and convert\n", verb.c_str());
    return 2;
  }
  if (args.has("uninstall") && verb != "destroy") {
    std::fprintf(stderr, "dpcctl %s: --uninstall is for destroy\n", verb.c_str());
    return 2;
  }
  if (args.has("resume") && verb != "deploy") {
    std::fprintf(stderr, "dpcctl %s: --resume is for deploy\n", verb.c_str());
    return 2;
  }
  return std::nullopt;
}

/// A reshaping verb's words (convert: the instance and --to); the exit
/// status when they are wrong.
std::optional<int> reshape_words(const std::string& verb, const Args& args, ClusterCommand& c) {
  c.dry_run = args.has("dry-run");
  c.words = {verb};
  if (verb == "convert") {
    auto to = args.get("to");
    if (!to) {
      std::fprintf(stderr, "dpcctl convert: missing --to shadow|raft\n\n%s", usage(verb).c_str());
      return 2;
    }
    if (auto k = parse_convert_target(*to); !k) {
      std::fprintf(stderr, "dpcctl convert: %s\n", k.message().c_str());
      return 2;
    }
    c.words = {"convert", args.positional[1], "--to", *to};
  }
  if (args.has("force")) {
    std::fprintf(stderr, "dpcctl %s: --force is for start, stop, restart and kill\n", verb.c_str());
    return 2;
  }
  if (verb != "convert" && args.has("to")) {
    std::fprintf(stderr, "dpcctl %s: --to is for convert and switchover\n", verb.c_str());
    return 2;
  }
  return std::nullopt;
}

/// The operation's words: a reshape, or the verb with its selectors, --to
/// and --force; the exit status when they are wrong.
std::optional<int> command_words(const std::string& verb, const Args& args, VerbKind kind, ClusterCommand& c) {
  if (kind.reshape) return reshape_words(verb, args, c);
  if (kind.takes_selectors) {
    c.words = {verb};
    c.words.insert(c.words.end(), args.positional.begin() + 1, args.positional.end());
    if (auto to = args.get("to")) c.words.insert(c.words.end(), {"--to", *to});
    if (args.has("force")) c.words.push_back("--force");
    auto op = parse_cluster_op(c.words);
    if (!op) {
      std::fprintf(stderr, "dpcctl %s: %s\n\n%s", verb.c_str(), op.message().c_str(), usage(verb).c_str());
      return 2;
    }
  } else if (args.has("to") || args.has("force")) {
    std::fprintf(stderr, "dpcctl %s: --to and --force are for start, stop, restart, kill and switchover\n",
                 verb.c_str());
    return 2;
  }
  return std::nullopt;
}

/// The topology file loaded into `c`, with --dm-home and --dm-package
/// applied and the selectors checked against it; the exit status when not.
std::optional<int> command_topology(const std::string& verb, const Args& args, VerbKind kind, ClusterCommand& c) {
  auto topo = load_topology_arg(args.positional[0], verb);
  if (!topo) return 1;
  c.topo = *topo;
  if (auto home = args.get("dm-home")) c.topo.dm_home = *home;  // install steps go where the tools are run
  if (auto pkg = args.get("dm-package")) {
    if (pkg->empty() || c.topo.dm_home.empty()) {
      std::fprintf(stderr, "dpcctl %s: --dm-package needs a package path and a DM home to install into "
                   "(defaults.dm_home or --dm-home)\n", verb.c_str());
      return 2;
    }
    c.topo.dm_package = *pkg;  // over defaults.dm_package and every hosts.<host>.dm_package
    c.topo.host_dm_package.clear();
  }
  if (kind.takes_selectors && verb != "switchover") {
    auto chosen = select_instances(c.topo, std::vector<std::string>(c.words.begin() + 1, c.words.end()));
    if (!chosen) return std::fprintf(stderr, "dpcctl %s: %s\n", verb.c_str(), chosen.message().c_str()), 2;
  }
  return std::nullopt;
}

int run_cluster_command(const std::string& verb, const Words& words) {
  std::set<std::string> options = sim_option_names();
  options.insert({"backend", "parallel", "trace", "to", "dm-package"});
  for (const auto& n : real::real_option_names()) options.insert(n);
  auto args = parse_args(words, {"json", "resume", "help", "force", "yes", "dry-run", "allow-mixed", "uninstall", "fold-heartbeats"}, options);
  if (!args) {
    std::fprintf(stderr, "dpcctl %s: %s\n\n%s", verb.c_str(), args.message().c_str(), usage(verb).c_str());
    return 2;
  }
  if (args->has("help")) return std::fputs(usage(verb).c_str(), stdout), 0;
  VerbKind kind;
  kind.reshape = verb == "scale-out" || verb == "scale-in" || verb == "convert";
  kind.takes_selectors =
      verb != "deploy" && verb != "status" && verb != "destroy" && verb != "install" && !kind.reshape;
  if (auto rc = check_usage(verb, *args, kind)) return *rc;
  ClusterCommand c;
  c.verb = verb;
  c.args = *args;
  c.json = args->has("json");
  c.resume = args->has("resume");
  if (auto p = args->get("parallel")) {
    auto n = parse_number("parallel", *p);
    if (!n || *n < 1) {
      std::fprintf(stderr, "dpcctl %s: option --parallel takes a whole number >= 1, got '%s'\n", verb.c_str(),
                   p->c_str());
      return 2;
    }
    c.parallel = static_cast<int>(*n);
  }
  if (auto rc = command_words(verb, *args, kind, c)) return *rc;
  if (auto rc = command_topology(verb, *args, kind, c)) return *rc;
  if (verb == "install" && build_install_plan(c.topo).steps.empty()) {
    std::fprintf(stderr, "dpcctl install: no host names a DM package to install from; set defaults.dm_package "
                         "(or hosts.<host>.dm_package) in %s, or pass --dm-package PATH\n",
                 args->positional[0].c_str());
    return 2;
  }
  const std::string backend = args->get_or("backend", "sim");
  if (backend == "sim") return run_sim_command(c);
  if (backend == "real") return run_real_command(c);
  std::fprintf(stderr, "dpcctl %s: --backend takes 'sim' or 'real', got '%s'\n", verb.c_str(), backend.c_str());
  return 2;
}

}  // namespace

void print_json(const nlohmann::json& j) { std::printf("%s\n", json_output(j, -1).c_str()); }

nlohmann::json status_json(const ClusterStatus& st) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& s : st.instances) {
    nlohmann::json row{{"instance", s.name}, {"role", s.role},     {"raft", s.raft},
                       {"state", s.state},   {"mode", s.mode},     {"status", s.status},
                       {"leader", s.leader}, {"term", s.term},     {"lag", s.lag}};
    if (!s.note.empty()) row["note"] = s.note;
    rows.push_back(row);
  }
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : st.groups) groups.push_back({{"raft", g.name}, {"leader", g.leader}, {"term", g.term}});
  return {{"instances", rows}, {"groups", groups},   {"healthy", st.healthy},
          {"degraded", st.degraded}, {"notes", st.notes}, {"health", st.health_note}};
}

int print_status(const ClusterCommand& c, const ClusterStatus& st, const std::string& extra) {
  if (c.json) {
    print_json(status_json(st));
  } else {
    std::fputs(format_status(st).c_str(), stdout);
    if (!extra.empty()) std::printf("%s\n", extra.c_str());
  }
  return st.exit_code();
}

void print_outcome(const ClusterCommand& c, const ExecutionReport& report, const Plan& plan,
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
  const std::string table = format_status(st, !plan.stop);
  std::printf("\n%s\n%s", format_report(report, plan).c_str(), table.c_str());
  if (!extra.empty()) std::printf("%s\n", extra.c_str());
}

bool confirm_destroy(const ClusterCommand& c, const std::string& what) {
  if (c.args.has("yes")) return true;
  if (!isatty(STDIN_FILENO)) {
    std::fprintf(stderr, "dpcctl destroy: this removes %s; run it on a terminal to confirm, or add --yes\n",
                 what.c_str());
    return false;
  }
  std::printf("This removes %s.\nType the cluster name (%s) to go on: ", what.c_str(), c.topo.cluster.c_str());
  std::fflush(stdout);
  std::string answer;
  if (!std::getline(std::cin, answer) || answer != c.topo.cluster) {
    std::fprintf(stderr, "dpcctl destroy: not confirmed; nothing was removed\n");
    return false;
  }
  return true;
}

int cmd_deploy(const Words& words) { return run_cluster_command("deploy", words); }
int cmd_stop(const Words& words) { return run_cluster_command("stop", words); }
int cmd_status(const Words& words) { return run_cluster_command("status", words); }
int cmd_start(const Words& words) { return run_cluster_command("start", words); }
int cmd_restart(const Words& words) { return run_cluster_command("restart", words); }
int cmd_kill(const Words& words) { return run_cluster_command("kill", words); }
int cmd_switchover(const Words& words) { return run_cluster_command("switchover", words); }
int cmd_destroy(const Words& words) { return run_cluster_command("destroy", words); }
int cmd_scale_out(const Words& words) { return run_cluster_command("scale-out", words); }
int cmd_scale_in(const Words& words) { return run_cluster_command("scale-in", words); }
int cmd_convert(const Words& words) { return run_cluster_command("convert", words); }
int cmd_install(const Words& words) { return run_cluster_command("install", words); }

}  // namespace dpc::cli
