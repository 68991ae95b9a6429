// plan_to_json() / plan_from_json(): the plan as a DAG for machines, and
// back (a journal stores the plan it ran).
#include <optional>
#include <set>
#include <string>

#include "core/plan_render.h"

namespace dpc {
namespace {

using nlohmann::json;

constexpr StepKind kAllKinds[] = {
    StepKind::InitInstance, StepKind::WriteFile,     StepKind::EditIni, StepKind::StartServer,
    StepKind::RunSql,       StepKind::Verify,        StepKind::Backup,  StepKind::Restore,
    StepKind::UpdateDbMagic, StepKind::WaitState,    StepKind::ConsoleExit,
    StepKind::ConsoleExitAll, StepKind::CopyBackup, StepKind::InstallDm};

const char* wait_name(WaitSpec::What what) {
  switch (what) {
    case WaitSpec::What::InstanceState: return "instance-state";
    case WaitSpec::What::GroupLeader: return "group-leader";
    case WaitSpec::What::Stopped: return "stopped";
  }
  return "?";
}

const char* verify_name(VerifySpec::What what) {
  return what == VerifySpec::What::Registration ? "registration" : "health";
}

bool has_wait(const Step& s) {
  return s.kind == StepKind::WaitState || s.kind == StepKind::ConsoleExit ||
         s.kind == StepKind::ConsoleExitAll;
}

bool has_endpoint(const Step& s) {
  return !s.endpoint.instance.empty() || !s.endpoint.host.empty() || s.endpoint.port != 0;
}

json step_to_json(const Step& s) {
  json j;
  j["id"] = s.id;
  j["kind"] = step_kind_name(s.kind);
  j["instance"] = s.instance;
  j["host"] = s.host;
  j["title"] = s.title;
  j["deps"] = s.deps;
  j["timeout_ms"] = s.timeout_ms;
  if (!s.program.empty()) j["program"] = s.program;
  if (!s.args.empty()) j["args"] = s.args;
  if (s.needs_password) j["needs_password"] = true;
  if (s.mount) j["mount"] = true;
  if (!s.clean_start_args.empty()) j["clean_start_args"] = s.clean_start_args;
  if (!s.path.empty()) j["path"] = s.path;
  if (!s.source_host.empty()) j["source_host"] = s.source_host;
  if (!s.package.empty()) j["package"] = s.package;
  if (s.kind == StepKind::WriteFile) j["content"] = s.content;
  if (!s.ini_set.empty()) {
    json set = json::array();
    for (const auto& [k, v] : s.ini_set) set.push_back(json::array({k, v}));
    j["ini_set"] = set;
  }
  if (has_endpoint(s)) {
    j["endpoint"] = {{"instance", s.endpoint.instance},
                     {"host", s.endpoint.host},
                     {"port", s.endpoint.port}};
  }
  if (!s.statements.empty()) j["statements"] = s.statements;
  if (!s.guard_query.empty()) j["guard_query"] = s.guard_query;
  if (has_wait(s)) {
    json w = {{"what", wait_name(s.wait.what)}, {"instances", s.wait.instances}};
    if (!s.wait.state.empty()) w["state"] = s.wait.state;
    if (!s.wait.group.empty()) w["group"] = s.wait.group;
    j["wait"] = w;
  }
  if (s.kind == StepKind::Verify) {
    j["verify"] = {{"what", verify_name(s.verify.what)},
                   {"instances", s.verify.instances},
                   {"rafts", s.verify.rafts},
                   {"bp_groups", s.verify.bp_groups}};
  }
  if (!s.console_line.empty()) j["console_line"] = s.console_line;
  return j;
}

/// Reads one step; `where` names it in errors ("steps[3] (init:BP11)").
class StepReader {
 public:
  StepReader(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  Result<Step> read() {
    Step s;
    if (!j_.is_object()) return fail("", "must be an object");
    if (!str("id", s.id, true) || s.id.empty()) return fail("id", "must be a non-empty string");
    where_ += " (" + s.id + ")";
    std::string kind;
    if (!str("kind", kind, true)) return fail("kind", "must be a string");
    bool known = false;
    for (StepKind k : kAllKinds) {
      if (kind == step_kind_name(k)) {
        s.kind = k;
        known = true;
      }
    }
    if (!known) return fail("kind", "unknown step kind '" + kind + "'");
    if (!str("instance", s.instance) || !str("host", s.host) || !str("title", s.title) ||
        !str("program", s.program) || !str("path", s.path) || !str("source_host", s.source_host) ||
        !str("package", s.package) ||
        !str("content", s.content) ||
        !str("guard_query", s.guard_query) || !str("console_line", s.console_line)) {
      return fail(bad_, "must be a string");
    }
    if (!strs(j_, "deps", s.deps) || !strs(j_, "args", s.args) ||
        !strs(j_, "statements", s.statements) || !strs(j_, "clean_start_args", s.clean_start_args)) {
      return fail(bad_, "must be an array of strings");
    }
    if (j_.contains("timeout_ms")) {
      if (!j_["timeout_ms"].is_number_integer()) return fail("timeout_ms", "must be an integer");
      s.timeout_ms = j_["timeout_ms"].get<int>();
    }
    if (!flag("needs_password", s.needs_password) || !flag("mount", s.mount)) {
      return fail(bad_, "must be true or false");
    }
    if (auto e = read_ini_set(s)) return *e;
    if (auto e = read_endpoint(s)) return *e;
    if (auto e = read_wait(s)) return *e;
    if (auto e = read_verify(s)) return *e;
    return s;
  }

 private:
  /// "ini_set": [[key, value], ...].
  std::optional<Error> read_ini_set(Step& s) {
    if (!j_.contains("ini_set")) return std::nullopt;
    const json& set = j_["ini_set"];
    if (!set.is_array()) return fail("ini_set", "must be an array of [key, value] pairs");
    for (const json& kv : set) {
      if (!kv.is_array() || kv.size() != 2 || !kv[0].is_string() || !kv[1].is_string()) {
        return fail("ini_set", "must be an array of [key, value] pairs");
      }
      s.ini_set.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
    }
    return std::nullopt;
  }

  /// "endpoint": {instance, host, port}.
  std::optional<Error> read_endpoint(Step& s) {
    if (!j_.contains("endpoint")) return std::nullopt;
    const json& e = j_["endpoint"];
    if (!e.is_object() || !e.value("instance", json("")).is_string() ||
        !e.value("host", json("")).is_string() || !e.value("port", json(0)).is_number_integer()) {
      return fail("endpoint", "must be {instance, host, port}");
    }
    s.endpoint = {e.value("instance", ""), e.value("host", ""), e.value("port", 0)};
    return std::nullopt;
  }

  /// "wait": {what, instances, state, group}.
  std::optional<Error> read_wait(Step& s) {
    if (!j_.contains("wait")) return std::nullopt;
    const json& w = j_["wait"];
    if (!w.is_object()) return fail("wait", "must be an object");
    const std::string what = w.value("what", json("")).is_string() ? w.value("what", "") : "";
    bool ok = false;
    for (auto k : {WaitSpec::What::InstanceState, WaitSpec::What::GroupLeader,
                   WaitSpec::What::Stopped}) {
      if (what == wait_name(k)) {
        s.wait.what = k;
        ok = true;
      }
    }
    if (!ok) return fail("wait.what", "must be instance-state, group-leader or stopped");
    if (!strs(w, "instances", s.wait.instances)) return fail("wait.instances", "must be strings");
    if (!opt_str(w, "state", s.wait.state) || !opt_str(w, "group", s.wait.group)) {
      return fail("wait", "state and group must be strings");
    }
    return std::nullopt;
  }

  /// "verify": {what, instances, rafts, bp_groups}.
  std::optional<Error> read_verify(Step& s) {
    if (!j_.contains("verify")) return std::nullopt;
    const json& v = j_["verify"];
    if (!v.is_object()) return fail("verify", "must be an object");
    const json what = v.value("what", json(""));
    if (what == "registration") {
      s.verify.what = VerifySpec::What::Registration;
    } else if (what == "health") {
      s.verify.what = VerifySpec::What::Health;
    } else {
      return fail("verify.what", "must be registration or health");
    }
    if (!strs(v, "instances", s.verify.instances) || !strs(v, "rafts", s.verify.rafts) ||
        !strs(v, "bp_groups", s.verify.bp_groups)) {
      return fail("verify", "instances, rafts and bp_groups must be arrays of strings");
    }
    return std::nullopt;
  }

  Error fail(const std::string& field, const std::string& what) const {
    return Error{"plan JSON: " + where_ + (field.empty() ? "" : "." + field) + " " + what};
  }

  static bool opt_str(const json& obj, const char* key, std::string& out) {
    if (!obj.contains(key)) return true;
    if (!obj[key].is_string()) return false;
    out = obj[key].get<std::string>();
    return true;
  }

  bool str(const char* key, std::string& out, bool required = false) {
    if (!j_.contains(key)) {
      bad_ = key;
      return !required;
    }
    if (!opt_str(j_, key, out)) {
      bad_ = key;
      return false;
    }
    return true;
  }

  bool strs(const json& obj, const char* key, std::vector<std::string>& out) {
    if (!obj.contains(key)) return true;
    bad_ = key;
    if (!obj[key].is_array()) return false;
    for (const json& item : obj[key]) {
      if (!item.is_string()) return false;
      out.push_back(item.get<std::string>());
    }
    return true;
  }

  bool flag(const char* key, bool& out) {
    if (!j_.contains(key)) return true;
    bad_ = key;
    if (!j_[key].is_boolean()) return false;
    out = j_[key].get<bool>();
    return true;
  }

  const json& j_;
  std::string where_;
  std::string bad_;
};

}  // namespace

json plan_to_json(const Plan& plan) {
  json steps = json::array();
  for (const Step& s : plan.steps) steps.push_back(step_to_json(s));
  return {{"cluster", plan.cluster}, {"stop", plan.stop}, {"steps", steps}};
}

Result<Plan> plan_from_json(const json& j) {
  if (!j.is_object()) return Error{"plan JSON: must be an object with cluster, stop and steps"};
  Plan plan;
  if (!j.contains("cluster") || !j["cluster"].is_string()) {
    return Error{"plan JSON: cluster must be a string"};
  }
  plan.cluster = j["cluster"].get<std::string>();
  if (j.contains("stop")) {
    if (!j["stop"].is_boolean()) return Error{"plan JSON: stop must be true or false"};
    plan.stop = j["stop"].get<bool>();
  }
  if (!j.contains("steps") || !j["steps"].is_array()) {
    return Error{"plan JSON: steps must be an array"};
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < j["steps"].size(); ++i) {
    Result<Step> step = StepReader(j["steps"][i], "steps[" + std::to_string(i) + "]").read();
    if (!step) return step.error();
    for (const std::string& dep : step->deps) {
      if (seen.count(dep) == 0) {
        return Error{"plan JSON: steps[" + std::to_string(i) + "] (" + step->id +
                     ").deps names '" + dep + "', which is not an earlier step"};
      }
    }
    if (!seen.insert(step->id).second) {
      return Error{"plan JSON: steps[" + std::to_string(i) + "] repeats the id '" + step->id +
                   "'; step ids must be unique"};
    }
    plan.steps.push_back(std::move(step.value()));
  }
  return plan;
}

}  // namespace dpc
