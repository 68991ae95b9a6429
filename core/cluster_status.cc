#include "core/cluster_status.h"

#include <algorithm>
#include <memory>

#include "core/endpoints.h"

namespace dpc {
namespace {

std::string cell(const Rows& rows, size_t row, const std::string& col) {
  int c = rows.column(col);
  if (c < 0 || row >= rows.rows.size()) return "-";
  const auto& v = rows.rows[row][static_cast<size_t>(c)];
  return v ? *v : "NULL";
}

/// The row of `name` in V$INSTANCE rows (an SP lists every instance).
size_t own_row(const Rows& rows, const std::string& name) {
  int c = rows.column("INSTANCE_NAME");
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    if (c >= 0 && rows.rows[i][static_cast<size_t>(c)] == name) return i;
  }
  return 0;
}

}  // namespace

Result<Rows> sql_now(Backend& b, const SqlEndpoint& at, const std::string& statement) {
  auto out = std::make_shared<std::optional<Result<Rows>>>();
  b.sql(at, statement, [out](Result<Rows> r) { *out = std::move(r); });
  while (!out->has_value()) {
    if (!b.run_one()) return Error{"no answer from " + at.instance};
  }
  return std::move(**out);
}

ClusterStatus gather_status(Backend& backend, const Topology& topo) {
  ClusterStatus out;
  auto endpoints = sql_endpoints(topo);
  for (const auto& inst : topo.instances) {
    InstanceStatus s{inst.name, role_name(inst.role), inst.raft, "DOWN", "-", "-", "-"};
    const SqlEndpoint& at = endpoints[inst.name];
    auto v = sql_now(backend, at, "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE");
    if (v.ok() && !v->rows.empty()) {
      size_t r = own_row(*v, inst.name);
      s.status = cell(*v, r, "STATUS$");
      s.mode = cell(*v, r, "MODE$");
    }
    const RaftGroup* g = topo.find_raft(inst.raft);
    if (v.ok() && g && g->replicated()) {
      auto info = sql_now(backend, at, "SELECT SELF_ID, ROLE, TERM, LEADER_ID FROM V$RAFT_INFO");
      if (info.ok() && !info->rows.empty()) {
        s.term = cell(*info, 0, "TERM");
        std::string leader_id = cell(*info, 0, "LEADER_ID");
        s.leader = "-";
        for (const Instance* m : topo.members_of(*g)) {
          if (std::to_string(m->raft_self_id) == leader_id) s.leader = m->name;
        }
      }
    }
    out.instances.push_back(s);
  }
  auto sps = topo.of_role(Role::SP);
  if (sps.empty()) {
    out.health_note = "no SP in the topology";
  } else {
    auto one = sql_now(backend, endpoints[sps[0]->name], "SELECT 1 FROM DUAL");
    out.healthy = one.ok();
    out.health_note = one.ok() ? "SELECT 1 FROM DUAL on " + sps[0]->name + " succeeded"
                               : sps[0]->name + ": " + one.message();
  }
  return out;
}

std::string format_status(const ClusterStatus& status) {
  std::vector<std::vector<std::string>> rows{{"INSTANCE", "ROLE", "RAFT", "MODE", "STATUS", "LEADER", "TERM"}};
  for (const auto& s : status.instances) {
    rows.push_back({s.name, s.role, s.raft, s.mode, s.status, s.leader, s.term});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      line += r[c];
      if (c + 1 < r.size()) line += std::string(width[c] - r[c].size() + 2, ' ');
    }
    out += line + "\n";
  }
  out += std::string(status.healthy ? "healthy: " : "NOT healthy: ") + status.health_note + "\n";
  return out;
}

}  // namespace dpc
