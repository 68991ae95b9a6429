// Reading a topology file (core/topology_spec.h): malformed JSON, unknown,
// missing and mistyped fields, each reported with its path, its line and
// column and a fix.
#include "core/topology_spec.h"

#include <gtest/gtest.h>

#include "core/topology_load.h"
#include "core/topology_test_util.h"

namespace dpc {
namespace {

using nlohmann::json;
using namespace dpc::topology_testing;  // NOLINT: the helpers of topology_test_util.h

TEST(Validate, MalformedJsonReportsLineAndColumn) {
  LoadOutcome outcome = load_text("{\n  \"cluster\": \"t\",\n  \"mp\": { \"instances\": [ }\n}");
  EXPECT_FALSE(outcome.ok());
  EXPECT_FALSE(outcome.topology.has_value());
  ASSERT_EQ(outcome.diagnostics.size(), 1u);
  EXPECT_EQ(outcome.diagnostics[0].line, 3);
  EXPECT_EQ(outcome.diagnostics[0].column, 26);
  EXPECT_CONTAINS(outcome.diagnostics[0].message, "malformed JSON");
  EXPECT_CONTAINS(all(outcome), "t.json:3:26: error: malformed JSON");
}

TEST(Validate, FieldDiagnosticsSayWhereInTheFileTheFieldIs) {
  const std::string text =
      "{\n"
      "  \"cluster\": \"t\",\n"
      "  \"defaults\": { \"host\": \"127.0.0.1\", \"base_dir\": \"/tmp/t\" },\n"
      "  \"mp\": { \"instances\": [ { \"name\": \"MP\" } ] },\n"
      "  \"sp\": [ { \"name\": \"SP1\",\n"
      "            \"prot_num\": 5300 } ],\n"
      "  \"bp_rafts\": [ { \"name\": \"RAFT_1\", \"replicas\": 2 } ]\n"
      "}\n";
  LoadOutcome outcome = load_text(text);
  // A field written in the file: where its key begins.
  Diagnostic unknown = at(outcome, "sp[0].prot_num");
  EXPECT_EQ(unknown.line, 6);
  EXPECT_EQ(unknown.column, 13);
  // A whole group: where its object begins.
  Diagnostic group = at(outcome, "bp_rafts[0]");
  EXPECT_EQ(group.line, 7);
  EXPECT_EQ(group.column, 17);
  EXPECT_CONTAINS(all(outcome), "t.json:6:13: error: sp[0].prot_num: unknown field");
}

// Found by tests/fuzz/fuzz_scenario: a number beyond a double made nlohmann
// throw out_of_range (not parse_error), which aborted dpcctl.
TEST(Validate, ANumberTooLargeForADoubleIsAnErrorWithItsPosition) {
  LoadOutcome outcome =
      load_text("{ \"cluster\": \"x\",\n  \"mp\": { \"instances\": [ { \"name\": \"MP\", \"port_num\": 1e400 } ] } }");
  EXPECT_FALSE(outcome.ok());
  ASSERT_EQ(outcome.diagnostics.size(), 1u);
  EXPECT_CONTAINS(all(outcome), "t.json:2:54: error: malformed JSON: the number 1e400 is too large");
}

TEST(Validate, TrailingCommaIsMalformed) {
  LoadOutcome outcome = load_text("{\"cluster\": \"t\",\n}");
  ASSERT_EQ(outcome.diagnostics.size(), 1u);
  EXPECT_EQ(outcome.diagnostics[0].line, 2);
}

TEST(Validate, TopLevelMustBeAnObject) {
  LoadOutcome outcome = load_text("[1, 2]");
  ASSERT_EQ(outcome.diagnostics.size(), 1u);
  EXPECT_CONTAINS(outcome.diagnostics[0].message, "holds an array, not a topology object");
}

TEST(Validate, DuplicateKeyIsAnError) {
  LoadOutcome outcome = load_text(R"({"cluster": "t", "cluster": "u"})");
  EXPECT_CONTAINS(at(outcome, "cluster").message, "written twice");
}

TEST(Validate, UnknownFieldSuggestsTheClosestName) {
  json doc = base();
  doc["bp_rafts"][0]["members"][1]["prot_num"] = 5300;
  doc["bp_raft"] = json::array();
  LoadOutcome outcome = load(doc);
  EXPECT_FALSE(outcome.ok());
  Diagnostic d = at(outcome, "bp_rafts[0].members[1].prot_num");
  EXPECT_EQ(d.message, "unknown field \"prot_num\"");
  EXPECT_EQ(d.hint, "did you mean \"port_num\"?");
  EXPECT_EQ(at(outcome, "bp_raft").hint, "did you mean \"bp_rafts\"?");
}

TEST(Validate, UnknownFieldWithoutCloseNameListsTheKnownOnes) {
  json doc = base();
  doc["defaults"]["colour"] = "red";
  Diagnostic d = at(load(doc), "defaults.colour");
  EXPECT_CONTAINS(d.hint, "the fields known here are: host, os, base_dir");
}

TEST(Validate, FieldOfAnotherRoleSaysWhichRoleItBelongsTo) {
  json doc = base();
  doc["bp_rafts"][0]["members"][0]["mp_port"] = 9100;
  doc["sp"][0]["raft_vote_interval"] = 1500;
  LoadOutcome outcome = load(doc);
  EXPECT_CONTAINS(at(outcome, "bp_rafts[0].members[0].mp_port").message,
                  "applies only to MP instances");
  EXPECT_CONTAINS(at(outcome, "sp[0].raft_vote_interval").message,
                  "applies only to members of the MP RAFT group and of BP RAFT groups");
}

TEST(Validate, MissingRequiredTopLevelFieldsAreEachReportedOnce) {
  LoadOutcome outcome = load_text("{}");
  EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(at(outcome, "cluster").message, "missing required field: \"cluster\"");
  EXPECT_EQ(at(outcome, "mp").message, "missing required field: \"mp\"");
  EXPECT_EQ(at(outcome, "sp").message, "missing required field: \"sp\"");
  EXPECT_EQ(at(outcome, "bp_rafts").message, "missing required field: \"bp_rafts\"");
  EXPECT_EQ(outcome.diagnostics.size(), 4u) << all(outcome);
}

TEST(Validate, MissingNamesAreReported) {
  json doc = base();
  doc["sp"][0].erase("name");
  doc["bp_rafts"][0].erase("name");
  doc["bp_groups"][0].erase("name");
  doc["fault_domains"][1].erase("name");
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "sp[0].name").message, "missing required field: \"name\"");
  EXPECT_EQ(at(outcome, "bp_rafts[0].name").message, "missing required field: \"name\"");
  EXPECT_EQ(at(outcome, "bp_groups[0].name").message, "missing required field: \"name\"");
  EXPECT_EQ(at(outcome, "fault_domains[1].name").message, "missing required field: \"name\"");
}

TEST(Validate, InstanceWithoutAnyHostIsReported) {
  json doc = base();
  doc["defaults"].erase("host");
  doc["mp"]["instances"][0]["host"] = "10.0.0.1";
  doc["sp"][0]["host"] = "10.0.0.1";
  doc["bp_rafts"][0]["members"][0]["host"] = "10.0.0.1";
  doc["bp_rafts"][0]["members"][1]["host"] = "10.0.0.1";
  LoadOutcome outcome = load(doc);
  Diagnostic d = at(outcome, "bp_rafts[0].members[2].host");
  EXPECT_EQ(d.message, "BP13 has no host");
  EXPECT_CONTAINS(d.hint, "\"host\" in defaults");
}

TEST(Validate, InstanceWithoutPathOrBaseDirIsReported) {
  json doc = base();
  doc["defaults"].erase("base_dir");
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "mp.instances[0].path").message, "MP has no path");
  EXPECT_CONTAINS(at(outcome, "sp[0].path").hint, "\"base_dir\" in defaults");
}

TEST(Validate, WrongTypesAreReported) {
  json doc = base();
  doc["bp_rafts"][0]["members"][0]["port_num"] = "5300";
  doc["bp_rafts"][0]["members"][1]["shadow"] = "yes";
  doc["defaults"]["host"] = 127;
  doc["fault_domains"][0]["instances"][1] = 42;
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[0].port_num").message,
            "expected a whole number, got a string");
  EXPECT_EQ(at(outcome, "bp_rafts[0].members[1].shadow").message,
            "expected true or false, got a string");
  EXPECT_EQ(at(outcome, "defaults.host").message, "expected a string, got a whole number");
  EXPECT_EQ(at(outcome, "fault_domains[0].instances[1]").message,
            "expected a name (string), got a whole number");
}

TEST(Validate, SpMustBeAnArray) {
  json doc = base();
  doc["sp"] = json::object({{"name", "SP1"}});
  LoadOutcome outcome = load(doc);
  EXPECT_EQ(at(outcome, "sp").message, "expected an array, got an object");
}

}  // namespace
}  // namespace dpc
