#include "sim/sim_history.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace dpc::sim {
namespace {

namespace fs = std::filesystem;

bool whole_number(const std::string& s, long long& out) {
  char* end = nullptr;
  out = std::strtoll(s.c_str(), &end, 10);
  return !s.empty() && end != nullptr && *end == '\0' && out >= 0;
}

}  // namespace

std::string history_path(const std::string& state_dir) { return state_dir + "/sim-history.txt"; }

std::string history_header(const SimHistory& h) {
  return "# The history of the simulated cluster " + h.cluster +
         ": its seed, its options and every dpcctl command applied to it,\n"
         "# with the virtual time (ms) at which it was applied and how it ended. Each later dpcctl command\n"
         "# replays these lines, then appends its own. 'dpcctl scenario record' turns this file into a scenario.\n"
         "cluster " + h.cluster + "\n"
         "topology " + h.topology + "\n"
         "seed " + std::to_string(h.seed) + "\n"
         "jitter " + std::to_string(h.jitter_ms) + "\n"
         "profile " + (h.profile.empty() ? "-" : h.profile) + "\n";
}

std::string history_line(const HistoryEntry& e) {
  return "at " + std::to_string(e.at) + (e.ok ? " ok " : " failed ") + e.line + "\n";
}

Result<SimHistory> load_history(const std::string& file) {
  // Read line by line, not through read_input_file: the history is dpcctl's
  // own record, appended to by every command on the simulated cluster, and
  // has no size cap to enforce.
  std::ifstream in(file);
  if (!in) return Error{"cannot read " + file};
  SimHistory h;
  std::string line;
  int n = 0;
  bool seen_seed = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const size_t sp = line.find(' ');
    const std::string key = line.substr(0, sp);
    const std::string value = sp == std::string::npos ? "" : line.substr(sp + 1);
    auto bad = [&](const std::string& what) {
      return Error{file + ":" + std::to_string(n) + ": " + what + " (the file is written by dpcctl; "
                   "remove the state directory to start a new simulated cluster)"};
    };
    long long num = 0;
    if (key == "cluster") {
      h.cluster = value;
    } else if (key == "topology") {
      h.topology = value;
    } else if (key == "seed") {
      if (!whole_number(value, num)) return bad("seed takes a whole number");
      h.seed = static_cast<uint64_t>(num);
      seen_seed = true;
    } else if (key == "jitter") {
      if (!whole_number(value, num)) return bad("jitter takes a whole number of ms");
      h.jitter_ms = num;
    } else if (key == "profile") {
      h.profile = value == "-" ? "" : value;
    } else if (key == "at") {
      std::istringstream words(value);
      std::string at, outcome;
      words >> at >> outcome;
      HistoryEntry e;
      if (!whole_number(at, num) || (outcome != "ok" && outcome != "failed")) {
        return bad("expected 'at MS ok|failed COMMAND'");
      }
      e.at = num;
      e.ok = outcome == "ok";
      std::getline(words >> std::ws, e.line);
      if (e.line.empty()) return bad("an entry without a command");
      h.entries.push_back(std::move(e));
    } else {
      return bad("unknown line '" + key + "'");
    }
  }
  if (h.cluster.empty() || h.topology.empty() || !seen_seed) {
    return Error{file + ": not a complete history (cluster, topology and seed lines are required)"};
  }
  return h;
}

Status create_history(const std::string& file, const SimHistory& history) {
  std::error_code ec;
  fs::create_directories(fs::path(file).parent_path(), ec);
  if (ec) return Error{"cannot create " + fs::path(file).parent_path().string() + ": " + ec.message()};
  const std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << history_header(history);
    for (const HistoryEntry& e : history.entries) out << history_line(e);
    out.flush();
    if (!out) return Error{"cannot write " + tmp};
  }
  fs::rename(tmp, file, ec);
  if (ec) return Error{"cannot rename " + tmp + " to " + file + ": " + ec.message()};
  return Status::Ok();
}

Status append_history(const std::string& file, const HistoryEntry& entry) {
  std::ofstream out(file, std::ios::app);
  out << history_line(entry);
  out.flush();
  if (!out) return Error{"cannot append to " + file};
  return Status::Ok();
}

Status replay_history(SimSession& session, const SimHistory& history) {
  for (size_t i = 0; i < history.entries.size(); ++i) {
    const HistoryEntry& e = history.entries[i];
    const Millis now = session.cluster().now();
    auto where = [&] { return "history entry " + std::to_string(i + 1) + " ('" + e.line + "')"; };
    if (now > e.at) {
      return Error{where() + ": virtual time is already " + std::to_string(now) + " ms, the entry says " +
                   std::to_string(e.at) + " ms; the history does not replay"};
    }
    if (now < e.at) session.cluster().advance(e.at - now);
    CommandResult r = session.execute(e.line);
    if (r.ok != e.ok) {
      return Error{where() + " " + (r.ok ? "succeeded" : "failed (" + r.error + ")") + " on replay but " +
                   (e.ok ? "succeeded" : "failed") + " when it was applied; the history does not replay"};
    }
  }
  return Status::Ok();
}

std::string history_scenario(const SimHistory& h, const std::string& topology_ref,
                             const std::vector<std::pair<std::string, bool>>& running_at_end) {
  using nlohmann::ordered_json;
  ordered_json steps = ordered_json::array();
  // Commands ran back to back, as the steps of a scenario do: no time
  // passes between them, so none is added.
  for (const HistoryEntry& e : h.entries) {
    ordered_json step{{"do", e.line}};
    if (!e.ok) step["expect_error"] = "";
    steps.push_back(step);
  }
  ordered_json all = ordered_json::array();
  for (const auto& [name, running] : running_at_end) all.push_back({{"instance", name}, {"running", running}});
  if (!all.empty()) steps.push_back({{"expect", {{"all", all}}}});
  ordered_json sim{{"seed", h.seed}};
  if (h.jitter_ms != 0) sim["jitter_ms"] = h.jitter_ms;
  if (!h.profile.empty()) sim["profile"] = h.profile;
  ordered_json doc{{"description", "recorded from the history of the simulated cluster " + h.cluster},
                   {"topology", topology_ref},
                   {"sim", sim},
                   {"steps", steps}};
  return "// Recorded by 'dpcctl scenario record': the commands applied to a simulated cluster, in order.\n" +
         doc.dump(2) + "\n";
}

}  // namespace dpc::sim
