// The history of a simulated cluster that outlives one dpcctl command: the
// seed, the options and every command applied, each with the virtual time
// at which it was applied and whether it succeeded. Every later command
// replays the history (same seed, same commands at the same virtual times,
// so the same cluster, byte for byte), applies itself and appends one line.
//
// The file is `<state-dir>/sim-history.txt`, plain text:
//   # comments
//   cluster local-7.2
//   topology /abs/state-dir/topology-0.json   (a copy of the file as deployed)
//   seed 3
//   jitter 0
//   profile -                  (or the path of a timing profile)
//   dm h2=none                 (only when --sim-dm set one: sim/model/dm_setup.h)
//   at 0 ok ctl deploy
//   at 16902 ok ctl kill BP11
//   at 17500 ok ctl scale-out /abs/state-dir/topology-1.json   (a copy of the edited file)
// Each command line is a SimSession command (sim/session.h), so a history
// becomes a scenario file as is (history_scenario()).
// Single-threaded; no wall clock.
#pragma once

#include <string>
#include <vector>

#include "core/backend.h"
#include "core/result.h"
#include "sim/session.h"

namespace dpc::sim {

struct HistoryEntry {
  Millis at = 0;
  bool ok = true;
  std::string line;  ///< a SimSession command, e.g. "ctl kill BP11"
};

struct SimHistory {
  std::string cluster;
  std::string topology;  ///< the topology file, absolute
  uint64_t seed = 1;
  int64_t jitter_ms = 0;
  std::string profile;   ///< a timing profile file, or ""
  std::string dm;        ///< SimOptions::dm as text (sim/model/dm_setup.h), "" = default
  std::vector<HistoryEntry> entries;
};

/// `<state_dir>/sim-history.txt`.
std::string history_path(const std::string& state_dir);

/// Reads a history file; an error names the file, the line and what is wrong.
Result<SimHistory> load_history(const std::string& file);

/// The header (cluster, topology, seed, options) as the file starts.
std::string history_header(const SimHistory& history);
/// One entry as its line in the file (with the newline).
std::string history_line(const HistoryEntry& entry);

/// Writes a new history file holding just the header (creating the directory).
Status create_history(const std::string& file, const SimHistory& history);
/// Appends one entry and flushes it.
Status append_history(const std::string& file, const HistoryEntry& entry);

/// Runs every entry on `session` (a fresh session of the history's topology
/// and options) at its virtual time. Fails, naming the line, when a command
/// does not end as recorded or time has already passed the recorded one
/// (the history was edited or written by another version).
Status replay_history(SimSession& session, const SimHistory& history);

/// A scenario file (JSON text) that replays the history: its seed and
/// options, each command as a `do` step (a failed one as expecting an
/// error), then an expectation of which instances run at the end.
/// `topology_ref` is the topology path as the scenario names it.
std::string history_scenario(const SimHistory& history, const std::string& topology_ref,
                             const std::vector<std::pair<std::string, bool>>& running_at_end);

}  // namespace dpc::sim
