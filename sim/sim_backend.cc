#include "sim/sim_backend.h"

#include <memory>
#include <string>
#include <utility>

namespace dpc::sim {
namespace {

/// How far virtual time jumps when nothing is scheduled but servers run (so
/// the executor's own timers and timeouts keep making progress).
constexpr Millis kIdleTickMs = 1000;

/// At `limit_ms` from now, `done` gets an error saying `what` did not finish
/// in time, unless `fired` is set by then (the operation ended); it sets it.
template <typename Done>
void time_out_after(SimCluster& c, int limit_ms, const std::shared_ptr<bool>& fired, Done done,
                    const std::string& what) {
  c.call_at(c.now() + limit_ms, [fired, done, what, limit_ms]() {
    if (*fired) return;
    *fired = true;
    done(Error{what + " did not finish within " + std::to_string(limit_ms) + " ms"});
  });
}

}  // namespace

SimBackend::SimBackend(SimOptions options)
    : owned_(std::make_unique<SimCluster>(std::move(options))), cluster_(owned_.get()) {}

SimBackend::SimBackend(SimCluster& cluster) : cluster_(&cluster) {}

SimBackend::~SimBackend() = default;

Result<std::string> SimBackend::read_file(const std::string& host, const std::string& path) {
  return cluster_->read_file(host, path);
}

Status SimBackend::write_file(const std::string& host, const std::string& path,
                              const std::string& content) {
  return cluster_->write_file(host, path, content);
}

bool SimBackend::exists(const std::string& host, const std::string& path) {
  return cluster_->exists(host, path);
}

void SimBackend::run_tool(const ToolRun& run, std::function<void(Result<ToolOutcome>)> done) {
  auto fired = std::make_shared<bool>(false);
  if (run.timeout_ms > 0) {
    time_out_after(*cluster_, run.timeout_ms, fired, done,
                   run.program + (run.instance.empty() ? "" : " for " + run.instance));
  }
  cluster_->run_tool(run.host, run.program, run.args, [fired, done](Result<ToolOutcome> out) {
    if (*fired) return;
    *fired = true;
    done(std::move(out));
  });
}

void SimBackend::copy_backup(const CopyRun& run, std::function<void(Status)> done) {
  auto fired = std::make_shared<bool>(false);
  if (run.timeout_ms > 0) {
    time_out_after(*cluster_, run.timeout_ms, fired, done,
                   "copying " + run.dir + " from " + run.from_host + " to " + run.to_host);
  }
  cluster_->copy_backup(run.from_host, run.to_host, run.dir, [fired, done](Status st) {
    if (*fired) return;
    *fired = true;
    done(std::move(st));
  });
}

void SimBackend::install_dm(const InstallRun& run, std::function<void(Status)> done) {
  // [model] install_dm: every simulated host already holds the package's
  // build, so the install step finds nothing to do and succeeds one
  // virtual second later (a host without DM is not modelled yet).
  (void)run;
  cluster_->call_at(cluster_->now() + 1000, [done]() { done(Status::Ok()); });
}

void SimBackend::start_server(const ServerLaunch& launch, std::function<void(Status)> done) {
  auto fired = std::make_shared<bool>(false);
  if (launch.timeout_ms > 0) {
    SimCluster* c = cluster_;
    const std::string inst = launch.instance;
    const int limit = launch.timeout_ms;
    c->call_at(c->now() + launch.timeout_ms, [c, fired, done, inst, limit]() {
      if (*fired) return;
      *fired = true;
      if (!inst.empty() && c->view(inst).running) (void)c->kill(inst);
      done(Error{"dmserver " + inst + " was not ready within " + std::to_string(limit) +
                 " ms; it was stopped"});
    });
  }
  cluster_->start_server(launch.host, launch.args, [fired, done](Status st) {
    if (*fired) return;
    *fired = true;
    done(std::move(st));
  });
}

Status SimBackend::console(const std::string& instance, const std::string& line) {
  return cluster_->console(instance, line);
}

Status SimBackend::signal(const std::string& instance, Signal sig) {
  return cluster_->signal(instance, sig);
}

bool SimBackend::server_running(const std::string& instance) {
  return cluster_->view(instance).running;
}

bool SimBackend::server_halted(const std::string& instance) {
  InstanceView v = cluster_->view(instance);
  return !v.running && v.halted;
}

Status SimBackend::remove_tree(const std::string& host, const std::string& path) {
  cluster_->host(host).remove_tree(path);
  return Status::Ok();
}

void SimBackend::sql(const SqlEndpoint& at, const std::string& statement,
                     std::function<void(Result<Rows>)> done) {
  cluster_->sql(at.host, at.port, statement, std::move(done));
}

void SimBackend::call_at(Millis when, std::function<void()> fn) {
  cluster_->call_at(when, std::move(fn));
}

bool SimBackend::run_one() {
  if (cluster_->step()) return true;
  if (!cluster_->violations().empty() && cluster_->options().stop_on_violation) return false;
  for (const auto& name : cluster_->instance_names()) {
    if (cluster_->view(name).running) {
      cluster_->advance(kIdleTickMs);
      return true;
    }
  }
  return false;
}

}  // namespace dpc::sim
