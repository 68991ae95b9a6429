// SimDriver's read side: the cluster state the monitor draws, the event log,
// and the scenario file that replays what was done (see sim_driver.h).
#include <nlohmann/json.hpp>

#include "sim/engine/trace.h"
#include "ui/server/sim_driver.h"

namespace dpc::ui {

nlohmann::json SimDriver::state() const {
  auto& cluster = session_->cluster();
  nlohmann::json instances = nlohmann::json::array();
  std::map<std::string, sim::Lsn> leader_lsn;
  for (const auto& g : topo_.rafts) {
    if (auto l = cluster.group_leader(g.name)) leader_lsn[g.name] = cluster.view(*l).c_lsn;
  }
  for (const Instance& inst : topo_.instances) {
    const sim::InstanceView v = cluster.view(inst.name);
    std::string domain;
    for (const auto& fd : topo_.fault_domains) {
      for (const auto& n : fd.instances) {
        if (n == inst.name) domain = fd.name;
      }
    }
    const auto lead = leader_lsn.find(inst.raft);
    const long long lag = (lead != leader_lsn.end() && v.running && v.replica)
                              ? static_cast<long long>(lead->second) - static_cast<long long>(v.c_lsn)
                              : 0;
    instances.push_back({{"name", inst.name}, {"role", role_name(inst.role)}, {"raft", inst.raft},
                         {"host", inst.host}, {"fault_domain", domain}, {"port_num", inst.port_num},
                         {"process", v.process}, {"running", v.running}, {"status", v.status},
                         {"mode", v.mode}, {"raft_role", v.raft_role}, {"term", v.term},
                         {"leader", v.leader}, {"c_lsn", v.c_lsn}, {"last_lsn", v.last_lsn},
                         {"lag", lag}, {"valid", v.valid}, {"last_stop", v.last_stop},
                         {"last_error", v.last_error}});
  }
  nlohmann::json groups = nlohmann::json::array();
  bool every_group_leads = true;
  for (const auto& g : topo_.rafts) {
    auto l = cluster.group_leader(g.name);
    if (!l && !g.replicated() && cluster.view(g.members[0]).status == "OPEN") l = g.members[0];
    nlohmann::json j{{"name", g.name}, {"role", role_name(g.role)}, {"members", g.members},
                     {"leader", l ? *l : ""}, {"term", l ? cluster.view(*l).term : 0}};
    j["open"] = l && cluster.view(*l).status == "OPEN";
    if (g.role == Role::BP && !j["open"].get<bool>()) every_group_leads = false;
    groups.push_back(j);
  }
  // Health as the SPs see it: each SP OPEN, and every BP group led by an OPEN PRIMARY.
  nlohmann::json sps = nlohmann::json::array();
  bool healthy = every_group_leads;
  for (const Instance* sp : topo_.of_role(Role::SP)) {
    const auto v = cluster.view(sp->name);
    const bool ok = v.status == "OPEN" && every_group_leads;
    healthy = healthy && ok;
    sps.push_back({{"sp", sp->name}, {"ok", ok},
                   {"note", v.status != "OPEN" ? sp->name + " is " + v.status
                            : every_group_leads ? "serves queries" : "a BP group has no OPEN leader"}});
  }
  nlohmann::json steps = nlohmann::json::array();
  for (const Step& s : session_->deploy_plan().steps) {
    const char* st = session_->step_done(s.id) ? "done"
                     : s.id == running_step_    ? "running"
                     : s.id == failed_step_     ? "failed"
                                                : "waiting";
    nlohmann::json j{{"id", s.id}, {"title", s.title}, {"instance", s.instance}, {"state", st}};
    if (auto t = step_times_.find(s.id); t != step_times_.end()) {
      j["started_ms"] = t->second.first;
      j["finished_ms"] = t->second.second;
    }
    if (s.id == failed_step_) j["error"] = failed_error_;
    steps.push_back(j);
  }
  nlohmann::json hosts = nlohmann::json::array();
  for (const auto& h : topo_.hosts()) hosts.push_back(h);
  return {{"cluster", topo_.cluster},
          {"critical_path", critical_path()},
          {"backend", "sim"},
          {"seed", options_.seed},
          {"clock", {{"now_ms", static_cast<double>(cluster.now_us()) / 1000.0},
                     {"paused", paused_}, {"speed", speed_}, {"deploying", deploying_}}},
          {"instances", instances},
          {"groups", groups},
          {"hosts", hosts},
          {"health", {{"healthy", healthy}, {"sps", sps}}},
          {"steps", steps},
          {"violations", cluster.violations().size()},
          {"trace_hash", cluster.trace().hash_hex()},
          {"last_seq", last_seq()}};
}

std::vector<std::string> SimDriver::critical_path() const {
  // From the step that finished last, back through the dependency that
  // finished last: the chain that set the deployment's length.
  const Plan& plan = session_->deploy_plan();
  const Step* at = nullptr;
  int64_t last = -1;
  for (const Step& s : plan.steps) {
    auto t = step_times_.find(s.id);
    if (t != step_times_.end() && t->second.second > last) last = t->second.second, at = &s;
  }
  std::vector<std::string> chain;
  while (at) {
    chain.insert(chain.begin(), at->id);
    const Step* next = nullptr;
    int64_t latest = -1;
    for (const std::string& d : at->deps) {
      auto t = step_times_.find(d);
      if (t != step_times_.end() && t->second.second > latest) latest = t->second.second, next = plan.find(d);
    }
    at = next;
  }
  return chain;
}

nlohmann::json SimDriver::events_since(uint64_t since, size_t limit) const {
  nlohmann::json out = nlohmann::json::array();
  auto it = std::lower_bound(events_.begin(), events_.end(), since + 1,
                             [](const UiEvent& e, uint64_t s) { return e.seq < s; });
  for (; it != events_.end() && out.size() < limit; ++it) out.push_back(it->to_json());
  return out;
}

std::string SimDriver::scenario_text(const std::string& description) const {
  nlohmann::json steps = nlohmann::json::array();
  int64_t at = 0;
  for (const Done& d : history_) {
    if (d.before > at) steps.push_back({{"do", "advance " + std::to_string(d.before - at)}});
    steps.push_back({{"do", d.line}});
    at = d.after;
  }
  auto& cluster = session_->cluster();
  if (cluster.now() > at) steps.push_back({{"do", "advance " + std::to_string(cluster.now() - at)}});
  for (const auto& g : topo_.rafts) {
    if (!g.replicated()) continue;
    if (auto l = cluster.group_leader(g.name)) {
      steps.push_back({{"expect", {{"group", g.name}, {"leader", *l}}}});
    }
  }
  nlohmann::json topology = nlohmann::json::parse(topology_text_, nullptr, false, true);
  nlohmann::json out{{"description", description.empty() ? "saved from the dpcctl console" : description},
                     {"topology", topology},
                     {"sim", {{"seed", options_.seed}, {"jitter_ms", options_.jitter_ms}}},
                     {"steps", steps}};
  // One step per line, so the file reads like the hand-written ones.
  std::string text = "{\n  \"description\": " + out["description"].dump() + ",\n  \"sim\": " +
                     out["sim"].dump() + ",\n  \"topology\": " + topology.dump() + ",\n  \"steps\": [\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    text += "    " + steps[i].dump() + (i + 1 < steps.size() ? ",\n" : "\n");
  }
  return text + "  ]\n}\n";
}

}  // namespace dpc::ui
