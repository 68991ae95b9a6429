// dminit and dmrman by their command-line surface: what they create and
// copy, their DM-like output and exit codes, and each refusal's message.
#include "sim/model/tools.h"

#include <gtest/gtest.h>

#include "core/ini.h"
#include "sim/cluster.h"
#include "sim/sim_test_util.h"

namespace dpc::sim {
namespace {

const std::string kH = "h1";

struct Tools : ::testing::Test {
  SimCluster c;
  ToolOutcome run(const std::string& program, std::vector<std::string> args) {
    auto r = c.run_tool_sync(kH, program, std::move(args));
    EXPECT_TRUE(r.ok()) << r.message();
    return r.ok() ? *r : ToolOutcome{-1, r.message()};
  }
  ToolOutcome init(const std::string& name, const std::string& path, const std::string& mode,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"path=" + path, "instance_name=" + name, "port_num=5300",
                                     "ap_port_num=6300", "dpc_mode=" + mode};
    args.insert(args.end(), extra.begin(), extra.end());
    return run("dminit", args);
  }
  ToolOutcome rman(const std::string& stmt, const std::string& use_ap = "USE_AP=2") {
    return run("dmrman", {"CTLSTMT=" + stmt, use_ap});
  }
  DbImage* db(const std::string& path) { return c.host(kH).db(path + "/DAMENG"); }
};

TEST_F(Tools, DminitCreatesDmIniAndAFreshDatabase) {
  auto out = init("BP1", "/dm/bp1", "BP");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("create dm database success."), std::string::npos);
  auto text = c.read_file(kH, "/dm/bp1/DAMENG/dm.ini");
  ASSERT_TRUE(text.ok());
  auto ini = parse_ini(*text, "dm.ini");
  ASSERT_TRUE(ini.ok()) << ini.message();
  EXPECT_EQ(ini->get("INSTANCE_NAME"), "BP1");
  EXPECT_EQ(ini->get("PORT_NUM"), "5300");
  EXPECT_EQ(ini->get("AP_PORT_NUM"), "6300");
  EXPECT_EQ(ini->get("ARCH_INI"), "0");
  EXPECT_EQ(ini->get("ALTER_MODE_STATUS"), "1");
  ASSERT_NE(db("/dm/bp1"), nullptr);
  EXPECT_EQ(db("/dm/bp1")->dpc_mode, "BP");
  EXPECT_NE(db("/dm/bp1")->db_magic, 0u);
  EXPECT_EQ(db("/dm/bp1")->dpc_magic, 0u) << "a BP takes DPC_MAGIC on its first start";
  EXPECT_FALSE(db("/dm/bp1")->catalog.has_value());
  ASSERT_EQ(init("MP", "/dm/mp", "mp").exit_code, 0);
  EXPECT_NE(db("/dm/mp")->dpc_magic, 0u);
  EXPECT_TRUE(db("/dm/mp")->catalog.has_value());
  EXPECT_NE(db("/dm/mp")->permanent_magic, db("/dm/bp1")->permanent_magic);
}

TEST_F(Tools, DminitRefusesAnExistingDirectoryUnlessAutoOverwrite) {
  ASSERT_EQ(init("BP1", "/dm/bp1", "BP").exit_code, 0);
  const uint64_t magic = db("/dm/bp1")->db_magic;
  auto again = init("BP1", "/dm/bp1", "BP");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("the directory /dm/bp1/DAMENG already exists on host h1; remove it, "
                              "or pass AUTO_OVERWRITE=1"),
            std::string::npos)
      << again.output;
  EXPECT_EQ(db("/dm/bp1")->db_magic, magic);
  auto over = init("BP1", "/dm/bp1", "BP", {"AUTO_OVERWRITE=1"});
  EXPECT_EQ(over.exit_code, 0) << over.output;
  EXPECT_NE(db("/dm/bp1")->db_magic, magic);
}

TEST_F(Tools, DminitChecksPortsModesAndParameters) {
  auto bad_port = run("dminit", {"path=/dm/x", "instance_name=X", "port_num=80", "dpc_mode=BP"});
  EXPECT_NE(bad_port.exit_code, 0);
  EXPECT_NE(bad_port.output.find("PORT_NUM=80 is not a valid port; use a whole number in 1024..65534"),
            std::string::npos)
      << bad_port.output;
  auto bad_mode = init("X", "/dm/x", "ZP");
  EXPECT_NE(bad_mode.output.find("dpc_mode=ZP is not valid; use MP, SP or BP"), std::string::npos);
  auto bs = init("X", "/dm/x", "BS");
  EXPECT_NE(bs.output.find("dpc_mode=BS (a directly connected BP) is a dmserver start mode"),
            std::string::npos);
  auto unknown = run("dminit", {"path=/dm/x", "colour=blue"});
  EXPECT_NE(unknown.output.find("unknown parameter COLOUR"), std::string::npos);
  auto no_path = run("dminit", {"instance_name=X"});
  EXPECT_NE(no_path.output.find("PATH is required"), std::string::npos);
  EXPECT_FALSE(c.exists(kH, "/dm/x/DAMENG"));
}

TEST_F(Tools, DminitTakesTheInitialisationParametersItsValueListsAllow) {
  auto page = init("X", "/dm/x", "BP", {"PAGE_SIZE=12"});
  EXPECT_NE(page.output.find("PAGE_SIZE=12 is not valid; use 4/8/16/32"), std::string::npos) << page.output;
  auto log = init("X", "/dm/x", "BP", {"LOG_SIZE=64"});
  EXPECT_NE(log.output.find("LOG_SIZE=64 is not valid; use 256..8192"), std::string::npos) << log.output;
  auto cs = init("X", "/dm/x", "BP", {"CASE_SENSITIVE=maybe"});
  EXPECT_NE(cs.output.find("CASE_SENSITIVE=maybe is not valid"), std::string::npos) << cs.output;
  EXPECT_FALSE(c.exists(kH, "/dm/x/DAMENG"));
  auto ok = init("X", "/dm/x", "BP",
                 {"PAGE_SIZE=32", "EXTENT_SIZE=16", "LOG_SIZE=512", "CHARSET=1", "CASE_SENSITIVE=N",
                  "LENGTH_IN_CHAR=y", "BLANK_PAD_MODE=0"});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(c.exists(kH, "/dm/x/DAMENG"));
}

TEST_F(Tools, PasswordsNeverReachTheTrace) {
  ASSERT_EQ(init("BP1", "/dm/bp1", "BP", {"SYSDBA_PWD=Secret123"}).exit_code, 0);
  EXPECT_EQ(c.trace().text().find("Secret123"), std::string::npos);
  EXPECT_NE(c.trace().text().find("SYSDBA_PWD=******"), std::string::npos);
}

TEST_F(Tools, BackupRestoreAndUpdateMagicCarryTheImage) {
  ASSERT_EQ(init("BP1", "/dm/bp1", "BP").exit_code, 0);
  ASSERT_EQ(init("BP2", "/dm/bp2", "BP").exit_code, 0);
  db("/dm/bp1")->ever_opened = true;
  db("/dm/bp1")->append_local(16);
  auto b = rman("BACKUP DATABASE '/dm/bp1/DAMENG/dm.ini' FULL TO BACKUP_01 BACKUPSET '/dm/bp1/BACKUP_01'");
  ASSERT_EQ(b.exit_code, 0) << b.output;
  EXPECT_NE(b.output.find("CMD END.CODE:[0]"), std::string::npos);
  EXPECT_TRUE(c.exists(kH, "/dm/bp1/BACKUP_01"));
  auto r = rman("RESTORE DATABASE '/dm/bp2/DAMENG/dm.ini' FROM BACKUPSET '/dm/bp1/BACKUP_01'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const DbImage& src = *db("/dm/bp1");
  DbImage& dst = *db("/dm/bp2");
  EXPECT_EQ(dst.db_magic, src.db_magic);
  EXPECT_EQ(dst.permanent_magic, src.permanent_magic);
  EXPECT_TRUE(dst.restored_needs_magic_update);
  EXPECT_TRUE(dst.ever_opened);
  EXPECT_EQ(dst.last_lsn(), 16);
  EXPECT_FALSE(dst.shadow);
  auto u = rman("RECOVER DATABASE '/dm/bp2/DAMENG/dm.ini' UPDATE DB_MAGIC");
  ASSERT_EQ(u.exit_code, 0) << u.output;
  EXPECT_NE(dst.db_magic, src.db_magic);
  EXPECT_EQ(dst.permanent_magic, src.permanent_magic);
  EXPECT_FALSE(dst.restored_needs_magic_update);
  // dm.ini keeps the target's own identity.
  auto ini = parse_ini(*c.read_file(kH, "/dm/bp2/DAMENG/dm.ini"), "dm.ini");
  EXPECT_EQ(ini->get("INSTANCE_NAME"), "BP2");
}

TEST_F(Tools, ShadowComesFromTheBackupSetOrFromRestoreToShadow) {
  for (const char* n : {"1", "2", "3"}) {
    ASSERT_EQ(init(std::string("BP") + n, std::string("/dm/bp") + n, "BP").exit_code, 0);
  }
  ASSERT_EQ(rman("BACKUP DATABASE '/dm/bp1/DAMENG/dm.ini' FULL SHADOW TO B2 BACKUPSET '/dm/b2'").exit_code, 0);
  ASSERT_EQ(rman("BACKUP DATABASE '/dm/bp1/DAMENG/dm.ini' FULL TO B3 BACKUPSET '/dm/b3'").exit_code, 0);
  ASSERT_EQ(rman("RESTORE DATABASE '/dm/bp2/DAMENG/dm.ini' FROM BACKUPSET '/dm/b2'").exit_code, 0);
  ASSERT_EQ(rman("RESTORE DATABASE '/dm/bp3/DAMENG/dm.ini' TO SHADOW FROM BACKUPSET '/dm/b3'").exit_code, 0);
  EXPECT_TRUE(db("/dm/bp2")->shadow);
  EXPECT_TRUE(db("/dm/bp3")->shadow);
}

TEST_F(Tools, DmrmanRefusesARunningInstance) {
  simtest::Manual72 m;
  m.init_all();
  m.write_mp_ini();
  ASSERT_TRUE(m.start_mp().ok());
  auto r = m.tool("dmrman", {"CTLSTMT=BACKUP DATABASE '" + simtest::dm_ini(m.mp) +
                                 "' FULL TO BACKUP_01 BACKUPSET 'd:\\dpc_data_mac\\mp\\BACKUP_01'",
                             "USE_AP=2"});
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->exit_code, 0);
  EXPECT_NE(r->output.find("instance MP is running; an offline backup needs the instance stopped"),
            std::string::npos)
      << r->output;
  EXPECT_EQ(r->output.find("CMD END.CODE:[0]"), std::string::npos);
}

TEST_F(Tools, DmrmanExplainsTheSyntaxItExpects) {
  ASSERT_EQ(init("BP1", "/dm/bp1", "BP").exit_code, 0);
  auto r = rman("BACKUP DATABASE '/dm/bp1/DAMENG/dm.ini' TO X BACKUPSET '/dm/x'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("expected FULL"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("BACKUP DATABASE '<dm.ini>' FULL [SHADOW] TO <name> BACKUPSET '<dir>'"),
            std::string::npos);
  r = rman("DROP DATABASE '/dm/bp1/DAMENG/dm.ini'");
  EXPECT_NE(r.output.find("expected BACKUP, RESTORE or RECOVER"), std::string::npos) << r.output;
  r = rman("RECOVER DATABASE '/dm/bp1/DAMENG/dm.ini' UPDATE MAGIC");
  EXPECT_NE(r.output.find("expected DB_MAGIC after UPDATE"), std::string::npos) << r.output;
  r = rman("BACKUP DATABASE '/dm/bp1/DAMENG/dm.ini' FULL TO X BACKUPSET '/dm/x'", "USE_AP=1");
  EXPECT_NE(r.output.find("pass USE_AP=2"), std::string::npos) << r.output;
  r = rman("RESTORE DATABASE '/dm/nowhere/DAMENG/dm.ini' FROM BACKUPSET '/dm/x'");
  EXPECT_NE(r.output.find("the ini file /dm/nowhere/DAMENG/dm.ini does not exist"), std::string::npos);
  r = rman("RESTORE DATABASE '/dm/bp1/DAMENG/dm.ini' FROM BACKUPSET '/dm/none'");
  EXPECT_NE(r.output.find("no backup set in /dm/none"), std::string::npos) << r.output;
}

TEST_F(Tools, DmrmanRefusesToBackUpADirtyDatabaseOrRestoreAcrossModes) {
  ASSERT_EQ(init("BP1", "/dm/bp1", "BP").exit_code, 0);
  ASSERT_EQ(init("SP1", "/dm/sp1", "SP").exit_code, 0);
  ASSERT_EQ(rman("BACKUP DATABASE '/dm/bp1/DAMENG/dm.ini' FULL TO B BACKUPSET '/dm/b'").exit_code, 0);
  auto r = rman("RESTORE DATABASE '/dm/sp1/DAMENG/dm.ini' FROM BACKUPSET '/dm/b'");
  EXPECT_NE(r.output.find("the backup set holds a BP database but SP1 was initialised with dpc_mode=SP"),
            std::string::npos)
      << r.output;
  db("/dm/bp1")->dirty = true;
  r = rman("BACKUP DATABASE '/dm/bp1/DAMENG/dm.ini' FULL TO B BACKUPSET '/dm/b9'");
  EXPECT_NE(r.output.find("was not shut down normally"), std::string::npos) << r.output;
  r = rman("BACKUP DATABASE '/dm/sp1/DAMENG/dm.ini' FULL TO B BACKUPSET '/dm/b'");
  EXPECT_NE(r.output.find("already holds a backup set"), std::string::npos) << r.output;
}

TEST_F(Tools, UnknownProgramsAndDownHostsCannotRun) {
  auto r = c.run_tool_sync(kH, "/opt/dm/bin/disql", {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("no program '/opt/dm/bin/disql'"), std::string::npos);
  auto win = c.run_tool_sync(kH, "C:\\dmdbms\\bin\\dminit.exe", {"path=d:\\x", "instance_name=X"});
  ASSERT_TRUE(win.ok());
  EXPECT_EQ(win->exit_code, 0) << win->output;
  c.crash_host(kH);
  r = c.run_tool_sync(kH, "dminit", {"path=/dm/y"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("the host is down"), std::string::npos);
}

}  // namespace
}  // namespace dpc::sim
