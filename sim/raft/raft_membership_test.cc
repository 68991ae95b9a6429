// A RAFT group whose membership changes while it runs: a peer that becomes a
// shadow replica stops counting for elections and the commit majority, one
// that votes again counts again (dpcctl convert, [model]
// peer-voter-announce), and a peer added with SP_ADD_RAFT_NODE ([model]
// raft-add-node) counts from then on.
#include <gtest/gtest.h>

#include "sim/raft/raft_node.h"
#include "sim/raft/raft_test_harness.h"

namespace dpc::sim {
namespace {

using testing::HarnessMember;
using testing::RaftHarness;

RaftConfig config_of(int self, std::vector<RaftPeer> peers) {
  RaftConfig c;
  c.self_id = self;
  c.vote_interval = 1500;
  c.peers = std::move(peers);
  return c;
}

TEST(RaftMembership, SetPeerVoterAndAddPeerChangeTheVoterCount) {
  RaftNode n(config_of(1, {{2, true}, {3, true}}), 0, {}, 0, 0);
  EXPECT_EQ(n.voter_count(), 3);
  EXPECT_TRUE(n.set_peer_voter(3, false));
  EXPECT_EQ(n.voter_count(), 2);
  EXPECT_FALSE(n.set_peer_voter(3, false));  // no change
  EXPECT_FALSE(n.set_peer_voter(9, false));  // not a peer
  EXPECT_TRUE(n.set_peer_voter(3, true));
  EXPECT_EQ(n.voter_count(), 3);
  EXPECT_TRUE(n.add_peer({4, true}));
  EXPECT_TRUE(n.add_peer({5, true}));
  EXPECT_EQ(n.voter_count(), 5);
  EXPECT_FALSE(n.add_peer({4, true}));  // already a peer
  EXPECT_FALSE(n.add_peer({1, true}));  // self
}

TEST(RaftMembership, APeerTurnedShadowNoLongerMakesAMajority) {
  RaftHarness h({{1, 1500}, {2, 2000}, {3, 2500}});
  ASSERT_TRUE(h.run_until([&] { return h.leader() == 1; }, 10'000));
  // 3 becomes a shadow: the others stop counting it.
  h.node(1).set_peer_voter(3, false);
  h.node(2).set_peer_voter(3, false);
  h.crash(1);
  // 2 alone is no majority of the two voters; 3's vote does not count.
  h.run_until(h.now() + 20'000);
  EXPECT_FALSE(h.leader().has_value());
  // 3 votes again: 2 and 3 are a majority of three.
  h.node(2).set_peer_voter(3, true);
  ASSERT_TRUE(h.run_until([&] { return h.leader() == 2; }, h.now() + 20'000));
  EXPECT_TRUE(h.violations().empty()) << h.violations().front();
}

TEST(RaftMembership, ALeaderReplicatesToAnAddedPeer) {
  RaftHarness h({{1, 1500}, {2, 2000}, {3, 2500}});
  ASSERT_TRUE(h.run_until([&] { return h.leader() == 1; }, 10'000));
  ASSERT_TRUE(h.append(1, 10, 0xAB));
  h.run_until(h.now() + 1000);
  const Lsn committed = h.node(1).commit_lsn();
  EXPECT_GE(committed, 10);
  // Peer 4 is known to every member now; the leader tracks its progress.
  for (int id : {1, 2, 3}) EXPECT_TRUE(h.node(id).add_peer({4, true})) << id;
  EXPECT_EQ(h.node(1).voter_count(), 4);
  EXPECT_EQ(h.node(1).match_of(4), 0);
  EXPECT_TRUE(h.violations().empty());
}

}  // namespace
}  // namespace dpc::sim
