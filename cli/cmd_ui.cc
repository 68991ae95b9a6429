// dpcctl ui [FILE] --backend=sim|real [--listen ADDR:PORT]: the web console
// (docs/ui.md). Serves the page and its JSON API on one Asio thread that also
// drives the simulated cluster. Loopback by default; any other address needs
// an access token (generated and printed with the URL unless --token-env
// names a variable holding one). Runs until interrupted (Ctrl-C).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/cluster_status.h"
#include "core/input_text.h"
#include "core/topology_load.h"
#include "real-backend/real_backend.h"
#include "real-backend/real_config.h"
#include "ui/server/access.h"
#include "ui/server/api.h"
#include "ui/server/ui_server.h"

namespace dpc::cli {
namespace {

const char* kUiUsage =
    "usage: dpcctl ui [FILE] [--backend=sim|real] [--listen ADDR:PORT] [--seed N] [--jitter MS]\n"
    "                 [--token-env VAR] [--scenario-dir DIR]\n"
    "\n"
    "Serves the web console: a deploy wizard, the plan, a live monitor and, on the\n"
    "simulator, the clock and fault injection. Open the URL it prints.\n"
    "\n"
    "  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080; port 0 = any free)\n"
    "  --token-env VAR      the access token is in this environment variable; else one is\n"
    "                       generated when ADDR is not loopback (loopback needs none)\n"
    "  --scenario-dir DIR   where 'save as scenario' writes (default: current directory)\n"
    "  --seed N, --jitter MS  the simulated cluster's seed and election jitter\n"
    "  real backend: the options of dpcctl status --backend=real (--dm-home, --odbc-driver,\n"
    "  --odbc-dsn, --password-env, --password-file, --state-dir, --connect-timeout-ms (default\n"
    "  3000 here: each status query waits at most that long per instance), ...)\n"
    "\n"
    "exit status: 0 stopped, 1 cannot listen or FILE invalid, 2 usage error\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "dpcctl ui: %s\n\n%s", message.c_str(), kUiUsage);
  return 2;
}

/// --listen ADDR:PORT and the token (--token-env, or a new one off
/// loopback) into `so`; a usage error's message, or "".
std::string server_options(const Args& args, ui::ServerOptions& so) {
  const std::string listen = args.get_or("listen", "127.0.0.1:8080");
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return "--listen wants ADDR:PORT, e.g. 127.0.0.1:8080";
  so.address = listen.substr(0, colon);
  if (so.address.size() > 2 && so.address.front() == '[' && so.address.back() == ']') {
    so.address = so.address.substr(1, so.address.size() - 2);
  }
  auto port = parse_number("listen", listen.substr(colon + 1));
  if (!port || *port > 65535) return "--listen: the port must be 0..65535";
  so.port = static_cast<uint16_t>(*port);
  if (auto var = args.get("token-env")) {
    const char* t = std::getenv(var->c_str());
    if (!t || std::string(t).size() < 16) {
      return "--token-env " + *var + ": the variable must hold a token of at least 16 characters";
    }
    so.token = t;
  } else if (!ui::is_loopback(so.address)) {
    so.token = ui::generate_token();
  }
  return "";
}

/// With the real backend, the status of `topo` through one RealBackend made
/// at the first request; a usage error's message, or "".
std::string real_status(const Args& args, const Topology& topo, ui::ApiConfig& config) {
  std::map<std::string, std::string> opts;
  for (const auto& name : real::real_option_names()) {
    if (auto v = args.get(name)) opts[name] = *v;
  }
  if (!opts.count("connect-timeout-ms")) opts["connect-timeout-ms"] = "3000";
  auto cfg = real::real_config_from_options(topo, opts);
  if (!cfg) return cfg.message();
  // One backend for the console's life, made at the first status request.
  auto backend = std::make_shared<std::unique_ptr<real::RealBackend>>();
  config.real_status = [cfg = *cfg, backend](const Topology& t) -> Result<ClusterStatus> {
    if (!*backend) {
      auto made = real::RealBackend::create(cfg);
      if (!made) return make_error(made.message());
      *backend = std::move(*made);
    }
    return gather_status(**backend, t);
  };
  return "";
}

}  // namespace

int cmd_ui(const Words& words) {
  std::set<std::string> options{"backend", "listen", "seed", "jitter", "token-env", "scenario-dir"};
  for (const auto& n : real::real_option_names()) options.insert(n);
  auto args = parse_args(words, {"help"}, options);
  if (!args) return usage_error(args.message());
  if (args->has("help")) return std::fputs(kUiUsage, stdout), 0;
  if (args->positional.size() > 1) return usage_error("give at most one topology FILE");
  ui::ApiConfig config;
  config.backend = args->get_or("backend", "sim");
  if (config.backend != "sim" && config.backend != "real") {
    return usage_error("unknown --backend '" + config.backend + "'; use sim or real");
  }
  config.scenario_dir = args->get_or("scenario-dir", ".");
  for (const char* key : {"seed", "jitter"}) {
    if (auto v = args->get(key)) {
      auto n = parse_number(key, *v);
      if (!n) return usage_error(n.message());
      if (std::string(key) == "seed") config.sim.seed = static_cast<uint64_t>(*n);
      else config.sim.jitter_ms = *n;
    }
  }
  ui::ServerOptions so;
  if (std::string why = server_options(*args, so); !why.empty()) return usage_error(why);

  std::optional<Topology> topo;
  std::string text;
  if (!args->positional.empty()) {
    config.topology_file = args->positional[0];
    Result<std::string> read = read_input_file(config.topology_file, "topology file");
    if (!read) {
      std::fprintf(stderr, "dpcctl ui: %s\n", read.message().c_str());
      return 1;
    }
    text = *read;
    const LoadOutcome outcome = load_topology_text(text, config.topology_file);
    if (!outcome.ok()) {
      std::fputs(format_diagnostics(outcome.diagnostics, config.topology_file).c_str(), stderr);
      std::fprintf(stderr, "dpcctl ui: %s is not a valid topology (run dpcctl validate %s)\n",
                   config.topology_file.c_str(), config.topology_file.c_str());
      return 1;
    }
    topo = *outcome.topology;
  }

  if (config.backend == "real" && topo) {
    if (std::string why = real_status(*args, *topo, config); !why.empty()) return usage_error(why);
  }

  boost::asio::io_context io;
  ui::Api api(config, topo, text);
  ui::UiServer server(io, so, api);
  auto bound = server.listen();
  if (!bound) return std::fprintf(stderr, "dpcctl ui: %s\n", bound.message().c_str()), 1;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { server.stop(); io.stop(); });
  std::printf("dpcctl ui: %s backend%s; open %s\n", config.backend.c_str(),
              topo ? (", cluster " + topo->cluster).c_str() : "", server.url().c_str());
  std::fflush(stdout);
  io.run();
  return 0;
}

}  // namespace dpc::cli
