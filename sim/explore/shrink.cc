#include "sim/explore/shrink.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "core/topology_load.h"

namespace dpc::sim {

namespace {

using json = nlohmann::ordered_json;

class Shrinker {
 public:
  Shrinker(const ExploreSetup& setup, uint64_t seed, std::string signature, std::string file,
           const std::function<void(SimSession&)>& prepare, int max_runs)
      : setup_(setup), seed_(seed), signature_(std::move(signature)), file_(std::move(file)),
        prepare_(prepare), max_runs_(max_runs) {}

  ShrinkResult run(const Candidate& start) {
    result_.best = start;
    result_.outcome = run_candidate(setup_, start, seed_, file_, prepare_);
    result_.runs = 1;
    bool progress = true;
    while (progress && budget()) {
      progress = fewer_faults() || fewer_commands() || later() || fewer_instances();
    }
    return result_;
  }

 private:
  bool budget() const { return result_.runs < max_runs_; }

  /// Runs `c`; keeps it when it fails the same way.
  bool attempt(const Candidate& c) {
    if (!budget()) return false;
    result_.runs++;
    RunOutcome o = run_candidate(setup_, c, seed_, file_, prepare_);
    if (!o.valid || o.passed || o.signature != signature_) return false;
    result_.best = c;
    result_.outcome = o;
    return true;
  }

  bool fewer_faults() {
    const auto& faults = result_.best.schedule.faults;
    for (size_t i = 0; i < faults.size(); ++i) {
      Candidate c = result_.best;
      c.schedule.faults.erase(c.schedule.faults.begin() + static_cast<std::ptrdiff_t>(i));
      if (attempt(c)) return true;
    }
    return false;
  }

  bool fewer_commands() {
    const auto& faults = result_.best.schedule.faults;
    for (size_t i = 0; i < faults.size(); ++i) {
      if (faults[i].commands.size() < 2) continue;
      for (size_t k = 0; k < faults[i].commands.size(); ++k) {
        Candidate c = result_.best;
        auto& cmds = c.schedule.faults[i].commands;
        cmds.erase(cmds.begin() + static_cast<std::ptrdiff_t>(k));
        if (attempt(c)) return true;
      }
    }
    return false;
  }

  bool later() {
    const Schedule& s = result_.best.schedule;
    if (!s.upto.empty()) {
      Candidate whole = result_.best;
      whole.schedule.upto.clear();
      whole.schedule.phase.clear();
      if (attempt(whole)) return true;
      // A later step of the same phase, latest first.
      for (const auto& [phase, steps] : deploy_phases(setup_.plan)) {
        if (phase != s.phase) continue;
        const auto at = std::find(steps.begin(), steps.end(), s.upto);
        for (auto it = steps.end(); at != steps.end() && it != at + 1;) {
          --it;
          Candidate c = result_.best;
          c.schedule.upto = *it;
          if (attempt(c)) return true;
        }
      }
    }
    for (size_t i = 0; i < s.faults.size(); ++i) {
      if (s.faults[i].after_ms == 0) continue;
      Candidate c = result_.best;
      c.schedule.faults[i].after_ms = 0;
      if (attempt(c)) return true;
    }
    if (s.hold_ms > 0) {
      Candidate c = result_.best;
      c.schedule.hold_ms = 0;
      if (attempt(c)) return true;
      if (s.hold_ms > 1000) {
        c.schedule.hold_ms = s.hold_ms / 2;
        if (attempt(c)) return true;
      }
    }
    return false;
  }

  /// Drops a BP RAFT group; whatever the schedule names in it (the deploy
  /// prefix's step, a fault's target) moves to the same member position of
  /// another group of the same size ("update-magic:BP23" -> "update-magic:BP13").
  bool fewer_instances() {
    LoadOutcome lo = load_topology_text(result_.best.topology_json, "shrink");
    if (!lo.ok()) return false;
    for (const RaftGroup& g : lo.topology->rafts) {
      if (g.role != Role::BP) continue;
      std::map<std::string, std::string> to;
      for (const RaftGroup& other : lo.topology->rafts) {
        if (other.role != Role::BP || other.name == g.name || other.members.size() != g.members.size()) continue;
        to[g.name] = other.name;
        for (size_t k = 0; k < g.members.size(); ++k) to[g.members[k]] = other.members[k];
        break;
      }
      std::string smaller = topology_without_raft(result_.best.topology_json, g.name);
      if (smaller.empty() || !load_topology_text(smaller, "shrink").ok()) continue;
      Candidate c = result_.best;
      c.topology_json = smaller;
      c.schedule.upto = rename(c.schedule.upto, to);
      for (Fault& f : c.schedule.faults) {
        for (auto& cmd : f.commands) cmd = rename(cmd, to);
        for (auto& h : f.heal) h = rename(h, to);
      }
      if (attempt(c)) return true;
    }
    return false;
  }

  /// `text` with every name-like token (between spaces, commas and colons)
  /// found in `to` replaced.
  static std::string rename(const std::string& text, const std::map<std::string, std::string>& to) {
    std::string out, token;
    auto flush = [&] {
      auto it = to.find(token);
      out += it == to.end() ? token : it->second;
      token.clear();
    };
    for (char ch : text) {
      if (ch == ' ' || ch == ',' || ch == ':') {
        flush();
        out += ch;
      } else {
        token += ch;
      }
    }
    flush();
    return out;
  }

  const ExploreSetup& setup_;
  const uint64_t seed_;
  const std::string signature_;
  const std::string file_;
  const std::function<void(SimSession&)>& prepare_;
  const int max_runs_;
  ShrinkResult result_;
};

}  // namespace

std::string topology_without_raft(const std::string& topology_json, const std::string& raft) {
  json t = json::parse(topology_json);
  if (!t.contains("bp_rafts") || !t["bp_rafts"].is_array()) return "";
  json& rafts = t["bp_rafts"];
  std::vector<std::string> members;
  bool found = false;
  for (size_t i = 0; i < rafts.size(); ++i) {
    if (rafts[i].value("name", "") != raft) continue;
    if (rafts[i].contains("members")) {
      for (const auto& m : rafts[i]["members"]) members.push_back(m.value("name", ""));
    }
    rafts.erase(i);
    found = true;
    break;
  }
  if (!found || rafts.empty()) return "";
  auto drop = [](json& list, const std::vector<std::string>& names) {
    json kept = json::array();
    for (const auto& v : list) {
      if (!v.is_string() || std::find(names.begin(), names.end(), v.get<std::string>()) == names.end()) {
        kept.push_back(v);
      }
    }
    list = kept;
  };
  if (t.contains("bp_groups") && t["bp_groups"].is_array()) {
    json kept = json::array();
    for (auto& g : t["bp_groups"]) {
      if (g.contains("rafts")) drop(g["rafts"], {raft});
      if (!g.contains("rafts") || !g["rafts"].empty()) kept.push_back(g);
    }
    t["bp_groups"] = kept;
  }
  if (t.contains("fault_domains") && t["fault_domains"].is_array()) {
    json kept = json::array();
    for (auto& d : t["fault_domains"]) {
      if (d.contains("instances")) drop(d["instances"], members);
      if (!d.contains("instances") || !d["instances"].empty()) kept.push_back(d);
    }
    t["fault_domains"] = kept;
  }
  return t.dump();
}

ShrinkResult shrink_candidate(const ExploreSetup& setup, const Candidate& start, uint64_t seed,
                              const std::string& signature, const std::string& file,
                              const std::function<void(SimSession&)>& prepare, int max_runs) {
  return Shrinker(setup, seed, signature, file, prepare, max_runs).run(start);
}

}  // namespace dpc::sim
