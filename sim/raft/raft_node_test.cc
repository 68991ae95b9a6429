// Elections of the RAFT model (dmdpc-model.md §5): who stands, who votes, who
// wins and when. Group runs use RaftHarness, which also fails a test on any
// invariant violation (one leader per term, terms never decrease, ...).
#include "sim/raft/raft_node.h"

#include <gtest/gtest.h>

#include <set>

#include "sim/raft/raft_test_harness.h"

namespace dpc::sim {
namespace {

using testing::HarnessMember;
using testing::HarnessOptions;
using testing::RaftHarness;
using Type = RaftMessage::Type;

/// The group every test starts from: vote intervals 1500/2000/2500, hb 150.
std::vector<HarnessMember> three() { return {{1, 1500}, {2, 2000}, {3, 2500}}; }

RaftConfig config_of(int self, VMillis interval, std::vector<RaftPeer> peers) {
  RaftConfig c;
  c.self_id = self;
  c.vote_interval = interval;
  c.peers = std::move(peers);
  return c;
}

RaftMessage vote_request(int from, int to, Term term, Term log_term, Lsn lsn) {
  RaftMessage m;
  m.type = Type::RequestVote;
  m.from = from;
  m.to = to;
  m.term = term;
  m.log_term = log_term;
  m.lsn = lsn;
  return m;
}

/// The one reply a node gives to a RequestVote.
bool grants(RaftNode& node, const RaftMessage& request, VMillis now) {
  RaftOutput out = node.on_message(request, now, 0);
  EXPECT_EQ(out.messages.size(), 1u);
  if (out.messages.size() != 1) return false;
  EXPECT_EQ(out.messages[0].type, Type::VoteReply);
  EXPECT_EQ(out.messages[0].term, node.term());
  return out.messages[0].ok;
}

TEST(RaftElection, LowestVoteIntervalWinsFirstElection) {
  RaftHarness h(three());
  ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, 10'000));
  EXPECT_EQ(*h.leader(), 1);
  EXPECT_EQ(h.node(1).term(), 1);
  EXPECT_EQ(h.now(), 1500 + 2);  // timeout, RequestVote out, VoteReply back
  h.run_until(h.now() + 10);
  for (int id : {2, 3}) {
    EXPECT_EQ(h.node(id).role(), RaftRole::Follower) << id;
    EXPECT_EQ(h.node(id).leader_id(), 1) << id;
    EXPECT_EQ(h.node(id).voted_for(), 1) << id;
  }
  h.run_until(30'000);  // heartbeats hold it: no other election
  EXPECT_EQ(*h.leader(), 1);
  EXPECT_EQ(h.node(3).term(), 1);
}

TEST(RaftElection, LatencyDelaysTheFirstElectionByTwoHops) {
  RaftHarness h(three(), HarnessOptions{.latency = 7});
  ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, 10'000));
  EXPECT_EQ(*h.leader(), 1);
  EXPECT_EQ(h.now(), 1500 + 2 * 7);
}

TEST(RaftElection, LeaderLossElectsNextLowestIntervalAfterItsInterval) {
  RaftHarness h(three());
  // Crash the leader just as a heartbeat lands on the 2000 ms member.
  ASSERT_TRUE(h.run_until(
      [&] { return h.now() > 5000 && h.node(2).last_heard() == h.now(); }, 10'000));
  const VMillis t = h.now();
  h.crash(1);
  ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, t + 20'000));
  EXPECT_EQ(*h.leader(), 2);
  EXPECT_EQ(h.node(2).term(), 2);
  EXPECT_GE(h.now(), t + 2000);
  EXPECT_LE(h.now(), t + 2000 + 10);
  EXPECT_EQ(h.node(3).voted_for(), 2);
  EXPECT_EQ(h.node(3).term(), 2);  // the 2500 ms member never stood
}

TEST(RaftElection, PartitionedMinorityNeverElects) {
  RaftHarness h(three());
  h.run_until(3000);
  ASSERT_EQ(h.leader(), 1);
  h.isolate(3);
  bool minority_led = false;
  int majority_leaders_max = 0;
  h.run_until(
      [&] {
        minority_led |= h.node(3).role() == RaftRole::Leader;
        majority_leaders_max = std::max(
            majority_leaders_max, (h.node(1).role() == RaftRole::Leader) +
                                      (h.node(2).role() == RaftRole::Leader));
        return false;
      },
      3000 + 60'000);
  EXPECT_FALSE(minority_led);
  EXPECT_EQ(majority_leaders_max, 1);
  EXPECT_EQ(h.leader(), 1);
  EXPECT_EQ(h.node(1).term(), 1);  // the majority side never noticed
  EXPECT_EQ(h.node(3).role(), RaftRole::Candidate);
  EXPECT_GE(h.node(3).term(), 60'000 / 2500 - 1);  // it kept standing, term after term
}

TEST(RaftElection, PartitionedMinorityWithTheLeaderLosesItToTheMajority) {
  RaftHarness h({{1, 1500}, {2, 2000}, {3, 2500}, {4, 3000}, {5, 3500}});
  h.run_until(3000);
  ASSERT_EQ(h.leader(), 1);
  h.partition({1, 2});
  bool minority_led_later = false;
  h.run_until(
      [&] {
        if (h.now() > 3000 + 1500) {
          minority_led_later |= h.node(1).role() == RaftRole::Leader ||
                                h.node(2).role() == RaftRole::Leader;
        }
        return false;
      },
      3000 + 60'000);
  EXPECT_FALSE(minority_led_later);
  EXPECT_EQ(h.leader(), 3);  // the lowest interval on the majority side
}

TEST(RaftElection, HealedPartitionRejoinsAndStaleLeaderStepsDown) {
  RaftHarness h(three());
  h.run_until(5000);
  ASSERT_EQ(h.leader(), 1);
  const VMillis t = h.now();
  h.isolate(1);
  ASSERT_TRUE(h.run_until([&] { return h.node(1).role() != RaftRole::Leader; }, t + 5000));
  EXPECT_LE(h.now(), t + 1500);  // within its vote interval of the last ack
  EXPECT_GT(h.now(), t + 1500 - 150 - 3);
  EXPECT_EQ(h.leader_count(), 0);  // it stepped down before anyone else stood
  ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, t + 5000));
  EXPECT_EQ(*h.leader(), 2);
  ASSERT_TRUE(h.append(2, 10, 0xB));  // the majority writes on: the old leader's log is stale
  h.run_until(t + 10'000);
  EXPECT_EQ(h.node(2).commit_lsn(), 10);
  EXPECT_EQ(h.node(1).role(), RaftRole::Candidate);

  h.heal();
  ASSERT_TRUE(h.run_until(
      [&] {
        return h.leader_count() == 1 && h.node(1).role() == RaftRole::Follower &&
               h.node(1).leader_id() == *h.leader() && h.node(1).commit_lsn() == 10;
      },
      t + 30'000));
  EXPECT_EQ(*h.leader(), 2);
  EXPECT_EQ(h.node(1).log(), h.node(2).log());
  EXPECT_GT(h.node(2).term(), 2);  // the old leader's higher term forced one more election
}

TEST(RaftElection, OneVotePerTerm) {
  RaftNode node(config_of(3, 2500, {{1}, {2}}), 0, {}, 0, 0);
  EXPECT_TRUE(grants(node, vote_request(1, 3, 1, 0, 0), 10));
  EXPECT_EQ(node.voted_for(), 1);
  EXPECT_FALSE(grants(node, vote_request(2, 3, 1, 0, 0), 11));  // same term, another candidate
  EXPECT_TRUE(grants(node, vote_request(1, 3, 1, 0, 0), 12));   // a retransmission is fine
  EXPECT_TRUE(grants(node, vote_request(2, 3, 2, 0, 0), 13));   // a new term frees the vote
  EXPECT_EQ(node.voted_for(), 2);
  EXPECT_EQ(node.term(), 2);
}

TEST(RaftElection, VoteIsKeptAcrossRestart) {
  RaftNode node(config_of(3, 2500, {{1}, {2}}), 1, {}, 100, 0, 1);
  EXPECT_FALSE(grants(node, vote_request(2, 3, 1, 0, 0), 101));
  EXPECT_TRUE(grants(node, vote_request(1, 3, 1, 0, 0), 102));
}

TEST(RaftElection, GrantingAVoteResetsTheElectionTimer) {
  RaftNode node(config_of(3, 2500, {{1}, {2}}), 0, {}, 0, 0);
  EXPECT_EQ(node.next_deadline(), 2500);
  EXPECT_TRUE(grants(node, vote_request(1, 3, 1, 0, 0), 2000));
  EXPECT_EQ(node.next_deadline(), 4500);
  EXPECT_FALSE(grants(node, vote_request(2, 3, 1, 0, 0), 3000));  // a refusal does not
  EXPECT_EQ(node.next_deadline(), 4500);
}

TEST(RaftElection, StaleMessagesAreAnsweredWithTheNewerTerm) {
  RaftNode node(config_of(3, 2500, {{1}, {2}}), 5, {}, 0, 0);
  EXPECT_FALSE(grants(node, vote_request(1, 3, 4, 0, 0), 1));
  RaftMessage old_append;
  old_append.type = Type::Append;
  old_append.from = 2;
  old_append.to = 3;
  old_append.term = 4;
  const RaftOutput out = node.on_message(old_append, 2, 0);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].type, Type::AppendReply);
  EXPECT_FALSE(out.messages[0].ok);
  EXPECT_EQ(out.messages[0].term, 5);  // so the stale leader steps down at once
  EXPECT_EQ(node.leader_id(), 0);      // and is not taken for the leader
  EXPECT_EQ(node.term(), 5);
}

TEST(RaftElection, DeposedLeaderWaitsItsIntervalBeforeStanding) {
  RaftNode node(config_of(1, 1500, {{2}, {3}}), 0, {}, 0, 0);
  node.on_tick(1500, 0);
  RaftMessage vote;
  vote.type = Type::VoteReply;
  vote.from = 2;
  vote.to = 1;
  vote.term = 1;
  vote.ok = true;
  node.on_message(vote, 1502, 0);
  ASSERT_EQ(node.role(), RaftRole::Leader);
  RaftMessage newer;  // a reply carrying a newer term deposes it
  newer.type = Type::AppendReply;
  newer.from = 3;
  newer.to = 1;
  newer.term = 7;
  EXPECT_TRUE(node.on_message(newer, 9000, 40).messages.empty());
  EXPECT_EQ(node.role(), RaftRole::Follower);
  EXPECT_EQ(node.term(), 7);
  EXPECT_FALSE(node.voted_for().has_value());
  EXPECT_EQ(node.next_deadline(), 9000 + 1500 + 40);  // a fresh timer, with the jitter
}

TEST(RaftElection, StaleLogCandidateIsRefused) {
  const std::vector<LogRun> log = {{1, 10, 2, 0xA}};
  RaftNode node(config_of(3, 2500, {{1}, {2}}), 2, log, 0, 0);
  EXPECT_FALSE(grants(node, vote_request(1, 3, 3, 1, 50), 1));  // longer but older term
  EXPECT_EQ(node.term(), 3);                                    // the term is still adopted
  EXPECT_FALSE(node.voted_for().has_value());
  EXPECT_FALSE(grants(node, vote_request(2, 3, 3, 2, 9), 2));   // same term, shorter
  EXPECT_TRUE(grants(node, vote_request(2, 3, 3, 2, 10), 3));   // as up to date
  EXPECT_TRUE(grants(node, vote_request(1, 3, 4, 3, 1), 4));    // newer term wins over length
}

TEST(RaftElection, StaleLogMemberWithLowestIntervalNeverWins) {
  RaftHarness h(three());
  for (int id : {1, 2, 3}) h.crash(id);
  h.restart_with(1, 1, {});
  h.restart_with(2, 1, {{1, 5, 1, 0xA}});
  h.restart_with(3, 1, {{1, 5, 1, 0xA}});
  bool stale_led = false;
  ASSERT_TRUE(h.run_until(
      [&] {
        stale_led |= h.node(1).role() == RaftRole::Leader;
        return h.leader().has_value();
      },
      20'000));
  EXPECT_EQ(*h.leader(), 2);
  h.run_until(h.now() + 30'000);
  EXPECT_FALSE(stale_led);
  EXPECT_EQ(h.leader(), 2);
  EXPECT_EQ(h.node(1).last_lsn(), 5);  // and it caught up as a follower
}

TEST(RaftElection, ElectDisabledNodeVotesButNeverStands) {
  RaftHarness h(three());
  h.set_can_elect(1, false);
  ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, 10'000));
  EXPECT_EQ(*h.leader(), 2);
  EXPECT_EQ(h.now(), 2000 + 2);
  EXPECT_EQ(h.node(1).voted_for(), 2);
  EXPECT_EQ(h.node(1).term(), 1);  // it never stood
  EXPECT_EQ(h.node(1).next_deadline(), kNoDeadline);

  h.set_can_elect(1, true);  // enabling again does not disturb a live leader
  h.run_until(h.now() + 10'000);
  EXPECT_EQ(h.leader(), 2);
  EXPECT_EQ(h.node(2).term(), 1);
  h.crash(2);
  ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, h.now() + 10'000));
  EXPECT_EQ(*h.leader(), 1);
}

TEST(RaftElection, ElectDisabledLeaderKeepsLeading) {
  RaftHarness h(three());
  h.run_until(3000);
  ASSERT_EQ(h.leader(), 1);
  h.set_can_elect(1, false);
  h.run_until(20'000);
  EXPECT_EQ(h.leader(), 1);
  EXPECT_EQ(h.node(1).term(), 1);
}

TEST(RaftElection, ShadowAndLearnerNeverVoteOrLead) {
  // The shadow (4) and the learner (5) have the shortest intervals.
  RaftHarness h({{1, 1500}, {2, 2000}, {3, 2500}, {4, 1000, false}, {5, 1200, false}});
  ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, 10'000));
  EXPECT_EQ(*h.leader(), 1);
  EXPECT_EQ(h.now(), 1500 + 2);
  EXPECT_EQ(h.node(1).voter_count(), 3);
  for (int id : {4, 5}) {
    EXPECT_EQ(h.node(id).next_deadline(), kNoDeadline) << id;
    EXPECT_FALSE(h.node(id).voted_for().has_value()) << id;
  }
  ASSERT_TRUE(h.append(1, 10, 0xA));
  h.run_until(h.now() + 200);
  for (int id : {4, 5}) {  // they follow the log
    EXPECT_EQ(h.node(id).leader_id(), 1) << id;
    EXPECT_EQ(h.node(id).last_lsn(), 10) << id;
    EXPECT_EQ(h.node(id).commit_lsn(), 10) << id;
  }

  // With two voters gone, one voter and two non-voters are no majority.
  h.crash(2);
  h.crash(3);
  ASSERT_TRUE(h.append(1, 5, 0xA));
  h.run_until(h.now() + 100);
  EXPECT_EQ(h.node(1).commit_lsn(), 10);  // acks of non-voters do not commit
  EXPECT_EQ(h.node(4).last_lsn(), 15);
  bool non_voter_stood = false;
  h.run_until(
      [&] {
        for (int id : {4, 5}) non_voter_stood |= h.node(id).role() != RaftRole::Follower;
        return false;
      },
      h.now() + 60'000);
  EXPECT_FALSE(non_voter_stood);
  EXPECT_EQ(h.leader_count(), 0);  // the leader stepped down; 1 cannot win alone
  EXPECT_EQ(h.node(1).role(), RaftRole::Candidate);
}

TEST(RaftElection, NonVoterRefusesEveryVoteRequest) {
  RaftConfig c = config_of(4, 1000, {{1}, {2}, {3}});
  c.voter = false;
  RaftNode shadow(c, 0, {}, 0, 0);
  EXPECT_FALSE(grants(shadow, vote_request(1, 4, 1, 0, 0), 5));
  EXPECT_EQ(shadow.term(), 1);
  EXPECT_EQ(shadow.on_tick(100'000, 0).messages.size(), 0u);
  EXPECT_EQ(shadow.role(), RaftRole::Follower);
}

TEST(RaftElection, SingleVoterLeadsAlone) {
  RaftNode solo(config_of(1, 1500, {}), 0, {}, 0, 0);
  EXPECT_TRUE(solo.on_tick(1500, 0).messages.empty());
  EXPECT_EQ(solo.role(), RaftRole::Leader);
  EXPECT_EQ(solo.term(), 1);
  EXPECT_TRUE(solo.append(3, 0xA));
  EXPECT_EQ(solo.commit_lsn(), 3);
  EXPECT_EQ(solo.next_deadline(), 1500 + 150);  // only the heartbeat timer
}

TEST(RaftElection, EqualIntervalsWithoutJitterSplitForever) {
  RaftHarness h({{1, 2000}, {2, 2000}, {3, 2000}});
  EXPECT_FALSE(h.run_until([&] { return h.leader().has_value(); }, 60'000));
  EXPECT_GE(h.node(1).term(), 60'000 / 2000 - 1);  // every member votes for itself each time
}

TEST(RaftElection, EqualIntervalsWithJitterResolveSplitVotes) {
  std::set<int> winners;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    RaftHarness h({{1, 2000}, {2, 2000}, {3, 2000}},
                  HarnessOptions{.jitter_max = 300, .seed = seed});
    ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, 15'000)) << "seed " << seed;
    winners.insert(*h.leader());
    h.run_until(h.now() + 10'000);
    EXPECT_EQ(h.leader_count(), 1) << "seed " << seed;
  }
  EXPECT_EQ(winners.size(), 3u);  // the jitter, not the id, picks the winner
}

TEST(RaftHarness, SameSeedGivesTheSameTrace) {
  auto run = [](uint64_t seed) {
    RaftHarness h({{1, 2000}, {2, 2000}, {3, 2000}},
                  HarnessOptions{.jitter_max = 300, .seed = seed, .trace = true});
    h.run_until(5000);
    if (const auto leader = h.leader()) h.crash(*leader);
    h.run_until(15'000);
    return std::pair(h.trace_hash(), h.trace().size());
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7).first, run(8).first);
}

}  // namespace
}  // namespace dpc::sim
