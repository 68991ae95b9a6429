// Who may use the console: the checks every request passes before the API
// sees it. The server listens on loopback by default; on any other address an
// access token is required (generated unless given). Without a token a
// request must name this server in Host (no DNS rebinding); requests that
// change anything must come from the page's own origin (Origin equal to
// http://<Host>) when the browser sends an Origin; and with a token every API
// request carries it (header X-Dpcctl-Token, or ?token= for the event stream,
// which a browser's EventSource cannot give headers).
// Pure functions and plain data; no threading concerns.
#pragma once

#include <set>
#include <string>

namespace dpc::ui {

struct AccessPolicy {
  std::string token;               ///< "" = none required (loopback only)
  std::set<std::string> hosts;     ///< accepted Host values without a token ("127.0.0.1:8080", ...)
};

struct RequestFacts {
  std::string method;
  std::string host;        ///< Host header
  std::string origin;      ///< Origin header ("" when absent)
  std::string token;       ///< X-Dpcctl-Token header, or the token= query parameter
  bool api = false;        ///< under /api/
};

/// "" when the request may proceed; else why not (the answer is 403).
std::string check_access(const AccessPolicy& policy, const RequestFacts& request);

/// Whether an address is loopback (127.0.0.0/8, ::1, localhost).
bool is_loopback(const std::string& address);

/// 32 random hex characters from the system's random device.
std::string generate_token();

/// Compares without leaking where the first difference is.
bool same_secret(const std::string& a, const std::string& b);

}  // namespace dpc::ui
