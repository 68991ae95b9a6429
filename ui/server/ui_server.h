// UiServer: the HTTP side of `dpcctl ui`, on Boost.Beast over one Asio
// io_context run by one thread. It serves the embedded page (assets.h), passes
// /api/ requests through the access checks (access.h) to the Api (api.h),
// keeps Server-Sent Events streams (/api/stream) that get every new event in
// batches, and ticks the simulator's clock. Because the Api, its SimDriver
// and the simulator are touched only from handlers of this one io_context,
// the single-threaded simulator needs no lock.
//
//   asio::io_context io;
//   Api api(config, topo, text);
//   UiServer server(io, options, api);
//   auto port = server.listen();   // the bound port (0 in options = any free one)
//   io.run();
#pragma once

#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio.hpp>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "core/result.h"
#include "ui/server/access.h"
#include "ui/server/api.h"

namespace dpc::ui {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;   ///< 0: any free port
  std::string token;      ///< required on /api/ when not empty
  int tick_ms = 50;       ///< how often the simulator's clock moves
};

class SseStream;

class UiServer {
 public:
  UiServer(boost::asio::io_context& io, ServerOptions options, Api& api);
  ~UiServer();

  /// Binds and starts accepting; the port bound, or why not.
  Result<uint16_t> listen();
  /// "http://127.0.0.1:8080/" (with ?token= when one is required).
  std::string url() const;
  /// Stops accepting, closes streams, cancels the tick: io.run() returns once idle.
  void stop();

  // Used by the connection handlers (ui_server.cc).
  Api& api() { return api_; }
  const AccessPolicy& policy() const { return policy_; }
  void add_stream(const std::shared_ptr<SseStream>& s);

 private:
  void accept();
  void schedule_tick();
  void flush_streams();

  boost::asio::io_context& io_;
  ServerOptions options_;
  Api& api_;
  AccessPolicy policy_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer tick_;
  std::set<std::shared_ptr<SseStream>> streams_;
  bool flush_pending_ = false;
  uint64_t ticks_ = 0;
  bool stopped_ = false;
  uint16_t port_ = 0;
  std::string shown_;  ///< the address as the URL shows it
};

}  // namespace dpc::ui
