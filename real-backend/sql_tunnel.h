// TunnelingSqlConnector: SQL to the instances of some hosts through SSH
// local forwards, for clusters whose DM ports the control machine cannot
// reach (a firewall that lets only ssh through). A host whose SSH settings
// say sql_via "tunnel" gets, the first time SQL goes to one of its
// instances, a forward 127.0.0.1:<free port> -> <instance address>:<PORT_NUM>
// on that host's ControlMaster connection (`ssh -O forward -L`); the
// statement then goes to the local end through the wrapped connector (ODBC).
// Other hosts' SQL passes straight through. Forwards are reused, opened
// again when the master connection went away, and cancelled (`ssh -O
// cancel`) when the connector is destroyed.
//
// make_sql_connector() builds what RealBackend::create uses: the ODBC
// connector, wrapped when any host tunnels.
//
// Threading: like every SqlConnector, one thread at a time (RealBackend's
// SQL worker). It keeps its own SshTransports (they share the masters'
// sockets with the backend's, which hold no state).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "real-backend/host_transport.h"
#include "real-backend/real_config.h"
#include "real-backend/sql_connector.h"

namespace dpc::real {

class TunnelingSqlConnector final : public SqlConnector {
 public:
  /// `tunnels`: the hosts whose SQL is tunnelled, each with its transport.
  TunnelingSqlConnector(std::unique_ptr<SqlConnector> inner,
                        std::map<std::string, std::shared_ptr<SshTransport>> tunnels);
  ~TunnelingSqlConnector() override;
  TunnelingSqlConnector(const TunnelingSqlConnector&) = delete;
  TunnelingSqlConnector& operator=(const TunnelingSqlConnector&) = delete;

  Result<Rows> execute(const SqlEndpoint& at, const std::string& statement) override;
  void disconnect_all() override;

  /// The local ports of the open forwards, by "host:port" (tests).
  std::map<std::string, int> forwards() const;

 private:
  struct Forward {
    std::shared_ptr<SshTransport> via;
    std::string addr;
    int port = 0;
    int local_port = 0;
  };
  Result<Forward*> forward_for(const SqlEndpoint& at);
  void cancel(const std::string& key);

  std::unique_ptr<SqlConnector> inner_;
  std::map<std::string, std::shared_ptr<SshTransport>> tunnels_;
  std::map<std::string, Forward> forwards_;  ///< by "host:port"
};

/// A free TCP port on 127.0.0.1 (bound and released), or 0.
int free_local_port();

/// The SQL connector of a config: OdbcConnector, wrapped by a
/// TunnelingSqlConnector when a host's SSH settings say sql_via "tunnel".
std::unique_ptr<SqlConnector> make_sql_connector(const RealConfig& config, Secret password);

}  // namespace dpc::real
