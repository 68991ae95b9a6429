#include "sim/scenario/scenario_condition.h"

#include <algorithm>

#include "sim/session.h"
#include "sim/engine/trace.h"

namespace dpc::sim {

namespace {


std::string role_of(const InstanceView& v) { return v.raft_role.empty() ? "none" : v.raft_role; }

std::string describe(const InstanceView& v) {
  if (!v.known) return v.name + ": never initialised or started";
  std::string out = v.name + ": " + v.process + ", " + v.status + " " + v.mode;
  if (v.replica || !v.raft_role.empty()) {
    out += ", " + role_of(v) + " term " + std::to_string(v.term);
    out += ", leader " + (v.leader.empty() ? std::string("none") : v.leader);
    out += ", c_lsn " + std::to_string(v.c_lsn) + " last_lsn " + std::to_string(v.last_lsn);
    out += v.valid ? ", valid" : ", invalid";
  }
  if (!v.running && !v.last_stop.empty() && v.last_stop != "none") {
    out += ", last stop " + v.last_stop;
    if (!v.last_error.empty()) out += " (" + v.last_error + ")";
  }
  if (v.dirty) out += ", dirty";
  return out;
}

Observation check_instance(const InstanceCheck& c, SimSession& s) {
  SimCluster& cl = s.cluster();
  const InstanceView v = cl.view(c.name);
  bool ok = true;
  auto need = [&ok](bool b) { ok = ok && b; };
  if (c.status) need(v.status == *c.status);
  if (c.mode) need(v.mode == *c.mode);
  if (c.role) need(role_of(v) == *c.role);
  if (c.process) need(v.process == *c.process);
  if (c.last_stop) need((v.last_stop.empty() ? "none" : v.last_stop) == *c.last_stop);
  if (c.leader) need(v.leader == *c.leader);
  if (c.error_contains) need(v.last_error.find(*c.error_contains) != std::string::npos);
  if (c.running) need(v.running == *c.running);
  if (c.halted) need(v.halted == *c.halted);
  if (c.valid) need(v.valid == *c.valid);
  if (c.dirty) need(v.dirty == *c.dirty);
  if (c.term) need(v.term == *c.term);
  if (c.min_term) need(v.term >= *c.min_term);
  if (c.min_c_lsn) need(v.c_lsn >= *c.min_c_lsn);
  std::string seen = describe(v);
  if (c.caught_up) {
    bool caught = false;
    std::string why = "its group has no leader";
    if (auto leader = cl.group_leader(v.raft_group)) {
      const InstanceView lv = cl.view(*leader);
      caught = v.running && v.last_lsn >= lv.c_lsn;
      why = "leader " + *leader + " c_lsn " + std::to_string(lv.c_lsn);
    }
    need(caught == *c.caught_up);
    seen += " (" + why + ")";
  }
  return {ok, seen};
}

Observation check_group(const GroupCheck& c, SimSession& s) {
  SimCluster& cl = s.cluster();
  const auto leader = cl.group_leader(c.raft);
  int valid = 0;
  if (const RaftGroup* g = s.topology().find_raft(c.raft)) {
    for (const auto& m : g->members) valid += cl.view(m).valid ? 1 : 0;
  }
  std::string seen = c.raft + ": ";
  bool ok = true;
  auto need = [&ok](bool b) { ok = ok && b; };
  if (!leader) {
    seen += "no leader";
    need(!c.leader && !c.open && !c.term && !c.min_term);
  } else {
    const InstanceView lv = cl.view(*leader);
    seen += "leader " + *leader + " term " + std::to_string(lv.term) + ", " + lv.mode + "/" + lv.status;
    need(!c.no_leader);
    if (c.leader) need(*leader == *c.leader);
    if (c.open) need((lv.mode == "PRIMARY" && lv.status == "OPEN") == *c.open);
    if (c.term) need(lv.term == *c.term);
    if (c.min_term) need(lv.term >= *c.min_term);
  }
  seen += ", " + std::to_string(valid) + " valid member" + (valid == 1 ? "" : "s");
  if (c.valid_members) need(valid == *c.valid_members);
  return {ok, seen};
}

std::string cell(const std::optional<std::string>& v) { return v ? *v : "NULL"; }

bool row_has(const Rows& rows, size_t r, const std::map<std::string, std::string>& values,
             std::string* mismatch) {
  for (const auto& [col, want] : values) {
    const int i = rows.column(col);
    if (i < 0) {
      if (mismatch) *mismatch = "no column " + col;
      return false;
    }
    const std::string got = cell(rows.rows[r][static_cast<size_t>(i)]);
    if (got != want) {
      if (mismatch) *mismatch = col + " = " + got + " (want " + want + ")";
      return false;
    }
  }
  return true;
}

std::string first_line(const std::string& text) {
  const size_t nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

Observation check_sql(const SqlCheck& c, SimSession& s) {
  Result<Rows> r = s.cluster().sql_sync(c.on, c.query);
  if (!r.ok()) {
    const std::string seen = c.on + " answered an error: " + first_line(r.message());
    bool ok = !c.ok.value_or(false) && !c.row_count && c.has_row.empty();
    if (c.error_contains) ok = ok && r.message().find(*c.error_contains) != std::string::npos;
    return {ok, seen};
  }
  const Rows& rows = *r;
  std::string seen = c.on + " answered " + std::to_string(rows.rows.size()) + " row" +
                     (rows.rows.size() == 1 ? "" : "s");
  bool ok = !c.error_contains && c.ok.value_or(true);
  if (c.row_count) ok = ok && static_cast<int64_t>(rows.rows.size()) == *c.row_count;
  if (!c.has_row.empty()) {
    bool found = false;
    for (size_t i = 0; i < rows.rows.size() && !found; ++i) found = row_has(rows, i, c.has_row, nullptr);
    if (!found) seen += ", none with the wanted values";
    ok = ok && found;
  }
  return {ok, seen};
}

Observation check_catalog(const CatalogCheck& c, SimSession& s) {
  std::string on = c.on;
  if (on.empty()) {
    const RaftGroup* mp = s.topology().mp_group();
    if (auto leader = s.cluster().group_leader("MP_RAFT")) {
      on = *leader;
    } else if (mp && !mp->members.empty()) {
      on = mp->members.front();
    }
  }
  Result<Rows> r = s.cluster().sql_sync(on, "SELECT * FROM " + c.table);
  if (!r.ok()) return {false, "SELECT * FROM " + c.table + " on " + on + " failed: " + first_line(r.message())};
  const Rows& rows = *r;
  int64_t selected = 0;
  std::string bad;
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    std::string why;
    if (!row_has(rows, i, c.where, &why)) {
      if (why.rfind("no column", 0) == 0) return {false, c.table + " on " + on + " has " + why};
      continue;
    }
    ++selected;
    if (bad.empty() && !row_has(rows, i, c.row, &why)) bad = why;
  }
  std::string seen = c.table + " on " + on + ": " + std::to_string(selected) + " row" +
                     (selected == 1 ? "" : "s") + " selected";
  bool ok = bad.empty();
  if (!bad.empty()) seen += ", one has " + bad;
  if (c.count) {
    ok = ok && selected == *c.count;
  } else {
    ok = ok && selected > 0;
  }
  return {ok, seen};
}

std::string ms_text(SimTime t) { return format_time(t) + " ms"; }

bool event_matches(const TraceEvent& e, const TraceCheck& f, SimTime since) {
  if (e.time < since) return false;
  // "raft.leader" is that kind exactly; "raft." (ending in a dot) is every raft.* kind.
  if (!f.kind.empty() && f.kind.back() == '.') {
    if (e.kind.rfind(f.kind, 0) != 0) return false;
  } else if (e.kind != f.kind) {
    return false;
  }
  if (!f.instance.empty() && e.instance != f.instance) return false;
  if (!f.detail_contains.empty() && e.detail.find(f.detail_contains) == std::string::npos) return false;
  return true;
}

SimTime since_of(const TraceCheck& f, const Marks& marks) {
  if (f.since.empty()) return 0;
  auto it = marks.find(f.since);
  return it == marks.end() ? 0 : it->second;
}

Observation check_trace(const TraceCheck& c, SimSession& s, const Marks& marks) {
  const SimTime since = since_of(c, marks);
  int64_t n = 0;
  std::string last;
  for (const auto& e : s.cluster().trace().events()) {
    if (event_matches(e, c, since)) {
      ++n;
      last = Trace::render(e);
    }
  }
  bool ok = true;
  if (c.count) ok = ok && n == *c.count;
  if (c.at_least) ok = ok && n >= *c.at_least;
  if (c.at_most) ok = ok && n <= *c.at_most;
  std::string seen = std::to_string(n) + " matching event" + (n == 1 ? "" : "s");
  if (!last.empty()) seen += ", the last: " + last;
  return {ok, seen};
}

}  // namespace

SimTime last_matching_event(const TraceCheck& filter, SimSession& session, const Marks& marks) {
  const SimTime since = since_of(filter, marks);
  SimTime at = -1;
  for (const auto& e : session.cluster().trace().events()) {
    if (event_matches(e, filter, since)) at = e.time;
  }
  return at;
}

Observation evaluate_condition(const Condition& c, SimSession& session, const Marks& marks) {
  switch (c.kind) {
    case Condition::Kind::Instance:
      return check_instance(c.instance, session);
    case Condition::Kind::Group:
      return check_group(c.group, session);
    case Condition::Kind::Sql:
      return check_sql(c.sql, session);
    case Condition::Kind::Catalog:
      return check_catalog(c.catalog, session);
    case Condition::Kind::Elapsed: {
      auto it = marks.find(c.elapsed.mark);
      if (it == marks.end()) return {false, "the mark " + c.elapsed.mark + " was never set"};
      SimTime end = session.cluster().now_us();
      std::string to = "now";
      if (!c.elapsed.until.empty()) {
        auto u = marks.find(c.elapsed.until);
        if (u == marks.end()) return {false, "the mark " + c.elapsed.until + " was never set"};
        end = u->second;
        to = c.elapsed.until;
      }
      const SimTime elapsed = end - it->second;
      bool ok = true;
      if (c.elapsed.at_most_ms) ok = ok && elapsed <= from_ms(*c.elapsed.at_most_ms);
      if (c.elapsed.at_least_ms) ok = ok && elapsed >= from_ms(*c.elapsed.at_least_ms);
      return {ok, ms_text(elapsed) + " from " + c.elapsed.mark + " to " + to};
    }
    case Condition::Kind::Trace:
      return check_trace(c.trace, session, marks);
    case Condition::Kind::CatalogConsistent: {
      const auto bad = session.cluster().check_catalog();
      if (bad.empty()) return {true, "the catalog agrees with the live state"};
      std::string seen = "the catalog disagrees: " + bad.front();
      if (bad.size() > 1) seen += " (and " + std::to_string(bad.size() - 1) + " more)";
      return {false, seen};
    }
    case Condition::Kind::Not: {
      Observation o = evaluate_condition(c.children.front(), session, marks);
      return {!o.holds, o.seen};
    }
    case Condition::Kind::All:
    case Condition::Kind::Any: {
      const bool all = c.kind == Condition::Kind::All;
      std::string seen;
      for (const auto& child : c.children) {
        Observation o = evaluate_condition(child, session, marks);
        if (all && !o.holds) return {false, o.seen};
        if (!all && o.holds) return {true, o.seen};
        seen += (seen.empty() ? "" : "; ") + o.seen;
      }
      return {all, seen};
    }
  }
  return {false, "unknown condition"};
}

}  // namespace dpc::sim
