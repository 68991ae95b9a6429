#include "sim/observe/chrome_trace.h"

#include <map>

#include <nlohmann/json.hpp>

#include "sim/observe/lifecycle.h"

namespace dpc::sim {

namespace {

using nlohmann::json;

constexpr int kPid = 1;

/// The category of an instant: "raft", "net", "fault", ...
std::string category_of(const std::string& kind) {
  const size_t dot = kind.find('.');
  return dot == std::string::npos ? kind : kind.substr(0, dot);
}

/// Chrome's reserved colour names, so states read at a glance.
const char* colour_of(const LifecycleSegment& s) {
  if (s.state == "OPEN") return s.role == "leader" ? "good" : "thread_state_running";
  if (s.state == "MOUNT") return s.role == "candidate" ? "yellow" : "thread_state_runnable";
  if (s.state == "starting" || s.state == "exiting") return "thread_state_iowait";
  if (s.state == "HALT" || s.state == "crashed" || s.state == "refused") return "terrible";
  return "grey";
}

}  // namespace

std::string chrome_trace_json(const std::deque<TraceEvent>& events, const ChromeTraceOptions& options) {
  SimTime end = options.end;
  if (end < 0) end = events.empty() ? 0 : events.back().time;
  const Lifecycle life = build_lifecycle(events, end);

  std::map<std::string, int> tid;
  tid[""] = 0;
  int next = 1;
  for (const auto& name : life.instances) tid[name] = next++;

  json out = json::array();
  out.push_back({{"ph", "M"}, {"pid", kPid}, {"name", "process_name"}, {"args", {{"name", options.title}}}});
  for (const auto& [name, id] : tid) {
    out.push_back({{"ph", "M"}, {"pid", kPid}, {"tid", id}, {"name", "thread_name"},
                   {"args", {{"name", name.empty() ? std::string("cluster") : name}}}});
    out.push_back({{"ph", "M"}, {"pid", kPid}, {"tid", id}, {"name", "thread_sort_index"},
                   {"args", {{"sort_index", id}}}});
  }
  for (const auto& s : life.segments) {
    json args = {{"state", s.state}};
    if (!s.role.empty()) {
      args["role"] = s.role;
      args["term"] = s.term;
    }
    if (!s.mode.empty()) args["mode"] = s.mode;
    out.push_back({{"ph", "X"}, {"pid", kPid}, {"tid", tid[s.instance]}, {"name", segment_label(s)},
                   {"cat", "lifecycle"}, {"ts", s.start}, {"dur", s.end - s.start},
                   {"cname", colour_of(s)}, {"args", args}});
  }
  for (const auto& e : life.instants) {
    auto it = tid.find(e.instance);
    const bool on_track = it != tid.end();
    json ev = {{"ph", "i"}, {"pid", kPid}, {"tid", on_track ? it->second : 0}, {"name", e.kind},
               {"cat", category_of(e.kind)}, {"ts", e.time}, {"s", "t"},
               {"args", {{"detail", e.detail}}}};
    if (!on_track && !e.instance.empty()) ev["args"]["instance"] = e.instance;
    out.push_back(std::move(ev));
  }
  json doc = {{"displayTimeUnit", "ms"},
              {"traceEvents", std::move(out)},
              {"otherData", {{"title", options.title}, {"virtual_end_us", end}}}};
  return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace dpc::sim
