#include "sim/observe/chrome_trace.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/observe/lifecycle.h"
#include "sim/observe/timeline.h"

namespace dpc::sim {
namespace {

using nlohmann::json;

/// A hand-written run: BP11 starts MOUNT, wins term 1, opens PRIMARY, is killed;
/// BP12 follows, becomes candidate, leads term 2; a partition is injected.
std::deque<TraceEvent> sample_run() {
  auto ev = [](int64_t ms, const char* inst, const char* kind, const char* detail) {
    return TraceEvent{from_ms(ms), inst, kind, detail};
  };
  return {
      ev(0, "BP11", "server.launch", "dmserver dm.ini dpc_mode=BP MOUNT"),
      ev(0, "BP12", "server.launch", "dmserver dm.ini dpc_mode=BP MOUNT"),
      ev(800, "BP11", "server.mount", "MOUNT start"),
      ev(800, "BP11", "raft.start", "RAFT_1 self_id=1 term=0"),
      ev(800, "BP12", "server.mount", "MOUNT start"),
      ev(800, "BP12", "raft.start", "RAFT_1 self_id=2 term=0"),
      ev(2300, "BP11", "raft.leader", "RAFT_1 term=1 RAFT_VOTE_INTERVAL=1500"),
      ev(2301, "BP12", "raft.follow", "leader=BP11 term=1"),
      ev(2600, "BP11", "server.open", "PRIMARY"),
      ev(2601, "BP12", "server.open", "STANDBY"),
      ev(3000, "", "fault.partition", "BP11 <-> BP13"),
      ev(4000, "BP11", "signal", "SIGKILL"),
      ev(4000, "BP11", "server.crash", "SIGKILL"),
      ev(4100, "BP12", "net.drop", "raft.Append->BP11 (host down)"),
      ev(6001, "BP12", "raft.leader_lost", "RAFT_1 term=1"),
      ev(6002, "BP12", "raft.candidate", "RAFT_1 term=2"),
      ev(6010, "BP12", "raft.leader", "RAFT_1 term=2 RAFT_VOTE_INTERVAL=2000"),
      ev(6310, "BP12", "server.open", "PRIMARY"),
  };
}

TEST(Lifecycle, FoldsStateAndRoleIntoSegments) {
  const Lifecycle life = build_lifecycle(sample_run(), from_ms(7000));
  ASSERT_EQ(life.instances, (std::vector<std::string>{"BP11", "BP12"}));
  std::vector<std::string> bp11, bp12;
  for (const auto& s : life.segments) (s.instance == "BP11" ? bp11 : bp12).push_back(segment_label(s));
  EXPECT_EQ(bp11, (std::vector<std::string>{"starting", "MOUNT follower t0", "MOUNT leader t1",
                                            "OPEN PRIMARY leader t1", "crashed"}));
  EXPECT_EQ(bp12.back(), "OPEN PRIMARY leader t2");
  EXPECT_NE(std::find(bp12.begin(), bp12.end(), "MOUNT candidate t2"), bp12.end());
  EXPECT_NE(std::find(bp12.begin(), bp12.end(), "OPEN STANDBY follower t1"), bp12.end());
  EXPECT_EQ(life.segments.back().end, from_ms(7000));
}

TEST(Lifecycle, InstantsAreElectionsFaultsDropsAndSignals) {
  const Lifecycle life = build_lifecycle(sample_run(), from_ms(7000));
  std::vector<std::string> kinds;
  for (const auto& e : life.instants) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"raft.leader", "fault.partition", "signal", "server.crash",
                                             "net.drop", "raft.leader_lost", "raft.candidate",
                                             "raft.leader"}));
}

TEST(ChromeTrace, OneTrackPerInstanceWithCompleteAndInstantEvents) {
  const json doc = json::parse(chrome_trace_json(sample_run(), {"leader crash", from_ms(7000)}));
  EXPECT_EQ(doc.at("displayTimeUnit"), "ms");
  std::map<int, std::string> tracks;
  int complete = 0, instants = 0;
  for (const auto& e : doc.at("traceEvents")) {
    if (e.at("ph") == "M" && e.at("name") == "thread_name") tracks[e.at("tid")] = e.at("args").at("name");
    if (e.at("ph") == "X") {
      ++complete;
      EXPECT_GE(e.at("dur").get<int64_t>(), 0);
    }
    if (e.at("ph") == "i") ++instants;
  }
  EXPECT_EQ(tracks, (std::map<int, std::string>{{0, "cluster"}, {1, "BP11"}, {2, "BP12"}}));
  EXPECT_GE(complete, 10);
  EXPECT_EQ(instants, 8);
  bool found_primary = false;
  for (const auto& e : doc.at("traceEvents")) {
    if (e.at("ph") == "X" && e.at("name") == "OPEN PRIMARY leader t1") {
      found_primary = true;
      EXPECT_EQ(e.at("tid"), 1);
      EXPECT_EQ(e.at("ts"), from_ms(2600));
      EXPECT_EQ(e.at("dur"), from_ms(1400));
    }
    if (e.at("ph") == "i" && e.at("name") == "fault.partition") {
      EXPECT_EQ(e.at("tid"), 0);
    }
  }
  EXPECT_TRUE(found_primary);
}

TEST(ChromeTrace, EmptyRunIsStillAValidDocument) {
  const json doc = json::parse(chrome_trace_json({}));
  EXPECT_TRUE(doc.at("traceEvents").is_array());
}

TEST(Timeline, ChartShowsEachInstanceStateOverTime) {
  const std::string t = text_timeline(sample_run(), from_ms(7000), TimelineOptions{70, 5});
  EXPECT_NE(t.find("100.000 ms per column"), std::string::npos) << t;
  const size_t row = t.find("BP11 |");
  ASSERT_NE(row, std::string::npos) << t;
  const std::string line = t.substr(row + 6, t.find('\n', row) - row - 6);
  EXPECT_EQ(line.substr(0, 8), "ssssssss") << line;
  EXPECT_EQ(line[10], 'm') << line;
  EXPECT_EQ(line[30], 'P') << line;
  EXPECT_EQ(line[50], 'X') << line;
  EXPECT_NE(t.find("last changes (5 of"), std::string::npos) << t;
  EXPECT_NE(t.find("messages dropped: BP12 1"), std::string::npos) << t;
}

TEST(Timeline, CharactersForStates) {
  EXPECT_EQ(timeline_char("OPEN", "leader"), 'P');
  EXPECT_EQ(timeline_char("OPEN", "follower"), 'o');
  EXPECT_EQ(timeline_char("OPEN", ""), 'O');
  EXPECT_EQ(timeline_char("MOUNT", "candidate"), 'c');
  EXPECT_EQ(timeline_char("HALT", ""), 'H');
}

}  // namespace
}  // namespace dpc::sim
