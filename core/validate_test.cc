// Every validation rule of docs/topology.md: a topology that breaks it, and
// the path and message of what is reported.
#include "core/validate.h"

#include <gtest/gtest.h>

#include "core/topology_load.h"
#include "core/topology_test_util.h"

namespace dpc {
namespace {

using nlohmann::json;
using namespace dpc::topology_testing;  // NOLINT: the helpers of topology_test_util.h

TEST(Validate, BaseTopologyIsCleanWithoutAnyDiagnostic) {
  LoadOutcome outcome = load(base());
  EXPECT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome.diagnostics.empty()) << all(outcome);
}

TEST(Validate, DuplicateInstanceNamesComparedWithoutCase) {
  json doc = base();
  doc["bp_rafts"][0]["members"][2]["name"] = "bp11";
  LoadOutcome outcome = load(doc);
  Diagnostic d = at(outcome, "bp_rafts[0].members[2].name");
  EXPECT_CONTAINS(d.message, "instance name \"bp11\" is already used (at bp_rafts[0].members[0].name)");
  EXPECT_CONTAINS(d.message, "compared without case");
}

TEST(Validate, DuplicateRaftGroupNamesAcrossSpAndBp) {
  json doc = base();
  doc["sp"][0]["raft"] = "RAFT_1";
  LoadOutcome outcome = load(doc);
  EXPECT_CONTAINS(at(outcome, "bp_rafts[0].name").message,
                  "RAFT group name \"RAFT_1\" is already used (at sp[0].raft)");
}

TEST(Validate, BpRaftNamedMpRaftIsRefused) {
  json doc = base();
  doc["bp_rafts"][0]["name"] = "MP_RAFT";
  doc["bp_groups"][0]["rafts"][0] = "MP_RAFT";
  LoadOutcome outcome = load(doc);
  EXPECT_CONTAINS(at(outcome, "bp_rafts[0].name").message, "is the name of the MP's RAFT group");
}

TEST(Validate, DuplicateBpGroupAndFaultDomainNames) {
  json doc = base();
  doc["bp_groups"].push_back({{"name", "BG_1"}, {"rafts", json::array()}});
  doc["fault_domains"][1]["name"] = "FD_1";
  LoadOutcome outcome = load(doc);
  EXPECT_CONTAINS(at(outcome, "bp_groups[1].name").message,
                  "BP group name \"BG_1\" is already used (at bp_groups[0].name)");
  EXPECT_CONTAINS(at(outcome, "fault_domains[1].name").message,
                  "fault domain name \"FD_1\" is already used");
}

TEST(Validate, PortCollisionOnOneHostNamesBothOwners) {
  json doc = base();
  doc["bp_rafts"][0]["members"][0]["port_num"] = 5238;
  doc["bp_rafts"][0]["members"][1]["port_num"] = 5238;
  LoadOutcome outcome = load(doc);
  Diagnostic d = at(outcome, "bp_rafts[0].members[1].port_num");
  EXPECT_EQ(d.message, "port 5238 of BP12 on host 127.0.0.1 is also BP11's port_num");
  EXPECT_EQ(d.hint, "give every port on one host a distinct value (1024..65534)");
  EXPECT_CONTAINS(all(outcome),
                  ": error: bp_rafts[0].members[1].port_num: port 5238 of BP12 on host "
                  "127.0.0.1 is also BP11's port_num\n  fix: give every port on one host a "
                  "distinct value (1024..65534)\n");
}

TEST(Validate, PortCollisionAcrossKindsAndWithinOneInstance) {
  json doc = base();
  doc["mp"]["instances"][0]["mp_port"] = 7000;
  doc["sp"][0]["ap_port_num"] = 7000;
  doc["bp_rafts"][0]["members"][2]["port_num"] = 6100;
  doc["bp_rafts"][0]["members"][2]["ap_port_num"] = 6100;
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "sp[0].ap_port_num").message,
            "port 7000 of SP1 on host 127.0.0.1 is also MP's mp_port");
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[2].ap_port_num").message,
            "port 6100 of BP13 on host 127.0.0.1 is also its own port_num");
}

TEST(Validate, SamePortOnDifferentHostsIsFine) {
  json doc = base();
  doc["bp_rafts"][0]["members"][0]["host"] = "10.0.0.2";
  doc["bp_rafts"][0]["members"][0]["port_num"] = 5236;
  LoadOutcome outcome = load(doc);
  EXPECT_TRUE(outcome.ok()) << all(outcome);
}

TEST(Validate, MpPortEqualToAnyApPortNum) {
  json doc = base();
  doc["mp"]["instances"][0]["mp_port"] = 6500;
  doc["bp_rafts"][0]["members"][2]["host"] = "10.0.0.3";
  doc["bp_rafts"][0]["members"][2]["ap_port_num"] = 6500;
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "mp.instances[0].mp_port").message,
            "mp_port 6500 of MP equals the ap_port_num of BP13 (host 10.0.0.3)");
}

TEST(Validate, PortsOutsideTheRange) {
  json doc = base();
  doc["bp_rafts"][0]["members"][0]["port_num"] = 80;
  doc["bp_rafts"][0]["members"][1]["ap_port_num"] = 65535;
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[0].port_num").message,
            "port_num 80 of BP11 is outside 1024..65534");
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[1].ap_port_num").message,
            "ap_port_num 65535 of BP12 is outside 1024..65534");
}

TEST(Validate, RaftGroupSizeMustBeOneOrOddUpToNine) {
  json doc = base();
  doc["bp_rafts"][0]["members"].erase(2);
  doc["fault_domains"] = json::array();
  doc["bp_rafts"].push_back({{"name", "RAFT_2"}, {"replicas", 4}});
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "bp_rafts[0]").message,
            "RAFT group RAFT_1 has 2 members; a RAFT group has 1 member or an odd number from 3 to 9");
  EXPECT_CONTAINS(at(outcome, "bp_rafts[1]").message, "RAFT group RAFT_2 has 4 members");
}

TEST(Validate, ElevenMembersIsTooMany) {
  json doc = base();
  json members = json::array();
  for (int k = 1; k <= 11; ++k) members.push_back({{"name", "BPX" + std::to_string(k)}});
  doc["bp_rafts"].push_back({{"name", "RAFT_X"}, {"members", members}});
  EXPECT_CONTAINS(at(load(doc), "bp_rafts[1]").message, "has 11 members");
}

TEST(Validate, ReplicasOutOfRangeIsReported) {
  json doc = base();
  doc["bp_rafts"].push_back({{"name", "RAFT_2"}, {"replicas", 0}});
  EXPECT_EQ(at(load(doc), "bp_rafts[1].replicas").message, "0 is out of range");
}

TEST(Validate, MembersAndReplicasTogetherAreRefused) {
  json doc = base();
  doc["bp_rafts"][0]["replicas"] = 3;
  EXPECT_CONTAINS(at(load(doc), "bp_rafts[0]").message, "both \"members\" and \"replicas\"");
}

TEST(Validate, MpRaftGroupOfTwoIsRefused) {
  json doc = base();
  doc["mp"]["instances"].push_back({{"name", "MP2"}});
  EXPECT_CONTAINS(at(load(doc), "mp.instances").message, "the MP RAFT group has 2 members");
}

TEST(Validate, RaftSelfIdsMustBeOneToNEachOnce) {
  json doc = base();
  doc["bp_rafts"][0]["members"][1]["raft_self_id"] = 1;
  doc["bp_rafts"][0]["members"][2]["raft_self_id"] = 4;
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[1].raft_self_id").message,
            "raft_self_id 1 of BP12 is also BP11's in RAFT group RAFT_1");
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[2].raft_self_id").message,
            "raft_self_id 4 of BP13 is outside 1..3 for RAFT group RAFT_1");
}

TEST(Validate, EqualVoteIntervalsAreAWarningOnly) {
  json doc = base();
  doc["bp_rafts"][0]["members"][0]["raft_vote_interval"] = 2000;
  LoadOutcome outcome = load(doc);
  EXPECT_TRUE(outcome.ok()) << all(outcome);
  Diagnostic d = at(outcome, "bp_rafts[0].members[1].raft_vote_interval");
  EXPECT_EQ(d.severity, Diagnostic::Severity::Warning);
  EXPECT_CONTAINS(d.message, "raft_vote_interval 2000 of BP12 equals BP11's in RAFT group RAFT_1");
  EXPECT_CONTAINS(all(outcome), ": warning: bp_rafts[0].members[1].raft_vote_interval");
}

TEST(Validate, VoteIntervalMustExceedTheHeartbeat) {
  json doc = base();
  doc["raft_timing"] = {{"raft_hb_interval", 200}};
  doc["bp_rafts"][0]["members"][0]["raft_vote_interval"] = 200;
  doc["bp_rafts"][0]["members"][1]["raft_vote_interval"] = 0;
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[0].raft_vote_interval").message,
            "raft_vote_interval 200 of BP11 is not greater than raft_hb_interval (200 ms)");
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[1].raft_vote_interval").message,
            "raft_vote_interval 0 of BP12 is not a positive number of milliseconds");
}

TEST(Validate, SpRaftGroupWithTwoSps) {
  json doc = base();
  doc["sp"][0]["raft"] = "RAFT_SP";
  doc["sp"].push_back({{"name", "SP2"}, {"raft", "RAFT_SP"}});
  LoadOutcome outcome = load(doc);
  Diagnostic d = at(outcome, "sp[1].raft");
  EXPECT_EQ(d.message, "SP RAFT group RAFT_SP would hold more than one SP (SP1 and SP2)");
}

TEST(Validate, FaultDomainRefusesSpsAndTwoMembersOfOneGroup) {
  json doc = base();
  doc["fault_domains"][0]["instances"] = {"MP", "BP11", "SP1", "BP13"};
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "fault_domains[0].instances[2]").message,
            "SP SP1 cannot be in a fault domain");
  EXPECT_EQ(at(outcome, "fault_domains[0].instances[3]").message,
            "BP13 and BP11 are both members of RAFT group RAFT_1; they cannot share fault domain "
            "FD_1");
}

TEST(Validate, FaultDomainUnknownInstanceAndInstanceInTwoDomains) {
  json doc = base();
  doc["fault_domains"][1]["instances"] = {"BP12", "BP1Z", "BP11"};
  LoadOutcome outcome = load(doc);
  Diagnostic unknown = at(outcome, "fault_domains[1].instances[1]");
  EXPECT_EQ(unknown.message,
            "fault domain FD_2 names instance BP1Z, which the topology does not define");
  EXPECT_EQ(unknown.hint, "did you mean \"BP11\"?");
  EXPECT_EQ(at(outcome, "fault_domains[1].instances[2]").message,
            "BP11 is already in fault domain FD_1");
}

TEST(Validate, BpGroupReferencesMustBeBpRaftGroupsInOneBpGroup) {
  json doc = base();
  doc["bp_groups"][0]["rafts"] = {"RAFT_1", "RAFT_11", "RAFT_SP1"};
  doc["bp_groups"].push_back({{"name", "BG_2"}, {"rafts", {"RAFT_1"}}});
  LoadOutcome outcome = load(doc);
  Diagnostic unknown = at(outcome, "bp_groups[0].rafts[1]");
  EXPECT_EQ(unknown.message, "BP group BG_1 names RAFT group RAFT_11, which the topology does not define");
  EXPECT_EQ(unknown.hint, "did you mean \"RAFT_1\"?");
  EXPECT_EQ(at(outcome, "bp_groups[0].rafts[2]").message,
            "RAFT_SP1 is an SP RAFT group; a BP group holds BP RAFT groups only");
  EXPECT_EQ(at(outcome, "bp_groups[1].rafts[0]").message,
            "RAFT group RAFT_1 is already in BP group BG_1");
}

TEST(Validate, NamesMustBeSafeSqlIdentifiers) {
  json doc = base();
  doc["bp_rafts"][0]["members"][0]["name"] = "BP-11";
  doc["bp_rafts"][0]["members"][1]["name"] = "1BP";
  doc["bp_groups"][0]["name"] = "GROUP";
  doc["fault_domains"][0]["name"] = "Table";
  doc["fault_domains"][0]["instances"] = {"MP"};
  doc["fault_domains"][1]["instances"] = json::array();
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[0].name").message,
            "BP instance name \"BP-11\" is not a safe SQL identifier");
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[1].name").message,
            "BP instance name \"1BP\" is not a safe SQL identifier");
  EXPECT_EQ(at(outcome, "bp_groups[0].name").message, "BP group name \"GROUP\" is a SQL reserved word");
  EXPECT_EQ(at(outcome, "fault_domains[0].name").message,
            "fault domain name \"Table\" is a SQL reserved word");
}

TEST(Validate, LongInstanceNameIsAWarning) {
  json doc = base();
  doc["sp"][0]["name"] = "SP_WITH_A_LONG_NAME";
  LoadOutcome outcome = load(doc);
  EXPECT_TRUE(outcome.ok()) << all(outcome);
  Diagnostic d = at(outcome, "sp[0].name");
  EXPECT_EQ(d.severity, Diagnostic::Severity::Warning);
  EXPECT_EQ(d.message, "instance name \"SP_WITH_A_LONG_NAME\" is longer than 16 characters");
}

TEST(Validate, ClusterNameMustBeUsableInDirectoryNames) {
  json doc = base();
  doc["cluster"] = "my cluster/1";
  EXPECT_CONTAINS(at(load(doc), "cluster").message, "may only hold letters, digits, _, - and .");
}

TEST(Validate, TwoInstancesSharingAPathOnOneHost) {
  json doc = base();
  doc["bp_rafts"][0]["members"][1]["path"] = "/tmp/t/bp11/";
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[1].path").message,
            "path /tmp/t/bp11/ of BP12 on host 127.0.0.1 is also BP11's path");
}

TEST(Validate, WindowsPathsCompareWithoutCase) {
  json doc = base();
  doc["defaults"]["base_dir"] = "d:\\dpc";
  doc["bp_rafts"][0]["members"][1]["path"] = "D:\\DPC\\BP11";
  LoadOutcome outcome = load(doc);
  EXPECT_CONTAINS(at(outcome, "bp_rafts[0].members[1].path").message, "is also BP11's path");
}

TEST(Validate, OnePathInsideAnother) {
  json doc = base();
  doc["bp_rafts"][0]["members"][0]["path"] = "/tmp/t/sp1/bp11";
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[0].path").message,
            "path /tmp/t/sp1/bp11 of BP11 is inside SP1's path /tmp/t/sp1");
}

TEST(Validate, SamePathOnAnotherHostIsFine) {
  json doc = base();
  doc["bp_rafts"][0]["members"][1]["host"] = "10.0.0.2";
  doc["bp_rafts"][0]["members"][1]["path"] = "/tmp/t/bp11";
  EXPECT_TRUE(load(doc).ok());
}

TEST(Validate, RelativePathIsAWarning) {
  json doc = base();
  doc["sp"][0]["path"] = "data/sp1";
  LoadOutcome outcome = load(doc);
  EXPECT_TRUE(outcome.ok());
  EXPECT_EQ(at(outcome, "sp[0].path").severity, Diagnostic::Severity::Warning);
}

TEST(Validate, ClusterWithoutMpSpOrBp) {
  json doc = base();
  doc["mp"]["instances"] = json::array();
  doc["sp"] = json::array();
  doc["bp_rafts"] = json::array();
  doc.erase("bp_groups");
  doc.erase("fault_domains");
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "mp.instances").message, "the cluster has no MP");
  EXPECT_EQ(at(outcome, "sp").message, "the cluster has no SP");
  EXPECT_EQ(at(outcome, "bp_rafts").message, "the cluster has no BP");
}

TEST(Validate, GroupWithoutAnyVoter) {
  json doc = base();
  for (int k = 0; k < 3; ++k) doc["bp_rafts"][0]["members"][k]["shadow"] = true;
  doc["bp_rafts"][0]["members"][2].erase("shadow");
  doc["bp_rafts"][0]["members"][2]["learner"] = true;
  EXPECT_CONTAINS(at(load(doc), "bp_rafts[0]").message,
                  "every member of RAFT group RAFT_1 is a shadow or a learner");
}

TEST(Validate, ShadowAndLearnerTogether) {
  json doc = base();
  doc["bp_rafts"][0]["members"][2]["shadow"] = true;
  doc["bp_rafts"][0]["members"][2]["learner"] = true;
  EXPECT_EQ(at(load(doc), "bp_rafts[0].members[2].learner").message,
            "an instance cannot be both shadow and learner");
}

TEST(Validate, PasswordWithBothEnvAndFile) {
  json doc = base();
  doc["defaults"]["sysdba_password"] = {{"env", "PW"}, {"file", "/root/pw"}};
  EXPECT_CONTAINS(at(load(doc), "defaults.sysdba_password").message, "both env and file are set");
}

TEST(Validate, LiteralPasswordAnywhereIsRefusedWithoutEchoingIt) {
  json doc = base();
  doc["defaults"]["password"] = "Secret0001";
  doc["bp_rafts"][0]["members"][0]["SYSDBA_PWD"] = "Secret0002";
  LoadOutcome outcome = load(doc);
  EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(at(outcome, "defaults.password").message,
            "passwords never go in the topology; use env or file");
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[0].SYSDBA_PWD").message,
            "passwords never go in the topology; use env or file");
  EXPECT_FALSE(contains(all(outcome), "Secret000"));
  EXPECT_FALSE(contains(diagnostics_json(outcome.diagnostics, "t.json", false).dump(), "Secret000"));
}

TEST(Validate, SysdbaPasswordAsAStringIsRefusedWithoutEchoingIt) {
  json doc = base();
  doc["defaults"]["sysdba_password"] = "Secret0003";
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "defaults.sysdba_password").message,
            "passwords never go in the topology; use env or file");
  EXPECT_FALSE(contains(all(outcome), "Secret0003"));
}

TEST(Validate, EnumsAndSettingsOutOfRange) {
  json doc = base();
  doc["defaults"]["os"] = "solaris";
  doc["defaults"]["auto_overwrite"] = 3;
  doc["sp"][0]["register_status"] = 5;
  doc["raft_timing"] = {{"raft_hb_interval", 0}, {"xmal_hb_interval", -1}};
  doc["archive"] = {{"dir_name", "a/b"}, {"arch_file_size", 0}, {"arch_space_limit", -1},
                    {"backup_name", "BACKUP 01"}};
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "defaults.os").message, "unknown os \"solaris\"");
  EXPECT_EQ(at(outcome, "defaults.auto_overwrite").message, "3 is out of range");
  EXPECT_EQ(at(outcome, "sp[0].register_status").message, "5 is out of range");
  EXPECT_CONTAINS(at(outcome, "raft_timing.raft_hb_interval").message, "not a positive number");
  EXPECT_CONTAINS(at(outcome, "raft_timing.xmal_hb_interval").message, "not a positive number");
  EXPECT_CONTAINS(at(outcome, "archive.dir_name").message, "must be one directory name");
  EXPECT_CONTAINS(at(outcome, "archive.arch_file_size").message, "is not positive");
  EXPECT_CONTAINS(at(outcome, "archive.arch_space_limit").message, "is negative");
  EXPECT_CONTAINS(at(outcome, "archive.backup_name").message, "is not a plain name");
}

TEST(Validate, AllProblemsAreReportedAtOnce) {
  json doc = base();
  doc["bp_rafts"][0]["members"][1]["prot_num"] = 1;
  doc["bp_rafts"][0]["members"][2]["port_num"] = 80;
  doc["sp"][0]["name"] = "SELECT";
  doc["fault_domains"][1]["instances"] = {"BP99"};
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(count_severity(outcome.diagnostics, Diagnostic::Severity::Error), 4u) << all(outcome);
}

TEST(Validate, CodeBuiltTopologyFallsBackToFieldNames) {
  Topology topo;
  topo.cluster = "c";
  Instance mp;
  mp.name = "MP";
  mp.role = Role::MP;
  mp.raft = "MP_RAFT";
  mp.host = mp.ip_internal = "h";
  mp.path = "/d/mp";
  mp.port_num = 5236;
  mp.ap_port_num = 6000;
  mp.mp_port = 6000;
  topo.instances.push_back(mp);
  RaftGroup group;
  group.name = "MP_RAFT";
  group.role = Role::MP;
  group.members = {"MP"};
  topo.rafts.push_back(group);
  std::vector<Diagnostic> d = validate_topology(topo);
  ASSERT_FALSE(d.empty());
  bool found = false;
  for (const auto& diag : d) {
    if (diag.path == "mp_port") {
      found = true;
      EXPECT_EQ(diag.message, "port 6000 of MP on host h is also its own ap_port_num");
    }
  }
  EXPECT_TRUE(found) << format_diagnostics(d, "code");
}

TEST(Diagnostics, JsonFormHasCountsAndFields) {
  std::vector<Diagnostic> d = {error_at("a.b", "bad", "fix it"), warning_at("", "meh", "")};
  d[0].line = 3;
  d[0].column = 4;
  json j = diagnostics_json(d, "f.json", false);
  EXPECT_EQ(j["file"], "f.json");
  EXPECT_EQ(j["valid"], false);
  EXPECT_EQ(j["errors"], 1);
  EXPECT_EQ(j["warnings"], 1);
  EXPECT_EQ(j["diagnostics"][0]["severity"], "error");
  EXPECT_EQ(j["diagnostics"][0]["path"], "a.b");
  EXPECT_EQ(j["diagnostics"][0]["hint"], "fix it");
  EXPECT_EQ(j["diagnostics"][0]["line"], 3);
  EXPECT_FALSE(j["diagnostics"][1].contains("line"));
  EXPECT_EQ(format_diagnostics(d, "f.json"),
            "f.json:3:4: error: a.b: bad\n  fix: fix it\nf.json: warning: meh\n");
}

TEST(SqlIdentifier, ShapeAndReservedWords) {
  EXPECT_TRUE(is_safe_sql_identifier("RAFT_1"));
  EXPECT_TRUE(is_safe_sql_identifier("_x9"));
  EXPECT_FALSE(is_safe_sql_identifier(""));
  EXPECT_FALSE(is_safe_sql_identifier("9x"));
  EXPECT_FALSE(is_safe_sql_identifier("a b"));
  EXPECT_FALSE(is_safe_sql_identifier("select"));
  EXPECT_TRUE(is_sql_reserved_word("Group"));
  EXPECT_FALSE(is_sql_reserved_word("BG_1"));
}

}  // namespace
}  // namespace dpc
