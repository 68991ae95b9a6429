// OdbcConnector: SQL over unixODBC — the real SqlConnector.
//
// Connects through DM's ODBC driver (`DM8 ODBC DRIVER` as registered in
// odbcinst.ini, a driver library path such as $DM_HOME/bin/libdodbc.so, or a
// DSN) with SERVER, TCP_PORT, UID and PWD, or through any other driver with
// a connection-string template (OdbcSettings::connection, e.g. Debian's
// PostgreSQL driver, which the multi-host test uses against the stand-ins);
// keeps one connection per endpoint; retries connecting until a deadline while a server starts; turns
// ODBC diagnostics into errors carrying SQLSTATE, native code and message.
// The same code runs against any ODBC driver: the tests drive it through the
// real driver manager and Debian's SQLite3 ODBC driver.
//
// Threading: one thread at a time (RealBackend's SQL worker). The password
// is only placed in the connection string handed to SQLDriverConnect and is
// scrubbed from every message.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "real-backend/real_config.h"
#include "real-backend/secret.h"
#include "real-backend/sql_connector.h"

namespace dpc::real {

struct OdbcSettings {
  std::string driver = "DM8 ODBC DRIVER";  ///< registered name, or a driver library path
  std::string dsn;                         ///< wins over driver when set
  std::string uid = "SYSDBA";
  std::string extra;                       ///< more "KEY=VALUE;" attributes
  /// The connection string with %DRIVER%, %HOST%, %PORT%, %UID% and %PWD%
  /// replaced (each value braced where ODBC needs it; %DRIVER% is the bare
  /// name, to be written inside {}); "" = DM's own (DRIVER or DSN, SERVER,
  /// TCP_PORT, UID, PWD).
  std::string connection;
  Millis connect_timeout_ms = 30000;       ///< retry connecting this long
  Millis connect_retry_ms = 500;
  int login_timeout_s = 5;                 ///< one attempt (SQL_ATTR_LOGIN_TIMEOUT)
};

/// The ODBC settings of a config. When the driver is the default name and is
/// not registered with unixODBC but <dm_home>/bin/libdodbc.so exists, that
/// library is used directly.
OdbcSettings odbc_settings(const RealConfig& config);

/// "DRIVER={...};SERVER=host;TCP_PORT=port;UID=...;PWD=...;" (or DSN=...),
/// values braced where ODBC needs it, or the `connection` template filled
/// in; then `extra`. Contains the password: never log it.
std::string odbc_connection_string(const OdbcSettings& settings, const SqlEndpoint& at,
                                   const Secret& password);

/// One ODBC diagnostic record.
struct OdbcDiag {
  std::string sqlstate;
  int native = 0;
  std::string message;
};
/// "[SQLSTATE 42S02, native -2106] message; ..." for an error text.
std::string format_diags(const std::vector<OdbcDiag>& diags);

/// Whether the configured driver can be loaded: a DSN or name is looked up
/// through odbcinst, and the library is opened with dlopen. Returns what was
/// loaded ("DM8 ODBC DRIVER -> /opt/dm/bin/libdodbc.so"), or an error that
/// says how to register the driver or point dpcctl at it.
Result<std::string> check_odbc_driver(const OdbcSettings& settings);

/// An error text when a connection-string template is unusable (names an
/// unknown %WORD%, or lacks %HOST% or %PORT%); "" when it is fine.
std::string check_connection_template(const std::string& connection);

class OdbcConnector final : public SqlConnector {
 public:
  OdbcConnector(OdbcSettings settings, Secret password);
  ~OdbcConnector() override;
  OdbcConnector(const OdbcConnector&) = delete;
  OdbcConnector& operator=(const OdbcConnector&) = delete;

  Result<Rows> execute(const SqlEndpoint& at, const std::string& statement) override;
  void disconnect_all() override;

 private:
  struct Connection;
  Result<Connection*> connection(const SqlEndpoint& at);
  Result<Rows> run(Connection& conn, const SqlEndpoint& at, const std::string& statement,
                   bool* connection_lost);
  std::string where(const SqlEndpoint& at) const;

  OdbcSettings settings_;
  Secret password_;
  void* env_ = nullptr;  ///< SQLHENV
  std::map<std::string, std::unique_ptr<Connection>> connections_;  ///< by host:port
};

}  // namespace dpc::real
