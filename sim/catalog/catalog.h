// The MP catalog of a simulated cluster: the registration procedures of the
// manual's §7.x.4 (SP_CREATE_DPC_RAFT, SP_CREATE_DPC_INSTANCE in its 9- and
// 10-argument forms, SP_CREATE_DPC_BP_GROUP, SP_BP_GROUP_ADD_RAFT,
// SP_CREATE_FAULT_DOMAIN, SP_FAULT_DOMAIN_MV_INST, and the lower-priority
// drops/alters) with their argument checks and order rules, and the tables
// DPC_BP_GROUP, DPC_BP_RAFT, DPC_INSTANCE (plus DPC_FAULT_DOMAIN [model])
// with exactly the ids and values the manual prints.
//
// A Catalog is a value: it lives inside an MP's database image, is copied by
// backup/restore with it, and is updated by the server model when RAFT groups
// elect. Pure logic: no time, no randomness, no I/O. Single-threaded.
// The server model (sim/model/dmserver.h) is its user.
//
// [model] decisions, where the manual is silent:
// - Names (instances, RAFT groups, BP groups, fault domains) compare exactly,
//   as given; keyword values (DPC_MODE, SYS_MODE) are case-insensitive and
//   stored upper-cased.
// - Arguments are typed strictly: an integer parameter takes an integer, a
//   character parameter a '...' string (NULL only where the manual allows it:
//   an MP's RAFT_NAME, IP_EXTER, the DESC arguments, MV_INST's domain).
// - Registering an instance refuses a port (AP or INST) that another
//   registered instance already uses on the same internal IP.
// - Ids are never reused after a drop; INFO1's k is one more than the largest
//   k in the group; an empty BP group prints RAFT_INFO NULL; adding a RAFT to a
//   BP group leaves its printed GROUP_ID at -1, as the manual shows [obs].
// - The MP the session is logged in to cannot drop itself; a RAFT group is
//   dropped only when it has no members and belongs to no BP group.
// - When `self` is empty the first registration must still be an MP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/result.h"
#include "sim/catalog/sql_statement.h"

namespace dpc::sim {

struct CatalogInstance {
  int raft_id = 0;
  int inst_id = 0;            ///< from 4096 in registration order
  std::string name;
  std::string dpc_mode;       ///< "MP", "SP", "BP"
  int xmal_port = 0;          ///< the registered AP_PORT
  int inst_port = 0;
  std::string ip_internal;
  std::string sys_mode;       ///< NORMAL, PRIMARY, STANDBY
  int sys_status = 6;         ///< V$DATABASE.STATUS$ code; 6 (closed) at registration
  int status = 0;             ///< 1 valid, 0 invalid, 2 SP exited normally
  std::string description;
  std::string ip_external;    ///< as shown: the internal IP when registered as ''
  std::optional<int64_t> info1;  ///< k<<16 for the k-th member of a RAFT group; NULL for SP
  std::string fault_domain;   ///< "" when in none
};

struct CatalogRaft {
  int raft_id = 0;   ///< MP_RAFT is 0; others 1, 2, ... in creation order
  int group_id = -1; ///< printed -1 [obs]
  std::string dpc_mode;
  std::string name;
  int is_valid = 1;
};

struct CatalogBpGroup {
  int id = 0;  ///< from 1
  std::string name;
  std::string description;
  std::vector<int> rafts;  ///< member RAFT_IDs in the order added
};

struct CatalogFaultDomain {
  int id = 0;  ///< from 1 [model]
  std::string name;
  std::string description;
};

class Catalog {
 public:
  Catalog();  ///< holds MP_RAFT (RAFT_ID 0) only

  /// Runs a registration procedure called on the MP named `self` (the MP the
  /// session is logged in to). Errors carry DM-style messages that name the
  /// rule broken, e.g. the MP has not registered itself yet.
  Result<Rows> call(const ProcCall& call, const std::string& self);
  /// SELECT on DPC_BP_GROUP, DPC_BP_RAFT, DPC_INSTANCE or DPC_FAULT_DOMAIN,
  /// with the manual's columns in the manual's order.
  Result<Rows> select(const Select& query) const;
  /// Whether `table` (upper-case) is a catalog table served by select():
  /// also the [model] tables DPC_FAULT_DOMAIN(ID, NAME, DESCRIPTION),
  /// DPC_FAULT_DOMAIN_INST(DOMAIN_NAME, INST_NAME) and
  /// DPC_BP_GROUP_RAFT(GROUP_NAME, RAFT_NAME).
  static bool has_table(const std::string& table);
  /// Whether `proc` (upper-case) is a procedure served by call().
  static bool has_procedure(const std::string& proc);

  const CatalogInstance* instance(const std::string& name) const;
  const CatalogRaft* raft(const std::string& name) const;
  const CatalogRaft* raft_by_id(int raft_id) const;
  /// Members of a RAFT group in registration order.
  std::vector<const CatalogInstance*> members(int raft_id) const;
  const std::vector<CatalogInstance>& instances() const { return instances_; }
  const std::vector<CatalogRaft>& rafts() const { return rafts_; }
  const std::vector<CatalogBpGroup>& bp_groups() const { return bp_groups_; }
  const std::vector<CatalogFaultDomain>& fault_domains() const { return fault_domains_; }
  const CatalogBpGroup* bp_group(const std::string& name) const;
  const CatalogFaultDomain* fault_domain(const std::string& name) const;
  /// True once the MP has registered itself (the first SP_CREATE_DPC_INSTANCE).
  bool mp_self_registered() const { return !instances_.empty(); }

  /// The server model reports live state: SYS_MODE, SYS_STATUS and STATUS.
  /// Returns false when no such instance is registered.
  bool set_runtime(const std::string& name, const std::string& sys_mode, int sys_status,
                   int status);

 private:
  // One member per procedure (catalog_procs.cc); `args` are already checked
  // against the procedure's signature (count and types).
  Result<Rows> create_raft(const std::vector<SqlValue>& args);
  Result<Rows> create_instance(const std::vector<SqlValue>& args, const std::string& self);
  Result<Rows> create_bp_group(const std::vector<SqlValue>& args);
  Result<Rows> bp_group_add_raft(const std::vector<SqlValue>& args);
  Result<Rows> create_fault_domain(const std::vector<SqlValue>& args);
  Result<Rows> fault_domain_mv_inst(const std::vector<SqlValue>& args);
  Result<Rows> drop_instance(const std::vector<SqlValue>& args, const std::string& self);
  Result<Rows> drop_raft(const std::vector<SqlValue>& args);
  Result<Rows> drop_bp_group(const std::vector<SqlValue>& args);
  Result<Rows> alter_instance(const std::vector<SqlValue>& args);
  /// The full table, every column, before WHERE and projection.
  Result<Rows> table_rows(const std::string& table) const;
  CatalogInstance* find_instance(const std::string& name);
  CatalogRaft* find_raft(const std::string& name);
  CatalogBpGroup* find_bp_group(const std::string& name);

  std::vector<CatalogInstance> instances_;
  std::vector<CatalogRaft> rafts_;
  std::vector<CatalogBpGroup> bp_groups_;
  std::vector<CatalogFaultDomain> fault_domains_;
  int next_inst_id_ = 4096;
  int next_raft_id_ = 1;
  int next_bp_group_id_ = 1;
  int next_fault_domain_id_ = 1;
};

/// Prints rows the way disql does in the manual: a 行号 (row number) column
/// first, a dashed rule, NULL for nulls, one space between columns, every
/// column padded (by display width: CJK counts 2) to its widest cell, trailing
/// spaces trimmed, each line ending in '\n'. No rows: disql's line 未选定行
/// ("no rows selected"); no columns (a procedure call): "".
std::string format_disql(const Rows& rows);

}  // namespace dpc::sim
