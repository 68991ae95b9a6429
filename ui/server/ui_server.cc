#include "ui/server/ui_server.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>

#include "ui/server/assets.h"

namespace dpc::ui {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kBodyLimit = 4 * 1024 * 1024;  ///< a topology or command is far smaller

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// "/api/plan?format=sh&stop=1" -> path and decoded query.
void split_target(const std::string& target, std::string& path, std::map<std::string, std::string>& query) {
  const size_t q = target.find('?');
  path = target.substr(0, q);
  if (q == std::string::npos) return;
  std::string rest = target.substr(q + 1);
  size_t start = 0;
  while (start <= rest.size()) {
    size_t amp = rest.find('&', start);
    if (amp == std::string::npos) amp = rest.size();
    const std::string pair = rest.substr(start, amp - start);
    const size_t eq = pair.find('=');
    if (!pair.empty()) {
      query[url_decode(pair.substr(0, eq))] = eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1));
    }
    start = amp + 1;
  }
}

}  // namespace

/// One Server-Sent Events stream: after its header, each flush writes the
/// events the page has not seen yet as one `data:` line holding a JSON array.
class SseStream : public std::enable_shared_from_this<SseStream> {
 public:
  SseStream(beast::tcp_stream stream, uint64_t since) : stream_(std::move(stream)), seen_(since) {}

  void start() {
    pending_ = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
               "X-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\n: dpcctl events\n\n";
    write_more();
  }

  /// Queues the events after those already sent.
  void flush(SimDriver& driver) {
    if (closed_) return;
    while (driver.last_seq() > seen_) {
      nlohmann::json batch = driver.events_since(seen_, 500);
      if (batch.empty()) break;
      seen_ = batch.back()["seq"].get<uint64_t>();
      pending_ += "id: " + std::to_string(seen_) + "\ndata: " + batch.dump() + "\n\n";
    }
    write_more();
  }

  void ping() {
    pending_ += ": ping\n\n";
    write_more();
  }

  void close() {
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }
  bool closed() const { return closed_; }

 private:
  void write_more() {
    if (writing_ || pending_.empty() || closed_) return;
    writing_ = true;
    sending_.swap(pending_);
    pending_.clear();
    auto self = shared_from_this();
    stream_.expires_never();
    asio::async_write(stream_.socket(), asio::buffer(sending_), [self](beast::error_code ec, size_t) {
      self->writing_ = false;
      if (ec) {
        self->closed_ = true;
        return;
      }
      self->write_more();
    });
  }

  beast::tcp_stream stream_;
  uint64_t seen_;
  std::string pending_, sending_;
  bool writing_ = false;
  bool closed_ = false;
};

/// One HTTP/1.1 connection: read a request, answer it, repeat; or hand the
/// socket to an SseStream.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, UiServer& server) : stream_(std::move(socket)), server_(server) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(std::chrono::seconds(60));
    auto self = shared_from_this();
    http::async_read(stream_, buffer_, *parser_, [self](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->answer(self->parser_->release());
    });
  }

 private:
  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  void answer(http::request<http::string_body> req) {
    ApiRequest r;
    r.method = std::string(req.method_string());
    split_target(std::string(req.target()), r.path, r.query);
    r.body = std::move(req.body());
    const bool api = r.path.rfind("/api/", 0) == 0;

    RequestFacts facts;
    facts.method = r.method;
    facts.host = std::string(req[http::field::host]);
    facts.origin = std::string(req[http::field::origin]);
    facts.token = std::string(req["X-Dpcctl-Token"]);
    if (facts.token.empty() && r.query.count("token")) facts.token = r.query["token"];
    facts.api = api;
    const std::string refused = check_access(server_.policy(), facts);

    ApiResponse out;
    if (!refused.empty()) {
      out = json_error(403, refused);
    } else if (api && r.path == "/api/stream" && r.method == "GET") {
      return start_stream(r);
    } else if (api) {
      try {
        out = server_.api().handle(r);
      } catch (const std::exception& e) {  // e.g. a JSON field of the wrong type
        out = json_error(400, std::string("bad request: ") + e.what(), "see docs/ui.md for each call's fields");
      }
    } else {
      out = asset(r);
    }
    send(req.version(), req.keep_alive(), std::move(out));
  }

  static ApiResponse asset(const ApiRequest& r) {
    const auto& assets = web_assets();
    const std::string path = r.path == "/" ? "/index.html" : r.path;
    auto it = assets.find(path);
    ApiResponse out;
    if (it == assets.end() || (r.method != "GET" && r.method != "HEAD")) {
      out.status = 404;
      out.content_type = "text/plain; charset=utf-8";
      out.body = "not found: " + r.path + "\n";
      return out;
    }
    out.content_type = std::string(content_type_of(path));
    out.body = std::string(it->second);
    return out;
  }

  void start_stream(const ApiRequest& r) {
    SimDriver* driver = server_.api().sim();
    if (!driver) {
      send(11, false, json_error(409, "no live simulated cluster to stream"));
      return;
    }
    uint64_t since = 0;
    try {
      since = std::stoull(r.query.count("since") ? r.query.at("since") : "0");
    } catch (...) {
      send(11, false, json_error(400, "since must be a whole number"));
      return;
    }
    auto sse = std::make_shared<SseStream>(std::move(stream_), since);
    sse->start();
    server_.add_stream(sse);
    sse->flush(*driver);
  }

  void send(unsigned version, bool keep_alive, ApiResponse out) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(out.status), version);
    res->set(http::field::server, "dpcctl");
    res->set(http::field::content_type, out.content_type);
    res->set(http::field::cache_control, "no-store");
    res->set("X-Content-Type-Options", "nosniff");
    res->set("X-Frame-Options", "DENY");
    res->set("Content-Security-Policy",
             "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'");
    if (!out.download_name.empty()) {
      res->set(http::field::content_disposition, "attachment; filename=\"" + out.download_name + "\"");
    }
    res->keep_alive(keep_alive);
    res->body() = std::move(out.body);
    res->prepare_payload();
    auto self = shared_from_this();
    http::async_write(stream_, *res, [self, res](beast::error_code ec, size_t) {
      if (ec || !res->keep_alive()) return self->close();
      self->read();
    });
  }

  beast::tcp_stream stream_;
  UiServer& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

UiServer::UiServer(asio::io_context& io, ServerOptions options, Api& api)
    : io_(io), options_(std::move(options)), api_(api), acceptor_(io), tick_(io) {
  policy_.token = options_.token;
  api_.on_events = [this] {
    if (flush_pending_ || stopped_) return;
    flush_pending_ = true;
    asio::post(io_, [this] { flush_streams(); });  // batch: one flush for many events
  };
  api_.on_reset = [this] {
    for (auto& s : streams_) s->close();
    streams_.clear();
  };
}

UiServer::~UiServer() {
  api_.on_events = nullptr;
  api_.on_reset = nullptr;
}

Result<uint16_t> UiServer::listen() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(options_.address == "localhost" ? "127.0.0.1" : options_.address, ec);
  if (ec) return make_error("--listen: '" + options_.address + "' is not an IP address (e.g. 127.0.0.1)");
  tcp::endpoint ep(address, options_.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error("cannot listen on " + options_.address + ":" + std::to_string(options_.port) + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  const std::string p = ":" + std::to_string(port_);
  const std::string shown = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  shown_ = shown == "localhost" ? "127.0.0.1" : shown;
  policy_.hosts = {shown + p};
  if (is_loopback(options_.address)) policy_.hosts.insert({"localhost" + p, "127.0.0.1" + p});
  accept();
  schedule_tick();
  return port_;
}

std::string UiServer::url() const {
  std::string u = "http://" + shown_ + ":" + std::to_string(port_) + "/";
  if (!options_.token.empty()) u += "?token=" + options_.token;
  return u;
}

void UiServer::accept() {
  acceptor_.async_accept(io_, [this](beast::error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (!ec) std::make_shared<HttpSession>(std::move(socket), *this)->read();
    accept();
  });
}

void UiServer::schedule_tick() {
  tick_.expires_after(std::chrono::milliseconds(options_.tick_ms));
  tick_.async_wait([this](beast::error_code ec) {
    if (ec || stopped_) return;
    if (SimDriver* d = api_.sim()) d->tick(options_.tick_ms);
    if (++ticks_ % std::max(1, 15000 / options_.tick_ms) == 0) {
      // A comment line on each stream: a browser that went away shows as a failed write.
      for (auto it = streams_.begin(); it != streams_.end();) {
        if ((*it)->closed()) {
          it = streams_.erase(it);
        } else {
          (*it)->ping();
          ++it;
        }
      }
    }
    schedule_tick();
  });
}

void UiServer::add_stream(const std::shared_ptr<SseStream>& s) { streams_.insert(s); }

void UiServer::flush_streams() {
  flush_pending_ = false;
  SimDriver* d = api_.sim();
  for (auto it = streams_.begin(); it != streams_.end();) {
    if ((*it)->closed()) {
      it = streams_.erase(it);
      continue;
    }
    if (d) (*it)->flush(*d);
    ++it;
  }
}

void UiServer::stop() {
  stopped_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  tick_.cancel();
  for (auto& s : streams_) s->close();
  streams_.clear();
}

}  // namespace dpc::ui
