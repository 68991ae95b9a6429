#include "bench/election_workload.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace dpc::sim {
namespace {

ElectionSetup setup_named(const std::vector<ElectionSetup>& all, const std::string& name) {
  for (const ElectionSetup& s : all) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << "no setup " << name;
  return {};
}

TEST(Percentile, NearestRank) {
  const std::vector<double> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(percentile(v, 0.5), 5);
  EXPECT_EQ(percentile(v, 0.9), 9);
  EXPECT_EQ(percentile(v, 0.99), 10);
  EXPECT_EQ(percentile(v, 1.0), 10);
  EXPECT_EQ(percentile({7}, 0.5), 7);
}

TEST(ElectionTrial, FirstElectionWithManualIntervalsElectsTheSmallestInterval) {
  const ElectionSetup s =
      setup_named(dmdpc_election_setups(ElectionTrigger::FirstElection), "dmdpc-first-election-manual");
  const ElectionTrial t = run_election_trial(s, 1);
  EXPECT_TRUE(t.elected);
  EXPECT_EQ(t.winner, 1);
  // RAFT_VOTE_INTERVAL 1500, then one RequestVote round trip of 2 x 0.5 ms
  // with the voter's 0.5..13.5 ms write of its term and vote in between.
  EXPECT_GE(t.time_ms, 1501.5);
  EXPECT_LE(t.time_ms, 1514.5);
  EXPECT_EQ(t.terms, 1);
  EXPECT_EQ(t.split_votes, 0);
}

TEST(ElectionTrial, LeaderCrashWithManualIntervalsElectsTheNextInterval) {
  const ElectionSetup s =
      setup_named(dmdpc_election_setups(ElectionTrigger::LeaderCrash), "dmdpc-leader-crash-manual");
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const ElectionTrial t = run_election_trial(s, seed);
    ASSERT_TRUE(t.elected) << "seed " << seed;
    EXPECT_EQ(t.crashed, 1);
    EXPECT_EQ(t.winner, 2) << "seed " << seed;
    // Member 2 hears the synchronized broadcast 0.5 ms after it left and
    // waits its 2000 ms from then; the crash came crash_offset_ms after the
    // broadcast; then a round trip with member 3's write.
    EXPECT_GE(t.time_ms + t.crash_offset_ms, 2002.0 - 1e-9) << "seed " << seed;
    EXPECT_LE(t.time_ms + t.crash_offset_ms, 2015.0 + 1e-9) << "seed " << seed;
  }
}

TEST(ElectionTrial, TheLeaderDiesWithinTheHeartbeatIntervalAfterTheBroadcast) {
  const ElectionSetup s = setup_named(paper_figure16_setups(), "paper-150-175");
  ASSERT_TRUE(s.crash_within_interval_after_broadcast);
  double lowest = 1e9, highest = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const ElectionTrial t = run_election_trial(s, seed);
    ASSERT_TRUE(t.elected) << "seed " << seed;
    EXPECT_GE(t.crash_offset_ms, 0.0);
    EXPECT_LT(t.crash_offset_ms, static_cast<double>(s.hb_interval));
    lowest = std::min(lowest, t.crash_offset_ms);
    highest = std::max(highest, t.crash_offset_ms);
    // No heartbeat after the broadcast: the first timeout is 150..175 ms
    // after it, so the downtime is at least 150 - offset (plus a vote).
    EXPECT_GE(t.time_ms, 150.0 - t.crash_offset_ms) << "seed " << seed;
  }
  // Spread over the whole interval, not bunched at its start.
  EXPECT_LT(lowest, 10.0);
  EXPECT_GT(highest, 65.0);
}

TEST(ElectionTrial, TheVoterWritesItsVoteBeforeReplying) {
  ElectionSetup s = setup_named(dmdpc_election_setups(ElectionTrigger::FirstElection), "dmdpc-first-election-manual");
  s.disk_sync_min_us = s.disk_sync_max_us = 10'000;
  // 1500 ms timeout; RequestVote 0.5 ms; the voter's 10 ms write; reply 0.5 ms.
  EXPECT_DOUBLE_EQ(run_election_trial(s, 1).time_ms, 1511.0);
  s.disk_syncs = 2;  // a write of two fsyncs
  EXPECT_DOUBLE_EQ(run_election_trial(s, 1).time_ms, 1521.0);
  s.disk_syncs = 1;
  s.candidate_writes_first = true;  // the candidate's own write first
  EXPECT_DOUBLE_EQ(run_election_trial(s, 1).time_ms, 1521.0);
  s.candidate_writes_first = false;
  s.disk_sync_min_us = s.disk_sync_max_us = 0;
  EXPECT_DOUBLE_EQ(run_election_trial(s, 1).time_ms, 1501.0);
  s.processing_min_us = s.processing_max_us = 2'000;  // before the handler, at each end
  EXPECT_DOUBLE_EQ(run_election_trial(s, 1).time_ms, 1505.0);
}

TEST(ElectionTrial, ContinuousTimersTimeOutBetweenMilliseconds) {
  ElectionSetup s =
      setup_named(dmdpc_election_setups(ElectionTrigger::FirstElection), "dmdpc-first-election-equal-j1500");
  s.disk_sync_min_us = s.disk_sync_max_us = 0;  // elected exactly 1 ms after the winner's timeout
  int whole_continuous = 0, whole_integer = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    s.continuous_timers = true;
    const double a = run_election_trial(s, seed).time_ms - 1.0;
    whole_continuous += a == std::floor(a) ? 1 : 0;
    s.continuous_timers = false;
    const double b = run_election_trial(s, seed).time_ms - 1.0;
    whole_integer += b == std::floor(b) ? 1 : 0;
  }
  EXPECT_EQ(whole_integer, 50);
  EXPECT_LE(whole_continuous, 2);
}

TEST(ElectionTrial, NoRandomnessSplitsEveryVoteForTenSeconds) {
  ElectionSetup s = setup_named(paper_figure16_setups(), "paper-150-150");
  s.limit_ms = 10'000;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const ElectionTrial t = run_election_trial(s, seed);
    EXPECT_FALSE(t.elected) << "seed " << seed << " elected after " << t.time_ms << " ms";
    EXPECT_GT(t.split_votes, 20) << "seed " << seed;  // a round every ~150 ms
  }
}

TEST(ElectionTrial, SameSeedGivesTheSameTrial) {
  const ElectionSetup s = paper_figure16_setups()[1];  // 150-155 ms
  const ElectionTrial a = run_election_trial(s, 42);
  const ElectionTrial b = run_election_trial(s, 42);
  EXPECT_EQ(a.time_ms, b.time_ms);
  EXPECT_EQ(a.winner, b.winner);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.crash_offset_ms, b.crash_offset_ms);
  EXPECT_EQ(a.split_votes, b.split_votes);
  const ElectionSummary x = run_election_sweep(s, 100, 50);
  const ElectionSummary y = run_election_sweep(s, 100, 50);
  EXPECT_EQ(x.sorted_ms, y.sorted_ms);
}

TEST(ElectionTrial, EqualIntervalsWithoutJitterOrLinkJitterNeverElect) {
  const ElectionSetup s =
      setup_named(dmdpc_election_setups(ElectionTrigger::FirstElection), "dmdpc-first-election-equal-j0");
  const ElectionTrial t = run_election_trial(s, 3);
  EXPECT_FALSE(t.elected);
  EXPECT_EQ(t.time_ms, static_cast<double>(s.limit_ms));
  EXPECT_GT(t.split_votes, 10);  // every 1500 ms all three stand at once
  EXPECT_EQ(t.split_votes, t.failed_terms);
}

TEST(ElectionTrial, LaggingFollowersNeverWin) {
  const ElectionSetup s = paper_figure16_setups()[4];  // 150-300 ms, two lagging followers
  ASSERT_EQ(s.lagging_followers, 2);
  int trials = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const ElectionTrial t = run_election_trial(s, seed);
    if (!t.elected) continue;
    ++trials;
    EXPECT_NE(t.winner, t.crashed);
  }
  EXPECT_EQ(trials, 50);
}

TEST(ElectionSweep, PaperRandomnessCutsSplitVotesAndTheMedian) {
  const auto setups = paper_figure16_setups();
  ASSERT_EQ(setups.size(), 9u);
  const ElectionSummary r0 = run_election_sweep(setups[0], 1, 50);     // 150-150
  const ElectionSummary r5 = run_election_sweep(setups[1], 1, 200);    // 150-155
  const ElectionSummary r150 = run_election_sweep(setups[4], 1, 200);  // 150-300
  EXPECT_EQ(r0.trials, 50);
  EXPECT_EQ(setups[0].name, "paper-150-150");
  EXPECT_EQ(setups[4].name, "paper-150-300");
  EXPECT_GT(r0.split_vote_rate, r150.split_vote_rate);
  EXPECT_GT(r0.p50, r5.p50);
  EXPECT_GT(r0.p99, r150.p99);
  EXPECT_LE(r150.p50, r150.p90);
  EXPECT_LE(r150.p90, r150.p99);
  EXPECT_LE(r150.p99, r150.max);
  EXPECT_EQ(r150.sorted_ms.size(), 200u);
  EXPECT_EQ(r150.timed_out, 0);
}

TEST(ElectionSweep, ShortTimeoutsElectFaster) {
  const auto setups = paper_figure16_setups();
  const ElectionSummary slow = run_election_sweep(setups[4], 1, 200);  // 150-300
  const ElectionSummary fast = run_election_sweep(setups[5], 1, 200);  // 12-24
  EXPECT_EQ(setups[5].name, "paper-12-24");
  EXPECT_EQ(setups[5].hb_interval, 6);
  EXPECT_LT(fast.p50, slow.p50);
}

}  // namespace
}  // namespace dpc::sim
