#include "core/registration_sql.h"

#include <gtest/gtest.h>

#include "core/plan_test_topologies.h"

namespace dpc {
namespace {

using testing_topologies::find_mutable;
using testing_topologies::make_topology;
using testing_topologies::Shape;

Topology manual_72_like() {
  Shape shape;
  shape.host = "223.254.30.136";
  shape.bp_groups = {3, 3};
  Topology topo = make_topology(shape);
  topo.fault_domains = {{"FDOM_1", "shanghai_1", {"MP", "BP11", "BP21"}},
                        {"FDOM_2", "shanghai_2", {"BP12", "BP22"}}};
  return topo;
}

std::vector<std::string> ids(const std::vector<RegistrationCall>& script) {
  std::vector<std::string> out;
  for (const auto& call : script) out.push_back(call.id);
  return out;
}

TEST(SqlLiteral, DoublesSingleQuotes) {
  EXPECT_EQ(sql_literal("bp group1"), "'bp group1'");
  EXPECT_EQ(sql_literal("o'brien's"), "'o''brien''s'");
  EXPECT_EQ(sql_literal(""), "''");
}

TEST(CreateInstanceSql, ReplicaMemberInTheManualsForm) {
  Topology topo = manual_72_like();
  // The statement exactly as the brief and manual 7.2.4 give it.
  Instance* bp11 = find_mutable(topo, "BP11");
  bp11->ap_port_num = 6002;
  bp11->port_num = 5238;
  EXPECT_EQ(create_instance_sql(topo, *bp11),
            "SP_CREATE_DPC_INSTANCE('RAFT_1', 'BP11', 'BP', 6002, 5238, '223.254.30.136', "
            "'223.254.30.136', 'STANDBY', 0, 'BP instance');");
}

TEST(CreateInstanceSql, MpHasNullRaftAndEmptyExternalIpStaysEmpty) {
  Topology topo = manual_72_like();
  Instance* mp = find_mutable(topo, "MP");
  mp->ip_external = "";
  EXPECT_EQ(create_instance_sql(topo, *mp),
            "SP_CREATE_DPC_INSTANCE(NULL, 'MP', 'MP', 6000, 5236, '223.254.30.136', '', "
            "'NORMAL', 1, 'MP instance');");
}

TEST(RegisteredState, ByRoleAndReplication) {
  Shape shape;
  shape.mps = 3;
  shape.bp_groups = {3, 1};
  Topology topo = make_topology(shape);
  auto state = [&](const char* name) { return registered_state(topo, *topo.find_instance(name)); };
  EXPECT_EQ(state("MP1").sys_mode, "STANDBY");
  EXPECT_EQ(state("MP1").status, 0);
  EXPECT_EQ(state("BP11").sys_mode, "STANDBY");
  EXPECT_EQ(state("BP11").status, 0);
  EXPECT_EQ(state("BP21").sys_mode, "NORMAL");
  EXPECT_EQ(state("BP21").status, 1);
  EXPECT_EQ(state("SP1").sys_mode, "NORMAL");
  EXPECT_EQ(state("SP1").status, 2);
  Topology single = make_topology(Shape{});
  EXPECT_EQ(registered_state(single, *single.find_instance("MP")).sys_mode, "NORMAL");
  EXPECT_EQ(registered_state(single, *single.find_instance("MP")).status, 1);
}

TEST(RegisteredState, ExplicitStatusWins) {
  Topology topo = manual_72_like();
  find_mutable(topo, "SP1")->register_status = 1;
  find_mutable(topo, "BP11")->register_status = 1;
  EXPECT_EQ(registered_state(topo, *topo.find_instance("SP1")).status, 1);
  EXPECT_EQ(registered_state(topo, *topo.find_instance("BP11")).status, 1);
  EXPECT_EQ(registered_state(topo, *topo.find_instance("BP11")).sys_mode, "STANDBY");
}

TEST(RegistrationScript, FollowsTheManualsOrder) {
  EXPECT_EQ(ids(registration_script(manual_72_like())),
            (std::vector<std::string>{
                "register:MP", "create-raft:RAFT_1", "register:BP11", "register:BP12",
                "register:BP13", "create-raft:RAFT_2", "register:BP21", "register:BP22",
                "register:BP23", "create-bp-group:BG_1", "bp-group-add:BG_1:RAFT_1",
                "bp-group-add:BG_1:RAFT_2", "create-raft:RAFT_SP1", "register:SP1",
                "create-fault-domain:FDOM_1", "create-fault-domain:FDOM_2",
                "fault-domain-mv:FDOM_1:MP", "fault-domain-mv:FDOM_1:BP11",
                "fault-domain-mv:FDOM_1:BP21", "fault-domain-mv:FDOM_2:BP12",
                "fault-domain-mv:FDOM_2:BP22"}));
}

TEST(RegistrationScript, MpRaftMembersRegisterFirstInSelfIdOrder) {
  Shape shape;
  shape.mps = 3;
  shape.bp_groups = {1};
  auto script = registration_script(make_topology(shape));
  ASSERT_GE(script.size(), 3u);
  EXPECT_EQ(script[0].id, "register:MP1");
  EXPECT_EQ(script[1].id, "register:MP2");
  EXPECT_EQ(script[2].id, "register:MP3");
  EXPECT_NE(script[1].statement.find("(NULL, 'MP2', 'MP', "), std::string::npos)
      << script[1].statement;
  EXPECT_NE(script[1].statement.find("'STANDBY', 0"), std::string::npos) << script[1].statement;
}

TEST(RegistrationScript, BpRaftOutsideEveryBpGroupIsStillRegistered) {
  Shape shape;
  shape.bp_groups = {1, 1};
  shape.bp_group = false;
  auto got = ids(registration_script(make_topology(shape)));
  EXPECT_EQ(got, (std::vector<std::string>{"register:MP", "create-raft:RAFT_1", "register:BP11",
                                           "create-raft:RAFT_2", "register:BP21",
                                           "create-raft:RAFT_SP1", "register:SP1"}));
}

TEST(RegistrationScript, EveryCallHasAGuardQueryNamingItsRow) {
  for (const auto& call : registration_script(manual_72_like())) {
    EXPECT_FALSE(call.guard_query.empty()) << call.id;
    EXPECT_EQ(call.statement.back(), ';') << call.id;
  }
  auto script = registration_script(manual_72_like());
  auto find = [&](const std::string& id) {
    for (const auto& c : script) {
      if (c.id == id) return c;
    }
    return RegistrationCall{};
  };
  EXPECT_EQ(find("register:BP11").guard_query, "SELECT NAME FROM DPC_INSTANCE WHERE NAME = 'BP11'");
  EXPECT_EQ(find("create-raft:RAFT_1").guard_query,
            "SELECT NAME FROM DPC_BP_RAFT WHERE NAME = 'RAFT_1'");
  EXPECT_EQ(find("create-bp-group:BG_1").guard_query,
            "SELECT NAME FROM DPC_BP_GROUP WHERE NAME = 'BG_1'");
  EXPECT_EQ(find("create-fault-domain:FDOM_1").guard_query,
            "SELECT NAME FROM DPC_FAULT_DOMAIN WHERE NAME = 'FDOM_1'");
  EXPECT_EQ(find("bp-group-add:BG_1:RAFT_2").guard_query,
            "SELECT GROUP_NAME, RAFT_NAME FROM DPC_BP_GROUP_RAFT WHERE GROUP_NAME = 'BG_1' AND "
            "RAFT_NAME = 'RAFT_2'");
  EXPECT_EQ(find("fault-domain-mv:FDOM_2:BP22").guard_query,
            "SELECT DOMAIN_NAME, INST_NAME FROM DPC_FAULT_DOMAIN_INST WHERE DOMAIN_NAME = "
            "'FDOM_2' AND INST_NAME = 'BP22'");
}

TEST(RegistrationScript, DescriptionsAreQuotedSafely) {
  Topology topo = manual_72_like();
  topo.bp_groups[0].description = "it's ours";
  for (const auto& call : registration_script(topo)) {
    if (call.id == "create-bp-group:BG_1") {
      EXPECT_EQ(call.statement, "SP_CREATE_DPC_BP_GROUP('BG_1', 'it''s ours');");
    }
  }
}

}  // namespace
}  // namespace dpc
