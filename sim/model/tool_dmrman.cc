// dmrman: offline backup and restore of a simulated database [M7.2.7, M7.5,
// M8]. The statements the manual uses:
//   BACKUP DATABASE '<dm.ini>' FULL [SHADOW] TO <name> BACKUPSET '<dir>'
//   RESTORE DATABASE '<dm.ini>' [TO SHADOW] FROM BACKUPSET '<dir>'
//   RECOVER DATABASE '<dm.ini>' UPDATE DB_MAGIC
//   RECOVER DATABASE '<dm.ini>' FROM BACKUPSET '<dir>'   (nothing to redo offline)
// Everything is offline: the instance must not be running.
#include <optional>

#include "core/ini.h"
#include "core/paths.h"
#include "sim/model/dmserver.h"
#include "sim/engine/text_util.h"
#include "sim/model/tools.h"
#include "sim/model/dm_home.h"

namespace dpc::sim {
namespace {

struct Token {
  bool quoted = false;
  std::string text;  ///< upper-cased when not quoted
};

Result<std::vector<Token>> tokenize(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c)) || c == ';') {
      ++i;
      continue;
    }
    if (c == '\'') {
      std::string v;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\'') {
          if (i + 1 < s.size() && s[i + 1] == '\'') {
            v += '\'';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        v += s[i++];
      }
      if (!closed) return Error{"unterminated '...' string"};
      out.push_back(Token{true, v});
      continue;
    }
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && s[j] != ';' &&
           s[j] != '\'') {
      ++j;
    }
    out.push_back(Token{false, upper(s.substr(i, j - i))});
    i = j;
  }
  return out;
}

const char* kSyntax =
    "expected one of:\n"
    "  BACKUP DATABASE '<dm.ini>' FULL [SHADOW] TO <name> BACKUPSET '<dir>'\n"
    "  RESTORE DATABASE '<dm.ini>' [TO SHADOW] FROM BACKUPSET '<dir>'\n"
    "  RECOVER DATABASE '<dm.ini>' UPDATE DB_MAGIC\n"
    "  RECOVER DATABASE '<dm.ini>' FROM BACKUPSET '<dir>'";

struct Stmt {
  enum class Kind { Backup, Restore, UpdateMagic, Recover } kind = Kind::Backup;
  std::string ini;
  std::string set_dir;
  std::string name;
  bool shadow = false;
};

/// A cursor over the tokens of one CTLSTMT.
struct StmtParser {
  const std::vector<Token>& t;
  size_t i = 0;
  /// Consumes the unquoted keyword `w` when it comes next.
  bool word(const char* w) {
    if (i < t.size() && !t[i].quoted && t[i].text == w) {
      ++i;
      return true;
    }
    return false;
  }
  /// Consumes a quoted string when one comes next.
  std::optional<std::string> str() {
    if (i < t.size() && t[i].quoted) return t[i++].text;
    return std::nullopt;
  }
  Error bad(const std::string& what) const {
    std::string at = i < t.size() ? "'" + t[i].text + "'" : "the end";
    return Error{"syntax error in CTLSTMT at " + at + ": expected " + what + "; " + kSyntax};
  }
};

/// After BACKUP DATABASE '<dm.ini>': FULL [SHADOW] TO <name> BACKUPSET '<dir>'.
Status parse_backup(StmtParser& p, Stmt& s) {
  bool full = false;
  while (true) {
    if (p.word("FULL")) {
      full = true;
    } else if (p.word("SHADOW")) {
      s.shadow = true;
    } else {
      break;
    }
  }
  if (!full) return p.bad("FULL (only full offline backups are modelled)");
  if (!p.word("TO")) return p.bad("TO <backup name>");
  if (p.i >= p.t.size() || p.t[p.i].quoted) return p.bad("a backup name after TO");
  s.name = p.t[p.i++].text;
  if (!p.word("BACKUPSET")) return p.bad("BACKUPSET '<dir>'");
  auto dir = p.str();
  if (!dir) return p.bad("the backup set directory in quotes");
  s.set_dir = *dir;
  return Status::Ok();
}

/// After RESTORE DATABASE '<dm.ini>': [TO SHADOW] FROM BACKUPSET '<dir>'.
Status parse_restore(StmtParser& p, Stmt& s) {
  if (p.word("TO")) {
    if (!p.word("SHADOW")) return p.bad("SHADOW after TO");
    s.shadow = true;
  }
  if (!p.word("FROM") || !p.word("BACKUPSET")) return p.bad("FROM BACKUPSET '<dir>'");
  auto dir = p.str();
  if (!dir) return p.bad("the backup set directory in quotes");
  s.set_dir = *dir;
  return Status::Ok();
}

/// After RECOVER DATABASE '<dm.ini>': UPDATE DB_MAGIC, or FROM BACKUPSET '<dir>'.
Status parse_recover(StmtParser& p, Stmt& s) {
  if (p.word("UPDATE")) {
    if (!p.word("DB_MAGIC")) return p.bad("DB_MAGIC after UPDATE");
    s.kind = Stmt::Kind::UpdateMagic;
  } else if (p.word("FROM")) {
    if (!p.word("BACKUPSET")) return p.bad("BACKUPSET after FROM");
    auto dir = p.str();
    if (!dir) return p.bad("the backup set directory in quotes");
    s.set_dir = *dir;
  } else {
    return p.bad("UPDATE DB_MAGIC or FROM BACKUPSET '<dir>'");
  }
  return Status::Ok();
}

Result<Stmt> parse_ctlstmt(const std::string& text) {
  auto toks = tokenize(text);
  if (!toks.ok()) return Error{"syntax error in CTLSTMT: " + toks.message() + "; " + kSyntax};
  StmtParser p{*toks};
  Stmt s;
  if (p.word("BACKUP")) {
    s.kind = Stmt::Kind::Backup;
  } else if (p.word("RESTORE")) {
    s.kind = Stmt::Kind::Restore;
  } else if (p.word("RECOVER")) {
    s.kind = Stmt::Kind::Recover;
  } else {
    return p.bad("BACKUP, RESTORE or RECOVER");
  }
  if (!p.word("DATABASE")) return p.bad("DATABASE");
  auto ini = p.str();
  if (!ini) return p.bad("the dm.ini path in quotes");
  s.ini = *ini;
  Status tail;
  switch (s.kind) {
    case Stmt::Kind::Backup:
      tail = parse_backup(p, s);
      break;
    case Stmt::Kind::Restore:
      tail = parse_restore(p, s);
      break;
    case Stmt::Kind::Recover:
    case Stmt::Kind::UpdateMagic:
      tail = parse_recover(p, s);
      break;
  }
  if (!tail.ok()) return tail.error();
  if (p.i != p.t.size()) return p.bad("the end of the statement");
  return s;
}

struct Rman {
  World& w;
  std::string host;
  std::string out = "dmrman V8\n";
  ToolResult error(int code, const std::string& why) {
    ToolResult r;
    r.exit_code = 1;
    r.output = out + "[" + std::to_string(code) + "]:" + why + "\nCMD END.CODE:[" +
               std::to_string(code) + "]\n";
    r.duration = w.timing.tool_error;
    return r;
  }
  ToolResult ok(SimTime duration, const std::string& lines) {
    ToolResult r;
    r.output = out + lines + "time used: " + format_time(duration) + "(ms)\nCMD END.CODE:[0]\n";
    r.duration = duration;
    return r;
  }
};

/// Reads dmrman's KEY=VALUE arguments into `ctl` (the statement); the error
/// output when they are wrong or ask for the DMAP service.
std::optional<ToolResult> read_dmrman_args(Rman& rm, const std::vector<std::string>& args, std::string& ctl) {
  std::optional<std::string> stmt;
  std::optional<std::string> use_ap;
  for (const auto& raw : args) {
    const std::string a = trim(raw);
    if (a.empty()) continue;
    const size_t eq = a.find('=');
    const std::string key = upper(trim(a.substr(0, eq)));
    if (eq == std::string::npos) return rm.error(-8001, "dmrman: unexpected argument '" + a + "'");
    const std::string value = trim(unquote(a.substr(eq + 1)));
    if (key == "CTLSTMT") {
      stmt = value;
    } else if (key == "USE_AP") {
      use_ap = value;
    } else {
      return rm.error(-8001, "dmrman: unknown option " + key + "; expected CTLSTMT=\"...\" USE_AP=2");
    }
  }
  if (!stmt) return rm.error(-8001, "dmrman: CTLSTMT=\"<statement>\" is required");
  if (!use_ap || (*use_ap != "1" && *use_ap != "2")) {
    return rm.error(-8001, "dmrman: USE_AP must be 1 (through the DMAP service) or 2 (without it)");
  }
  if (*use_ap == "1") {
    return rm.error(-8003, "the DMAP service is not running on host " + rm.host +
                               "; pass USE_AP=2 to back up and restore without it");
  }
  ctl = *stmt;
  return std::nullopt;
}

/// The offline database a statement works on: its host, image and instance name.
struct RmanTarget {
  Host& h;
  DbImage* db;
  std::string inst;
};

ToolResult rman_backup(Rman& rm, RmanTarget& tg, const Stmt& stmt) {
  World& w = rm.w;
  Host& h = tg.h;
  DbImage* db = tg.db;
  const std::string& inst = tg.inst;
  if (db->dirty) {
    return rm.error(-8206, inst + " was not shut down normally (HALT or crash); start it and "
                                  "exit it normally before an offline backup");
  }
  if (h.backup(stmt.set_dir)) {
    return rm.error(-8302, "the backup set directory " + stmt.set_dir +
                               " already holds a backup set; choose another directory");
  }
  h.make_dirs(stmt.set_dir);
  BackupSet set{stmt.name, stmt.ini, stmt.shadow, *db};
  const Lsn max_lsn = db->last_lsn();
  h.put_backup(stmt.set_dir, std::move(set));
  (void)h.write(path_join(path_style(stmt.ini), stmt.set_dir, stmt.name + ".bak"),
                "backup set " + stmt.name + " of " + inst + (stmt.shadow ? " (SHADOW)" : "") + "\n");
  w.log(inst, "tool.backup", std::string(stmt.shadow ? "SHADOW " : "") + "backup set " + stmt.set_dir);
  return rm.ok(w.timing.backup, "EP[0] max_lsn: " + std::to_string(max_lsn) + "\nbackup successfully!\n");
}

/// The backup set in `dir` on `host`, or under [model] shared_backup_sets on
/// another host (named in `from_host`); null when there is none.
BackupSet* find_backup_set(World& w, const std::string& host, const std::string& dir, std::string& from_host) {
  BackupSet* set = w.host(host).backup(dir);
  from_host = host;
  if (!set && w.options.shared_backup_sets) {
    // [model] shared_backup_sets: a set written on another host is
    // readable here, as over shared storage or after a copy.
    for (const auto& [name, other] : w.hosts()) {
      if (name == host) continue;
      if ((set = other->backup(dir))) {
        from_host = name;
        break;
      }
    }
  }
  return set;
}

ToolResult rman_restore(Rman& rm, RmanTarget& tg, const Stmt& stmt) {
  World& w = rm.w;
  DbImage* db = tg.db;
  std::string from_host;
  BackupSet* set = find_backup_set(w, rm.host, stmt.set_dir, from_host);
  if (!set) {
    return rm.error(-8303, "no backup set in " + stmt.set_dir + " on host " + rm.host +
                               " (copy the seed's backup set to the target's host)");
  }
  if (set->image.dpc_mode != db->dpc_mode) {
    return rm.error(-8304, "the backup set holds a " + set->image.dpc_mode + " database but " + tg.inst +
                               " was initialised with dpc_mode=" + db->dpc_mode);
  }
  DbImage copy = set->image;
  copy.shadow = set->shadow || stmt.shadow;
  copy.restored_needs_magic_update = true;
  copy.dirty = false;
  copy.pending_redo = 0;
  *db = std::move(copy);
  w.log(tg.inst, "tool.restore",
        std::string(db->shadow ? "TO SHADOW " : "") + "from " + stmt.set_dir +
            (from_host == rm.host ? "" : " on host " + from_host) +
            " (DB_MAGIC and PERMANENT_MAGIC of the source; UPDATE DB_MAGIC still needed)");
  return rm.ok(w.timing.restore, "restore successfully.\n");
}

ToolResult rman_update_magic(Rman& rm, RmanTarget& tg) {
  tg.db->db_magic = rm.w.new_magic();
  tg.db->restored_needs_magic_update = false;
  rm.w.log(tg.inst, "tool.update_magic", "new DB_MAGIC");
  return rm.ok(rm.w.timing.update_magic, "update database magic successfully.\n");
}

ToolResult rman_recover(Rman& rm, RmanTarget& tg, const Stmt& stmt) {
  if (!tg.h.backup(stmt.set_dir)) {
    return rm.error(-8303, "no backup set in " + stmt.set_dir + " on host " + rm.host);
  }
  rm.w.log(tg.inst, "tool.recover", "nothing to redo (offline backup)");
  return rm.ok(rm.w.timing.recover, "recover successfully!\n");
}

}  // namespace

std::string instance_running_in(World& w, const std::string& host, const std::string& db_dir) {
  const std::string key = Host::key(db_dir);
  for (const auto& [name, s] : w.servers()) {
    if (s->running() && s->host() == host && !s->db_dir().empty() && Host::key(s->db_dir()) == key) {
      return name;
    }
  }
  return "";
}

ToolResult run_dmrman(World& w, const std::string& host, const std::vector<std::string>& args) {
  Rman rm{w, host};
  std::string ctl;
  if (auto refused = read_dmrman_args(rm, args, ctl)) return *refused;
  rm.out += "RMAN> " + ctl + ";\nfile dm.key not found, use default license!\n";
  auto stmt = parse_ctlstmt(ctl);
  if (!stmt.ok()) return rm.error(-8002, stmt.message());
  Host& h = w.host(host);
  auto ini_text = h.read(stmt->ini);
  if (!ini_text.ok()) {
    return rm.error(-8004, "the ini file " + stmt->ini + " does not exist on host " + host +
                               " (is the instance initialised?)");
  }
  auto ini = parse_ini(*ini_text, stmt->ini);
  const std::string inst = ini.ok() ? ini->get("INSTANCE_NAME").value_or("?") : "?";
  const std::string db_dir = path_parent(stmt->ini);
  DbImage* db = h.db(db_dir);
  if (!db) return rm.error(-8005, "there is no database in " + db_dir + " on host " + host);
  rm.out += "checking if the database under system path [" + db_dir + "] is running...\n";
  const std::string running = instance_running_in(w, host, db_dir);
  if (!running.empty()) {
    return rm.error(-8205, "instance " + running + " is running; an offline " +
                               (stmt->kind == Stmt::Kind::Backup ? std::string("backup")
                                                                 : std::string("restore or recover")) +
                               " needs the instance stopped (exit it first)");
  }
  RmanTarget tg{h, db, inst};
  switch (stmt->kind) {
    case Stmt::Kind::Backup:
      return rman_backup(rm, tg, *stmt);
    case Stmt::Kind::Restore:
      return rman_restore(rm, tg, *stmt);
    case Stmt::Kind::UpdateMagic:
      return rman_update_magic(rm, tg);
    case Stmt::Kind::Recover:
      return rman_recover(rm, tg, *stmt);
  }
  return rm.error(-8002, kSyntax);
}

void run_tool(World& w, const std::string& host, const std::string& program,
              const std::vector<std::string>& args, std::function<void(Result<ToolOutcome>)> done) {
  std::string base = program;
  const size_t cut = base.find_last_of("/\\");
  if (cut != std::string::npos) base = base.substr(cut + 1);
  base = lower(base);
  if (base.size() > 4 && base.compare(base.size() - 4, 4, ".exe") == 0) base.resize(base.size() - 4);
  Host* h = w.find_host(host);
  if (h && !h->up()) {
    w.loop.after(w.timing.tool_error, "tool.error", [done, host]() {
      done(Error{"cannot run a tool on host " + host + ": the host is down"});
    });
    return;
  }
  if (base != "dminit" && base != "dmrman") {
    w.loop.after(w.timing.tool_error, "tool.error", [done, program]() {
      done(Error{"the simulator has no program '" + program + "'; it runs dminit and dmrman"});
    });
    return;
  }
  if (auto missing = missing_dm_tool(w, host, base)) {
    w.loop.after(w.timing.tool_error, "tool.error", [done, m = *missing]() { done(Error{m}); });
    return;
  }
  std::string line = base;
  for (const auto& a : args) {
    const size_t eq = a.find('=');
    const std::string key = upper(a.substr(0, eq));
    // Passwords never reach a trace.
    line += " " + (eq != std::string::npos && key.find("PWD") != std::string::npos
                       ? a.substr(0, eq) + "=******"
                       : a);
  }
  w.log("", "tool.start", line);
  ToolResult r = base == "dminit" ? run_dminit(w, host, args) : run_dmrman(w, host, args);
  w.loop.after(r.duration, "tool.done", [&w, done, r = std::move(r), base]() {
    w.log("", "tool.done", base + " exit=" + std::to_string(r.exit_code));
    done(ToolOutcome{r.exit_code, r.output});
  });
}

}  // namespace dpc::sim
