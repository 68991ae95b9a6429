// SqlConnector: the seam between RealBackend and a database connection.
//
// OdbcConnector (odbc_connector.h) is the real implementation over unixODBC
// and DM's ODBC driver; tests put a GoogleMock stand-in or an in-process fake
// here. Calls block (a connection attempt may retry until its deadline), so
// RealBackend runs them on its SQL worker thread and posts each completion
// back to its io_context.
//
// Threading: an implementation is used from one thread at a time (the
// backend's single SQL worker); it need not be thread-safe.
#pragma once

#include <string>

#include "core/backend.h"
#include "core/plan.h"
#include "core/result.h"

namespace dpc::real {

class SqlConnector {
 public:
  virtual ~SqlConnector() = default;

  /// Runs one statement as SYSDBA on an endpoint, connecting first if
  /// needed. Rows (with column names) for a query, empty Rows for a call, or
  /// an error carrying SQLSTATE, native code and the server's message, and
  /// naming the instance and address.
  virtual Result<Rows> execute(const SqlEndpoint& at, const std::string& statement) = 0;

  /// Drops every open connection (after a server stopped, say).
  virtual void disconnect_all() {}
};

}  // namespace dpc::real
