// Name checks: safe SQL identifiers, reserved words, lengths, duplicates.
#include <cctype>
#include <map>
#include <set>

#include "core/validate.h"
#include "core/validate_checks.h"

namespace dpc {

namespace {

// SQL-92 and DM reserved words that a DBA could plausibly pick as a name.
// Names are registered through SP_CREATE_DPC_* and written into ini files
// unquoted, so a reserved word would break one of them.
const std::set<std::string>& reserved_words() {
  static const std::set<std::string> words = {
      "ADD", "ALL", "ALTER", "AND", "ANY", "ARRAY", "AS", "ASC",
      "BEGIN", "BETWEEN", "BY", "CASE", "CAST", "CHECK", "CLUSTER", "COLUMN", "COMMIT",
      "CONNECT", "CONSTRAINT", "CREATE", "CROSS", "CURRENT", "CURSOR", "DATABASE",
      "DECLARE", "DEFAULT", "DELETE", "DESC", "DISTINCT", "DOMAIN", "DROP", "ELSE", "END",
      "EXCEPT", "EXEC", "EXECUTE", "EXISTS", "EXIT", "FETCH", "FOR", "FOREIGN", "FROM", "FULL",
      "FUNCTION", "GOTO", "GRANT", "GROUP", "HAVING", "IF", "IN", "INDEX", "INNER", "INSERT",
      "INTERSECT", "INTO", "IS", "JOIN", "KEY", "LEFT", "LEVEL", "LIKE", "LIMIT", "LOCK", "MINUS",
      "MODE", "NOT", "NULL", "OF", "ON", "OPEN", "OR", "ORDER", "OUTER", "PACKAGE", "PRIMARY",
      "PRIOR", "PRIVILEGES", "PROCEDURE", "PUBLIC", "REFERENCES", "RETURN",
      "REVOKE", "RIGHT", "ROLLBACK", "ROW", "ROWNUM", "SCHEMA", "SELECT", "SESSION", "SET",
      "SYSDATE", "TABLE", "THEN", "TO", "TOP", "TRIGGER", "TRUNCATE", "UNION", "UNIQUE",
      "UPDATE", "USER", "USING", "VALUES", "VIEW", "WHEN", "WHERE", "WITH"};
  return words;
}

bool identifier_shape(const std::string& name) {
  if (name.empty()) return false;
  const unsigned char first = static_cast<unsigned char>(name[0]);
  if (!std::isalpha(first) && first != '_') return false;
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && u != '_') return false;
  }
  return true;
}

const char* kIdentifierHint =
    "use letters, digits and _ only, starting with a letter or _, and not a SQL reserved word";

/// Checks one name; `what` is e.g. "instance name", `path` the name's field.
void check_name(const std::string& name, const std::string& what, const std::string& path,
                std::vector<Diagnostic>& out) {
  if (name.empty()) {
    out.push_back(error_at(path, what + " is empty", "give it a name"));
  } else if (!identifier_shape(name)) {
    out.push_back(error_at(path, what + " \"" + name + "\" is not a safe SQL identifier",
                           kIdentifierHint));
  } else if (is_sql_reserved_word(name)) {
    out.push_back(error_at(path, what + " \"" + name + "\" is a SQL reserved word",
                           "choose another name, e.g. \"" + name + "_1\""));
  }
}

bool cluster_name_ok(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && u != '_' && u != '-' && u != '.') return false;
  }
  return name != "." && name != "..";
}

/// Reports names used twice (compared without case); `items` are (name, path).
void report_duplicates(const std::vector<std::pair<std::string, std::string>>& items,
                       const std::string& what, const std::string& hint,
                       std::vector<Diagnostic>& out) {
  std::map<std::string, std::pair<std::string, std::string>> first;  // lower -> (name, path)
  for (const auto& [name, path] : items) {
    if (name.empty()) continue;
    auto [it, inserted] = first.emplace(validate_internal::lower(name), std::make_pair(name, path));
    if (inserted) continue;
    const auto& [first_name, first_path] = it->second;
    std::string where = first_path.empty() ? "" : " (at " + first_path + ")";
    std::string message = what + " \"" + name + "\" is already used" + where;
    if (first_name != name) message += " as \"" + first_name + "\"; names are compared without case";
    out.push_back(error_at(path, message, hint));
  }
}

}  // namespace

bool is_sql_reserved_word(const std::string& name) {
  std::string upper = name;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return reserved_words().count(upper) > 0;
}

bool is_safe_sql_identifier(const std::string& name) {
  return identifier_shape(name) && !is_sql_reserved_word(name);
}

namespace validate_internal {

void check_names(const Topology& topo, std::vector<Diagnostic>& out) {
  if (topo.cluster.empty()) {
    out.push_back(error_at("cluster", "the cluster name is empty", "name the cluster, e.g. \"dpc1\""));
  } else if (!cluster_name_ok(topo.cluster)) {
    out.push_back(error_at("cluster", "cluster name \"" + topo.cluster +
                                          "\" may only hold letters, digits, _, - and .",
                           "dpcctl uses it in directory names; e.g. \"dpc-7.2\""));
  }
  for (const auto& inst : topo.instances) {
    const std::string path = field_path(inst.source_path, "name");
    check_name(inst.name, std::string(role_name(inst.role)) + " instance name", path, out);
    if (inst.name.size() > kInstanceNameWarnLength && identifier_shape(inst.name)) {
      out.push_back(warning_at(path, "instance name \"" + inst.name + "\" is longer than " +
                                         std::to_string(kInstanceNameWarnLength) + " characters",
                               "DM may refuse or cut long instance names; keep them to " +
                                   std::to_string(kInstanceNameWarnLength) + " characters"));
    }
  }
  for (const auto& raft : topo.rafts) {
    if (raft.role == Role::MP) continue;  // always MP_RAFT
    if (raft.role == Role::SP) {
      // The default "RAFT_<sp name>" is only as good as the SP's name, checked above.
      const Instance* sp = raft.members.empty() ? nullptr : topo.find_instance(raft.members[0]);
      if (sp != nullptr && raft.name == "RAFT_" + sp->name) continue;
      check_name(raft.name, "SP RAFT group name", field_path(raft.source_path, "raft"), out);
      continue;
    }
    check_name(raft.name, "RAFT group name", field_path(raft.source_path, "name"), out);
  }
  for (const auto& group : topo.bp_groups) {
    check_name(group.name, "BP group name", field_path(group.source_path, "name"), out);
  }
  for (const auto& domain : topo.fault_domains) {
    check_name(domain.name, "fault domain name", field_path(domain.source_path, "name"), out);
  }
}

void check_duplicates(const Topology& topo, std::vector<Diagnostic>& out) {
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& inst : topo.instances) {
    items.emplace_back(inst.name, field_path(inst.source_path, "name"));
  }
  report_duplicates(items, "instance name", "give every instance its own name", out);

  items.clear();
  for (const auto& raft : topo.rafts) {
    if (raft.role == Role::BP && lower(raft.name) == "mp_raft") {
      out.push_back(error_at(field_path(raft.source_path, "name"),
                             "\"" + raft.name + "\" is the name of the MP's RAFT group",
                             "choose another name for this BP RAFT group"));
      continue;
    }
    if (raft.role == Role::SP && lower(raft.name) == "mp_raft") {
      out.push_back(error_at(field_path(raft.source_path, "raft"),
                             "\"" + raft.name + "\" is the name of the MP's RAFT group",
                             "choose another SP RAFT group name (the default is RAFT_<SP name>)"));
      continue;
    }
    const char* field = raft.role == Role::SP ? "raft" : "name";
    items.emplace_back(raft.name, raft.role == Role::MP ? "" : field_path(raft.source_path, field));
  }
  report_duplicates(items, "RAFT group name",
                    "give every RAFT group (BP groups and SP groups alike) its own name", out);

  items.clear();
  for (const auto& group : topo.bp_groups) {
    items.emplace_back(group.name, field_path(group.source_path, "name"));
  }
  report_duplicates(items, "BP group name", "give every BP group its own name", out);

  items.clear();
  for (const auto& domain : topo.fault_domains) {
    items.emplace_back(domain.name, field_path(domain.source_path, "name"));
  }
  report_duplicates(items, "fault domain name",
                    "give every fault domain its own name (SP_CREATE_FAULT_DOMAIN refuses a "
                    "duplicate)",
                    out);
}

}  // namespace validate_internal

}  // namespace dpc
