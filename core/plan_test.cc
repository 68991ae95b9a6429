#include "core/plan.h"

#include <gtest/gtest.h>

#include "core/plan_builder.h"
#include "core/plan_test_topologies.h"

namespace dpc {
namespace {

using testing_topologies::make_topology;
using testing_topologies::Shape;

Plan deploy_plan() { return build_deploy_plan(make_topology(Shape{})); }

TEST(NarrowPlan, NothingDoneIsTheWholePlanWithItsDependencies) {
  const Plan plan = deploy_plan();
  const Plan sub = narrow_plan(plan, {});
  ASSERT_EQ(sub.steps.size(), plan.steps.size());
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    EXPECT_EQ(sub.steps[i].id, plan.steps[i].id);
    EXPECT_EQ(sub.steps[i].deps, plan.steps[i].deps);
  }
  EXPECT_EQ(sub.cluster, plan.cluster);
}

TEST(NarrowPlan, UptoAStepTakesItAndWhatItNeedsThatIsNotDone) {
  const Plan plan = deploy_plan();
  const Plan sub = narrow_plan(plan, {"init:MP"}, "start:MP");
  std::vector<std::string> ids;
  for (const Step& s : sub.steps) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"mpini:MP", "start:MP"}));
  // The dependency on the done init:MP is dropped: it ran already.
  for (const Step& s : sub.steps) {
    for (const std::string& d : s.deps) EXPECT_NE(d, "init:MP");
  }
}

TEST(NarrowPlan, DoneStepsAreLeftOutAndTheirUsersLoseTheDependency) {
  const Plan plan = deploy_plan();
  std::set<std::string> done;
  for (const Step& s : plan.steps) {
    if (s.kind == StepKind::InitInstance) done.insert(s.id);
  }
  const Plan sub = narrow_plan(plan, done);
  EXPECT_EQ(sub.steps.size(), plan.steps.size() - done.size());
  for (const Step& s : sub.steps) {
    EXPECT_FALSE(done.count(s.id));
    for (const std::string& d : s.deps) EXPECT_NE(sub.find(d), nullptr) << s.id << " -> " << d;
  }
}

TEST(NarrowPlan, AnUnknownUptoStepGivesAnEmptyPlan) {
  EXPECT_TRUE(narrow_plan(deploy_plan(), {}, "no-such-step").steps.empty());
}

}  // namespace
}  // namespace dpc
