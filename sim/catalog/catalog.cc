// Catalog: construction, look-ups, live-state updates and the dispatch of a
// procedure call (argument check, the MP-registers-itself-first rule, then
// the procedure in catalog_procs.cc). Tables are in catalog_tables.cc.
#include "sim/catalog/catalog.h"

#include <utility>

#include "sim/catalog/catalog_args.h"

namespace dpc::sim {
namespace {

std::string sql_literal(const SqlValue& v) {
  switch (v.kind) {
    case SqlValue::Kind::Null: return "NULL";
    case SqlValue::Kind::Int: return std::to_string(v.i);
    case SqlValue::Kind::String: {
      std::string out = "'";
      for (char c : v.s) {
        out += c;
        if (c == '\'') out += '\'';
      }
      return out + "'";
    }
  }
  return "?";
}

/// The call as it would be typed, for messages.
std::string call_text(const ProcCall& call) {
  std::string out = call.name + "(";
  for (size_t i = 0; i < call.args.size(); ++i) {
    if (i) out += ", ";
    out += sql_literal(call.args[i]);
  }
  return out + ")";
}

}  // namespace

Catalog::Catalog() {
  CatalogRaft mp_raft;
  mp_raft.raft_id = 0;
  mp_raft.dpc_mode = "MP";
  mp_raft.name = "MP_RAFT";
  rafts_.push_back(mp_raft);
}

bool Catalog::has_procedure(const std::string& proc) { return !signatures_of(proc).empty(); }

Result<Rows> Catalog::call(const ProcCall& call, const std::string& self) {
  if (!has_procedure(call.name)) {
    std::string names;
    for (const ProcSignature& sig : catalog_signatures()) {
      if (names.find(std::string(sig.proc) + ",") != std::string::npos) continue;
      names += std::string(sig.proc) + ", ";
    }
    return make_error("unknown procedure " + call.name + ": the MP catalog serves " +
                      names.substr(0, names.size() - 2));
  }
  if (Status s = check_args(call); !s) return s.error();
  if (!mp_self_registered() && call.name != "SP_CREATE_DPC_INSTANCE") {
    const std::string who = self.empty() ? "<its name>" : self;
    return make_error(call_text(call) + " refused: the MP you are logged in to (" + who +
                      ") must register itself first, with SP_CREATE_DPC_INSTANCE(NULL, '" + who +
                      "', 'MP', ...), before anything else is registered (manual 7.1.4)");
  }
  const std::vector<SqlValue>& a = call.args;
  const std::string& n = call.name;
  if (n == "SP_CREATE_DPC_RAFT") return create_raft(a);
  if (n == "SP_CREATE_DPC_INSTANCE") return create_instance(a, self);
  if (n == "SP_CREATE_DPC_BP_GROUP") return create_bp_group(a);
  if (n == "SP_BP_GROUP_ADD_RAFT") return bp_group_add_raft(a);
  if (n == "SP_CREATE_FAULT_DOMAIN") return create_fault_domain(a);
  if (n == "SP_FAULT_DOMAIN_MV_INST") return fault_domain_mv_inst(a);
  if (n == "SP_DROP_DPC_INSTANCE") return drop_instance(a, self);
  if (n == "SP_DROP_DPC_RAFT") return drop_raft(a);
  if (n == "SP_DROP_DPC_BP_GROUP") return drop_bp_group(a);
  return alter_instance(a);  // SP_ALTER_DPC_INSTANCE, the last signature
}

const CatalogInstance* Catalog::instance(const std::string& name) const {
  auto it = instance_at_.find(name);
  return it == instance_at_.end() ? nullptr : &instances_[it->second];
}

const CatalogRaft* Catalog::raft(const std::string& name) const {
  for (const CatalogRaft& r : rafts_) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

const CatalogRaft* Catalog::raft_by_id(int raft_id) const {
  for (const CatalogRaft& r : rafts_) {
    if (r.raft_id == raft_id) return &r;
  }
  return nullptr;
}

const CatalogBpGroup* Catalog::bp_group(const std::string& name) const {
  for (const CatalogBpGroup& g : bp_groups_) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

const CatalogFaultDomain* Catalog::fault_domain(const std::string& name) const {
  for (const CatalogFaultDomain& d : fault_domains_) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

CatalogInstance* Catalog::find_instance(const std::string& name) {
  return const_cast<CatalogInstance*>(std::as_const(*this).instance(name));
}

CatalogRaft* Catalog::find_raft(const std::string& name) {
  return const_cast<CatalogRaft*>(std::as_const(*this).raft(name));
}

CatalogBpGroup* Catalog::find_bp_group(const std::string& name) {
  return const_cast<CatalogBpGroup*>(std::as_const(*this).bp_group(name));
}

std::vector<const CatalogInstance*> Catalog::members(int raft_id) const {
  std::vector<const CatalogInstance*> out;
  for (const CatalogInstance& i : instances_) {
    if (i.raft_id == raft_id) out.push_back(&i);
  }
  return out;
}

bool Catalog::set_runtime(const std::string& name, const std::string& sys_mode, int sys_status,
                          int status) {
  CatalogInstance* inst = find_instance(name);
  if (!inst) return false;
  inst->sys_mode = sys_mode;
  inst->sys_status = sys_status;
  inst->status = status;
  return true;
}

}  // namespace dpc::sim
