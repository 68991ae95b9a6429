#include "sim/explore/explore.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/input_text.h"
#include "core/json_text.h"
#include "core/plan_builder.h"
#include "core/topology_load.h"
#include "sim/explore/shrink.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_run.h"

namespace dpc::sim {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

/// Parses a JSON file with comments into an ordered object.
std::optional<json> read_json(const std::string& file, std::vector<Diagnostic>& diags) {
  auto text = read_input_file(file, "input file");
  if (!text) {
    diags.push_back(error_at("", text.message(), "check the path"));
    return std::nullopt;
  }
  JsonText parsed = parse_json_text(*text);
  if (!parsed.ok()) {
    diags.push_back(error_at("", file + ": not JSON: " + parsed.error, ""));
    return std::nullopt;
  }
  return json::parse(parsed.value->dump());
}

bool write_file(const std::string& file, const std::string& text) {
  std::error_code ec;
  fs::create_directories(fs::path(file).parent_path(), ec);
  const std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << text;
    if (!out.flush()) return false;
  }
  fs::rename(tmp, file, ec);
  return !ec;
}

std::string normalize(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      if (out.empty() || out.back() != '#') out += '#';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<ExploreSetup> load_explore_setup(const std::string& file, std::vector<Diagnostic>& diags) {
  ExploreSetup s;
  s.source = file;
  s.name = fs::path(file).stem().string();
  json sim = json::object();
  if (is_scenario_file(file)) {
    ScenarioLoad load = load_scenario_file(file);
    diags.insert(diags.end(), load.diagnostics.begin(), load.diagnostics.end());
    if (!load.ok()) return std::nullopt;
    auto root = read_json(file, diags);
    if (!root) return std::nullopt;
    const json& t = root->at("topology");
    if (t.is_string()) {
      const fs::path topo_file = fs::path(file).parent_path() / t.get<std::string>();
      auto topo = read_json(topo_file.string(), diags);
      if (!topo) return std::nullopt;
      s.topology_json = topo->dump();
    } else {
      s.topology_json = t.dump();
    }
    if (root->contains("sim")) sim = root->at("sim");
    sim.erase("seed");
    if (sim.contains("profile") && sim["profile"].is_string()) {
      sim["profile"] = fs::absolute(fs::path(file).parent_path() / sim["profile"].get<std::string>()).string();
    }
    s.topology = load.scenario->topology;
    s.profile = load.scenario->profile;
    s.jitter_ms = load.scenario->jitter_ms;
  } else {
    LoadOutcome lo = load_topology_file(file);
    diags.insert(diags.end(), lo.diagnostics.begin(), lo.diagnostics.end());
    if (!lo.ok()) return std::nullopt;
    auto topo = read_json(file, diags);
    if (!topo) return std::nullopt;
    s.topology_json = topo->dump();
    s.topology = *lo.topology;
    // The explorer's choice: elections vary with the seed.
    s.jitter_ms = 100;
    sim["jitter_ms"] = s.jitter_ms;
  }
  s.sim_json = sim.dump();
  s.plan = build_deploy_plan(s.topology);
  return s;
}

std::string candidate_scenario_text(const ExploreSetup& setup, const Candidate& c, uint64_t seed,
                                    const std::string& name, const std::string& description) {
  json root = json::object();
  root["name"] = name;
  root["description"] = description;
  root["topology"] = json::parse(c.topology_json);
  json sim = json::parse(setup.sim_json);
  json with_seed = {{"seed", seed}};
  for (auto it = sim.begin(); it != sim.end(); ++it) with_seed[it.key()] = it.value();
  root["sim"] = with_seed;
  // The steps as the nemesis renders them for the candidate's topology.
  LoadOutcome lo = load_topology_text(c.topology_json, "explore");
  const Topology& topo = lo.ok() ? *lo.topology : setup.topology;
  root["steps"] = json::parse(schedule_steps_json(c.schedule, topo, setup.jitter_ms, setup.profile));
  // One step per line: short files that diff well.
  std::string out = "{\n";
  size_t i = 0;
  for (auto it = root.begin(); it != root.end(); ++it, ++i) {
    out += "  " + json(it.key()).dump() + ": ";
    if (it.key() == "steps") {
      out += "[\n";
      for (size_t k = 0; k < it.value().size(); ++k) {
        out += "    " + it.value()[k].dump() + (k + 1 < it.value().size() ? ",\n" : "\n");
      }
      out += "  ]";
    } else {
      out += it.value().dump();
    }
    out += i + 1 < root.size() ? ",\n" : "\n";
  }
  return out + "}\n";
}

std::string failure_signature(const std::string& reason, const std::string& step_text) {
  const std::string violated = "the simulator found an invariant violated";
  if (reason.rfind(violated, 0) == 0) {
    const size_t p = reason.find("): ");
    return "safety: " + normalize(p == std::string::npos ? reason : reason.substr(p + 3));
  }
  if (step_text.find("\"catalog_consistent\"") != std::string::npos) {
    return "liveness: the MP's catalog disagrees with the cluster after the faults healed";
  }
  if (step_text.find("\"wait_until\"") != std::string::npos) {
    return "liveness: not healthy within the bound after the faults healed";
  }
  std::string word = "step";
  const size_t d = step_text.find("\"do\":\"");
  if (d != std::string::npos) {
    const size_t start = d + 6;
    const size_t end = step_text.find_first_of(" \"", start);
    word = step_text.substr(start, end - start);
  }
  const size_t at = reason.find("failed: step ");
  if (at != std::string::npos) {
    const size_t start = at + 13;
    const size_t end = reason.find(' ', start);
    return word + " failed at step " + reason.substr(start, end - start);
  }
  if (reason.find("without naming the step") != std::string::npos) return word + " failed without naming its step";
  return word + " failed: " + normalize(reason).substr(0, 80);
}

RunOutcome run_candidate(const ExploreSetup& setup, const Candidate& c, uint64_t seed, const std::string& file,
                         const std::function<void(SimSession&)>& prepare) {
  RunOutcome o;
  const std::string text = candidate_scenario_text(setup, c, seed, setup.name + "-explore", "");
  ScenarioLoad load = load_scenario_text(text, file);
  if (!load.ok()) {
    o.valid = false;
    o.reason = load.diagnostics.empty() ? "invalid" : load.diagnostics.front().message;
    return o;
  }
  RunOptions ro;
  ro.prepare = prepare;
  ro.tail_events = 0;
  RunResult r = run_scenario(*load.scenario, seed, ro);
  o.passed = r.passed;
  o.trace_hash = r.trace_hash;
  o.events = r.events;
  o.steps = load.scenario->steps.size();
  if (r.failure) {
    o.reason = "step " + std::to_string(r.failure->step + 1) + " " + r.failure->text + ": " + r.failure->reason;
    o.signature = failure_signature(r.failure->reason, r.failure->text);
  }
  return o;
}

Schedule schedule_for_seed(const ExploreSetup& setup, uint64_t seed, const NemesisOptions& options) {
  Rng rng(seed ^ 0x6e656d6573697321ULL);  // "nemesis!": apart from the simulator's stream
  return random_schedule(setup.topology, setup.plan, setup.profile, rng, options);
}

namespace {

/// A seed whose run failed, and how.
struct FailedRun {
  uint64_t seed;
  RunOutcome outcome;
};

/// The seeds of this shard, each run once on `o.jobs` threads; the counts go
/// into `report`, the failed runs are returned.
std::vector<FailedRun> run_seeds(const ExploreSetup& setup, const ExploreOptions& o, ExploreReport& report) {
  std::vector<uint64_t> seeds;
  for (uint64_t i = 0; i < o.runs; ++i) {
    if (o.shards <= 1 || static_cast<int>(i % static_cast<uint64_t>(o.shards)) == o.shard - 1) {
      seeds.push_back(o.first_seed + i);
    }
  }
  std::vector<FailedRun> failures;
  std::mutex mu;
  std::atomic<size_t> next{0};
  const std::string anchor = (o.out_dir.empty() ? fs::path(".") : fs::path(o.out_dir)).string() + "/explore.json";
  auto worker = [&] {
    while (true) {
      const size_t i = next.fetch_add(1);
      if (i >= seeds.size()) return;
      const uint64_t seed = seeds[i];
      Candidate c{schedule_for_seed(setup, seed, o.nemesis), setup.topology_json};
      RunOutcome r = run_candidate(setup, c, seed, anchor, o.prepare);
      std::lock_guard<std::mutex> lock(mu);
      report.runs++;
      report.events += r.events;
      report.phases[c.schedule.phase.empty() ? "deployed" : c.schedule.phase]++;
      for (const Fault& f : c.schedule.faults) report.fault_kinds[f.kind]++;
      if (r.passed) {
        report.passed++;
      } else {
        report.failed++;
        failures.push_back({seed, r});
      }
      if (o.progress) o.progress(report.runs, report.failed);
    }
  };
  std::vector<std::thread> pool;
  const int jobs = std::max(1, std::min<int>(o.jobs, static_cast<int>(seeds.size())));
  for (int j = 1; j < jobs; ++j) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  std::sort(failures.begin(), failures.end(), [](const FailedRun& a, const FailedRun& b) { return a.seed < b.seed; });
  return failures;
}

/// A new finding from its first failed seed: run again (determinism),
/// shrunk, and, with an output directory, written and replayed from the file.
Finding make_finding(const ExploreSetup& setup, const ExploreOptions& o, const FailedRun& f) {
  Finding fd;
  fd.seed = f.seed;
  fd.signature = f.outcome.signature;
  fd.reason = f.outcome.reason;
  fd.seeds_failed = 1;
  fd.trace_hash = f.outcome.trace_hash;
  fd.steps = f.outcome.steps;
  const Candidate start{schedule_for_seed(setup, f.seed, o.nemesis), setup.topology_json};
  const std::string stem = setup.name + "-seed" + std::to_string(f.seed);
  const fs::path dir = o.out_dir.empty() ? fs::path(".") : fs::path(o.out_dir);
  fd.file = (dir / (stem + ".json")).string();
  fd.shrunk_file = (dir / (stem + ".min.json")).string();
  // Determinism: the same seed again, the same trace.
  RunOutcome again = run_candidate(setup, start, f.seed, fd.file, o.prepare);
  fd.rerun_hash = again.trace_hash;
  fd.deterministic = again.trace_hash == f.outcome.trace_hash && again.signature == f.outcome.signature;
  ShrinkResult sr = shrink_candidate(setup, start, f.seed, fd.signature, fd.shrunk_file, o.prepare, o.max_shrink_runs);
  fd.shrink_runs = sr.runs;
  fd.shrunk_steps = sr.outcome.steps;
  const std::string why = "explore found: " + fd.signature;
  fd.shrunk_text = candidate_scenario_text(setup, sr.best, f.seed, stem + "-min", why + " (shrunk)");
  if (o.out_dir.empty()) {
    fd.replays = sr.outcome.signature == fd.signature;
    return fd;
  }
  write_file(fd.file, candidate_scenario_text(setup, start, f.seed, stem, why));
  write_file(fd.shrunk_file, fd.shrunk_text);
  // The file as written, loaded and run the way `dpcctl scenario run` does.
  ScenarioLoad load = load_scenario_file(fd.shrunk_file);
  if (load.ok()) {
    RunOptions ro;
    ro.prepare = o.prepare;
    RunResult rr = run_scenario(*load.scenario, load.scenario->seed, ro);
    fd.replays = rr.failure && failure_signature(rr.failure->reason, rr.failure->text) == fd.signature;
  }
  return fd;
}

}  // namespace

ExploreReport explore(const ExploreSetup& setup, const ExploreOptions& o) {
  ExploreReport report;
  const std::vector<FailedRun> failures = run_seeds(setup, o, report);
  std::map<std::string, size_t> index;  // signature -> finding
  for (const FailedRun& f : failures) {
    auto it = index.find(f.outcome.signature);
    if (it != index.end()) {
      report.findings[it->second].seeds_failed++;
      continue;
    }
    if (report.findings.size() >= o.max_findings) continue;
    index[f.outcome.signature] = report.findings.size();
    report.findings.push_back(make_finding(setup, o, f));
  }
  return report;
}

}  // namespace dpc::sim
