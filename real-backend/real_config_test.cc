#include "real-backend/real_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace dpc::real {
namespace {

namespace fs = std::filesystem;

/// Cluster c1: MP on host h1, SP1 on host h2.
Topology two_hosts() {
  Topology topo;
  topo.cluster = "c1";
  Instance a, b;
  a.name = "MP";
  a.host = "h1";
  b.name = "SP1";
  b.host = "h2";
  topo.instances = {a, b};
  return topo;
}

/// A fresh directory under the test temp dir, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "dpc-real-config-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void write(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
}

TEST(RealConfigFromOptions, CommandLineWinsOverTopologyWhichWinsOverEnvironment) {
  ::setenv("DM_HOME", "/from/env", 1);
  Topology topo;
  topo.cluster = "c1";
  auto from_env = real_config_from_options(topo, {});
  ASSERT_TRUE(from_env.ok()) << from_env.message();
  EXPECT_EQ(from_env->dm_home, "/from/env");
  EXPECT_EQ(from_env->dm_home_origin, "$DM_HOME");

  topo.dm_home = "/from/topology";
  auto from_topo = real_config_from_options(topo, {});
  ASSERT_TRUE(from_topo.ok());
  EXPECT_EQ(from_topo->dm_home, "/from/topology");

  auto from_cli = real_config_from_options(topo, {{"dm-home", "/from/cli"}});
  ASSERT_TRUE(from_cli.ok());
  EXPECT_EQ(from_cli->dm_home, "/from/cli");
  EXPECT_EQ(from_cli->dm_home_origin, "--dm-home");
  ::unsetenv("DM_HOME");
}

TEST(RealConfigFromOptions, SshFlagsWinOverEachHostsTopologySettings) {
  Topology topo = two_hosts();
  topo.ssh.user = "dmdba";
  topo.host_ssh["h2"].port = 2222;
  auto plain = real_config_from_options(topo, {});
  ASSERT_TRUE(plain.ok()) << plain.message();
  EXPECT_EQ(plain->instance_hosts.at("SP1"), "h2");
  EXPECT_EQ(ssh_options_for(*plain, "h2").user, "dmdba");
  EXPECT_EQ(ssh_options_for(*plain, "h2").port, 2222);
  EXPECT_EQ(ssh_options_for(*plain, "h1").port, 0);
  auto flags = real_config_from_options(topo, {{"ssh-user", "root"}, {"ssh-port", "22"},
                                               {"ssh-option", "Compression=yes"}});
  ASSERT_TRUE(flags.ok()) << flags.message();
  EXPECT_EQ(ssh_options_for(*flags, "h2").user, "root");
  EXPECT_EQ(ssh_options_for(*flags, "h2").port, 22);
  EXPECT_EQ(ssh_options_for(*flags, "h1").options, (std::vector<std::string>{"Compression=yes"}));
  EXPECT_FALSE(real_config_from_options(topo, {{"ssh-port", "99999"}}).ok());
  EXPECT_FALSE(real_config_from_options(topo, {{"ssh-option", "novalue"}}).ok());
}

TEST(RealConfigFromOptions, OdbcDriverAndConnectionFromFlagTopologyOrEnvironment) {
  Topology topo;
  topo.cluster = "c1";
  ::setenv("DPC_ODBC_DRIVER", "EnvDriver", 1);
  ::setenv("DPC_ODBC_CONNECTION", "DRIVER={%DRIVER%};SERVER=%HOST%;PORT=%PORT%;ENV=1", 1);
  auto env = real_config_from_options(topo, {});
  ASSERT_TRUE(env.ok()) << env.message();
  EXPECT_EQ(env->odbc_driver, "EnvDriver");
  EXPECT_EQ(env->odbc_connection, "DRIVER={%DRIVER%};SERVER=%HOST%;PORT=%PORT%;ENV=1");
  topo.odbc.driver = "TopoDriver";
  topo.odbc.connection = "DRIVER={%DRIVER%};SERVER=%HOST%;PORT=%PORT%;TOPO=1";
  auto from_topo = real_config_from_options(topo, {});
  ASSERT_TRUE(from_topo.ok()) << from_topo.message();
  EXPECT_EQ(from_topo->odbc_driver, "TopoDriver");
  EXPECT_EQ(from_topo->odbc_connection, "DRIVER={%DRIVER%};SERVER=%HOST%;PORT=%PORT%;TOPO=1");
  auto flags = real_config_from_options(
      topo, {{"odbc-driver", "FlagDriver"}, {"odbc-connection", "DSN=x;SERVER=%HOST%;PORT=%PORT%"}});
  ASSERT_TRUE(flags.ok()) << flags.message();
  EXPECT_EQ(flags->odbc_driver, "FlagDriver");
  EXPECT_EQ(flags->odbc_connection, "DSN=x;SERVER=%HOST%;PORT=%PORT%");
  ::unsetenv("DPC_ODBC_DRIVER");
  ::unsetenv("DPC_ODBC_CONNECTION");
  topo.odbc = {};
  auto dm = real_config_from_options(topo, {});
  ASSERT_TRUE(dm.ok());
  EXPECT_EQ(dm->odbc_driver, "DM8 ODBC DRIVER") << "DM's driver stays the default";
  EXPECT_EQ(dm->odbc_connection, "");

  auto no_port = real_config_from_options(topo, {{"odbc-connection", "DRIVER={%DRIVER%};SERVER=%HOST%"}});
  ASSERT_FALSE(no_port.ok());
  EXPECT_NE(no_port.message().find("lacks %PORT%"), std::string::npos) << no_port.message();
  EXPECT_NE(no_port.message().find("--odbc-connection"), std::string::npos) << no_port.message();
  auto typo = real_config_from_options(topo, {{"odbc-connection", "SERVER=%HOST%;PORT=%PROT%"}});
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.message().find("%PROT%"), std::string::npos) << typo.message();
  auto secret = real_config_from_options(topo, {{"odbc-connection", "SERVER=%HOST%;PORT=%PORT%;PWD=hunter2"}});
  ASSERT_FALSE(secret.ok());
  EXPECT_NE(secret.message().find("PWD=%PWD%"), std::string::npos) << secret.message();
}

TEST(RealConfigFromOptions, SqlViaTunnelPerHostAndTheFlagOverAll) {
  Topology topo = two_hosts();
  topo.host_ssh["h2"].sql_via = "tunnel";
  auto plain = real_config_from_options(topo, {});
  ASSERT_TRUE(plain.ok()) << plain.message();
  EXPECT_FALSE(ssh_options_for(*plain, "h1").sql_tunnel);
  EXPECT_TRUE(ssh_options_for(*plain, "h2").sql_tunnel);
  auto all = real_config_from_options(topo, {{"sql-via", "tunnel"}});
  ASSERT_TRUE(all.ok()) << all.message();
  EXPECT_TRUE(ssh_options_for(*all, "h1").sql_tunnel);
  auto none = real_config_from_options(topo, {{"sql-via", "direct"}});
  ASSERT_TRUE(none.ok()) << none.message();
  EXPECT_FALSE(ssh_options_for(*none, "h2").sql_tunnel);
  auto bad = real_config_from_options(topo, {{"sql-via", "vpn"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("--sql-via"), std::string::npos);
}

TEST(RealConfigFromOptions, CopyRoutePerHostAndTheFlagOverAll) {
  Topology topo = two_hosts();
  topo.host_ssh["h2"].copy = "via-control";
  auto plain = real_config_from_options(topo, {});
  ASSERT_TRUE(plain.ok()) << plain.message();
  EXPECT_EQ(ssh_options_for(*plain, "h1").copy, CopyRoute::Auto);
  EXPECT_EQ(ssh_options_for(*plain, "h2").copy, CopyRoute::ViaControl);
  auto all = real_config_from_options(topo, {{"ssh-copy", "direct"}});
  ASSERT_TRUE(all.ok()) << all.message();
  EXPECT_EQ(ssh_options_for(*all, "h1").copy, CopyRoute::Direct);
  EXPECT_EQ(ssh_options_for(*all, "h2").copy, CopyRoute::Direct);
  auto bad = real_config_from_options(topo, {{"ssh-copy", "scp"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("--ssh-copy takes auto"), std::string::npos) << bad.message();
}

TEST(RealConfigFromOptions, StateDirDefaultsUnderTheClusterName) {
  Topology topo;
  topo.cluster = "dpc72";
  auto config = real_config_from_options(topo, {});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(fs::path(config->state_dir).filename(), "dpc72");
  EXPECT_TRUE(fs::path(config->state_dir).is_absolute());
}

TEST(RealConfigFromOptions, RejectsABadTimeoutNamingTheOption) {
  Topology topo;
  auto config = real_config_from_options(topo, {{"connect-timeout-ms", "soon"}});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.message().find("--connect-timeout-ms"), std::string::npos);
}

TEST(RealConfigFromOptions, PasswordFileOptionReplacesTheTopologysSource) {
  Topology topo;
  topo.password.env = "X_PWD";
  auto config = real_config_from_options(topo, {{"password-file", "/secret/pwd"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->password.file, "/secret/pwd");
}

TEST(ResolveBinary, FindsToolsUnderDmHomeBin) {
  TempDir dir;
  fs::create_directories(dir.path() + "/bin");
  write(dir.path() + "/bin/dminit", "#!/bin/sh\n", 0755);
  RealConfig config;
  config.dm_home = dir.path();
  config.dm_home_origin = "--dm-home";
  auto found = resolve_binary(config, "dminit");
  ASSERT_TRUE(found.ok()) << found.message();
  EXPECT_EQ(*found, dir.path() + "/bin/dminit");

  auto missing = resolve_binary(config, "dmrman");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find(dir.path() + "/bin/dmrman"), std::string::npos);
  EXPECT_NE(missing.message().find("--dm-home"), std::string::npos);
}

TEST(ResolveBinary, WithoutDmHomeSaysHowToPointAtDm) {
  const char* old_path = std::getenv("PATH");
  std::string saved = old_path ? old_path : "";
  ::setenv("PATH", "/nonexistent-dir", 1);
  RealConfig config;
  auto found = resolve_binary(config, "dmserver");
  ::setenv("PATH", saved.c_str(), 1);
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.message().find("set DM_HOME or defaults.dm_home, or pass --dm-home DIR"), std::string::npos)
      << found.message();
}

TEST(ResolveBinary, ExplicitPathMustBeExecutable) {
  TempDir dir;
  write(dir.path() + "/dmrman", "not a program", 0644);
  RealConfig config;
  config.dmrman = dir.path() + "/dmrman";
  auto found = resolve_binary(config, "dmrman");
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.message().find("--dmrman"), std::string::npos);
}

TEST(LoadPassword, ReadsTheFirstLineOfAnOwnerOnlyFile) {
  TempDir dir;
  write(dir.path() + "/pwd", "Secret_Pwd_123\nignored\n", 0600);
  PasswordSource source;
  source.file = dir.path() + "/pwd";
  auto pwd = load_password(source);
  ASSERT_TRUE(pwd.ok()) << pwd.message();
  EXPECT_EQ(pwd->reveal(), "Secret_Pwd_123");
}

TEST(LoadPassword, RefusesAFileOthersCanReadNamingTheFileAndTheFix) {
  TempDir dir;
  const std::string file = dir.path() + "/pwd";
  write(file, "Secret_Pwd_123\n", 0644);
  PasswordSource source;
  source.file = file;
  auto pwd = load_password(source);
  ASSERT_FALSE(pwd.ok());
  EXPECT_NE(pwd.message().find(file), std::string::npos);
  EXPECT_NE(pwd.message().find("0644"), std::string::npos);
  EXPECT_NE(pwd.message().find("chmod 600 " + file), std::string::npos);
  EXPECT_EQ(pwd.message().find("Secret_Pwd_123"), std::string::npos);
}

TEST(LoadPassword, ReadsTheEnvironmentVariableAndNamesItWhenUnset) {
  PasswordSource source;
  source.env = "DPC_TEST_PWD_VAR";
  ::setenv("DPC_TEST_PWD_VAR", "Env_Pwd_4567", 1);
  auto pwd = load_password(source);
  ASSERT_TRUE(pwd.ok());
  EXPECT_EQ(pwd->reveal(), "Env_Pwd_4567");
  ::unsetenv("DPC_TEST_PWD_VAR");
  auto missing = load_password(source);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("DPC_TEST_PWD_VAR"), std::string::npos);
}

TEST(Secret, ScrubReplacesEveryOccurrence) {
  Secret s("pw_123456789");
  EXPECT_EQ(s.scrub("a pw_123456789 b pw_123456789"), "a ****** b ******");
  EXPECT_EQ(Secret().scrub("text"), "text");
}

}  // namespace
}  // namespace dpc::real
