// The cluster commands on the simulator. The simulated cluster outlives one
// command through its history (sim/sim_history.h) in the state directory:
// each command rebuilds the cluster from the seed, replays the history,
// applies itself through the session's `ctl` words and appends one line.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "cli/cluster_cli.h"
#include "cli/sim_args.h"
#include <set>

#include "core/diagnostic.h"
#include "core/plan_builder.h"
#include "core/plan_render.h"
#include "core/progress.h"
#include "core/scale_ops.h"
#include "core/topology_load.h"
#include "core/state_dir.h"
#include "real-backend/atomic_file.h"
#include "sim/session.h"
#include "sim/sim_history.h"

namespace dpc::cli {
namespace {

namespace fs = std::filesystem;
using real::absolute_path;

int fail(const ClusterCommand& c, const std::string& why, int code = 1) {
  std::fprintf(stderr, "dpcctl %s: %s\n", c.verb.c_str(), why.c_str());
  return code;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    bool quote = w.empty() || w.find_first_of(" \t'\"") != std::string::npos;
    out += (out.empty() ? "" : " ") + (quote ? "'" + w + "'" : w);
  }
  return out;
}

/// The history of this cluster, or a new one for a first deploy.
Result<sim::SimHistory> history_for(const ClusterCommand& c, const std::string& file, bool& fresh) {
  std::error_code ec;
  fresh = !fs::exists(file, ec);
  auto so = sim_options(c.args);
  if (!so) return Error{so.message()};
  if (fresh) {
    if (c.verb != "deploy" && c.verb != "install") {
      return Error{"no simulated cluster " + c.topo.cluster + " in " + fs::path(file).parent_path().string() +
                   " (deploy it first: dpcctl deploy " + c.args.positional[0] + " --backend=sim)"};
    }
    sim::SimHistory h;
    h.cluster = c.topo.cluster;
    // The copy kept in the state directory (written with the history): the
    // file itself may be edited later for a scale-out.
    h.topology = (fs::path(file).parent_path() / "topology-0.json").string();
    h.seed = so->seed;
    h.jitter_ms = so->jitter_ms;
    if (auto p = c.args.get("profile")) h.profile = absolute_path(*p);
    h.dm = so->dm.text();
    return h;
  }
  auto h = sim::load_history(file);
  if (!h) return h.error();
  if (h->cluster != c.topo.cluster) {
    return Error{file + " holds the simulated cluster " + h->cluster + ", not " + c.topo.cluster +
                 "; give another --state-dir"};
  }
  if ((c.args.has("seed") && so->seed != h->seed) || (c.args.has("jitter") && so->jitter_ms != h->jitter_ms) ||
      (c.args.has("profile") && absolute_path(*c.args.get("profile")) != h->profile) ||
      (c.args.has("sim-dm") && so->dm.text() != h->dm)) {
    return Error{"this simulated cluster was deployed with seed " + std::to_string(h->seed) + ", jitter " +
                 std::to_string(h->jitter_ms) + " ms and " +
                 (h->profile.empty() ? "no timing profile" : "the timing profile " + h->profile) +
                 (h->dm.empty() ? "" : " and --sim-dm " + h->dm) +
                 "; its options cannot change (leave them out, or destroy it and deploy again)"};
  }
  return h;
}

/// <state>/topology-N.json: the file as first deployed (0) and as each
/// scale-out or scale-in made it (1, 2, ...); the history names them.
std::string snapshot_path(const std::string& state_dir, int n) {
  return (fs::path(state_dir) / ("topology-" + std::to_string(n) + ".json")).string();
}

Status snapshot_file(const std::string& from, const std::string& to) {
  auto text = real::read_whole_file(from);
  if (!text) return text.error();
  return real::write_file_atomic(to, *text);
}

/// The topology as first deployed, when the state directory keeps it (a
/// cluster deployed by an older dpcctl has none: then nullopt).
Result<std::optional<Topology>> deployed_snapshot(const std::string& state_dir, const ClusterCommand& c) {
  std::error_code ec;
  const std::string first = snapshot_path(state_dir, 0);
  if (!fs::exists(first, ec)) return std::optional<Topology>{};
  LoadOutcome loaded = load_topology_file(first);
  if (!loaded.ok()) {
    return Error{first + " (the topology " + c.topo.cluster + " was deployed with) no longer loads:\n" +
                 format_diagnostics(loaded.diagnostics, first)};
  }
  return std::optional<Topology>{*loaded.topology};
}

/// A command other than scale-out/in works on the deployed cluster; says so
/// when the file has been edited since.
void warn_if_differs(const ClusterCommand& c, const Topology& deployed) {
  const TopologyDiff d = diff_topologies(deployed, c.topo);
  if (d.empty()) return;
  std::string what = d.describe();
  while (!what.empty() && what.back() == '\n') what.pop_back();
  for (size_t at = what.find('\n'); at != std::string::npos; at = what.find('\n', at)) what.replace(at, 1, "; ");
  std::fprintf(stderr,
               "dpcctl %s: note: %s differs from the deployed cluster (%s); this command acts on the deployed "
               "cluster; apply the file with dpcctl scale-out / scale-in / convert\n",
               c.verb.c_str(), c.args.positional[0].c_str(), what.c_str());
}

int reshape(const ClusterCommand& c, sim::SimSession& session, const std::string& state_dir,
            const std::string& history_file);

Result<sim::SimOptions> options_of(const sim::SimHistory& h) {
  Args a;
  a.values["seed"] = std::to_string(h.seed);
  a.values["jitter"] = std::to_string(h.jitter_ms);
  if (!h.profile.empty()) a.values["profile"] = h.profile;
  if (!h.dm.empty()) a.values["sim-dm"] = h.dm;
  return sim_options(a);
}

/// The session's `ctl` words for the command (deploy, install, status and
/// destroy take only the DM installation's options of the command line's:
/// they are in the history line, so a replay installs from the same package).
std::vector<std::string> session_words(const ClusterCommand& c) {
  std::vector<std::string> words = c.words;
  if (c.verb == "deploy") words = c.resume ? std::vector<std::string>{"deploy", "--resume"} : std::vector<std::string>{"deploy"};
  if (c.verb == "status") words = {"status"};
  if (c.verb == "destroy") words = {"destroy"};
  if (c.verb == "install") words = {"install"};
  if (c.verb == "deploy" && !c.resume && c.args.has("allow-mixed")) words.push_back("--allow-mixed");
  if (c.verb == "destroy" && c.args.has("uninstall")) words.push_back("--uninstall");
  if (auto pkg = c.args.get("dm-package"); pkg && (c.verb == "deploy" || c.verb == "install")) {
    words.push_back("--dm-package");
    words.push_back(*pkg);
  }
  return words;
}

/// After a destroy: the history, the topology snapshots, the lock and the
/// state directory itself when nothing else is in it.
void remove_state(const std::string& state_dir, const std::string& history_file) {
  std::error_code ec;
  fs::remove(history_file, ec);
  for (int n = 0; fs::exists(snapshot_path(state_dir, n), ec); ++n) fs::remove(snapshot_path(state_dir, n), ec);
  fs::remove(state_dir + "/lock", ec);
  fs::remove(state_dir, ec);  // only when empty: nothing else of ours is there
}

/// --trace FILE: every event of the session.
void write_trace(const ClusterCommand& c, sim::SimSession& session) {
  auto t = c.args.get("trace");
  if (!t) return;
  std::ofstream out(*t);
  out << session.cluster().trace().text();
  if (!out) std::fprintf(stderr, "dpcctl %s: cannot write trace %s\n", c.verb.c_str(), t->c_str());
}

/// Prints what the command did (status, the plan's outcome, or the session's
/// output; `extra` after it) and returns the exit status: 1 for a failure or
/// an invariant violated.
int report_result(const ClusterCommand& c, sim::SimSession& session, const sim::CommandResult& r,
                  const std::string& extra) {
  for (const auto& v : session.cluster().violations()) std::fprintf(stderr, "%s\n", v.render().c_str());
  const bool clean = session.cluster().violations().empty();
  if (c.verb == "status") return print_status(c, *r.status, extra) == 0 && clean ? 0 : 1;
  if (!r.ok && !r.report) return fail(c, r.error);
  if (r.report && r.status && (c.verb == "deploy" || c.verb == "stop")) {
    const Plan plan = c.verb == "deploy" ? session.deploy_plan() : build_stop_plan(session.topology());
    std::string more = extra;
    if (c.verb == "stop") {
      std::string halts;
      for (const auto& inst : session.topology().instances) {
        if (session.cluster().view(inst.name).halted) halts += " " + inst.name;
      }
      more += halts.empty() ? "\nevery instance exited normally (no HALT)" : "\nHALTED:" + halts;
    }
    if (!c.json && !r.output.empty() && c.verb == "stop") std::printf("%s", r.output.c_str());
    if (!c.json && c.verb == "deploy" && r.output.rfind("warning: ", 0) == 0) {
      std::printf("%s", r.output.substr(0, r.output.find('\n') + 1).c_str());  // --allow-mixed's note
    }
    print_outcome(c, *r.report, plan, *r.status, more);
    if (!r.ok) std::fprintf(stderr, "dpcctl %s: %s\n", c.verb.c_str(), r.error.c_str());
    return r.ok && clean && (c.verb != "deploy" || r.status->exit_code() == 0) ? 0 : 1;
  }
  if (!c.json) {
    std::printf("%s%s", r.output.c_str(), !r.output.empty() && r.output.back() != '\n' ? "\n" : "");
    if (r.status) std::fputs(format_status(*r.status).c_str(), stdout);
    std::printf("%s\n", extra.c_str());
  } else {
    nlohmann::json j{{"event", "result"}, {"ok", r.ok}, {"output", r.output}};
    if (!r.ok) j["error"] = r.error;
    if (r.status) j["cluster"] = status_json(*r.status);
    print_json(j);
  }
  if (!r.ok) return fail(c, r.error);
  return clean ? 0 : 1;
}

}  // namespace

int run_sim_command(const ClusterCommand& c) {
  const std::string state_dir =
      absolute_path(c.args.get_or("state-dir", ".dpcctl/" + c.topo.cluster + ".sim"));
  const std::string file = sim::history_path(state_dir);
  std::error_code exists_ec;
  // One dpcctl command at a time on a simulated cluster: its history is
  // read, replayed and appended while the state directory is held
  // (core/state_dir.h: the lock naming the holder's pid, private modes, no
  // symbolic links), until the command ends.
  std::optional<StateDir> held;
  if (c.verb == "deploy" || c.verb == "install" || fs::exists(state_dir, exists_ec)) {
    auto acquired = StateDir::acquire(state_dir);
    if (!acquired) return fail(c, acquired.message());
    held.emplace(std::move(*acquired));
  }
  bool fresh = false;
  auto history = history_for(c, file, fresh);
  if (!history) return fail(c, history.message(), c.verb == "deploy" ? 2 : 1);
  auto so = options_of(*history);
  if (!so) return fail(c, so.message());
  // Not kept in the history: folding changes no state, only how fast this command runs.
  so->fold_heartbeats = c.args.has("fold-heartbeats");
  // The topology the cluster was first deployed with: a later scale-out or
  // scale-in in the history changes it as it replays.
  Topology initial = c.topo;
  if (!fresh) {
    auto first = deployed_snapshot(state_dir, c);
    if (!first) return fail(c, first.message());
    if (*first) initial = **first;
  }
  // The trace hash covers every event either way; the events themselves
  // are kept only when --trace asks for them, so memory does not grow with
  // the size of the cluster or the length of its history.
  so->trace = c.args.has("trace") ? sim::TraceMode::Full : sim::TraceMode::Tail;
  sim::SimSession session(initial, *so);
  session.parallel = c.parallel;
  if (Status st = sim::replay_history(session, *history); !st) return fail(c, st.message());
  if (is_reshape(c.verb)) return reshape(c, session, state_dir, file);
  if (c.verb != "deploy" && c.verb != "destroy") warn_if_differs(c, session.topology());

  const std::vector<std::string> words = session_words(c);
  if (c.verb == "destroy" &&
      !confirm_destroy(c, "the simulated cluster " + c.topo.cluster + " and " + state_dir +
                              (c.args.has("uninstall") ? " and the DM homes dpcctl installed" : ""))) {
    return 2;
  }
  ProgressPrinter printer(stdout, c.json);
  session.on_event = [&](const StepEvent& e) { printer(e); };
  if (!c.json) session.on_note = [](const std::string& line) { std::fputs(line.c_str(), stdout); };
  if (!c.json && c.verb == "deploy" && fresh) {
    std::printf("deploying cluster %s (%zu instances) on the simulator, seed %llu, parallel %d\n",
                c.topo.cluster.c_str(), c.topo.instances.size(), static_cast<unsigned long long>(history->seed),
                c.parallel);
  }
  sim::HistoryEntry entry;
  entry.at = session.cluster().now();
  entry.line = "ctl " + join_words(words);
  sim::CommandResult r = session.execute(entry.line);
  entry.ok = r.ok;
  if (fresh) {
    if (Status st = sim::create_history(file, *history); !st) return fail(c, st.message());
    if (Status st = snapshot_file(c.args.positional[0], snapshot_path(state_dir, 0)); !st) return fail(c, st.message());
  }
  if (c.verb == "destroy" && r.ok) {
    remove_state(state_dir, file);
    if (!c.json) std::printf("%sremoved %s\n", r.output.c_str(), file.c_str());
    return 0;
  }
  if (Status st = sim::append_history(file, entry); !st) return fail(c, st.message());

  const std::string extra = "virtual time: " + std::to_string(session.cluster().now()) + " ms; trace hash " +
                            session.cluster().trace().hash_hex() + " (seed " + std::to_string(history->seed) +
                            "); history: " + file;
  write_trace(c, session);
  return report_result(c, session, r, extra);
}

namespace {

/// scale-out / scale-in / convert: the plan against the deployed topology
/// (printed with --dry-run), else run through the session's `ctl` words with
/// FILE kept as the next snapshot, so the history replays it.
int reshape(const ClusterCommand& c, sim::SimSession& session, const std::string& state_dir,
            const std::string& history_file) {
  const Topology& deployed = session.topology();
  if (c.dry_run) {
    Result<Plan> plan = Error{""};
    if (c.verb == "scale-out") plan = build_scale_out_plan(deployed, c.topo);
    else if (c.verb == "scale-in") plan = build_scale_in_plan(deployed, c.topo);
    else plan = build_convert_plan(deployed, c.words[1], *parse_convert_target(c.words[3]));
    if (!plan) return fail(c, plan.message());
    if (c.verb != "convert") std::printf("%s", diff_topologies(deployed, c.topo).describe().c_str());
    std::printf("%s", reshape_plan_text(c.verb, *plan).c_str());
    return 0;
  }
  std::vector<std::string> words = c.words;
  std::string snapshot;
  if (c.verb != "convert") {
    int n = 1;
    std::error_code ec;
    while (fs::exists(snapshot_path(state_dir, n), ec)) ++n;
    snapshot = snapshot_path(state_dir, n);
    if (Status st = snapshot_file(c.args.positional[0], snapshot); !st) return fail(c, st.message());
    words.push_back(snapshot);
  }
  ProgressPrinter printer(stdout, c.json);
  session.on_event = [&](const StepEvent& e) { printer(e); };
  if (!c.json) session.on_note = [](const std::string& line) { std::fputs(line.c_str(), stdout); };
  sim::HistoryEntry entry;
  entry.at = session.cluster().now();
  entry.line = "ctl " + join_words(words);
  sim::CommandResult r = session.execute(entry.line);
  entry.ok = r.ok;
  if (!r.ok && !r.report) {
    // Refused before anything ran: nothing to replay.
    std::error_code ec;
    if (!snapshot.empty()) fs::remove(snapshot, ec);
    return fail(c, r.error);
  }
  if (Status st = sim::append_history(history_file, entry); !st) return fail(c, st.message());
  const ClusterStatus st = session.status();
  const std::string extra = "virtual time: " + std::to_string(session.cluster().now()) + " ms; history: " +
                            history_file;
  if (c.json) {
    nlohmann::json j{{"event", "result"}, {"ok", r.ok}, {"output", r.output}, {"cluster", status_json(st)}};
    if (!r.ok) j["error"] = r.error;
    print_json(j);
  } else {
    std::fputs(format_status(st).c_str(), stdout);
    std::printf("%s\n", extra.c_str());
  }
  for (const auto& v : session.cluster().violations()) std::fprintf(stderr, "%s\n", v.render().c_str());
  if (!r.ok) return fail(c, r.error);
  if (c.verb == "convert") {
    const Instance* mine = c.topo.find_instance(c.words[1]);
    const Instance* now = session.topology().find_instance(c.words[1]);
    if (mine && now && mine->kind != now->kind) {
      std::printf("note: %s still describes %s as it was; set \"shadow\": %s for it there\n",
                  c.args.positional[0].c_str(), c.words[1].c_str(),
                  now->kind == ReplicaKind::Shadow ? "true" : "false");
    }
  }
  return session.cluster().violations().empty() && st.exit_code() == 0 ? 0 : 1;
}

}  // namespace

}  // namespace dpc::cli
