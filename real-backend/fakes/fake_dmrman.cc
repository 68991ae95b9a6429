// Stand-in for DM's dmrman (see fake_common.h), offline only:
//   dmrman CTLSTMT="BACKUP DATABASE '<dm.ini>' FULL [SHADOW] TO <name> BACKUPSET '<dir>'" USE_AP=2
//   dmrman CTLSTMT="RESTORE DATABASE '<dm.ini>' [TO SHADOW] FROM BACKUPSET '<dir>'" USE_AP=2
//   dmrman CTLSTMT="RECOVER DATABASE '<dm.ini>' UPDATE DB_MAGIC" USE_AP=2
// Refuses a running database and a backup of one not shut down normally,
// keeps the magics in fake.db like DM keeps them (a restored copy carries its
// source's DB_MAGIC until UPDATE DB_MAGIC), and
// ends with "CMD END.CODE:[n]". Like the dmrman the real backend must
// distrust, it exits with status 0 even when it reports a failure code.
#include <cstdio>
#include <string>
#include <vector>

#include "real-backend/fakes/fake_common.h"

namespace {

int finish(int code, const std::string& message) {
  if (code != 0) std::printf("[%d]:%s\n", code, message.c_str());
  else std::printf("%s\n", message.c_str());
  std::printf("time used: 00:00:00.001\nCMD END.CODE:[%d]\n", code);
  std::fflush(stdout);
  return 0;
}

/// The text between the quotes after `keyword '`, or "".
std::string quoted_after(const std::string& text, const std::string& keyword) {
  size_t k = fake::upper(text).find(keyword + " '");
  if (k == std::string::npos) return "";
  size_t b = k + keyword.size() + 2;
  size_t e = text.find('\'', b);
  return e == std::string::npos ? "" : text.substr(b, e - b);
}

std::string render(const std::map<std::string, std::string>& kv) {
  std::string out;
  for (const auto& [k, v] : kv) out += k + "=" + v + "\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.size() == 1 && words[0] == "-v") {
    std::printf("dmrman V8 %s\n", fake::build_string(argv[0]).c_str());
    return 0;
  }
  if (words.size() == 1 && fake::upper(words[0]) == "HELP") {
    std::printf("dmrman V8 (stand-in)\nformat: ./dmrman KEYWORD=value\n");
    return 0;
  }
  fake::maybe_hang("dmrman");
  fake::record("dmrman", words);
  auto kv = fake::parse_kv(words);
  std::printf("dmrman V8\n");
  if (!kv[""].empty()) return finish(-100, "unexpected argument '" + kv[""] + "' (is CTLSTMT quoted?)");
  if (kv["USE_AP"] != "2") return finish(-101, "USE_AP=2 expected for an offline run without dmap");
  std::string stmt = kv["CTLSTMT"];
  if (stmt.size() >= 2 && stmt.front() == '"') return finish(-102, "CTLSTMT reached dmrman with its shell quotes");
  std::printf("RMAN> %s\n", stmt.c_str());
  if (fake::should_fail("dmrman", stmt)) return finish(-136, "fault injected by DPC_FAKE_FAIL");

  const std::string up = fake::upper(stmt);
  const std::string ini = quoted_after(stmt, "DATABASE");
  if (ini.empty() || !fake::exists(ini)) return finish(-8003, "the ini file '" + ini + "' does not exist");
  const std::string dir = fake::parent_dir(ini);
  if (int pid = fake::running_server(dir); pid > 0) {
    return finish(-8206, "the database " + dir + " is running (process " + std::to_string(pid) + "); offline backup/restore needs it stopped");
  }
  auto db = fake::read_ini(dir + "/fake.db");

  if (up.rfind("BACKUP DATABASE", 0) == 0) {
    const std::string set = quoted_after(stmt, "BACKUPSET");
    if (set.empty()) return finish(-8001, "no BACKUPSET directory");
    if (db["OPENED"] != "1") return finish(-8300, "the database was never opened");
    // The stand-in dmserver removes fake.state only on a normal exit: one
    // left by a process that is gone was killed (or crashed) while running.
    if (fake::exists(dir + "/fake.state")) {
      return finish(-8206, "the database " + dir + " was not shut down normally; start it and exit it "
                           "normally before an offline backup");
    }
    if (fake::exists(set + "/backup.meta")) return finish(-8124, "backup set " + set + " already exists");
    if (!fake::make_dirs(set)) return finish(-8002, "cannot create " + set);
    auto meta = db;
    meta["SOURCE"] = ini;
    meta["SHADOW_BACKUP"] = up.find(" FULL SHADOW ") != std::string::npos ? "1" : "0";
    fake::write_file(set + "/backup.meta", render(meta));
    std::printf("[Percent:100.00%%][Speed:0.00M/s][Cost:00:00:01][Remaining:00:00:00]\n");
    return finish(0, "backup successfully.");
  }
  if (up.rfind("RESTORE DATABASE", 0) == 0) {
    const std::string set = quoted_after(stmt, "BACKUPSET");
    auto meta = fake::read_ini(set + "/backup.meta");
    if (meta.empty()) return finish(-8018, "backup set " + set + " not found");
    if (fake::dpc_mode_name(meta["DPC_MODE"]) != fake::dpc_mode_name(db["DPC_MODE"])) {
      return finish(-8330, "DPC_MODE of the backup set differs from the target's");
    }
    db["PERMANENT_MAGIC"] = meta["PERMANENT_MAGIC"];
    db["DB_MAGIC"] = meta["DB_MAGIC"];
    db["OPENED"] = "1";
    db["MAGIC_UPDATED"] = "0";
    // A shadow copy either way of the manual's 7.5.1: TO SHADOW, or a FULL SHADOW backup set.
    db["SHADOW"] = up.find(" TO SHADOW ") != std::string::npos || meta["SHADOW_BACKUP"] == "1" ? "1" : "0";
    fake::write_file(dir + "/fake.db", render(db));
    std::printf("[Percent:100.00%%][Speed:0.00M/s][Cost:00:00:01][Remaining:00:00:00]\n");
    return finish(0, "restore successfully.");
  }
  if (up.rfind("RECOVER DATABASE", 0) == 0 && up.find("UPDATE DB_MAGIC") != std::string::npos) {
    if (db.empty()) return finish(-8004, "no database in " + dir);
    db["DB_MAGIC"] = std::to_string(fake::new_magic());
    db["MAGIC_UPDATED"] = "1";
    fake::write_file(dir + "/fake.db", render(db));
    return finish(0, "recover successfully!");
  }
  return finish(-8000, "statement not understood by the stand-in: " + stmt);
}
