// Loading topology files: JSON reading (comments, syntax errors with line
// and column, duplicate keys), the defaults, and what lands in Topology.
#include "core/topology_load.h"

#include <gtest/gtest.h>

#include "core/json_text.h"

namespace dpc {
namespace {

const std::string kTopologies = std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/";

std::string errors_of(const LoadOutcome& outcome) {
  return format_diagnostics(outcome.diagnostics, "test.json");
}

Topology load_ok(const std::string& text) {
  LoadOutcome outcome = load_topology_text(text, "test.json");
  EXPECT_TRUE(outcome.ok()) << errors_of(outcome);
  return outcome.topology.value_or(Topology{});
}

const char* kMini = R"({
  "cluster": "mini",
  "defaults": { "host": "127.0.0.1", "base_dir": "/var/lib/dpc/mini" },
  "mp": { "instances": [ { "name": "MP" } ] },
  "sp": [ { "name": "SP1" } ],
  "bp_rafts": [ { "name": "RAFT_1", "replicas": 3 } ]
})";

TEST(JsonText, ParseErrorGivesLineAndColumn) {
  JsonText parsed = parse_json_text("{\n  \"a\": 1,\n  \"b\": ,\n}");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.position.line, 3);
  EXPECT_EQ(parsed.position.column, 8);
  EXPECT_NE(parsed.error.find("unexpected ','"), std::string::npos) << parsed.error;
}

TEST(JsonText, ColumnsCountCharactersNotUtf8Bytes) {
  JsonText parsed = parse_json_text("{\"d\": \"上海\" x}");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.position.line, 1);
  EXPECT_EQ(parsed.position.column, 12);
}

TEST(JsonText, CommentsAreAllowed) {
  JsonText parsed = parse_json_text("// head\n{ /* inline */ \"a\": 1 // tail\n}");
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ((*parsed.value)["a"], 1);
}

TEST(JsonText, DuplicateKeysAreFoundWithTheirPath) {
  JsonText parsed = parse_json_text(
      R"({"a": 1, "list": [{"x": 1}, {"x": 2, "y": {"z": 1, "z": 2}}], "a": 3})");
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.duplicate_keys, (std::vector<std::string>{"list[1].y.z", "a"}));
}

TEST(JsonText, EmptyTextIsAnError) {
  JsonText parsed = parse_json_text("  // nothing here\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error.find("empty"), std::string::npos);
}

TEST(JsonText, ClosestNameFindsLikelyMisspellings) {
  const std::vector<std::string> known = {"port_num", "ap_port_num", "raft_vote_interval", "os"};
  EXPECT_EQ(closest_name("prot_num", known), "port_num");
  EXPECT_EQ(closest_name("PORT_NUM", known), "port_num");
  EXPECT_EQ(closest_name("vote_interval", known), "raft_vote_interval");
  EXPECT_EQ(closest_name("colour", known), std::nullopt);
  EXPECT_EQ(closest_name("xyz", known), std::nullopt);
}

TEST(LoadTopology, MiniFileFillsEveryDefault) {
  Topology topo = load_ok(kMini);
  ASSERT_EQ(topo.instances.size(), 5u);
  const Instance& mp = topo.instances[0];
  EXPECT_EQ(mp.name, "MP");
  EXPECT_EQ(mp.role, Role::MP);
  EXPECT_EQ(mp.raft, "MP_RAFT");
  EXPECT_EQ(mp.host, "127.0.0.1");
  EXPECT_EQ(mp.ip_internal, "127.0.0.1");
  EXPECT_EQ(mp.ip_external, "127.0.0.1");
  EXPECT_EQ(mp.port_num, 5236);
  EXPECT_EQ(mp.ap_port_num, 6000);
  EXPECT_EQ(mp.mp_port, 9000);
  EXPECT_EQ(mp.path, "/var/lib/dpc/mini/mp");
  EXPECT_EQ(mp.os, OsKind::Linux);
  EXPECT_EQ(mp.description, "MP instance");
  EXPECT_EQ(mp.raft_self_id, 0);  // a single MP has no RAFT peers
  const Instance& sp = topo.instances[1];
  EXPECT_EQ(sp.name, "SP1");
  EXPECT_EQ(sp.raft, "RAFT_SP1");
  EXPECT_EQ(sp.port_num, 5237);
  EXPECT_EQ(sp.ap_port_num, 6001);
  EXPECT_EQ(sp.mp_port, 0);
  EXPECT_EQ(sp.description, "SP instance");
  EXPECT_FALSE(sp.register_status.has_value());
  for (int k = 1; k <= 3; ++k) {
    const Instance& bp = topo.instances[1 + k];
    EXPECT_EQ(bp.name, "BP1" + std::to_string(k));
    EXPECT_EQ(bp.raft, "RAFT_1");
    EXPECT_EQ(bp.port_num, 5237 + k);
    EXPECT_EQ(bp.ap_port_num, 6001 + k);
    EXPECT_EQ(bp.path, "/var/lib/dpc/mini/bp1" + std::to_string(k));
    EXPECT_EQ(bp.raft_self_id, k);
    EXPECT_EQ(bp.raft_vote_interval, 1000 + 500 * k);
    EXPECT_EQ(bp.kind, ReplicaKind::Voter);
    EXPECT_EQ(bp.description, "BP instance");
    EXPECT_EQ(bp.source_path, "bp_rafts[0].replicas");
  }
  ASSERT_EQ(topo.rafts.size(), 3u);
  EXPECT_EQ(topo.rafts[0].name, "MP_RAFT");
  EXPECT_EQ(topo.rafts[0].role, Role::MP);
  EXPECT_EQ(topo.rafts[1].name, "RAFT_SP1");
  EXPECT_EQ(topo.rafts[1].role, Role::SP);
  EXPECT_EQ(topo.rafts[2].name, "RAFT_1");
  EXPECT_EQ(topo.rafts[2].members, (std::vector<std::string>{"BP11", "BP12", "BP13"}));
  EXPECT_EQ(topo.timing.raft_hb_interval, 150);
  EXPECT_EQ(topo.timing.xmal_hb_interval, 5);
  EXPECT_EQ(topo.archive.dir_name, "arch");
  EXPECT_EQ(topo.archive.backup_name, "BACKUP_01");
  EXPECT_EQ(topo.password.env, "DM_SYSDBA_PWD");
  EXPECT_FALSE(topo.auto_overwrite.has_value());
  EXPECT_EQ(topo.source_file, "test.json");
}

TEST(LoadTopology, SshSettingsPerHostOverrideTheDefaultsFieldByField) {
  Topology topo = load_ok(R"({
    "cluster": "ssh",
    "defaults": { "host": "10.0.0.1", "base_dir": "/d",
                  "ssh": { "user": "dmdba", "port": 22, "options": ["StrictHostKeyChecking=yes"] } },
    "hosts": { "10.0.0.2": { "ssh": { "port": 2222, "jump_host": "bastion", "options": ["Compression=yes"] } } },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1", "host": "10.0.0.2" } ],
    "bp_rafts": [ { "name": "RAFT_1", "replicas": 1 } ]
  })");
  SshSettings one = topo.ssh_for("10.0.0.1");
  EXPECT_EQ(one.user.value_or(""), "dmdba");
  EXPECT_EQ(one.port.value_or(0), 22);
  EXPECT_FALSE(one.jump_host.has_value());
  SshSettings two = topo.ssh_for("10.0.0.2");
  EXPECT_EQ(two.user.value_or(""), "dmdba");
  EXPECT_EQ(two.port.value_or(0), 2222);
  EXPECT_EQ(two.jump_host.value_or(""), "bastion");
  EXPECT_EQ(two.options, (std::vector<std::string>{"StrictHostKeyChecking=yes", "Compression=yes"}));
}

TEST(LoadTopology, SshMistakesAreNamedWithTheirPath) {
  LoadOutcome bad = load_topology_text(R"({
    "cluster": "ssh",
    "defaults": { "host": "10.0.0.1", "base_dir": "/d", "ssh": { "usr": "x", "port": 70000, "options": ["yes"] } },
    "hosts": { "10.0.0.9": { "ssh": { "user": "y" } } },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_1", "replicas": 1 } ]
  })", "test.json");
  const std::string errors = errors_of(bad);
  EXPECT_NE(errors.find("defaults.ssh.usr"), std::string::npos) << errors;
  EXPECT_NE(errors.find("defaults.ssh.port"), std::string::npos) << errors;
  EXPECT_NE(errors.find("is not KEY=VALUE"), std::string::npos) << errors;
}

TEST(LoadTopology, HostSettingsMustNameAHostOfTheTopology) {
  LoadOutcome typo = load_topology_text(R"({
    "cluster": "ssh",
    "defaults": { "host": "10.0.0.1", "base_dir": "/d" },
    "hosts": { "10.0.0.9": { "ssh": { "user": "y" } } },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_1", "replicas": 1 } ]
  })", "test.json");
  const std::string errors = errors_of(typo);
  EXPECT_NE(errors.find("no instance is on host \"10.0.0.9\""), std::string::npos) << errors;
}

TEST(LoadTopology, TheShippedTenLineFileLoads) {
  LoadOutcome outcome = load_topology_file(kTopologies + "mini-3replica.json");
  ASSERT_TRUE(outcome.ok()) << errors_of(outcome);
  EXPECT_EQ(outcome.topology->instances.size(), 5u);
  EXPECT_EQ(outcome.topology->source_file, kTopologies + "mini-3replica.json");
}

TEST(LoadTopology, AllocatedPortsSkipExplicitOnesOnTheSameHost) {
  Topology topo = load_ok(R"({
    "cluster": "c", "defaults": { "host": "h1", "base_dir": "/d" },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1", "host": "h2" } ],
    "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP1", "port_num": 5236, "ap_port_num": 9000 } ] } ]
  })");
  const Instance* mp = topo.find_instance("MP");
  const Instance* sp = topo.find_instance("SP1");
  EXPECT_EQ(mp->port_num, 5237);     // 5236 is BP1's on h1
  EXPECT_EQ(sp->port_num, 5236);     // another host
  EXPECT_EQ(mp->ap_port_num, 6000);
  EXPECT_EQ(mp->mp_port, 9001);      // 9000 is BP1's ap_port_num
}

TEST(LoadTopology, MpPortSkipsApPortsOfOtherHosts) {
  Topology topo = load_ok(R"({
    "cluster": "c", "defaults": { "base_dir": "/d" },
    "mp": { "instances": [ { "name": "MP", "host": "h1" } ] },
    "sp": [ { "name": "SP1", "host": "h2", "ap_port_num": 9000 } ],
    "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP1", "host": "h3" } ] } ]
  })");
  EXPECT_EQ(topo.find_instance("MP")->mp_port, 9001);
}

TEST(LoadTopology, WindowsStyleComesFromBaseDir) {
  Topology topo = load_ok(R"({
    "cluster": "c", "defaults": { "host": "h", "base_dir": "d:\\dpc" },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP1", "path": "e:\\other\\bp1" } ] } ]
  })");
  EXPECT_EQ(topo.find_instance("MP")->path, "d:\\dpc\\mp");
  EXPECT_EQ(topo.find_instance("MP")->os, OsKind::Windows);
  EXPECT_EQ(topo.find_instance("BP1")->path, "e:\\other\\bp1");
  EXPECT_EQ(topo.find_instance("BP1")->os, OsKind::Windows);
}

TEST(LoadTopology, DefaultsOsWinsOverPathStyle) {
  Topology topo = load_ok(R"({
    "cluster": "c", "defaults": { "host": "h", "os": "windows", "base_dir": "/srv/dpc" },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1" } ], "bp_rafts": [ { "name": "RAFT_1", "replicas": 1 } ]
  })");
  EXPECT_EQ(topo.find_instance("MP")->os, OsKind::Windows);
}

TEST(LoadTopology, IpExternalAbsentCopiesInternalButEmptyStaysEmpty) {
  Topology topo = load_ok(R"({
    "cluster": "c", "defaults": { "host": "10.0.0.1", "base_dir": "/d" },
    "mp": { "instances": [ { "name": "MP", "ip_internal": "192.168.0.1" } ] },
    "sp": [ { "name": "SP1", "ip_external": "" } ],
    "bp_rafts": [ { "name": "RAFT_1", "replicas": 1 } ]
  })");
  EXPECT_EQ(topo.find_instance("MP")->ip_internal, "192.168.0.1");
  EXPECT_EQ(topo.find_instance("MP")->ip_external, "192.168.0.1");
  EXPECT_EQ(topo.find_instance("SP1")->ip_internal, "10.0.0.1");
  EXPECT_EQ(topo.find_instance("SP1")->ip_external, "");
}

TEST(LoadTopology, ReplicasUseGroupIndexOrMemberPrefix) {
  Topology topo = load_ok(R"({
    "cluster": "c", "defaults": { "host": "h", "base_dir": "/d" },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_A", "replicas": 1 },
                  { "name": "RAFT_B", "replicas": 3, "member_prefix": "DN_B" } ]
  })");
  EXPECT_NE(topo.find_instance("BP11"), nullptr);
  EXPECT_EQ(topo.find_instance("BP11")->raft_self_id, 0);
  EXPECT_EQ(topo.find_raft("RAFT_B")->members,
            (std::vector<std::string>{"DN_B1", "DN_B2", "DN_B3"}));
}

TEST(LoadTopology, MpRaftGroupGetsSelfIdsVoteIntervalsAndMpPorts) {
  Topology topo = load_ok(R"({
    "cluster": "c", "defaults": { "host": "h", "base_dir": "/d" },
    "mp": { "instances": [ { "name": "MP1" }, { "name": "MP2" }, { "name": "MP3" } ],
            "mp_reconn_timeout": 30 },
    "sp": [ { "name": "SP1" } ], "bp_rafts": [ { "name": "RAFT_1", "replicas": 1 } ]
  })");
  ASSERT_NE(topo.mp_group(), nullptr);
  EXPECT_TRUE(topo.mp_replicated());
  EXPECT_EQ(topo.mp_group()->members, (std::vector<std::string>{"MP1", "MP2", "MP3"}));
  for (int k = 1; k <= 3; ++k) {
    const Instance* mp = topo.find_instance("MP" + std::to_string(k));
    EXPECT_EQ(mp->raft_self_id, k);
    EXPECT_EQ(mp->raft_vote_interval, 1000 + 500 * k);
    EXPECT_EQ(mp->mp_port, 8999 + k);
  }
  EXPECT_EQ(topo.mp_reconn_timeout, 30);
}

TEST(LoadTopology, ShadowAndLearnerSetTheReplicaKind) {
  Topology topo = load_ok(R"({
    "cluster": "c", "defaults": { "host": "h", "base_dir": "/d" },
    "mp": { "instances": [ { "name": "MP" } ] }, "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP11" }, { "name": "BP12" },
                    { "name": "BP13", "shadow": true } ] },
                  { "name": "RAFT_2", "members": [ { "name": "BP21" }, { "name": "BP22" },
                    { "name": "BP23", "learner": true } ] } ]
  })");
  EXPECT_EQ(topo.find_instance("BP13")->kind, ReplicaKind::Shadow);
  EXPECT_EQ(topo.find_instance("BP23")->kind, ReplicaKind::Learner);
  EXPECT_EQ(topo.find_instance("BP12")->kind, ReplicaKind::Voter);
}

TEST(LoadTopology, PasswordFileReplacesTheDefaultEnv) {
  Topology topo = load_ok(R"({
    "cluster": "c",
    "defaults": { "host": "h", "base_dir": "/d", "sysdba_password": { "file": "/root/.dmpwd" },
                  "auto_overwrite": 2, "dm_home": "/opt/dm" },
    "mp": { "instances": [ { "name": "MP" } ] }, "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_1", "replicas": 1 } ]
  })");
  EXPECT_EQ(topo.password.file, "/root/.dmpwd");
  EXPECT_EQ(topo.password.env, "");
  EXPECT_EQ(topo.auto_overwrite, 2);
  EXPECT_EQ(topo.dm_home, "/opt/dm");
}

TEST(LoadTopology, InstancesAreMpsThenSpsThenBpsWithSourcePaths) {
  Topology topo = load_ok(R"({
    "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP1" } ] } ],
    "sp": [ { "name": "SP1" }, { "name": "SP2", "raft": "SPR_2" } ],
    "mp": { "instances": [ { "name": "MP" } ] },
    "cluster": "c", "defaults": { "host": "h", "base_dir": "/d" },
    "bp_groups": [ { "name": "BG_1", "rafts": ["RAFT_1"] } ],
    "fault_domains": [ { "name": "FD_1", "instances": ["BP1"] } ]
  })");
  std::vector<std::string> names;
  for (const auto& inst : topo.instances) names.push_back(inst.name + "@" + inst.source_path);
  EXPECT_EQ(names, (std::vector<std::string>{"MP@mp.instances[0]", "SP1@sp[0]", "SP2@sp[1]",
                                             "BP1@bp_rafts[0].members[0]"}));
  EXPECT_EQ(topo.find_raft("SPR_2")->source_path, "sp[1]");
  EXPECT_EQ(topo.find_raft("RAFT_1")->source_path, "bp_rafts[0]");
  EXPECT_EQ(topo.bp_groups[0].source_path, "bp_groups[0]");
  EXPECT_EQ(topo.fault_domains[0].source_path, "fault_domains[0]");
}

TEST(LoadTopology, MissingFileIsOneErrorNamingTheFile) {
  LoadOutcome outcome = load_topology_file("/nonexistent/dir/topo.json");
  EXPECT_FALSE(outcome.ok());
  ASSERT_EQ(outcome.diagnostics.size(), 1u);
  EXPECT_NE(outcome.diagnostics[0].message.find("/nonexistent/dir/topo.json"), std::string::npos);
  EXPECT_NE(outcome.diagnostics[0].message.find("No such file"), std::string::npos);
}

TEST(LoadTopology, DirectoryIsNotATopologyFile) {
  LoadOutcome outcome = load_topology_file(kTopologies);
  ASSERT_EQ(outcome.diagnostics.size(), 1u);
  EXPECT_NE(outcome.diagnostics[0].message.find("is a directory"), std::string::npos);
}

TEST(LoadTopology, TopologyIsKeptForInspectionEvenWhenInvalid) {
  LoadOutcome outcome = load_topology_text(R"({"cluster": "c", "mp": {"instances": []},
    "sp": [], "bp_rafts": []})", "t.json");
  EXPECT_FALSE(outcome.ok());
  EXPECT_TRUE(outcome.topology.has_value());
}

TEST(LoadTopology, FieldNamesPerLevel) {
  const auto fields = topology_field_names("bp_member");
  EXPECT_NE(std::find(fields.begin(), fields.end(), "raft_vote_interval"), fields.end());
  EXPECT_EQ(std::find(fields.begin(), fields.end(), "mp_port"), fields.end());
  EXPECT_TRUE(topology_field_names("no_such_level").empty());
}

}  // namespace
}  // namespace dpc

namespace dpc {
namespace {

TEST(LoadTopology, PortZeroIsRefusedNotAllocated) {
  // Before: "port_num": 0 silently meant "pick one".
  for (const char* field : {"port_num", "ap_port_num", "mp_port"}) {
    const std::string text = std::string(R"({
      "cluster": "t", "defaults": { "host": "127.0.0.1", "base_dir": "/tmp/t" },
      "mp": { "instances": [ { "name": "MP", ")") + field + R"(": 0 } ] },
      "sp": [ { "name": "SP1" } ],
      "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP11" } ] } ] })";
    LoadOutcome o = load_topology_text(text, "t.json");
    EXPECT_FALSE(o.ok()) << field;
    ASSERT_EQ(o.diagnostics.size(), 1u) << format_diagnostics(o.diagnostics, "t.json");
    const Diagnostic& d = o.diagnostics[0];
    EXPECT_EQ(d.path, std::string("mp.instances[0].") + field);
    EXPECT_EQ(d.message, std::string(field) + " 0 is not a port; 0 does not mean \"pick one\"");
    EXPECT_EQ(d.line, 3);
  }
}

}  // namespace
TEST(LoadTopology, OdbcDefaultsAndSqlViaPerHost) {
  Topology topo = load_ok(R"({
    "cluster": "odbc",
    "defaults": { "host": "10.0.0.1", "base_dir": "/d",
                  "odbc": { "driver": "PostgreSQL Unicode", "connection": "DRIVER={%DRIVER%};SERVER=%HOST%;PORT=%PORT%" } },
    "hosts": { "10.0.0.2": { "ssh": { "sql_via": "tunnel", "copy": "via-control" } } },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1", "host": "10.0.0.2" } ],
    "bp_rafts": [ { "name": "RAFT_1", "replicas": 1 } ]
  })");
  EXPECT_FALSE(topo.ssh_for("10.0.0.1").copy.has_value());
  EXPECT_EQ(topo.ssh_for("10.0.0.2").copy.value_or(""), "via-control");
  EXPECT_EQ(topo.odbc.driver, "PostgreSQL Unicode");
  EXPECT_EQ(topo.odbc.connection, "DRIVER={%DRIVER%};SERVER=%HOST%;PORT=%PORT%");
  EXPECT_FALSE(topo.ssh_for("10.0.0.1").sql_via.has_value());
  EXPECT_EQ(topo.ssh_for("10.0.0.2").sql_via.value_or(""), "tunnel");

  LoadOutcome bad = load_topology_text(R"({
    "cluster": "odbc",
    "defaults": { "host": "10.0.0.1", "base_dir": "/d", "odbc": { "drvier": "x" },
                  "ssh": { "sql_via": "vpn", "copy": "scp" } },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_1", "replicas": 1 } ]
  })", "test.json");
  const std::string errors = errors_of(bad);
  EXPECT_NE(errors.find("defaults.odbc.drvier"), std::string::npos) << errors;
  EXPECT_NE(errors.find("defaults.ssh.sql_via"), std::string::npos) << errors;
  EXPECT_NE(errors.find("\"tunnel\""), std::string::npos) << errors;
  EXPECT_NE(errors.find("defaults.ssh.copy: unknown copy \"scp\""), std::string::npos) << errors;
  EXPECT_NE(errors.find("\"via-control\""), std::string::npos) << errors;
}

}  // namespace dpc
