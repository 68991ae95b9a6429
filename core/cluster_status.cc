#include "core/cluster_status.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "core/endpoints.h"

namespace dpc {
namespace {

/// Queries sent together and answered in any order; wait() drives the
/// backend until every answer is in.
class Batch {
 public:
  explicit Batch(Backend& b) : b_(b) {}
  void sql(const SqlEndpoint& at, const std::string& statement, std::function<void(Result<Rows>)> done) {
    ++*pending_;
    auto pending = pending_;
    b_.sql(at, statement, [pending, done = std::move(done)](Result<Rows> r) {
      --*pending;
      done(std::move(r));
    });
  }
  void wait() {
    while (*pending_ > 0) {
      if (!b_.run_one()) return;
    }
  }

 private:
  Backend& b_;
  std::shared_ptr<int> pending_ = std::make_shared<int>(0);
};

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

constexpr const char* kRaftQuery = "SELECT SELF_ID, ROLE, TERM, LEADER_ID, LAST_LSN FROM V$RAFT_INFO";

struct RaftRow {
  std::string term, leader_id, last_lsn;
};

/// V$RAFT_INFO of the running replicated members: probed on one member
/// first; when the view is missing there, nobody else is asked.
std::map<std::string, RaftRow> raft_rows(Backend& b, const Topology& topo, ClusterStatus& out,
                                         std::map<std::string, SqlEndpoint>& endpoints) {
  std::vector<const InstanceStatus*> members;
  for (const InstanceStatus& s : out.instances) {
    const RaftGroup* g = topo.find_raft(s.raft);
    if (s.state == "RUNNING" && g && g->replicated()) members.push_back(&s);
  }
  std::map<std::string, RaftRow> rows;
  if (members.empty()) return rows;
  auto keep = [&rows](const std::string& name, const Rows& r) {
    if (!r.rows.empty()) rows[name] = {cell(r, 0, "TERM"), cell(r, 0, "LEADER_ID"), cell(r, 0, "LAST_LSN")};
  };
  auto probe = sql_now(b, endpoints[members[0]->name], kRaftQuery);
  if (!probe) {
    out.degraded = true;
    out.notes.push_back("V$RAFT_INFO is not available on " + members[0]->name + " (" + probe.message() +
                        "); RAFT leaders, terms and lags are not shown (public DM documentation names "
                        "V$RLOG_RAFT_INFO for a member's RAFT state)");
    return rows;
  }
  keep(members[0]->name, *probe);
  Batch batch(b);
  for (size_t i = 1; i < members.size(); ++i) {
    const std::string name = members[i]->name;
    batch.sql(endpoints[name], kRaftQuery, [&keep, name](Result<Rows> r) {
      if (r.ok()) keep(name, *r);
    });
  }
  batch.wait();
  return rows;
}

void fill_groups(const Topology& topo, ClusterStatus& out, const std::map<std::string, RaftRow>& rows) {
  for (const RaftGroup& g : topo.rafts) {
    if (!g.replicated()) continue;
    const auto members = topo.members_of(g);
    std::map<std::string, std::string> by_id;
    for (const Instance* m : members) by_id[std::to_string(m->raft_self_id)] = m->name;
    // The leader named in the highest term any running member reports.
    GroupStatus gs{g.name, "", "-"};
    long long best = -1;
    for (const Instance* m : members) {
      auto it = rows.find(m->name);
      if (it == rows.end()) continue;
      long long term = std::atoll(it->second.term.c_str());
      auto leader = by_id.find(it->second.leader_id);
      if (term > best && leader != by_id.end() && rows.count(leader->second)) {
        best = term;
        gs.leader = leader->second;
        gs.term = it->second.term;
      }
    }
    for (InstanceStatus& s : out.instances) {
      if (s.raft != g.name) continue;
      auto it = rows.find(s.name);
      if (it == rows.end()) continue;
      s.term = it->second.term;
      auto leader = by_id.find(it->second.leader_id);
      s.leader = leader == by_id.end() ? "-" : leader->second;
      if (!gs.leader.empty() && rows.at(gs.leader).last_lsn != "-" && it->second.last_lsn != "-") {
        long long lag = std::atoll(rows.at(gs.leader).last_lsn.c_str()) - std::atoll(it->second.last_lsn.c_str());
        s.lag = std::to_string(std::max(0LL, lag));
      }
    }
    if (gs.leader.empty()) out.degraded = true;
    out.groups.push_back(gs);
  }
}

void judge_health(Backend& b, const Topology& topo, ClusterStatus& out,
                  std::map<std::string, SqlEndpoint>& endpoints) {
  const auto sps = topo.of_role(Role::SP);
  if (sps.empty()) {
    out.health_note = "no SP in the topology";
    return;
  }
  std::map<std::string, std::string> answer;  // SP -> "" serving, else why not
  Batch batch(b);
  for (const Instance* sp : sps) {
    if (!b.server_running(sp->name)) {
      answer[sp->name] = "not running";
      continue;
    }
    const std::string name = sp->name;
    batch.sql(endpoints[name], "SELECT 1 FROM DUAL", [&answer, name](Result<Rows> r) {
      answer[name] = r.ok() ? "" : r.message();
    });
  }
  batch.wait();
  std::string serving, failing;
  for (const Instance* sp : sps) {
    const std::string& a = answer[sp->name];
    if (a.empty()) serving += (serving.empty() ? "" : ", ") + sp->name;
    else failing += "; " + sp->name + ": " + a;
  }
  out.healthy = !serving.empty();
  out.health_note = (serving.empty() ? "no SP serves" : "SELECT 1 FROM DUAL succeeded on " + serving) + failing;
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
    InstanceStatus s;
    s.name = inst.name;
    s.role = role_name(inst.role);
    s.raft = inst.raft;
    if (backend.server_running(inst.name)) s.state = "UNREACHABLE";
    else if (backend.server_halted(inst.name)) s.state = "HALTED";
    out.instances.push_back(s);
  }
  Batch batch(backend);
  for (InstanceStatus& s : out.instances) {
    if (s.state != "UNREACHABLE") continue;
    InstanceStatus* at = &s;
    batch.sql(endpoints[s.name], "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE", [at](Result<Rows> v) {
      if (!v.ok() || v->rows.empty()) {
        at->note = v.ok() ? "V$INSTANCE returned no row" : v.message();
        return;
      }
      size_t r = own_row(*v, at->name);
      at->state = "RUNNING";
      at->status = cell(*v, r, "STATUS$");
      at->mode = cell(*v, r, "MODE$");
    });
  }
  batch.wait();
  for (const InstanceStatus& s : out.instances) out.degraded = out.degraded || s.state != "RUNNING";
  fill_groups(topo, out, raft_rows(backend, topo, out, endpoints));
  judge_health(backend, topo, out, endpoints);
  return out;
}

std::string format_status(const ClusterStatus& status, bool verdict) {
  std::vector<std::vector<std::string>> rows{
      {"INSTANCE", "ROLE", "RAFT", "STATE", "MODE", "STATUS", "LEADER", "TERM", "LAG"}};
  for (const auto& s : status.instances) {
    rows.push_back({s.name, s.role, s.raft, s.state, s.mode, s.status, s.leader, s.term, s.lag});
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
  if (!verdict) return out;
  for (const auto& s : status.instances) {
    if (s.state == "UNREACHABLE") out += s.name + " is unreachable: " + s.note + "\n";
  }
  for (const auto& g : status.groups) {
    out += g.name + ": " + (g.leader.empty() ? "no leader" : "leader " + g.leader + ", term " + g.term) + "\n";
  }
  for (const auto& n : status.notes) out += "note: " + n + "\n";
  std::string why;
  for (const auto& s : status.instances) {
    if (s.state != "RUNNING") why += (why.empty() ? "" : ", ") + s.name + " " + s.state;
  }
  for (const auto& g : status.groups) {
    if (g.leader.empty()) why += (why.empty() ? "" : ", ") + g.name + " without a leader";
  }
  if (!status.notes.empty()) why += (why.empty() ? "" : ", ") + std::string("a view missing");
  const std::string verdict_word = !status.healthy ? "NOT healthy" : status.degraded ? "degraded" : "healthy";
  out += verdict_word + (status.degraded && !why.empty() ? " (" + why + ")" : "") + ": " + status.health_note + "\n";
  return out;
}

}  // namespace dpc
