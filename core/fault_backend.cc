#include "core/fault_backend.h"

namespace dpc {
namespace {

std::string join_args(const std::string& program, const std::vector<std::string>& args) {
  std::string out = program;
  for (const auto& a : args) out += " " + a;
  return out;
}

}  // namespace

FaultRule* FaultInjectingBackend::hit(const OpInfo& op) {
  for (auto& rule : rules_) {
    if (!rule.match || !rule.match(op)) continue;
    int n = rule.seen++;
    if (n < rule.skip) continue;
    if (rule.times >= 0 && n >= rule.skip + rule.times) continue;
    ++injected_;
    return &rule;
  }
  return nullptr;
}

Result<std::string> FaultInjectingBackend::read_file(const std::string& host,
                                                     const std::string& path) {
  if (FaultRule* r = hit({OpInfo::Kind::ReadFile, "", host + ":" + path}); r && !r->delay_ms) {
    return Error{r->message};
  }
  return BackendWrapper::read_file(host, path);
}

Status FaultInjectingBackend::write_file(const std::string& host, const std::string& path,
                                         const std::string& content) {
  if (FaultRule* r = hit({OpInfo::Kind::WriteFile, "", host + ":" + path}); r && !r->delay_ms) {
    return Error{r->message};
  }
  return BackendWrapper::write_file(host, path, content);
}

void FaultInjectingBackend::run_tool(const ToolRun& run,
                                     std::function<void(Result<ToolOutcome>)> done) {
  FaultRule* r = hit({OpInfo::Kind::RunTool, run.instance, join_args(run.program, run.args)});
  if (r == nullptr) return BackendWrapper::run_tool(run, std::move(done));
  if (r->delay_ms > 0) {
    Millis at = now() + r->delay_ms;
    return BackendWrapper::run_tool(run, [this, at, done](Result<ToolOutcome> out) {
      call_at(std::max(at, now()), [done, out]() { done(out); });
    });
  }
  std::string msg = r->message;
  call_at(now(), [done, msg]() { done(Error{msg}); });
}

void FaultInjectingBackend::start_server(const ServerLaunch& launch,
                                         std::function<void(Status)> done) {
  FaultRule* r = hit({OpInfo::Kind::StartServer, launch.instance, join_args("dmserver", launch.args)});
  if (r == nullptr) return BackendWrapper::start_server(launch, std::move(done));
  if (r->delay_ms > 0) {
    Millis at = now() + r->delay_ms;
    return BackendWrapper::start_server(launch, [this, at, done](Status st) {
      call_at(std::max(at, now()), [done, st]() { done(st); });
    });
  }
  std::string msg = r->message;
  call_at(now(), [done, msg]() { done(Error{msg}); });
}

Status FaultInjectingBackend::console(const std::string& instance, const std::string& line) {
  if (FaultRule* r = hit({OpInfo::Kind::Console, instance, line}); r && !r->delay_ms) {
    return Error{r->message};
  }
  return BackendWrapper::console(instance, line);
}

Status FaultInjectingBackend::signal(const std::string& instance, Signal sig) {
  if (FaultRule* r = hit({OpInfo::Kind::Signal, instance, std::to_string(static_cast<int>(sig))});
      r && !r->delay_ms) {
    return Error{r->message};
  }
  return BackendWrapper::signal(instance, sig);
}

void FaultInjectingBackend::sql(const SqlEndpoint& at, const std::string& statement,
                                std::function<void(Result<Rows>)> done) {
  FaultRule* r = hit({OpInfo::Kind::Sql, at.instance, statement});
  if (r == nullptr) return BackendWrapper::sql(at, statement, std::move(done));
  if (r->delay_ms > 0) {
    Millis when = now() + r->delay_ms;
    return BackendWrapper::sql(at, statement, [this, when, done](Result<Rows> rows) {
      call_at(std::max(when, now()), [done, rows]() { done(rows); });
    });
  }
  std::string msg = r->message;
  call_at(now(), [done, msg]() { done(Error{msg}); });
}

}  // namespace dpc
