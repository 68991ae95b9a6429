#include "real-backend/fakes/fake_sql_service.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "core/topology_load.h"
#include "real-backend/fakes/fake_common.h"
#include "real-backend/fakes/fake_pg_wire.h"

namespace fake {

namespace {

using dpc::real::testing::LiveState;

/// dpc-fake-cluster.json in `dir` or the nearest directory above it; "" if none.
std::string find_cluster_file(std::string dir) {
  for (;;) {
    std::string candidate = dir + "/" + kClusterFile;
    if (exists(candidate)) return candidate;
    if (dir.empty() || dir == "/" || dir == ".") return "";
    std::string up = parent_dir(dir);
    if (up == dir) return "";
    dir = up.empty() ? "/" : up;
  }
}

/// Waits until `fd` is ready for `events` or `deadline_ms` passes.
bool wait_fd(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, timeout_ms);
  } while (rc < 0 && errno == EINTR);
  return rc == 1 && (p.revents & events) != 0;
}

}  // namespace

LiveState probe_peer(const std::string& host, int port, const std::string& instance, int timeout_ms) {
  LiveState l;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || res == nullptr) return l;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int rc = fd < 0 ? -1 : ::connect(fd, res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  if (fd < 0) return l;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (rc != 0 && errno != EINPROGRESS) return l;
  if (rc != 0) {
    int err = 0;
    socklen_t len = sizeof err;
    if (!wait_fd(fd, POLLOUT, timeout_ms) || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      return l;
    }
  }
  if (::send(fd, kLiveQuestion, 8, MSG_NOSIGNAL) != 8) return l;
  std::string reply;
  char buf[128];
  while (reply.find('\n') == std::string::npos && wait_fd(fd, POLLIN, timeout_ms)) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  // "LIVE <instance> <0|1>\n", 1 when started MOUNT.
  const std::string head = "LIVE " + instance + " ";
  if (reply.rfind(head, 0) != 0 || reply.size() < head.size() + 1) return l;
  l.up = true;
  l.mount = reply[head.size()] == '1';
  return l;
}

SqlService::SqlService(std::string dameng_dir, std::string instance, bool mount)
    : dir_(std::move(dameng_dir)), instance_(std::move(instance)) {
  live_line_ = "LIVE " + instance_ + " " + (mount ? "1" : "0") + "\n";
  const std::string file = find_cluster_file(dir_);
  if (file.empty()) {
    problem_ = std::string("the stand-in has no ") + kClusterFile + " in " + dir_ + " or above it";
    return;
  }
  auto loaded = dpc::load_topology_file(file);
  if (!loaded.ok()) {
    problem_ = "the stand-in cannot load " + file;
    return;
  }
  const dpc::Topology topo = *loaded.topology;
  if (topo.find_instance(instance_) == nullptr) {
    problem_ = file + " has no instance " + instance_;
    return;
  }
  const std::string self = instance_;
  model_ = std::make_unique<dpc::real::testing::DpcSqlModel>(
      topo, [self, mount](const dpc::Instance& inst) {
        if (inst.name == self) return LiveState{true, mount};
        return probe_peer(inst.host, inst.port_num, inst.name, 500);
      });
  std::string catalog;
  if (read_file(dir_ + "/fake.catalog", &catalog)) model_->load_catalog(catalog);
}

dpc::Result<dpc::Rows> SqlService::execute(const std::string& statement) {
  std::lock_guard<std::mutex> lock(mu_);
  record("dmserver-sql", {instance_, statement});
  if (!model_) return dpc::real::testing::sql_error("HY000", -1, problem_);
  const dpc::Instance* self = model_->topology().find_instance(instance_);
  const std::string before = model_->save_catalog();
  auto result = model_->execute(*self, statement);
  const std::string after = model_->save_catalog();
  if (after != before) write_file(dir_ + "/fake.catalog", after);
  return result;
}

void SqlService::serve(int fd) {
  std::thread([this, fd] {
    serve_pg_connection(fd, [this](const std::string& s) { return execute(s); }, live_line_);
  }).detach();
}

}  // namespace fake
