#include "sim/cluster.h"

#include <cmath>
#include <utility>

#include "sim/model/dm_home.h"
#include "sim/model/invariants.h"
#include "sim/engine/text_util.h"
#include "sim/model/tools.h"

namespace dpc::sim {

std::string redact_sql(const std::string& statement) {
  const std::string u = upper(statement);
  const size_t at = u.find("IDENTIFIED BY");
  if (at == std::string::npos) return statement;
  return statement.substr(0, at) + "IDENTIFIED BY ******";
}

SimCluster::SimCluster(SimOptions options) : w_(std::make_unique<World>(std::move(options))) {}

SimCluster::~SimCluster() = default;

Result<std::string> SimCluster::read_file(const std::string& host, const std::string& path) {
  Host* h = w_->find_host(host);
  if (!h) return Error{"no host " + host + " in the simulated cluster"};
  if (!h->up()) return Error{"host " + host + " is down"};
  return h->read(path);
}

Status SimCluster::write_file(const std::string& host, const std::string& path,
                              const std::string& content) {
  Host& h = w_->host(host);
  if (!h.up()) return Error{"cannot write " + path + ": host " + host + " is down"};
  Status st = h.write(path, content);
  if (st.ok()) w_->log("", "file.write", host + ":" + path + " (" + std::to_string(content.size()) + " bytes)");
  return st;
}

bool SimCluster::exists(const std::string& host, const std::string& path) {
  Host* h = w_->find_host(host);
  return h && h->up() && h->exists(path);
}

void SimCluster::run_tool(const std::string& host, const std::string& program,
                          const std::vector<std::string>& args,
                          std::function<void(Result<ToolOutcome>)> done) {
  sim::run_tool(*w_, host, program, args, std::move(done));
}

void SimCluster::copy_backup(const std::string& from, const std::string& to,
                             const std::string& dir, std::function<void(Status)> done) {
  copy_backup_set(*w_, from, to, dir, std::move(done));
}

void SimCluster::start_server(const std::string& host, const std::vector<std::string>& args,
                              std::function<void(Status)> done) {
  if (auto missing = missing_dm_tool(*w_, host, "dmserver")) {
    w_->loop.after(w_->timing.tool_error, "tool.error", [done, m = *missing]() { done(Error{m}); });
    return;
  }
  start_dmserver(*w_, host, args, std::move(done));
}

Status SimCluster::console(const std::string& instance, const std::string& line) {
  DmServer* s = w_->server(instance);
  if (!s || !s->running()) return Error{instance + " is not running; there is no console to type on"};
  return s->console(line);
}

Status SimCluster::signal(const std::string& instance, Signal sig) {
  DmServer* s = w_->server(instance);
  if (!s || !s->running()) return Error{instance + " is not running; no process to signal"};
  return s->signal(sig);
}

Result<Rows> SimCluster::exec_sql(const std::string& host, int port, const std::string& statement) {
  const std::string where = host + ":" + std::to_string(port);
  Host* h = w_->find_host(host);
  if (!h || !h->up()) {
    return Error{"[-70028]:创建SOCKET连接失败 (cannot connect to " + where + ": the host is " +
                 (h ? "down" : "unknown") + ")"};
  }
  DmServer* s = w_->server_at(host, port);
  if (!s) {
    return Error{"[-70028]:创建SOCKET连接失败 (connection to " + where +
                 " refused: no server is listening)"};
  }
  if (s->sql_port() != port) {
    return Error{"[-70028]:创建SOCKET连接失败 (" + where + " is an internal port of " + s->name() +
                 ", not its PORT_NUM " + std::to_string(s->sql_port()) + ")"};
  }
  if (!s->accepts_sql()) {
    return Error{"[-70019]:" + s->name() + " at " + where + " is " +
                 sys_status_name(s->sys_status()) + " (" + proc_state_name(s->proc()) +
                 "); it accepts connections from MOUNT on"};
  }
  return s->execute(statement);
}

void SimCluster::sql(const std::string& host, int port, const std::string& statement,
                     std::function<void(Result<Rows>)> done) {
  World* w = w_.get();
  const SimTime half = w->timing.sql / 2;
  const SimTime rest = w->timing.sql - half;
  w->loop.after(half, "sql.exec", [this, w, host, port, statement, rest, done]() {
    Result<Rows> r = exec_sql(host, port, statement);
    DmServer* s = w->server_at(host, port);
    w->log(s ? s->name() : host + ":" + std::to_string(port), "sql",
           redact_sql(statement) + (r.ok() ? " -> " + std::to_string(r->rows.size()) + " row(s)"
                                            : " -> " + r.message()));
    w->loop.after(rest, "sql.reply", [done, r = std::move(r)]() { done(r); });
  });
}

void SimCluster::sql(const std::string& instance, const std::string& statement,
                     std::function<void(Result<Rows>)> done) {
  DmServer* s = w_->server(instance);
  if (!s || !s->running()) {
    w_->loop.after(w_->timing.sql, "sql.reply", [done, instance]() {
      done(Error{"[-70028]:创建SOCKET连接失败 (" + instance + " is not running)"});
    });
    return;
  }
  sql(s->host(), s->sql_port(), statement, std::move(done));
}

Result<ToolOutcome> SimCluster::run_tool_sync(const std::string& host, const std::string& program,
                                              const std::vector<std::string>& args) {
  std::optional<Result<ToolOutcome>> out;
  run_tool(host, program, args, [&out](Result<ToolOutcome> r) { out = std::move(r); });
  while (!out && step()) {
  }
  if (!out) return Error{"the run stopped before " + program + " finished"};
  return std::move(*out);
}

Status SimCluster::start_server_sync(const std::string& host, const std::vector<std::string>& args,
                                     Millis limit_ms) {
  auto out = std::make_shared<std::optional<Status>>();
  start_server(host, args, [out](Status st) { *out = std::move(st); });
  const Millis deadline = now() + limit_ms;
  run_until([&out]() { return out->has_value(); }, deadline);
  if (!out->has_value()) {
    return Error{"dmserver on " + host + " is not ready after " + std::to_string(limit_ms) +
                 " ms of virtual time"};
  }
  return **out;
}

Result<Rows> SimCluster::sql_sync(const std::string& instance, const std::string& statement) {
  auto out = std::make_shared<std::optional<Result<Rows>>>();
  sql(instance, statement, [out](Result<Rows> r) { *out = std::move(r); });
  while (!out->has_value() && step()) {
  }
  if (!out->has_value()) return Error{"the run stopped before the statement finished"};
  return std::move(**out);
}

Result<Rows> SimCluster::sql_sync(const std::string& host, int port, const std::string& statement) {
  auto out = std::make_shared<std::optional<Result<Rows>>>();
  sql(host, port, statement, [out](Result<Rows> r) { *out = std::move(r); });
  while (!out->has_value() && step()) {
  }
  if (!out->has_value()) return Error{"the run stopped before the statement finished"};
  return std::move(**out);
}

bool SimCluster::step() {
  if (w_->halted_by_violation()) return false;
  return w_->loop.step();
}

void SimCluster::advance(Millis ms) {
  const SimTime until = w_->loop.now() + from_ms(ms);
  while (!w_->halted_by_violation()) {
    const SimTime next = w_->loop.next_time();
    if (next < 0 || next > until) break;
    w_->loop.step();
  }
  if (!w_->halted_by_violation()) w_->loop.advance_to(until);
}

bool SimCluster::run_until(const std::function<bool()>& pred, Millis deadline_ms) {
  const SimTime until = from_ms(deadline_ms);
  if (pred()) return true;
  while (!w_->halted_by_violation()) {
    const SimTime next = w_->loop.next_time();
    if (next < 0 || next > until) break;
    w_->loop.step();
    if (pred()) return true;
  }
  if (!w_->halted_by_violation() && w_->loop.now() < until) w_->loop.advance_to(until);
  return pred();
}

void SimCluster::call_at(Millis when_ms, std::function<void()> fn) {
  w_->loop.at(from_ms(when_ms), "backend.timer", std::move(fn));
}

void SimCluster::partition(const std::string& a, const std::string& b, bool one_way) {
  w_->net.partition(a, b, one_way);
}

void SimCluster::heal(const std::string& a, const std::string& b) { w_->net.heal(a, b); }

void SimCluster::heal_all() { w_->net.heal_all(); }

void SimCluster::set_link(const std::string& a, const std::string& b, double latency_ms,
                          double jitter_ms, double loss, bool one_way) {
  LinkSpec spec;
  spec.latency = static_cast<SimTime>(std::llround(latency_ms * kMicrosPerMilli));
  spec.jitter = static_cast<SimTime>(std::llround(jitter_ms * kMicrosPerMilli));
  spec.loss = loss;
  w_->net.set_link(a, b, spec, one_way);
}

void SimCluster::crash_host(const std::string& host_name) {
  Host& h = w_->host(host_name);
  w_->log("", "fault.crash_host", host_name);
  for (const auto& [name, s] : w_->servers()) {
    if (s->running() && s->host() == host_name) s->crash("host " + host_name + " crashed");
  }
  h.set_up(false);
  w_->net.set_host_up(host_name, false);
}

void SimCluster::restart_host(const std::string& host_name) {
  Host& h = w_->host(host_name);
  h.set_up(true);
  w_->net.set_host_up(host_name, true);
  w_->log("", "fault.restart_host", host_name);
}

void SimCluster::set_jitter(const std::string& instance, int64_t jitter_ms) {
  w_->unfold_all();
  w_->jitter_overrides[instance] = jitter_ms;
}

InstanceView SimCluster::view(const std::string& name) const {
  if (DmServer* s = w_->server(name)) return s->view();
  InstanceView v;
  v.name = name;
  auto it = w_->homes.find(name);
  if (it == w_->homes.end()) return v;
  v.known = true;
  v.host = it->second.host;
  if (Host* h = w_->find_host(it->second.host)) {
    if (const DbImage* img = h->db(it->second.db_dir)) {
      v.dpc_mode = img->dpc_mode;
      v.dirty = img->dirty;
    }
  }
  return v;
}

std::vector<std::string> SimCluster::instance_names() const {
  std::vector<std::string> out;
  for (const auto& [name, home] : w_->homes) out.push_back(name);
  for (const auto& [name, s] : w_->servers()) {
    if (!w_->homes.count(name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string> SimCluster::group_leader(const std::string& raft) const {
  std::optional<std::string> best;
  Term best_term = -1;
  for (const auto& [name, s] : w_->servers()) {
    if (!s->running() || s->raft_group() != raft || !s->raft()) continue;
    if (s->raft()->role() != RaftRole::Leader) continue;
    if (s->raft()->term() > best_term) {
      best_term = s->raft()->term();
      best = name;
    }
  }
  return best;
}

std::vector<std::string> SimCluster::check_catalog() { return catalog_mismatches(*w_); }

std::vector<std::string> SimCluster::server_output(const std::string& instance) const {
  DmServer* s = w_->server(instance);
  if (!s) return {};
  return {s->output().begin(), s->output().end()};
}

}  // namespace dpc::sim
