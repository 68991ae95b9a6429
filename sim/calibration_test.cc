#include "sim/calibration.h"

#include <gtest/gtest.h>

namespace dpc::sim {
namespace {

std::string line(const std::string& step, const std::string& kind, double ms, const std::string& extra = "") {
  return R"({"step":")" + step + R"(","outcome":"done","at_ms":5000,"started_ms":0,"duration_ms":)" +
         std::to_string(ms) + R"(,"kind":")" + kind + "\"" + extra + "}\n";
}

TEST(Calibration, MapsStepKindsToProfileKeysWithTheirSpread) {
  const std::string journal = std::string(R"({"cluster":"c"})") + "\n" + line("init:A", "init", 1000) +
                              line("init:B", "init", 3000) + line("backup:A", "backup", 4000) +
                              line("register:A", "sql", 30, R"(,"statements":3)") +
                              line("start:A", "start", 2600, R"(,"mount":false)") +
                              line("wait-open:A", "wait", 999) +
                              R"({"step":"init:C","outcome":"failed","at_ms":1,"started_ms":0,"duration_ms":1,"kind":"init"})" "\n";
  auto cal = calibrate_profile({{"j.jsonl", journal}});
  ASSERT_TRUE(cal.ok()) << cal.message();
  EXPECT_EQ(cal->profile.dminit, from_ms(2000));
  EXPECT_EQ(cal->profile.backup, from_ms(4000));
  EXPECT_EQ(cal->profile.sql, from_ms(10));  // per statement
  // A start without MOUNT: the four start keys scaled together (defaults 100/500/200/500 of 1300).
  const TimingProfile d;
  EXPECT_EQ(cal->profile.server_launch + cal->profile.server_startup + cal->profile.redo_to_mount +
                cal->profile.mount_to_open,
            from_ms(2600));
  EXPECT_EQ(cal->profile.server_startup, 2 * d.server_startup);
  EXPECT_EQ(cal->profile.restore, d.restore);  // not in the journal: the base's
  EXPECT_EQ(cal->steps_read, 6);               // the wait is read but not calibrated
  EXPECT_EQ(cal->steps_skipped, 1);            // the failed step
  ASSERT_FALSE(cal->keys.empty());
  EXPECT_EQ(cal->keys[0].key, "dminit_ms");
  EXPECT_EQ(cal->keys[0].samples, 2);
  EXPECT_EQ(cal->keys[0].min_ms, 1000);
  EXPECT_EQ(cal->keys[0].max_ms, 3000);
  // The JSON reads back to the same profile and says where each key came from.
  const std::string json = calibration_json(*cal);
  EXPECT_NE(json.find("dminit_ms from 2 init step(s): mean 2000 ms, min 1000, max 3000"), std::string::npos) << json;
  auto back = parse_timing_profile(json, "calibrated");
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->dminit, cal->profile.dminit);
  EXPECT_EQ(back->mount_to_open, cal->profile.mount_to_open);
}

TEST(Calibration, MountStartsFixTheWayToMountAndOthersTheRest) {
  const std::string journal = line("start:A", "start", 1600, R"(,"mount":true)") +
                              line("start:B", "start", 2000, R"(,"mount":false)");
  auto cal = calibrate_profile({{"j", journal}});
  ASSERT_TRUE(cal.ok()) << cal.message();
  const TimingProfile& p = cal->profile;
  EXPECT_EQ(p.server_launch + p.server_startup + p.redo_to_mount, from_ms(1600));
  EXPECT_EQ(p.mount_to_open, from_ms(400));
}

TEST(Calibration, BadJournalsAreErrorsNamingTheFileAndLine) {
  auto bad = calibrate_profile({{"a.jsonl", line("init:A", "init", 10) + "not json\n" + line("init:B", "init", 10)}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("a.jsonl:2:"), std::string::npos) << bad.message();
  // A torn last line (a crash mid-write) is ignored, as the journal itself does.
  EXPECT_TRUE(calibrate_profile({{"a", line("init:A", "init", 10) + R"({"step":"init:B","outc)"}}).ok());
  // An old journal without durations says what to do.
  auto old = calibrate_profile({{"old.jsonl", R"({"step":"init:A","outcome":"done","at_ms":5})" "\n"}});
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.message().find("no step durations in old.jsonl"), std::string::npos) << old.message();
  auto negative = calibrate_profile({{"n", line("init:A", "init", -5)}});
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.message().find("n:1: duration_ms"), std::string::npos);
}

}  // namespace
}  // namespace dpc::sim
