// DM's parameters in a topology: dminit's initialisation parameters and the
// dm.ini / dmarch.ini overrides, from the JSON through the layers to the
// plan's dminit lines, its ini:<I> steps, the dmarch.ini text and every
// runbook; refusals name the field and what to do.
#include "core/dm_params.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/dm_files.h"
#include "core/plan_builder.h"
#include "core/plan_render.h"
#include "core/topology_load.h"

namespace dpc {
namespace {

using testing::HasSubstr;

/// A 3-replica cluster with `extra` top-level fields and `member_extra`
/// fields on BP12.
LoadOutcome load_with(const std::string& extra, const std::string& member_extra = "") {
  const std::string text = R"({ "cluster": "c", "defaults": { "host": "10.0.0.1", "base_dir": "/d" )" +
                           std::string(extra.rfind("\"init\"", 0) == 0 ? ", " + extra : "") + R"( },
    "mp": { "instances": [ { "name": "MP" } ] }, "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP11" }, { "name": "BP12" )" +
                           member_extra + R"( }, { "name": "BP13" } ] } ])" +
                           (extra.rfind("\"init\"", 0) == 0 || extra.empty() ? "" : ", " + extra) + " }";
  return load_topology_text(text, "t.json");
}

std::string errors_of(const LoadOutcome& o) { return format_diagnostics(o.diagnostics, "t.json"); }

TEST(DmParams, InitParametersReachEveryDminitLineOfThePlanAndTheRunbooks) {
  const LoadOutcome o = load_with(R"("init": { "page_size": 32, "charset": 1, "case_sensitive": false })");
  ASSERT_TRUE(o.ok()) << errors_of(o);
  const Topology& topo = *o.topology;
  const Plan plan = build_deploy_plan(topo);
  int inits = 0;
  for (const Step& s : plan.steps) {
    if (s.kind != StepKind::InitInstance) continue;
    ++inits;
    EXPECT_THAT(s.args, testing::Contains("PAGE_SIZE=32")) << s.id;
    EXPECT_THAT(s.args, testing::Contains("CHARSET=1")) << s.id;
    EXPECT_THAT(s.args, testing::Contains("CASE_SENSITIVE=N")) << s.id;
  }
  EXPECT_EQ(inits, 5);
  for (PlanFormat f : {PlanFormat::Sh, PlanFormat::Cmd, PlanFormat::Json}) {
    const std::string text = render_plan(plan, topo, f);
    size_t count = 0;
    for (size_t at = text.find("PAGE_SIZE=32"); at != std::string::npos; at = text.find("PAGE_SIZE=32", at + 1)) ++count;
    EXPECT_GE(count, 5u) << "format " << static_cast<int>(f);
  }
}

TEST(DmParams, AnInstanceOverridesTheDefaultsButTheClusterMustAgree) {
  const LoadOutcome o = load_with(R"("init": { "page_size": 16 })", R"(, "init": { "page_size": 32 })");
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(errors_of(o), HasSubstr("bp_rafts[0].members[1].init.page_size: page_size differs across the cluster: "
                                      "16 on MP, SP1, BP11, BP13; 32 on BP12"));
  // LOG_SIZE may differ.
  const LoadOutcome log = load_with(R"("init": { "log_size": 256 })", R"(, "init": { "log_size": 1024 })");
  ASSERT_TRUE(log.ok()) << errors_of(log);
  EXPECT_THAT(log.topology->find_instance("BP12")->init.log_size, testing::Optional(1024));
  EXPECT_THAT(log.topology->find_instance("BP11")->init.log_size, testing::Optional(256));
}

TEST(DmParams, ValuesDminitRefusesAreErrorsWithTheAllowedValues) {
  const LoadOutcome o = load_with(R"("init": { "page_size": 12, "extent_size": "16", "case_sensitive": 1,
                                               "charset": 1, "unicode_flag": 1, "pagesize": 8 })");
  const std::string e = errors_of(o);
  EXPECT_THAT(e, HasSubstr("defaults.init.page_size: 12 is not a value dminit accepts for PAGE_SIZE"));
  EXPECT_THAT(e, HasSubstr("use 4, 8, 16 or 32"));
  EXPECT_THAT(e, HasSubstr("defaults.init.extent_size: expected a whole number"));
  EXPECT_THAT(e, HasSubstr("defaults.init.case_sensitive: expected true or false"));
  EXPECT_THAT(e, HasSubstr("defaults.init.unicode_flag: both charset and unicode_flag are set"));
  EXPECT_THAT(e, HasSubstr("defaults.init.pagesize: unknown field"));
}

TEST(DmParams, IniOverridesLayerClusterRoleGroupInstance) {
  const LoadOutcome o = load_with(R"("ini": { "dm": { "BUFFER": 1000, "MAX_SESSIONS": 100 } },
      "role_ini": { "BP": { "dm": { "BUFFER": 2000 } } })",
                                  R"(, "ini": { "dm": { "BUFFER": 3000 }, "dmarch": { "ARCH_WAIT_APPLY": 0 } })");
  ASSERT_TRUE(o.ok()) << errors_of(o);
  const Topology& t = *o.topology;
  EXPECT_EQ(t.find_instance("SP1")->ini.dm.at("BUFFER"), "1000");
  EXPECT_EQ(t.find_instance("BP11")->ini.dm.at("BUFFER"), "2000");
  EXPECT_EQ(t.find_instance("BP12")->ini.dm.at("BUFFER"), "3000");
  EXPECT_EQ(t.find_instance("BP12")->ini.dm.at("MAX_SESSIONS"), "100");
  EXPECT_THAT(dmarch_raft(t, *t.find_instance("BP12")), HasSubstr("ARCH_WAIT_APPLY"));
  EXPECT_THAT(dmarch_raft(t, *t.find_instance("BP11")), testing::Not(HasSubstr("ARCH_WAIT_APPLY")));
}

TEST(DmParams, DmIniOverridesAreSetRightAfterDminitAndBeforeAnythingElse) {
  const LoadOutcome o = load_with(R"("ini": { "dm": { "BUFFER": 1000 } })");
  ASSERT_TRUE(o.ok()) << errors_of(o);
  const Plan plan = build_deploy_plan(*o.topology);
  const Step* ini = plan.find("ini:BP12");
  ASSERT_NE(ini, nullptr);
  EXPECT_EQ(ini->kind, StepKind::EditIni);
  EXPECT_THAT(ini->deps, testing::ElementsAre("init:BP12"));
  EXPECT_THAT(ini->ini_set, testing::ElementsAre(std::pair<std::string, std::string>("BUFFER", "1000")));
  for (const Step& s : plan.steps) {
    const bool after_init = std::find(s.deps.begin(), s.deps.end(), "init:BP12") != s.deps.end();
    if (after_init && s.id != "ini:BP12") {
      EXPECT_THAT(s.deps, testing::Contains("ini:BP12")) << s.id << " could run before the overrides";
    }
  }
  // Without overrides there is no such step.
  const LoadOutcome plain = load_with("");
  EXPECT_EQ(build_deploy_plan(*plain.topology).find("ini:BP12"), nullptr);
}

TEST(DmParams, KeysThePlanWritesAreRefusedNamingTheFieldThatSetsThem) {
  const LoadOutcome o = load_with(R"("ini": { "dm": { "ARCH_INI": 0, "PORT_NUM": 1, "page_size": 8 },
                                               "dmarch": { "RAFT_SELF_ID": 4 }, "dmini": {} })");
  const std::string e = errors_of(o);
  EXPECT_THAT(e, HasSubstr("ini.dm.ARCH_INI: ARCH_INI is written by dpcctl itself"));
  EXPECT_THAT(e, HasSubstr("ini.dm.PORT_NUM: PORT_NUM is written by dpcctl itself"));
  EXPECT_THAT(e, HasSubstr("the instance's \"port_num\""));
  EXPECT_THAT(e, HasSubstr("ini.dm.page_size: \"page_size\" is not an ini key"));
  EXPECT_THAT(e, HasSubstr("ini.dmarch.RAFT_SELF_ID: RAFT_SELF_ID is written by dpcctl itself"));
  EXPECT_THAT(e, HasSubstr("ini.dmini: unknown field"));
}

TEST(DmParams, AValueThatWouldBreakTheIniLineIsRefused) {
  const LoadOutcome o = load_with(R"("ini": { "dm": { "BUFFER": "1\nARCH_INI = 0", "X": "a # b" } })");
  const std::string e = errors_of(o);
  EXPECT_THAT(e, HasSubstr("ini.dm.BUFFER: the value of BUFFER cannot be written on one ini line"));
  EXPECT_THAT(e, HasSubstr("ini.dm.X: the value of X cannot be written on one ini line"));
}

}  // namespace
}  // namespace dpc
