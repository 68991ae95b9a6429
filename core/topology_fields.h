// Internal to the topology loader (core/topology_*.cc): the field names a
// topology file may use at each level, the fields that belong to one role's
// instances only, and the keys that would hold a password (refused anywhere
// in the file, their value never quoted). Pure functions over constant
// tables; no threading concerns.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostic.h"

namespace dpc::topology_internal {

/// Known field names at one level ("top", "defaults", "mp_instance",
/// "bp_member", ...; see topology_field_names()); empty for an unknown level.
const std::vector<std::string>& known_fields(const std::string& level);

/// Fields that belong to instances of another role, and which role.
const std::map<std::string, std::string>& role_specific_fields();

/// "password", "passwd", "pwd" or "sysdba_pwd", in any case.
bool is_password_key(const std::string& key);

/// The error and hint of a password in the topology.
extern const char* const kPasswordMessage;
extern const char* const kPasswordHint;

/// Reports every key that would hold a password, anywhere in the document.
/// The value is never quoted.
void find_password_keys(const nlohmann::json& value, const std::string& path, std::vector<Diagnostic>& out);

}  // namespace dpc::topology_internal
