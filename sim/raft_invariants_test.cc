// RaftInvariants: each property is shown to hold on a consistent history and
// to be reported, with a readable sentence, when a history breaks it.
#include "sim/raft_invariants.h"

#include <gtest/gtest.h>

namespace dpc::sim {
namespace {

RaftView view(int id, RaftRole role, Term term, Lsn commit, const std::vector<LogRun>& log) {
  return RaftView{id, role, term, commit, &log};
}

const std::vector<LogRun> kLogA = {{1, 10, 1, 0xA}};
const std::vector<LogRun> kLogB = {{1, 5, 1, 0xA}, {6, 10, 1, 0xB}};

TEST(RaftInvariants, AcceptsAConsistentHistory) {
  RaftInvariants inv;
  EXPECT_FALSE(inv.check(view(1, RaftRole::Leader, 1, 0, kLogA)));
  EXPECT_FALSE(inv.check(view(2, RaftRole::Follower, 1, 0, {})));
  EXPECT_FALSE(inv.check(view(1, RaftRole::Leader, 1, 10, kLogA)));
  EXPECT_FALSE(inv.check(view(2, RaftRole::Follower, 1, 10, kLogA)));
  EXPECT_FALSE(inv.check(view(2, RaftRole::Leader, 2, 10, kLogA)));
  EXPECT_EQ(inv.committed_lsn(), 10);
  EXPECT_EQ(inv.leaders().at(1), 1);
  EXPECT_EQ(inv.leaders().at(2), 2);
}

TEST(RaftInvariants, FlagsTwoLeadersInOneTerm) {
  RaftInvariants inv;
  EXPECT_FALSE(inv.check(view(1, RaftRole::Leader, 3, 0, {})));
  const auto v = inv.check(view(2, RaftRole::Leader, 3, 0, {}));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("member 1 already led term 3"), std::string::npos) << *v;
}

TEST(RaftInvariants, FlagsATermGoingBackEvenAcrossRestart) {
  RaftInvariants inv;
  EXPECT_FALSE(inv.check(view(1, RaftRole::Follower, 4, 0, {})));
  inv.on_restart(1);
  const auto v = inv.check(view(1, RaftRole::Follower, 3, 0, {}));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("term went back from 4 to 3"), std::string::npos) << *v;
}

TEST(RaftInvariants, FlagsACommitGoingBackButNotAfterRestart) {
  RaftInvariants inv;
  EXPECT_FALSE(inv.check(view(1, RaftRole::Follower, 1, 10, kLogA)));
  const auto v = inv.check(view(1, RaftRole::Follower, 1, 7, kLogA));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("commit went back from 10 to 7"), std::string::npos) << *v;

  RaftInvariants fresh;
  EXPECT_FALSE(fresh.check(view(1, RaftRole::Follower, 1, 10, kLogA)));
  fresh.on_restart(1);
  EXPECT_FALSE(fresh.check(view(1, RaftRole::Follower, 1, 0, kLogA)));
}

TEST(RaftInvariants, FlagsACommitPastTheLog) {
  RaftInvariants inv;
  const auto v = inv.check(view(1, RaftRole::Follower, 1, 11, kLogA));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("commit 11 is past its last LSN 10"), std::string::npos) << *v;
}

TEST(RaftInvariants, FlagsACommittedEntryThatChanged) {
  RaftInvariants inv;
  EXPECT_FALSE(inv.check(view(1, RaftRole::Follower, 1, 10, kLogA)));
  const auto v = inv.check(view(2, RaftRole::Follower, 1, 8, kLogB));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("committed LSN 6 differs"), std::string::npos) << *v;
}

TEST(RaftInvariants, FlagsALeaderWithoutTheCommittedEntries) {
  RaftInvariants inv;
  EXPECT_FALSE(inv.check(view(1, RaftRole::Follower, 1, 10, kLogA)));
  const std::vector<LogRun> short_log = {{1, 4, 1, 0xA}};
  const auto v = inv.check(view(2, RaftRole::Leader, 2, 0, short_log));
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("became leader without committed LSN 5"), std::string::npos) << *v;
}

TEST(RaftInvariants, FirstDifferenceComparesTermAndOrigin) {
  EXPECT_FALSE(first_difference(kLogA, kLogB, 5));
  EXPECT_EQ(first_difference(kLogA, kLogB, 10), 6);
  EXPECT_EQ(first_difference(kLogA, {}, 3), 1);
  EXPECT_FALSE(first_difference(kLogA, {{1, 3, 1, 0xA}, {4, 10, 1, 0xA}}, 10));
}

}  // namespace
}  // namespace dpc::sim
