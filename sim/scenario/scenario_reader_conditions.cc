// Conditions of a scenario file (`wait_until`, `expect`, `hold`) read into
// Condition values, each kind by its own reader (sim/scenario/scenario_reader.h).
#include <string>
#include <vector>

#include "core/json_positions.h"
#include "sim/limits.h"
#include "sim/scenario/scenario_reader.h"

namespace dpc::sim::scenario_internal {
namespace {

using nlohmann::json;

const std::vector<std::string> kConditionKeys = {"instance", "group",      "sql",
                                                 "catalog",  "elapsed_since", "trace",
                                                 "catalog_consistent", "all", "any", "not"};

const std::vector<std::string> kStatuses = {"OPEN", "MOUNT", "SHUTDOWN", "STARTUP", "AFTER REDO",
                                            "SUSPEND"};
const std::vector<std::string> kModes = {"NORMAL", "PRIMARY", "STANDBY"};
const std::vector<std::string> kRoles = {"leader", "follower", "candidate", "none"};
const std::vector<std::string> kProcesses = {"stopped", "launching", "connecting", "booting",
                                             "running", "exiting"};
const std::vector<std::string> kStops = {"none", "exit", "halt", "crash", "refused"};

}  // namespace

TraceCheck ScenarioReader::trace_filter(const json& f, const std::string& path) {
  TraceCheck t;
  check_fields(f, path, "trace_filter");
  t.kind = opt_string(f, path, "kind").value_or("");
  t.instance = opt_string(f, path, "instance").value_or("");
  t.detail_contains = opt_string(f, path, "detail_contains").value_or("");
  t.since = opt_string(f, path, "since").value_or("");
  check_mark(t.since, json_path_key(path, "since"));
  if (t.kind.empty()) {
    error(path, "a trace filter needs \"kind\"", "a kind such as \"raft.leader\", or a prefix ending in '.' such as \"fault.\"");
  }
  return t;
}

/// An instance condition: its state, role, process and RAFT fields.
void ScenarioReader::instance_condition(const json& j, const std::string& path, Condition& c) {
  c.kind = Condition::Kind::Instance;
  check_fields(j, path, "instance");
  InstanceCheck& i = c.instance;
  i.name = opt_string(j, path, "instance").value_or("");
  check_instance(i.name, json_path_key(path, "instance"));
  i.status = opt_enum(j, path, "status", kStatuses);
  i.mode = opt_enum(j, path, "mode", kModes);
  i.role = opt_enum(j, path, "role", kRoles);
  i.process = opt_enum(j, path, "process", kProcesses);
  i.last_stop = opt_enum(j, path, "last_stop", kStops);
  i.leader = opt_string(j, path, "leader");
  if (i.leader && !i.leader->empty()) check_instance(*i.leader, json_path_key(path, "leader"));
  i.error_contains = opt_string(j, path, "error_contains");
  i.running = opt_bool(j, path, "running");
  i.halted = opt_bool(j, path, "halted");
  i.valid = opt_bool(j, path, "valid");
  i.dirty = opt_bool(j, path, "dirty");
  i.caught_up = opt_bool(j, path, "caught_up");
  i.term = opt_int(j, path, "term");
  i.min_term = opt_int(j, path, "min_term");
  i.min_c_lsn = opt_int(j, path, "min_c_lsn");
  if (j.size() == 1) error(path, "an instance condition needs something to check", "e.g. \"status\": \"OPEN\"");
}

/// A RAFT group condition: its leader, term and members.
void ScenarioReader::group_condition(const json& j, const std::string& path, Condition& c) {
  c.kind = Condition::Kind::Group;
  check_fields(j, path, "group");
  GroupCheck& g = c.group;
  g.raft = opt_string(j, path, "group").value_or("");
  check_raft(g.raft, json_path_key(path, "group"));
  g.leader = opt_string(j, path, "leader");
  if (g.leader) check_instance(*g.leader, json_path_key(path, "leader"));
  g.no_leader = opt_bool(j, path, "no_leader").value_or(false);
  g.open = opt_bool(j, path, "open");
  g.term = opt_int(j, path, "term");
  g.min_term = opt_int(j, path, "min_term");
  g.valid_members = opt_int(j, path, "valid_members");
  if (g.no_leader && (g.leader || g.open || g.term || g.min_term)) {
    error(path, "\"no_leader\" contradicts the leader's fields", "");
  }
  if (j.size() == 1) error(path, "a group condition needs something to check", "e.g. \"leader\": \"BP11\"");
}

/// A SQL condition: a query sent to an instance and what it answers.
void ScenarioReader::sql_condition(const json& j, const std::string& path, Condition& c) {
  c.kind = Condition::Kind::Sql;
  check_fields(j, path, "sql");
  const std::string tp = json_path_key(path, "sql");
  const json& target = j.at("sql");
  if (!target.is_object()) {
    error(tp, "must be {\"on\": INSTANCE, \"query\": \"...\"}", "");
    return;
  }
  check_fields(target, tp, "sql_target");
  c.sql.on = opt_string(target, tp, "on").value_or("");
  c.sql.query = opt_string(target, tp, "query").value_or("");
  if (c.sql.on.empty() || c.sql.query.empty()) error(tp, "needs \"on\" and \"query\"", "");
  check_instance(c.sql.on, json_path_key(tp, "on"));
  c.sql.ok = opt_bool(j, path, "ok");
  c.sql.error_contains = opt_string(j, path, "error_contains");
  c.sql.row_count = opt_int(j, path, "row_count");
  c.sql.has_row = string_map(j, path, "has_row");
  if (!c.sql.ok && !c.sql.error_contains && !c.sql.row_count && c.sql.has_row.empty()) {
    error(path, "a sql condition needs \"ok\", \"error_contains\", \"row_count\" or \"has_row\"", "");
  }
  if (c.sql.error_contains && c.sql.ok.value_or(false)) {
    error(path, "\"ok\": true contradicts \"error_contains\"", "");
  }
}

/// A catalog condition: rows of an MP catalog table.
void ScenarioReader::catalog_condition(const json& j, const std::string& path, Condition& c) {
  c.kind = Condition::Kind::Catalog;
  check_fields(j, path, "catalog");
  const std::string tp = json_path_key(path, "catalog");
  const json& target = j.at("catalog");
  if (!target.is_object()) {
    error(tp, "must be {\"table\": ..., \"where\": {...}, \"row\": {...}}", "");
    return;
  }
  check_fields(target, tp, "catalog_target");
  c.catalog.on = opt_string(target, tp, "on").value_or("");
  if (!c.catalog.on.empty()) check_instance(c.catalog.on, json_path_key(tp, "on"));
  c.catalog.table = opt_string(target, tp, "table").value_or("");
  if (c.catalog.table.empty()) error(tp, "needs \"table\" (e.g. \"DPC_INSTANCE\")", "");
  c.catalog.where = string_map(target, tp, "where");
  c.catalog.row = string_map(target, tp, "row");
  c.catalog.count = opt_int(target, tp, "count");
  if (c.catalog.row.empty() && !c.catalog.count) {
    error(tp, "needs \"row\" (values every selected row has) or \"count\"", "");
  }
}

/// An elapsed-time condition between two marks (or a mark and now).
void ScenarioReader::elapsed_condition(const json& j, const std::string& path, Condition& c) {
  c.kind = Condition::Kind::Elapsed;
  check_fields(j, path, "elapsed");
  c.elapsed.mark = opt_string(j, path, "elapsed_since").value_or("");
  check_mark(c.elapsed.mark, json_path_key(path, "elapsed_since"));
  c.elapsed.until = opt_string(j, path, "until").value_or("");
  check_mark(c.elapsed.until, json_path_key(path, "until"));
  c.elapsed.at_most_ms = opt_int(j, path, "at_most_ms", 0, kMaxVirtualWaitMs);
  c.elapsed.at_least_ms = opt_int(j, path, "at_least_ms", 0, kMaxVirtualWaitMs);
  if (!c.elapsed.at_most_ms && !c.elapsed.at_least_ms) {
    error(path, "needs \"at_most_ms\" or \"at_least_ms\"", "");
  }
}

/// A trace condition: how many trace events match a filter.
void ScenarioReader::trace_condition(const json& j, const std::string& path, Condition& c) {
  c.kind = Condition::Kind::Trace;
  check_fields(j, path, "trace");
  const json& f = j.at("trace");
  if (!f.is_object()) {
    error(json_path_key(path, "trace"), "must be a trace filter object",
          "e.g. {\"kind\": \"raft.leader\", \"instance\": \"BP13\"}");
    return;
  }
  TraceCheck t = trace_filter(f, json_path_key(path, "trace"));
  t.count = opt_int(j, path, "count");
  t.at_least = opt_int(j, path, "at_least");
  t.at_most = opt_int(j, path, "at_most");
  if (!t.count && !t.at_least && !t.at_most) error(path, "needs \"count\", \"at_least\" or \"at_most\"", "");
  if (!t.instance.empty()) check_instance(t.instance, json_path_key(path, "trace.instance"));
  c.trace = t;
}

Condition ScenarioReader::condition(const json& j, const std::string& path) {
  Condition c;
  c.path = path;
  c.line = line_of(path);
  c.text = j.dump();
  if (!j.is_object()) {
    error(path, "a condition must be an object", "e.g. {\"instance\": \"BP11\", \"status\": \"OPEN\"}");
    return c;
  }
  std::vector<std::string> present;
  for (const auto& k : kConditionKeys) {
    if (j.contains(k)) present.push_back(k);
  }
  if (present.size() != 1) {
    error(path,
          present.empty() ? "a condition needs one of " + quoted_list(kConditionKeys)
                          : "a condition has exactly one of " + quoted_list(kConditionKeys) +
                                "; this one has " + quoted_list(present),
          "combine several with {\"all\": [...]}");
    return c;
  }
  const std::string& k = present[0];
  if (k == "instance") {
    instance_condition(j, path, c);
  } else if (k == "group") {
    group_condition(j, path, c);
  } else if (k == "sql") {
    sql_condition(j, path, c);
  } else if (k == "catalog") {
    catalog_condition(j, path, c);
  } else if (k == "elapsed_since") {
    elapsed_condition(j, path, c);
  } else if (k == "trace") {
    trace_condition(j, path, c);
  } else if (k == "catalog_consistent") {
    c.kind = Condition::Kind::CatalogConsistent;
    if (j.size() != 1 || !j.at(k).is_boolean() || !j.at(k).get<bool>()) {
      error(path, "write {\"catalog_consistent\": true} alone", "");
    }
  } else if (k == "not") {
    c.kind = Condition::Kind::Not;
    if (j.size() != 1) error(path, "\"not\" stands alone in its object", "");
    c.children.push_back(condition(j.at("not"), json_path_key(path, "not")));
  } else {  // all / any
    c.kind = k == "all" ? Condition::Kind::All : Condition::Kind::Any;
    const json& list = j.at(k);
    if (j.size() != 1) error(path, "\"" + k + "\" stands alone in its object", "");
    if (!list.is_array() || list.empty()) {
      error(json_path_key(path, k), "must be a non-empty array of conditions", "");
      return c;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      c.children.push_back(condition(list[i], json_path_index(json_path_key(path, k), i)));
    }
  }
  return c;
}

}  // namespace dpc::sim::scenario_internal
