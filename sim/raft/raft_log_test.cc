// The replicated log of the RAFT model (dmdpc-model.md §5): redo as LSN runs,
// C_LSN on majority acknowledgement, catch-up and conflict repair. Group runs
// use RaftHarness, which also fails a test on any invariant violation
// (C_LSN never decreases, no committed entry lost, leader completeness).
#include <gtest/gtest.h>

#include "sim/raft/raft_node.h"
#include "sim/raft/raft_test_harness.h"

namespace dpc::sim {
namespace {

using testing::HarnessMember;
using testing::RaftHarness;
using Type = RaftMessage::Type;

std::vector<HarnessMember> three() { return {{1, 1500}, {2, 2000}, {3, 2500}}; }

RaftConfig follower_config(int self) {
  RaftConfig c;
  c.self_id = self;
  c.vote_interval = 2000;
  c.peers = {{1}, {2}};
  return c;
}

RaftMessage append_msg(Term term, Lsn prev, Term prev_term, uint64_t prev_origin,
                       std::vector<LogRun> runs, Lsn commit) {
  RaftMessage m;
  m.type = Type::Append;
  m.from = 1;
  m.to = 3;
  m.term = term;
  m.lsn = prev;
  m.log_term = prev_term;
  m.log_origin = prev_origin;
  m.runs = std::move(runs);
  m.commit = commit;
  return m;
}

/// The one AppendReply a follower gives.
RaftMessage reply_of(RaftNode& node, const RaftMessage& msg, VMillis now) {
  RaftOutput out = node.on_message(msg, now, 0);
  EXPECT_EQ(out.messages.size(), 1u);
  if (out.messages.empty()) return {};
  EXPECT_EQ(out.messages[0].type, Type::AppendReply);
  return out.messages[0];
}

TEST(RaftLog, CommitAdvancesOnMajorityAck) {
  RaftHarness h(three());
  h.run_until(2000);
  ASSERT_EQ(h.leader(), 1);
  h.isolate(3);
  ASSERT_TRUE(h.append(1, 10, 0xA));
  EXPECT_EQ(h.node(1).commit_lsn(), 0);  // not before anyone acked
  const VMillis t = h.now();
  ASSERT_TRUE(h.run_until([&] { return h.node(1).commit_lsn() == 10; }, t + 100));
  EXPECT_EQ(h.now(), t + 2);  // one round trip to member 2 is a majority
  EXPECT_EQ(h.node(1).match_of(2), 10);
  EXPECT_EQ(h.node(1).match_of(3), 0);
  h.run_until(t + 200);
  EXPECT_EQ(h.node(2).commit_lsn(), 10);  // the next heartbeat tells the follower
  EXPECT_EQ(h.node(3).last_lsn(), 0);

  h.isolate(2);  // now the leader is alone: nothing more commits
  ASSERT_TRUE(h.append(1, 5, 0xA));
  h.run_until(h.now() + 1000);
  EXPECT_EQ(h.node(1).last_lsn(), 15);
  EXPECT_EQ(h.node(1).commit_lsn(), 10);
}

TEST(RaftLog, AppendTravelsWithTheNextHeartbeatWithoutReplicate) {
  RaftHarness h(three());
  h.run_until(2000);
  ASSERT_EQ(h.leader(), 1);
  ASSERT_TRUE(h.node(1).append(7, 0xA));  // no replicate(): the heartbeat carries it
  h.run_until(2000 + 150 + 2);
  EXPECT_EQ(h.node(1).commit_lsn(), 7);
  EXPECT_EQ(h.node(2).last_lsn(), 7);
}

TEST(RaftLog, AckBehindTheLeaderIsAnsweredWithTheMissingEntries) {
  RaftConfig c = follower_config(1);
  c.vote_interval = 1500;
  c.peers = {{2}, {3}};
  RaftNode leader(c, 0, {}, 0, 0);
  EXPECT_EQ(leader.on_tick(1500, 0).messages.size(), 2u);  // RequestVote to 2 and 3
  RaftMessage vote;
  vote.type = Type::VoteReply;
  vote.from = 2;
  vote.to = 1;
  vote.term = 1;
  vote.ok = true;
  leader.on_message(vote, 1502, 0);
  ASSERT_EQ(leader.role(), RaftRole::Leader);
  ASSERT_TRUE(leader.append(5, 0xA));  // no replicate(): only a reply can trigger a send
  RaftMessage ack;
  ack.type = Type::AppendReply;
  ack.from = 2;
  ack.to = 1;
  ack.term = 1;
  ack.ok = true;
  ack.match = 0;  // the answer to the election's empty heartbeat
  const RaftOutput out = leader.on_message(ack, 1504, 0);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].type, Type::Append);
  EXPECT_EQ(out.messages[0].to, 2);
  const std::vector<LogRun> missing = {{1, 5, 1, 0xA}};
  EXPECT_EQ(out.messages[0].runs, missing);
  ack.match = 5;
  EXPECT_TRUE(leader.on_message(ack, 1506, 0).messages.empty());  // up to date: nothing more
  EXPECT_EQ(leader.commit_lsn(), 5);
}

TEST(RaftLog, AppendOnlyOnTheLeaderAndRunsStayCompact) {
  RaftHarness h(three());
  h.run_until(2000);
  EXPECT_FALSE(h.append(2, 5, 0xB));
  EXPECT_EQ(h.node(2).last_lsn(), 0);
  ASSERT_TRUE(h.append(1, 10, 0xA));
  ASSERT_TRUE(h.append(1, 5, 0xA));
  ASSERT_TRUE(h.append(1, 3, 0xB));
  h.run_until(h.now() + 200);
  const std::vector<LogRun> expected = {{1, 15, 1, 0xA}, {16, 18, 1, 0xB}};
  for (int id : {1, 2, 3}) EXPECT_EQ(h.node(id).log(), expected) << id;
}

TEST(RaftLog, LeaderCommitsOnlyEntriesOfItsTerm) {
  RaftHarness h(three());
  for (int id : {1, 2, 3}) h.crash(id);
  for (int id : {1, 2, 3}) h.restart_with(id, 1, {{1, 5, 1, 0xA}});
  h.run_until(3000);
  ASSERT_EQ(h.leader(), 1);
  EXPECT_EQ(h.node(1).term(), 2);
  EXPECT_EQ(h.node(1).match_of(2), 5);  // everyone holds 1..5 ...
  EXPECT_EQ(h.node(1).commit_lsn(), 0);  // ... but they are of term 1
  ASSERT_TRUE(h.append(1, 1, 0xA));
  h.run_until(h.now() + 10);
  EXPECT_EQ(h.node(1).commit_lsn(), 6);  // one entry of term 2 commits them all
}

// Figure 8 of the Raft paper: an entry of an older term on a majority is not
// yet safe; if the leader counted it, the next leader would overwrite it.
TEST(RaftLog, OldTermEntryIsNotCommittedByCountingReplicas) {
  RaftHarness h({{1, 1500}, {2, 2000}, {3, 2500}, {4, 3000}, {5, 1600}});
  for (int id : {1, 2, 3, 4, 5}) h.crash(id);
  const LogRun first = {1, 1, 1, 0xA};
  h.restart_with(1, 3, {first, {2, 2, 2, 0x1}});
  h.restart_with(2, 3, {first, {2, 2, 2, 0x1}});
  h.restart_with(3, 3, {first});
  h.restart_with(4, 3, {first});
  ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, 5000));
  ASSERT_EQ(*h.leader(), 1);
  EXPECT_EQ(h.node(1).term(), 4);
  h.run_until(h.now() + 200);
  EXPECT_EQ(h.node(3).last_lsn(), 2);     // the term-2 entry is on four members ...
  EXPECT_EQ(h.node(1).commit_lsn(), 0);   // ... and still not committed
  h.crash(1);
  // It knows term 4 (so it stands in 5) and its last term, 3, beats theirs, 2.
  h.restart_with(5, 4, {first, {2, 2, 3, 0x5}});
  ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, h.now() + 5000));
  EXPECT_EQ(*h.leader(), 5);
  h.run_until(h.now() + 200);
  const std::vector<LogRun> expected = {first, {2, 2, 3, 0x5}};
  for (int id : {2, 3, 4}) EXPECT_EQ(h.node(id).log(), expected) << id;
  EXPECT_TRUE(h.violations().empty());  // nothing committed was overwritten
}

TEST(RaftLog, CommitNeverDecreases) {
  RaftNode node(follower_config(3), 0, {}, 0, 0);
  RaftMessage r = reply_of(node, append_msg(1, 0, 0, 0, {{1, 10, 1, 0xA}}, 10), 5);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.match, 10);
  EXPECT_EQ(node.commit_lsn(), 10);
  // A delayed, older Append of the same leader: shorter and with a lower commit.
  r = reply_of(node, append_msg(1, 0, 0, 0, {{1, 5, 1, 0xA}}, 5), 6);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.match, 5);
  EXPECT_EQ(node.commit_lsn(), 10);
  EXPECT_EQ(node.last_lsn(), 10);  // entries it already held identically stay
  // Commit follows the leader only as far as what it verified.
  r = reply_of(node, append_msg(1, 3, 1, 0xA, {}, 50), 7);
  EXPECT_EQ(node.commit_lsn(), 10);
}

TEST(RaftLog, FollowerCommitIsCappedAtTheLastVerifiedEntry) {
  RaftNode node(follower_config(3), 1, {{1, 20, 1, 0xA}}, 0, 0);
  const RaftMessage r = reply_of(node, append_msg(2, 8, 1, 0xA, {}, 15), 5);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.match, 8);  // 9..20 are not known to match the leader's
  EXPECT_EQ(node.commit_lsn(), 8);
}

TEST(RaftLog, RestartedFollowerCatchesUp) {
  RaftHarness h(three());
  h.run_until(2000);
  ASSERT_EQ(h.leader(), 1);
  ASSERT_TRUE(h.append(1, 20, 0xA));
  h.run_until(3000);
  ASSERT_EQ(h.node(3).commit_lsn(), 20);
  h.crash(3);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(h.append(1, 100, 0xA));
    h.run_until(h.now() + 50);
  }
  EXPECT_EQ(h.node(1).last_lsn(), 1020);
  EXPECT_EQ(h.node(1).commit_lsn(), 1020);
  h.run_until(h.now() + 5000);
  const VMillis t = h.now();
  h.restart(3);  // with its old log and term
  EXPECT_EQ(h.node(3).last_lsn(), 20);
  EXPECT_EQ(h.node(3).commit_lsn(), 0);  // volatile: learnt again from the leader
  ASSERT_TRUE(h.run_until(
      [&] { return h.node(3).last_lsn() == 1020 && h.node(3).commit_lsn() == 1020; }, t + 2000));
  EXPECT_LE(h.now(), t + 150 + 2);  // the first heartbeat carries what it lacks
  EXPECT_EQ(h.node(3).log(), h.node(1).log());
  EXPECT_EQ(h.leader(), 1);
  EXPECT_EQ(h.node(1).term(), 1);  // it rejoined without an election
}

TEST(RaftLog, ConflictingSuffixIsReplaced) {
  const std::vector<LogRun> mine = {{1, 10, 1, 0xA}};
  RaftNode node(follower_config(3), 1, mine, 0, 0);
  // Same term, different origin from LSN 6 on: 6..10 go, the leader's 6..8 come.
  RaftMessage r = reply_of(node, append_msg(1, 5, 1, 0xA, {{6, 8, 1, 0xB}}, 0), 5);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.match, 8);
  const std::vector<LogRun> expected = {{1, 5, 1, 0xA}, {6, 8, 1, 0xB}};
  EXPECT_EQ(node.log(), expected);
  // A different term at the same LSN is a conflict as well.
  r = reply_of(node, append_msg(2, 7, 1, 0xB, {{8, 9, 2, 0xC}}, 0), 6);
  EXPECT_TRUE(r.ok);
  const std::vector<LogRun> expected2 = {{1, 5, 1, 0xA}, {6, 7, 1, 0xB}, {8, 9, 2, 0xC}};
  EXPECT_EQ(node.log(), expected2);
}

TEST(RaftLog, MismatchAtPrevIsRefusedWithAHint) {
  RaftNode node(follower_config(3), 3, {{1, 5, 1, 0xA}, {6, 100, 3, 0xC}}, 0, 0);
  // The leader's entry at 200 is of term 2: nothing of ours in term 3 can match.
  RaftMessage r = reply_of(node, append_msg(4, 200, 2, 0xB, {{201, 210, 4, 0xD}}, 0), 5);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.match, 5);
  EXPECT_EQ(node.last_lsn(), 100);  // nothing removed on a refusal
  // Same LSN, same term, another origin (a copy initialised apart): refused too.
  r = reply_of(node, append_msg(4, 5, 1, 0xF, {}, 0), 6);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.match, 0);
  EXPECT_EQ(node.leader_id(), 1);  // a refused Append still comes from the leader
}

TEST(RaftLog, DivergedCopyIsReplacedFromTheLeader) {
  RaftHarness h(three());
  for (int id : {1, 2, 3}) h.crash(id);
  h.restart_with(1, 1, {{1, 50, 1, 0xA}});
  h.restart_with(2, 1, {{1, 50, 1, 0xA}});
  h.restart_with(3, 1, {{1, 30, 1, 0xA}, {31, 60, 1, 0xF}});  // written apart, unacked
  ASSERT_TRUE(h.run_until([&] { return h.leader().has_value(); }, 10'000));
  ASSERT_EQ(*h.leader(), 1);
  ASSERT_TRUE(h.append(1, 5, 0xA));
  ASSERT_TRUE(h.run_until([&] { return h.node(3).log() == h.node(1).log(); }, h.now() + 1000));
  const std::vector<LogRun> expected = {{1, 50, 1, 0xA}, {51, 55, 2, 0xA}};
  EXPECT_EQ(h.node(3).log(), expected);
}

TEST(RaftLog, NoCommittedEntryLostAcrossLeaderChange) {
  RaftHarness h(three());
  h.run_until(2000);
  ASSERT_EQ(h.leader(), 1);
  ASSERT_TRUE(h.append(1, 100, 0xA));
  h.run_until(2500);
  ASSERT_EQ(h.node(1).commit_lsn(), 100);

  // The leader is cut off and writes 30 more that nobody else receives.
  h.isolate(1);
  ASSERT_TRUE(h.append(1, 30, 0xA));
  ASSERT_TRUE(h.run_until([&] { return h.leader() == 2; }, h.now() + 5000));
  EXPECT_EQ(h.node(2).last_lsn(), 100);  // the committed 100, not the unacked 30
  ASSERT_TRUE(h.append(2, 20, 0xB));
  h.run_until(h.now() + 10);
  EXPECT_EQ(h.node(2).commit_lsn(), 120);

  h.heal();
  ASSERT_TRUE(h.run_until(
      [&] { return h.node(1).role() == RaftRole::Follower && h.node(1).commit_lsn() == 120; },
      h.now() + 20'000));
  const std::vector<LogRun> expected = {{1, 100, 1, 0xA}, {101, 120, 2, 0xB}};
  for (int id : {1, 2, 3}) EXPECT_EQ(h.node(id).log(), expected) << id;
  EXPECT_EQ(h.invariants().committed_lsn(), 120);
  EXPECT_TRUE(h.violations().empty());

  // And again with a crash instead of a partition.
  const int leader = *h.leader();
  h.crash(leader);
  ASSERT_TRUE(h.run_until(
      [&] { return h.leader().has_value() && *h.leader() != leader; }, h.now() + 10'000));
  ASSERT_TRUE(h.append(*h.leader(), 10, 0xC));
  h.restart(leader);
  h.run_until(h.now() + 500);
  for (int id : {1, 2, 3}) {
    EXPECT_EQ(h.node(id).last_lsn(), 130) << id;
    EXPECT_EQ(h.node(id).commit_lsn(), 130) << id;
  }
}

TEST(RaftLog, ConstructorCutsTheLogAtItsFirstGap) {
  RaftNode node(follower_config(3), 2,
                {{1, 5, 1, 0xA}, {6, 9, 1, 0xA}, {12, 20, 2, 0xA}, {21, 22, 2, 0xA}}, 0, 0);
  const std::vector<LogRun> expected = {{1, 9, 1, 0xA}};
  EXPECT_EQ(node.log(), expected);
  EXPECT_EQ(node.term_at(9), 1);
  EXPECT_EQ(node.term_at(0), 0);
  EXPECT_FALSE(node.term_at(10).has_value());
}

}  // namespace
}  // namespace dpc::sim
