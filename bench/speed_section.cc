// dpcctl bench: the startup and speed sections. "startup" deploys each
// example topology on the simulator with the parallel plan and in the
// manual's sequential order (parallelism 1) and reports the virtual time and
// the critical path. "speed" measures, on the wall clock, the event engine
// alone and the whole simulator: generated clusters of 1..300 BP groups of
// 3 deployed and left idle, each size in a child process of its own so its
// peak memory (getrusage of the child) is its own.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

#include "bench/cluster_workload.h"
#include "bench/engine_churn.h"
#include "bench/sections.h"
#include "bench/svg_plot.h"

namespace dpc::bench {

using namespace dpc::sim;

namespace {

const char* const kTopologies[] = {"mini-3replica", "manual-7.1", "manual-7.2", "manual-7.3",
                                   "local-7.1",     "local-7.2",  "local-7.3",  "local-large"};

/// The critical path for the summary; long ones keep their ends.
std::string path_text(const StartupRun& r) {
  const size_t n = r.critical_path.size();
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (n > 14 && i == 5) {
      s += " > ... (" + std::to_string(n - 11) + " more)";
      i = n - 7;
      continue;
    }
    s += (s.empty() ? "" : " > ") + r.critical_path[i].id;
  }
  return s + " [" + std::to_string(n) + " steps]";
}

/// Events per wall second of the bare event loop: `pending` self-rescheduling events.
Json engine_speed(double seconds) {
  EngineChurn churn(1024);
  uint64_t events = 0;
  const double t0 = wall_seconds(), c0 = cpu_seconds();
  double wall = 0;
  while (wall < seconds) {
    churn.run(100'000);
    events += 100'000;
    wall = wall_seconds() - t0;
  }
  const double cpu = std::max(cpu_seconds() - c0, 1e-9);
  Json j;
  j["what"] = "bare EventLoop: 1024 pending events, each rescheduling itself 1..1000 us ahead";
  j["events"] = events;
  j["wall_s"] = round_to(wall, 3);
  j["cpu_s"] = round_to(cpu, 3);
  j["events_per_s"] = round_to(static_cast<double>(events) / wall, 0);
  j["events_per_cpu_s"] = round_to(static_cast<double>(events) / cpu, 0);
  return j;
}

struct ScaleJob {
  int groups = 0;          ///< 0: an empty child, the memory baseline
  std::vector<int64_t> checkpoints_ms;  ///< idle until each (virtual, after the deploy)
  BenchSimOptions options;
};

/// Deploys a generated cluster and idles it, timing each part (run in the child).
Json scale_measure(const ScaleJob& job) {
  Json j;
  j["groups"] = job.groups;
  if (job.groups == 0) return j;
  auto topo = scale_topology(job.groups);
  if (!topo) {
    j["error"] = topo.message();
    return j;
  }
  const double t0 = wall_seconds(), c0 = cpu_seconds();
  ScaleRun run(*topo, 1, job.options);
  const Status st = run.deploy();
  const double deploy_wall = wall_seconds() - t0, deploy_cpu = cpu_seconds() - c0;
  j["instances"] = run.instances();
  j["deploy"] = {{"wall_s", round_to(deploy_wall, 4)},
                 {"cpu_s", round_to(deploy_cpu, 4)},
                 {"virtual_ms", run.now_ms()},
                 {"events", run.events()}};
  if (!st.ok()) {
    j["error"] = st.message();
    return j;
  }
  const int64_t start_ms = run.now_ms();
  const uint64_t start_events = run.events();
  const double t1 = wall_seconds(), c1 = cpu_seconds();
  Json idle = Json::array();
  for (int64_t cp : job.checkpoints_ms) {
    run.idle(start_ms + cp - run.now_ms());
    const double wall = std::max(wall_seconds() - t1, 1e-9), cpu = std::max(cpu_seconds() - c1, 1e-9);
    const double ev = static_cast<double>(run.events() - start_events);
    const double virt = static_cast<double>(cp) / 1000.0;
    idle.push_back({{"virtual_s", round_to(virt, 3)},
                    {"wall_s", round_to(wall, 4)},
                    {"cpu_s", round_to(cpu, 4)},
                    {"events", run.events() - start_events},
                    {"events_per_s", round_to(ev / wall, 0)},
                    {"events_per_cpu_s", round_to(ev / cpu, 0)},
                    {"virtual_per_wall", round_to(virt / wall, 1)},
                    {"virtual_per_cpu_s", round_to(virt / cpu, 1)}});
  }
  j["idle"] = std::move(idle);
  j["groups_with_leader"] = run.groups_with_leader();
  // A failover at this size: with the deployment, one deploy + failover run.
  const double t2 = wall_seconds(), c2 = cpu_seconds();
  const Result<double> took = run.failover("RAFT_1");
  const double fo_wall = wall_seconds() - t2, fo_cpu = cpu_seconds() - c2;
  if (!took.ok()) {
    j["error"] = took.message();
    return j;
  }
  j["failover"] = {{"virtual_ms", round_to(*took, 3)}, {"wall_s", round_to(fo_wall, 4)},
                   {"cpu_s", round_to(fo_cpu, 4)}};
  j["deploy_failover_runs_per_s"] = round_to(1.0 / std::max(deploy_wall + fo_wall, 1e-9), 2);
  j["deploy_failover_runs_per_cpu_s"] = round_to(1.0 / std::max(deploy_cpu + fo_cpu, 1e-9), 2);
  j["violations"] = run.violations();
  return j;
}

/// Runs scale_measure in a child process; adds its peak RSS (KiB).
Json scale_in_child(const ScaleJob& job) {
  std::fflush(nullptr);
  int fds[2];
  if (pipe(fds) != 0) {
    Json j = scale_measure(job);
    j["peak_rss_kib_note"] = "pipe() failed: measured in-process, peak is the process's so far";
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    j["peak_rss_kib"] = ru.ru_maxrss;
    return j;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const std::string text = scale_measure(job).dump();
    size_t off = 0;
    while (off < text.size()) {
      const ssize_t n = write(fds[1], text.data() + off, text.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[65536];
  while (pid > 0) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  Json j;
  if (pid < 0) {
    j["groups"] = job.groups;
    j["error"] = "fork() failed";
    return j;
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    j = Json::object();
    j["groups"] = job.groups;
    j["error"] = "the measuring child process died (status " + std::to_string(status) + ")";
  }
  j["peak_rss_kib"] = ru.ru_maxrss;
  return j;
}

/// Least squares y = a + b x; returns {a, b, r2}.
std::array<double, 3> linear_fit(const std::vector<std::pair<double, double>>& pts) {
  const double n = static_cast<double>(pts.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
  for (const auto& [x, y] : pts) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  const double den = n * sxx - sx * sx;
  if (pts.size() < 2 || den == 0) return {0, 0, 0};
  const double b = (n * sxy - sx * sy) / den;
  const double a = (sy - b * sx) / n;
  const double ss_tot = syy - sy * sy / n;
  double ss_res = 0;
  for (const auto& [x, y] : pts) ss_res += (y - a - b * x) * (y - a - b * x);
  return {a, b, ss_tot > 0 ? 1 - ss_res / ss_tot : 1};
}

/// The JSON record of one startup run at `parallel` steps at a time.
Json startup_run_json(const StartupRun& r, int parallel, double wall) {
  Json rj;
  rj["parallel"] = parallel;
  rj["ok"] = r.ok;
  if (!r.ok) rj["error"] = r.error;
  rj["steps"] = r.steps;
  rj["total_ms"] = round_to(r.total_ms, 3);
  Json path_json = Json::array();
  for (const auto& s : r.critical_path) {
    path_json.push_back({{"step", s.id}, {"start_ms", round_to(s.start_ms, 3)},
                         {"duration_ms", round_to(s.duration_ms, 3)}});
  }
  rj["critical_path"] = std::move(path_json);
  rj["events"] = r.events;
  rj["wall_s"] = round_to(wall, 4);
  return rj;
}

/// Runs one topology's deploy plan at each parallelism, records the runs in
/// `t` and their summary lines; returns the runs in the order of `parallels`.
std::vector<StartupRun> run_startup_topology(const Topology& topo, const char* stem,
                                             const std::vector<int>& parallels, Json& t, SectionResult& out) {
  t["instances"] = topo.instances.size();
  Json runs = Json::array();
  std::vector<StartupRun> results;
  for (int p : parallels) {
    const double t0 = wall_seconds();
    StartupRun r = run_startup(topo, p, 1);
    const double wall = wall_seconds() - t0;
    runs.push_back(startup_run_json(r, p, wall));
    if (!r.ok) {
      out.ok = false;
      out.summary.push_back(std::string("  ") + stem + " parallel " + std::to_string(p) + ": " + r.error);
    }
    results.push_back(std::move(r));
  }
  // The bounds: no limit on parallel steps (the dependency bound), and for
  // each P the bound of any P-slot schedule (bench/slot_bound.h).
  const StartupRun unlimited = run_startup(topo, 1000, 1);
  t["no_limit_ms"] = round_to(unlimited.total_ms, 3);
  std::string bounds;
  for (size_t k = 0; k < parallels.size() && unlimited.ok && unlimited.spans.size() == unlimited.plan.steps.size(); ++k) {
    const SlotBound sb = slot_bound(unlimited.plan, unlimited.spans, parallels[k]);
    runs[k]["slot_bound_ms"] = round_to(sb.bound_ms, 3);
    runs[k]["slot_bound_from"] = sb.from_step;
    if (parallels[k] == 1) continue;
    bounds += std::string(bounds.empty() ? "" : ", ") + "parallel " + std::to_string(parallels[k]) + " " +
              fmt(sb.bound_ms / 1000.0) + " s (+" + fmt(100.0 * (results[k].total_ms / sb.bound_ms - 1.0), 1) + " %)";
  }
  t["runs"] = std::move(runs);
  const StartupRun& seq = results.front();
  const StartupRun& par = results[1];
  std::string line = std::string("  ") + stem + ": sequential " + fmt(seq.total_ms / 1000.0) + " s, parallel 4 " +
                     fmt(par.total_ms / 1000.0) + " s, parallel 16 " + fmt(results[2].total_ms / 1000.0) + " s";
  if (par.total_ms > 0) line += " (" + fmt(seq.total_ms / par.total_ms, 2) + "x)";
  line += "; no limit " + fmt(unlimited.total_ms / 1000.0) + " s";
  out.summary.push_back(line);
  if (!bounds.empty()) out.summary.push_back("    bound of any schedule with that many slots: " + bounds);
  out.summary.push_back("    critical path (parallel 4): " + path_text(par));
  return results;
}

/// The points the speed plots draw, gathered over the cluster sizes.
struct SpeedPoints {
  std::vector<std::pair<double, double>> rss, events, realtime;
  std::vector<PlotSeries> duration;
};

/// The summary line of one cluster size `g` measured as `j`.
std::string scale_line(int g, const Json& j) {
  const Json& last = j["idle"].back();
  return "  " + std::to_string(g) + (g == 1 ? " group (" : " groups (") + fmt(j.value("instances", 0.0), 0) +
         " instances): deploy " + fmt(j["deploy"]["wall_s"].get<double>(), 3) + " s wall for " +
         fmt(j["deploy"]["virtual_ms"].get<double>() / 1000.0) + " s virtual; idle " +
         fmt(last["virtual_s"].get<double>(), 0) + " s virtual in " + fmt(last["wall_s"].get<double>(), 3) +
         " s wall = " + fmt(last["virtual_per_wall"].get<double>(), 0) + "x real time (" +
         fmt(last["virtual_per_cpu_s"].get<double>(), 0) + "x per CPU second), " +
         fmt(last["events_per_s"].get<double>() / 1e6, 2) + " M events/s (" +
         fmt(last["events_per_cpu_s"].get<double>() / 1e6, 2) + " M per CPU second); peak RSS " +
         fmt(j.value("peak_rss_kib", 0.0) / 1024.0) + " MiB; deploy + failover " +
         fmt(j["deploy_failover_runs_per_s"].get<double>(), 2) + " runs/s (" +
         fmt(j["deploy_failover_runs_per_cpu_s"].get<double>(), 2) + " per CPU second)";
}

/// Records one cluster size `g` measured as `j`: its plot points and summary
/// line, or its error.
void add_scale_run(int g, double base_kib, Json j, Json& scale, SpeedPoints& pts, SectionResult& out) {
  if (j.contains("error")) {
    out.ok = false;
    out.summary.push_back("  " + std::to_string(g) + " groups: " + j["error"].get<std::string>());
    scale.push_back(std::move(j));
    return;
  }
  const Json& last = j["idle"].back();
  pts.rss.emplace_back(j.value("instances", 0.0), (j.value("peak_rss_kib", 0.0) - base_kib) / 1024.0);
  pts.events.emplace_back(g, last["events_per_s"].get<double>());
  pts.realtime.emplace_back(g, last["virtual_per_wall"].get<double>());
  PlotSeries ds;
  ds.label = std::to_string(g) + " groups";
  for (const Json& c : j["idle"]) ds.points.emplace_back(c["virtual_s"].get<double>(), c["wall_s"].get<double>());
  pts.duration.push_back(std::move(ds));
  out.summary.push_back(scale_line(g, j));
  scale.push_back(std::move(j));
}

/// The same sizes with idle groups' heartbeats folded (SimOptions::
/// fold_heartbeats): what is simulated is the same (sim/explore/
/// fold_equivalence_test.cc), only fewer events run.
void run_folded_sizes(const std::vector<int>& sizes, const std::vector<int64_t>& checkpoints, const Json& plain,
                      SectionResult& out) {
  BenchSimOptions folded;
  folded.fold_heartbeats = true;
  Json list = Json::array();
  for (int g : sizes) {
    Json j = scale_in_child(ScaleJob{g, checkpoints, folded});
    if (j.contains("error") || !j.contains("idle")) {
      out.ok = false;
      out.summary.push_back("  folded, " + std::to_string(g) + " groups: " + j.value("error", std::string("no result")));
      list.push_back(std::move(j));
      continue;
    }
    const Json& last = j["idle"].back();
    double plain_events = 0;
    for (const Json& p : plain) {
      if (p.value("groups", 0) == g && p.contains("idle")) plain_events = p["idle"].back().value("events", 0.0);
    }
    out.summary.push_back("  folded heartbeats, " + std::to_string(g) + (g == 1 ? " group" : " groups") + ": idle " +
                          fmt(last["virtual_s"].get<double>(), 0) + " s virtual in " +
                          fmt(last["wall_s"].get<double>(), 3) + " s wall = " +
                          fmt(last["virtual_per_wall"].get<double>(), 0) + "x real time (" +
                          fmt(last["virtual_per_cpu_s"].get<double>(), 0) + "x per CPU second); " +
                          fmt(last["events"].get<double>() / 1e6, 2) + " M events instead of " +
                          fmt(plain_events / 1e6, 2) + " M");
    list.push_back(std::move(j));
  }
  out.json["scale_folded"] = std::move(list);
}

/// What the per-event checks and a kept trace cost, at 100 groups.
void run_speed_variants(SectionResult& out) {
  Json variants = Json::array();
  BenchSimOptions no_checks;
  no_checks.check_invariants = false;
  BenchSimOptions tail;
  tail.trace = TraceMode::Tail;
  for (const auto& [name, o] : {std::pair<std::string, BenchSimOptions>{"invariants off", no_checks},
                                std::pair<std::string, BenchSimOptions>{"trace tail (last 64 kept)", tail}}) {
    Json j = scale_in_child(ScaleJob{100, {60'000}, o});
    j["variant"] = name;
    if (j.contains("idle")) {
      out.summary.push_back("  100 groups, " + name + ": " +
                            fmt(j["idle"].back()["events_per_s"].get<double>() / 1e6, 2) + " M events/s, " +
                            fmt(j["idle"].back()["virtual_per_wall"].get<double>(), 0) + "x real time");
    }
    variants.push_back(std::move(j));
  }
  out.json["variants_100_groups"] = std::move(variants);
}

/// The four speed plots: events/s, real-time factor, memory with its linear
/// fit `fit` (a, b, R^2), and wall time per virtual duration.
void add_speed_plots(const SpeedPoints& pts, double engine_rate, const std::array<double, 3>& fit,
                     SectionResult& out) {
  const auto& ev_pts = pts.events;
  const auto& rt_pts = pts.realtime;
  PlotSpec ev;
  ev.title = "Simulator events per wall second (idle cluster)";
  ev.x_label = "BP groups of 3 (log scale)";
  ev.y_label = "events/s";
  ev.log_x = true;
  std::vector<std::pair<double, double>> engine_line;
  for (const auto& p : ev_pts) engine_line.emplace_back(p.first, engine_rate);
  out.svgs.emplace_back("speed-events.svg",
                        svg_line_plot(ev, {{"whole simulator", ev_pts}, {"event engine alone", engine_line},
                                           {"target 5 M/s", {{ev_pts.empty() ? 1 : ev_pts.front().first, 5e6},
                                                             {ev_pts.empty() ? 300 : ev_pts.back().first, 5e6}}}}));
  PlotSpec rt;
  rt.title = "Virtual time per wall second, idle cluster";
  rt.x_label = "BP groups of 3 (log scale)";
  rt.y_label = "x real time (log scale)";
  rt.log_x = true;
  rt.log_y = true;
  out.svgs.emplace_back("speed-realtime.svg",
                        svg_line_plot(rt, {{"idle, last checkpoint", rt_pts},
                                           {"target 1000x at 300 groups",
                                            {{rt_pts.empty() ? 1 : rt_pts.front().first, 1000},
                                             {rt_pts.empty() ? 300 : rt_pts.back().first, 1000}}}}));
  PlotSpec mem;
  mem.title = "Peak memory above an empty process";
  mem.x_label = "instances";
  mem.y_label = "MiB";
  std::vector<std::pair<double, double>> fit_line;
  for (const auto& p : pts.rss) fit_line.emplace_back(p.first, fit[0] + fit[1] * p.first);
  out.svgs.emplace_back("speed-memory.svg",
                        svg_line_plot(mem, {{"peak RSS", pts.rss}, {"linear fit", fit_line}}));
  PlotSpec dur;
  dur.title = "Wall time to idle for a virtual duration";
  dur.x_label = "virtual seconds idle (log scale)";
  dur.y_label = "wall seconds (log scale)";
  dur.log_x = true;
  dur.log_y = true;
  out.svgs.emplace_back("speed-duration.svg", svg_line_plot(dur, pts.duration));
}

}  // namespace

SectionResult run_startup_section(const BenchConfig& cfg) {
  SectionResult out;
  const std::vector<int> parallels = {1, 4, 16};
  Json list = Json::array();
  std::vector<std::string> names;
  std::vector<std::vector<double>> values(parallels.size());
  out.summary.push_back("Startup: the whole deployment on the simulator, virtual time (seed 1):");
  for (const char* stem : kTopologies) {
    const std::string path = cfg.source_dir + "/scenarios/topologies/" + stem + ".json";
    auto topo = load_bench_topology(path);
    Json t;
    t["topology"] = std::string("scenarios/topologies/") + stem + ".json";
    if (!topo) {
      t["error"] = topo.message();
      out.ok = false;
      out.summary.push_back(std::string("  ") + stem + ": " + topo.message());
      list.push_back(std::move(t));
      continue;
    }
    const std::vector<StartupRun> results = run_startup_topology(*topo, stem, parallels, t, out);
    list.push_back(std::move(t));
    names.push_back(stem);
    for (size_t k = 0; k < parallels.size(); ++k) values[k].push_back(results[k].total_ms / 1000.0);
  }
  out.json["what"] = "virtual time of the whole deploy plan on the simulator; parallel 1 runs the steps one at "
                     "a time in plan order (the manual's sequential order)";
  out.json["parallel"] = parallels;
  out.json["topologies"] = std::move(list);
  PlotSpec spec;
  spec.title = "Deployment time on the simulator (virtual)";
  spec.x_label = "virtual seconds";
  spec.height = std::max(460, 60 * static_cast<int>(names.size()) + 120);
  out.svgs.emplace_back("startup.svg",
                        svg_bars(spec, names, {"sequential (parallel 1)", "parallel 4", "parallel 16"}, values));
  return out;
}

SectionResult run_speed_section(const BenchConfig& cfg) {
  SectionResult out;
  out.json["engine"] = engine_speed(cfg.quick ? 0.2 : 2.0);
  const double engine_rate = out.json["engine"]["events_per_s"].get<double>();

  const std::vector<int> sizes = cfg.quick ? std::vector<int>{1, 10} : std::vector<int>{1, 10, 100, 300};
  const std::vector<int64_t> checkpoints =
      cfg.quick ? std::vector<int64_t>{2'000, 10'000} : std::vector<int64_t>{10'000, 60'000, 600'000};
  const Json baseline = scale_in_child(ScaleJob{0, {}, {}});
  const double base_kib = baseline.value("peak_rss_kib", 0.0);
  Json scale = Json::array();
  SpeedPoints pts;
  out.summary.push_back("Simulator speed (wall clock), generated clusters of N BP groups of 3 + MP + SP:");
  out.summary.push_back("  event engine alone: " + fmt(engine_rate / 1e6, 2) + " M events/s (" +
                        fmt(out.json["engine"]["events_per_cpu_s"].get<double>() / 1e6, 2) + " M per CPU second)");
  for (int g : sizes) add_scale_run(g, base_kib, scale_in_child(ScaleJob{g, checkpoints, {}}), scale, pts, out);
  run_folded_sizes(sizes, checkpoints, scale, out);
  if (!cfg.quick) run_speed_variants(out);
  const auto fit = linear_fit(pts.rss);
  out.json["what"] = "wall-clock speed and peak memory of the whole simulator: a generated cluster deployed "
                     "through the plan, then idle (RAFT heartbeats, status reports); trace off, invariants on";
  out.json["baseline_rss_kib"] = base_kib;
  out.json["scale"] = std::move(scale);
  out.json["memory_fit"] = {{"what", "peak RSS above an empty child (MiB) = a + b * instances"},
                            {"a_mib", round_to(fit[0], 3)},
                            {"b_kib_per_instance", round_to(fit[1] * 1024.0, 2)},
                            {"r2", round_to(fit[2], 4)}};
  out.summary.push_back("  memory: " + fmt(fit[1] * 1024.0, 1) + " KiB per instance above a " +
                        fmt(fit[0], 1) + " MiB base, R^2 " + fmt(fit[2], 4));
  add_speed_plots(pts, engine_rate, fit, out);
  return out;
}

}  // namespace dpc::bench
