// The SQL the simulated instances understand: the statements dpcctl, disql
// users and scenario files send, parsed into a small typed form. Parsing is
// pure; executing is the catalog's (catalog.h) and the server model's job.
//
// Accepted: a procedure call `NAME(arg, ...)` (optionally `CALL NAME(...)`,
// optional `;`, arguments NULL, integers or '...' strings with '' escapes);
// `SELECT * | col[, col...] FROM table [WHERE col = value [AND ...]]`;
// anything else is kept as OtherStatement (e.g. `SELECT 1 FROM DUAL`, DML).
// Implemented in sql_parse.cc. Pure; no threading concerns.
//
// Details: keywords are case-insensitive; names are upper-cased unless written
// "quoted"; `$` and `#` may appear in names (V$INSTANCE, STATUS$); a SCHEMA.
// prefix on a table or procedure is dropped; `--` starts a comment; spaces are
// optional anywhere between tokens. A SELECT whose head is the simple shape
// `SELECT * | cols FROM table` must continue with a valid WHERE or end, else it
// is an error (e.g. `... WHERE A > 1` or `... ORDER BY A`); a SELECT with any
// other head (`SELECT 1 FROM DUAL`, `SELECT COUNT(*) ...`) is an
// OtherStatement. OtherStatement::text is trimmed, without its trailing `;`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"

namespace dpc::sim {

/// A SQL literal: NULL, an integer or a string.
struct SqlValue {
  enum class Kind { Null, Int, String };
  Kind kind = Kind::Null;
  int64_t i = 0;
  std::string s;
  static SqlValue null() { return {}; }
  static SqlValue integer(int64_t v) { return {Kind::Int, v, {}}; }
  static SqlValue string(std::string v) { return {Kind::String, 0, std::move(v)}; }
  bool is_null() const { return kind == Kind::Null; }
};

struct ProcCall {
  std::string name;  ///< upper-cased
  std::vector<SqlValue> args;
};

struct Select {
  std::vector<std::string> columns;  ///< upper-cased; empty = *
  std::string table;                 ///< upper-cased, e.g. "DPC_INSTANCE", "V$INSTANCE"
  std::vector<std::pair<std::string, SqlValue>> where;  ///< col = value, ANDed
};

struct OtherStatement {
  std::string text;
  bool is_query = false;  ///< starts with SELECT
};

using Statement = std::variant<ProcCall, Select, OtherStatement>;

/// Parses one statement; an error names the position and what was expected.
Result<Statement> parse_sql(const std::string& text);

}  // namespace dpc::sim
