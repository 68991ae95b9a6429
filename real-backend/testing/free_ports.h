// Test helper: a TCP port nothing listens on right now, never the same one
// twice in one test process. The kernel may hand out a port again as soon as
// the probing socket is closed, and two instances of one topology drawing the
// same port made the second fake dmserver fail to listen (a flaky CI run).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

namespace dpc::real::testing {

inline int free_port() {
  static std::set<int> given;
  for (;;) {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(s);
    const int port = ntohs(addr.sin_port);
    if (given.insert(port).second) return port;
  }
}

}  // namespace dpc::real::testing
