#include "core/progress.h"

#include <map>
#include <nlohmann/json.hpp>

namespace dpc {

std::string format_duration(Millis ms) {
  if (ms < 1000) return std::to_string(ms) + " ms";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

void ProgressPrinter::operator()(const StepEvent& ev) const {
  const char* kind = ev.kind == StepEvent::Kind::Started    ? "started"
                     : ev.kind == StepEvent::Kind::Finished ? "done"
                     : ev.kind == StepEvent::Kind::Skipped  ? "skipped"
                                                            : "FAILED";
  if (json_) {
    nlohmann::json j{{"event", kind},        {"step", ev.step->id},  {"kind", step_kind_name(ev.step->kind)},
                     {"instance", ev.step->instance}, {"index", ev.index}, {"total", ev.total},
                     {"at_ms", ev.at},       {"duration_ms", ev.duration}};
    if (!ev.detail.empty()) j["detail"] = ev.detail;
    std::fprintf(out_, "%s\n", j.dump().c_str());
    std::fflush(out_);
    return;
  }
  if (ev.kind == StepEvent::Kind::Started) return;
  std::string tail = ev.kind == StepEvent::Kind::Skipped ? "(" + ev.detail + ")" : format_duration(ev.duration);
  std::fprintf(out_, "[%3d/%d] %-8s %-28s %-8s %s\n", ev.index, ev.total, kind, ev.step->id.c_str(),
               ev.step->instance.c_str(), tail.c_str());
  std::fflush(out_);
}

std::string format_report(const ExecutionReport& report, const Plan& plan) {
  std::string out;
  Millis took = report.finished - report.started;
  if (report.ok) {
    out += "plan finished: " + std::to_string(report.done) + " steps done, " +
           std::to_string(report.skipped) + " skipped, in " + format_duration(took) + "\n";
  } else {
    out += "plan FAILED after " + format_duration(took) + "\n" + report.error + "\n";
  }
  if (!report.critical_path.empty()) {
    out += "critical path:";
    Millis prev_end = report.started;
    std::map<std::string, size_t> position;  // one scan of the plan, not one per path step
    for (size_t k = 0; k < plan.steps.size(); ++k) position.emplace(plan.steps[k].id, k);
    for (const auto& id : report.critical_path) {
      auto at = position.find(id);
      if (at == position.end() || at->second >= report.records.size()) continue;
      const size_t i = at->second;
      const auto& rec = report.records[i];
      out += "\n  " + id + " (" + format_duration(rec.finished - std::max(rec.started, prev_end)) + ")";
      prev_end = rec.finished;
    }
    out += "\n";
  }
  return out;
}

}  // namespace dpc
