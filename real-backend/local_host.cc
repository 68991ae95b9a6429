#include "real-backend/local_host.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

namespace dpc::real {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string address_text(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

}  // namespace

bool is_local_host(const std::string& host_in) {
  const std::string host = lower(host_in);
  if (host.empty() || host == "localhost" || host == "localhost.localdomain" || host == "::1") return true;
  if (host.rfind("127.", 0) == 0) return true;

  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) == 0) {
    std::string self = lower(name);
    if (host == self || self.rfind(host + ".", 0) == 0 || host.rfind(self + ".", 0) == 0) return true;
  }

  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* it = list; it != nullptr && !found; it = it->ifa_next) {
    if (it->ifa_addr == nullptr) continue;
    std::string addr = address_text(it->ifa_addr);
    if (!addr.empty() && lower(addr) == host) found = true;
  }
  ::freeifaddrs(list);
  return found;
}

std::string proc_cmdline(int pid) {
  // POSIX reads: a process may exit while its file is read (ESRCH), which
  // the C++ streams of libstdc++ turn into an exception.
  const std::string path = "/proc/" + std::to_string(pid) + "/cmdline";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return text;
}

std::vector<int> pids_with_argument(const std::string& arg) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c); })) {
      continue;
    }
    const std::string text = proc_cmdline(std::atoi(name.c_str()));
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\0', start);
      if (end == std::string::npos) end = text.size();
      if (text.compare(start, end - start, arg) == 0 && end - start == arg.size()) {
        out.push_back(std::atoi(name.c_str()));
        break;
      }
      start = end + 1;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace dpc::real
