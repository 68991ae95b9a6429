// Journal: the record of each plan step's outcome, kept in a state directory
// so `dpcctl deploy --resume` can continue after a failure.
//
// The file is JSON lines (`<state-dir>/journal.jsonl`), one complete line
// per outcome, appended and flushed; a torn last line (a crash mid-write) is
// ignored on load. A journal without a file lives in memory (simulator runs
// and tests). It records step ids, outcomes, times (and, for finished steps,
// their start, duration and kind) and error text; never a secret (the core
// never holds one). Single-threaded.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/backend.h"
#include "core/executor.h"
#include "core/result.h"

namespace dpc {

class Journal {
 public:
  /// An in-memory journal.
  Journal() = default;
  /// Opens (creating the directory and file if needed) the journal of a
  /// state directory. Fails, naming the path, when it cannot be read or
  /// written, or when it belongs to another cluster.
  static Result<Journal> open(const std::string& state_dir, const std::string& cluster);

  /// Appends one outcome. With `step`, a finished step also records what a
  /// timing calibration needs (`dpcctl calibrate`): when it started, how long
  /// it took, its kind, and for a start whether it was MOUNT, for SQL how many
  /// statements it ran.
  Status record(const std::string& step_id, StepOutcome outcome, Millis at,
                const std::string& error = "", const Step* step = nullptr, Millis started = 0);
  /// Notes that the run (of `command`, when given: stop, start, ...) was
  /// interrupted (by `signal_name`) at `at`, after the outcomes of every step
  /// that ended; loading ignores the line.
  Status record_interrupt(const std::string& signal_name, Millis at, const std::string& command = "");
  /// The last outcome recorded for a step.
  std::optional<StepOutcome> last(const std::string& step_id) const;
  /// Whether the last outcome was Done or Skipped (the step's effect was reached).
  bool done(const std::string& step_id) const;
  /// Forgets every outcome (a fresh deployment); truncates the file.
  Status reset();
  const std::string& path() const { return file_; }
  size_t size() const { return last_.size(); }

 private:
  std::string file_;  ///< "" = in memory
  std::string cluster_;
  std::map<std::string, StepOutcome> last_;
};

}  // namespace dpc
