// The simulator's engine: the one seeded Rng, the event loop's order and
// cancellation, the trace and its hash, and the timing profile format.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "sim/engine/event_loop.h"
#include "sim/engine/rng.h"
#include "sim/engine/timing_profile.h"
#include "sim/engine/trace.h"

namespace dpc::sim {
namespace {

TEST(Rng, SameSeedSameSequenceDifferentSeedDifferentSequence) {
  Rng a(42), b(42), c(43);
  std::vector<uint64_t> va, vb, vc;
  for (int i = 0; i < 8; ++i) {
    va.push_back(a.next());
    vb.push_back(b.next());
    vc.push_back(c.next());
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
}

TEST(Rng, UniformStaysInBoundsAndZeroBoundDrawsNothing) {
  Rng r(1);
  std::set<int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const int64_t v = r.uniform(3);
    ASSERT_GE(v, 0);
    ASSERT_LE(v, 3);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 4u);
  Rng x(9), y(9);
  EXPECT_EQ(x.uniform(0), 0);
  EXPECT_FALSE(x.chance(0.0));
  EXPECT_EQ(x.next(), y.next()) << "a zero knob must not consume randomness";
}

TEST(EventLoop, RunsByTimeThenByInsertionOrder) {
  EventLoop loop;
  std::string order;
  loop.at(20, "t", [&] { order += "c"; });
  loop.at(10, "t", [&] { order += "a"; });
  loop.at(10, "t", [&] { order += "b"; });
  loop.at(5, "t", [&] {
    order += "0";
    loop.after(5, "t", [&] { order += "B"; });  // due at 10, after a and b
  });
  while (loop.step()) {
  }
  EXPECT_EQ(order, "0abBc");
  EXPECT_EQ(loop.now(), 20);
  EXPECT_EQ(loop.executed(), 5u);
}

TEST(EventLoop, CancelledEventsNeverRunAndTokensAreSingleUse) {
  EventLoop loop;
  int ran = 0;
  EventId a = loop.at(10, "t", [&] { ran += 1; });
  EventId b = loop.at(10, "t", [&] { ran += 10; });
  EXPECT_TRUE(loop.cancel(a));
  EXPECT_FALSE(loop.cancel(a));
  EXPECT_FALSE(loop.cancel(0));
  EXPECT_EQ(loop.pending(), 1u);
  while (loop.step()) {
  }
  EXPECT_EQ(ran, 10);
  EXPECT_FALSE(loop.cancel(b)) << "already ran";
  // A reused slot does not answer to the old token.
  EventId c = loop.at(30, "t", [&] { ran += 100; });
  EXPECT_FALSE(loop.cancel(a));
  EXPECT_TRUE(loop.cancel(c));
}

TEST(EventLoop, AdvanceToStopsAtTheNextEvent) {
  EventLoop loop;
  loop.at(50, "t", [] {});
  loop.advance_to(30);
  EXPECT_EQ(loop.now(), 30);
  loop.advance_to(80);
  EXPECT_EQ(loop.now(), 50) << "never past a pending event";
  EXPECT_EQ(loop.next_time(), 50);
  EXPECT_EQ(loop.at(10, "t", [] {}) != 0, true);
  EXPECT_EQ(loop.next_time(), 50) << "an event in the past is clamped to now";
}

// post() is at() without a token; its batching must be invisible: the same
// order as at() would give, one callback per step(), and events scheduled
// between two posts, or by a batched callback, keep their place.
TEST(EventLoop, PostedBroadcastRunsInTheOrderAtWouldGiveOnePerStep) {
  auto run = [](bool use_post) {
    EventLoop loop;
    std::string order;
    auto sched = [&](SimTime when, const char* tag, std::function<void()> fn) {
      if (use_post) {
        loop.post(when, tag, std::move(fn));
      } else {
        loop.at(when, tag, std::move(fn));
      }
    };
    static const char* const kNet = "net";
    loop.at(5, "t", [&] {
      order += "0";
      sched(10, kNet, [&] {
        order += "a";
        sched(10, kNet, [&] { order += "z"; });  // same instant, scheduled later: after b and c
      });
      sched(10, kNet, [&] { order += "b"; });
      loop.at(10, "t", [&] { order += "T"; });  // between two posts: breaks the batch
      sched(10, kNet, [&] { order += "c"; });
      sched(10, "other", [&] { order += "d"; });  // another tag: an entry of its own
      sched(7, kNet, [&] { order += "e"; });
    });
    std::vector<size_t> pending;
    while (loop.step()) pending.push_back(loop.pending());
    EXPECT_EQ(loop.executed(), 8u);
    return std::make_pair(order, pending);
  };
  const auto with_at = run(false);
  const auto with_post = run(true);
  EXPECT_EQ(with_at.first, "0eabTcdz");
  EXPECT_EQ(with_post.first, with_at.first);
  EXPECT_EQ(with_post.second, with_at.second) << "pending() counts every posted callback";
}

TEST(EventLoop, ABatchIsRunOneCallbackPerStepSoAStopConditionSeesEach) {
  EventLoop loop;
  int ran = 0;
  for (int i = 0; i < 3; ++i) loop.post(10, "net", [&] { ++ran; });
  EXPECT_EQ(loop.pending(), 3u);
  ASSERT_TRUE(loop.step());
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(loop.next_time(), 10) << "the rest of the batch is due now";
  ASSERT_TRUE(loop.step());
  ASSERT_TRUE(loop.step());
  EXPECT_EQ(ran, 3);
  EXPECT_FALSE(loop.step());
  EXPECT_EQ(loop.pending(), 0u);
}

TEST(Trace, RendersLinesAndHashesThemDeterministically) {
  Trace a, b;
  for (Trace* t : {&a, &b}) {
    t->record(1500250, "BP11", "raft.leader", "RAFT_1 term=1");
    t->record(1500300, "", "fault.partition", "h1 <-> h2");
  }
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_EQ(a.count(), 2u);
  EXPECT_EQ(Trace::render(a.events()[0]), "   1500.250 BP11 raft.leader RAFT_1 term=1");
  EXPECT_EQ(a.tail(1), "   1500.300 - fault.partition h1 <-> h2\n");
  b.record(1500400, "BP12", "raft.follow", "");
  EXPECT_NE(a.hash(), b.hash());
  EXPECT_EQ(a.hash_hex().size(), 16u);
  EXPECT_EQ(a.find("raft.").size(), 1u);
  EXPECT_EQ(a.find("raft.", "BP12").size(), 0u);
}

TEST(Trace, TailModeKeepsTheHashAndTheLastEventsOnly) {
  Trace full(TraceMode::Full), tail(TraceMode::Tail, 3), off(TraceMode::Off);
  for (int i = 0; i < 10; ++i) {
    for (Trace* t : {&full, &tail, &off}) t->record(i * 1000, "X", "k", std::to_string(i));
  }
  EXPECT_EQ(full.hash(), tail.hash());
  EXPECT_EQ(tail.events().size(), 3u);
  EXPECT_EQ(tail.events().front().detail, "7");
  EXPECT_EQ(tail.count(), 10u);
  EXPECT_EQ(off.count(), 0u);
  EXPECT_TRUE(off.events().empty());
}

TEST(Trace, HashIsFnvOfTheRenderedLinesWhateverTheirShape) {
  Trace t(TraceMode::Tail, 2);
  uint64_t h = 0xcbf29ce484222325ULL;
  const std::vector<TraceEvent> events = {{0, "", "a", ""},         {-1500, "BP1", "b", "x"},
                                          {7, "MP", "c.d", "e f"},   {123456789012345, "", "k", "long"},
                                          {999, "X", "k", ""},       {1000, "Y", "kind", "detail"}};
  for (const auto& e : events) {
    t.record(e.time, e.instance, e.kind, e.detail);
    for (unsigned char c : Trace::render(e) + "\n") {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  }
  EXPECT_EQ(t.hash(), h);
  EXPECT_EQ(t.tail(2), "      0.999 X k\n      1.000 Y kind detail\n");
}

TEST(TimingProfile, DefaultsAndOverridesInMilliseconds) {
  auto p = parse_timing_profile(R"({"dminit_ms": 2500, "link_latency_ms": 0.25,
                                    "dirty_redo_lsn": 5000, "link_loss": 0.01})", "t.json");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->dminit, 2'500'000);
  EXPECT_EQ(p->link_latency, 250);
  EXPECT_EQ(p->dirty_redo_lsn, 5000);
  EXPECT_DOUBLE_EQ(p->link_loss, 0.01);
  EXPECT_EQ(p->backup, TimingProfile{}.backup);
  auto round = parse_timing_profile(timing_profile_json(*p), "round");
  ASSERT_TRUE(round.ok()) << round.message();
  EXPECT_EQ(round->link_latency, 250);
  EXPECT_EQ(round->dirty_redo_lsn, 5000);
}

TEST(TimingProfile, RejectsUnknownKeysBadValuesAndBadJson) {
  auto unknown = parse_timing_profile(R"({"dminit": 5})", "p.json");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("p.json: unknown key \"dminit\"; known keys: dminit_ms"),
            std::string::npos)
      << unknown.message();
  auto negative = parse_timing_profile(R"({"exit_ms": -1})", "p.json");
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.message().find("\"exit_ms\" must be a non-negative number"), std::string::npos);
  auto text = parse_timing_profile(R"({"exit_ms": "fast"})", "p.json");
  EXPECT_FALSE(text.ok());
  auto loss = parse_timing_profile(R"({"link_loss": 2})", "p.json");
  EXPECT_FALSE(loss.ok());
  auto broken = parse_timing_profile("{", "p.json");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.message().find("p.json: not valid JSON"), std::string::npos);
  auto comments = parse_timing_profile("// calibrated on a laptop\n{\"sql_ms\": 3}", "p.json");
  EXPECT_TRUE(comments.ok()) << comments.message();
}

}  // namespace
}  // namespace dpc::sim
