// The availability lints on small topologies written as JSON: each case that
// cannot survive one failure warns once, naming the members and the fix, and
// a cluster spread over three hosts raises none.
#include "core/validate_availability.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/topology_load.h"

namespace dpc {
namespace {

using testing::HasSubstr;

/// The lints of a topology whose BP group is `members` (a JSON array).
std::vector<Diagnostic> lints_for(const std::string& members, const std::string& extra = "",
                                  const std::string& sps = R"([ { "name": "SP1" } ])") {
  const std::string text = R"({ "cluster": "c", "defaults": { "host": "10.0.0.1", "base_dir": "/d" },
    "mp": { "instances": [ { "name": "MP" } ] }, "sp": )" + sps + R"(,
    "bp_rafts": [ { "name": "RAFT_1", "members": )" + members + " } ]" + extra + " }";
  const LoadOutcome o = load_topology_text(text, "t.json");
  EXPECT_TRUE(o.ok()) << format_diagnostics(o.diagnostics, "t.json");
  return o.lints;
}

const char* kSpread = R"([ { "name": "BP11", "host": "10.0.1.1" }, { "name": "BP12", "host": "10.0.1.2" },
                           { "name": "BP13", "host": "10.0.1.3" } ])";

TEST(LintAvailability, ThreeVotersOnThreeHostsRaiseNothing) {
  EXPECT_TRUE(lints_for(kSpread).empty());
}

TEST(LintAvailability, ThreeMembersWithOneShadowLoseTheMajorityWithOneDown) {
  const auto lints = lints_for(R"([ { "name": "BP11", "host": "10.0.1.1" }, { "name": "BP12", "host": "10.0.1.2" },
                                    { "name": "BP13", "host": "10.0.1.3", "shadow": true } ])");
  ASSERT_EQ(lints.size(), 1u);
  EXPECT_EQ(lints[0].severity, Diagnostic::Severity::Warning);
  EXPECT_EQ(lints[0].path, "bp_rafts[0]");
  EXPECT_THAT(lints[0].message, HasSubstr("RAFT group RAFT_1 has 2 voting members (BP13 does not vote)"));
  EXPECT_THAT(lints[0].message, HasSubstr("no majority"));
  EXPECT_GT(lints[0].line, 0) << "placed in the file like any diagnostic";
}

TEST(LintAvailability, AMajorityOnOneHostIsNamedWithTheHost) {
  const auto lints = lints_for(R"([ { "name": "BP11", "host": "10.0.1.1" }, { "name": "BP12", "host": "10.0.1.1" },
                                    { "name": "BP13", "host": "10.0.1.3" } ])");
  ASSERT_EQ(lints.size(), 1u);
  EXPECT_THAT(lints[0].message, HasSubstr("BP11 and BP12 (2 of 3 voters) run on one host, 10.0.1.1"));
  EXPECT_THAT(lints[0].hint, HasSubstr("3 hosts"));
}

TEST(LintAvailability, LocalhostAndLoopbackAddressesAreOneHost) {
  const auto lints = lints_for(R"([ { "name": "BP11", "host": "localhost" }, { "name": "BP12", "host": "127.0.0.1" },
                                    { "name": "BP13", "host": "10.0.1.3" } ])");
  ASSERT_EQ(lints.size(), 1u);
  EXPECT_THAT(lints[0].message, HasSubstr("run on one host, 127.0.0.1"));
}

TEST(LintAvailability, FaultDomainsThatLeaveAMemberOutAreNamed) {
  const auto lints = lints_for(kSpread, R"(, "fault_domains": [
      { "name": "F1", "instances": ["BP11"] }, { "name": "F2", "instances": ["BP12"] } ])");
  ASSERT_EQ(lints.size(), 1u);
  EXPECT_THAT(lints[0].message, HasSubstr("BP13 is in none of them"));
}

TEST(LintAvailability, EverySpOnOneHostIsNamed) {
  const auto lints = lints_for(kSpread, "", R"([ { "name": "SP1" }, { "name": "SP2" } ])");
  ASSERT_EQ(lints.size(), 1u);
  EXPECT_THAT(lints[0].message, HasSubstr("every SP (SP1 and SP2) runs on one host, 10.0.0.1"));
}

TEST(LintAvailability, AnUnreplicatedGroupIsAChoiceNotAWarning) {
  EXPECT_TRUE(lints_for(R"([ { "name": "BP11" } ])").empty());
}

TEST(LintAvailability, TheManualsOneHostClusterWarnsForEachBpGroup) {
  const LoadOutcome manual = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/manual-7.2.json");
  ASSERT_TRUE(manual.ok());
  ASSERT_EQ(manual.lints.size(), 2u);  // RAFT_1 and RAFT_2 on 223.254.30.136
  EXPECT_THAT(manual.lints[0].message, HasSubstr("RAFT group RAFT_1: BP11, BP12 and BP13 (3 of 3 voters)"));
  EXPECT_TRUE(manual.diagnostics.empty()) << "lints are kept apart from the validation diagnostics";
}

}  // namespace
}  // namespace dpc
