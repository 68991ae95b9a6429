// Calibration: a timing profile (sim/engine/timing_profile.h) made from the
// step durations real deployments recorded in their journals
// (core/journal.h), so the next simulated deploy of that cluster predicts
// its real duration. `dpcctl calibrate JOURNAL...` is its command line.
//
// What is calibrated, from finished (done) steps that recorded a duration:
//   init          -> dminit_ms (mean)
//   backup        -> backup_ms;  restore -> restore_ms;  update-magic -> update_magic_ms
//   start         -> the server start keys, scaled together: a start without
//                    MOUNT is server_launch + server_startup + redo_to_mount +
//                    mount_to_open, one with MOUNT the first three
//   sql           -> sql_ms (duration / statements)
//   exit / exit-all -> exit_ms / exit_all_ms
// Waits and verifications are not calibrated: the simulator derives them
// (polls, elections, SQL round trips). Every other key keeps the base
// profile's value. Pure functions; deterministic.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "sim/engine/timing_profile.h"

namespace dpc::sim {

/// What the journals said about one profile key.
struct CalibratedKey {
  std::string key;       ///< e.g. "dminit_ms"
  std::string from;      ///< the step kind it comes from, e.g. "init"
  int samples = 0;
  double min_ms = 0, mean_ms = 0, max_ms = 0;  ///< of the steps (per statement for sql)
};

struct Calibration {
  TimingProfile profile;
  std::vector<CalibratedKey> keys;  ///< in key order; only keys with samples
  int steps_read = 0;               ///< finished steps with a duration
  int steps_skipped = 0;            ///< lines without a duration (older journals), failed steps
};

/// A journal's text and the name to use in errors.
struct JournalText {
  std::string name;
  std::string text;
};

/// Reads the journals and calibrates `base`. Fails, naming the file and
/// line, on a line that is not JSON (other than a torn last line) or on a
/// journal that yields no step duration at all.
Result<Calibration> calibrate_profile(const std::vector<JournalText>& journals, const TimingProfile& base = {});

/// The profile as JSON that parse_timing_profile() reads back, headed by
/// `//` comments giving each calibrated key's samples and spread.
std::string calibration_json(const Calibration& calibration);

}  // namespace dpc::sim
