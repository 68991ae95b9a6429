// DM's installation on the simulated hosts: the setup's text form, tools
// missing where a host has no DM (the shell's error, naming the host), the
// install-dm step (installed, left alone, another build moved aside, a
// package without tools, DM's installer), and the same-build check.
#include "sim/model/dm_home.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "core/install_plan.h"
#include "core/topology_load.h"
#include "sim/cluster.h"

namespace dpc::sim {
namespace {

using ::testing::HasSubstr;

const std::string kHome = "/opt/dmdbms";

TEST(DmSetup, TextFormRoundTrips) {
  auto s = parse_dm_setup(" h2 = none, h3=8.1.2.128 ,*=8.1.3.1, package=8.1.3.2, /srv/dm.tar=none ");
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s->host_build("h2"), "");
  EXPECT_EQ(s->host_build("h3"), "8.1.2.128");
  EXPECT_EQ(s->host_build("h9"), "8.1.3.1");
  EXPECT_EQ(s->package_build_of("/srv/dm.tar"), "");
  EXPECT_EQ(s->package_build_of("/srv/other.tar"), "8.1.3.2");
  auto again = parse_dm_setup(s->text());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->text(), s->text());
  EXPECT_TRUE(parse_dm_setup("").value().is_default());
  EXPECT_EQ(parse_dm_setup("").value().text(), "");
  // A package without a build of its own has the hosts' default build.
  EXPECT_EQ(parse_dm_setup("h2=none").value().package_build_of("/x.tar"), kSimDmBuild);
}

TEST(DmSetup, BadItemsAreNamed) {
  for (const char* bad : {"h2", "h2=", "=8.1", "h2=a b", "h2=x=y"}) {
    auto s = parse_dm_setup(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_THAT(s.message(), HasSubstr("is not KEY=VALUE")) << bad;
  }
}

struct DmHome : ::testing::Test {
  std::unique_ptr<SimCluster> c;
  void make(const std::string& setup) {
    SimOptions o;
    o.dm = parse_dm_setup(setup).value();
    c = std::make_unique<SimCluster>(o);
    set_up_dm_homes(c->world(), kHome, {"h1", "h2"});
  }
  Status install(const std::string& host, const std::string& package) {
    std::optional<Status> out;
    install_dm_package(c->world(), host, package, kHome, [&out](Status st) { out = st; });
    while (!out && c->step()) {
    }
    return out ? *out : Status(Error{"never finished"});
  }
};

TEST_F(DmHome, ToolsOfTheSetupsBuildOrNothing) {
  make("h2=none");
  EXPECT_EQ(dm_build_on(c->world(), "h1", kHome), kSimDmBuild);
  EXPECT_TRUE(c->exists("h1", "/opt/dmdbms/bin/dminit"));
  EXPECT_EQ(dm_build_on(c->world(), "h2", kHome), "");
  EXPECT_FALSE(c->exists("h2", "/opt/dmdbms"));
}

TEST_F(DmHome, ToolsMissingFailAsTheShellDoesNamingTheHost) {
  make("h2=none");
  auto init = c->run_tool_sync("h2", "dminit", {"path=/dm/bp", "instance_name=BP", "dpc_mode=BP"});
  ASSERT_FALSE(init.ok());
  EXPECT_THAT(init.message(), HasSubstr("cannot run /opt/dmdbms/bin/dminit on host h2: No such file or directory"));
  auto rman = c->run_tool_sync("h2", "dmrman", {"CTLSTMT=BACKUP DATABASE"});
  ASSERT_FALSE(rman.ok());
  EXPECT_THAT(rman.message(), HasSubstr("/opt/dmdbms/bin/dmrman on host h2"));
  Status st = c->start_server_sync("h2", {"/dm/bp/DAMENG/dm.ini", "dpc_mode=BP"});
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("cannot run /opt/dmdbms/bin/dmserver on host h2: No such file or directory"));
  // The host with DM runs the same tool.
  auto ok = c->run_tool_sync("h1", "dminit", {"path=/dm/bp", "instance_name=BP", "port_num=5300",
                                              "ap_port_num=6300", "dpc_mode=BP"});
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok->exit_code, 0);
}

TEST_F(DmHome, InstallPutsThePackagesBuildThereOnceAndMarksIt) {
  make("h2=none,/srv/dm.tar=8.1.3.7");
  ASSERT_TRUE(install("h2", "/srv/dm.tar").ok());
  EXPECT_EQ(dm_build_on(c->world(), "h2", kHome), "8.1.3.7");
  auto marker = c->read_file("h2", std::string("/opt/dmdbms/") + kInstalledMarker);
  ASSERT_TRUE(marker.ok());
  EXPECT_THAT(*marker, HasSubstr("package=/srv/dm.tar\nchecksum="));
  EXPECT_THAT(*marker, HasSubstr("build=8.1.3.7"));
  EXPECT_FALSE(c->exists("h2", "/opt/dmdbms.dpc-package.tar"));  // the copy is gone once installed
  EXPECT_THAT(c->trace().text(), HasSubstr("build 8.1.3.7 into /opt/dmdbms on h2 (was: nothing; checksum"));
  // The tools run now.
  EXPECT_FALSE(missing_dm_tool(c->world(), "h2", "dminit").has_value());
  // Again: the same build is left alone.
  ASSERT_TRUE(install("h2", "/srv/dm.tar").ok());
  EXPECT_THAT(c->trace().text(), HasSubstr("/opt/dmdbms on h2 already holds build 8.1.3.7; left alone"));
}

TEST_F(DmHome, AnotherBuildIsReplacedAndKeptAside) {
  make("h1=8.1.2.128");
  ASSERT_TRUE(install("h1", "/srv/dm.tar").ok());
  EXPECT_EQ(dm_build_on(c->world(), "h1", kHome), kSimDmBuild);
  EXPECT_EQ(dm_build_on(c->world(), "h1", kHome + ".before-dpcctl"), "8.1.2.128");
}

TEST_F(DmHome, APackageWithoutToolsOrADownHostIsNamed) {
  make("h2=none,/srv/empty.tar=none");
  Status st = install("h2", "/srv/empty.tar");
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("the DM package /srv/empty.tar has no runnable bin/dminit"));
  EXPECT_FALSE(c->exists("h2", "/opt/dmdbms"));
  c->crash_host("h1");
  st = install("h1", "/srv/dm.tar");
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("cannot install DM on host h1: the host is down"));
}

TEST_F(DmHome, DmsInstallerRunsWithItsAnswerFile) {
  make("h2=none");
  ASSERT_TRUE(install("h2", "/srv/dm/DMInstall.bin").ok());
  EXPECT_EQ(dm_build_on(c->world(), "h2", kHome), kSimDmBuild);
  EXPECT_THAT(c->trace().text(),
              HasSubstr("DMInstall.bin -q /opt/dmdbms.dpc-install/auto_install.xml: build " +
                        std::string(kSimDmBuild)));
  EXPECT_FALSE(c->exists("h2", "/opt/dmdbms.dpc-install"));
}

TEST(DmBuilds, MixedBuildsAreNamedUnlessAllowed) {
  auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/spread-7.2.json");
  ASSERT_TRUE(loaded.ok());
  Topology topo = *loaded.topology;
  SimOptions o;
  o.dm = parse_dm_setup("10.213.0.12=8.1.2.128,10.213.0.13=none").value();
  SimCluster c(o);
  set_up_dm_homes(c.world(), kHome, topo.hosts());
  auto refused = check_same_dm_build(c.world(), topo, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.message(), HasSubstr("mixed DM builds: 10.213.0.12 8.1.2.128; 10.213.0.11 " +
                                           std::string(kSimDmBuild)));
  auto allowed = check_same_dm_build(c.world(), topo, true);
  ASSERT_TRUE(allowed.ok());
  EXPECT_THAT(*allowed, HasSubstr("(allowed by --allow-mixed)"));
  // A package decides the build of every host it goes to.
  topo.dm_home = kHome;
  topo.dm_package = "/srv/dm.tar";
  auto same = check_same_dm_build(c.world(), topo, false);
  ASSERT_TRUE(same.ok()) << same.message();
  EXPECT_EQ(*same, "");
}

}  // namespace
}  // namespace dpc::sim
