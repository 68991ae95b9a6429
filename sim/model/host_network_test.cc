// Hosts (files in the host's path style, databases, ports) and the network
// (latency, jitter, loss, one- and two-way partitions, host crashes).
#include <gtest/gtest.h>

#include "sim/cluster.h"
#include "sim/model/host.h"
#include "sim/engine/network.h"

namespace dpc::sim {
namespace {

TEST(Host, WindowsPathsAreCaseInsensitiveAndTakeEitherSeparator) {
  Host h("w");
  h.make_dirs(R"(d:\dpc_data_mac\BP11\DAMENG)");
  ASSERT_TRUE(h.write(R"(D:\DPC_DATA_MAC\bp11\dameng\mp.ini)", "mp_port = 9000\n").ok());
  EXPECT_TRUE(h.is_file("d:/dpc_data_mac/bp11/DAMENG/mp.ini"));
  EXPECT_EQ(*h.read(R"(d:\dpc_data_mac\bp11\DAMENG\mp.ini)"), "mp_port = 9000\n");
  EXPECT_EQ(Host::key(R"(d:\A\\b\)"), R"(d:\a\b)");
  EXPECT_EQ(Host::parent(R"(d:\a\b)"), R"(d:\a)");
}

TEST(Host, LinuxPathsAreCaseSensitiveAndWritesNeedTheDirectory) {
  Host h("l");
  Status st = h.write("/data/dm/mp.ini", "x");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("directory /data/dm does not exist"), std::string::npos);
  h.make_dirs("/data/dm");
  ASSERT_TRUE(h.write("/data/dm/mp.ini", "x").ok());
  EXPECT_FALSE(h.is_file("/data/DM/mp.ini"));
  EXPECT_FALSE(h.write("/data/dm", "x").ok()) << "a directory is not a file";
  auto missing = h.read("/data/dm/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("host l: no such file /data/dm/nope"), std::string::npos);
}

TEST(Host, RemoveTreeTakesFilesDatabasesAndBackupSetsButNotNeighbours) {
  Host h("l");
  h.make_dirs("/dm/bp1/DAMENG");
  h.make_dirs("/dm/bp10/DAMENG");
  ASSERT_TRUE(h.write("/dm/bp1/DAMENG/dm.ini", "a").ok());
  ASSERT_TRUE(h.write("/dm/bp10/DAMENG/dm.ini", "b").ok());
  h.put_db("/dm/bp1/DAMENG", DbImage{});
  h.put_backup("/dm/bp1/B", BackupSet{});
  h.remove_tree("/dm/bp1");
  EXPECT_FALSE(h.exists("/dm/bp1/DAMENG/dm.ini"));
  EXPECT_EQ(h.db("/dm/bp1/DAMENG"), nullptr);
  EXPECT_EQ(h.backup("/dm/bp1/B"), nullptr);
  EXPECT_TRUE(h.is_file("/dm/bp10/DAMENG/dm.ini"));
}

TEST(Host, PortsBindOnceAndNameTheirHolder) {
  Host h("l");
  EXPECT_TRUE(h.bind(5236, "SP1"));
  EXPECT_FALSE(h.bind(5236, "BP1"));
  EXPECT_EQ(h.port_holder(5236), "SP1");
  h.release(5236);
  EXPECT_FALSE(h.port_holder(5236).has_value());
}

struct Net : ::testing::Test {
  EventLoop loop;
  Rng rng{1};
  Trace trace;
  TimingProfile timing;
  Network net{loop, rng, trace, timing};
  int delivered = 0;
  SimTime at = -1;
  void send(const std::string& a, const std::string& b) {
    net.send(a, b, "X", "msg", [this] {
      ++delivered;
      at = loop.now();
    });
    while (loop.step()) {
    }
  }
};

TEST_F(Net, SameHostIsSubMillisecondAndOtherHostsUseTheRemoteDefault) {
  send("h1", "h1");
  EXPECT_EQ(at, timing.link_latency);
  EXPECT_LT(at, 1000);
  const SimTime before = loop.now();
  send("h1", "h2");
  EXPECT_EQ(at - before, timing.remote_link_latency);
  net.set_link("h1", "h2", LinkSpec{5000, 0, 0.0});
  const SimTime t = loop.now();
  send("h2", "h1");
  EXPECT_EQ(at - t, 5000) << "set_link applies both ways unless one_way";
}

TEST_F(Net, PartitionsDropAndTraceMessagesOneWayOrBoth) {
  net.partition("h1", "h2", /*one_way=*/true);
  send("h1", "h2");
  EXPECT_EQ(delivered, 0);
  send("h2", "h1");
  EXPECT_EQ(delivered, 1);
  EXPECT_FALSE(net.reachable("h1", "h2"));
  ASSERT_FALSE(trace.find("net.drop").empty());
  EXPECT_NE(trace.find("net.drop")[0].detail.find("msg h1->h2 (partitioned)"), std::string::npos);
  net.heal("h1", "h2");
  send("h1", "h2");
  EXPECT_EQ(delivered, 2);
  EXPECT_EQ(net.dropped(), 1u);
}

// Instances that share a host (every example topology runs on 127.0.0.1)
// can be cut apart by name; each still reaches everything else.
TEST_F(Net, InstancesOnOneHostArePartitionedAndLinkedByName) {
  auto send_ep = [this](const Endpoint& a, const Endpoint& b) {
    net.send(net.endpoint(a.host, a.instance), net.endpoint(b.host, b.instance), "msg", [this] {
      ++delivered;
      at = loop.now();
    });
    while (loop.step()) {
    }
  };
  const Endpoint bp11{"h", "BP11"}, bp12{"h", "BP12"}, bp13{"h", "BP13"}, mp{"h", "MP"};
  net.partition("BP11", "BP12");
  send_ep(bp11, bp12);
  send_ep(bp12, bp11);
  EXPECT_EQ(delivered, 0) << "both ways";
  EXPECT_FALSE(net.reachable(bp11, bp12));
  send_ep(bp11, bp13);
  send_ep(bp13, bp12);
  EXPECT_EQ(delivered, 2) << "the other pairs on the host are untouched";
  EXPECT_TRUE(net.reachable(bp11, bp13));
  EXPECT_NE(trace.find("net.drop").back().detail.find("msg h->h BP11 (partitioned)"), std::string::npos);

  // An instance cut off from a whole host.
  net.heal_all();
  net.partition("MP", "h2");
  send_ep(mp, Endpoint{"h2", "SP1"});
  EXPECT_EQ(delivered, 2);
  send_ep(mp, bp11);
  EXPECT_EQ(delivered, 3);

  // A link set for an instance pair overrides their hosts' link.
  net.set_link("BP11", "BP13", LinkSpec{7000, 0, 0.0});
  SimTime t = loop.now();
  send_ep(bp13, bp11);
  EXPECT_EQ(at - t, 7000);
  t = loop.now();
  send_ep(bp12, bp11);
  EXPECT_EQ(at - t, timing.link_latency);
}

TEST_F(Net, AMessageInFlightIsLostWhenThePartitionStartsBeforeItArrives) {
  net.set_link("h1", "h2", LinkSpec{10'000, 0, 0.0});
  net.send("h1", "h2", "X", "msg", [this] { ++delivered; });
  loop.at(5000, "t", [this] { net.partition("h1", "h2"); });
  while (loop.step()) {
  }
  EXPECT_EQ(delivered, 0);
}

TEST_F(Net, LossAndJitterDrawFromTheSeededRng) {
  net.set_link("h1", "h2", LinkSpec{1000, 500, 1.0});
  send("h1", "h2");
  EXPECT_EQ(delivered, 0);
  EXPECT_NE(trace.find("net.drop").back().detail.find("(lost)"), std::string::npos);
  net.set_link("h1", "h2", LinkSpec{1000, 500, 0.0});
  const SimTime t = loop.now();
  send("h1", "h2");
  EXPECT_GE(at - t, 1000);
  EXPECT_LE(at - t, 1500);
}

TEST(SimClusterFaults, CrashedHostKillsItsServersAndKeepsItsDisk) {
  SimCluster c;
  auto init = c.run_tool_sync("h1", "dminit", {"path=/dm/mp", "instance_name=MP", "port_num=5237",
                                               "ap_port_num=6001", "dpc_mode=MP"});
  ASSERT_TRUE(init.ok() && init->exit_code == 0);
  ASSERT_TRUE(c.write_file("h1", "/dm/mp/DAMENG/mp.ini", "mp_host = h1\nmp_port = 9000\n").ok());
  ASSERT_TRUE(c.start_server_sync("h1", {"/dm/mp/DAMENG/dm.ini", "dpc_mode=MP"}).ok());
  c.crash_host("h1");
  EXPECT_FALSE(c.view("MP").running);
  EXPECT_EQ(c.view("MP").last_stop, "crash");
  EXPECT_FALSE(c.exists("h1", "/dm/mp/DAMENG/dm.ini")) << "a down host answers nothing";
  auto r = c.sql_sync("h1", 5237, "SELECT 1 FROM DUAL");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("cannot connect to h1:5237: the host is down"), std::string::npos);
  c.restart_host("h1");
  EXPECT_TRUE(c.exists("h1", "/dm/mp/DAMENG/dm.ini"));
  EXPECT_TRUE(c.view("MP").dirty);
  ASSERT_TRUE(c.start_server_sync("h1", {"/dm/mp/DAMENG/dm.ini", "dpc_mode=MP"}).ok());
  EXPECT_FALSE(c.view("MP").dirty);
}

}  // namespace
}  // namespace dpc::sim
