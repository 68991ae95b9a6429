// DM's installer as the package (DMInstall.bin -q with a generated answer
// file), with the stand-in installer of real-backend/fakes: installed where
// missing (the answer file's INSTALL_PATH honoured, the build verified),
// left alone where the build is the installer's, replaced where another is;
// and the sh runbook's install_dm doing the same on this machine.
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/install_plan.h"
#include "core/plan_builder.h"
#include "core/plan_render.h"
#include "core/topology_load.h"
#include "real-backend/atomic_file.h"
#include "real-backend/dm_install.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class SilentInstall : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dpc-silent-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ + "/pkg");
    installer_ = dir_ + "/pkg/DMInstall.bin";
    fs::copy_file(DPC_FAKE_DM_INSTALLER, installer_);
    run_.host = "127.0.0.1";
    run_.package = installer_;
    run_.dm_home = dir_ + "/dm";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Result<std::string> install() { return install_dm_on(here_, run_, dir_ + "/work", 30000); }
  /// A copy of the stand-in installer that installs another build.
  std::string other_build_installer() {
    fs::create_directories(dir_ + "/other");
    const std::string path = dir_ + "/other/DMInstall.bin";
    fs::copy_file(DPC_FAKE_DM_INSTALLER, path);
    std::ofstream(path, std::ios::app) << "\nDPC_FAKE_BUILD=stand-in-2\n";
    fs::permissions(path, fs::perms::owner_all);
    return path;
  }

  std::string dir_, installer_;
  InstallRun run_;
  LocalTransport here_{"127.0.0.1"};
};

TEST_F(SilentInstall, TheInstallersBuildIsAskedOfWhatItInstalls) {
  auto b = package_build(installer_, 30000);
  ASSERT_TRUE(b.ok()) << b.message();
  EXPECT_EQ(*b, "DM Database Server 64 V8 stand-in-1");
  auto other = package_build(other_build_installer(), 30000);
  ASSERT_TRUE(other.ok()) << other.message();
  EXPECT_EQ(*other, "DM Database Server 64 V8 stand-in-2");
}

TEST_F(SilentInstall, InstallsWhereMissingThenLeavesTheSameBuildAlone) {
  auto first = install();
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_THAT(*first, HasSubstr("installed build DM Database Server 64 V8 stand-in-1 into " + run_.dm_home));
  EXPECT_THAT(*first, HasSubstr("with DMInstall.bin -q"));
  for (const char* tool : {"dminit", "dmserver", "dmrman"}) EXPECT_TRUE(fs::exists(run_.dm_home + "/bin/" + tool));
  auto marker = read_whole_file(run_.dm_home + "/" + kInstalledMarker);
  ASSERT_TRUE(marker.ok());
  EXPECT_THAT(*marker, HasSubstr("package=" + installer_));
  EXPECT_THAT(*marker, HasSubstr("build=DM Database Server 64 V8 stand-in-1"));
  EXPECT_FALSE(fs::exists(run_.dm_home + ".dpc-install"));  // the installer and answer file are gone
  EXPECT_FALSE(fs::exists(run_.dm_home + ".dpc-new"));
  auto again = install();
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_THAT(*again, HasSubstr("left alone"));
}

TEST_F(SilentInstall, AnotherBuildIsReplacedAndKeptAside) {
  ASSERT_TRUE(install().ok());
  run_.package = other_build_installer();
  auto r = install();
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_THAT(*r, HasSubstr("installed build DM Database Server 64 V8 stand-in-2"));
  EXPECT_THAT(*r, HasSubstr("was: DM Database Server 64 V8 stand-in-1"));
  EXPECT_TRUE(fs::exists(run_.dm_home + ".before-dpcctl/bin/dmserver"));
}

TEST_F(SilentInstall, AnInstallerThatFailsIsNamed) {
  const std::string broken = dir_ + "/broken/DMInstall.bin";
  fs::create_directories(dir_ + "/broken");
  std::ofstream(broken) << "#!/bin/sh\necho '[ERROR] no licence here'\nexit 3\n";
  fs::permissions(broken, fs::perms::owner_all);
  run_.package = broken;
  auto r = install();
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.message(), HasSubstr("run DM's installer " + broken));
  EXPECT_THAT(r.message(), HasSubstr("no licence here"));
  EXPECT_FALSE(fs::exists(run_.dm_home));
}

TEST_F(SilentInstall, TheShRunbookInstallsWithTheInstallerToo) {
  const std::string text = R"({ "cluster": "c", "defaults": { "host": "127.0.0.1", "base_dir": ")" + dir_ +
                           R"(/d", "dm_home": ")" + run_.dm_home + R"(", "dm_package": ")" + installer_ + R"(" },
    "mp": { "instances": [ { "name": "MP" } ] }, "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP11" } ] } ] })";
  LoadOutcome o = load_topology_text(text, "t.json");
  ASSERT_TRUE(o.ok());
  const std::string sh = render_plan(build_deploy_plan(*o.topology), *o.topology, PlanFormat::Sh);
  EXPECT_THAT(sh, HasSubstr("install_dm_silent() {"));
  EXPECT_THAT(sh, HasSubstr("<INSTALL_PATH>$1</INSTALL_PATH>"));
  // The runbook's functions, then only its install step, on this machine.
  const size_t body = sh.find("\n[ -n \"${");
  ASSERT_NE(body, std::string::npos);
  const std::string script = sh.substr(0, body) + "\nDPC_RUN_DIR=" + dir_ + "/run; mkdir -p \"$DPC_RUN_DIR\"\n" +
                             "install_dm 127.0.0.1 '" + installer_ + "' '" + run_.dm_home + "'\n" +
                             "install_dm 127.0.0.1 '" + installer_ + "' '" + run_.dm_home + "'\n";
  ASSERT_TRUE(write_file_atomic(dir_ + "/install.sh", script).ok());
  auto out = here_.run("DPC_LOCAL_HOSTS=127.0.0.1 sh " + sh_quote(dir_ + "/install.sh") + " 2>&1", "", 60000);
  ASSERT_TRUE(out.ok()) << out.message();
  EXPECT_EQ(out->exit_code, 0) << out->output;
  EXPECT_THAT(out->output,
              HasSubstr("DMInstall.bin -q " + run_.dm_home + ".dpc-install/auto_install.xml on 127.0.0.1"));
  EXPECT_THAT(out->output, HasSubstr("installed build DM Database Server 64 V8 stand-in-1 into " + run_.dm_home));
  EXPECT_THAT(out->output, HasSubstr("already holds build DM Database Server 64 V8 stand-in-1; left alone"));
  EXPECT_TRUE(fs::exists(run_.dm_home + "/bin/dmserver"));
  EXPECT_TRUE(fs::exists(run_.dm_home + "/" + kInstalledMarker));
}

}  // namespace
}  // namespace dpc::real
