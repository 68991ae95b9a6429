// The ini parsers of a simulated dmserver, on the files' text alone: both
// forms of mp.ini, and dmarch.ini's RAFT rules with the refusal each breaks.
#include "sim/model/server_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dpc::sim {
namespace {

using testing::HasSubstr;

TEST(ServerConfig, SingleMpFormGivesOneTargetAndTheMpItsPort) {
  ServerConfig cfg;
  ASSERT_TRUE(parse_mp_ini("mp_host = 10.0.0.1\nmp_port = 9000\n", "MP", "MP", cfg).ok());
  ASSERT_EQ(cfg.mp_targets.size(), 1u);
  EXPECT_EQ(cfg.mp_targets[0].address, "10.0.0.1");
  EXPECT_EQ(cfg.mp_port, 9000);
}

TEST(ServerConfig, MpRaftFormGivesOneTargetPerSectionAndEachMpItsOwnPort) {
  const std::string text = "[MP1]\nmp_host = h1\nmp_port = 9000\n[MP2]\nmp_host = h2\nmp_port = 9001\n";
  ServerConfig cfg;
  ASSERT_TRUE(parse_mp_ini(text, "MP2", "MP", cfg).ok());
  EXPECT_EQ(cfg.mp_targets.size(), 2u);
  EXPECT_EQ(cfg.mp_port, 9001);
  ServerConfig other;
  const Status st = parse_mp_ini(text, "MP3", "MP", other);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("MP3: mp.ini has no mp_port for this MP"));
}

TEST(ServerConfig, ReplicaNeedsALocalArchiveAndDistinctIds) {
  ServerConfig cfg;
  const std::string ok =
      "RAFT_SELF_ID = 1\nRAFT_VOTE_INTERVAL = 1500\n[ARCHIVE_RAFT1]\nARCH_TYPE = RAFT\nARCH_DEST = BP12\n"
      "ARCH_DEST_ID = 2\n[ARCHIVE_RAFT2]\nARCH_TYPE = RAFT\nARCH_DEST = BP13\nARCH_DEST_ID = 3\n"
      "[ARCHIVE_LOCAL1]\nARCH_TYPE = LOCAL\n";
  ASSERT_TRUE(parse_dmarch_ini(ok, "BP11", cfg).ok());
  EXPECT_TRUE(cfg.replica);
  EXPECT_EQ(cfg.self_id, 1);
  EXPECT_EQ(cfg.vote_interval, 1500);
  EXPECT_EQ(cfg.dests.size(), 2u);

  const std::string no_local = ok.substr(0, ok.find("[ARCHIVE_LOCAL1]"));
  EXPECT_THAT(parse_dmarch_ini(no_local, "BP11", cfg).message(), HasSubstr("no [ARCHIVE_LOCALn] section"));
  std::string same_id = ok;
  same_id.replace(same_id.find("ARCH_DEST_ID = 3"), 16, "ARCH_DEST_ID = 2");
  EXPECT_THAT(parse_dmarch_ini(same_id, "BP11", cfg).message(), HasSubstr("ARCH_DEST_ID 2 to both BP12 and BP13"));
}

TEST(ServerConfig, ALocalOnlyDmarchIsNotAReplica) {
  ServerConfig cfg;
  ASSERT_TRUE(parse_dmarch_ini("[ARCHIVE_LOCAL1]\nARCH_TYPE = LOCAL\n", "BP11", cfg).ok());
  EXPECT_FALSE(cfg.replica);
}

}  // namespace
}  // namespace dpc::sim
