// DmServer: the V$ views an instance answers, in MOUNT or OPEN.
//   V$INSTANCE (and V$DPC_EDCT_INSTANCE): on an SP one row per registered
//     instance, its own first [M7.1.7]; elsewhere its own row. Columns NAME,
//     INSTANCE_NAME, HOST_NAME, DPC_MODE, RAFT_NAME, STATUS$, MODE$.
//   V$DATABASE: NAME, STATUS$ (the SYS_STATUS code), DPC_MODE, DB_MAGIC,
//     PERMANENT_MAGIC, DPC_MAGIC.
//   V$RAFT_INFO [model]: on a RAFT replica SELF_ID, ROLE, TERM, LEADER_ID,
//     C_LSN, LAST_LSN, VOTE_INTERVAL, CAN_ELECT; no rows elsewhere.
//   V$DPC_EDCT_RAFT: RAFT_ID, DPC_MODE, IS_VALID, NAME, L_TERM_ID [M8].
// WHERE col = value and the column list are applied as for any SELECT.
#include "sim/model/dmserver.h"
#include "sim/engine/text_util.h"

namespace dpc::sim {
namespace {

using Cell = std::optional<std::string>;

/// Applies WHERE (col = value, ANDed) and the column list of `q` to `all`.
Result<Rows> shape(const Rows& all, const Select& q) {
  std::vector<std::pair<int, const SqlValue*>> filters;
  for (const auto& [col, value] : q.where) {
    const int c = all.column(col);
    if (c < 0) return Error{"[-2111]:无效的列名 (invalid column name) [" + col + "] in " + q.table};
    filters.push_back({c, &value});
  }
  std::vector<int> pick;
  if (q.columns.empty()) {
    for (size_t i = 0; i < all.columns.size(); ++i) pick.push_back(static_cast<int>(i));
  } else {
    for (const auto& col : q.columns) {
      const int c = all.column(col);
      if (c < 0) return Error{"[-2111]:无效的列名 (invalid column name) [" + col + "] in " + q.table};
      pick.push_back(c);
    }
  }
  Rows out;
  for (int c : pick) out.columns.push_back(all.columns[static_cast<size_t>(c)]);
  for (const auto& row : all.rows) {
    bool keep = true;
    for (const auto& [c, v] : filters) {
      const Cell& cell = row[static_cast<size_t>(c)];
      if (v->is_null()) {
        keep = keep && !cell;
      } else if (!cell) {
        keep = false;
      } else if (v->kind == SqlValue::Kind::Int) {
        keep = keep && *cell == std::to_string(v->i);
      } else {
        keep = keep && *cell == v->s;
      }
    }
    if (!keep) continue;
    std::vector<Cell> r;
    for (int c : pick) r.push_back(row[static_cast<size_t>(c)]);
    out.rows.push_back(std::move(r));
  }
  return out;
}

std::string hex(uint64_t v) {
  static const char* digits = "0123456789ABCDEF";
  std::string s = "0x";
  for (int shift = 60; shift >= 0; shift -= 4) s += digits[(v >> shift) & 0xF];
  return s;
}

}  // namespace

Result<Rows> DmServer::view(const Select& q) {
  Rows all;
  const std::string& t = q.table;
  if (t == "V$INSTANCE" || t == "V$DPC_EDCT_INSTANCE") {
    all.columns = {"NAME", "INSTANCE_NAME", "HOST_NAME", "DPC_MODE", "RAFT_NAME", "STATUS$", "MODE$"};
    auto row_of = [&](const std::string& inst, const CatalogInstance* ci) {
      DmServer* s = inst == name_ ? this : w_.server(inst);
      const bool live = s && s->running() &&
                        (s == this || w_.net.reachable(*endpoint_, *s->endpoint_));
      std::vector<Cell> r;
      r.push_back(inst);
      r.push_back(inst);
      r.push_back(s ? s->host_ : (ci ? ci->ip_internal : std::string()));
      r.push_back(s && !s->dpc_mode_.empty() ? s->dpc_mode_ : (ci ? ci->dpc_mode : std::string()));
      r.push_back(s && !s->raft_group_.empty() ? Cell(s->raft_group_) : Cell());
      r.push_back(std::string(live ? sys_status_name(s->sys_status_) : "SHUTDOWN"));
      r.push_back(live ? s->sys_mode_ : (ci ? ci->sys_mode : std::string("NORMAL")));
      all.rows.push_back(std::move(r));
    };
    DmServer* mp = dpc_mode_ == "SP" ? find_serving_mp() : nullptr;
    const Catalog* cat = mp ? mp->catalog() : nullptr;
    row_of(name_, cat ? cat->instance(name_) : nullptr);
    if (cat) {
      for (const auto& ci : cat->instances()) {
        if (ci.name != name_) row_of(ci.name, &ci);
      }
    }
  } else if (t == "V$DATABASE") {
    all.columns = {"NAME", "STATUS$", "DPC_MODE", "DB_MAGIC", "PERMANENT_MAGIC", "DPC_MAGIC"};
    all.rows.push_back({image_ ? image_->db_name : std::string("DAMENG"),
                        std::to_string(sys_status_), dpc_mode_,
                        image_ ? Cell(hex(image_->db_magic)) : Cell(),
                        image_ ? Cell(hex(image_->permanent_magic)) : Cell(),
                        image_ ? Cell(hex(image_->dpc_magic)) : Cell()});
  } else if (t == "V$RAFT_INFO") {
    all.columns = {"SELF_ID", "ROLE", "TERM", "LEADER_ID", "C_LSN", "LAST_LSN", "VOTE_INTERVAL",
                   "CAN_ELECT"};
    if (raft_) {
      all.rows.push_back({std::to_string(raft_->self_id()), upper(raft_role_name(raft_->role())),
                          std::to_string(raft_->term()), std::to_string(raft_->leader_id()),
                          std::to_string(raft_->commit_lsn()), std::to_string(raft_->last_lsn()),
                          std::to_string(cfg_.vote_interval),
                          std::string(raft_->config().can_elect ? "1" : "0")});
    }
  } else if (t == "V$DPC_EDCT_RAFT") {
    all.columns = {"RAFT_ID", "DPC_MODE", "IS_VALID", "NAME", "L_TERM_ID"};
    DmServer* mp = find_serving_mp();
    const Catalog* cat = mp ? mp->catalog() : nullptr;
    if (cat) {
      for (const auto& raft : cat->rafts()) {
        Term term = 0;
        for (const CatalogInstance* m : cat->members(raft.raft_id)) {
          DmServer* s = w_.server(m->name);
          if (s && s->raft_ && s->raft_->role() == RaftRole::Leader) term = s->raft_->term();
        }
        all.rows.push_back({std::to_string(raft.raft_id), raft.dpc_mode,
                            std::to_string(raft.is_valid), raft.name, std::to_string(term)});
      }
    }
  } else {
    return Error{"[-2106]:无效的表或视图名 (invalid table or view name) [" + t + "]"};
  }
  return shape(all, q);
}

}  // namespace dpc::sim
