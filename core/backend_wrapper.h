// BackendWrapper: forwards every Backend call to another Backend, so a test
// or a decorator overrides only what it needs (leveldb's EnvWrapper).
// FaultInjectingBackend (fault_backend.h) is the main user.
// Threading: as the wrapped backend.
#pragma once

#include "core/backend.h"

namespace dpc {

class BackendWrapper : public Backend {
 public:
  explicit BackendWrapper(Backend& target) : target_(target) {}
  Backend& target() { return target_; }

  std::string name() const override { return target_.name(); }
  Result<std::string> read_file(const std::string& host, const std::string& path) override {
    return target_.read_file(host, path);
  }
  Status write_file(const std::string& host, const std::string& path,
                    const std::string& content) override {
    return target_.write_file(host, path, content);
  }
  bool exists(const std::string& host, const std::string& path) override {
    return target_.exists(host, path);
  }
  void run_tool(const ToolRun& run, std::function<void(Result<ToolOutcome>)> done) override {
    target_.run_tool(run, std::move(done));
  }
  void start_server(const ServerLaunch& launch, std::function<void(Status)> done) override {
    target_.start_server(launch, std::move(done));
  }
  Status console(const std::string& instance, const std::string& line) override {
    return target_.console(instance, line);
  }
  Status signal(const std::string& instance, Signal sig) override {
    return target_.signal(instance, sig);
  }
  bool server_running(const std::string& instance) override {
    return target_.server_running(instance);
  }
  void copy_backup(const CopyRun& run, std::function<void(Status)> done) override {
    target_.copy_backup(run, std::move(done));
  }
  void install_dm(const InstallRun& run, std::function<void(Status)> done) override {
    target_.install_dm(run, std::move(done));
  }
  bool server_halted(const std::string& instance) override { return target_.server_halted(instance); }
  Status remove_tree(const std::string& host, const std::string& path) override {
    return target_.remove_tree(host, path);
  }
  void sql(const SqlEndpoint& at, const std::string& statement,
           std::function<void(Result<Rows>)> done) override {
    target_.sql(at, statement, std::move(done));
  }
  Millis now() const override { return target_.now(); }
  void call_at(Millis when, std::function<void()> fn) override {
    target_.call_at(when, std::move(fn));
  }
  bool run_one() override { return target_.run_one(); }

 private:
  Backend& target_;
};

}  // namespace dpc
