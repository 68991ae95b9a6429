// FakeDpcSql: an in-process SqlConnector that answers DM's SQL the way a
// deployment sees it, for integration tests that run the stand-in DM tools
// (fakes/) through RealBackend on this machine. Test-only.
//
// The answers are DpcSqlModel's (dpc_sql_model.h: the catalog, V$INSTANCE,
// health), the same model the stand-in dmserver serves over the network.
// Here it learns which servers are up from the state the stand-ins leave on
// disk (<path>/DAMENG/fake.state: pid, OPEN or MOUNT); a server that is down
// refuses the connection (SQLSTATE 08001). It also notes rule violations it
// can see: an SP or BP running before it was registered.
//
// Threading: called on RealBackend's SQL worker; the inspection methods may
// be called from the test thread (a mutex guards the state).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "core/topology.h"
#include "real-backend/sql_connector.h"
#include "real-backend/testing/dpc_sql_model.h"

namespace dpc::real::testing {

/// Whether the instance's stand-in server runs, from its fake.state on disk.
LiveState live_on_disk(const Instance& inst);

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
  mutable std::mutex mu_;
  DpcSqlModel model_;
  std::vector<std::string> statements_;
};

}  // namespace dpc::real::testing
