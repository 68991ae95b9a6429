#include "core/tool_output.h"

#include <gtest/gtest.h>

namespace dpc {
namespace {

TEST(EndCode, ReadsZeroFromDmrmanSuccessLine) {
  EXPECT_EQ(end_code("restore successfully.\ntime used: 00:00:01.1\nCMD END.CODE:[0]\n"), 0);
}

TEST(EndCode, ReadsNegativeFailureCode) {
  EXPECT_EQ(end_code("[-8206]:the database is running\nCMD END.CODE:[-8206]\n"), -8206);
}

TEST(EndCode, TakesTheLastMarkWhenThereAreSeveral) {
  EXPECT_EQ(end_code("CMD END.CODE:[0]\nCMD END.CODE:[-136]\n"), -136);
}

TEST(EndCode, NoneWithoutAMark) {
  EXPECT_FALSE(end_code("create dm database success.\n").has_value());
  EXPECT_FALSE(end_code("CODE:[abc]").has_value());
  EXPECT_FALSE(end_code("CODE:[").has_value());
}

TEST(OutputTail, KeepsTheLastLines) {
  EXPECT_EQ(output_tail("a\nb\nc\nd\n", 2), "c\nd");
  EXPECT_EQ(output_tail("only", 5), "only");
  EXPECT_EQ(output_tail("", 3), "");
}

}  // namespace
}  // namespace dpc
