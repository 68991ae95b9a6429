// The install steps: from the topology's dm_package fields to the plan's
// install-dm:<host> steps first, every other step on that host after its
// own, the runbooks' install_dm calls, and refusals naming the field.
#include "core/install_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/plan_builder.h"
#include "core/plan_render.h"
#include "core/topology_load.h"

namespace dpc {
namespace {

using testing::HasSubstr;

LoadOutcome load(const std::string& defaults_extra, const std::string& top_extra = "") {
  const std::string text = R"({ "cluster": "c", "defaults": { "host": "10.0.0.1", "base_dir": "/d" )" +
                           defaults_extra + R"( },
    "mp": { "instances": [ { "name": "MP" } ] }, "sp": [ { "name": "SP1", "host": "10.0.0.2" } ],
    "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP11" }, { "name": "BP12", "host": "10.0.0.2" },
      { "name": "BP13", "host": "10.0.0.3" } ] } ])" +
                           top_extra + " }";
  return load_topology_text(text, "t.json");
}

std::string errors_of(const LoadOutcome& o) { return format_diagnostics(o.diagnostics, "t.json"); }

TEST(InstallPlan, NoPackageNoInstallSteps) {
  const LoadOutcome o = load(R"(, "dm_home": "/opt/dm")");
  ASSERT_TRUE(o.ok()) << errors_of(o);
  EXPECT_TRUE(build_install_plan(*o.topology).steps.empty());
  for (const Step& s : build_deploy_plan(*o.topology).steps) EXPECT_NE(s.kind, StepKind::InstallDm) << s.id;
}

TEST(InstallPlan, OneStepPerHostFirstAndEveryStepOnThatHostAfterIt) {
  const LoadOutcome o = load(R"(, "dm_home": "/opt/dm", "dm_package": "/pkg/dm.tar")",
                             R"(, "hosts": { "10.0.0.3": { "dm_package": "/pkg/other" } })");
  ASSERT_TRUE(o.ok()) << errors_of(o);
  const Plan install = build_install_plan(*o.topology);
  ASSERT_EQ(install.steps.size(), 3u);
  EXPECT_EQ(install.steps[0].id, "install-dm:10.0.0.1");
  EXPECT_EQ(install.steps[0].package, "/pkg/dm.tar");
  EXPECT_EQ(install.steps[0].path, "/opt/dm");
  EXPECT_EQ(install.steps[2].id, "install-dm:10.0.0.3");
  EXPECT_EQ(install.steps[2].package, "/pkg/other");

  const Plan plan = build_deploy_plan(*o.topology);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(plan.steps[i].kind, StepKind::InstallDm);
  for (size_t i = 3; i < plan.steps.size(); ++i) {
    const Step& s = plan.steps[i];
    EXPECT_NE(s.kind, StepKind::InstallDm);
    if (s.host.empty()) continue;
    EXPECT_THAT(s.deps, testing::Contains("install-dm:" + s.host)) << s.id;
  }
}

TEST(InstallPlan, RunbooksCarryTheInstall) {
  const LoadOutcome o = load(R"(, "dm_home": "/opt/dm", "dm_package": "/pkg/dm.tar")");
  ASSERT_TRUE(o.ok()) << errors_of(o);
  const Plan plan = build_deploy_plan(*o.topology);
  const std::string sh = render_plan(plan, *o.topology, PlanFormat::Sh);
  EXPECT_THAT(sh, HasSubstr("install_dm() {"));
  EXPECT_THAT(sh, testing::ContainsRegex("  install_dm '?10\\.0\\.0\\.2'? '?/pkg/dm\\.tar'? '?/opt/dm'?\n"));
  EXPECT_THAT(sh, HasSubstr("sha256sum"));
  EXPECT_THAT(render_plan(plan, *o.topology, PlanFormat::Text), HasSubstr("install-dm:10.0.0.3"));
  EXPECT_THAT(render_plan(plan, *o.topology, PlanFormat::Json), HasSubstr("\"package\": \"/pkg/dm.tar\""));
  EXPECT_THAT(render_plan(plan, *o.topology, PlanFormat::Cmd), HasSubstr("Install DM on host 10.0.0.1"));
}

TEST(InstallPlan, APackageNeedsADmHomeAndAKnownHost) {
  const LoadOutcome none = load(R"(, "dm_package": "/pkg/dm.tar")");
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(errors_of(none), HasSubstr("defaults.dm_package: a DM package is named but no DM home"));
  const LoadOutcome stray = load(R"(, "dm_home": "/opt/dm")", R"(, "hosts": { "10.9.9.9": { "dm_package": "/p" } })");
  ASSERT_FALSE(stray.ok());
  EXPECT_THAT(errors_of(stray), HasSubstr("no instance is on host \"10.9.9.9\""));
  const LoadOutcome empty = load(R"(, "dm_home": "/opt/dm", "dm_package": "")");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(errors_of(empty), HasSubstr("defaults.dm_package: the DM package is empty"));
}

TEST(InstallPlan, DmsInstallerIsKnownByItsNameAndGetsAnAnswerFile) {
  EXPECT_TRUE(is_silent_installer("/srv/dm/DMInstall.bin"));
  EXPECT_TRUE(is_silent_installer("DMInstall.bin"));
  EXPECT_FALSE(is_silent_installer("/srv/dm/DMInstall.bin.tar"));
  EXPECT_FALSE(is_silent_installer("/srv/DMInstall.bin/dm.tar"));
  const std::string xml = silent_install_answer("/opt/dm & co");
  EXPECT_THAT(xml, HasSubstr("<?xml version=\"1.0\"?>\n<DATABASE>\n"));
  EXPECT_THAT(xml, HasSubstr("<INSTALL_PATH>/opt/dm &amp; co</INSTALL_PATH>"));
  EXPECT_THAT(xml, HasSubstr("<INIT_DB>N</INIT_DB>"));  // dpcctl runs dminit itself
  EXPECT_THAT(xml, HasSubstr("<CREATE_DB_SERVICE>N</CREATE_DB_SERVICE>"));
  EXPECT_THAT(xml, HasSubstr("</DATABASE>\n"));
}

TEST(InstallPlan, RunbooksCarryTheSilentInstall) {
  const LoadOutcome o = load(R"(, "dm_home": "/opt/dm", "dm_package": "/pkg/DMInstall.bin")");
  ASSERT_TRUE(o.ok()) << errors_of(o);
  const Plan plan = build_deploy_plan(*o.topology);
  const std::string sh = render_plan(plan, *o.topology, PlanFormat::Sh);
  EXPECT_THAT(sh, HasSubstr("*DMInstall.bin) install_dm_silent \"$1\" \"$2\" \"$3\""));
  EXPECT_THAT(sh, HasSubstr("install_dm_silent() {"));
  EXPECT_THAT(sh, HasSubstr("'$3.dpc-install/DMInstall.bin' -q '$3.dpc-install/auto_install.xml'"));
  EXPECT_THAT(sh, HasSubstr("dpc_answer \"$3.dpc-new\""));
  EXPECT_THAT(sh, HasSubstr("    \"    <INSTALL_PATH>$1</INSTALL_PATH>\""));
  const std::string text = render_plan(plan, *o.topology, PlanFormat::Text);
  EXPECT_THAT(text,
              HasSubstr("run DMInstall.bin -q /opt/dm.dpc-install/auto_install.xml (INSTALL_PATH /opt/dm.dpc-new"));
  // A tarball's runbook has no silent-install library.
  const LoadOutcome tar = load(R"(, "dm_home": "/opt/dm", "dm_package": "/pkg/dm.tar")");
  ASSERT_TRUE(tar.ok());
  EXPECT_THAT(render_plan(build_deploy_plan(*tar.topology), *tar.topology, PlanFormat::Sh),
              testing::Not(HasSubstr("install_dm_silent() {")));
}

}  // namespace
}  // namespace dpc
