// FaultInjectingBackend: a BackendWrapper that fails or delays chosen
// operations, so tests can break a deployment at any step and check what the
// executor reports and how --resume recovers.
//
// A Rule matches operations by a predicate over OpInfo (kind, instance,
// detail: the tool's program and args, the SQL text, the file path, the
// console line) and, for its first `times` matches after skipping `skip`,
// fails them with `message` or delays their completion by `delay_ms`.
// Threading: single-threaded, as every Backend.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/backend_wrapper.h"

namespace dpc {

struct OpInfo {
  enum class Kind { ReadFile, WriteFile, RunTool, StartServer, Console, Signal, Sql };
  Kind kind = Kind::Sql;
  std::string instance;  ///< "" for file operations (host is in detail)
  std::string detail;    ///< program + args, SQL text, path, or console line
};

struct FaultRule {
  std::function<bool(const OpInfo&)> match;
  int skip = 0;         ///< let this many matches through first
  int times = 1;        ///< then affect this many (-1: all)
  Millis delay_ms = 0;  ///< > 0: delay instead of failing
  std::string message = "injected fault";
  int seen = 0;         ///< matches so far (maintained by the wrapper)
};

class FaultInjectingBackend : public BackendWrapper {
 public:
  using BackendWrapper::BackendWrapper;

  void add_rule(FaultRule rule) { rules_.push_back(std::move(rule)); }
  void clear_rules() { rules_.clear(); }
  /// How many operations were failed or delayed so far.
  int injected() const { return injected_; }

  Result<std::string> read_file(const std::string& host, const std::string& path) override;
  Status write_file(const std::string& host, const std::string& path,
                    const std::string& content) override;
  void run_tool(const ToolRun& run, std::function<void(Result<ToolOutcome>)> done) override;
  void start_server(const ServerLaunch& launch, std::function<void(Status)> done) override;
  Status console(const std::string& instance, const std::string& line) override;
  Status signal(const std::string& instance, Signal sig) override;
  void sql(const SqlEndpoint& at, const std::string& statement,
           std::function<void(Result<Rows>)> done) override;

 private:
  /// The rule affecting this operation, or nullptr.
  FaultRule* hit(const OpInfo& op);
  std::vector<FaultRule> rules_;
  int injected_ = 0;
};

}  // namespace dpc
