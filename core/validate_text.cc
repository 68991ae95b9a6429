// Text checks: every free-text field of the topology against the character
// set its destinations (dminit's PARFILE, dm.ini, the sh and cmd runbooks,
// SQL literals) can carry, naming the field and the character (text_rules.h,
// docs/topology.md "Characters").
#include "core/text_rules.h"
#include "core/validate_checks.h"

namespace dpc::validate_internal {

namespace {

void check(TextField kind, const std::string& text, const std::string& what,
           const std::string& path, std::vector<Diagnostic>& out) {
  auto bad = first_disallowed(kind, text);
  if (!bad) return;
  out.push_back(error_at(path, what + " \"" + visible(text) + "\" holds " +
                                   describe_char(bad->code_point) + " at character " +
                                   std::to_string(bad->offset + 1),
                         allowed_phrase(kind)));
}

}  // namespace

void check_text_fields(const Topology& topo, std::vector<Diagnostic>& out) {
  check(TextField::Path, topo.dm_home, "dm_home", "defaults.dm_home", out);
  check(TextField::EnvName, topo.password.env, "the password variable name",
        "defaults.sysdba_password.env", out);
  check(TextField::Path, topo.password.file, "the password file",
        "defaults.sysdba_password.file", out);
  for (const Instance& inst : topo.instances) {
    const std::string of = " of " + visible(inst.name);
    check(TextField::Host, inst.host, "host" + of, field_path(inst.source_path, "host"), out);
    if (inst.ip_internal != inst.host) {
      check(TextField::Host, inst.ip_internal, "ip_internal" + of,
            field_path(inst.source_path, "ip_internal"), out);
    }
    if (inst.ip_external != inst.ip_internal && inst.ip_external != inst.host) {
      check(TextField::Host, inst.ip_external, "ip_external" + of,
            field_path(inst.source_path, "ip_external"), out);
    }
    check(TextField::Path, inst.path, "path" + of, field_path(inst.source_path, "path"), out);
    check(TextField::Description, inst.description, "description" + of,
          field_path(inst.source_path, "description"), out);
  }
  for (const BpGroup& g : topo.bp_groups) {
    check(TextField::Description, g.description, "description of BP group " + visible(g.name),
          field_path(g.source_path, "description"), out);
  }
  for (const FaultDomain& d : topo.fault_domains) {
    check(TextField::Description, d.description,
          "description of fault domain " + visible(d.name),
          field_path(d.source_path, "description"), out);
  }
}

}  // namespace dpc::validate_internal
