// DM put into a DM home from a package on this machine (LocalTransport):
// installed where missing, left alone where the build is the package's,
// replaced (the old one kept) where another build is; a broken package is
// named.
#include "real-backend/dm_install.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/install_plan.h"
#include "real-backend/atomic_file.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class DmInstall : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dpc-install-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    run_.host = "127.0.0.1";
    run_.package = DPC_FAKE_DM_HOME;
    run_.dm_home = dir_ + "/dm";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Result<std::string> install() { return install_dm_on(here_, run_, dir_ + "/work", 30000); }

  std::string dir_;
  InstallRun run_;
  LocalTransport here_{"127.0.0.1"};
};

TEST_F(DmInstall, InstallsWhereMissingThenLeavesTheSameBuildAlone) {
  auto first = install();
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_THAT(*first, HasSubstr("installed build DM Database Server 64 V8 stand-in-1"));
  EXPECT_TRUE(fs::exists(run_.dm_home + "/bin/dmserver"));
  auto marker = read_whole_file(run_.dm_home + "/" + kInstalledMarker);
  ASSERT_TRUE(marker.ok());
  EXPECT_THAT(*marker, HasSubstr("sha256="));
  auto again = install();
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_THAT(*again, HasSubstr("left alone"));
}

TEST_F(DmInstall, AnotherBuildIsReplacedAndKeptAside) {
  fs::copy(DPC_FAKE_DM_HOME, run_.dm_home, fs::copy_options::recursive);
  ASSERT_TRUE(write_file_atomic(run_.dm_home + "/bin/BUILD", "old-build\n").ok());
  auto r = install();
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_THAT(*r, HasSubstr("was: DM Database Server 64 V8 old-build"));
  EXPECT_TRUE(fs::exists(run_.dm_home + ".before-dpcctl/bin/BUILD"));
  EXPECT_FALSE(fs::exists(run_.dm_home + "/bin/BUILD"));
}

TEST_F(DmInstall, ATarballPackageWorksAndABrokenOneIsNamed) {
  ASSERT_TRUE(here_.run_checked("tar", "tar -C " + sh_quote(DPC_FAKE_DM_HOME) + " -cf " +
                                           sh_quote(dir_ + "/dm.tar") + " .", "", 30000).ok());
  run_.package = dir_ + "/dm.tar";
  auto r = install();
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(fs::exists(run_.dm_home + "/bin/dminit"));

  fs::create_directories(dir_ + "/empty");
  run_.package = dir_ + "/empty";
  auto broken = install();
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.message(), HasSubstr("the DM package " + dir_ + "/empty has no runnable bin/dminit"));
}

}  // namespace
}  // namespace dpc::real
