#include "sim/catalog/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dpc::sim {
namespace {

using ::testing::HasSubstr;

/// Parses `sql` (a procedure call) and runs it on `cat` as the MP `self`.
Result<Rows> run(Catalog& cat, const std::string& sql, const std::string& self = "MP") {
  auto st = parse_sql(sql);
  if (!st) return st.error();
  if (!std::holds_alternative<ProcCall>(*st)) return make_error("test: not a procedure call: " + sql);
  return cat.call(std::get<ProcCall>(*st), self);
}

void ok(Catalog& cat, const std::string& sql, const std::string& self = "MP") {
  auto r = run(cat, sql, self);
  ASSERT_TRUE(r.ok()) << sql << ": " << r.message();
}

std::string fails(Catalog& cat, const std::string& sql, const std::string& self = "MP") {
  auto r = run(cat, sql, self);
  EXPECT_FALSE(r.ok()) << sql << " succeeded but should fail";
  return r.ok() ? "" : r.message();
}

Rows query(const Catalog& cat, const std::string& sql) {
  auto st = parse_sql(sql);
  EXPECT_TRUE(st.ok() && std::holds_alternative<Select>(*st)) << sql;
  if (!st.ok() || !std::holds_alternative<Select>(*st)) return {};
  auto r = cat.select(std::get<Select>(*st));
  EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.message());
  return r.ok() ? *r : Rows{};
}

/// One cell of a one-row query result; "NULL" for a NULL.
std::string cell(const Catalog& cat, const std::string& sql) {
  Rows rows = query(cat, sql);
  EXPECT_EQ(rows.rows.size(), 1u) << sql;
  EXPECT_EQ(rows.columns.size(), 1u) << sql;
  if (rows.rows.size() != 1 || rows.rows[0].size() != 1) return "<no cell>";
  return rows.rows[0][0].value_or("NULL");
}

const char* kMp = "SP_CREATE_DPC_INSTANCE(NULL,'MP','MP',6003,5239,'10.0.0.1','10.0.0.1','NORMAL',1,'MP instance')";

/// An MP that registered itself, RAFT_1 (BP) with BP1, RAFT_SP1 with SP1.
Catalog small_cluster() {
  Catalog cat;
  ok(cat, kMp);
  ok(cat, "SP_CREATE_DPC_RAFT('BP','RAFT_1')");
  ok(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP1','BP',6001,5237,'10.0.0.1','10.0.0.1','NORMAL',1,'BP instance')");
  ok(cat, "SP_CREATE_DPC_RAFT('SP','RAFT_SP1')");
  ok(cat, "SP_CREATE_DPC_INSTANCE('RAFT_SP1','SP1','SP',6000,5236,'10.0.0.1','10.0.0.1','NORMAL',2,'SP instance')");
  return cat;
}

// ---- Order: the MP registers itself first (manual 7.1.4) ----------------

TEST(Registration, RejectsInstanceBeforeMpSelfRegistered) {
  Catalog cat;
  std::string e = fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP1','BP',6001,5237,'10.0.0.1','','NORMAL',1,'bp')",
                        "MP1");
  EXPECT_THAT(e, HasSubstr("'BP1' cannot be registered yet"));
  EXPECT_THAT(e, HasSubstr("the MP you are logged in to (MP1) must register itself first"));
  EXPECT_THAT(e, HasSubstr("SP_CREATE_DPC_INSTANCE(NULL, 'MP1', 'MP', ...)"));
  EXPECT_FALSE(cat.mp_self_registered());
  EXPECT_TRUE(cat.instances().empty());
}

TEST(Registration, RejectsAnotherMpBeforeTheLoggedInMp) {
  Catalog cat;
  std::string e =
      fails(cat, "SP_CREATE_DPC_INSTANCE(NULL,'MP2','MP',6201,5437,'10.0.0.1','','STANDBY',0,'mp')", "MP1");
  EXPECT_THAT(e, HasSubstr("'MP2' cannot be registered yet"));
  EXPECT_THAT(e, HasSubstr("(MP1) must register itself first"));
  ok(cat, "SP_CREATE_DPC_INSTANCE(NULL,'MP1','MP',6200,5436,'10.0.0.1','','STANDBY',0,'mp')", "MP1");
  ok(cat, "SP_CREATE_DPC_INSTANCE(NULL,'MP2','MP',6201,5437,'10.0.0.1','','STANDBY',0,'mp')", "MP1");
  EXPECT_TRUE(cat.mp_self_registered());
}

TEST(Registration, RejectsRaftBpGroupAndFaultDomainBeforeMpSelfRegistered) {
  Catalog cat;
  for (const char* sql : {"SP_CREATE_DPC_RAFT('BP','RAFT_1')", "SP_CREATE_DPC_BP_GROUP('BG_1','bp group1')",
                          "SP_CREATE_FAULT_DOMAIN('FDOM_1','shanghai')",
                          "SP_FAULT_DOMAIN_MV_INST('FDOM_1','MP')"}) {
    std::string e = fails(cat, sql, "MP");
    EXPECT_THAT(e, HasSubstr(" refused: the MP you are logged in to (MP) must register itself first")) << sql;
    EXPECT_THAT(e, HasSubstr("manual 7.1.4")) << sql;
  }
  EXPECT_EQ(cat.rafts().size(), 1u);  // MP_RAFT only
  EXPECT_TRUE(cat.bp_groups().empty());
  EXPECT_TRUE(cat.fault_domains().empty());
}

TEST(Registration, MpRaftNameMayBeNullEmptyOrMpRaft) {
  for (const char* raft : {"NULL", "''", "'MP_RAFT'"}) {
    Catalog cat;
    ok(cat, std::string("SP_CREATE_DPC_INSTANCE(") + raft + ",'MP','MP',6003,5239,'10.0.0.1','','NORMAL',1,'d')");
    ASSERT_NE(cat.instance("MP"), nullptr);
    EXPECT_EQ(cat.instance("MP")->raft_id, 0);
  }
  Catalog cat;
  std::string e = fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','MP','MP',6003,5239,'10.0.0.1','','NORMAL',1,'d')");
  EXPECT_THAT(e, HasSubstr("MP 'MP' belongs to MP_RAFT; give RAFT_NAME NULL, '' or 'MP_RAFT', not 'RAFT_1'"));
}

// ---- SP_CREATE_DPC_RAFT ---------------------------------------------------

TEST(CreateRaft, RejectsMpModeAndUnknownModes) {
  Catalog cat = small_cluster();
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_RAFT('MP','MP_RAFT2')"),
              HasSubstr("DPC_MODE 'MP' refused: MP_RAFT (RAFT_ID 0) exists from the start"));
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_RAFT('XP','R9')"),
              HasSubstr("DPC_MODE 'XP' for RAFT group 'R9' must be 'BP' or 'SP'"));
}

TEST(CreateRaft, RejectsDuplicateName) {
  Catalog cat = small_cluster();
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_RAFT('SP','RAFT_1')"),
              HasSubstr("a RAFT group named 'RAFT_1' already exists (RAFT_ID 1, BP)"));
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_RAFT('BP','MP_RAFT')"), HasSubstr("'MP_RAFT' already exists (RAFT_ID 0"));
}

TEST(CreateRaft, IdsFollowCreationOrderAndModeIsUpperCased) {
  Catalog cat = small_cluster();
  ok(cat, "SP_CREATE_DPC_RAFT('bp','RAFT_2')");
  ASSERT_NE(cat.raft("RAFT_2"), nullptr);
  EXPECT_EQ(cat.raft("RAFT_2")->raft_id, 3);
  EXPECT_EQ(cat.raft("RAFT_2")->dpc_mode, "BP");
  EXPECT_EQ(cat.raft_by_id(0)->name, "MP_RAFT");
  EXPECT_EQ(cat.raft_by_id(2)->name, "RAFT_SP1");
}

// ---- SP_CREATE_DPC_INSTANCE -------------------------------------------------

TEST(CreateInstance, RejectsBpIntoSpRaft) {
  Catalog cat = small_cluster();
  std::string e =
      fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_SP1','BP9','BP',6009,5249,'10.0.0.1','','NORMAL',1,'bp')");
  EXPECT_THAT(e, HasSubstr("'RAFT_SP1' is an SP RAFT group; BP instance 'BP9' needs a BP RAFT group"));
  EXPECT_EQ(cat.instance("BP9"), nullptr);
}

TEST(CreateInstance, RejectsSpIntoBpRaftAndBpIntoMpRaft) {
  Catalog cat = small_cluster();
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','SP9','SP',6009,5249,'10.0.0.1','','NORMAL',1,'s')"),
              HasSubstr("'RAFT_1' is a BP RAFT group; SP instance 'SP9' needs an SP RAFT group"));
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_INSTANCE('MP_RAFT','BP9','BP',6009,5249,'10.0.0.1','','NORMAL',1,'b')"),
              HasSubstr("'MP_RAFT' is the MP RAFT group; BP instance 'BP9' needs a BP RAFT group"));
}

TEST(CreateInstance, RejectsSecondSpInSpRaft) {
  Catalog cat = small_cluster();
  std::string e =
      fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_SP1','SP2','SP',6010,5250,'10.0.0.1','','NORMAL',1,'sp')");
  EXPECT_THAT(e, HasSubstr("SP RAFT group 'RAFT_SP1' already holds SP 'SP1'"));
  EXPECT_THAT(e, HasSubstr("holds at most one SP"));
}

TEST(CreateInstance, RejectsMissingOrUnknownRaft) {
  Catalog cat = small_cluster();
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_INSTANCE(NULL,'BP9','BP',6009,5249,'10.0.0.1','','NORMAL',1,'b')"),
              HasSubstr("BP 'BP9' needs a RAFT_NAME"));
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_9','BP9','BP',6009,5249,'10.0.0.1','','NORMAL',1,'b')"),
              HasSubstr("RAFT group 'RAFT_9' for 'BP9' does not exist; create it first with "
                        "SP_CREATE_DPC_RAFT('BP', 'RAFT_9')"));
}

TEST(CreateInstance, RejectsDuplicateName) {
  Catalog cat = small_cluster();
  ok(cat, "SP_CREATE_DPC_RAFT('BP','RAFT_2')");
  std::string e = fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_2','BP1','BP',6009,5249,'10.0.0.1','','NORMAL',1,'b')");
  EXPECT_THAT(e, HasSubstr("an instance named 'BP1' is already registered (INST_ID 4097, BP)"));
}

TEST(CreateInstance, RejectsBadSysMode) {
  Catalog cat = small_cluster();
  std::string e = fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP',6009,5249,'10.0.0.1','','LEADER',1,'b')");
  EXPECT_THAT(e, HasSubstr("SYS_MODE 'LEADER' for 'BP2' must be 'NORMAL', 'PRIMARY' or 'STANDBY'"));
}

TEST(CreateInstance, RejectsBadStatus) {
  Catalog cat = small_cluster();
  std::string e = fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP',6009,5249,'10.0.0.1','','STANDBY',3,'b')");
  EXPECT_THAT(e, HasSubstr("STATUS 3 for 'BP2' must be 1 (valid), 0 (invalid) or 2 (SP exited normally)"));
}

TEST(CreateInstance, RejectsBadDpcMode) {
  Catalog cat = small_cluster();
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BS1','BS',6009,5249,'10.0.0.1','','NORMAL',1,'b')"),
              HasSubstr("DPC_MODE 'BS' for 'BS1' must be 'MP', 'SP' or 'BP'"));
}

TEST(CreateInstance, RejectsWrongArity) {
  Catalog cat = small_cluster();
  std::string e = fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP',6009,5249,'10.0.0.1','NORMAL',1)");
  EXPECT_THAT(e, HasSubstr("SP_CREATE_DPC_INSTANCE takes 9 or 10 arguments, got 8"));
  EXPECT_THAT(e, HasSubstr("SP_CREATE_DPC_INSTANCE(RAFT_NAME varchar|NULL, NAME varchar, DPC_MODE varchar, "
                           "AP_PORT int, INST_PORT int, IP varchar, SYS_MODE varchar, STATUS int, "
                           "DESC varchar|NULL)"));
  EXPECT_THAT(e, HasSubstr(" or SP_CREATE_DPC_INSTANCE(RAFT_NAME varchar|NULL, NAME varchar, DPC_MODE varchar, "
                           "AP_PORT int, INST_PORT int, IP_INTER varchar, IP_EXTER varchar|NULL,"));
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_RAFT('BP')"),
              HasSubstr("SP_CREATE_DPC_RAFT takes 2 arguments, got 1; expected "
                        "SP_CREATE_DPC_RAFT(DPC_MODE varchar, RAFT_NAME varchar)"));
}

TEST(CreateInstance, RejectsWrongArgumentType) {
  Catalog cat = small_cluster();
  std::string e = fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP','6009',5249,'10.0.0.1','','NORMAL',1,'b')");
  EXPECT_THAT(e, HasSubstr("argument 4 (AP_PORT) must be an integer, got the string '6009'"));
  e = fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1',NULL,'BP',6009,5249,'10.0.0.1','','NORMAL',1,'b')");
  EXPECT_THAT(e, HasSubstr("argument 2 (NAME) must be a '...' string, got NULL"));
}

TEST(CreateInstance, RejectsPortsOutOfRangeEqualOrTakenOnTheSameIp) {
  Catalog cat = small_cluster();
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP',80,5249,'10.0.0.1','','NORMAL',1,'b')"),
              HasSubstr("AP_PORT 80 for 'BP2' is outside 1024..65534"));
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP',6009,65535,'10.0.0.1','','NORMAL',1,'b')"),
              HasSubstr("INST_PORT 65535 for 'BP2' is outside 1024..65534"));
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP',6009,6009,'10.0.0.1','','NORMAL',1,'b')"),
              HasSubstr("AP_PORT and INST_PORT of 'BP2' are both 6009"));
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP',6001,5237,'10.0.0.1','','NORMAL',1,'b')"),
              HasSubstr("port 6001 on 10.0.0.1 is already registered for 'BP1' (AP_PORT 6001, INST_PORT 5237)"));
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP',6009,5236,'10.0.0.1','','NORMAL',1,'b')"),
              HasSubstr("port 5236 on 10.0.0.1 is already registered for 'SP1'"));
  ok(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP',6001,5237,'10.0.0.2','','NORMAL',1,'b')");
}

TEST(CreateInstance, IdsInfo1AndExternalIpFollowTheManual) {
  Catalog cat;
  ok(cat, "SP_CREATE_DPC_INSTANCE(NULL,'MP1','MP',6200,5436,'10.0.0.1','','STANDBY',0,'mp')", "MP1");
  ok(cat, "SP_CREATE_DPC_INSTANCE('MP_RAFT','MP2','MP',6201,5437,'10.0.0.2','','STANDBY',0,'mp')", "MP1");
  ok(cat, "SP_CREATE_DPC_RAFT('BP','R1')", "MP1");
  ok(cat, "SP_CREATE_DPC_INSTANCE('R1','B1','BP',6100,5336,'10.0.0.1','1.2.3.4','STANDBY',0,'bp')", "MP1");
  ok(cat, "SP_CREATE_DPC_INSTANCE('R1','B2','BP',6101,5337,'10.0.0.1',NULL,'STANDBY',0,'bp')", "MP1");
  ok(cat, "SP_CREATE_DPC_INSTANCE('R1','B3','BP',6102,5338,'10.0.0.1','STANDBY',0,'9-arg form')", "MP1");
  ok(cat, "SP_CREATE_DPC_RAFT('SP','S')", "MP1");
  ok(cat, "SP_CREATE_DPC_INSTANCE('S','SP1','SP',6000,5236,'10.0.0.1','','normal',1,'sp')", "MP1");

  const std::vector<std::string> names = {"MP1", "MP2", "B1", "B2", "B3", "SP1"};
  for (size_t i = 0; i < names.size(); ++i) {
    ASSERT_NE(cat.instance(names[i]), nullptr) << names[i];
    EXPECT_EQ(cat.instance(names[i])->inst_id, 4096 + static_cast<int>(i)) << names[i];
    EXPECT_EQ(cat.instance(names[i])->sys_status, 6) << names[i];
  }
  EXPECT_EQ(cat.instance("MP2")->info1, 131072);
  EXPECT_EQ(cat.instance("B1")->info1, 65536);
  EXPECT_EQ(cat.instance("B2")->info1, 131072);
  EXPECT_EQ(cat.instance("B3")->info1, 196608);
  EXPECT_EQ(cat.instance("SP1")->info1, std::nullopt);
  EXPECT_EQ(cat.instance("SP1")->sys_mode, "NORMAL");
  EXPECT_EQ(cat.instance("B1")->ip_external, "1.2.3.4");
  EXPECT_EQ(cat.instance("B2")->ip_external, "10.0.0.1");
  EXPECT_EQ(cat.instance("B3")->ip_external, "10.0.0.1");
  EXPECT_EQ(cat.instance("B3")->description, "9-arg form");
  ASSERT_EQ(cat.members(1).size(), 3u);
  EXPECT_EQ(cat.members(1)[2]->name, "B3");
  EXPECT_EQ(cell(cat, "SELECT INFO1 FROM DPC_INSTANCE WHERE NAME = 'SP1'"), "NULL");
  EXPECT_EQ(cell(cat, "SELECT IP_EXTERNAL FROM DPC_INSTANCE WHERE NAME = 'B2'"), "10.0.0.1");
}

// ---- BP groups --------------------------------------------------------------

TEST(BpGroup, RejectsAddingSpOrMpRaft) {
  Catalog cat = small_cluster();
  ok(cat, "SP_CREATE_DPC_BP_GROUP('BG_1','bp group1')");
  EXPECT_THAT(fails(cat, "SP_BP_GROUP_ADD_RAFT('BG_1','RAFT_SP1')"),
              HasSubstr("'RAFT_SP1' is an SP RAFT group; a BP group holds BP RAFT groups only"));
  EXPECT_THAT(fails(cat, "SP_BP_GROUP_ADD_RAFT('BG_1','MP_RAFT')"), HasSubstr("'MP_RAFT' is the MP RAFT group"));
  EXPECT_TRUE(cat.bp_group("BG_1")->rafts.empty());
}

TEST(BpGroup, RejectsUnknownGroupUnknownRaftAndARaftInTwoGroups) {
  Catalog cat = small_cluster();
  ok(cat, "SP_CREATE_DPC_BP_GROUP('BG_1','one')");
  ok(cat, "SP_CREATE_DPC_BP_GROUP('BG_2',NULL)");
  EXPECT_THAT(fails(cat, "SP_BP_GROUP_ADD_RAFT('BG_9','RAFT_1')"), HasSubstr("BP group 'BG_9' does not exist"));
  EXPECT_THAT(fails(cat, "SP_BP_GROUP_ADD_RAFT('BG_1','RAFT_9')"), HasSubstr("RAFT group 'RAFT_9' does not exist"));
  ok(cat, "SP_BP_GROUP_ADD_RAFT('BG_1','RAFT_1')");
  EXPECT_THAT(fails(cat, "SP_BP_GROUP_ADD_RAFT('BG_2','RAFT_1')"),
              HasSubstr("RAFT group 'RAFT_1' is already in BP group 'BG_1'"));
  EXPECT_THAT(fails(cat, "SP_CREATE_DPC_BP_GROUP('BG_1','again')"),
              HasSubstr("a BP group named 'BG_1' already exists (ID 1)"));
}

TEST(BpGroup, RaftInfoIsLittleEndianUint16Hex) {
  Catalog cat = small_cluster();  // RAFT_1 = 1, RAFT_SP1 = 2
  ok(cat, "SP_CREATE_DPC_BP_GROUP('BG_1','g')");
  EXPECT_EQ(cell(cat, "SELECT RAFT_INFO FROM DPC_BP_GROUP"), "NULL");
  ok(cat, "SP_BP_GROUP_ADD_RAFT('BG_1','RAFT_1')");
  EXPECT_EQ(cell(cat, "SELECT RAFT_INFO FROM DPC_BP_GROUP"), "0x0100");
  for (int id = 3; id <= 300; ++id) ok(cat, "SP_CREATE_DPC_RAFT('BP','R" + std::to_string(id) + "')");
  ok(cat, "SP_BP_GROUP_ADD_RAFT('BG_1','R10')");
  ok(cat, "SP_BP_GROUP_ADD_RAFT('BG_1','R258')");
  EXPECT_EQ(cell(cat, "SELECT RAFT_INFO FROM DPC_BP_GROUP"), "0x01000A000201");
  EXPECT_EQ(cell(cat, "SELECT RAFT_NUM FROM DPC_BP_GROUP"), "3");
  EXPECT_EQ(cell(cat, "SELECT GROUP_ID FROM DPC_BP_RAFT WHERE NAME = 'RAFT_1'"), "-1");
}

// ---- Fault domains ----------------------------------------------------------

TEST(FaultDomain, RejectsDuplicateName) {
  Catalog cat = small_cluster();
  ok(cat, "SP_CREATE_FAULT_DOMAIN ('FDOM_1','shanghai')");
  EXPECT_THAT(fails(cat, "SP_CREATE_FAULT_DOMAIN('FDOM_1','beijing')"),
              HasSubstr("a fault domain named 'FDOM_1' already exists (ID 1)"));
}

TEST(FaultDomain, RejectsSpInstance) {
  Catalog cat = small_cluster();
  ok(cat, "SP_CREATE_FAULT_DOMAIN('FDOM_1','shanghai')");
  EXPECT_THAT(fails(cat, "SP_FAULT_DOMAIN_MV_INST('FDOM_1','SP1')"),
              HasSubstr("'SP1' is an SP; SP instances cannot be placed in a fault domain"));
  EXPECT_EQ(cat.instance("SP1")->fault_domain, "");
}

TEST(FaultDomain, RejectsTwoMembersOfOneRaftInOneDomainAndNullMovesOut) {
  Catalog cat = small_cluster();
  ok(cat, "SP_CREATE_DPC_INSTANCE('RAFT_1','BP2','BP',6009,5249,'10.0.0.1','','STANDBY',0,'b')");
  ok(cat, "SP_CREATE_FAULT_DOMAIN('FDOM_1','a')");
  ok(cat, "SP_CREATE_FAULT_DOMAIN('FDOM_2','b')");
  ok(cat, "SP_FAULT_DOMAIN_MV_INST('FDOM_1','BP1')");
  ok(cat, "SP_FAULT_DOMAIN_MV_INST('FDOM_1','MP')");  // another RAFT group: allowed
  std::string e = fails(cat, "SP_FAULT_DOMAIN_MV_INST('FDOM_1','BP2')");
  EXPECT_THAT(e, HasSubstr("'BP2' and 'BP1' are both members of RAFT group 'RAFT_1'; two members of one RAFT "
                           "group cannot share fault domain 'FDOM_1'"));
  ok(cat, "SP_FAULT_DOMAIN_MV_INST('FDOM_2','BP2')");
  ok(cat, "SP_FAULT_DOMAIN_MV_INST(NULL,'BP1')");
  EXPECT_EQ(cat.instance("BP1")->fault_domain, "");
  ok(cat, "SP_FAULT_DOMAIN_MV_INST('FDOM_1','BP2')");  // a move, now that BP1 left
  Rows rows = query(cat, "SELECT * FROM DPC_FAULT_DOMAIN_INST");
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.rows[0][1], "MP");
  EXPECT_EQ(rows.rows[1][1], "BP2");
}

TEST(FaultDomain, RejectsUnknownDomainOrInstance) {
  Catalog cat = small_cluster();
  EXPECT_THAT(fails(cat, "SP_FAULT_DOMAIN_MV_INST('FDOM_9','BP1')"),
              HasSubstr("fault domain 'FDOM_9' does not exist"));
  ok(cat, "SP_CREATE_FAULT_DOMAIN('FDOM_1','a')");
  EXPECT_THAT(fails(cat, "SP_FAULT_DOMAIN_MV_INST('FDOM_1','BP9')"),
              HasSubstr("no instance named 'BP9' is registered"));
}

// ---- Drops and alters -------------------------------------------------------

TEST(Drop, InstanceRaftAndBpGroupFollowTheirRules) {
  Catalog cat = small_cluster();
  ok(cat, "SP_CREATE_DPC_BP_GROUP('BG_1','g')");
  ok(cat, "SP_BP_GROUP_ADD_RAFT('BG_1','RAFT_1')");
  EXPECT_THAT(fails(cat, "SP_DROP_DPC_RAFT('RAFT_1')"),
              HasSubstr("RAFT group 'RAFT_1' still holds 1 instance(s), e.g. 'BP1'"));
  EXPECT_THAT(fails(cat, "SP_DROP_DPC_INSTANCE('MP')"), HasSubstr("'MP' is the MP you are logged in to"));
  EXPECT_THAT(fails(cat, "SP_DROP_DPC_RAFT('MP_RAFT')"), HasSubstr("MP_RAFT cannot be dropped"));
  ok(cat, "SP_DROP_DPC_INSTANCE('BP1')");
  EXPECT_EQ(cat.instance("BP1"), nullptr);
  EXPECT_THAT(fails(cat, "SP_DROP_DPC_RAFT('RAFT_1')"), HasSubstr("is in BP group 'BG_1'"));
  ok(cat, "SP_DROP_DPC_BP_GROUP('BG_1')");
  ok(cat, "SP_DROP_DPC_RAFT('RAFT_1')");
  EXPECT_EQ(cat.raft("RAFT_1"), nullptr);
  EXPECT_THAT(fails(cat, "SP_DROP_DPC_BP_GROUP('BG_1')"), HasSubstr("BP group 'BG_1' does not exist"));
  // Ids are not reused.
  ok(cat, "SP_CREATE_DPC_RAFT('BP','RAFT_2')");
  EXPECT_EQ(cat.raft("RAFT_2")->raft_id, 3);
  ok(cat, "SP_CREATE_DPC_INSTANCE('RAFT_2','BP2','BP',6001,5237,'10.0.0.1','','NORMAL',1,'b')");
  EXPECT_EQ(cat.instance("BP2")->inst_id, 4099);
}

TEST(Alter, ChangesModeAndStatusesAndChecksThem) {
  Catalog cat = small_cluster();
  ok(cat, "SP_ALTER_DPC_INSTANCE('BP1','primary',4,1)");
  EXPECT_EQ(cat.instance("BP1")->sys_mode, "PRIMARY");
  EXPECT_EQ(cat.instance("BP1")->sys_status, 4);
  EXPECT_THAT(fails(cat, "SP_ALTER_DPC_INSTANCE('BP1','PRIMARY',7,1)"),
              HasSubstr("SYS_STATUS 7 for 'BP1' must be 1 (starting)"));
  EXPECT_THAT(fails(cat, "SP_ALTER_DPC_INSTANCE('BP1','BOSS',4,1)"), HasSubstr("SYS_MODE 'BOSS' for 'BP1'"));
  EXPECT_THAT(fails(cat, "SP_ALTER_DPC_INSTANCE('BP1','PRIMARY',4,-1)"), HasSubstr("STATUS -1 for 'BP1'"));
  EXPECT_THAT(fails(cat, "SP_ALTER_DPC_INSTANCE('BP9','PRIMARY',4,1)"), HasSubstr("no instance named 'BP9'"));
}

TEST(Catalog, SetRuntimeChangesSysModeSysStatusAndStatus) {
  Catalog cat = small_cluster();
  EXPECT_TRUE(cat.set_runtime("BP1", "PRIMARY", 4, 1));
  Rows rows = query(cat, "SELECT SYS_MODE, SYS_STATUS, STATUS FROM DPC_INSTANCE WHERE NAME = 'BP1'");
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.rows[0], (std::vector<std::optional<std::string>>{"PRIMARY", "4", "1"}));
  EXPECT_TRUE(cat.set_runtime("BP1", "STANDBY", 3, 0));
  EXPECT_EQ(cell(cat, "SELECT SYS_MODE FROM DPC_INSTANCE WHERE NAME = 'BP1'"), "STANDBY");
  EXPECT_EQ(cell(cat, "SELECT SYS_STATUS FROM DPC_INSTANCE WHERE NAME = 'BP1'"), "3");
  EXPECT_EQ(cell(cat, "SELECT STATUS FROM DPC_INSTANCE WHERE NAME = 'BP1'"), "0");
  EXPECT_FALSE(cat.set_runtime("BP9", "PRIMARY", 4, 1));
}

TEST(Catalog, RejectsUnknownProcedure) {
  Catalog cat = small_cluster();
  std::string e = fails(cat, "SP_SET_RAFT_ELECT(0)");
  EXPECT_THAT(e, HasSubstr("unknown procedure SP_SET_RAFT_ELECT: the MP catalog serves SP_CREATE_DPC_RAFT, "
                           "SP_CREATE_DPC_INSTANCE, SP_CREATE_DPC_BP_GROUP"));
  EXPECT_FALSE(Catalog::has_procedure("SP_SET_RAFT_ELECT"));
  EXPECT_TRUE(Catalog::has_procedure("SP_FAULT_DOMAIN_MV_INST"));
}

// ---- SELECT -------------------------------------------------------------------

TEST(CatalogSelect, FiltersWithWhereAndProjectsColumns) {
  Catalog cat = small_cluster();
  Rows rows = query(cat, "select name, inst_id from dpc_instance where dpc_mode = 'BP' and raft_id = 1");
  EXPECT_EQ(rows.columns, (std::vector<std::string>{"NAME", "INST_ID"}));
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.rows[0], (std::vector<std::optional<std::string>>{"BP1", "4097"}));
  EXPECT_TRUE(query(cat, "SELECT * FROM DPC_INSTANCE WHERE INFO1 = NULL").rows.empty());
  EXPECT_TRUE(query(cat, "SELECT * FROM DPC_INSTANCE WHERE NAME = 'bp1'").rows.empty());
  EXPECT_EQ(query(cat, "SELECT * FROM DPC_INSTANCE WHERE RAFT_ID = '2'").rows.size(), 1u);
}

TEST(CatalogSelect, UnknownTableOrColumnIsNamed) {
  Catalog cat = small_cluster();
  auto r = cat.select(Select{{}, "DPC_NOTHING", {}});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.message(), HasSubstr("table DPC_NOTHING is not in the MP catalog; its tables are DPC_BP_GROUP"));
  r = cat.select(Select{{"NAME", "PORT"}, "DPC_INSTANCE", {}});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.message(), HasSubstr("table DPC_INSTANCE has no column PORT; its columns are RAFT_ID, INST_ID"));
  r = cat.select(Select{{}, "DPC_BP_RAFT", {{"MODE", SqlValue::string("BP")}}});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.message(), HasSubstr("table DPC_BP_RAFT has no column MODE"));
  EXPECT_TRUE(Catalog::has_table("DPC_BP_GROUP_RAFT"));
  EXPECT_FALSE(Catalog::has_table("V$INSTANCE"));
}

TEST(CatalogSelect, ModelTablesListDomainsAndGroupMembers) {
  Catalog cat = small_cluster();
  ok(cat, "SP_CREATE_FAULT_DOMAIN('FDOM_1','shanghai')");
  ok(cat, "SP_CREATE_DPC_BP_GROUP('BG_1','g')");
  ok(cat, "SP_BP_GROUP_ADD_RAFT('BG_1','RAFT_1')");
  Rows d = query(cat, "SELECT * FROM DPC_FAULT_DOMAIN");
  EXPECT_EQ(d.columns, (std::vector<std::string>{"ID", "NAME", "DESCRIPTION"}));
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_EQ(d.rows[0], (std::vector<std::optional<std::string>>{"1", "FDOM_1", "shanghai"}));
  Rows g = query(cat, "SELECT * FROM DPC_BP_GROUP_RAFT");
  EXPECT_EQ(g.columns, (std::vector<std::string>{"GROUP_NAME", "RAFT_NAME"}));
  ASSERT_EQ(g.rows.size(), 1u);
  EXPECT_EQ(g.rows[0], (std::vector<std::optional<std::string>>{"BG_1", "RAFT_1"}));
}

TEST(Catalog, IsAValueCopiedWithItsCounters) {
  Catalog cat = small_cluster();
  Catalog copy = cat;  // a backup restored elsewhere
  ok(copy, "SP_CREATE_DPC_RAFT('BP','RAFT_2')");
  EXPECT_EQ(copy.raft("RAFT_2")->raft_id, 3);
  EXPECT_EQ(cat.raft("RAFT_2"), nullptr);
}

// ---- format_disql ---------------------------------------------------------------

TEST(FormatDisql, PrintsRowNumbersRuleNullsAndPadsToWidestCell) {
  Rows rows;
  rows.columns = {"RAFT_ID", "NAME", "INFO1"};
  rows.rows = {{"0", "MP_RAFT", std::nullopt}, {"1", "RAFT_1", "65536"}};
  EXPECT_EQ(format_disql(rows),
            "行号 RAFT_ID NAME    INFO1\n"
            "---- ------- ------- -----\n"
            "1    0       MP_RAFT NULL\n"
            "2    1       RAFT_1  65536\n");
}

TEST(FormatDisql, NoRowsAndNoColumns) {
  Rows rows;
  EXPECT_EQ(format_disql(rows), "");
  rows.columns = {"NAME"};
  EXPECT_EQ(format_disql(rows), "未选定行\n");
}

TEST(FormatDisql, WideCharactersCountTwoColumns) {
  Rows rows;
  rows.columns = {"DESCRIPTION", "X"};
  rows.rows = {{"上海", "1"}};
  EXPECT_EQ(format_disql(rows),
            "行号 DESCRIPTION X\n"
            "---- ----------- -\n"
            "1    上海        1\n");
}

}  // namespace
}  // namespace dpc::sim
