// The stand-in dmserver's SQL service: DpcSqlModel (the answers FakeDpcSql
// gives in-process) served over the PostgreSQL v3 protocol on the server's
// PORT_NUM (fake_pg_wire.h), so dpcctl reaches it through a real ODBC driver
// over the network. Test-only.
//
// The model needs the cluster as dpcctl means it: the stand-in reads a
// topology file named dpc-fake-cluster.json in its database directory or
// the nearest directory above it (tests write one; without it every
// statement fails, naming the file). It learns whether its peers run by
// asking them over the network (fake_pg_wire.h's liveness question to each
// instance's host and PORT_NUM, with a short timeout); itself it knows. The
// DPC catalog lives in the MP that takes the registration calls and is kept
// in <DAMENG>/fake.catalog, so it survives a restart.
//
// Threading: one thread per connection (detached); a mutex serialises the
// model. Answering a liveness question takes no lock, so two servers that
// ask each other at once do not wait on each other.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "real-backend/testing/dpc_sql_model.h"

namespace fake {

constexpr const char kClusterFile[] = "dpc-fake-cluster.json";

class SqlService {
 public:
  /// For the server of `instance` whose database is in `dameng_dir`.
  SqlService(std::string dameng_dir, std::string instance, bool mount);
  /// Serves an accepted connection on its own thread.
  void serve(int fd);

 private:
  dpc::Result<dpc::Rows> execute(const std::string& statement);

  std::string dir_;
  std::string instance_;
  std::string live_line_;
  std::string problem_;  ///< why there is no model ("" when there is one)
  std::mutex mu_;
  std::unique_ptr<dpc::real::testing::DpcSqlModel> model_;
};

/// Asks the server at host:port whether it runs as `instance` (the
/// liveness question of fake_pg_wire.h), waiting at most `timeout_ms`.
dpc::real::testing::LiveState probe_peer(const std::string& host, int port, const std::string& instance,
                                         int timeout_ms);

}  // namespace fake
