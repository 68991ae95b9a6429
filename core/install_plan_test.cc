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

}  // namespace
}  // namespace dpc
