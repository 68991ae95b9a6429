#include "sim/model/server_config.h"

#include "core/ini.h"
#include "sim/engine/text_util.h"

namespace dpc::sim {

Status parse_mp_ini(const std::string& text, const std::string& name, const std::string& dpc_mode,
                    ServerConfig& cfg) {
  auto ini = parse_ini(text, name + " mp.ini");
  if (!ini.ok()) return ini.error();
  cfg.mp_targets.clear();
  const auto& g = ini->global();
  if (g.get("MP_HOST") || g.get("MP_PORT")) {
    const auto port = ini_int(g.get("MP_PORT"));
    if (!g.get("MP_HOST") || !port) {
      return Error{name + ": mp.ini needs both mp_host and mp_port (a whole number)"};
    }
    cfg.mp_targets.push_back(MpTarget{"", *g.get("MP_HOST"), static_cast<int>(*port)});
  }
  for (size_t i = 1; i < ini->sections.size(); ++i) {
    const IniSection& s = ini->sections[i];
    const auto port = ini_int(s.get("MP_PORT"));
    if (!s.get("MP_HOST") || !port) {
      return Error{name + ": section [" + s.name + "] of mp.ini needs mp_host and mp_port"};
    }
    cfg.mp_targets.push_back(MpTarget{s.name, *s.get("MP_HOST"), static_cast<int>(*port)});
  }
  if (cfg.mp_targets.empty()) {
    return Error{name + ": mp.ini names no MP; write mp_host = ... and mp_port = ..."};
  }
  const auto reconn = ini_int(g.get("MP_RECONN_TIMEOUT")).value_or(4294967294LL);
  cfg.mp_reconn_timeout = static_cast<SimTime>(reconn) * 1000 * kMicrosPerMilli;
  if (dpc_mode == "MP") {
    for (const auto& t : cfg.mp_targets) {
      if (t.section.empty() || iequals(t.section, name)) cfg.mp_port = t.port;
    }
    if (cfg.mp_port == 0) {
      return Error{name + ": mp.ini has no mp_port for this MP (a single MP uses mp_port; an MP "
                   "RAFT group needs a section [" + name + "])"};
    }
  }
  return Status::Ok();
}

Status parse_dmarch_ini(const std::string& text, const std::string& name, ServerConfig& cfg) {
  auto ini = parse_ini(text, name + " dmarch.ini");
  if (!ini.ok()) return ini.error();
  const auto& g = ini->global();
  bool has_local = false;
  cfg.dests.clear();
  for (size_t i = 1; i < ini->sections.size(); ++i) {
    const IniSection& s = ini->sections[i];
    const std::string type = upper(s.get("ARCH_TYPE").value_or(""));
    if (type == "LOCAL") {
      has_local = true;
      continue;
    }
    if (type != "RAFT" && type != "LEARNER") continue;  // other archive kinds are not modelled
    const auto dest = s.get("ARCH_DEST");
    const auto id = ini_int(s.get("ARCH_DEST_ID"));
    if (!dest || dest->empty() || !id) {
      return Error{name + ": dmarch.ini section [" + s.name +
                   "] (ARCH_TYPE = " + type + ") needs ARCH_DEST and ARCH_DEST_ID"};
    }
    if (*dest == name) {
      return Error{name + ": dmarch.ini section [" + s.name + "] names the instance itself"};
    }
    cfg.dests.push_back(RaftDest{*dest, static_cast<int>(*id), type == "LEARNER"});
  }
  if (const auto hb = ini_int(g.get("XMAL_HB_INTERVAL")); hb && *hb > 0) {
    cfg.xmal_hb = static_cast<SimTime>(*hb) * 1000 * kMicrosPerMilli;
  }
  cfg.replica = !cfg.dests.empty();
  if (!cfg.replica) return Status::Ok();
  if (!has_local) {
    return Error{name + ": dmarch.ini has RAFT destinations but no [ARCHIVE_LOCALn] section; a "
                 "RAFT replica needs a local archive"};
  }
  const size_t n = cfg.dests.size();
  if (n % 2 != 0 || n > 8) {
    return Error{name + ": dmarch.ini has " + std::to_string(n) +
                 " RAFT destinations; a RAFT group needs an even number 2..8 (group size odd)"};
  }
  const auto self = ini_int(g.get("RAFT_SELF_ID"));
  if (!self || *self < 1) return Error{name + ": dmarch.ini needs RAFT_SELF_ID (1..n)"};
  cfg.self_id = static_cast<int>(*self);
  for (size_t i = 0; i < n; ++i) {
    if (cfg.dests[i].id == cfg.self_id) {
      return Error{name + ": ARCH_DEST_ID " + std::to_string(cfg.self_id) + " of " +
                   cfg.dests[i].name + " equals this instance's RAFT_SELF_ID"};
    }
    for (size_t j = i + 1; j < n; ++j) {
      if (cfg.dests[i].id == cfg.dests[j].id) {
        return Error{name + ": dmarch.ini gives ARCH_DEST_ID " + std::to_string(cfg.dests[i].id) +
                     " to both " + cfg.dests[i].name + " and " + cfg.dests[j].name};
      }
    }
  }
  cfg.vote_interval = ini_int(g.get("RAFT_VOTE_INTERVAL")).value_or(2000);
  cfg.hb_interval = ini_int(g.get("RAFT_HB_INTERVAL")).value_or(150);
  if (cfg.vote_interval <= 0 || cfg.hb_interval <= 0) {
    return Error{name + ": RAFT_VOTE_INTERVAL and RAFT_HB_INTERVAL must be positive"};
  }
  return Status::Ok();
}

}  // namespace dpc::sim
