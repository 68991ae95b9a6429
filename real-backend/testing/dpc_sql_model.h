// DpcSqlModel: the answers the stand-ins give to the SQL dpcctl sends to DM
// (registration, health, status), written once and used two ways:
//   - in-process by FakeDpcSql (fake_dpc_sql.h), the SqlConnector of the
//     single-host integration tests, which learns which servers are up from
//     the state files the stand-in dmserver leaves on disk;
//   - over the network by the stand-in dmserver itself (fakes/fake_dmserver.cc
//     with fakes/fake_pg_wire.h), which speaks the PostgreSQL v3 protocol on
//     its PORT_NUM so a real ODBC driver (Debian's psqlodbc) reaches it, and
//     learns whether its peers are up by asking them over the network.
// Test-only code.
//
// What it models:
//   - the MP's catalog: SP_CREATE_DPC_RAFT / SP_CREATE_DPC_INSTANCE /
//     SP_CREATE_DPC_BP_GROUP / SP_BP_GROUP_ADD_RAFT / SP_CREATE_FAULT_DOMAIN /
//     SP_FAULT_DOMAIN_MV_INST with the MP-registers-itself-first rule,
//     SP_DROP_DPC_INSTANCE / SP_DROP_DPC_RAFT, SP_ADD_RAFT_NODE on a BP, and
//     SELECTs of DPC_INSTANCE, DPC_BP_RAFT, DPC_BP_GROUP and friends;
//   - V$INSTANCE (INSTANCE_NAME, STATUS$, MODE$): a MOUNT-started RAFT
//     member is PRIMARY/OPEN when it has the lowest RAFT_VOTE_INTERVAL of the
//     members up and a majority is up, STANDBY/OPEN beside such a leader, and
//     STANDBY/MOUNT without one; an SP lists every instance; V$RAFT_INFO;
//   - `SELECT 1 FROM DUAL` on an SP fails with 无效的系统状态 until the
//     cluster is healthy.
// Errors are texts "[SQLSTATE <state>, native <code>] <message>" (sql_error).
//
// Threading: none; callers serialise (FakeDpcSql and the stand-in hold a mutex).
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/result.h"
#include "core/topology.h"

namespace dpc::real::testing {

/// Whether an instance's server runs, and how it was started.
struct LiveState {
  bool up = false;
  bool mount = false;  ///< started MOUNT (a RAFT member waiting for its group)
};

/// "[SQLSTATE <state>, native <native>] <message>"
Error sql_error(const std::string& state, int native, const std::string& message);
/// Splits such a text back into its parts; false when it is not one.
bool parse_sql_error(const std::string& text, std::string* state, int* native, std::string* message);

class DpcSqlModel {
 public:
  using Probe = std::function<LiveState(const Instance&)>;
  DpcSqlModel(Topology topology, Probe probe);

  /// The cluster as it is now meant to be (after a scale-out or scale-in).
  void set_topology(Topology topology);
  const Topology& topology() const { return topo_; }
  /// The instance listening on host:port (the same port on several hosts
  /// is told apart by the host; a lone match by port is taken otherwise).
  const Instance* instance_at(const std::string& host, int port) const;

  /// Runs one statement on `on`, whose server runs. Each instance is
  /// probed at most once per statement.
  Result<Rows> execute(const Instance& on, const std::string& statement);

  /// Notes "X was running before it was registered" for every SP or BP up
  /// and not yet in DPC_INSTANCE (probes every instance).
  void check_rules();
  const std::vector<std::string>& violations() const { return violations_; }
  /// Names registered in DPC_INSTANCE, in registration order.
  const std::vector<std::string>& registered() const { return instances_; }

  /// The catalog as text (one "kind<TAB>a<TAB>b" line per row), and back:
  /// the stand-in keeps it beside its database so it survives a restart.
  std::string save_catalog() const;
  void load_catalog(const std::string& text);

 private:
  LiveState live(const Instance& inst);
  /// STATUS$ and MODE$ of an instance now ("" when it is down).
  std::pair<std::string, std::string> state_of(const Instance& inst);
  bool healthy(std::string* why);
  Result<Rows> catalog_call(const Instance& on, const std::string& upper, const std::string& statement);
  Result<Rows> catalog_select(const Instance& on, const std::string& upper, const std::string& statement);

  Topology topo_;
  Probe probe_;
  std::map<std::string, LiveState> seen_;  ///< probes of the statement being run
  std::vector<std::string> violations_;
  std::vector<std::string> instances_;  ///< registered, in order
  std::vector<std::string> rafts_;      ///< created, in order (MP_RAFT first once the MP registered)
  std::vector<std::string> groups_;
  std::set<std::pair<std::string, std::string>> group_rafts_;
  std::vector<std::string> domains_;
  std::set<std::pair<std::string, std::string>> domain_insts_;
};

}  // namespace dpc::real::testing
