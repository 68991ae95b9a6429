// Preflight on this machine: with the stand-in DM home and the SQLite3 ODBC
// driver every check passes; each failure is provoked on its own and must
// name what is wrong and how to fix it.
#include "real-backend/preflight.h"
#include "real-backend/testing/free_ports.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/topology_load.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using testing::free_port;

const PreflightCheck* find_check(const PreflightReport& r, const std::string& name) {
  for (const auto& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

class PreflightTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-preflight-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    ::setenv("DPC_PREFLIGHT_PWD", "Preflight_Pwd_1", 1);
    config_.dm_home = DPC_FAKE_DM_HOME;
    config_.dm_home_origin = "test";
    config_.odbc_driver = "SQLite3";
    config_.password.env = "DPC_PREFLIGHT_PWD";
    config_.state_dir = dir_ + "/state";
    config_.instance_disk_mb = 1;
    config_.backup_disk_mb = 1;

    topo_.cluster = "pf";
    auto add = [&](const std::string& name, Role role, const std::string& raft) {
      Instance inst;
      inst.name = name;
      inst.role = role;
      inst.raft = raft;
      inst.host = "127.0.0.1";
      inst.ip_internal = "127.0.0.1";
      inst.port_num = free_port();
      inst.ap_port_num = free_port();
      if (role == Role::MP) inst.mp_port = free_port();
      inst.path = dir_ + "/" + name;
      topo_.instances.push_back(inst);
    };
    add("MP", Role::MP, "MP_RAFT");
    add("SP1", Role::SP, "RAFT_SP1");
    add("BP11", Role::BP, "RAFT_1");
    add("BP12", Role::BP, "RAFT_1");
    add("BP13", Role::BP, "RAFT_1");
    topo_.rafts = {{"MP_RAFT", Role::MP, {"MP"}},
                   {"RAFT_SP1", Role::SP, {"SP1"}},
                   {"RAFT_1", Role::BP, {"BP11", "BP12", "BP13"}}};
  }
  void TearDown() override {
    ::unsetenv("DPC_PREFLIGHT_PWD");
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string dir_;
  RealConfig config_;
  Topology topo_;
};

TEST_F(PreflightTest, EveryCheckPassesWithTheStandInDmHome) {
  PreflightReport report = preflight(topo_, config_);
  EXPECT_TRUE(report.ok()) << format_preflight(report);
  const PreflightCheck* dminit = find_check(report, "dminit");
  ASSERT_NE(dminit, nullptr);
  EXPECT_THAT(dminit->detail, HasSubstr("runs"));
  ASSERT_NE(find_check(report, "odbc driver"), nullptr);
  ASSERT_NE(find_check(report, "directory BP13"), nullptr);
  ASSERT_NE(find_check(report, "port " + std::to_string(topo_.instances[0].mp_port)), nullptr);
  // 5 instances, each port_num and ap_port_num, plus the mp_port.
  int ports = 0;
  for (const auto& c : report.checks) ports += c.name.rfind("port ", 0) == 0 ? 1 : 0;
  EXPECT_EQ(ports, 11);
  EXPECT_THAT(format_preflight(report), HasSubstr("preflight passed"));
  EXPECT_THAT(format_preflight(report), ::testing::Not(HasSubstr("Preflight_Pwd_1")));
}

TEST_F(PreflightTest, WithoutDmItNamesWhatIsMissingAndHowToPointAtIt) {
  config_.dm_home.clear();
  config_.odbc_driver = "DM8 ODBC DRIVER";
  std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", "/nonexistent", 1);
  PreflightReport report = preflight(topo_, config_);
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_FALSE(report.ok());
  for (const char* tool : {"dminit", "dmserver", "dmrman"}) {
    const PreflightCheck* c = find_check(report, tool);
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(c->ok);
    EXPECT_THAT(c->fix, HasSubstr("set DM_HOME or defaults.dm_home, or pass --dm-home DIR"));
  }
  const PreflightCheck* odbc = find_check(report, "odbc driver");
  ASSERT_NE(odbc, nullptr);
  EXPECT_FALSE(odbc->ok);
  EXPECT_THAT(odbc->fix, HasSubstr("--odbc-driver PATH"));
  const std::string text = format_preflight(report);
  EXPECT_THAT(text, HasSubstr("FAIL  dminit"));
  EXPECT_THAT(text, HasSubstr("fix: set DM_HOME"));
  EXPECT_THAT(text, HasSubstr("preflight failed: 4 of"));
}

TEST_F(PreflightTest, APortInUseFailsNamingTheInstanceAndHowToFindTheListener) {
  int port = topo_.instances[2].port_num;  // BP11
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(s, 1), 0);
  PreflightReport report = preflight(topo_, config_);
  ::close(s);
  const PreflightCheck* c = find_check(report, "port " + std::to_string(port));
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->ok);
  EXPECT_THAT(c->detail, HasSubstr("BP11 port_num"));
  EXPECT_THAT(c->fix, HasSubstr("ss -ltnp"));
  EXPECT_EQ(report.failures(), 1) << format_preflight(report);
}

TEST_F(PreflightTest, LocalhostAnd127001AreOneHostForPorts) {
  // Before: one port for an instance on "localhost" and another on
  // "127.0.0.1" passed validate (host names differ) and preflight.
  topo_.instances[3].host = "localhost";  // BP12
  topo_.instances[3].ip_internal = "localhost";
  topo_.instances[3].port_num = topo_.instances[2].port_num;  // BP11's, on 127.0.0.1
  PreflightReport report = preflight(topo_, config_);
  const PreflightCheck* c = find_check(report, "port " + std::to_string(topo_.instances[2].port_num));
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->ok);
  EXPECT_THAT(c->detail, HasSubstr("given to more than one instance on this machine"));
  EXPECT_THAT(c->detail, HasSubstr("BP11 port_num (host 127.0.0.1)"));
  EXPECT_THAT(c->detail, HasSubstr("BP12 port_num (host localhost)"));
  EXPECT_EQ(report.failures(), 1) << format_preflight(report);
}

TEST_F(PreflightTest, ANonEmptyInstanceDirectoryFailsUnlessAutoOverwrite) {
  fs::create_directories(dir_ + "/SP1/DAMENG");
  PreflightReport report = preflight(topo_, config_);
  const PreflightCheck* c = find_check(report, "directory SP1");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->ok);
  EXPECT_THAT(c->detail, HasSubstr("not empty"));
  EXPECT_THAT(c->fix, HasSubstr("auto_overwrite"));

  topo_.auto_overwrite = 1;
  EXPECT_TRUE(find_check(preflight(topo_, config_), "directory SP1")->ok);

  fs::create_directories(dir_ + "/BP11");  // an empty directory is fine
  EXPECT_TRUE(find_check(preflight(topo_, config_), "directory BP11")->ok);
}

TEST_F(PreflightTest, AnotherHostFailsNamingItsInstancesAsNotSupportedYet) {
  topo_.instances[3].host = "db2.invalid";
  topo_.instances[4].host = "db2.invalid";
  PreflightReport report = preflight(topo_, config_);
  const PreflightCheck* c = find_check(report, "hosts");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->ok);
  EXPECT_THAT(c->detail, HasSubstr("remote hosts are not supported yet"));
  EXPECT_THAT(c->detail, HasSubstr("BP12, BP13 on db2.invalid"));
  EXPECT_EQ(find_check(report, "directory BP12"), nullptr) << "nothing is checked locally for remote instances";
}

TEST_F(PreflightTest, AMissingOrShortPasswordFailsWithoutShowingIt) {
  ::setenv("DPC_PREFLIGHT_PWD", "short", 1);
  const PreflightReport short_pwd = preflight(topo_, config_);
  const PreflightCheck* c = find_check(short_pwd, "sysdba password");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->ok);
  EXPECT_THAT(c->detail, HasSubstr("9 to 48"));
  EXPECT_THAT(c->detail, ::testing::Not(HasSubstr("short")));
  ::unsetenv("DPC_PREFLIGHT_PWD");
  const PreflightReport no_pwd = preflight(topo_, config_);
  c = find_check(no_pwd, "sysdba password");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->ok);
  EXPECT_THAT(c->detail, HasSubstr("DPC_PREFLIGHT_PWD"));
}

TEST_F(PreflightTest, NotEnoughDiskFailsWithTheNumbers) {
  config_.instance_disk_mb = 1LL << 40;
  PreflightReport report = preflight(topo_, config_);
  bool found = false;
  for (const auto& c : report.checks) {
    if (c.name.rfind("disk ", 0) != 0) continue;
    found = true;
    EXPECT_FALSE(c.ok);
    EXPECT_THAT(c.detail, HasSubstr("5 instances and 1 backup set"));
  }
  EXPECT_TRUE(found);
}

TEST_F(PreflightTest, AWindowsPathIsRefusedOnThisHost) {
  topo_.instances[1].path = "d:\\dpc_data_mac\\sp1";
  const PreflightReport report = preflight(topo_, config_);
  const PreflightCheck* c = find_check(report, "directory SP1");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->ok);
  EXPECT_THAT(c->detail, HasSubstr("Windows path"));
}

TEST(PreflightExample, Local71FailsOnAMachineWithoutDmNamingWhatIsMissing) {
  auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.1.json");
  ASSERT_TRUE(loaded.ok());
  ::unsetenv("DM_HOME");
  std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", "/nonexistent", 1);
  auto config = real_config_from_options(*loaded.topology, {{"state-dir", "/tmp/dpc-preflight-example"}});
  ASSERT_TRUE(config.ok());
  PreflightReport report = preflight(*loaded.topology, *config);
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(find_check(report, "dminit")->ok);
  EXPECT_THAT(format_preflight(report), HasSubstr("pass --dm-home DIR"));
}

}  // namespace
}  // namespace dpc::real
