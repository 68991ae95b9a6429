// Seeded random faults against one RAFT group: crashes, restarts,
// partitions, uneven latencies and writes, then a heal. The harness checks the
// invariants after every event (one leader per term, terms and C_LSN never
// decrease, no committed entry lost, leader completeness); at the end the
// group must converge on one leader and one log.
#include <gtest/gtest.h>

#include "sim/raft/raft_node.h"
#include "sim/raft/raft_test_harness.h"

namespace dpc::sim {
namespace {

using testing::HarnessOptions;
using testing::RaftHarness;

/// The test's own seeded choices (the harness has its own, for jitter).
class Dice {
 public:
  explicit Dice(uint64_t seed) : state_(seed * 0x2545f4914f6cdd1dULL + 1) {}
  uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

void run_chaos(uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  const std::vector<int> ids = {1, 2, 3, 4, 5};
  RaftHarness h({{1, 1500}, {2, 2000}, {3, 2500}, {4, 3000}, {5, 3500}},
                HarnessOptions{.jitter_max = 200, .seed = seed});
  Dice dice(seed);
  for (int a : ids) {
    for (int b : ids) {
      if (a != b) h.set_latency(a, b, 1 + dice.below(40));
    }
  }
  uint64_t origin = 0x100;
  for (VMillis t = 500; t <= 120'000; t += 250) {
    h.run_until(t);
    if (!h.violations().empty()) return;
    const int id = ids[static_cast<size_t>(dice.below(5))];
    switch (dice.below(10)) {
      case 0: h.crash(id); break;
      case 1: h.restart(id); break;
      case 2: {
        std::vector<int> side;
        for (int m : ids) {
          if (dice.below(2) != 0) side.push_back(m);
        }
        h.heal();
        h.partition(side);
        break;
      }
      case 3: h.heal(); break;
      default:
        if (const auto leader = h.leader()) h.append(*leader, 1 + dice.below(50), ++origin);
        break;
    }
  }
  h.heal();
  for (int id : ids) h.restart(id);
  // Settled: one leader whose term and leadership every member knows.
  auto settled = [&] {
    const auto leader = h.leader();
    if (!leader) return false;
    for (int id : ids) {
      if (h.node(id).term() != h.node(*leader).term() || h.node(id).leader_id() != *leader) {
        return false;
      }
    }
    return true;
  };
  ASSERT_TRUE(h.run_until(settled, h.now() + 60'000));
  const int leader = *h.leader();
  ASSERT_TRUE(h.append(leader, 1, ++origin));  // commits everything before it
  h.run_until(h.now() + 2000);
  EXPECT_EQ(h.leader_count(), 1);
  EXPECT_EQ(h.node(leader).commit_lsn(), h.node(leader).last_lsn());
  for (int id : ids) {
    EXPECT_EQ(h.node(id).log(), h.node(leader).log()) << "member " << id;
    EXPECT_EQ(h.node(id).commit_lsn(), h.node(leader).last_lsn()) << "member " << id;
  }
  EXPECT_GE(h.invariants().committed_lsn(), h.node(leader).last_lsn());
}

TEST(RaftChaos, RandomFaultsKeepTheInvariantsAndConverge) {
  for (uint64_t seed = 1; seed <= 40; ++seed) run_chaos(seed);
}

}  // namespace
}  // namespace dpc::sim
