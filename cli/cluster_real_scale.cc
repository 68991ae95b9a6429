// scale-out, scale-in and convert on DM's real binaries. The state directory
// keeps the topology the cluster was deployed with (deployed-topology.json,
// a copy of the file, written by deploy and by every scale-out / scale-in)
// and the conversions made since (conversions.txt, "BP13 shadow" lines);
// the difference is computed against them (core/scale_plan.h).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/cluster_cli.h"
#include "cli/cluster_interrupt.h"
#include "core/diagnostic.h"
#include "core/plan_render.h"
#include "core/progress.h"
#include "core/scale_ops.h"
#include "core/topology_load.h"
#include "real-backend/atomic_file.h"
#include "real-backend/real_backend.h"
#include "real-backend/real_config.h"

namespace dpc::cli {
namespace {

namespace fs = std::filesystem;

int fail(const ClusterCommand& c, const std::string& why, int code = 1) {
  std::fprintf(stderr, "dpcctl %s: %s\n", c.verb.c_str(), why.c_str());
  return code;
}

std::string deployed_file(const std::string& state_dir) { return (fs::path(state_dir) / "deployed-topology.json").string(); }
std::string conversions_file(const std::string& state_dir) { return (fs::path(state_dir) / "conversions.txt").string(); }

/// The deployed topology: the recorded file with the conversions made since.
Result<Topology> load_deployed(const std::string& state_dir) {
  const std::string file = deployed_file(state_dir);
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return Error{"no record of the deployed topology in " + state_dir +
                 " (deploy writes it; for a cluster deployed by an older dpcctl, copy the topology file it was "
                 "deployed with to " + file + ")"};
  }
  LoadOutcome loaded = load_topology_file(file);
  if (!loaded.ok()) return Error{file + " no longer loads:\n" + format_diagnostics(loaded.diagnostics, file)};
  Topology topo = *loaded.topology;
  std::ifstream in(conversions_file(state_dir));
  std::string name, kind;
  while (in >> name >> kind) {
    auto to = parse_convert_target(kind);
    if (!to || topo.find_instance(name) == nullptr) {
      return Error{conversions_file(state_dir) + ": '" + name + " " + kind + "' is not a conversion of this cluster"};
    }
    topo = converted_topology(topo, name, *to);
  }
  return topo;
}

}  // namespace

Status record_deployed_topology(const std::string& state_dir, const std::string& topology_file) {
  auto text = real::read_whole_file(topology_file);
  if (!text) return text.error();
  if (Status st = real::write_file_atomic(deployed_file(state_dir), *text); !st) return st;
  std::error_code ec;
  fs::remove(conversions_file(state_dir), ec);
  return Status::Ok();
}

std::string reshape_plan_text(const std::string& verb, const Plan& plan) {
  std::string text = render_plan_text(plan);
  const std::string what = verb == "scale-out" ? "Scale-out" : verb == "scale-in" ? "Scale-in" : "Conversion";
  if (text.rfind("Deployment plan", 0) == 0) text.replace(0, std::string("Deployment").size(), what);
  else if (text.rfind("Stop plan", 0) == 0) text.replace(0, std::string("Stop").size(), what);
  return text;
}

int run_real_reshape(const ClusterCommand& c, const std::map<std::string, std::string>& opts) {
  // The state directory as the file's topology names it (the default is
  // .dpcctl/<cluster>, the same for both).
  auto first = real::real_config_from_options(c.topo, opts);
  if (!first) return fail(c, first.message(), 2);
  auto deployed = load_deployed(first->state_dir);
  if (!deployed) return fail(c, deployed.message());
  Result<Plan> plan = Error{""};
  const bool convert = c.verb == "convert";
  if (c.verb == "scale-out") plan = build_scale_out_plan(*deployed, c.topo);
  else if (c.verb == "scale-in") plan = build_scale_in_plan(*deployed, c.topo);
  else plan = build_convert_plan(*deployed, c.words[1], *parse_convert_target(c.words[3]));
  if (!plan) return fail(c, plan.message());
  if (c.dry_run) {
    if (!convert) std::printf("%s", diff_topologies(*deployed, c.topo).describe().c_str());
    std::printf("%s", reshape_plan_text(c.verb, *plan).c_str());
    return 0;
  }
  // The backend must know every instance the operation touches: the new
  // ones of a scale-out, the leaving ones of a scale-in.
  auto cfg = real::real_config_from_options(c.verb == "scale-out" ? c.topo : *deployed, opts);
  if (!cfg) return fail(c, cfg.message(), 2);
  auto backend = real::RealBackend::create(*cfg);
  if (!backend) return fail(c, backend.message());
  ProgressPrinter printer(stdout, c.json);
  OpOptions o;
  o.parallel = c.parallel;
  o.on_event = [&](const StepEvent& e) { printer(e); };
  if (!c.json) o.on_note = [](const std::string& line) { std::fputs(line.c_str(), stdout); };
  ClusterInterrupt interrupts(c);  // Ctrl-C / SIGTERM (cli/cluster_interrupt.h)
  o.stop_requested = interrupts.stop_requested();
  o.abort_requested = interrupts.abort_requested();
  ScaleResult r = c.verb == "scale-out" ? run_scale_out(**backend, *deployed, c.topo, o)
                  : c.verb == "scale-in" ? run_scale_in(**backend, *deployed, c.topo, o)
                                         : run_convert(**backend, *deployed, c.words[1],
                                                       *parse_convert_target(c.words[3]), o);
  if (r.op.interrupted) {
    // The state directory still records the topology before the operation.
    return interrupts.finish(cfg->state_dir, nullptr, nullptr, steps_progress(r.op.reports),
                             "the recorded topology is still the one before " + c.verb +
                                 "; `dpcctl status` shows which instances run (docs/security.md, Signals)",
                             (*backend)->now());
  }
  if (r.op.ok) {
    Status st = Status::Ok();
    if (convert) {
      st = real::append_file(conversions_file(cfg->state_dir), c.words[1] + " " + c.words[3] + "\n");
    } else {
      st = record_deployed_topology(cfg->state_dir, c.args.positional[0]);
    }
    if (!st) return fail(c, "the cluster changed, but recording it in " + cfg->state_dir + " failed: " + st.message());
  }
  const ClusterStatus status = gather_status(**backend, r.result);
  if (c.json) {
    nlohmann::json j{{"event", "result"}, {"ok", r.op.ok}, {"output", r.op.output}, {"cluster", status_json(status)}};
    if (!r.op.ok) j["error"] = r.op.error;
    print_json(j);
  } else {
    std::printf("%s", r.op.output.c_str());
    std::fputs(format_status(status).c_str(), stdout);
  }
  if (!r.op.ok) return fail(c, r.op.error);
  return status.exit_code();
}

}  // namespace dpc::cli
