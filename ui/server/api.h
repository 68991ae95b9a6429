// The console's JSON API (docs/ui.md): what the page uses and a script may
// use too. Routes a request (method, path, query, body) to the core —
// topology validation with the diagnostics of `dpcctl validate --json`,
// plans in every format — and, on the simulator, to the live SimDriver:
// deploy, stop, start, shell commands and faults, the clock, status, the
// event log, and saving what was done as a scenario file. Every input is
// checked here, on the server, by the core; no answer ever carries the SYSDBA
// password (topologies name only where it comes from).
//
// Threading: not thread-safe; the server calls it from its one Asio thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/cluster_status.h"
#include "core/topology.h"
#include "sim/model/world.h"
#include "ui/server/sim_driver.h"

namespace dpc::ui {

struct ApiRequest {
  std::string method;  ///< GET, POST
  std::string path;    ///< "/api/status" (no query)
  std::map<std::string, std::string> query;
  std::string body;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string download_name;  ///< set: sent as an attachment of that name
};

struct ApiConfig {
  std::string backend = "sim";      ///< "sim" or "real"
  std::string topology_file;        ///< where the served topology came from ("" = none yet)
  std::string scenario_dir = ".";   ///< where "save as scenario" writes
  sim::SimOptions sim;
  /// The real backend's cluster table (`dpcctl status`), bounded in time by
  /// the backend's connect timeout; set by `dpcctl ui --backend=real` (the
  /// cli links real-backend, this library does not). Empty: no monitor.
  std::function<Result<ClusterStatus>(const Topology&)> real_status;
};

class Api {
 public:
  /// `topology` and its text: the served topology, if one was given.
  Api(ApiConfig config, std::optional<Topology> topology, std::string topology_text);

  ApiResponse handle(const ApiRequest& request);

  /// The live simulated cluster (nullptr on the real backend or before a topology).
  SimDriver* sim() { return driver_.get(); }
  /// Called whenever the event log grew (the server wakes its streams).
  std::function<void()> on_events;
  /// Called when the simulated cluster was replaced (its event log starts
  /// again): the server ends its event streams, and the page reconnects.
  std::function<void()> on_reset;

 private:
  ApiResponse info() const;
  ApiResponse validate(const ApiRequest& r) const;
  ApiResponse plan(const ApiRequest& r) const;
  ApiResponse use_topology(const ApiRequest& r);
  ApiResponse clock(const ApiRequest& r);
  ApiResponse command(const std::string& line);
  ApiResponse save_scenario(const ApiRequest& r);
  ApiResponse sim_only() const;
  ApiResponse real_state() const;
  void reset_driver();

  ApiConfig config_;
  std::optional<Topology> topology_;
  std::string topology_text_;
  std::unique_ptr<SimDriver> driver_;
};

/// A JSON answer {"error": message} with `status`.
ApiResponse json_error(int status, const std::string& message, const std::string& hint = "");

}  // namespace dpc::ui
