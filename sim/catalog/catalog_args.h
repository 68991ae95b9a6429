// Signatures of the MP catalog's procedures and the check of a call's
// arguments against them (count and types). Internal to the catalog's .cc
// files (catalog.cc, catalog_procs.cc). Pure; no state.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "sim/catalog/sql_statement.h"

namespace dpc::sim {

/// A parameter's accepted values.
enum class ParamType {
  Text,        ///< a '...' string
  TextOrNull,  ///< a '...' string or NULL
  Int,         ///< an integer
};

struct ProcParam {
  const char* name;
  ParamType type;
};

/// One form of a procedure; SP_CREATE_DPC_INSTANCE has two (9 and 10 args).
struct ProcSignature {
  const char* proc;
  std::vector<ProcParam> params;
  /// "SP_CREATE_DPC_RAFT(DPC_MODE varchar, RAFT_NAME varchar)".
  std::string text() const;
};

/// Every form of every procedure the catalog serves, in a fixed order.
const std::vector<ProcSignature>& catalog_signatures();

/// The forms of `proc` (upper-case); empty when the catalog has no such procedure.
std::vector<const ProcSignature*> signatures_of(const std::string& proc);

/// Checks `call` against the forms of its procedure: the form with the same
/// number of arguments, then each argument's type. The error names the
/// procedure, the argument (position and parameter) and the expected
/// signature(s), e.g. "SP_CREATE_DPC_RAFT takes 2 arguments, got 1; expected
/// SP_CREATE_DPC_RAFT(DPC_MODE varchar, RAFT_NAME varchar)".
Status check_args(const ProcCall& call);

}  // namespace dpc::sim
