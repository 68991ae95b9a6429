#include "core/registration_sql.h"

#include <set>

namespace dpc {
namespace {

std::string names_query(const std::string& table, const std::string& column,
                        const std::string& name) {
  return "SELECT " + column + " FROM " + table + " WHERE " + column + " = " + sql_literal(name);
}

std::string pair_query(const std::string& table, const std::string& col_a, const std::string& a,
                       const std::string& col_b, const std::string& b) {
  return "SELECT " + col_a + ", " + col_b + " FROM " + table + " WHERE " + col_a + " = " +
         sql_literal(a) + " AND " + col_b + " = " + sql_literal(b);
}

RegistrationCall register_call(const Topology& topo, const Instance& inst) {
  RegistrationCall call;
  call.id = "register:" + inst.name;
  call.instance = inst.name;
  const RegisteredState state = registered_state(topo, inst);
  call.title = std::string("register ") + role_name(inst.role) + " " + inst.name + " (" +
               state.sys_mode + ", " + std::to_string(state.status) + ")";
  call.statement = create_instance_sql(topo, inst);
  call.guard_query = names_query("DPC_INSTANCE", "NAME", inst.name);
  return call;
}

RegistrationCall create_raft_call(const RaftGroup& raft) {
  RegistrationCall call;
  call.id = "create-raft:" + raft.name;
  call.title = std::string("create ") + role_name(raft.role) + " RAFT group " + raft.name;
  call.statement = std::string("SP_CREATE_DPC_RAFT(") + sql_literal(role_name(raft.role)) + ", " +
                   sql_literal(raft.name) + ");";
  call.guard_query = names_query("DPC_BP_RAFT", "NAME", raft.name);
  return call;
}

}  // namespace

std::string sql_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      // Kept out of the literal, so every statement stays on one line.
      out += "' || CHR(" + std::to_string(u) + ") || '";
      continue;
    }
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

RegisteredState registered_state(const Topology& topo, const Instance& inst) {
  RegisteredState state;
  const RaftGroup* group = topo.find_raft(inst.raft);
  const bool replica = group != nullptr && group->replicated() && inst.role != Role::SP;
  if (replica) {
    state = {"STANDBY", 0};
  } else if (inst.role == Role::SP) {
    state = {"NORMAL", 2};
  } else {
    state = {"NORMAL", 1};
  }
  if (inst.register_status) state.status = *inst.register_status;
  return state;
}

std::string create_instance_sql(const Topology& topo, const Instance& inst) {
  const RegisteredState state = registered_state(topo, inst);
  const std::string raft = inst.role == Role::MP ? "NULL" : sql_literal(inst.raft);
  return "SP_CREATE_DPC_INSTANCE(" + raft + ", " + sql_literal(inst.name) + ", " +
         sql_literal(role_name(inst.role)) + ", " + std::to_string(inst.ap_port_num) + ", " +
         std::to_string(inst.port_num) + ", " + sql_literal(inst.ip_internal) + ", " +
         sql_literal(inst.ip_external) + ", " + sql_literal(state.sys_mode) + ", " +
         std::to_string(state.status) + ", " + sql_literal(inst.description) + ");";
}

std::vector<RegistrationCall> registration_script(const Topology& topo) {
  std::vector<RegistrationCall> script;

  // The MP the script runs on registers itself first, then its peers (7.3.4).
  std::vector<const Instance*> mps = topo.of_role(Role::MP);
  if (const RaftGroup* group = topo.mp_group()) mps = topo.members_of(*group);
  for (const Instance* mp : mps) script.push_back(register_call(topo, *mp));

  auto add_bp_raft = [&](const RaftGroup& raft) {
    script.push_back(create_raft_call(raft));
    for (const Instance* member : topo.members_of(raft)) {
      script.push_back(register_call(topo, *member));
    }
  };

  std::set<std::string> grouped;
  for (const BpGroup& group : topo.bp_groups) {
    for (const std::string& name : group.rafts) {
      const RaftGroup* raft = topo.find_raft(name);
      if (raft == nullptr || grouped.count(name) > 0) continue;
      grouped.insert(name);
      add_bp_raft(*raft);
    }
    RegistrationCall create;
    create.id = "create-bp-group:" + group.name;
    create.title = "create BP group " + group.name;
    create.statement = "SP_CREATE_DPC_BP_GROUP(" + sql_literal(group.name) + ", " +
                       sql_literal(group.description) + ");";
    create.guard_query = names_query("DPC_BP_GROUP", "NAME", group.name);
    script.push_back(create);
    for (const std::string& name : group.rafts) {
      RegistrationCall add;
      add.id = "bp-group-add:" + group.name + ":" + name;
      add.title = "add RAFT group " + name + " to BP group " + group.name;
      add.statement =
          "SP_BP_GROUP_ADD_RAFT(" + sql_literal(group.name) + ", " + sql_literal(name) + ");";
      add.guard_query = pair_query("DPC_BP_GROUP_RAFT", "GROUP_NAME", group.name, "RAFT_NAME", name);
      script.push_back(add);
    }
  }
  for (const RaftGroup& raft : topo.rafts) {
    if (raft.role == Role::BP && grouped.count(raft.name) == 0) add_bp_raft(raft);
  }

  for (const RaftGroup& raft : topo.rafts) {
    if (raft.role != Role::SP) continue;
    script.push_back(create_raft_call(raft));
    for (const Instance* sp : topo.members_of(raft)) script.push_back(register_call(topo, *sp));
  }

  for (const FaultDomain& domain : topo.fault_domains) {
    RegistrationCall create;
    create.id = "create-fault-domain:" + domain.name;
    create.title = "create fault domain " + domain.name;
    create.statement = "SP_CREATE_FAULT_DOMAIN(" + sql_literal(domain.name) + ", " +
                       sql_literal(domain.description) + ");";
    create.guard_query = names_query("DPC_FAULT_DOMAIN", "NAME", domain.name);
    script.push_back(create);
  }
  for (const FaultDomain& domain : topo.fault_domains) {
    for (const std::string& inst : domain.instances) {
      RegistrationCall mv;
      mv.id = "fault-domain-mv:" + domain.name + ":" + inst;
      mv.instance = inst;
      mv.title = "move " + inst + " into fault domain " + domain.name;
      mv.statement =
          "SP_FAULT_DOMAIN_MV_INST(" + sql_literal(domain.name) + ", " + sql_literal(inst) + ");";
      mv.guard_query =
          pair_query("DPC_FAULT_DOMAIN_INST", "DOMAIN_NAME", domain.name, "INST_NAME", inst);
      script.push_back(mv);
    }
  }
  return script;
}

}  // namespace dpc
