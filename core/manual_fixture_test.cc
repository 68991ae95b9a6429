// The manual fixtures (tests/fixtures/manual/section-7.x.md) against the full
// chapter: when DPC_SHARED_DIR/reference/dmdpc-deploy-manual.zh.md is present,
// each fixture must equal what that chapter holds for its section; without
// the chapter (a clone of this repository alone) the check is skipped with
// the reason. DPC_REWRITE_MANUAL_FIXTURES=1 rewrites the fixtures from it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/manual_fixture.h"

namespace dpc {
namespace {

namespace mf = manual_fixture;

class ManualFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(ManualFixture, HasItsSourceAndTheSectionsBlocks) {
  const std::string text = mf::read_file(mf::fixture_path(GetParam()));
  ASSERT_FALSE(text.empty()) << mf::fixture_path(GetParam()) << " is missing";
  EXPECT_EQ(text.rfind(mf::header(GetParam()), 0), 0u) << "the fixture must open naming its source";
  const std::string body = mf::section(GetParam());
  EXPECT_EQ(body.rfind("## " + GetParam() + " ", 0), 0u) << "the fixture must start at the section";
  EXPECT_NE(body.find("```"), std::string::npos);
}

TEST_P(ManualFixture, EqualsTheFullChapterWhenPresent) {
  const std::filesystem::path chapter = mf::chapter_path();
  if (!std::filesystem::is_regular_file(chapter)) {
    GTEST_SKIP() << "the manual chapter is not at " << chapter
                 << " (a clone without ../shared): the fixture cannot be cross-checked";
  }
  const std::string expected = mf::extract_section(mf::read_file(chapter), GetParam());
  ASSERT_FALSE(expected.empty()) << chapter << " has no section " << GetParam();
  const char* rewrite = std::getenv("DPC_REWRITE_MANUAL_FIXTURES");
  if (rewrite != nullptr && std::string(rewrite) == "1") {
    std::filesystem::create_directories(mf::fixture_path(GetParam()).parent_path());
    std::ofstream(mf::fixture_path(GetParam()), std::ios::binary) << mf::header(GetParam())
                                                                  << expected;
  }
  EXPECT_EQ(mf::section(GetParam()), expected)
      << mf::fixture_path(GetParam()) << " no longer equals section " << GetParam() << " of "
      << chapter << "; rerun with DPC_REWRITE_MANUAL_FIXTURES=1 and review the diff";
}

INSTANTIATE_TEST_SUITE_P(Sections, ManualFixture, ::testing::Values("7.1", "7.2", "7.3"),
                         [](const auto& info) {
                           std::string name = "Manual" + info.param;
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

}  // namespace
}  // namespace dpc
