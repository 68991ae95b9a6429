#include "ui/server/api.h"

#include <filesystem>
#include <fstream>
#include <regex>

#include "core/diagnostic.h"
#include "core/plan_builder.h"
#include "core/plan_render.h"
#include "core/topology_load.h"
#include "ui/server/topology_json.h"

namespace dpc::ui {
namespace {

ApiResponse json_ok(const nlohmann::json& j, int status = 200) {
  ApiResponse r;
  r.status = status;
  r.body = j.dump();
  return r;
}

/// The request body as a JSON object, or nullopt.
std::optional<nlohmann::json> body_object(const ApiRequest& r) {
  nlohmann::json j = nlohmann::json::parse(r.body.empty() ? "{}" : r.body, nullptr, false, true);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::string query_or(const ApiRequest& r, const std::string& key, const std::string& fallback) {
  auto it = r.query.find(key);
  return it == r.query.end() ? fallback : it->second;
}

}  // namespace

ApiResponse json_error(int status, const std::string& message, const std::string& hint) {
  nlohmann::json j{{"error", message}};
  if (!hint.empty()) j["hint"] = hint;
  return json_ok(j, status);
}

Api::Api(ApiConfig config, std::optional<Topology> topology, std::string topology_text)
    : config_(std::move(config)), topology_(std::move(topology)), topology_text_(std::move(topology_text)) {
  reset_driver();
}

void Api::reset_driver() {
  driver_.reset();
  if (config_.backend != "sim" || !topology_) return;
  driver_ = std::make_unique<SimDriver>(*topology_, topology_text_, config_.sim);
  driver_->on_events = [this] {
    if (on_events) on_events();
  };
}

ApiResponse Api::sim_only() const {
  if (config_.backend != "sim") {
    return json_error(501, "only the simulator backend runs this from the console yet",
                      "on DM's real binaries use dpcctl deploy/stop/status FILE --backend=real");
  }
  return json_error(409, "no topology is served yet", "open the wizard and use its topology, or start dpcctl ui with a FILE");
}

ApiResponse Api::handle(const ApiRequest& r) {
  const bool get = r.method == "GET";
  const bool post = r.method == "POST";
  if (r.path == "/api/info" && get) return info();
  if (r.path == "/api/validate" && post) return validate(r);
  if (r.path == "/api/plan" && (get || post)) return plan(r);
  if (r.path == "/api/topology" && post) return use_topology(r);
  if (r.path == "/api/topology" && get) {
    if (!topology_) return json_error(404, "no topology is served yet");
    return json_ok({{"file", config_.topology_file}, {"text", topology_text_},
                    {"topology", topology_json(*topology_)}});
  }
  // Everything below acts on the live simulated cluster.
  const bool known = r.path == "/api/status" || r.path == "/api/events" || r.path == "/api/deploy" ||
                     r.path == "/api/stop" || r.path == "/api/start" || r.path == "/api/command" ||
                     r.path == "/api/clock" || r.path == "/api/scenario";
  if (!known) return json_error(404, "no API " + r.method + " " + r.path, "see docs/ui.md for the API");
  if (r.path == "/api/status" && get && config_.backend == "real" && topology_) return real_state();
  if (!driver_) return sim_only();
  if (r.path == "/api/status" && get) return json_ok(driver_->state());
  if (r.path == "/api/events" && get) {
    uint64_t since = 0;
    try {
      since = std::stoull(query_or(r, "since", "0"));
    } catch (...) {
      return json_error(400, "since must be a whole number (the last event seq seen)");
    }
    return json_ok({{"events", driver_->events_since(since)}, {"last_seq", driver_->last_seq()}});
  }
  if (r.path == "/api/scenario" && get) {
    ApiResponse out;
    out.body = driver_->scenario_text(query_or(r, "description", ""));
    out.download_name = topology_->cluster + "-console.json";
    return out;
  }
  if (!post) return json_error(405, r.method + " " + r.path + " is not allowed; use POST");
  if (r.path == "/api/deploy") return json_ok(driver_->start_deploy());
  if (r.path == "/api/stop") return command("stop");
  if (r.path == "/api/clock") return clock(r);
  if (r.path == "/api/scenario") return save_scenario(r);
  auto body = body_object(r);
  if (!body) return json_error(400, "the body must be a JSON object");
  if (r.path == "/api/start") {
    const std::string inst = body->value("instance", "");
    if (!topology_->find_instance(inst)) return json_error(400, "no instance '" + inst + "' in the topology");
    return command("start " + inst + (body->value("mount", false) ? " mount" : ""));
  }
  const auto line = body->find("line");
  if (line == body->end() || !line->is_string()) {
    return json_error(400, "give the command as {\"line\": \"kill BP11\"}", "the words of dpcctl shell (type help there)");
  }
  return command(line->get<std::string>());
}

ApiResponse Api::command(const std::string& line) {
  if (line.find('\n') != std::string::npos) return json_error(400, "one command per request");
  nlohmann::json out = driver_->command(line);
  return json_ok(out, out["ok"].get<bool>() ? 200 : 422);
}

ApiResponse Api::real_state() const {
  if (!config_.real_status) return sim_only();
  Result<ClusterStatus> st = config_.real_status(*topology_);
  if (!st) return json_error(503, st.message(), "see dpcctl status FILE --backend=real");
  // The monitor's shape (see SimDriver::state), from the status queries.
  nlohmann::json instances = nlohmann::json::array();
  std::map<std::string, std::pair<std::string, std::string>> leaders;  // group -> leader, term
  for (const InstanceStatus& i : st->instances) {
    const Instance* inst = topology_->find_instance(i.name);
    std::string domain;
    for (const auto& fd : topology_->fault_domains) {
      for (const auto& n : fd.instances) {
        if (n == i.name) domain = fd.name;
      }
    }
    const bool up = i.state == "RUNNING";
    const bool leads = i.mode == "PRIMARY" && i.status == "OPEN";
    if (leads) leaders[i.raft] = {i.name, i.term};
    instances.push_back({{"name", i.name}, {"role", i.role}, {"raft", i.raft}, {"host", inst ? inst->host : ""},
                         {"fault_domain", domain}, {"process", i.state + (i.note.empty() ? "" : ": " + i.note)}, {"running", up},
                         {"status", i.status}, {"mode", i.mode}, {"raft_role", leads ? "leader" : up && i.leader != "-" ? "follower" : ""},
                         {"term", i.term == "-" ? "" : i.term}, {"leader", i.leader == "-" ? "" : i.leader},
                         {"c_lsn", "-"}, {"lag", i.lag}});
  }
  nlohmann::json groups = nlohmann::json::array();
  for (const RaftGroup& g : topology_->rafts) {
    auto l = leaders.find(g.name);
    if (l == leaders.end() && !g.replicated()) {
      for (const auto& i : st->instances) {
        if (i.name == g.members[0] && i.status == "OPEN") l = leaders.emplace(g.name, std::make_pair(i.name, std::string())).first;
      }
    }
    groups.push_back({{"name", g.name}, {"role", role_name(g.role)}, {"members", g.members},
                      {"leader", l == leaders.end() ? "" : l->second.first},
                      {"term", l == leaders.end() ? "" : l->second.second}, {"open", l != leaders.end()}});
  }
  nlohmann::json hosts = nlohmann::json::array();
  for (const auto& h : topology_->hosts()) hosts.push_back(h);
  nlohmann::json sps = nlohmann::json::array();
  sps.push_back({{"sp", "SP"}, {"ok", st->healthy}, {"note", st->healthy ? "serves queries" : st->health_note}});
  return json_ok({{"cluster", topology_->cluster}, {"backend", "real"}, {"seed", ""},
                  {"clock", {{"now_ms", 0}, {"paused", false}, {"speed", 0}, {"deploying", false}, {"real", true}}},
                  {"instances", instances}, {"groups", groups}, {"hosts", hosts},
                  {"health", {{"healthy", st->healthy}, {"sps", sps}}}, {"steps", nlohmann::json::array()},
                  {"violations", 0}, {"last_seq", 0}});
}

ApiResponse Api::info() const {
  nlohmann::json j{{"backend", config_.backend}, {"file", config_.topology_file},
                   {"cluster", topology_ ? topology_->cluster : ""}, {"has_topology", topology_.has_value()}};
  return json_ok(j);
}

ApiResponse Api::validate(const ApiRequest& r) const {
  const std::string name = query_or(r, "name", "topology.json");
  const std::string text = r.body.empty() ? topology_text_ : r.body;
  const LoadOutcome outcome = load_topology_text(text, name);
  nlohmann::json out = diagnostics_json(outcome.diagnostics, name, outcome.ok());
  if (outcome.topology) {
    out["cluster"] = outcome.topology->cluster;
    out["instances"] = outcome.topology->instances.size();
    out["raft_groups"] = outcome.topology->rafts.size();
    if (query_or(r, "normalized", "") == "1") out["topology"] = topology_json(*outcome.topology);
  }
  return json_ok(out);
}

ApiResponse Api::plan(const ApiRequest& r) const {
  const std::string format_name = query_or(r, "format", "text");
  const auto format = parse_plan_format(format_name);
  if (!format) return json_error(400, "unknown format '" + format_name + "'; use text, json, sh or cmd");
  const std::string text = r.method == "POST" && !r.body.empty() ? r.body : topology_text_;
  if (text.empty()) return json_error(409, "no topology is served yet; POST one");
  const LoadOutcome outcome = load_topology_text(text, "topology.json");
  if (!outcome.ok()) {
    nlohmann::json out = diagnostics_json(outcome.diagnostics, "topology.json", false);
    out["error"] = "the topology is invalid; no plan";
    return json_ok(out, 422);
  }
  const bool stop = query_or(r, "stop", "") == "1";
  const Plan p = stop ? build_stop_plan(*outcome.topology) : build_deploy_plan(*outcome.topology);
  ApiResponse out;
  out.body = render_plan(p, *outcome.topology, *format);
  out.content_type = *format == PlanFormat::Json ? "application/json" : "text/plain; charset=utf-8";
  if (query_or(r, "download", "") == "1") {
    const char* ext = *format == PlanFormat::Sh ? ".sh" : *format == PlanFormat::Cmd ? ".cmd"
                      : *format == PlanFormat::Json ? ".json" : ".txt";
    out.download_name = outcome.topology->cluster + (stop ? "-stop" : "-deploy") + ext;
  }
  return out;
}

ApiResponse Api::use_topology(const ApiRequest& r) {
  const LoadOutcome outcome = load_topology_text(r.body, "topology.json");
  nlohmann::json out = diagnostics_json(outcome.diagnostics, "topology.json", outcome.ok());
  if (!outcome.ok()) return json_ok(out, 422);
  topology_ = *outcome.topology;
  topology_text_ = r.body;
  config_.topology_file.clear();
  reset_driver();
  if (on_reset) on_reset();
  out["cluster"] = topology_->cluster;
  return json_ok(out);
}

ApiResponse Api::clock(const ApiRequest& r) {
  auto body = body_object(r);
  if (!body) return json_error(400, "the body must be a JSON object");
  const std::string action = body->value("action", "");
  if (action == "pause") driver_->pause();
  else if (action == "resume") driver_->resume();
  else if (action == "step") driver_->step_once();
  else if (action == "speed") {
    const auto s = body->find("speed");
    if (s == body->end() || !s->is_number() || s->get<double>() < 0 || s->get<double>() > 1e7) {
      return json_error(400, "speed is virtual ms per real second, 0 (as fast as possible) to 10000000");
    }
    driver_->set_speed(s->get<double>());
  } else {
    return json_error(400, "unknown clock action '" + action + "'; use pause, resume, step or speed");
  }
  return json_ok(driver_->state()["clock"]);
}

ApiResponse Api::save_scenario(const ApiRequest& r) {
  auto body = body_object(r);
  if (!body) return json_error(400, "the body must be a JSON object");
  const std::string name = body->value("name", "");
  static const std::regex kName("[A-Za-z0-9][A-Za-z0-9._-]{0,80}");
  if (!std::regex_match(name, kName)) {
    return json_error(400, "scenario name '" + name + "' is not a plain file name",
                      "letters, digits, '.', '_' and '-', e.g. kill-bp11");
  }
  std::filesystem::path file = std::filesystem::path(config_.scenario_dir) / (name + ".json");
  const std::string text = driver_->scenario_text(body->value("description", ""));
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out || !(out << text) || !out.flush()) {
      return json_error(500, "cannot write " + tmp.string(), "check --scenario-dir exists and is writable");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) return json_error(500, "cannot write " + file.string() + ": " + ec.message());
  return json_ok({{"ok", true}, {"file", file.string()},
                  {"shell", "dpcctl scenario run " + file.string()}});
}

}  // namespace dpc::ui
