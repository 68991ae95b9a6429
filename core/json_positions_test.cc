#include "core/json_positions.h"

#include <gtest/gtest.h>

namespace dpc {
namespace {

TEST(JsonPositions, RecordsKeysArrayElementsAndNestedFields) {
  const std::string text =
      "// a comment\n"
      "{\n"
      "  \"name\": \"x\",\n"
      "  \"steps\": [\n"
      "    { \"do\": \"deploy\" },\n"
      "    /* inline */ { \"expect\": { \"group\": \"RAFT_1\" } }\n"
      "  ]\n"
      "}\n";
  const auto pos = json_positions(text);
  EXPECT_EQ(pos.at("").line, 2);
  EXPECT_EQ(pos.at("name").line, 3);
  EXPECT_EQ(pos.at("name").column, 3);
  EXPECT_EQ(pos.at("steps[0]").line, 5);
  EXPECT_EQ(pos.at("steps[0].do").line, 5);
  EXPECT_EQ(pos.at("steps[1]").line, 6);
  EXPECT_EQ(pos.at("steps[1].expect.group").line, 6);
}

TEST(JsonPositions, PositionOfFallsBackToTheNearestAncestor) {
  const std::string text = "{\n \"sim\": {\n  \"seed\": 3\n }\n}";
  const auto pos = json_positions(text);
  EXPECT_EQ(position_of(pos, "sim.seed").line, 3);
  EXPECT_EQ(position_of(pos, "sim.missing").line, 2);
  EXPECT_EQ(position_of(pos, "steps[4].do").line, 1);
  EXPECT_EQ(position_of({}, "x").line, 0);
}

TEST(JsonPositions, StringsWithBracesAndEscapesDoNotConfuseTheScan) {
  const std::string text = "{\"a\": \"} ] \\\" {\",\n\"b\": [1, {\"c\": null}]}";
  const auto pos = json_positions(text);
  ASSERT_TRUE(pos.count("b[1].c"));
  EXPECT_EQ(pos.at("b[1].c").line, 2);
}

TEST(JsonPositions, BrokenTextKeepsWhatWasFoundBeforeTheError) {
  const auto pos = json_positions("{\"a\": 1, \"b\": [1, 2,, ]}");
  EXPECT_TRUE(pos.count("a"));
  EXPECT_TRUE(pos.count("b[1]"));
}

}  // namespace
}  // namespace dpc
