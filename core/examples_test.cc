// The example topologies in scenarios/topologies/: every one is valid, the
// manual's three clusters are the manual's own (tables 7.1-7.3, the dminit
// lines, mp.ini and registration scripts of chapter 7), the local-7.x files
// are the same clusters on 127.0.0.1, and docs/topology.schema.json and
// docs/topology.md name exactly the fields the loader knows.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "core/topology_load.h"

namespace dpc {
namespace {

const std::string kSource = DPC_SOURCE_DIR;
const std::string kTopologies = kSource + "/scenarios/topologies/";

Topology load(const std::string& name) {
  LoadOutcome outcome = load_topology_file(kTopologies + name);
  EXPECT_TRUE(outcome.ok()) << format_diagnostics(outcome.diagnostics, name);
  return outcome.topology.value_or(Topology{});
}

/// One row of the manual's planning tables.
struct Row {
  std::string raft, name;
  Role role;
  int port_num, ap_port_num;
  std::string path;
  int self_id, vote_interval;
};

void expect_rows(const Topology& topo, const std::string& host, const std::vector<Row>& rows) {
  EXPECT_EQ(topo.instances.size(), rows.size());
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const Instance* inst = topo.find_instance(row.name);
    ASSERT_NE(inst, nullptr);
    EXPECT_EQ(inst->role, row.role);
    EXPECT_EQ(inst->raft, row.raft);
    EXPECT_EQ(inst->host, host);
    EXPECT_EQ(inst->ip_internal, host);
    EXPECT_EQ(inst->port_num, row.port_num);
    EXPECT_EQ(inst->ap_port_num, row.ap_port_num);
    EXPECT_EQ(inst->path, row.path);
    EXPECT_EQ(inst->os, OsKind::Windows);
    EXPECT_EQ(inst->raft_self_id, row.self_id);
    EXPECT_EQ(inst->raft_vote_interval, row.vote_interval);
    EXPECT_EQ(inst->description, std::string(role_name(row.role)) + " instance");
    EXPECT_EQ(inst->kind, ReplicaKind::Voter);
  }
}

std::vector<std::string> names_of(const std::vector<FaultDomain>& domains) {
  std::vector<std::string> out;
  for (const auto& d : domains) {
    std::string line = d.name + "(" + d.description + "):";
    for (const auto& i : d.instances) line += " " + i;
    out.push_back(line);
  }
  return out;
}

TEST(Examples, EveryTopologyFileIsValidWithoutDiagnostics) {
  std::set<std::string> seen;
  for (const auto& entry : std::filesystem::directory_iterator(kTopologies)) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().filename().string();
    seen.insert(name);
    LoadOutcome outcome = load_topology_file(entry.path().string());
    EXPECT_TRUE(outcome.ok()) << name;
    EXPECT_TRUE(outcome.diagnostics.empty()) << format_diagnostics(outcome.diagnostics, name);
  }
  for (const char* expected : {"manual-7.1.json", "manual-7.2.json", "manual-7.3.json",
                               "local-7.1.json", "local-7.2.json", "local-7.3.json",
                               "local-large.json", "mini-3replica.json"}) {
    EXPECT_EQ(seen.count(expected), 1u) << expected;
  }
}

TEST(Examples, Manual71IsTable71) {
  Topology topo = load("manual-7.1.json");
  const std::string d = "d:\\dpc_data_mac\\";
  expect_rows(topo, "223.254.30.136",
              {{"RAFT_SP1", "SP1", Role::SP, 5236, 6000, d + "sp1", 0, 0},
               {"RAFT_1", "BP1", Role::BP, 5237, 6001, d + "bp1", 0, 0},
               {"RAFT_2", "BP2", Role::BP, 5238, 6002, d + "bp2", 0, 0},
               {"MP_RAFT", "MP", Role::MP, 5239, 6003, d + "mp", 0, 0}});
  EXPECT_EQ(topo.find_instance("MP")->mp_port, 9000);  // 7.1.2
  EXPECT_EQ(topo.find_instance("SP1")->register_status, 2);  // 7.1.4: 'NORMAL', 2
  EXPECT_EQ(topo.find_instance("BP1")->ip_external, "223.254.30.136");
  EXPECT_FALSE(topo.mp_replicated());
  EXPECT_FALSE(topo.auto_overwrite.has_value());
  ASSERT_EQ(topo.bp_groups.size(), 1u);
  EXPECT_EQ(topo.bp_groups[0].name, "BG_1");
  EXPECT_EQ(topo.bp_groups[0].description, "bp group1");
  EXPECT_EQ(topo.bp_groups[0].rafts, (std::vector<std::string>{"RAFT_1", "RAFT_2"}));
  EXPECT_EQ(names_of(topo.fault_domains),
            (std::vector<std::string>{"FDOM_1(shanghai): MP BP1 BP2"}));
}

TEST(Examples, Manual72IsTable72) {
  Topology topo = load("manual-7.2.json");
  const std::string d = "d:\\dpc_data_mac\\";
  expect_rows(topo, "223.254.30.136",
              {{"RAFT_SP1", "SP1", Role::SP, 5236, 6000, d + "sp1", 0, 0},
               {"MP_RAFT", "MP", Role::MP, 5237, 6001, d + "mp", 0, 0},
               {"RAFT_1", "BP11", Role::BP, 5238, 6002, d + "bp11", 1, 1500},
               {"RAFT_1", "BP12", Role::BP, 5239, 6003, d + "bp12", 2, 2000},
               {"RAFT_1", "BP13", Role::BP, 5240, 6004, d + "bp13", 3, 2500},
               {"RAFT_2", "BP21", Role::BP, 5241, 6005, d + "bp21", 1, 1500},
               {"RAFT_2", "BP22", Role::BP, 5242, 6006, d + "bp22", 2, 2000},
               {"RAFT_2", "BP23", Role::BP, 5243, 6007, d + "bp23", 3, 2500}});
  EXPECT_EQ(topo.find_instance("MP")->mp_port, 9000);
  EXPECT_EQ(topo.find_instance("SP1")->register_status, 2);
  EXPECT_EQ(topo.timing.raft_hb_interval, 150);
  EXPECT_EQ(topo.timing.xmal_hb_interval, 5);
  EXPECT_EQ(topo.archive.arch_file_size, 128);
  EXPECT_EQ(topo.archive.backup_name, "BACKUP_01");
  EXPECT_EQ(topo.find_raft("RAFT_1")->members, (std::vector<std::string>{"BP11", "BP12", "BP13"}));
  EXPECT_EQ(topo.bp_groups[0].rafts, (std::vector<std::string>{"RAFT_1", "RAFT_2"}));
  EXPECT_EQ(names_of(topo.fault_domains),
            (std::vector<std::string>{"FDOM_1(shanghai_1): MP BP11 BP21",
                                      "FDOM_2(shanghai_2): BP12 BP22",
                                      "FDOM_3(shanghai_3): BP13 BP23"}));
}

TEST(Examples, Manual73IsTable73) {
  Topology topo = load("manual-7.3.json");
  const std::string e = "e:\\mpraft_data\\";
  expect_rows(topo, "192.168.1.118",
              {{"SPRAFT_1", "SP1", Role::SP, 5236, 6000, e + "sp1", 0, 0},
               {"BPRAFT_1", "BP1", Role::BP, 5336, 6100, e + "bp1", 0, 0},
               {"MP_RAFT", "MP1", Role::MP, 5436, 6200, e + "mp1", 1, 1500},
               {"MP_RAFT", "MP2", Role::MP, 5437, 6201, e + "mp2", 2, 2000},
               {"MP_RAFT", "MP3", Role::MP, 5438, 6202, e + "mp3", 3, 2500}});
  EXPECT_TRUE(topo.mp_replicated());
  EXPECT_EQ(topo.mp_group()->members, (std::vector<std::string>{"MP1", "MP2", "MP3"}));
  EXPECT_EQ(topo.find_instance("MP1")->mp_port, 10622);  // 7.3.2 [MP1]
  EXPECT_EQ(topo.find_instance("MP2")->mp_port, 10623);
  EXPECT_EQ(topo.find_instance("MP3")->mp_port, 10624);
  for (const auto& inst : topo.instances) EXPECT_EQ(inst.ip_external, "") << inst.name;
  EXPECT_EQ(topo.find_instance("SP1")->register_status, 1);  // 7.3.4: 'NORMAL', 1
  EXPECT_EQ(topo.auto_overwrite, 1);                          // 7.3.1
  EXPECT_EQ(topo.bp_groups[0].rafts, (std::vector<std::string>{"BPRAFT_1"}));
  EXPECT_EQ(names_of(topo.fault_domains),
            (std::vector<std::string>{"FDOM_1(shanghai_1): MP1 BP1", "FDOM_2(shanghai_2): MP2",
                                      "FDOM_3(shanghai_3): MP3"}));
}

TEST(Examples, LocalFilesAreTheManualClustersOnLocalhost) {
  for (const char* n : {"7.1", "7.2", "7.3"}) {
    SCOPED_TRACE(n);
    const Topology manual = load(std::string("manual-") + n + ".json");
    const Topology local = load(std::string("local-") + n + ".json");
    EXPECT_EQ(local.cluster, std::string("local-") + n);
    ASSERT_EQ(local.instances.size(), manual.instances.size());
    for (size_t i = 0; i < manual.instances.size(); ++i) {
      const Instance& m = manual.instances[i];
      const Instance& l = local.instances[i];
      SCOPED_TRACE(m.name);
      EXPECT_EQ(l.name, m.name);
      EXPECT_EQ(l.role, m.role);
      EXPECT_EQ(l.raft, m.raft);
      EXPECT_EQ(l.host, "127.0.0.1");
      EXPECT_EQ(l.ip_internal, "127.0.0.1");
      EXPECT_EQ(l.ip_external, m.ip_external.empty() ? "" : "127.0.0.1");
      EXPECT_EQ(l.os, OsKind::Linux);
      std::string lower = m.name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_EQ(l.path, "/tmp/dpcctl/local-" + std::string(n) + "/" + lower);
      EXPECT_EQ(l.port_num, m.port_num);
      EXPECT_EQ(l.ap_port_num, m.ap_port_num);
      EXPECT_EQ(l.mp_port, m.mp_port);
      EXPECT_EQ(l.raft_self_id, m.raft_self_id);
      EXPECT_EQ(l.raft_vote_interval, m.raft_vote_interval);
      EXPECT_EQ(l.description, m.description);
      EXPECT_EQ(l.register_status, m.register_status);
    }
    EXPECT_EQ(local.auto_overwrite, manual.auto_overwrite);
    ASSERT_EQ(local.bp_groups.size(), manual.bp_groups.size());
    for (size_t i = 0; i < manual.bp_groups.size(); ++i) {
      EXPECT_EQ(local.bp_groups[i].rafts, manual.bp_groups[i].rafts);
    }
    EXPECT_EQ(names_of(local.fault_domains), names_of(manual.fault_domains));
  }
}

TEST(Examples, LocalLargeHasTheIssuesShape) {
  Topology topo = load("local-large.json");
  ASSERT_NE(topo.mp_group(), nullptr);
  EXPECT_EQ(topo.mp_group()->members.size(), 3u);
  EXPECT_EQ(topo.of_role(Role::SP).size(), 2u);
  size_t bp_groups_of_three = 0;
  for (const auto& raft : topo.rafts) {
    if (raft.role == Role::BP && raft.members.size() == 3) ++bp_groups_of_three;
  }
  EXPECT_EQ(bp_groups_of_three, 16u);
  EXPECT_EQ(topo.of_role(Role::BP).size(), 48u);
  ASSERT_EQ(topo.bp_groups.size(), 2u);
  EXPECT_EQ(topo.bp_groups[0].rafts.size(), 8u);
  EXPECT_EQ(topo.bp_groups[1].rafts.size(), 8u);
  ASSERT_EQ(topo.fault_domains.size(), 3u);
  for (const auto& domain : topo.fault_domains) {
    SCOPED_TRACE(domain.name);
    std::map<std::string, int> per_group;
    for (const auto& name : domain.instances) ++per_group[topo.find_instance(name)->raft];
    EXPECT_EQ(per_group.size(), 17u);  // MP_RAFT and the 16 BP groups
    for (const auto& [group, count] : per_group) EXPECT_EQ(count, 1) << group;
  }
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::vector<std::string> kLevels = {"defaults", "sysdba_password", "ssh", "raft_timing", "archive",
                                          "mp", "mp_instance", "sp_instance", "bp_raft",
                                          "bp_member", "bp_group", "fault_domain"};

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(Examples, SchemaNamesExactlyTheLoadersFields) {
  const nlohmann::json schema = nlohmann::json::parse(read_text(kSource + "/docs/topology.schema.json"));
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  auto keys = [](const nlohmann::json& props) {
    std::vector<std::string> out;
    for (auto it = props.begin(); it != props.end(); ++it) out.push_back(it.key());
    return sorted(out);
  };
  EXPECT_EQ(keys(schema["properties"]), sorted(topology_field_names("top")));
  for (const auto& level : kLevels) {
    SCOPED_TRACE(level);
    ASSERT_TRUE(schema["$defs"].contains(level));
    EXPECT_EQ(keys(schema["$defs"][level]["properties"]), sorted(topology_field_names(level)));
  }
}

TEST(Examples, DocsMentionEveryField) {
  const std::string doc = read_text(kSource + "/docs/topology.md");
  for (const auto& level : kLevels) {
    for (const auto& field : topology_field_names(level)) {
      EXPECT_NE(doc.find("`" + field + "`"), std::string::npos) << level << "." << field;
    }
  }
}

}  // namespace
}  // namespace dpc
