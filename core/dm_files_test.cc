#include "core/dm_files.h"

#include <gtest/gtest.h>

#include "core/ini.h"
#include "core/plan_test_topologies.h"

namespace dpc {
namespace {

using testing_topologies::find_mutable;
using testing_topologies::make_topology;
using testing_topologies::Shape;

Topology windows_72() {
  Shape shape;
  shape.os = OsKind::Windows;
  shape.base_dir = "d:\\dpc_data_mac";
  shape.host = "223.254.30.136";
  shape.bp_groups = {3, 3};
  return make_topology(shape);
}

TEST(MpIni, SingleMpGivesHostAndPort) {
  Topology topo = windows_72();
  EXPECT_EQ(mp_ini_text(topo), "mp_host = 223.254.30.136\nmp_port = 9000\n");
}

TEST(MpIni, SingleMpUsesInternalIpOverHost) {
  Topology topo = windows_72();
  find_mutable(topo, "MP")->ip_internal = "192.168.7.7";
  EXPECT_EQ(mp_ini_text(topo), "mp_host = 192.168.7.7\nmp_port = 9000\n");
  find_mutable(topo, "MP")->ip_internal = "";
  EXPECT_EQ(mp_ini_text(topo), "mp_host = 223.254.30.136\nmp_port = 9000\n");
}

TEST(MpIni, MpRaftGivesOneSectionPerMpNamedAfterIt) {
  Shape shape;
  shape.mps = 3;
  shape.host = "192.168.1.118";
  Topology topo = make_topology(shape);
  find_mutable(topo, "MP1")->mp_port = 10622;
  find_mutable(topo, "MP2")->mp_port = 10623;
  find_mutable(topo, "MP3")->mp_port = 10624;
  EXPECT_EQ(mp_ini_text(topo),
            "[MP1]\nmp_host = 192.168.1.118\nmp_port = 10622\n\n"
            "[MP2]\nmp_host = 192.168.1.118\nmp_port = 10623\n\n"
            "[MP3]\nmp_host = 192.168.1.118\nmp_port = 10624\n");
}

TEST(MpIni, ReconnTimeoutIsAGlobalKeyInBothForms) {
  Topology single = windows_72();
  single.mp_reconn_timeout = 30;
  auto ini = parse_ini(mp_ini_text(single), "mp.ini");
  ASSERT_TRUE(ini.ok()) << ini.message();
  EXPECT_EQ(ini->get("MP_RECONN_TIMEOUT"), "30");
  EXPECT_EQ(ini->get("mp_port"), "9000");

  Shape shape;
  shape.mps = 3;
  Topology raft = make_topology(shape);
  raft.mp_reconn_timeout = 60;
  auto raft_ini = parse_ini(mp_ini_text(raft), "mp.ini");
  ASSERT_TRUE(raft_ini.ok()) << raft_ini.message();
  EXPECT_EQ(raft_ini->get("MP_RECONN_TIMEOUT"), "60");
  ASSERT_NE(raft_ini->section("MP2"), nullptr);
  EXPECT_EQ(raft_ini->section("MP2")->get("mp_port"), "9001");
}

TEST(DmarchRaft, MatchesTheManualsBp12File) {
  Topology topo = windows_72();
  const Instance* bp12 = topo.find_instance("BP12");
  ASSERT_NE(bp12, nullptr);
  // Manual 7.2.7.3, item 2, without its comments.
  EXPECT_EQ(dmarch_raft(topo, *bp12),
            "XMAL_HB_INTERVAL = 5\n"
            "RAFT_HB_INTERVAL = 150\n"
            "RAFT_VOTE_INTERVAL = 2000\n"
            "RAFT_SELF_ID = 2\n"
            "\n"
            "[ARCHIVE_RAFT1]\n"
            "ARCH_TYPE = RAFT\n"
            "ARCH_DEST = BP11\n"
            "ARCH_DEST_ID = 1\n"
            "\n"
            "[ARCHIVE_RAFT2]\n"
            "ARCH_TYPE = RAFT\n"
            "ARCH_DEST = BP13\n"
            "ARCH_DEST_ID = 3\n"
            "\n"
            "[ARCHIVE_LOCAL1]\n"
            "ARCH_TYPE = LOCAL\n"
            "ARCH_DEST = d:\\dpc_data_mac\\bp12\\DAMENG\\arch\n"
            "ARCH_FILE_SIZE = 128\n"
            "ARCH_SPACE_LIMIT = 0\n");
}

TEST(DmarchRaft, PeersFollowSelfIdNotFileOrder) {
  Topology topo = windows_72();
  // Members listed out of self-id order: the sections still go by self id.
  find_mutable(topo, "BP11")->raft_self_id = 3;
  find_mutable(topo, "BP13")->raft_self_id = 1;
  auto ini = parse_ini(dmarch_raft(topo, *topo.find_instance("BP12")), "dmarch.ini");
  ASSERT_TRUE(ini.ok()) << ini.message();
  EXPECT_EQ(ini->section("ARCHIVE_RAFT1")->get("ARCH_DEST"), "BP13");
  EXPECT_EQ(ini->section("ARCHIVE_RAFT1")->get("ARCH_DEST_ID"), "1");
  EXPECT_EQ(ini->section("ARCHIVE_RAFT2")->get("ARCH_DEST"), "BP11");
  EXPECT_EQ(ini->section("ARCHIVE_RAFT2")->get("ARCH_DEST_ID"), "3");
}

TEST(DmarchRaft, LearnerPeerHasLearnerType) {
  Topology topo = windows_72();
  find_mutable(topo, "BP13")->kind = ReplicaKind::Learner;
  auto ini = parse_ini(dmarch_raft(topo, *topo.find_instance("BP11")), "dmarch.ini");
  ASSERT_TRUE(ini.ok()) << ini.message();
  EXPECT_EQ(ini->section("ARCHIVE_RAFT1")->get("ARCH_TYPE"), "RAFT");
  EXPECT_EQ(ini->section("ARCHIVE_RAFT2")->get("ARCH_TYPE"), "LEARNER");
  EXPECT_EQ(ini->section("ARCHIVE_RAFT2")->get("ARCH_DEST"), "BP13");
}

TEST(DmarchRaft, TimingAndArchiveSettingsComeFromTheTopology) {
  Shape shape;
  Topology topo = make_topology(shape);
  topo.timing.raft_hb_interval = 200;
  topo.timing.xmal_hb_interval = 7;
  topo.archive.dir_name = "archlog";
  topo.archive.arch_file_size = 256;
  topo.archive.arch_space_limit = 10240;
  auto ini = parse_ini(dmarch_raft(topo, *topo.find_instance("BP11")), "dmarch.ini");
  ASSERT_TRUE(ini.ok()) << ini.message();
  EXPECT_EQ(ini->get("RAFT_HB_INTERVAL"), "200");
  EXPECT_EQ(ini->get("XMAL_HB_INTERVAL"), "7");
  EXPECT_EQ(ini->get("RAFT_VOTE_INTERVAL"), "1500");
  const IniSection* local = ini->section("ARCHIVE_LOCAL1");
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->get("ARCH_DEST"), "/data/dpc/bp11/DAMENG/archlog");
  EXPECT_EQ(local->get("ARCH_FILE_SIZE"), "256");
  EXPECT_EQ(local->get("ARCH_SPACE_LIMIT"), "10240");
}

TEST(DmarchLocalOnly, HasOnlyTheLocalArchive) {
  Topology topo = windows_72();
  const std::string text = dmarch_local_only(topo, *topo.find_instance("BP11"));
  EXPECT_EQ(text,
            "[ARCHIVE_LOCAL1]\n"
            "ARCH_TYPE = LOCAL\n"
            "ARCH_DEST = d:\\dpc_data_mac\\bp11\\DAMENG\\arch\n"
            "ARCH_FILE_SIZE = 128\n"
            "ARCH_SPACE_LIMIT = 0\n");
  auto ini = parse_ini(text, "dmarch.ini");
  ASSERT_TRUE(ini.ok());
  EXPECT_FALSE(ini->get("RAFT_SELF_ID").has_value());
  EXPECT_EQ(ini->sections.size(), 2u);  // the empty global part and ARCHIVE_LOCAL1
}

TEST(DmIniEdits, SeedAndReplicaKeys) {
  EXPECT_EQ(dm_ini_seed_edits(), (IniEdits{{"ARCH_INI", "1"}}));
  EXPECT_EQ(dm_ini_replica_edits(), (IniEdits{{"ARCH_INI", "1"}, {"ALTER_MODE_STATUS", "0"}}));
}

}  // namespace
}  // namespace dpc
