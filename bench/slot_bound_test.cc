#include "bench/slot_bound.h"

#include <gtest/gtest.h>

namespace dpc::bench {
namespace {

Step step(const std::string& id, StepKind kind, std::vector<std::string> deps) {
  Step s;
  s.id = id;
  s.kind = kind;
  s.deps = std::move(deps);
  return s;
}

// a (1 s) then four independent 2 s tools after it, and a wait last.
Plan fan_out() {
  Plan p;
  p.steps.push_back(step("a", StepKind::StartServer, {}));
  for (const char* id : {"b", "c", "d", "e"}) p.steps.push_back(step(id, StepKind::Restore, {"a"}));
  p.steps.push_back(step("w", StepKind::WaitState, {"b", "c", "d", "e"}));
  return p;
}

std::vector<StepSpan> unlimited_run() {
  return {{0, 1000}, {1000, 2000}, {1000, 2000}, {1000, 2000}, {1000, 2000}, {3000, 500}};
}

TEST(SlotBound, UnlimitedSlotsGiveTheRunsOwnLength) {
  SlotBound b = slot_bound(fan_out(), unlimited_run(), 1000);
  EXPECT_NEAR(b.bound_ms, 3500, 1e-6);
  EXPECT_EQ(b.from_step, "");
}

TEST(SlotBound, FewSlotsBoundTheWorkAfterTheEarliestStartOfItsFirstStep) {
  // Two slots: the 8 s of restores cannot start before 1 s.
  SlotBound two = slot_bound(fan_out(), unlimited_run(), 2);
  EXPECT_NEAR(two.bound_ms, 1000 + 8000.0 / 2, 1e-6);
  EXPECT_EQ(two.from_step, "steps from b on");
  // One slot: all 9 s of work (the wait counts as none) from time 0.
  SlotBound one = slot_bound(fan_out(), unlimited_run(), 1);
  EXPECT_NEAR(one.bound_ms, 9000, 1e-6);
  EXPECT_EQ(one.from_step, "a");
}

}  // namespace
}  // namespace dpc::bench
