// The registration script of a cluster (manual 7.1.4, 7.2.4, 7.3.4): the
// SP_CREATE_DPC_* / SP_*_FAULT_DOMAIN_* calls run on the MP, one statement
// each, in the manual's order, each with a query that proves it was done.
// The plan builder turns each into one chained RunSql step. Pure functions;
// no I/O; no threading concerns.
#pragma once

#include <string>
#include <vector>

#include "core/topology.h"

namespace dpc {

/// One registration statement and how to recognise that it already took effect.
struct RegistrationCall {
  std::string id;           ///< plan step id, e.g. "register:BP11", "create-raft:RAFT_1"
  std::string instance;     ///< the instance registered ("" for groups and domains)
  std::string title;        ///< one line for humans
  std::string statement;    ///< the SQL, ending in ';'
  std::string guard_query;  ///< non-empty result = already done
};

/// A SQL string literal: 'text' with every ' doubled; a control character
/// (refused by validate) is joined in as || CHR(n) || so no literal spans lines.
std::string sql_literal(const std::string& text);

/// SYS_MODE and STATUS an instance is registered with: replicas (of an MP
/// RAFT group or a BP group) 'STANDBY', 0; single MPs and BPs 'NORMAL', 1;
/// SPs 'NORMAL', 2 (manual 7.1.4, 7.2.4). An explicit
/// Instance::register_status replaces the STATUS.
struct RegisteredState {
  std::string sys_mode;
  int status = 0;
};
RegisteredState registered_state(const Topology& topo, const Instance& inst);

/// The 10-argument SP_CREATE_DPC_INSTANCE call for an instance, e.g.
/// `SP_CREATE_DPC_INSTANCE('RAFT_1', 'BP11', 'BP', 6002, 5238, '223.254.30.136',
/// '223.254.30.136', 'STANDBY', 0, 'BP instance');` (NULL as the MP's RAFT).
std::string create_instance_sql(const Topology& topo, const Instance& inst);

/// The whole script in the manual's order: the MPs (the first one, which
/// the script runs on, first); per BP group each RAFT group and its members,
/// then the group and its SP_BP_GROUP_ADD_RAFT calls; BP RAFT groups in no
/// BP group; per SP its RAFT group and itself; every fault domain, then
/// their members.
std::vector<RegistrationCall> registration_script(const Topology& topo);

}  // namespace dpc
