// The PostgreSQL v3 wire protocol, server side, as much as the stand-in
// dmserver needs to be reached through a real ODBC driver (Debian's
// psqlodbc): SSLRequest and GSSENCRequest refused ('N'), the StartupMessage
// answered with AuthenticationOk (trust), ParameterStatus, BackendKeyData and
// ReadyForQuery; simple Query ('Q', several statements split at ';' outside
// quotes) answered with RowDescription / DataRow / CommandComplete or
// ErrorResponse, then ReadyForQuery; the extended flow (Parse, Bind,
// Describe, Execute, Sync, Close) for statements without parameters;
// Terminate. The driver's own session statements (SET, SHOW, BEGIN, COMMIT,
// ROLLBACK, SAVEPOINT, RELEASE, catalog queries on pg_*) get neutral answers;
// everything else goes to the handler. Test-only.
//
// A connection whose first bytes are "DPCLIVE\n" is not PostgreSQL: it is a
// peer asking whether this server runs; it gets `live_line` and is closed.
//
// Threading: serve_pg_connection blocks its thread on one connection; the
// handler is called on that thread.
#pragma once

#include <functional>
#include <string>

#include "core/backend.h"
#include "core/result.h"

namespace fake {

/// Answers one statement: rows (columns empty for a command) or an error
/// text "[SQLSTATE s, native n] message" (any other text is SQLSTATE HY000).
using PgHandler = std::function<dpc::Result<dpc::Rows>(const std::string& statement)>;

/// The first bytes of a peer's liveness question.
constexpr const char kLiveQuestion[] = "DPCLIVE\n";

/// Serves one accepted connection until the client terminates or goes away;
/// closes `fd`.
void serve_pg_connection(int fd, const PgHandler& handler, const std::string& live_line);

/// Splits a simple-query string into statements at ';' outside quotes
/// (empty statements dropped, each trimmed).
std::vector<std::string> split_statements(const std::string& query);

}  // namespace fake
