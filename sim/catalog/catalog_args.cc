#include "sim/catalog/catalog_args.h"

namespace dpc::sim {
namespace {

const char* type_name(ParamType t) {
  switch (t) {
    case ParamType::Text: return "varchar";
    case ParamType::TextOrNull: return "varchar|NULL";
    case ParamType::Int: return "int";
  }
  return "?";
}

std::string describe(const SqlValue& v) {
  switch (v.kind) {
    case SqlValue::Kind::Null: return "NULL";
    case SqlValue::Kind::Int: return "the integer " + std::to_string(v.i);
    case SqlValue::Kind::String: return "the string '" + v.s + "'";
  }
  return "?";
}

bool accepts(ParamType t, const SqlValue& v) {
  switch (t) {
    case ParamType::Text: return v.kind == SqlValue::Kind::String;
    case ParamType::TextOrNull: return v.kind != SqlValue::Kind::Int;
    case ParamType::Int: return v.kind == SqlValue::Kind::Int;
  }
  return false;
}

std::string expected_forms(const std::vector<const ProcSignature*>& forms) {
  std::string out = "expected ";
  for (size_t i = 0; i < forms.size(); ++i) {
    if (i) out += " or ";
    out += forms[i]->text();
  }
  return out;
}

}  // namespace

std::string ProcSignature::text() const {
  std::string out = std::string(proc) + "(";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out += ", ";
    out += std::string(params[i].name) + " " + type_name(params[i].type);
  }
  return out + ")";
}

const std::vector<ProcSignature>& catalog_signatures() {
  using T = ParamType;
  static const std::vector<ProcSignature> all = {
      {"SP_CREATE_DPC_RAFT", {{"DPC_MODE", T::Text}, {"RAFT_NAME", T::Text}}},
      {"SP_CREATE_DPC_INSTANCE",
       {{"RAFT_NAME", T::TextOrNull}, {"NAME", T::Text}, {"DPC_MODE", T::Text}, {"AP_PORT", T::Int},
        {"INST_PORT", T::Int}, {"IP", T::Text}, {"SYS_MODE", T::Text}, {"STATUS", T::Int},
        {"DESC", T::TextOrNull}}},
      {"SP_CREATE_DPC_INSTANCE",
       {{"RAFT_NAME", T::TextOrNull}, {"NAME", T::Text}, {"DPC_MODE", T::Text}, {"AP_PORT", T::Int},
        {"INST_PORT", T::Int}, {"IP_INTER", T::Text}, {"IP_EXTER", T::TextOrNull}, {"SYS_MODE", T::Text},
        {"STATUS", T::Int}, {"DESC", T::TextOrNull}}},
      {"SP_CREATE_DPC_BP_GROUP", {{"NAME", T::Text}, {"DESC", T::TextOrNull}}},
      {"SP_BP_GROUP_ADD_RAFT", {{"GROUP_NAME", T::Text}, {"RAFT_NAME", T::Text}}},
      {"SP_CREATE_FAULT_DOMAIN", {{"NAME", T::Text}, {"DESC", T::TextOrNull}}},
      {"SP_FAULT_DOMAIN_MV_INST", {{"DOMAIN_NAME", T::TextOrNull}, {"INST_NAME", T::Text}}},
      {"SP_DROP_DPC_INSTANCE", {{"NAME", T::Text}}},
      {"SP_DROP_DPC_RAFT", {{"RAFT_NAME", T::Text}}},
      {"SP_DROP_DPC_BP_GROUP", {{"NAME", T::Text}}},
      {"SP_ALTER_DPC_INSTANCE",
       {{"NAME", T::Text}, {"SYS_MODE", T::Text}, {"SYS_STATUS", T::Int}, {"STATUS", T::Int}}},
  };
  return all;
}

std::vector<const ProcSignature*> signatures_of(const std::string& proc) {
  std::vector<const ProcSignature*> forms;
  for (const ProcSignature& sig : catalog_signatures()) {
    if (proc == sig.proc) forms.push_back(&sig);
  }
  return forms;
}

Status check_args(const ProcCall& call) {
  std::vector<const ProcSignature*> forms = signatures_of(call.name);
  if (forms.empty()) return make_error("unknown catalog procedure " + call.name);
  const ProcSignature* form = nullptr;
  for (const ProcSignature* f : forms) {
    if (f->params.size() == call.args.size()) form = f;
  }
  if (!form) {
    std::string counts;
    for (size_t i = 0; i < forms.size(); ++i) {
      if (i) counts += " or ";
      counts += std::to_string(forms[i]->params.size());
    }
    return make_error(call.name + " takes " + counts + " arguments, got " +
                      std::to_string(call.args.size()) + "; " + expected_forms(forms));
  }
  for (size_t i = 0; i < call.args.size(); ++i) {
    const ProcParam& p = form->params[i];
    if (!accepts(p.type, call.args[i])) {
      return make_error(call.name + ": argument " + std::to_string(i + 1) + " (" + p.name + ") must be " +
                        (p.type == ParamType::Int ? "an integer" :
                         p.type == ParamType::Text ? "a '...' string" : "a '...' string or NULL") +
                        ", got " + describe(call.args[i]) + "; expected " + form->text());
    }
  }
  return Status::Ok();
}

}  // namespace dpc::sim
