#include "real-backend/testing/fake_dpc_sql.h"

#include "core/paths.h"
#include "real-backend/fakes/fake_common.h"

namespace dpc::real::testing {

LiveState live_on_disk(const Instance& inst) {
  LiveState l;
  const std::string dir = db_dir(inst);
  if (fake::running_server(dir) == 0) return l;
  auto state = fake::read_ini(dir + "/fake.state");
  l.up = true;
  l.mount = state["MOUNT"] == "1";
  return l;
}

FakeDpcSql::FakeDpcSql(Topology topology) : model_(std::move(topology), live_on_disk) {}

void FakeDpcSql::set_topology(Topology topology) {
  std::lock_guard<std::mutex> lock(mu_);
  model_.set_topology(std::move(topology));
}

Result<Rows> FakeDpcSql::execute(const SqlEndpoint& at, const std::string& statement) {
  std::lock_guard<std::mutex> lock(mu_);
  const Instance* on = model_.instance_at(at.host, at.port);
  statements_.push_back((on ? on->name : "?") + ": " + statement);
  if (on == nullptr) {
    return sql_error("08001", -70028, "no instance listens on " + at.host + ":" + std::to_string(at.port));
  }
  if (!live_on_disk(*on).up) {
    return sql_error("08001", -70028, "创建SOCKET连接失败 (" + on->name + " is not running)");
  }
  model_.check_rules();
  return model_.execute(*on, statement);
}

std::vector<std::string> FakeDpcSql::statements() const {
  std::lock_guard<std::mutex> lock(mu_);
  return statements_;
}

std::vector<std::string> FakeDpcSql::violations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return model_.violations();
}

std::vector<std::string> FakeDpcSql::registered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return model_.registered();
}

}  // namespace dpc::real::testing
