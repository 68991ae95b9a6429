// dmserver's start rules: each refusal names the instance and the rule, and
// its passing case starts (the manual's procedure, sim/manual_72_test.cc).
#include "sim/model/dmserver.h"

#include <gtest/gtest.h>

#include "sim/sim_test_util.h"

namespace dpc::sim {
namespace {

using simtest::dm_ini;
using simtest::kHost;
using simtest::Manual72;

/// MP up and registered, every instance initialised, mp.ini everywhere.
void mp_ready(Manual72& m) {
  m.init_all();
  m.write_mp_ini();
  Status st = m.start_mp();
  ASSERT_TRUE(st.ok()) << st.message();
}

void expect_refused(const Status& st, const std::string& text) {
  ASSERT_FALSE(st.ok()) << "expected a refusal containing: " << text;
  EXPECT_NE(st.message().find(text), std::string::npos) << st.message();
}

TEST(DmServerStart, RefusesAnInstanceNotRegisteredOnTheMp) {
  Manual72 m;
  mp_ready(m);
  ASSERT_TRUE(m.c.sql_sync(kHost, 5237, m.registration_sql()[0]).ok());  // the MP itself only
  m.configure_seed(m.raft1[0]);
  Status st = m.start_seed(m.raft1[0]);
  expect_refused(st, "BP11 is not registered on the MP (MP); register it with "
                     "SP_CREATE_DPC_INSTANCE before its first start");
  EXPECT_FALSE(m.c.view("BP11").running);
  EXPECT_EQ(m.c.view("BP11").last_stop, "refused");
  // Registered, the same start succeeds.
  m.register_all(1);
  st = m.start_seed(m.raft1[0]);
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST(DmServerStart, RefusesADpcModeOtherThanDminits) {
  Manual72 m;
  mp_ready(m);
  m.register_all();
  Status st = m.c.start_server_sync(kHost, {dm_ini(m.raft1[0].path), "dpc_mode=SP"});
  expect_refused(st, "BP11 was initialised with dpc_mode=BP but started with dpc_mode=SP; the "
                     "dmserver DPC_MODE must equal the one given to dminit");
  st = m.c.start_server_sync(kHost, {dm_ini(m.raft1[0].path), "dpc_mode=XX"});
  expect_refused(st, "dpc_mode=XX is not valid");
  st = m.c.start_server_sync(kHost, {dm_ini(m.raft1[0].path), "dpc_mode=2"});
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST(DmServerStart, RefusesAPortAlreadyBoundByTheMpsMpPort) {
  Manual72 m;
  m.mp_port = 6002;  // BP11's ap_port_num: the collision the manual warns about
  mp_ready(m);
  m.register_all();
  m.configure_seed(m.raft1[0]);
  Status st = m.start_seed(m.raft1[0]);
  expect_refused(st, "BP11: cannot bind AP_PORT_NUM 6002 on host 223.254.30.136: the port is "
                     "already in use by MP (mp_port)");
}

TEST(DmServerStart, RefusesMountOnADatabaseNeverOpened) {
  Manual72 m;
  mp_ready(m);
  m.register_all();
  m.configure_members(m.raft1);
  Status st = m.c.start_server_sync(kHost, {dm_ini(m.raft1[1].path), "dpc_mode=BP", "MOUNT"});
  expect_refused(st, "BP12: the database has never been opened, so it cannot start in MOUNT");
}

TEST(DmServerStart, RefusesARestoredCopyWithoutUpdateDbMagic) {
  Manual72 m;
  mp_ready(m);
  m.register_all();
  const auto& g = m.raft1;
  m.configure_seed(g[0]);
  ASSERT_TRUE(m.start_seed(g[0]).ok());
  m.exit_and_wait("BP11");
  m.backup_seed(g[0]);
  m.restore(g[1], g[0]);  // no UPDATE DB_MAGIC
  m.configure_members(g);
  Status st = m.c.start_server_sync(kHost, {dm_ini(g[1].path), "dpc_mode=BP", "MOUNT"});
  expect_refused(st, "BP12 was restored from a backup set but its DB_MAGIC was not updated; run "
                     "dmrman CTLSTMT=\"RECOVER DATABASE '" + dm_ini(g[1].path) +
                     "' UPDATE DB_MAGIC\" USE_AP=2");
  m.update_magic(g[1]);
  st = m.c.start_server_sync(kHost, {dm_ini(g[1].path), "dpc_mode=BP", "MOUNT"});
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST(DmServerStart, RefusesWhenMpIniIsMissingOrArchIniPointsNowhere) {
  Manual72 m;
  m.init_all();
  Status st = m.start_mp();
  expect_refused(st, "MP: mp.ini not found at d:\\dpc_data_mac\\mp\\DAMENG\\mp.ini");
  m.write_mp_ini();
  ASSERT_TRUE(m.start_mp().ok());
  m.register_all();
  m.edit_dm_ini(m.raft1[0].path, {{"ARCH_INI", "1"}});  // no dmarch.ini written
  st = m.start_seed(m.raft1[0]);
  expect_refused(st, "BP11: ARCH_INI = 1 in dm.ini but there is no dmarch.ini");
}

TEST(DmServerStart, WaitsForTheMpAndGivesUpAfterMpReconnTimeout) {
  Manual72 m;
  m.init_all();
  m.write_mp_ini();
  ASSERT_TRUE(m.c.write_file(kHost, simtest::db_file(m.sp, "mp.ini"),
                             m.mp_ini() + "MP_RECONN_TIMEOUT = 5\n").ok());
  const Millis t0 = m.c.now();
  Status st = m.c.start_server_sync(kHost, {dm_ini(m.sp), "dpc_mode=SP"});
  expect_refused(st, "SP1 cannot reach the MP (nothing listens on 223.254.30.136:9000) and gave "
                     "up after MP_RECONN_TIMEOUT = 5 s");
  EXPECT_GE(m.c.now() - t0, 5000);
}

TEST(DmServerStart, TakesTheRegisteredPortsOverDmIni) {
  Manual72 m;
  mp_ready(m);
  m.register_all();
  m.configure_seed(m.raft1[0]);
  m.edit_dm_ini(m.raft1[0].path, {{"PORT_NUM", "7777"}});
  ASSERT_TRUE(m.start_seed(m.raft1[0]).ok());
  EXPECT_EQ(m.c.host(kHost).port_holder(5238), "BP11");
  EXPECT_FALSE(m.c.host(kHost).port_holder(7777).has_value());
  EXPECT_TRUE(simtest::traced(m.c, "server.ports", "override dm.ini's 7777"));
}

TEST(DmServerStart, RefusesADatabaseOfAnotherCluster) {
  Manual72 m;
  mp_ready(m);
  m.register_all();
  m.configure_seed(m.raft1[0]);
  ASSERT_TRUE(m.start_seed(m.raft1[0]).ok());
  m.exit_and_wait("BP11");
  // A new MP database (a new DPC_MAGIC) under the same name and ports.
  m.exit_and_wait("MP");
  m.tool_ok("dminit", {"path=" + m.mp, "instance_name=MP", "port_num=5237", "ap_port_num=6001",
                       "dpc_mode=MP", "AUTO_OVERWRITE=1"});
  ASSERT_TRUE(m.start_mp().ok());
  m.register_all();
  Status st = m.start_seed(m.raft1[0]);
  expect_refused(st, "BP11 belongs to another DMDPC cluster: its DPC_MAGIC differs from the MP's");
}

TEST(DmServerStart, RefusesASecondProcessOfARunningInstance) {
  Manual72 m;
  mp_ready(m);
  Status st = m.start_mp();
  expect_refused(st, "dmserver MP: already running on host 223.254.30.136");
}

TEST(DmServerSql, RegistrationBeforeTheMpRegisteredItselfIsRefused) {
  Manual72 m;
  mp_ready(m);
  auto r = m.c.sql_sync(kHost, 5237, "SP_CREATE_DPC_RAFT('BP', 'RAFT_1');");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("register itself first"), std::string::npos) << r.message();
  auto mine = m.c.sql_sync(kHost, 5237, m.registration_sql()[0]);
  EXPECT_TRUE(mine.ok()) << mine.message();
  r = m.c.sql_sync(kHost, 5237, "SP_CREATE_DPC_RAFT('BP', 'RAFT_1');");
  EXPECT_TRUE(r.ok()) << r.message();
}

TEST(DmServerSql, RegistrationScriptReproducesTheManualsTables) {
  Manual72 m;
  mp_ready(m);
  m.register_all();
  auto inst = m.c.sql_sync("MP", "select * from DPC_INSTANCE");
  ASSERT_TRUE(inst.ok()) << inst.message();
  ASSERT_EQ(inst->rows.size(), 8u);
  const int id = inst->column("INST_ID"), st = inst->column("SYS_STATUS"), info = inst->column("INFO1");
  EXPECT_EQ(inst->rows[0][static_cast<size_t>(id)], "4096");
  EXPECT_EQ(inst->rows[7][static_cast<size_t>(id)], "4103");
  EXPECT_EQ(inst->rows[3][static_cast<size_t>(info)], "196608");
  EXPECT_EQ(inst->rows[7][static_cast<size_t>(info)], std::nullopt);
  for (const auto& row : inst->rows) EXPECT_EQ(row[static_cast<size_t>(st)], "6");
  auto group = m.c.sql_sync("MP", "select * from DPC_BP_GROUP");
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(group->rows.at(0)[static_cast<size_t>(group->column("RAFT_INFO"))], "0x01000200");
}

TEST(DmServerSql, CatalogAndSqlErrorsNameTheInstanceAndWhatToDo) {
  Manual72 m;
  mp_ready(m);
  m.register_all();
  m.configure_seed(m.raft1[0]);
  ASSERT_TRUE(m.start_seed(m.raft1[0]).ok());
  auto r = m.c.sql_sync("BP11", "SP_CREATE_DPC_RAFT('BP', 'RAFT_9');");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("runs only on the MP; BP11 is BP"), std::string::npos) << r.message();
  r = m.c.sql_sync("BP11", "select * from DPC_INSTANCE");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("query it on the MP"), std::string::npos) << r.message();
  r = m.c.sql_sync(kHost, 5236, "SELECT 1 FROM DUAL");  // SP1 not started
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("connection to 223.254.30.136:5236 refused"), std::string::npos)
      << r.message();
  r = m.c.sql_sync("BP11", "SP_SET_RAFT_ELECT(0)");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("not a RAFT replica"), std::string::npos) << r.message();
  r = m.c.sql_sync("BP11", "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE");
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][1], "OPEN");
  EXPECT_EQ(r->rows[0][2], "NORMAL");
}

TEST(DmServerSql, SpReportsInvalidSystemStateUntilEveryGroupHasAPrimary) {
  Manual72 m;
  m.prepare();
  ASSERT_TRUE(m.c.start_server_sync(kHost, {dm_ini(m.sp), "dpc_mode=SP"}).ok());
  auto r = m.c.sql_sync("SP1", "SELECT 1 FROM DUAL");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("无效的系统状态"), std::string::npos) << r.message();
  // V$ views still answer on the SP.
  auto v = m.c.sql_sync("SP1", "SELECT INSTANCE_NAME, STATUS$ FROM V$INSTANCE");
  ASSERT_TRUE(v.ok()) << v.message();
  EXPECT_EQ(v->rows.size(), 8u);
  for (const auto* b : m.bps()) m.start_async(b->path, "BP", true);
  ASSERT_TRUE(m.run_until_healthy(30'000));
  EXPECT_TRUE(m.c.sql_sync("SP1", "SELECT 1 FROM DUAL").ok());
}

}  // namespace
}  // namespace dpc::sim
