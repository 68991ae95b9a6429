// FakeDpcSql: an in-process SqlConnector that answers DM's SQL the way a
// deployment sees it, for integration tests that run the stand-in DM tools
// (fakes/) through RealBackend. Test-only.
//
// The stand-in dmserver cannot answer SQL, so this fake reads the state the
// stand-ins leave on disk (<path>/DAMENG/fake.state: pid, OPEN or MOUNT) to
// know which servers are up, and models the rest:
//   - the MP's catalog: SP_CREATE_DPC_RAFT / SP_CREATE_DPC_INSTANCE /
//     SP_CREATE_DPC_BP_GROUP / SP_BP_GROUP_ADD_RAFT / SP_CREATE_FAULT_DOMAIN /
//     SP_FAULT_DOMAIN_MV_INST with the MP-registers-itself-first rule,
//     SP_DROP_DPC_INSTANCE / SP_DROP_DPC_RAFT, SP_ADD_RAFT_NODE on a BP, and
//     SELECTs of DPC_INSTANCE, DPC_BP_RAFT, DPC_BP_GROUP and friends (the
//     registration guards and the registration check);
//   - V$INSTANCE (INSTANCE_NAME, STATUS$, MODE$): a MOUNT-started RAFT
//     member is PRIMARY/OPEN when it has the lowest RAFT_VOTE_INTERVAL of the
//     members up and a majority is up, STANDBY/OPEN beside such a leader, and
//     STANDBY/MOUNT without one; an SP lists every instance;
//   - `SELECT 1 FROM DUAL` on an SP fails with 无效的系统状态 until the
//     cluster is healthy;
//   - a server that is down refuses the connection (SQLSTATE 08001).
// It also notes rule violations it can see: an SP or BP running before it
// was registered.
//
// Threading: called on RealBackend's SQL worker; the inspection methods may
// be called from the test thread (a mutex guards the state).
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/topology.h"
#include "real-backend/sql_connector.h"

namespace dpc::real::testing {

class FakeDpcSql final : public SqlConnector {
 public:
  explicit FakeDpcSql(Topology topology);

  Result<Rows> execute(const SqlEndpoint& at, const std::string& statement) override;

  /// The cluster as it is now meant to be (after a scale-out or scale-in):
  /// which instances health and V$INSTANCE count.
  void set_topology(Topology topology);

  /// Every statement executed, as "<instance>: <statement>".
  std::vector<std::string> statements() const;
  /// Rule violations seen ("BP12 was running before it was registered").
  std::vector<std::string> violations() const;
  /// Names registered in DPC_INSTANCE, in registration order.
  std::vector<std::string> registered() const;

 private:
  struct Live {
    bool up = false;
    std::string status;  ///< OPEN or MOUNT as started
    bool mount = false;
  };
  Live live(const Instance& inst) const;
  /// STATUS$ and MODE$ of an instance now.
  std::pair<std::string, std::string> state_of(const Instance& inst) const;
  bool healthy(std::string* why) const;
  void check_rules();
  Result<Rows> catalog_call(const Instance& on, const std::string& upper, const std::string& statement);
  Result<Rows> catalog_select(const Instance& on, const std::string& upper, const std::string& statement);

  Topology topo_;
  mutable std::mutex mu_;
  std::vector<std::string> statements_;
  std::vector<std::string> violations_;
  std::vector<std::string> instances_;  ///< registered, in order
  std::vector<std::string> rafts_;      ///< created, in order (MP_RAFT first once the MP registered)
  std::vector<std::string> groups_;
  std::set<std::pair<std::string, std::string>> group_rafts_;
  std::vector<std::string> domains_;
  std::set<std::pair<std::string, std::string>> domain_insts_;
};

}  // namespace dpc::real::testing
