// The catalog's registration procedures (manual §7.1.4, §7.2.4, §7.3.4 and
// the configuration chapter's procedure list): each one's rules, in the order
// a DBA would trip over them. Arguments arrive checked for count and type
// (catalog_args.cc); the MP-first rule for everything but
// SP_CREATE_DPC_INSTANCE is checked in Catalog::call.
#include <algorithm>
#include <cctype>
#include <optional>

#include "sim/catalog/catalog.h"

namespace dpc::sim {
namespace {

constexpr int kMinPort = 1024;
constexpr int kMaxPort = 65534;
constexpr const char* kMpRaft = "MP_RAFT";

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

/// A TextOrNull argument: NULL reads as "".
std::string text(const SqlValue& v) { return v.is_null() ? std::string() : v.s; }

std::string quoted(const std::string& s) { return "'" + s + "'"; }

bool valid_sys_mode(const std::string& m) { return m == "NORMAL" || m == "PRIMARY" || m == "STANDBY"; }
bool valid_status(int64_t s) { return s >= 0 && s <= 2; }

Error sys_mode_error(const char* proc, const std::string& name, const std::string& given) {
  return make_error(std::string(proc) + ": SYS_MODE " + quoted(given) + " for " + quoted(name) +
                    " must be 'NORMAL', 'PRIMARY' or 'STANDBY' (replicas register 'STANDBY', single "
                    "instances 'NORMAL')");
}

Error status_error(const char* proc, const std::string& name, int64_t given) {
  return make_error(std::string(proc) + ": STATUS " + std::to_string(given) + " for " + quoted(name) +
                    " must be 1 (valid), 0 (invalid) or 2 (SP exited normally)");
}

Rows no_rows() { return Rows{}; }

/// "a BP", "an SP", "an MP": the article English wants before a role.
std::string a_role(const std::string& mode) { return (mode == "BP" ? "a " : "an ") + mode; }

/// "the MP RAFT group", "an SP RAFT group", "a BP RAFT group".
std::string group_kind(const CatalogRaft& r) {
  return r.dpc_mode == "MP" ? "the MP RAFT group" : a_role(r.dpc_mode) + " RAFT group";
}

/// SP_CREATE_DPC_INSTANCE's arguments by name: nine with IP, ten with
/// IP_INTER and IP_EXTER.
struct InstanceArgs {
  bool ten = false;
  std::string raft_arg, name, mode;
  int64_t ap_port = 0, inst_port = 0;
  std::string ip_inter, ip_exter, sys_mode, sys_mode_given;
  int64_t status = 0;
  std::string desc;
};

InstanceArgs instance_args(const std::vector<SqlValue>& args) {
  InstanceArgs a;
  a.ten = args.size() == 10;
  const size_t o = a.ten ? 1 : 0;  // offset of the arguments after IP_INTER/IP
  a.raft_arg = text(args[0]);
  a.name = args[1].s;
  a.mode = upper(args[2].s);
  a.ap_port = args[3].i;
  a.inst_port = args[4].i;
  a.ip_inter = args[5].s;
  a.ip_exter = a.ten && !text(args[6]).empty() ? args[6].s : a.ip_inter;
  a.sys_mode_given = args[6 + o].s;
  a.sys_mode = upper(a.sys_mode_given);
  a.status = args[7 + o].i;
  a.desc = text(args[8 + o]);
  return a;
}

constexpr const char* kCreateInstance = "SP_CREATE_DPC_INSTANCE";

/// The RAFT group the instance joins (MP_RAFT for an MP), or why it cannot.
std::optional<Error> join_group(const Catalog& c, const InstanceArgs& a, const CatalogRaft*& group) {
  static const char* kProc = kCreateInstance;
  if (a.mode == "MP") {
    if (!a.raft_arg.empty() && a.raft_arg != kMpRaft) {
      return make_error(std::string(kProc) + ": MP " + quoted(a.name) + " belongs to MP_RAFT; give RAFT_NAME "
                        "NULL, '' or 'MP_RAFT', not " + quoted(a.raft_arg));
    }
    group = c.raft_by_id(0);
  } else {
    if (a.raft_arg.empty()) {
      return make_error(std::string(kProc) + ": " + a.mode + " " + quoted(a.name) + " needs a RAFT_NAME: create "
                        "its group first with SP_CREATE_DPC_RAFT('" + a.mode + "', name)");
    }
    group = c.raft(a.raft_arg);
    if (!group) {
      return make_error(std::string(kProc) + ": RAFT group " + quoted(a.raft_arg) + " for " + quoted(a.name) +
                        " does not exist; create it first with SP_CREATE_DPC_RAFT('" + a.mode + "', '" +
                        a.raft_arg + "')");
    }
    if (group->dpc_mode != a.mode) {
      return make_error(std::string(kProc) + ": " + quoted(a.raft_arg) + " is " + group_kind(*group) + "; " +
                        a.mode + " instance " + quoted(a.name) + " needs " + a_role(a.mode) + " RAFT group");
    }
    if (a.mode == "SP") {
      std::vector<const CatalogInstance*> sps = c.members(group->raft_id);
      if (!sps.empty()) {
        return make_error(std::string(kProc) + ": SP RAFT group " + quoted(a.raft_arg) + " already holds SP " +
                          quoted(sps.front()->name) + "; an SP RAFT group holds at most one SP, so create "
                          "another with SP_CREATE_DPC_RAFT('SP', name) for " + quoted(a.name));
      }
    }
  }
  return std::nullopt;
}

/// The instance's ports and IP: in range, different, not another
/// instance's on the same IP.
std::optional<Error> address_error(const Catalog& c, const InstanceArgs& a) {
  static const char* kProc = kCreateInstance;
  for (auto [param, port] : {std::pair<const char*, int64_t>{"AP_PORT", a.ap_port}, {"INST_PORT", a.inst_port}}) {
    if (port < kMinPort || port > kMaxPort) {
      return make_error(std::string(kProc) + ": " + param + " " + std::to_string(port) + " for " +
                        quoted(a.name) + " is outside " + std::to_string(kMinPort) + ".." +
                        std::to_string(kMaxPort));
    }
  }
  if (a.ap_port == a.inst_port) {
    return make_error(std::string(kProc) + ": AP_PORT and INST_PORT of " + quoted(a.name) + " are both " +
                      std::to_string(a.ap_port) + "; they must differ");
  }
  if (a.ip_inter.empty()) {
    return make_error(std::string(kProc) + ": " + (a.ten ? "IP_INTER" : "IP") + " of " + quoted(a.name) +
                      " must not be empty");
  }
  for (const CatalogInstance& other : c.instances()) {
    if (other.ip_internal != a.ip_inter) continue;
    for (int64_t port : {a.ap_port, a.inst_port}) {
      if (port == other.xmal_port || port == other.inst_port) {
        return make_error(std::string(kProc) + ": port " + std::to_string(port) + " on " + a.ip_inter +
                          " is already registered for " + quoted(other.name) + " (AP_PORT " +
                          std::to_string(other.xmal_port) + ", INST_PORT " + std::to_string(other.inst_port) +
                          "); give " + quoted(a.name) + " ports no other instance on that IP uses");
      }
    }
  }
  return std::nullopt;
}

}  // namespace

Result<Rows> Catalog::create_raft(const std::vector<SqlValue>& args) {
  const std::string mode = upper(args[0].s);
  const std::string& name = args[1].s;
  if (mode == "MP") {
    return make_error("SP_CREATE_DPC_RAFT: DPC_MODE 'MP' refused: MP_RAFT (RAFT_ID 0) exists from the "
                      "start; register MPs into it with SP_CREATE_DPC_INSTANCE(NULL, name, 'MP', ...)");
  }
  if (mode != "BP" && mode != "SP") {
    return make_error("SP_CREATE_DPC_RAFT: DPC_MODE " + quoted(args[0].s) + " for RAFT group " +
                      quoted(name) + " must be 'BP' or 'SP'");
  }
  if (name.empty()) return make_error("SP_CREATE_DPC_RAFT: RAFT_NAME must not be empty");
  if (const CatalogRaft* r = raft(name)) {
    return make_error("SP_CREATE_DPC_RAFT: a RAFT group named " + quoted(name) + " already exists (RAFT_ID " +
                      std::to_string(r->raft_id) + ", " + r->dpc_mode + "); RAFT group names must be unique");
  }
  CatalogRaft r;
  r.raft_id = next_raft_id_++;
  r.dpc_mode = mode;
  r.name = name;
  rafts_.push_back(r);
  return no_rows();
}

Result<Rows> Catalog::create_instance(const std::vector<SqlValue>& args, const std::string& self) {
  static const char* kProc = kCreateInstance;
  const InstanceArgs a = instance_args(args);
  const std::string& name = a.name;
  const std::string& mode = a.mode;
  if (!mp_self_registered() && (mode != "MP" || (!self.empty() && name != self))) {
    const std::string who = self.empty() ? "<its name>" : self;
    return make_error(std::string(kProc) + ": " + quoted(name) + " cannot be registered yet: the MP you "
                      "are logged in to (" + who + ") must register itself first, with " + kProc +
                      "(NULL, '" + who + "', 'MP', ...), before anything else is registered (manual 7.1.4)");
  }
  if (mode != "MP" && mode != "SP" && mode != "BP") {
    return make_error(std::string(kProc) + ": DPC_MODE " + quoted(args[2].s) + " for " + quoted(name) +
                      " must be 'MP', 'SP' or 'BP'");
  }
  if (name.empty()) return make_error(std::string(kProc) + ": NAME must not be empty");
  if (const CatalogInstance* dup = instance(name)) {
    return make_error(std::string(kProc) + ": an instance named " + quoted(name) +
                      " is already registered (INST_ID " + std::to_string(dup->inst_id) + ", " + dup->dpc_mode +
                      "); instance names must be unique");
  }
  const CatalogRaft* group = nullptr;
  if (auto e = join_group(*this, a, group)) return *e;
  if (auto e = address_error(*this, a)) return *e;
  if (!valid_sys_mode(a.sys_mode)) return sys_mode_error(kProc, name, a.sys_mode_given);
  if (!valid_status(a.status)) return status_error(kProc, name, a.status);

  CatalogInstance inst;
  inst.raft_id = group->raft_id;
  inst.inst_id = next_inst_id_++;
  inst.name = name;
  inst.dpc_mode = mode;
  inst.xmal_port = static_cast<int>(a.ap_port);
  inst.inst_port = static_cast<int>(a.inst_port);
  inst.ip_internal = a.ip_inter;
  inst.sys_mode = a.sys_mode;
  inst.sys_status = 6;
  inst.status = static_cast<int>(a.status);
  inst.description = a.desc;
  inst.ip_external = a.ip_exter;
  if (mode != "SP") {
    int64_t k = 0;
    for (const CatalogInstance* m : members(group->raft_id)) k = std::max(k, m->info1.value_or(0) >> 16);
    inst.info1 = (k + 1) << 16;
  }
  instance_at_.emplace(inst.name, instances_.size());
  instances_.push_back(inst);
  return no_rows();
}

Result<Rows> Catalog::create_bp_group(const std::vector<SqlValue>& args) {
  const std::string& name = args[0].s;
  if (name.empty()) return make_error("SP_CREATE_DPC_BP_GROUP: NAME must not be empty");
  if (const CatalogBpGroup* g = bp_group(name)) {
    return make_error("SP_CREATE_DPC_BP_GROUP: a BP group named " + quoted(name) + " already exists (ID " +
                      std::to_string(g->id) + "); BP group names must be unique");
  }
  CatalogBpGroup g;
  g.id = next_bp_group_id_++;
  g.name = name;
  g.description = text(args[1]);
  bp_groups_.push_back(g);
  return no_rows();
}

Result<Rows> Catalog::bp_group_add_raft(const std::vector<SqlValue>& args) {
  static const char* kProc = "SP_BP_GROUP_ADD_RAFT";
  const std::string& group_name = args[0].s;
  const std::string& raft_name = args[1].s;
  CatalogBpGroup* g = find_bp_group(group_name);
  if (!g) {
    return make_error(std::string(kProc) + ": BP group " + quoted(group_name) + " does not exist; create it "
                      "first with SP_CREATE_DPC_BP_GROUP('" + group_name + "', desc)");
  }
  const CatalogRaft* r = raft(raft_name);
  if (!r) {
    return make_error(std::string(kProc) + ": RAFT group " + quoted(raft_name) + " does not exist; create it "
                      "first with SP_CREATE_DPC_RAFT('BP', '" + raft_name + "')");
  }
  if (r->dpc_mode != "BP") {
    return make_error(std::string(kProc) + ": " + quoted(raft_name) + " is " + group_kind(*r) +
                      "; a BP group holds BP RAFT groups only");
  }
  for (const CatalogBpGroup& other : bp_groups_) {
    if (std::find(other.rafts.begin(), other.rafts.end(), r->raft_id) != other.rafts.end()) {
      return make_error(std::string(kProc) + ": RAFT group " + quoted(raft_name) + " is already in BP group " +
                        quoted(other.name) + "; a RAFT group belongs to at most one BP group");
    }
  }
  g->rafts.push_back(r->raft_id);
  return no_rows();
}

Result<Rows> Catalog::create_fault_domain(const std::vector<SqlValue>& args) {
  const std::string& name = args[0].s;
  if (name.empty()) return make_error("SP_CREATE_FAULT_DOMAIN: NAME must not be empty");
  if (const CatalogFaultDomain* d = fault_domain(name)) {
    return make_error("SP_CREATE_FAULT_DOMAIN: a fault domain named " + quoted(name) + " already exists (ID " +
                      std::to_string(d->id) + "); fault domain names must be unique");
  }
  CatalogFaultDomain d;
  d.id = next_fault_domain_id_++;
  d.name = name;
  d.description = text(args[1]);
  fault_domains_.push_back(d);
  return no_rows();
}

Result<Rows> Catalog::fault_domain_mv_inst(const std::vector<SqlValue>& args) {
  static const char* kProc = "SP_FAULT_DOMAIN_MV_INST";
  const std::string domain = text(args[0]);
  const std::string& inst_name = args[1].s;
  CatalogInstance* inst = find_instance(inst_name);
  if (!inst) {
    return make_error(std::string(kProc) + ": no instance named " + quoted(inst_name) +
                      " is registered; register it first with SP_CREATE_DPC_INSTANCE");
  }
  if (inst->dpc_mode == "SP") {
    return make_error(std::string(kProc) + ": " + quoted(inst_name) + " is an SP; SP instances cannot be "
                      "placed in a fault domain (only MP and BP instances can)");
  }
  if (domain.empty()) {
    inst->fault_domain.clear();
    return no_rows();
  }
  if (!fault_domain(domain)) {
    return make_error(std::string(kProc) + ": fault domain " + quoted(domain) + " does not exist; create it "
                      "first with SP_CREATE_FAULT_DOMAIN('" + domain + "', desc)");
  }
  for (const CatalogInstance& other : instances_) {
    if (&other == inst || other.raft_id != inst->raft_id || other.fault_domain != domain) continue;
    const CatalogRaft* r = raft_by_id(inst->raft_id);
    return make_error(std::string(kProc) + ": " + quoted(inst_name) + " and " + quoted(other.name) +
                      " are both members of RAFT group " + quoted(r ? r->name : "?") +
                      "; two members of one RAFT group cannot share fault domain " + quoted(domain) +
                      ", so put " + quoted(inst_name) + " in another domain");
  }
  inst->fault_domain = domain;
  return no_rows();
}

Result<Rows> Catalog::drop_instance(const std::vector<SqlValue>& args, const std::string& self) {
  const std::string& name = args[0].s;
  auto it = std::find_if(instances_.begin(), instances_.end(),
                         [&](const CatalogInstance& i) { return i.name == name; });
  if (it == instances_.end()) {
    return make_error("SP_DROP_DPC_INSTANCE: no instance named " + quoted(name) + " is registered");
  }
  if (!self.empty() && name == self) {
    return make_error("SP_DROP_DPC_INSTANCE: " + quoted(name) + " is the MP you are logged in to; it cannot "
                      "drop itself (log in to another MP of MP_RAFT to drop it)");
  }
  instances_.erase(it);
  instance_at_.clear();
  for (size_t i = 0; i < instances_.size(); ++i) instance_at_.emplace(instances_[i].name, i);
  return no_rows();
}

Result<Rows> Catalog::drop_raft(const std::vector<SqlValue>& args) {
  const std::string& name = args[0].s;
  auto it = std::find_if(rafts_.begin(), rafts_.end(), [&](const CatalogRaft& r) { return r.name == name; });
  if (it == rafts_.end()) return make_error("SP_DROP_DPC_RAFT: RAFT group " + quoted(name) + " does not exist");
  if (it->raft_id == 0) return make_error("SP_DROP_DPC_RAFT: MP_RAFT cannot be dropped");
  std::vector<const CatalogInstance*> held = members(it->raft_id);
  if (!held.empty()) {
    return make_error("SP_DROP_DPC_RAFT: RAFT group " + quoted(name) + " still holds " +
                      std::to_string(held.size()) + " instance(s), e.g. " + quoted(held.front()->name) +
                      "; drop them first with SP_DROP_DPC_INSTANCE");
  }
  for (const CatalogBpGroup& g : bp_groups_) {
    if (std::find(g.rafts.begin(), g.rafts.end(), it->raft_id) != g.rafts.end()) {
      return make_error("SP_DROP_DPC_RAFT: RAFT group " + quoted(name) + " is in BP group " + quoted(g.name) +
                        "; drop the BP group first with SP_DROP_DPC_BP_GROUP");
    }
  }
  rafts_.erase(it);
  return no_rows();
}

Result<Rows> Catalog::drop_bp_group(const std::vector<SqlValue>& args) {
  const std::string& name = args[0].s;
  auto it = std::find_if(bp_groups_.begin(), bp_groups_.end(),
                         [&](const CatalogBpGroup& g) { return g.name == name; });
  if (it == bp_groups_.end()) {
    return make_error("SP_DROP_DPC_BP_GROUP: BP group " + quoted(name) + " does not exist");
  }
  bp_groups_.erase(it);
  return no_rows();
}

Result<Rows> Catalog::alter_instance(const std::vector<SqlValue>& args) {
  static const char* kProc = "SP_ALTER_DPC_INSTANCE";
  const std::string& name = args[0].s;
  const std::string sys_mode = upper(args[1].s);
  const int64_t sys_status = args[2].i;
  const int64_t status = args[3].i;
  CatalogInstance* inst = find_instance(name);
  if (!inst) return make_error(std::string(kProc) + ": no instance named " + quoted(name) + " is registered");
  if (!valid_sys_mode(sys_mode)) return sys_mode_error(kProc, name, args[1].s);
  if (sys_status < 1 || sys_status > 6) {
    return make_error(std::string(kProc) + ": SYS_STATUS " + std::to_string(sys_status) + " for " +
                      quoted(name) + " must be 1 (starting), 2 (redo done), 3 (MOUNT), 4 (OPEN), 5 (SUSPEND) "
                      "or 6 (closed)");
  }
  if (!valid_status(status)) return status_error(kProc, name, status);
  inst->sys_mode = sys_mode;
  inst->sys_status = static_cast<int>(sys_status);
  inst->status = static_cast<int>(status);
  return no_rows();
}

}  // namespace dpc::sim
