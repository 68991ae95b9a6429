// SimBackend: the deployment core's Backend (core/backend.h) implemented by a
// simulated cluster (sim/cluster.h), in virtual time. The executor, `dpcctl
// deploy --backend=sim`, the shell and the scenario runner drive the
// simulator through it exactly as they drive DM through the real backend:
// files on a host, dminit/dmrman run to completion, dmserver started and
// kept running, console lines, signals and SQL.
//
// It owns its SimCluster or borrows one (SimBackend(SimCluster&)) so a test
// can inspect and fault the cluster it deploys. run_one() runs one event,
// jumping virtual time to it; it returns false only when nothing can ever
// happen again (no event pending and no server running) or an invariant
// violation stopped the run. Single-threaded; callbacks fire from run_one().
#pragma once

#include <memory>
#include <string>

#include "core/backend.h"
#include "sim/cluster.h"

namespace dpc::sim {

class SimBackend : public Backend {
 public:
  /// A backend over a fresh cluster it owns.
  explicit SimBackend(SimOptions options = {});
  /// A backend over a cluster the caller owns and outlives it.
  explicit SimBackend(SimCluster& cluster);
  ~SimBackend() override;

  SimCluster& cluster() { return *cluster_; }

  std::string name() const override { return "sim"; }

  Result<std::string> read_file(const std::string& host, const std::string& path) override;
  Status write_file(const std::string& host, const std::string& path,
                    const std::string& content) override;
  bool exists(const std::string& host, const std::string& path) override;

  void run_tool(const ToolRun& run, std::function<void(Result<ToolOutcome>)> done) override;
  void start_server(const ServerLaunch& launch, std::function<void(Status)> done) override;
  Status console(const std::string& instance, const std::string& line) override;
  Status signal(const std::string& instance, Signal sig) override;
  bool server_running(const std::string& instance) override;
  void copy_backup(const CopyRun& run, std::function<void(Status)> done) override;
  void install_dm(const InstallRun& run, std::function<void(Status)> done) override;
  bool server_halted(const std::string& instance) override;
  Status remove_tree(const std::string& host, const std::string& path) override;

  void sql(const SqlEndpoint& at, const std::string& statement,
           std::function<void(Result<Rows>)> done) override;

  Millis now() const override { return cluster_->now(); }
  void call_at(Millis when, std::function<void()> fn) override;
  bool run_one() override;

 private:
  std::unique_ptr<SimCluster> owned_;
  SimCluster* cluster_;
};

}  // namespace dpc::sim
