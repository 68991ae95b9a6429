#include "cli/scenario_report.h"

#include <cstdio>

#include "core/xml_text.h"

namespace dpc::cli {

size_t ScenarioRuns::failed() const {
  size_t n = 0;
  for (const auto& r : runs) n += r.result.passed ? 0 : 1;
  return n;
}

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

}  // namespace

std::string junit_xml(const std::vector<ScenarioRuns>& scenarios) {
  size_t tests = 0, failures = 0;
  for (const auto& s : scenarios) {
    tests += s.runs.size();
    failures += s.failed();
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"dpcctl scenario run\" tests=\"" + std::to_string(tests) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\">\n";
  for (const auto& s : scenarios) {
    double total = 0;
    for (const auto& r : s.runs) total += r.wall_seconds;
    out += "  <testsuite name=\"" + xml_escape(s.name) + "\" tests=\"" + std::to_string(s.runs.size()) +
           "\" failures=\"" + std::to_string(s.failed()) + "\" errors=\"0\" time=\"" + seconds(total) +
           "\" file=\"" + xml_escape(s.file) + "\">\n";
    for (const auto& t : s.runs) {
      const sim::RunResult& r = t.result;
      out += "    <testcase classname=\"scenario." + xml_escape(s.name) + "\" name=\"seed " +
             std::to_string(r.seed) + "\" file=\"" + xml_escape(s.file) + "\" time=\"" +
             seconds(t.wall_seconds) + "\"";
      if (r.passed) {
        out += "/>\n";
        continue;
      }
      std::string message = r.failure ? r.failure->reason : "failed";
      out += ">\n      <failure message=\"" + xml_escape(message) + "\" type=\"ScenarioFailure\">" +
             xml_escape(sim::format_failure(r)) + "</failure>\n    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

nlohmann::json results_json(const std::vector<ScenarioRuns>& scenarios) {
  using nlohmann::json;
  size_t passed = 0, failed = 0;
  json list = json::array();
  for (const auto& s : scenarios) {
    json runs = json::array();
    for (const auto& t : s.runs) {
      const sim::RunResult& r = t.result;
      json run = {{"seed", r.seed},
                  {"passed", r.passed},
                  {"trace_hash", r.trace_hash},
                  {"events", r.events},
                  {"virtual_end_ms", static_cast<double>(r.end_time) / 1000.0},
                  {"replay", r.replay}};
      if (r.failure) {
        run["failure"] = {{"step", r.failure->step + 1},
                          {"path", r.failure->path},
                          {"line", r.failure->line},
                          {"text", r.failure->text},
                          {"reason", r.failure->reason},
                          {"last_events", r.trace_tail},
                          {"timeline", r.timeline}};
      }
      (r.passed ? passed : failed) += 1;
      runs.push_back(std::move(run));
    }
    list.push_back({{"file", s.file}, {"name", s.name}, {"runs", std::move(runs)}});
  }
  return json{{"passed", passed}, {"failed", failed}, {"scenarios", std::move(list)}};
}

}  // namespace dpc::cli
