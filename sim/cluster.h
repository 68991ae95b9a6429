// SimCluster: a deterministic simulated DMDPC cluster — the API the
// executor's SimBackend, the shell, the scenario runner, the benchmarks and
// the tests build on. It owns the event loop, the one seeded Rng, the trace,
// the network, the hosts (created on demand by name) and the dmserver
// processes, and runs DM's tools (dminit, dmrman), servers (dmserver), their
// consoles and signals, and SQL, all in virtual time.
//
//   SimCluster c(SimOptions{.seed = 7});
//   c.run_tool_sync("h1", "dminit", {"path=/dm/mp", "instance_name=MP", ...});
//   c.start_server("h1", {"/dm/mp/DAMENG/dm.ini", "dpc_mode=MP"}, on_ready);
//   c.run_until([&] { return c.view("MP").status == "OPEN"; }, 10'000);
//
// Same seed and inputs -> byte-identical trace (trace().hash()). Faults:
// partitions, link latency/jitter/loss, host crash/restart, kill. Invariants
// are checked after every event; the first violation stops the run
// (violations()). Single-threaded: asynchronous calls complete from inside
// step() / advance() / run_until(), never from the call that started them.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/result.h"
#include "sim/model/dmserver.h"
#include "sim/model/world.h"

namespace dpc::sim {

class SimCluster {
 public:
  explicit SimCluster(SimOptions options = {});
  ~SimCluster();
  SimCluster(const SimCluster&) = delete;
  SimCluster& operator=(const SimCluster&) = delete;

  const SimOptions& options() const { return w_->options; }
  uint64_t seed() const { return w_->options.seed; }

  // ---- Hosts and files ------------------------------------------------------
  /// The host of that name (created, up and empty, on first use).
  Host& host(const std::string& name) { return w_->host(name); }
  /// Makes an address used in mp.ini or the catalog (an IP) name a host.
  void add_alias(const std::string& address, const std::string& host_name) {
    w_->add_alias(address, host_name);
  }
  Result<std::string> read_file(const std::string& host, const std::string& path);
  /// Writes a whole file; its directory must exist (dminit creates DAMENG).
  Status write_file(const std::string& host, const std::string& path, const std::string& content);
  bool exists(const std::string& host, const std::string& path);

  // ---- Tools, servers, consoles, SQL (asynchronous) --------------------------
  void run_tool(const std::string& host, const std::string& program,
                const std::vector<std::string>& args, std::function<void(Result<ToolOutcome>)> done);
  /// dmserver <args>; `done` fires once: ready (OPEN, or MOUNT for a MOUNT
  /// start) or the refusal naming the instance and the rule.
  /// Carries a backup set directory from one host to another (copy-backup).
  void copy_backup(const std::string& from, const std::string& to, const std::string& dir,
                   std::function<void(Status)> done);
  void start_server(const std::string& host, const std::vector<std::string>& args,
                    std::function<void(Status)> done);
  /// A console line typed on a running server: "exit" or "exit all".
  Status console(const std::string& instance, const std::string& line);
  Status signal(const std::string& instance, Signal sig);
  /// SIGKILL: the instance dies at once, leaving a dirty database.
  Status kill(const std::string& instance) { return signal(instance, Signal::Kill); }
  /// One statement as SYSDBA to host:port (disql / ODBC); the answer arrives
  /// after the profile's sql_ms round trip.
  void sql(const std::string& host, int port, const std::string& statement,
           std::function<void(Result<Rows>)> done);
  /// The same, to an instance by name (its host and current PORT_NUM).
  void sql(const std::string& instance, const std::string& statement,
           std::function<void(Result<Rows>)> done);

  // ---- Blocking conveniences: run the loop until the answer -------------------
  Result<ToolOutcome> run_tool_sync(const std::string& host, const std::string& program,
                                    const std::vector<std::string>& args);
  /// Starts a server and runs until it is ready or refused (or `limit_ms`
  /// of virtual time pass: an error saying it is still starting).
  Status start_server_sync(const std::string& host, const std::vector<std::string>& args,
                           Millis limit_ms = 600'000);
  Result<Rows> sql_sync(const std::string& instance, const std::string& statement);
  Result<Rows> sql_sync(const std::string& host, int port, const std::string& statement);

  // ---- Time -------------------------------------------------------------------
  /// Virtual milliseconds since the start of the run.
  Millis now() const { return to_ms(w_->loop.now()); }
  SimTime now_us() const { return w_->loop.now(); }
  /// Runs one event. False when nothing is pending or a violation stopped the run.
  bool step();
  /// Runs every event due within the next `ms` and moves the clock there.
  void advance(Millis ms);
  /// Runs events until `pred` holds (checked after each event) or virtual time
  /// passes `deadline_ms` (absolute). Returns whether `pred` holds.
  bool run_until(const std::function<bool()>& pred, Millis deadline_ms);
  /// Schedules `fn` at virtual time `when_ms`.
  void call_at(Millis when_ms, std::function<void()> fn);
  bool idle() { return w_->loop.empty(); }

  // ---- Faults -----------------------------------------------------------------
  void partition(const std::string& a, const std::string& b, bool one_way = false);
  void heal(const std::string& a, const std::string& b);
  void heal_all();
  /// Link a->b (and b->a unless one_way): one-way latency and jitter in ms, loss 0..1.
  void set_link(const std::string& a, const std::string& b, double latency_ms, double jitter_ms,
                double loss, bool one_way = false);
  /// The host goes down: every process on it dies (dirty); its disk survives.
  void crash_host(const std::string& host);
  void restart_host(const std::string& host);
  /// Election-timeout jitter bound for one instance (overrides SimOptions::jitter_ms).
  void set_jitter(const std::string& instance, int64_t jitter_ms);

  // ---- State ------------------------------------------------------------------
  InstanceView view(const std::string& name) const;
  /// Every instance initialised or started, in name order.
  std::vector<std::string> instance_names() const;
  /// The running leader of a RAFT group (the highest term when a stale one lingers).
  std::optional<std::string> group_leader(const std::string& raft) const;
  const Trace& trace() const { return w_->trace; }
  Trace& trace() { return w_->trace; }
  const std::vector<Violation>& violations() const { return w_->violations(); }
  /// DPC_INSTANCE rows of the serving MP that disagree with the live state.
  std::vector<std::string> check_catalog();
  /// The lines a server printed last (its console output).
  std::vector<std::string> server_output(const std::string& instance) const;
  /// The world underneath, for benchmarks and diagnostics.
  World& world() { return *w_; }

 private:
  Result<Rows> exec_sql(const std::string& host, int port, const std::string& statement);

  std::unique_ptr<World> w_;
};

/// A statement as it may appear in a trace: any `IDENTIFIED BY <secret>` masked.
std::string redact_sql(const std::string& statement);

}  // namespace dpc::sim
