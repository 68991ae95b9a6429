#include "real-backend/odbc_connector.h"

#include <dlfcn.h>
#include <sql.h>
#include <sqlext.h>
#include <odbcinst.h>
#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <map>
#include <set>
#include <thread>

namespace dpc::real {

namespace {

using Clock = std::chrono::steady_clock;

/// A value for a connection string, braced when ODBC would misread it.
std::string odbc_value(const std::string& v) {
  bool plain = !v.empty() && v.find_first_of(";{}= \t") == std::string::npos;
  if (plain) return v;
  std::string out = "{";
  for (char c : v) {
    out += c;
    if (c == '}') out += '}';
  }
  return out + "}";
}

std::vector<OdbcDiag> diagnostics(SQLSMALLINT type, SQLHANDLE handle) {
  std::vector<OdbcDiag> out;
  if (handle == SQL_NULL_HANDLE) return out;
  for (SQLSMALLINT i = 1;; ++i) {
    SQLCHAR state[6] = {0};
    SQLINTEGER native = 0;
    SQLCHAR text[2048] = {0};
    SQLSMALLINT len = 0;
    SQLRETURN rc = SQLGetDiagRec(type, handle, i, state, &native, text, sizeof text, &len);
    if (!SQL_SUCCEEDED(rc)) break;
    out.push_back({reinterpret_cast<char*>(state), static_cast<int>(native),
                   reinterpret_cast<char*>(text)});
  }
  return out;
}

/// Connection failures worth retrying while a server starts: communication
/// errors and timeouts; not a bad password or a missing driver.
bool retryable(const std::vector<OdbcDiag>& diags) {
  if (diags.empty()) return true;
  for (const auto& d : diags) {
    const std::string& s = d.sqlstate;
    if (s == "28000" || s.rfind("IM", 0) == 0 || s.rfind("42", 0) == 0) return false;
    // The driver manager's own complaints (a driver library it cannot open,
    // an unknown DSN) are configuration, not a server still starting.
    if (d.message.find("[Driver Manager]") != std::string::npos) return false;
  }
  return true;
}

bool connection_lost(const std::vector<OdbcDiag>& diags) {
  for (const auto& d : diags) {
    if (d.sqlstate == "08S01" || d.sqlstate == "08003" || d.sqlstate == "08007") return true;
  }
  return false;
}

std::string profile_value(const std::string& section, const std::string& key, const char* file) {
  char buf[1024] = {0};
  int n = SQLGetPrivateProfileString(section.c_str(), key.c_str(), "", buf, sizeof buf, file);
  return n > 0 ? std::string(buf) : std::string();
}

bool is_path(const std::string& driver) { return driver.find('/') != std::string::npos; }

/// Where unixODBC looks for a driver given by a bare file name: beside
/// libodbc and in its odbc/ subdirectory (Debian's layout).
std::vector<std::string> driver_candidates(const std::string& library) {
  std::vector<std::string> out{library};
  if (library.find('/') != std::string::npos) return out;
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&SQLDriverConnect), &info) != 0 && info.dli_fname != nullptr) {
    std::string dir = info.dli_fname;
    dir = dir.substr(0, dir.find_last_of('/'));
    out.push_back(dir + "/odbc/" + library);
    out.push_back(dir + "/" + library);
  }
  return out;
}

Result<std::string> load_library(const std::string& library_in, const std::string& label) {
  void* handle = nullptr;
  std::string library = library_in;
  std::string why;
  for (const auto& candidate : driver_candidates(library_in)) {
    handle = ::dlopen(candidate.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (handle != nullptr) {
      library = candidate;
      break;
    }
    if (why.empty()) {
      const char* e = ::dlerror();
      why = e ? e : "unknown error";
    }
  }
  if (handle == nullptr) {
    return Error{"ODBC driver " + label + " cannot be loaded from " + library_in + ": " + why};
  }
  bool has_entry = ::dlsym(handle, "SQLDriverConnect") != nullptr || ::dlsym(handle, "SQLConnect") != nullptr;
  ::dlclose(handle);
  if (!has_entry) return Error{"ODBC driver " + label + ": " + library + " is not an ODBC driver (no SQLConnect)"};
  return label + " -> " + library;
}

}  // namespace

OdbcSettings odbc_settings(const RealConfig& config) {
  OdbcSettings s;
  s.driver = config.odbc_driver;
  s.dsn = config.odbc_dsn;
  s.uid = config.odbc_uid;
  s.extra = config.odbc_extra;
  s.connection = config.odbc_connection;
  s.connect_timeout_ms = config.connect_timeout_ms;
  s.connect_retry_ms = config.connect_retry_ms;
  if (s.dsn.empty() && !is_path(s.driver) && !config.dm_home.empty() &&
      profile_value(s.driver, "Driver", "odbcinst.ini").empty()) {
    std::string lib = config.dm_home + "/bin/libdodbc.so";
    struct stat st {};
    if (::stat(lib.c_str(), &st) == 0) s.driver = lib;
  }
  return s;
}

std::string odbc_connection_string(const OdbcSettings& settings, const SqlEndpoint& at,
                                   const Secret& password) {
  std::string out;
  if (!settings.connection.empty()) {
    const std::map<std::string, std::string> values{{"DRIVER", settings.driver},
                                                    {"HOST", odbc_value(at.host)},
                                                    {"PORT", std::to_string(at.port)},
                                                    {"UID", odbc_value(settings.uid)},
                                                    {"PWD", odbc_value(password.reveal())}};
    const std::string& t = settings.connection;
    for (size_t i = 0; i < t.size();) {
      size_t end = t[i] == '%' ? t.find('%', i + 1) : std::string::npos;
      auto it = end == std::string::npos ? values.end() : values.find(t.substr(i + 1, end - i - 1));
      if (it == values.end()) {
        out += t[i++];
      } else {
        out += it->second;
        i = end + 1;
      }
    }
    if (!out.empty() && out.back() != ';') out += ';';
  } else if (!settings.dsn.empty()) {
    out += "DSN=" + odbc_value(settings.dsn) + ";";
  } else {
    out += "DRIVER={" + settings.driver + "};";
  }
  if (settings.connection.empty()) {
    out += "SERVER=" + odbc_value(at.host) + ";TCP_PORT=" + std::to_string(at.port) + ";";
    out += "UID=" + odbc_value(settings.uid) + ";PWD=" + odbc_value(password.reveal()) + ";";
  }
  if (!settings.extra.empty()) {
    out += settings.extra;
    if (out.back() != ';') out += ';';
  }
  return out;
}

std::string format_diags(const std::vector<OdbcDiag>& diags) {
  if (diags.empty()) return "[no ODBC diagnostics]";
  std::string out;
  for (const auto& d : diags) {
    if (!out.empty()) out += "; ";
    out += "[SQLSTATE " + d.sqlstate + ", native " + std::to_string(d.native) + "] " + d.message;
  }
  return out;
}

Result<std::string> check_odbc_driver(const OdbcSettings& settings) {
  std::string driver = settings.driver;
  std::string label = "'" + driver + "'";
  if (!settings.dsn.empty()) {
    driver = profile_value(settings.dsn, "Driver", "odbc.ini");
    if (driver.empty()) {
      return Error{"ODBC data source '" + settings.dsn +
                   "' is not defined (odbcinst -q -s lists the defined ones); add it to "
                   "~/.odbc.ini or /etc/odbc.ini with Driver = DM8 ODBC DRIVER, or pass --odbc-driver "
                   "instead of --odbc-dsn"};
    }
    label = "DSN '" + settings.dsn + "'";
  }
  if (is_path(driver)) return load_library(driver, label);
  std::string library = profile_value(driver, "Driver", "odbcinst.ini");
  if (library.empty()) {
    return Error{"ODBC driver '" + driver +
                 "' is not registered with unixODBC (odbcinst -q -d lists the registered ones); "
                 "register DM's driver (a [" + driver +
                 "] section with Driver = $DM_HOME/bin/libdodbc.so in /etc/odbcinst.ini), or set DM_HOME "
                 "or pass --dm-home DIR so dpcctl uses $DM_HOME/bin/libdodbc.so, or pass "
                 "--odbc-driver PATH"};
  }
  return load_library(library, label);
}

std::string check_connection_template(const std::string& connection) {
  if (connection.empty()) return "";
  static const std::set<std::string> known{"DRIVER", "HOST", "PORT", "UID", "PWD"};
  std::set<std::string> seen;
  for (size_t i = connection.find('%'); i != std::string::npos; i = connection.find('%', i)) {
    size_t end = connection.find('%', i + 1);
    if (end == std::string::npos) break;
    std::string word = connection.substr(i + 1, end - i - 1);
    bool is_word = !word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos;
    if (is_word && !known.count(word)) {
      return "the ODBC connection template names %" + word +
             "%, which dpcctl does not fill in (it knows %DRIVER%, %HOST%, %PORT%, %UID% and %PWD%)";
    }
    if (is_word) {
      seen.insert(word);
      i = end + 1;
    } else {
      i = i + 1;
    }
  }
  std::string up = connection;
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (size_t at = up.find("PWD="); at != std::string::npos; at = up.find("PWD=", at + 1)) {
    if (up.compare(at + 4, 5, "%PWD%") != 0) {
      return "the ODBC connection template holds a password: write PWD=%PWD% and give the password "
             "through --password-env or --password-file, never in a file or on a command line";
    }
  }
  for (const char* needed : {"HOST", "PORT"}) {
    if (!seen.count(needed)) {
      return std::string("the ODBC connection template lacks %") + needed +
             "%: dpcctl connects to every instance's own address and port (e.g. "
             "\"DRIVER={%DRIVER%};SERVER=%HOST%;PORT=%PORT%;UID=%UID%;PWD=%PWD%\")";
    }
  }
  return "";
}

struct OdbcConnector::Connection {
  SQLHDBC dbc = SQL_NULL_HDBC;
  ~Connection() {
    if (dbc != SQL_NULL_HDBC) {
      SQLDisconnect(dbc);
      SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    }
  }
};

OdbcConnector::OdbcConnector(OdbcSettings settings, Secret password)
    : settings_(std::move(settings)), password_(std::move(password)) {
  SQLHENV env = SQL_NULL_HENV;
  if (SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env))) {
    SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
    env_ = env;
  }
}

OdbcConnector::~OdbcConnector() {
  connections_.clear();
  if (env_ != nullptr) SQLFreeHandle(SQL_HANDLE_ENV, static_cast<SQLHENV>(env_));
}

void OdbcConnector::disconnect_all() { connections_.clear(); }

std::string OdbcConnector::where(const SqlEndpoint& at) const {
  std::string name = at.instance.empty() ? std::string("the server") : at.instance;
  return name + " at " + at.host + ":" + std::to_string(at.port);
}

Result<OdbcConnector::Connection*> OdbcConnector::connection(const SqlEndpoint& at) {
  std::string key = at.host + ":" + std::to_string(at.port);
  if (auto it = connections_.find(key); it != connections_.end()) return it->second.get();
  if (env_ == nullptr) return Error{"cannot set up the ODBC environment (unixODBC)"};

  const std::string through = settings_.dsn.empty() ? "driver '" + settings_.driver + "'"
                                                     : "DSN '" + settings_.dsn + "'";
  const std::string conn_str = odbc_connection_string(settings_, at, password_);
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::milliseconds(settings_.connect_timeout_ms);
  int attempts = 0;
  for (;;) {
    ++attempts;
    auto conn = std::make_unique<Connection>();
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, static_cast<SQLHENV>(env_), &conn->dbc))) {
      conn->dbc = SQL_NULL_HDBC;
      return Error{"cannot allocate an ODBC connection for " + where(at)};
    }
    SQLSetConnectAttr(conn->dbc, SQL_ATTR_LOGIN_TIMEOUT,
                      reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(settings_.login_timeout_s)), 0);
    SQLCHAR out[1024];
    SQLSMALLINT out_len = 0;
    std::string in = conn_str;
    SQLRETURN rc = SQLDriverConnect(conn->dbc, nullptr, reinterpret_cast<SQLCHAR*>(in.data()),
                                    SQL_NTS, out, sizeof out, &out_len, SQL_DRIVER_NOPROMPT);
    std::fill(in.begin(), in.end(), '\0');
    if (SQL_SUCCEEDED(rc)) {
      Connection* raw = conn.get();
      connections_[key] = std::move(conn);
      return raw;
    }
    auto diags = diagnostics(SQL_HANDLE_DBC, conn->dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, conn->dbc);
    conn->dbc = SQL_NULL_HDBC;
    const bool again = retryable(diags) && Clock::now() + std::chrono::milliseconds(settings_.connect_retry_ms) < deadline;
    if (!again) {
      auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
      return Error{password_.scrub("cannot connect to " + where(at) + " through ODBC " + through + " (" +
                                   std::to_string(attempts) + " attempt" + (attempts == 1 ? "" : "s") +
                                   " in " + std::to_string(spent) + " ms): " + format_diags(diags))};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(settings_.connect_retry_ms));
  }
}

Result<Rows> OdbcConnector::execute(const SqlEndpoint& at, const std::string& statement) {
  for (int round = 0;; ++round) {
    auto conn = connection(at);
    if (!conn) return conn.error();
    bool lost = false;
    auto rows = run(**conn, at, statement, &lost);
    if (rows || !lost || round > 0) return rows;
    // The server went away under a cached connection: reconnect once.
    connections_.erase(at.host + ":" + std::to_string(at.port));
  }
}

Result<Rows> OdbcConnector::run(Connection& conn, const SqlEndpoint& at, const std::string& statement,
                                bool* lost) {
  SQLHSTMT stmt = SQL_NULL_HSTMT;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, conn.dbc, &stmt))) {
    auto diags = diagnostics(SQL_HANDLE_DBC, conn.dbc);
    *lost = true;  // a connection that cannot make a statement is no use
    return Error{password_.scrub("cannot run SQL on " + where(at) + ": " + format_diags(diags))};
  }
  struct FreeStmt {
    SQLHSTMT h;
    ~FreeStmt() { SQLFreeHandle(SQL_HANDLE_STMT, h); }
  } free_stmt{stmt};

  auto fail = [&](const std::string& what) -> Error {
    auto diags = diagnostics(SQL_HANDLE_STMT, stmt);
    *lost = connection_lost(diags);
    return Error{password_.scrub(what + " on " + where(at) + ": " + format_diags(diags) +
                                 "; statement: " + statement)};
  };

  std::string text = statement;
  SQLRETURN rc = SQLExecDirect(stmt, reinterpret_cast<SQLCHAR*>(text.data()), SQL_NTS);
  if (rc == SQL_NO_DATA) return Rows{};
  if (!SQL_SUCCEEDED(rc)) return fail("SQL failed");

  Rows rows;
  for (;;) {
    SQLSMALLINT cols = 0;
    if (!SQL_SUCCEEDED(SQLNumResultCols(stmt, &cols))) return fail("cannot read the result");
    if (cols > 0) {
      for (SQLUSMALLINT c = 1; c <= static_cast<SQLUSMALLINT>(cols); ++c) {
        SQLCHAR name[256] = {0};
        SQLSMALLINT name_len = 0, type = 0, digits = 0, nullable = 0;
        SQLULEN size = 0;
        if (!SQL_SUCCEEDED(SQLDescribeCol(stmt, c, name, sizeof name, &name_len, &type, &size,
                                          &digits, &nullable))) {
          return fail("cannot describe column " + std::to_string(c));
        }
        rows.columns.emplace_back(reinterpret_cast<char*>(name));
      }
      for (;;) {
        rc = SQLFetch(stmt);
        if (rc == SQL_NO_DATA) break;
        if (!SQL_SUCCEEDED(rc)) return fail("cannot fetch a row");
        std::vector<std::optional<std::string>> row;
        for (SQLUSMALLINT c = 1; c <= static_cast<SQLUSMALLINT>(cols); ++c) {
          std::string value;
          bool is_null = false;
          char buf[4096];
          for (;;) {
            SQLLEN ind = 0;
            rc = SQLGetData(stmt, c, SQL_C_CHAR, buf, sizeof buf, &ind);
            if (rc == SQL_NO_DATA) break;
            if (!SQL_SUCCEEDED(rc)) return fail("cannot read column " + rows.columns[c - 1]);
            if (ind == SQL_NULL_DATA) {
              is_null = true;
              break;
            }
            size_t got = (ind == SQL_NO_TOTAL || ind >= static_cast<SQLLEN>(sizeof buf))
                             ? sizeof buf - 1
                             : static_cast<size_t>(ind);
            value.append(buf, got);
            if (rc == SQL_SUCCESS) break;
          }
          row.push_back(is_null ? std::nullopt : std::optional<std::string>(std::move(value)));
        }
        rows.rows.push_back(std::move(row));
      }
      return rows;
    }
    rc = SQLMoreResults(stmt);
    if (rc == SQL_NO_DATA) return rows;
    if (!SQL_SUCCEEDED(rc)) return fail("SQL failed");
  }
}

}  // namespace dpc::real
