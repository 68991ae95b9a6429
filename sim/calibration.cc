#include "sim/calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

namespace dpc::sim {

namespace {

struct Samples {
  std::vector<double> ms;
  void add(double v) { ms.push_back(v); }
  double mean() const {
    double sum = 0;
    for (double v : ms) sum += v;
    return ms.empty() ? 0 : sum / static_cast<double>(ms.size());
  }
};

SimTime to_sim(double ms) { return static_cast<SimTime>(std::llround(ms * 1000.0)); }

std::string fmt_ms(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

/// Scales `parts` (in place) so that they add up to `total_us`, keeping their
/// proportions (equal shares when they add up to zero).
void scale_to(std::vector<SimTime*> parts, double total_us) {
  double sum = 0;
  for (SimTime* p : parts) sum += static_cast<double>(*p);
  for (SimTime* p : parts) {
    const double share = sum > 0 ? static_cast<double>(*p) / sum : 1.0 / static_cast<double>(parts.size());
    *p = static_cast<SimTime>(std::llround(std::max(0.0, total_us) * share));
  }
}

}  // namespace

Result<Calibration> calibrate_profile(const std::vector<JournalText>& journals, const TimingProfile& base) {
  Calibration cal;
  cal.profile = base;
  // kind -> samples (ms); "start" split by MOUNT; "sql" per statement.
  std::map<std::string, Samples> by;
  for (const JournalText& j : journals) {
    std::istringstream in(j.text);
    std::string line;
    int lineno = 0;
    std::vector<std::string> lines;
    while (std::getline(in, line)) lines.push_back(line);
    for (size_t i = 0; i < lines.size(); ++i) {
      ++lineno;
      if (lines[i].find_first_not_of(" \t\r") == std::string::npos) continue;
      auto rec = nlohmann::json::parse(lines[i], nullptr, /*allow_exceptions=*/false);
      if (rec.is_discarded() || !rec.is_object()) {
        if (i + 1 == lines.size()) continue;  // a torn last line (a crash mid-write)
        return Error{j.name + ":" + std::to_string(lineno) +
                     ": not a journal line (JSON object expected); give the journal.jsonl of a state directory"};
      }
      if (rec.contains("cluster")) continue;
      if (!rec.contains("duration_ms") || !rec.contains("kind") || rec.value("outcome", "") != "done") {
        ++cal.steps_skipped;
        continue;
      }
      const auto& d = rec["duration_ms"];
      if (!d.is_number() || d.get<double>() < 0) {
        return Error{j.name + ":" + std::to_string(lineno) + ": duration_ms must be a number >= 0"};
      }
      const double ms = d.get<double>();
      std::string kind = rec.value("kind", "");
      ++cal.steps_read;
      if (kind == "start") {
        by[rec.value("mount", false) ? "start-mount" : "start"].add(ms);
      } else if (kind == "sql") {
        const double n = rec.contains("statements") && rec["statements"].is_number() ? rec["statements"].get<double>() : 1;
        by["sql"].add(n > 0 ? ms / n : ms);
      } else {
        by[kind].add(ms);
      }
    }
  }
  if (cal.steps_read == 0) {
    std::string names;
    for (const JournalText& j : journals) names += (names.empty() ? "" : ", ") + j.name;
    return Error{"no step durations in " + (names.empty() ? std::string("(no journal given)") : names) +
                 ": a journal records them for steps finished by dpcctl deploy --backend=real (this version or later)"};
  }

  TimingProfile& p = cal.profile;
  auto note = [&](const std::string& key, const std::string& from, const Samples& s) {
    CalibratedKey k;
    k.key = key;
    k.from = from;
    k.samples = static_cast<int>(s.ms.size());
    k.min_ms = *std::min_element(s.ms.begin(), s.ms.end());
    k.max_ms = *std::max_element(s.ms.begin(), s.ms.end());
    k.mean_ms = s.mean();
    cal.keys.push_back(k);
  };
  struct Simple {
    const char* kind;
    const char* key;
    SimTime TimingProfile::*member;
  };
  for (const Simple& s : {Simple{"init", "dminit_ms", &TimingProfile::dminit},
                          Simple{"backup", "backup_ms", &TimingProfile::backup},
                          Simple{"restore", "restore_ms", &TimingProfile::restore},
                          Simple{"update-magic", "update_magic_ms", &TimingProfile::update_magic},
                          Simple{"sql", "sql_ms", &TimingProfile::sql},
                          Simple{"exit", "exit_ms", &TimingProfile::exit},
                          Simple{"exit-all", "exit_all_ms", &TimingProfile::exit_all}}) {
    auto it = by.find(s.kind);
    if (it == by.end()) continue;
    p.*(s.member) = to_sim(it->second.mean());
    note(s.key, s.kind, it->second);
  }
  // Starts: MOUNT starts fix launch + startup + redo-to-mount; the others the
  // whole start, so mount-to-open is their difference.
  const auto mount = by.find("start-mount");
  const auto open = by.find("start");
  if (mount != by.end()) {
    scale_to({&p.server_launch, &p.server_startup, &p.redo_to_mount}, mount->second.mean() * 1000.0);
    note("server_launch_ms+server_startup_ms+redo_to_mount_ms", "start (MOUNT)", mount->second);
  }
  if (open != by.end()) {
    if (mount != by.end()) {
      const double to_mount = static_cast<double>(p.server_launch + p.server_startup + p.redo_to_mount);
      p.mount_to_open = static_cast<SimTime>(std::llround(std::max(0.0, open->second.mean() * 1000.0 - to_mount)));
      note("mount_to_open_ms", "start", open->second);
    } else {
      scale_to({&p.server_launch, &p.server_startup, &p.redo_to_mount, &p.mount_to_open},
               open->second.mean() * 1000.0);
      note("server_launch_ms+server_startup_ms+redo_to_mount_ms+mount_to_open_ms", "start", open->second);
    }
  }
  return cal;
}

std::string calibration_json(const Calibration& c) {
  std::string out = "// dpcctl calibrate: a timing profile from " + std::to_string(c.steps_read) +
                    " finished steps (" + std::to_string(c.steps_skipped) + " lines without a duration skipped)\n";
  for (const CalibratedKey& k : c.keys) {
    out += "//   " + k.key + " from " + std::to_string(k.samples) + " " + k.from + " step(s): mean " +
           fmt_ms(k.mean_ms) + " ms, min " + fmt_ms(k.min_ms) + ", max " + fmt_ms(k.max_ms) + "\n";
  }
  out += "// every other key is the base profile's\n";
  out += timing_profile_json(c.profile);
  if (out.back() != '\n') out += "\n";
  return out;
}

}  // namespace dpc::sim
