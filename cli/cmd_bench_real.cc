// dpcctl bench --backend=real TOPOLOGY [--repeat N] [--out DIR] [real-backend
// options]: a deployed cluster's failover and restart times measured through
// the real backend (core/failover_measure.h), printed beside the simulator's
// prediction for the same topology and settings (bench/failover_compare.h).
// Exit 0 measured, 1 a measurement or a file failed, 2 usage.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "bench/failover_compare.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/topology_arg.h"
#include "real-backend/real_backend.h"
#include "real-backend/real_config.h"

namespace dpc::cli {

namespace {

const char* kBenchRealUsage =
    "usage: dpcctl bench --backend=real TOPOLOGY [--repeat N] [--out DIR] [real-backend options]\n"
    "\n"
    "On a cluster deployed with 'dpcctl deploy --backend=real', measures N times: the\n"
    "leader of the first replicated BP group killed (SIGKILL) at a random point of its\n"
    "heartbeat interval, the time to a new PRIMARY/OPEN leader and to the SP serving\n"
    "again, and the killed instance's restart to OPEN; and prints them beside the\n"
    "simulator's prediction for the same topology and settings (N seeds).\n"
    "The cluster is left running, every member restarted.\n"
    "\n"
    "  --repeat N     repetitions (default 5)\n"
    "  --group NAME   the replicated BP group (default: the first)\n"
    "  --out DIR      also write DIR/failover-real.json and DIR/failover-real.svg\n"
    "  real-backend options as for 'dpcctl status' (--dm-home, --odbc-dsn, --state-dir, ...)\n"
    "\n"
    "exit status: 0 measured, 1 a measurement or a file failed, 2 usage error\n";

}  // namespace

int cmd_bench_real(const Words& words) {
  std::set<std::string> options = {"backend", "repeat", "out", "group"};
  for (const auto& name : real::real_option_names()) options.insert(name);
  auto args = parse_args(words, {"help"}, options);
  if (!args) return std::fprintf(stderr, "dpcctl bench: %s\n\n%s", args.message().c_str(), kBenchRealUsage), 2;
  if (args->has("help")) return std::fputs(kBenchRealUsage, stdout), 0;
  if (args->get_or("backend", "") != "real") {
    return std::fprintf(stderr, "dpcctl bench: --backend takes 'real' (without it the simulator's benchmarks run)\n"), 2;
  }
  if (args->positional.size() != 1) {
    return std::fprintf(stderr, "dpcctl bench: --backend=real needs one topology file\n\n%s", kBenchRealUsage), 2;
  }
  FailoverOptions fo;
  fo.group = args->get_or("group", "");
  if (auto r = args->get("repeat")) {
    auto n = parse_number("repeat", *r);
    if (!n || *n < 1 || *n > 1000) return std::fprintf(stderr, "dpcctl bench: --repeat must be 1..1000\n"), 2;
    fo.repeats = static_cast<int>(*n);
  }
  auto topo = load_topology_arg(args->positional[0], "bench");
  if (!topo) return 1;
  std::map<std::string, std::string> opts;
  for (const auto& name : real::real_option_names()) {
    if (auto v = args->get(name)) opts[name] = *v;
  }
  auto cfg = real::real_config_from_options(*topo, opts);
  if (!cfg) return std::fprintf(stderr, "dpcctl bench: %s\n", cfg.message().c_str()), 2;
  auto backend = real::RealBackend::create(*cfg);
  if (!backend) return std::fprintf(stderr, "dpcctl bench: %s\n", backend.message().c_str()), 1;

  auto real = measure_failover(**backend, *topo, fo);
  if (!real) return std::fprintf(stderr, "dpcctl bench: %s\n", real.message().c_str()), 1;
  const auto predicted = bench::predict_failover(*topo, fo.repeats, fo);
  std::fputs(bench::failover_table(*real, predicted, *topo).c_str(), stdout);
  bool ok = true;
  for (const FailoverSample& s : *real) ok = ok && s.ok;
  if (auto dir = args->get("out")) {
    std::error_code ec;
    std::filesystem::create_directories(*dir, ec);
    for (const auto& [name, text] :
         {std::pair<std::string, std::string>{"failover-real.json",
                                              bench::failover_json(*real, predicted, *topo).dump(1) + "\n"},
          {"failover-real.svg", bench::failover_svg(*real, predicted)}}) {
      std::ofstream f(*dir + "/" + name, std::ios::trunc);
      f << text;
      if (!f) {
        std::fprintf(stderr, "dpcctl bench: cannot write %s/%s\n", dir->c_str(), name.c_str());
        ok = false;
      }
    }
  }
  return ok ? 0 : 1;
}

}  // namespace dpc::cli
