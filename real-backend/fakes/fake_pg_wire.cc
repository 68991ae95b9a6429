#include "real-backend/fakes/fake_pg_wire.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "real-backend/fakes/fake_common.h"

namespace fake {

namespace {

bool read_exact(int fd, char* buf, size_t n) {
  while (n > 0) {
    ssize_t got = ::recv(fd, buf, n, 0);
    if (got <= 0) return false;
    buf += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool write_all(int fd, const std::string& data) {
  const char* p = data.data();
  size_t n = data.size();
  while (n > 0) {
    ssize_t put = ::send(fd, p, n, MSG_NOSIGNAL);
    if (put <= 0) return false;
    p += put;
    n -= static_cast<size_t>(put);
  }
  return true;
}

uint32_t be32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return ntohl(v);
}

/// A message being built: type byte, length, body.
class Msg {
 public:
  explicit Msg(char type) : type_(type) {}
  Msg& i16(int v) {
    uint16_t n = htons(static_cast<uint16_t>(v));
    body_.append(reinterpret_cast<const char*>(&n), 2);
    return *this;
  }
  Msg& i32(int v) {
    uint32_t n = htonl(static_cast<uint32_t>(v));
    body_.append(reinterpret_cast<const char*>(&n), 4);
    return *this;
  }
  Msg& str(const std::string& s) {
    body_ += s;
    body_ += '\0';
    return *this;
  }
  Msg& bytes(const std::string& s) {
    body_ += s;
    return *this;
  }
  std::string done() const {
    std::string out(1, type_);
    uint32_t n = htonl(static_cast<uint32_t>(body_.size() + 4));
    out.append(reinterpret_cast<const char*>(&n), 4);
    return out + body_;
  }

 private:
  char type_;
  std::string body_;
};

std::string param(const std::string& name, const std::string& value) {
  return Msg('S').str(name).str(value).done();
}

std::string ready() { return Msg('Z').bytes("I").done(); }

std::string error_response(const std::string& text) {
  std::string state = "HY000", message = text;
  const std::string head = "[SQLSTATE ";
  if (text.rfind(head, 0) == 0) {
    size_t comma = text.find(", native ", head.size());
    size_t close = text.find("] ", head.size());
    if (comma != std::string::npos && close != std::string::npos && comma < close) {
      state = text.substr(head.size(), comma - head.size());
      message = "[" + text.substr(comma + 9, close - comma - 9) + "] " + text.substr(close + 2);
    }
  }
  return Msg('E').bytes("S").str("ERROR").bytes("V").str("ERROR").bytes("C").str(state).bytes("M").str(message).bytes(
             std::string(1, '\0')).done();
}

std::string row_description(const std::vector<std::string>& columns) {
  Msg m('T');
  m.i16(static_cast<int>(columns.size()));
  for (const auto& c : columns) m.str(c).i32(0).i16(0).i32(25 /* text */).i16(-1).i32(-1).i16(0);
  return m.done();
}

std::string data_rows(const dpc::Rows& rows) {
  std::string out;
  for (const auto& row : rows.rows) {
    Msg m('D');
    m.i16(static_cast<int>(row.size()));
    for (const auto& v : row) {
      if (!v) {
        m.i32(-1);
      } else {
        m.i32(static_cast<int>(v->size())).bytes(*v);
      }
    }
    out += m.done();
  }
  return out;
}

/// A statement of the driver's own session housekeeping, answered here:
/// the command tag (and rows for SHOW / pg_* queries). False for the rest.
bool session_statement(const std::string& stmt, std::string* tag, dpc::Rows* rows) {
  const std::string up = upper(stmt);
  auto starts = [&up](const char* w) { return up.rfind(w, 0) == 0; };
  if (starts("SET ") || starts("RESET ")) {
    *tag = "SET";
  } else if (starts("BEGIN") || starts("START TRANSACTION")) {
    *tag = "BEGIN";
  } else if (starts("COMMIT") || starts("END")) {
    *tag = "COMMIT";
  } else if (starts("ROLLBACK")) {
    *tag = "ROLLBACK";
  } else if (starts("SAVEPOINT")) {
    *tag = "SAVEPOINT";
  } else if (starts("RELEASE")) {
    *tag = "RELEASE";
  } else if (starts("SHOW ")) {
    std::string name = trim(stmt.substr(5));
    rows->columns = {name};
    std::string value = upper(name) == "TRANSACTION_ISOLATION" ? "read committed" : "";
    rows->rows.push_back({value});
    *tag = "SHOW";
  } else if (up.find("PG_") != std::string::npos || starts("SELECT VERSION()")) {
    // Catalog lookups of the driver (large-object type and the like): none here.
    rows->columns = {"oid", "typbasetype"};
    if (starts("SELECT VERSION()")) {
      rows->columns = {"version"};
      rows->rows.push_back({std::string("PostgreSQL 13.0 (dmserver stand-in)")});
    }
    *tag = "SELECT " + std::to_string(rows->rows.size());
  } else {
    return false;
  }
  return true;
}

/// One statement's outcome: rows (columns empty for a command) and its
/// command tag, or an error text.
struct Outcome {
  bool ok = true;
  std::string error;
  dpc::Rows rows;
  std::string tag;
};

Outcome run(const std::string& stmt, const PgHandler& handler) {
  Outcome o;
  if (session_statement(stmt, &o.tag, &o.rows)) return o;
  auto result = handler(stmt);
  if (!result) {
    o.ok = false;
    o.error = result.message();
    return o;
  }
  o.rows = *result;
  o.tag = o.rows.columns.empty() ? "CALL" : "SELECT " + std::to_string(o.rows.rows.size());
  return o;
}

std::string describe(const Outcome& o) {
  return o.rows.columns.empty() ? Msg('n').done() /* NoData */ : row_description(o.rows.columns);
}

/// The rows and the command tag (or the error) of an outcome.
std::string results(const Outcome& o) {
  if (!o.ok) return error_response(o.error);
  return data_rows(o.rows) + Msg('C').str(o.tag).done();
}

}  // namespace

std::vector<std::string> split_statements(const std::string& query) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : query) {
    if (c == '\'') quoted = !quoted;
    if (c == ';' && !quoted) {
      if (!trim(cur).empty()) out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!trim(cur).empty()) out.push_back(trim(cur));
  return out;
}

namespace {

/// Reads the startup packets (SSLRequest / GSSENCRequest refused, then the
/// StartupMessage) and answers with authentication-ok, the server's
/// parameters and ReadyForQuery. False when the connection is to end: a
/// liveness question (answered with `live_line`), a bad packet or a
/// protocol other than 3.0.
bool start_up(int fd, const std::string& live_line) {
  char head[8];
  if (!read_exact(fd, head, 8)) return false;
  if (std::memcmp(head, kLiveQuestion, 8) == 0) {
    (void)write_all(fd, live_line);
    return false;
  }
  for (;;) {
    uint32_t len = be32(head), code = be32(head + 4);
    if (len < 8 || len > 10000) return false;
    std::string rest(len - 8, '\0');
    if (!rest.empty() && !read_exact(fd, rest.data(), rest.size())) return false;
    if (code == 80877103 || code == 80877104) {
      if (!write_all(fd, "N") || !read_exact(fd, head, 8)) return false;
      continue;
    }
    if (code != 196608) return false;  // protocol 3.0 only
    break;
  }
  std::string hello = Msg('R').i32(0).done();
  hello += param("server_version", "13.0");
  hello += param("server_encoding", "UTF8");
  hello += param("client_encoding", "UTF8");
  hello += param("DateStyle", "ISO, MDY");
  hello += param("integer_datetimes", "on");
  hello += param("standard_conforming_strings", "on");
  hello += param("TimeZone", "UTC");
  hello += param("is_superuser", "on");
  hello += param("session_authorization", "SYSDBA");
  hello += Msg('K').i32(static_cast<int>(::getpid())).i32(0x5eed).done();
  hello += ready();
  return write_all(fd, hello);
}

/// One connection after its startup: simple queries, and the extended flow,
/// where the unnamed statement is run when it is first described or
/// executed and its outcome kept until the next Parse.
class PgSession {
 public:
  explicit PgSession(const PgHandler& handler) : handler_(handler) {}

  /// The answer to one message (may be empty); `end` set on Terminate.
  std::string answer(char type, const std::string& body, bool& end) {
    switch (type) {
      case 'Q': return simple_query(body);
      case 'P': return parse(body);
      case 'B': return failed_ ? "" : Msg('2').done();  // dpcctl's statements take no parameters
      case 'D': return describe_message(body);
      case 'E': return execute();
      case 'C': return failed_ ? "" : Msg('3').done();
      case 'H': return "";
      case 'S':
        failed_ = false;
        return ready();
      case 'X':
        end = true;
        return "";
      default:
        return error_response("[SQLSTATE 0A000, native 0] message type '" + std::string(1, type) +
                              "' is not supported by the stand-in") +
               ready();
    }
  }

 private:
  const Outcome& current() {
    if (!outcome_) outcome_ = run(prepared_, handler_);
    return *outcome_;
  }

  std::string simple_query(const std::string& body) {
    std::string out;
    auto statements = split_statements(std::string(body.c_str()));
    if (statements.empty()) out += Msg('I').done();
    for (const auto& s : statements) {
      Outcome o = run(s, handler_);
      if (o.ok && !o.rows.columns.empty()) out += row_description(o.rows.columns);
      out += results(o);
      if (!o.ok) break;
    }
    return out + ready();
  }

  std::string parse(const std::string& body) {  // statement name, query, parameter types
    if (failed_) return "";
    size_t name_end = body.find('\0');
    prepared_ = trim(body.c_str() + name_end + 1);
    while (!prepared_.empty() && prepared_.back() == ';') prepared_.pop_back();
    outcome_.reset();
    return Msg('1').done();
  }

  std::string describe_message(const std::string& body) {  // a statement ('S') or a portal ('P')
    if (failed_) return "";
    const Outcome& o = current();
    if (!o.ok) {
      failed_ = true;
      return error_response(o.error);
    }
    std::string out;
    if (!body.empty() && body[0] == 'S') out += Msg('t').i16(0).done();  // no parameters
    return out + describe(o);
  }

  std::string execute() {
    if (failed_) return "";
    std::string out = results(current());
    if (!current().ok) failed_ = true;
    outcome_.reset();  // executing again runs it again
    return out;
  }

  const PgHandler& handler_;
  std::string prepared_;
  std::optional<Outcome> outcome_;
  bool failed_ = false;  // an error in the extended flow: skip to Sync
};

}  // namespace

void serve_pg_connection(int fd, const PgHandler& handler, const std::string& live_line) {
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (!start_up(fd, live_line)) return;
  PgSession session(handler);
  for (bool end = false; !end;) {
    char type;
    char lenbuf[4];
    if (!read_exact(fd, &type, 1) || !read_exact(fd, lenbuf, 4)) return;
    uint32_t len = be32(lenbuf);
    if (len < 4 || len > (64u << 20)) return;
    std::string body(len - 4, '\0');
    if (!body.empty() && !read_exact(fd, body.data(), body.size())) return;
    std::string out = session.answer(type, body, end);
    if (!out.empty() && !write_all(fd, out)) return;
  }
}

}  // namespace fake
