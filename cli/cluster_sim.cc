// The cluster commands on the simulator. The simulated cluster outlives one
// command through its history (sim/sim_history.h) in the state directory:
// each command rebuilds the cluster from the seed, replays the history,
// applies itself through the session's `ctl` words and appends one line.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli/cluster_cli.h"
#include "cli/sim_args.h"
#include "core/plan_builder.h"
#include "core/progress.h"
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
    if (c.verb != "deploy") {
      return Error{"no simulated cluster " + c.topo.cluster + " in " + fs::path(file).parent_path().string() +
                   " (deploy it first: dpcctl deploy " + c.args.positional[0] + " --backend=sim)"};
    }
    sim::SimHistory h;
    h.cluster = c.topo.cluster;
    h.topology = absolute_path(c.args.positional[0]);
    h.seed = so->seed;
    h.jitter_ms = so->jitter_ms;
    if (auto p = c.args.get("profile")) h.profile = absolute_path(*p);
    return h;
  }
  auto h = sim::load_history(file);
  if (!h) return h.error();
  if (h->cluster != c.topo.cluster) {
    return Error{file + " holds the simulated cluster " + h->cluster + ", not " + c.topo.cluster +
                 "; give another --state-dir"};
  }
  if ((c.args.has("seed") && so->seed != h->seed) || (c.args.has("jitter") && so->jitter_ms != h->jitter_ms) ||
      (c.args.has("profile") && absolute_path(*c.args.get("profile")) != h->profile)) {
    return Error{"this simulated cluster was deployed with seed " + std::to_string(h->seed) + ", jitter " +
                 std::to_string(h->jitter_ms) + " ms and " +
                 (h->profile.empty() ? "no timing profile" : "the timing profile " + h->profile) +
                 "; its options cannot change (leave them out, or destroy it and deploy again)"};
  }
  return h;
}

/// One dpcctl command at a time on a simulated cluster: its history is read,
/// replayed and appended under an exclusive lock of <state-dir>/lock, held
/// until the command ends (the process exits). Kept to this one place.
Status lock_state_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{"cannot create the state directory " + dir + ": " + ec.message()};
  const std::string file = dir + "/lock";
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error{"cannot open " + file + ": " + std::strerror(errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Error{"another dpcctl command is working on the simulated cluster in " + dir +
                 "; run this one when it has finished"};
  }
  return Status::Ok();  // the descriptor stays open: the lock lasts as long as this process
}

Result<sim::SimOptions> options_of(const sim::SimHistory& h) {
  Args a;
  a.values["seed"] = std::to_string(h.seed);
  a.values["jitter"] = std::to_string(h.jitter_ms);
  if (!h.profile.empty()) a.values["profile"] = h.profile;
  return sim_options(a);
}

}  // namespace

int run_sim_command(const ClusterCommand& c) {
  const std::string state_dir =
      absolute_path(c.args.get_or("state-dir", ".dpcctl/" + c.topo.cluster + ".sim"));
  const std::string file = sim::history_path(state_dir);
  std::error_code exists_ec;
  if (c.verb == "deploy" || fs::exists(state_dir, exists_ec)) {
    if (Status st = lock_state_dir(state_dir); !st) return fail(c, st.message());
  }
  bool fresh = false;
  auto history = history_for(c, file, fresh);
  if (!history) return fail(c, history.message(), c.verb == "deploy" ? 2 : 1);
  auto so = options_of(*history);
  if (!so) return fail(c, so.message());
  sim::SimSession session(c.topo, *so);
  session.parallel = c.parallel;
  if (Status st = sim::replay_history(session, *history); !st) return fail(c, st.message());

  std::vector<std::string> words = c.words;
  if (c.verb == "deploy") words = c.resume ? std::vector<std::string>{"deploy", "--resume"} : std::vector<std::string>{"deploy"};
  if (c.verb == "status") words = {"status"};
  if (c.verb == "destroy") words = {"destroy"};
  if (c.verb == "destroy" && !confirm_destroy(c, "the simulated cluster " + c.topo.cluster + " and " + state_dir)) {
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
  }
  if (c.verb == "destroy" && r.ok) {
    std::error_code ec;
    fs::remove(file, ec);
    fs::remove(state_dir + "/lock", ec);
    fs::remove(state_dir, ec);  // only when empty: nothing else of ours is there
    if (!c.json) std::printf("%sremoved %s\n", r.output.c_str(), file.c_str());
    return 0;
  }
  if (Status st = sim::append_history(file, entry); !st) return fail(c, st.message());

  const std::string extra = "virtual time: " + std::to_string(session.cluster().now()) + " ms; trace hash " +
                            session.cluster().trace().hash_hex() + " (seed " + std::to_string(history->seed) +
                            "); history: " + file;
  if (auto t = c.args.get("trace")) {
    std::ofstream out(*t);
    out << session.cluster().trace().text();
    if (!out) std::fprintf(stderr, "dpcctl %s: cannot write trace %s\n", c.verb.c_str(), t->c_str());
  }
  for (const auto& v : session.cluster().violations()) std::fprintf(stderr, "%s\n", v.render().c_str());
  const bool clean = session.cluster().violations().empty();
  if (c.verb == "status") return print_status(c, *r.status, extra) == 0 && clean ? 0 : 1;
  if (!r.ok && !r.report) return fail(c, r.error);
  if (r.report && r.status && (c.verb == "deploy" || c.verb == "stop")) {
    const Plan plan = c.verb == "deploy" ? session.deploy_plan() : build_stop_plan(c.topo);
    std::string more = extra;
    if (c.verb == "stop") {
      std::string halts;
      for (const auto& inst : c.topo.instances) {
        if (session.cluster().view(inst.name).halted) halts += " " + inst.name;
      }
      more += halts.empty() ? "\nevery instance exited normally (no HALT)" : "\nHALTED:" + halts;
    }
    if (!c.json && !r.output.empty() && c.verb == "stop") std::printf("%s", r.output.c_str());
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

}  // namespace dpc::cli
