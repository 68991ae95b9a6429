#include "ui/server/access.h"

#include <random>

namespace dpc::ui {

bool is_loopback(const std::string& address) {
  return address == "localhost" || address == "::1" || address == "[::1]" ||
         address.rfind("127.", 0) == 0;
}

std::string generate_token() {
  std::random_device rd;
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) out += kHex[rd() % 16];
  return out;
}

bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;  // the length is no secret
  unsigned diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string check_access(const AccessPolicy& policy, const RequestFacts& r) {
  // Without a token (loopback) the Host must be this server's own name, so a
  // page on another name cannot reach it through DNS rebinding. With a token
  // (any other address, e.g. 0.0.0.0 reached by the machine's own name) the
  // token guards the API and any Host is accepted.
  if (policy.token.empty() && policy.hosts.count(r.host) == 0) {
    return "Host '" + r.host + "' is not this console's address; open the URL dpcctl ui printed";
  }
  const bool changes = r.method != "GET" && r.method != "HEAD";
  if (changes && !r.origin.empty() && r.origin != "http://" + r.host) {
    return "Origin '" + r.origin + "' is not this console; requests that change the cluster must come from its own page";
  }
  if (!policy.token.empty() && r.api && !same_secret(r.token, policy.token)) {
    return "missing or wrong access token; open the URL dpcctl ui printed (it carries ?token=)";
  }
  return "";
}

}  // namespace dpc::ui
