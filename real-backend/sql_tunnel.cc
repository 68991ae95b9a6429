#include "real-backend/sql_tunnel.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "real-backend/local_host.h"
#include "real-backend/odbc_connector.h"

namespace dpc::real {

int free_local_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

TunnelingSqlConnector::TunnelingSqlConnector(std::unique_ptr<SqlConnector> inner,
                                             std::map<std::string, std::shared_ptr<SshTransport>> tunnels)
    : inner_(std::move(inner)), tunnels_(std::move(tunnels)) {}

TunnelingSqlConnector::~TunnelingSqlConnector() {
  inner_->disconnect_all();
  while (!forwards_.empty()) cancel(forwards_.begin()->first);
}

void TunnelingSqlConnector::cancel(const std::string& key) {
  auto it = forwards_.find(key);
  if (it == forwards_.end()) return;
  it->second.via->cancel_forward(it->second.local_port, it->second.addr, it->second.port);
  forwards_.erase(it);
}

Result<TunnelingSqlConnector::Forward*> TunnelingSqlConnector::forward_for(const SqlEndpoint& at) {
  const std::string key = at.host + ":" + std::to_string(at.port);
  if (auto it = forwards_.find(key); it != forwards_.end()) return &it->second;
  Forward f;
  f.via = tunnels_.at(at.host);
  f.addr = at.host;
  f.port = at.port;
  // A port just released may be taken by someone else before ssh binds it: try a few.
  Status opened = Error{"no free local port for an SSH tunnel"};
  for (int attempt = 0; attempt < 3 && !opened; ++attempt) {
    f.local_port = free_local_port();
    if (f.local_port == 0) continue;
    opened = f.via->forward(f.local_port, f.addr, f.port);
  }
  if (!opened) {
    return Error{"cannot reach " + (at.instance.empty() ? std::string("the server") : at.instance) + " at " + key +
                 " through an SSH tunnel (sql_via \"tunnel\"): " + opened.message()};
  }
  return &(forwards_[key] = f);
}

Result<Rows> TunnelingSqlConnector::execute(const SqlEndpoint& at, const std::string& statement) {
  if (!tunnels_.count(at.host)) return inner_->execute(at, statement);
  for (int round = 0;; ++round) {
    auto f = forward_for(at);
    if (!f) return f.error();
    SqlEndpoint local = at;
    local.instance = (at.instance.empty() ? std::string("the server") : at.instance) + " (" + at.host + ":" +
                     std::to_string(at.port) + " through an SSH tunnel)";
    local.host = "127.0.0.1";
    local.port = (*f)->local_port;
    auto rows = inner_->execute(local, statement);
    // The master connection (and the forward with it) went away: open it again once.
    if (rows || round > 0 || (*f)->via->master_alive()) return rows;
    forwards_.erase(at.host + ":" + std::to_string(at.port));
  }
}

void TunnelingSqlConnector::disconnect_all() { inner_->disconnect_all(); }

std::map<std::string, int> TunnelingSqlConnector::forwards() const {
  std::map<std::string, int> out;
  for (const auto& [key, f] : forwards_) out[key] = f.local_port;
  return out;
}

std::unique_ptr<SqlConnector> make_sql_connector(const RealConfig& config, Secret password) {
  std::unique_ptr<SqlConnector> odbc = std::make_unique<OdbcConnector>(odbc_settings(config), std::move(password));
  std::map<std::string, std::shared_ptr<SshTransport>> tunnels;
  std::set<std::string> hosts;
  for (const auto& [instance, host] : config.instance_hosts) hosts.insert(host);
  for (const std::string& host : hosts) {
    if (is_local_host(host)) continue;
    SshOptions o = ssh_options_for(config, host);
    if (o.sql_tunnel) tunnels[host] = std::make_shared<SshTransport>(host, o);
  }
  if (tunnels.empty()) return odbc;
  return std::make_unique<TunnelingSqlConnector>(std::move(odbc), std::move(tunnels));
}

}  // namespace dpc::real
