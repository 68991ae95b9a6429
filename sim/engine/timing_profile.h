// TimingProfile: how long each simulated tool run and server transition
// takes, and the other [model] quantities of the simulator (redo sizes, link
// defaults, halt delays). Loaded from JSON so startup timing can be
// calibrated later against real DM measurements; every field has a default.
//
// JSON format (docs/simulator.md): one object, every key optional, times in
// milliseconds (fractions allowed, kept to the microsecond), counts as
// integers. Unknown keys are an error naming the key.
//   { "dminit_ms": 2000, "server_startup_ms": 500, "link_latency_ms": 0.1 }
// Plain data; no threading concerns.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "sim/engine/event_loop.h"

namespace dpc::sim {

struct TimingProfile {
  // ---- Tools (run to completion) -------------------------------------
  SimTime dminit = from_ms(2000);         ///< dminit_ms
  SimTime backup = from_ms(3000);         ///< backup_ms: dmrman BACKUP (offline, full)
  SimTime restore = from_ms(3000);        ///< restore_ms: dmrman RESTORE
  SimTime update_magic = from_ms(1000);   ///< update_magic_ms: RECOVER ... UPDATE DB_MAGIC
  SimTime recover = from_ms(1000);        ///< recover_ms: other RECOVER forms
  SimTime tool_error = from_ms(200);      ///< tool_error_ms: a tool refusing its arguments

  // ---- dmserver lifecycle --------------------------------------------
  SimTime server_launch = from_ms(100);   ///< server_launch_ms: exec until the ini files are read
  SimTime server_startup = from_ms(500);  ///< server_startup_ms: SYS_STATUS 1 -> 2 (clean database)
  SimTime redo_to_mount = from_ms(200);   ///< redo_to_mount_ms: SYS_STATUS 2 -> 3 MOUNT
  SimTime mount_to_open = from_ms(500);   ///< mount_to_open_ms: MOUNT -> OPEN (normal start)
  SimTime primary_open_delay = from_ms(300);  ///< primary_open_delay_ms: elected -> PRIMARY OPEN
  SimTime standby_open_delay = from_ms(300);  ///< standby_open_delay_ms: following -> STANDBY OPEN
  SimTime redo_replay_per_klsn = from_ms(20); ///< redo_replay_ms_per_1000_lsn after a halt or crash
  int64_t dirty_redo_lsn = 100000;        ///< dirty_redo_lsn: pending redo a crash/halt leaves [model]
  SimTime exit = from_ms(500);            ///< exit_ms: console `exit` / SIGTERM
  SimTime exit_all = from_ms(1000);       ///< exit_all_ms: coordinated `exit all` of a group
  SimTime forced_halt = from_ms(1000);    ///< forced_halt_ms: `exit all` on an invalid node -> HALT
  SimTime halt_delay = from_ms(3000);     ///< halt_delay_ms: wrong shutdown order -> remaining nodes HALT
  SimTime mp_retry = from_ms(1000);       ///< mp_retry_ms: SP/BP retry interval while the MP is unreachable
  SimTime xmal_hb = from_ms(5000);        ///< xmal_hb_ms: status report / MP watch period (XMAL_HB_INTERVAL when set)
  int mp_dead_after_hb = 3;               ///< mp_dead_after_hb: missed reports before the MP marks an instance down
  int64_t open_redo_lsn = 16;             ///< open_redo_lsn: redo a standalone OPEN writes
  int64_t dml_redo_lsn = 8;               ///< dml_redo_lsn: redo one DML statement writes on each BP leader

  // ---- SQL and network -----------------------------------------------
  SimTime sql = from_ms(2);               ///< sql_ms: client round trip of one statement
  SimTime link_latency = 100;             ///< link_latency_ms: one-way, same host (0.1 ms)
  SimTime remote_link_latency = 500;      ///< remote_link_latency_ms: one-way, between hosts
  SimTime link_jitter = 0;                ///< link_jitter_ms: uniform extra delay 0..j per message
  double link_loss = 0.0;                 ///< link_loss: probability a message is dropped
};

/// Parses a profile from JSON text; defaults fill every key not given.
/// `source` names the file in error messages.
Result<TimingProfile> parse_timing_profile(const std::string& json_text, const std::string& source);

/// The profile as JSON (every key, in milliseconds), e.g. to write a template.
std::string timing_profile_json(const TimingProfile& profile);

}  // namespace dpc::sim
