// ServerConfig: what a simulated dmserver reads from its ini files before it
// starts — its ports and archiving switch from dm.ini, the MP(s) to reach
// from mp.ini, and its RAFT destinations, self id and intervals from
// dmarch.ini — and the two parsers that fill it from the files' text,
// refusing with the message DM's rules call for ([M…] rules of the spec;
// docs/simulator.md). Pure functions of the text; the server (dmserver.h)
// reads the files from its host and owns the result. No threading concerns.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "sim/engine/event_loop.h"
#include "sim/raft/raft_node.h"

namespace dpc::sim {

/// One MP to reach, from mp.ini: `mp_host`/`mp_port` (single MP) or one
/// `[MPn]` section of an MP RAFT group.
struct MpTarget {
  std::string section;  ///< "" for the single-MP form
  std::string address;
  int port = 0;
};

/// One `[ARCHIVE_RAFTn]` section of dmarch.ini.
struct RaftDest {
  std::string name;  ///< ARCH_DEST
  int id = 0;        ///< ARCH_DEST_ID
  bool learner = false;
};

struct ServerConfig {
  std::string ini_path;
  std::string db_dir;
  bool mount = false;
  int port_num = 0;
  int ap_port_num = 0;
  int mp_port = 0;  ///< MP only
  bool arch_ini = false;
  std::vector<MpTarget> mp_targets;
  SimTime mp_reconn_timeout = 0;
  bool replica = false;  ///< dmarch.ini has RAFT destinations
  int self_id = 0;
  VMillis vote_interval = 0;
  VMillis hb_interval = 150;
  SimTime xmal_hb = 0;
  std::vector<RaftDest> dests;
};

/// Reads mp.ini for the instance `name` of DPC_MODE `dpc_mode` into
/// cfg.mp_targets, cfg.mp_reconn_timeout and (an MP) cfg.mp_port. An error
/// names the instance and what the file lacks.
Status parse_mp_ini(const std::string& text, const std::string& name, const std::string& dpc_mode,
                    ServerConfig& cfg);

/// Reads dmarch.ini into cfg.dests, cfg.replica, cfg.self_id, the RAFT
/// intervals and XMAL_HB_INTERVAL. A replica needs a local archive, an even
/// number 2..8 of RAFT destinations with distinct ids, none its own.
Status parse_dmarch_ini(const std::string& text, const std::string& name, ServerConfig& cfg);

}  // namespace dpc::sim
