#include "sim/observe/lifecycle.h"

#include <algorithm>
#include <map>

namespace dpc::sim {

namespace {

struct Current {
  bool open_segment = false;
  LifecycleSegment seg;
};

/// "RAFT_1 term=3 ..." -> 3; 0 when absent.
int64_t term_in(const std::string& detail) {
  const size_t at = detail.find("term=");
  if (at == std::string::npos) return 0;
  int64_t v = 0;
  for (size_t i = at + 5; i < detail.size() && detail[i] >= '0' && detail[i] <= '9'; ++i) {
    v = v * 10 + (detail[i] - '0');
  }
  return v;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

bool is_instant_kind(const std::string& kind) {
  static const char* const kinds[] = {"raft.leader",   "raft.candidate", "raft.step_down",
                                      "raft.leader_lost", "raft.reject",  "raft.elect",
                                      "raft.exit_all", "net.drop",       "fault.",
                                      "signal",        "console",        "server.halt",
                                      "server.crash",  "server.refused", "server.exit_all_invalid",
                                      "server.mp_lost", "mp.instance_down", "invariant.",
                                      "tool.backup",   "tool.restore",   "tool.update_magic",
                                      "tool.dminit"};
  for (const char* k : kinds) {
    if (starts_with(kind, k)) return true;
  }
  return false;
}

std::string segment_label(const LifecycleSegment& s) {
  std::string out = s.state;
  if (!s.mode.empty()) out += " " + s.mode;
  if (!s.role.empty()) out += " " + s.role + " t" + std::to_string(s.term);
  return out;
}

Lifecycle build_lifecycle(const std::deque<TraceEvent>& events, SimTime end) {
  Lifecycle out;
  out.end = end;
  std::map<std::string, Current> cur;
  std::map<std::string, std::vector<LifecycleSegment>> done;

  auto change = [&](const TraceEvent& e, const std::string& state, const std::string& role,
                    int64_t term, const std::string& mode) {
    Current& c = cur[e.instance];
    if (c.open_segment && c.seg.state == state && c.seg.role == role && c.seg.term == term &&
        c.seg.mode == mode) {
      return;
    }
    if (c.open_segment) {
      c.seg.end = e.time;
      if (c.seg.end > c.seg.start) done[e.instance].push_back(c.seg);
    }
    c.open_segment = true;
    c.seg = LifecycleSegment{e.instance, e.time, e.time, state, role, term, mode};
  };

  for (const auto& e : events) {
    if (is_instant_kind(e.kind)) out.instants.push_back(e);
    if (e.instance.empty() || e.instance.find(':') != std::string::npos) continue;
    const auto it = cur.find(e.instance);
    const bool has = it != cur.end() && it->second.open_segment;
    const LifecycleSegment prev = has ? it->second.seg : LifecycleSegment{};
    const std::string& k = e.kind;
    if (k == "server.launch") {
      change(e, "starting", "", 0, "");
    } else if (k == "server.mount") {
      change(e, "MOUNT", prev.role, prev.term, "");
    } else if (k == "server.open") {
      const std::string mode = e.detail == "PRIMARY" || e.detail == "STANDBY" ? e.detail : "";
      change(e, "OPEN", prev.role, prev.term, mode);
    } else if (k == "server.exiting") {
      change(e, "exiting", prev.role, prev.term, prev.mode);
    } else if (k == "server.exit") {
      change(e, "stopped", "", 0, "");
    } else if (k == "server.halt") {
      change(e, "HALT", "", 0, "");
    } else if (k == "server.crash") {
      change(e, "crashed", "", 0, "");
    } else if (k == "server.refused") {
      change(e, "refused", "", 0, "");
    } else if (!has) {
      continue;  // RAFT news about an instance not seen starting: nothing to extend
    } else if (k == "raft.start") {
      change(e, prev.state, "follower", term_in(e.detail), prev.mode);
    } else if (k == "raft.candidate") {
      change(e, prev.state, "candidate", term_in(e.detail), "");
    } else if (k == "raft.leader") {
      change(e, prev.state, "leader", term_in(e.detail), prev.state == "OPEN" ? "PRIMARY" : "");
    } else if (k == "raft.follow") {
      change(e, prev.state, "follower", term_in(e.detail), prev.state == "OPEN" ? "STANDBY" : "");
    } else if (k == "raft.step_down" || k == "raft.leader_lost") {
      const int64_t t = term_in(e.detail);
      change(e, "MOUNT", "follower", t ? t : prev.term, "");
    }
  }
  for (auto& [name, c] : cur) {
    if (c.open_segment) {
      c.seg.end = std::max(end, c.seg.start);
      done[name].push_back(c.seg);
    }
  }
  for (auto& [name, segs] : done) {
    out.instances.push_back(name);
    for (auto& s : segs) out.segments.push_back(std::move(s));
  }
  for (const auto& [name, c] : cur) {
    if (!done.count(name)) out.instances.push_back(name);
  }
  std::sort(out.instances.begin(), out.instances.end());
  return out;
}

}  // namespace dpc::sim
