// DmServer: SQL as disql or ODBC would send it — catalog procedures and
// tables on the MP, SP_SET_RAFT_ELECT on a replica, V$ views anywhere
// (views.cc), and every other statement subject to the SP's health rule:
// "无效的系统状态" unless the MP, this SP and every BP RAFT group's leader are
// OPEN [M7.1.6, M7.2.8].
#include <type_traits>
#include <variant>

#include "sim/model/dmserver.h"
#include "sim/engine/text_util.h"

namespace dpc::sim {
namespace {

Rows one_row() {
  Rows r;
  r.columns = {"1"};
  r.rows.push_back({std::string("1")});
  return r;
}

}  // namespace

Result<Rows> DmServer::execute(const std::string& statement) {
  unfold_group();  // SQL may read or change the group's RAFT state
  auto parsed = parse_sql(statement);
  if (!parsed.ok()) return Error{"[-2007]:语法分析出错 (syntax error on " + name_ + "): " + parsed.message()};
  return std::visit(
      [this](auto& s) -> Result<Rows> {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, ProcCall>) {
          return call_procedure(s);
        } else if constexpr (std::is_same_v<T, Select>) {
          return select(s);
        } else {
          return other_statement(s);
        }
      },
      *parsed);
}

Result<Rows> DmServer::call_procedure(const ProcCall& call) {
  if (call.name == "SP_SET_RAFT_ELECT") {
    if (call.args.size() != 1 || call.args[0].kind != SqlValue::Kind::Int ||
        (call.args[0].i != 0 && call.args[0].i != 1)) {
      return Error{"[-6803]:SP_SET_RAFT_ELECT takes one argument, 0 (never stand for election) or "
                   "1 (stand again)"};
    }
    if (!raft_) {
      return Error{"[-6803]:SP_SET_RAFT_ELECT on " + name_ +
                   ": it is not a RAFT replica running in a group (started with MOUNT)"};
    }
    raft_->set_can_elect(call.args[0].i == 1);
    w_.log(name_, "raft.elect", call.args[0].i == 1 ? "SP_SET_RAFT_ELECT(1): may stand again"
                                                    : "SP_SET_RAFT_ELECT(0): votes but never stands");
    after_raft();
    return Rows{};
  }
  if (Catalog::has_procedure(call.name)) {
    if (dpc_mode_ != "MP") {
      return Error{"[-6804]:" + call.name + " changes the DMDPC catalog and runs only on the MP; " +
                   name_ + " is " + dpc_mode_ + " (connect to the MP)"};
    }
    if (!serving_mp()) {
      return Error{"[-6805]:" + name_ + " cannot change the catalog: " +
                   (raft_ ? std::string("it is not the MP_RAFT leader (PRIMARY and OPEN)")
                          : std::string("it is not OPEN"))};
    }
    auto result = catalog()->call(call, name_);
    if (result.ok()) {
      w_.log(name_, "mp.catalog", call.name);
      catalog_changed();
    }
    return result;
  }
  if (call.name == "SP_ADD_RAFT_NODE") return add_raft_node(call);
  if (call.name == "SP_DEL_RAFT_NODE") return del_raft_node(call);
  static const char* const kUnmodelled[] = {"SP_RAFT_SUSPEND_THREAD", "SP_RAFT_SWITCHOVER",
                                            "SP_MODIFY_DPC_INSTANCE"};
  for (const char* p : kUnmodelled) {
    if (call.name == p) {
      return Error{"[-6806]:" + call.name + " is a DM procedure the simulator does not model yet"};
    }
  }
  return Error{"[-2207]:无效的过程或函数名 (invalid procedure or function name) " + call.name};
}

Result<Rows> DmServer::select(const Select& q) {
  if (q.table.rfind("V$", 0) == 0) return view(q);
  if (Catalog::has_table(q.table)) {
    if (dpc_mode_ != "MP") {
      return Error{"[-2106]:" + q.table + " is a table of the MP catalog; query it on the MP (" +
                   name_ + " is " + dpc_mode_ + ")"};
    }
    if (sys_status_ != kOpen || !catalog()) {
      return Error{"[-6010]:" + name_ + " is " + sys_status_name(sys_status_) +
                   "; the catalog can be read once it is OPEN"};
    }
    return catalog()->select(q);
  }
  if (q.table == "DUAL") return other_statement(OtherStatement{"SELECT FROM DUAL", true});
  if (dpc_mode_ == "SP") {
    if (auto problem = health_problem()) return Error{"[-7021]:无效的系统状态 (" + *problem + ")"};
  }
  return Error{"[-2106]:无效的表或视图名 (invalid table or view name) [" + q.table + "]"};
}

Result<Rows> DmServer::other_statement(const OtherStatement& stmt) {
  const std::string text = upper(stmt.text);
  const std::vector<std::string> words = split_words(text);
  if (words.size() >= 3 && words[0] == "ALTER" && words[1] == "DATABASE" &&
      (words[2] == "OPEN" || words[2] == "OPEN;")) {
    if (sys_status_ == kOpen) return Rows{};
    if (raft_ || sys_status_ != kMount) {
      return Error{"[-6012]:" + name_ + " cannot be opened by SQL now (" +
                   (raft_ ? std::string("a RAFT member opens when its group elects")
                          : std::string(sys_status_name(sys_status_))) + ")"};
    }
    open_standalone();
    return Rows{};
  }
  if (dpc_mode_ == "SP") {
    if (auto problem = health_problem()) return Error{"[-7021]:无效的系统状态 (" + *problem + ")"};
    if (stmt.is_query) return one_row();
    write_dml_redo();
    return Rows{};
  }
  if (sys_status_ != kOpen) {
    return Error{"[-6010]:" + name_ + " is " + sys_status_name(sys_status_) +
                 "; only V$ views can be queried"};
  }
  if (stmt.is_query) return one_row();
  if (raft_ && raft_->role() != RaftRole::Leader) {
    return Error{"[-6011]:" + name_ + " is a STANDBY of " + raft_group_ + "; it is read-only"};
  }
  if (raft_) {
    raft_->append(w_.timing.dml_redo_lsn, image_->db_magic);
    send_raft(raft_->replicate(to_ms(w_.now())));
    after_raft();
  } else {
    image_->append_local(w_.timing.dml_redo_lsn);
  }
  return Rows{};
}

std::optional<std::string> DmServer::health_problem() {
  if (sys_status_ != kOpen) return name_ + " is " + sys_status_name(sys_status_);
  std::string why;
  DmServer* mp = find_serving_mp(&why);
  if (!mp) return "no MP serves the catalog: " + why;
  const Catalog* cat = mp->catalog();
  if (!cat) return "the MP has no catalog";
  for (const auto& raft : cat->rafts()) {
    if (raft.dpc_mode != "BP") continue;
    const auto members = cat->members(raft.raft_id);
    if (members.empty()) continue;
    bool serving = false;
    for (const CatalogInstance* m : members) {
      DmServer* s = w_.server(m->name);
      if (!s || s->proc_ != ProcState::Running || s->sys_status_ != kOpen) continue;
      if (!w_.net.reachable(*endpoint_, *s->endpoint_)) continue;
      if (members.size() > 1) {
        serving = s->raft_ && s->raft_->role() == RaftRole::Leader && s->sys_mode_ == "PRIMARY";
      } else {
        serving = !s->raft_ || s->raft_->role() == RaftRole::Leader;
      }
      if (serving) break;
    }
    if (!serving) {
      if (members.size() > 1) return raft.name + " has no PRIMARY/OPEN leader reachable from " + name_;
      return raft.name + ": " + members[0]->name + " is not OPEN (or not reachable from " + name_ + ")";
    }
  }
  return std::nullopt;
}

void DmServer::write_dml_redo() {
  DmServer* mp = find_serving_mp();
  const Catalog* cat = mp ? mp->catalog() : nullptr;
  if (!cat) return;
  for (const auto& raft : cat->rafts()) {
    if (raft.dpc_mode != "BP") continue;
    for (const CatalogInstance* m : cat->members(raft.raft_id)) {
      DmServer* s = w_.server(m->name);
      if (!s || s->proc_ != ProcState::Running || s->sys_status_ != kOpen || !s->image_) continue;
      if (s->raft_) {
        if (s->raft_->role() != RaftRole::Leader) continue;
        s->unfold_group();
        s->raft_->append(w_.timing.dml_redo_lsn, s->image_->db_magic);
        s->send_raft(s->raft_->replicate(to_ms(w_.now())));
        s->after_raft();
      } else {
        s->image_->append_local(w_.timing.dml_redo_lsn);
      }
      break;
    }
  }
}

}  // namespace dpc::sim
