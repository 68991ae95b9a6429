// The catalog's tables as SELECT sees them (manual §7.1.5, §7.2.5, §7.3.5):
// columns in the manual's order, values rendered the way disql prints them
// (RAFT_INFO as hex, GROUP_ID -1, NULLs), then WHERE col = value filtering and
// column projection.
#include <cstdio>

#include "sim/catalog/catalog.h"

namespace dpc::sim {
namespace {

using Cell = std::optional<std::string>;

struct TableDef {
  const char* name;
  std::vector<std::string> columns;
};

const std::vector<TableDef>& table_defs() {
  static const std::vector<TableDef> defs = {
      {"DPC_BP_GROUP", {"ID", "NAME", "DESCRIPTION", "RAFT_NUM", "RAFT_INFO", "INFO1", "INFO2", "INFO3"}},
      {"DPC_BP_RAFT", {"RAFT_ID", "GROUP_ID", "DPC_MODE", "NAME", "IS_VALID", "INFO1", "INFO2", "INFO3"}},
      {"DPC_INSTANCE",
       {"RAFT_ID", "INST_ID", "NAME", "DPC_MODE", "XMAL_PORT", "INST_PORT", "IP_INTERNAL", "SYS_MODE",
        "SYS_STATUS", "STATUS", "DESCRIPTION", "IP_EXTERNAL", "INFO1", "INFO2", "INFO3"}},
      {"DPC_FAULT_DOMAIN", {"ID", "NAME", "DESCRIPTION"}},
      {"DPC_FAULT_DOMAIN_INST", {"DOMAIN_NAME", "INST_NAME"}},
      {"DPC_BP_GROUP_RAFT", {"GROUP_NAME", "RAFT_NAME"}},
  };
  return defs;
}

const TableDef* find_def(const std::string& table) {
  for (const TableDef& d : table_defs()) {
    if (table == d.name) return &d;
  }
  return nullptr;
}

Cell num(int64_t v) { return std::to_string(v); }

/// Member RAFT_IDs as little-endian uint16 in hex: {1, 2} -> "0x01000200".
Cell raft_info(const std::vector<int>& rafts) {
  if (rafts.empty()) return std::nullopt;
  std::string out = "0x";
  for (int id : rafts) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02X%02X", static_cast<unsigned>(id) & 0xFFu,
                  (static_cast<unsigned>(id) >> 8) & 0xFFu);
    out += buf;
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

bool matches(const Cell& cell, const SqlValue& v) {
  if (!cell || v.is_null()) return false;  // SQL: = NULL is never true
  if (v.kind == SqlValue::Kind::Int) return *cell == std::to_string(v.i);
  return *cell == v.s;
}

}  // namespace

bool Catalog::has_table(const std::string& table) { return find_def(table) != nullptr; }

Result<Rows> Catalog::table_rows(const std::string& table) const {
  const TableDef* def = find_def(table);
  if (!def) {
    std::vector<std::string> names;
    for (const TableDef& d : table_defs()) names.push_back(d.name);
    return make_error("table " + table + " is not in the MP catalog; its tables are " + join(names));
  }
  Rows out;
  out.columns = def->columns;
  if (table == "DPC_BP_GROUP") {
    for (const CatalogBpGroup& g : bp_groups_) {
      out.rows.push_back({num(g.id), g.name, g.description, num(static_cast<int64_t>(g.rafts.size())),
                          raft_info(g.rafts), num(0), std::nullopt, std::nullopt});
    }
  } else if (table == "DPC_BP_RAFT") {
    for (const CatalogRaft& r : rafts_) {
      out.rows.push_back({num(r.raft_id), num(r.group_id), r.dpc_mode, r.name, num(r.is_valid), std::nullopt,
                          std::nullopt, std::nullopt});
    }
  } else if (table == "DPC_INSTANCE") {
    for (const CatalogInstance& i : instances_) {
      out.rows.push_back({num(i.raft_id), num(i.inst_id), i.name, i.dpc_mode, num(i.xmal_port), num(i.inst_port),
                          i.ip_internal, i.sys_mode, num(i.sys_status), num(i.status), i.description,
                          i.ip_external, i.info1 ? num(*i.info1) : std::nullopt, std::nullopt, std::nullopt});
    }
  } else if (table == "DPC_FAULT_DOMAIN") {
    for (const CatalogFaultDomain& d : fault_domains_) out.rows.push_back({num(d.id), d.name, d.description});
  } else if (table == "DPC_FAULT_DOMAIN_INST") {
    for (const CatalogFaultDomain& d : fault_domains_) {
      for (const CatalogInstance& i : instances_) {
        if (i.fault_domain == d.name) out.rows.push_back({d.name, i.name});
      }
    }
  } else if (table == "DPC_BP_GROUP_RAFT") {
    for (const CatalogBpGroup& g : bp_groups_) {
      for (int id : g.rafts) {
        const CatalogRaft* r = raft_by_id(id);
        out.rows.push_back({g.name, r ? Cell(r->name) : std::nullopt});
      }
    }
  }
  return out;
}

Result<Rows> Catalog::select(const Select& query) const {
  auto all = table_rows(query.table);
  if (!all) return all.error();
  const Rows& full = *all;
  auto column_of = [&](const std::string& col) -> Result<int> {
    int idx = full.column(col);
    if (idx < 0) {
      return make_error("table " + query.table + " has no column " + col + "; its columns are " +
                        join(full.columns));
    }
    return idx;
  };

  std::vector<std::pair<int, const SqlValue*>> filters;
  for (const auto& [col, value] : query.where) {
    auto idx = column_of(col);
    if (!idx) return idx.error();
    filters.emplace_back(*idx, &value);
  }
  std::vector<int> picked;
  if (query.columns.empty()) {
    for (size_t i = 0; i < full.columns.size(); ++i) picked.push_back(static_cast<int>(i));
  } else {
    for (const std::string& col : query.columns) {
      auto idx = column_of(col);
      if (!idx) return idx.error();
      picked.push_back(*idx);
    }
  }

  Rows out;
  for (int idx : picked) out.columns.push_back(full.columns[idx]);
  for (const auto& row : full.rows) {
    bool keep = true;
    for (const auto& [idx, value] : filters) keep = keep && matches(row[idx], *value);
    if (!keep) continue;
    std::vector<Cell> projected;
    projected.reserve(picked.size());
    for (int idx : picked) projected.push_back(row[idx]);
    out.rows.push_back(std::move(projected));
  }
  return out;
}

}  // namespace dpc::sim
