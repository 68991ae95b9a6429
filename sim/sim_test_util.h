// Test support for the simulator's tests: the manual's §7.2 cluster (one MP,
// one SP, RAFT_1 = BP11..BP13, RAFT_2 = BP21..BP23 on one Windows host)
// driven step by step through the simulator's tools, files and SQL, with
// each step a separate call so a test can stop, skip or change one of them.
// Header-only; used only by *_test.cc in sim/.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/executor.h"
#include "core/ini.h"
#include "core/plan_builder.h"
#include "core/topology_load.h"
#include "sim/cluster.h"
#include "sim/sim_backend.h"

namespace dpc::sim::simtest {

inline const std::string kHost = "223.254.30.136";

struct Member {
  std::string name;
  std::string path;
  int port;
  int ap_port;
  int self_id;
  int vote;
};

inline std::string dm_ini(const std::string& path) { return path + R"(\DAMENG\dm.ini)"; }
inline std::string db_file(const std::string& path, const std::string& f) {
  return path + R"(\DAMENG\)" + f;
}

/// Deploys a topology given as JSON text through the executor and the
/// SimBackend (the path `dpcctl deploy --backend=sim` takes).
inline ExecutionReport deploy_json(SimCluster& c, const std::string& json) {
  auto loaded = load_topology_text(json, "inline topology");
  EXPECT_TRUE(loaded.ok()) << "the inline topology does not load";
  if (!loaded.ok()) return ExecutionReport{};
  SimBackend backend(c);
  Executor ex(backend, ExecutorOptions{});
  return ex.run(build_deploy_plan(*loaded.topology));
}

/// MP and SP on h0, RAFT_1 = BP11 (1500 ms) on h1, BP12 (2000) on h2, BP13 (2500) on h3.
inline const char* kThreeHosts = R"({
  "cluster": "three-hosts",
  "defaults": {"host": "h0", "base_dir": "/dm"},
  "mp": {"instances": [{"name": "MP"}]},
  "sp": [{"name": "SP1"}],
  "bp_rafts": [{"name": "RAFT_1", "members": [
     {"name": "BP11", "host": "h1", "raft_vote_interval": 1500},
     {"name": "BP12", "host": "h2", "raft_vote_interval": 2000},
     {"name": "BP13", "host": "h3", "raft_vote_interval": 2500}]}]
})";

/// Time of the first trace event of `kind` at `instance` at or after `from`, or -1.
inline SimTime event_time(const SimCluster& c, const std::string& kind, const std::string& instance,
                          SimTime from = 0) {
  for (const auto& e : c.trace().events()) {
    if (e.time >= from && e.kind == kind && e.instance == instance) return e.time;
  }
  return -1;
}

/// Whether any trace event of `kind` has a detail containing `text`.
inline bool traced(const SimCluster& c, const std::string& kind, const std::string& text) {
  for (const auto& e : c.trace().events()) {
    if (e.kind == kind && e.detail.find(text) != std::string::npos) return true;
  }
  return false;
}

/// The manual's §7.2 deployment, one step per method.
class Manual72 {
 public:
  explicit Manual72(SimOptions options = {}) : c(std::move(options)) {}

  SimCluster c;
  const std::string sp = R"(d:\dpc_data_mac\sp1)";
  const std::string mp = R"(d:\dpc_data_mac\mp)";
  std::vector<Member> raft1 = {{"BP11", R"(d:\dpc_data_mac\bp11)", 5238, 6002, 1, 1500},
                               {"BP12", R"(d:\dpc_data_mac\bp12)", 5239, 6003, 2, 2000},
                               {"BP13", R"(d:\dpc_data_mac\bp13)", 5240, 6004, 3, 2500}};
  std::vector<Member> raft2 = {{"BP21", R"(d:\dpc_data_mac\bp21)", 5241, 6005, 1, 1500},
                               {"BP22", R"(d:\dpc_data_mac\bp22)", 5242, 6006, 2, 2000},
                               {"BP23", R"(d:\dpc_data_mac\bp23)", 5243, 6007, 3, 2500}};
  int mp_port = 9000;

  std::vector<const Member*> bps() const {
    std::vector<const Member*> out;
    for (const auto& m : raft1) out.push_back(&m);
    for (const auto& m : raft2) out.push_back(&m);
    return out;
  }

  Result<ToolOutcome> tool(const std::string& program, std::vector<std::string> args) {
    return c.run_tool_sync(kHost, program, std::move(args));
  }
  /// Runs a tool and expects success (exit 0, and CMD END.CODE:[0] for dmrman).
  void tool_ok(const std::string& program, std::vector<std::string> args) {
    auto r = tool(program, args);
    ASSERT_TRUE(r.ok()) << r.message();
    ASSERT_EQ(r->exit_code, 0) << r->output;
  }

  // 7.2.1
  void init_all() {
    tool_ok("dminit", {"path=" + sp, "instance_name=SP1", "port_num=5236", "ap_port_num=6000", "dpc_mode=SP"});
    tool_ok("dminit", {"path=" + mp, "instance_name=MP", "port_num=5237", "ap_port_num=6001", "dpc_mode=MP"});
    for (const Member* m : bps()) {
      tool_ok("dminit", {"path=" + m->path, "instance_name=" + m->name,
                         "port_num=" + std::to_string(m->port),
                         "ap_port_num=" + std::to_string(m->ap_port), "dpc_mode=BP"});
    }
  }
  // 7.2.2
  std::string mp_ini() const {
    return "mp_host = " + kHost + "\nmp_port = " + std::to_string(mp_port) +
           "      #与MP、BP和SP上的ap_port_num不冲突的端口号\n";
  }
  void write_mp_ini() {
    std::vector<std::string> paths = {sp, mp};
    for (const Member* m : bps()) paths.push_back(m->path);
    for (const auto& p : paths) ASSERT_TRUE(c.write_file(kHost, db_file(p, "mp.ini"), mp_ini()).ok());
  }
  // 7.2.3
  Status start_mp() { return c.start_server_sync(kHost, {dm_ini(mp), "dpc_mode=MP"}); }
  // 7.2.4
  std::vector<std::string> registration_sql() const {
    return {
        "SP_CREATE_DPC_INSTANCE(NULL,'MP','MP',6001,5237, '223.254.30.136', '223.254.30.136','NORMAL',1,'MP instance');",
        "SP_CREATE_DPC_RAFT('BP', 'RAFT_1');",
        "SP_CREATE_DPC_INSTANCE('RAFT_1', 'BP11', 'BP', 6002, 5238, '223.254.30.136', '223.254.30.136','STANDBY', 0, 'BP instance');",
        "SP_CREATE_DPC_INSTANCE('RAFT_1', 'BP12', 'BP', 6003, 5239, '223.254.30.136', '223.254.30.136','STANDBY', 0, 'BP instance');",
        "SP_CREATE_DPC_INSTANCE('RAFT_1', 'BP13', 'BP', 6004, 5240, '223.254.30.136', '223.254.30.136','STANDBY', 0, 'BP instance');",
        "SP_CREATE_DPC_RAFT('BP', 'RAFT_2');",
        "SP_CREATE_DPC_INSTANCE('RAFT_2', 'BP21', 'BP', 6005, 5241, '223.254.30.136', '223.254.30.136','STANDBY', 0, 'BP instance');",
        "SP_CREATE_DPC_INSTANCE('RAFT_2', 'BP22', 'BP', 6006, 5242, '223.254.30.136', '223.254.30.136','STANDBY', 0, 'BP instance');",
        "SP_CREATE_DPC_INSTANCE('RAFT_2', 'BP23', 'BP', 6007, 5243, '223.254.30.136', '223.254.30.136','STANDBY', 0, 'BP instance');",
        "SP_CREATE_DPC_BP_GROUP('BG_1', 'bp group1');",
        "SP_BP_GROUP_ADD_RAFT('BG_1', 'RAFT_1');",
        "SP_BP_GROUP_ADD_RAFT('BG_1', 'RAFT_2');",
        "SP_CREATE_DPC_RAFT('SP', 'RAFT_SP1');",
        "SP_CREATE_DPC_INSTANCE('RAFT_SP1', 'SP1', 'SP', 6000, 5236, '223.254.30.136', '223.254.30.136','NORMAL', 2, 'SP instance');",
        "SP_CREATE_FAULT_DOMAIN ('FDOM_1', 'shanghai_1');",
        "SP_CREATE_FAULT_DOMAIN ('FDOM_2', 'shanghai_2');",
        "SP_CREATE_FAULT_DOMAIN ('FDOM_3', 'shanghai_3');",
        "SP_FAULT_DOMAIN_MV_INST('FDOM_1', 'MP');",
        "SP_FAULT_DOMAIN_MV_INST('FDOM_1', 'BP11');",
        "SP_FAULT_DOMAIN_MV_INST('FDOM_1', 'BP21');",
        "SP_FAULT_DOMAIN_MV_INST('FDOM_2', 'BP12');",
        "SP_FAULT_DOMAIN_MV_INST('FDOM_2', 'BP22');",
        "SP_FAULT_DOMAIN_MV_INST('FDOM_3', 'BP13');",
        "SP_FAULT_DOMAIN_MV_INST('FDOM_3', 'BP23');",
    };
  }
  /// Runs the registration script on the MP, from statement `from` on.
  void register_all(size_t from = 0) {
    const auto script = registration_sql();
    for (size_t i = from; i < script.size(); ++i) {
      const std::string& stmt = script[i];
      auto r = c.sql_sync(kHost, 5237, stmt);
      ASSERT_TRUE(r.ok()) << stmt << "\n" << r.message();
    }
  }
  /// Sets global keys in an instance's dm.ini (read, edit, write back).
  void edit_dm_ini(const std::string& path, std::vector<std::pair<std::string, std::string>> set) {
    auto text = c.read_file(kHost, dm_ini(path));
    ASSERT_TRUE(text.ok()) << text.message();
    ASSERT_TRUE(c.write_file(kHost, dm_ini(path), ini_set_global(*text, set)).ok());
  }
  static std::string local_archive(const std::string& path) {
    return "[ARCHIVE_LOCAL1]\nARCH_TYPE = LOCAL #本地归档类型\nARCH_DEST = " + path +
           R"(\DAMENG\arch  #本地归档文件路径)" +
           "\nARCH_FILE_SIZE = 128   #本地单个归档文件最大值,单位MB\nARCH_SPACE_LIMIT = 0   #本地归档文件总大小,0表示无限制\n";
  }
  static std::string raft_dmarch(const Member& self, const std::vector<Member>& group) {
    std::string t = "XMAL_HB_INTERVAL = 5   #节点通信检测间隔\nRAFT_HB_INTERVAL = 150   #选举心跳间隔\n";
    t += "RAFT_VOTE_INTERVAL = " + std::to_string(self.vote) + "  #选举超时时间\n";
    t += "RAFT_SELF_ID = " + std::to_string(self.self_id) + "   #多副本自身节点ID\n\n";
    int k = 1;
    for (const auto& m : group) {
      if (m.name == self.name) continue;
      t += "[ARCHIVE_RAFT" + std::to_string(k++) + "]\nARCH_TYPE = RAFT   #RAFT归档\nARCH_DEST = " + m.name +
           "  #归档目标实例名\nARCH_DEST_ID = " + std::to_string(m.self_id) + "   #归档目标多副本节点ID\n\n";
    }
    return t + local_archive(self.path);
  }
  // 7.2.6: the seed with a local-only dmarch.ini, started normally to OPEN.
  void configure_seed(const Member& seed) {
    edit_dm_ini(seed.path, {{"ARCH_INI", "1"}});
    ASSERT_TRUE(c.write_file(kHost, db_file(seed.path, "dmarch.ini"), local_archive(seed.path)).ok());
  }
  Status start_seed(const Member& seed) {
    return c.start_server_sync(kHost, {dm_ini(seed.path), "dpc_mode=bp"});
  }
  /// Types `exit` and runs until the instance has stopped.
  void exit_and_wait(const std::string& name) {
    ASSERT_TRUE(c.console(name, "exit").ok());
    ASSERT_TRUE(c.run_until([&] { return !c.view(name).running; }, c.now() + 60'000));
  }
  std::string backup_dir(const Member& seed) const { return seed.path + R"(\BACKUP_01)"; }
  // 7.2.7.1
  void backup_seed(const Member& seed) {
    tool_ok("dmrman", {"CTLSTMT=BACKUP DATABASE '" + dm_ini(seed.path) +
                           "' FULL TO BACKUP_01 BACKUPSET '" + backup_dir(seed) + "'",
                       "USE_AP=2"});
  }
  void restore(const Member& target, const Member& seed) {
    tool_ok("dmrman", {"CTLSTMT=RESTORE DATABASE '" + dm_ini(target.path) +
                           "' FROM BACKUPSET '" + backup_dir(seed) + "'",
                       "USE_AP=2"});
  }
  void update_magic(const Member& target) {
    tool_ok("dmrman", {"CTLSTMT=RECOVER DATABASE '" + dm_ini(target.path) + "' UPDATE DB_MAGIC",
                       "USE_AP=2"});
  }
  // 7.2.7.2 and 7.2.7.3
  void configure_members(const std::vector<Member>& group) {
    for (const auto& m : group) {
      edit_dm_ini(m.path, {{"ARCH_INI", "1"}, {"ALTER_MODE_STATUS", "0"}});
      ASSERT_TRUE(c.write_file(kHost, db_file(m.path, "dmarch.ini"), raft_dmarch(m, group)).ok());
    }
  }
  /// 7.2.6 and 7.2.7 for one group, by the manual.
  void prepare_group(const std::vector<Member>& group) {
    const Member& seed = group[0];
    configure_seed(seed);
    Status st = start_seed(seed);
    ASSERT_TRUE(st.ok()) << st.message();
    exit_and_wait(seed.name);
    backup_seed(seed);
    for (size_t i = 1; i < group.size(); ++i) {
      restore(group[i], seed);
      update_magic(group[i]);
    }
    configure_members(group);
  }
  /// Everything before 7.2.8.
  void prepare() {
    init_all();
    write_mp_ini();
    Status st = start_mp();
    ASSERT_TRUE(st.ok()) << st.message();
    register_all();
    prepare_group(raft1);
    prepare_group(raft2);
  }
  void start_async(const std::string& path, const std::string& mode, bool mount,
                   std::vector<Status>* results = nullptr) {
    std::vector<std::string> args = {dm_ini(path), "dpc_mode=" + mode};
    if (mount) args.push_back("MOUNT");
    c.start_server(kHost, args, [results](Status st) {
      if (results) results->push_back(st);
    });
  }
  /// 7.2.8: the SP and every BP MOUNT, all at once. Returns the time they were started.
  Millis start_all(std::vector<Status>* results = nullptr) {
    const Millis t0 = c.now();
    start_async(sp, "SP", false, results);
    for (const Member* m : bps()) start_async(m->path, "BP", true, results);
    return t0;
  }
  bool healthy() {
    auto r = c.sql_sync("SP1", "SELECT 1 FROM DUAL");
    return r.ok();
  }
  /// Runs until both groups have a PRIMARY/OPEN leader and the SP answers.
  bool run_until_healthy(Millis within_ms) {
    return c.run_until(
        [&] {
          for (const char* g : {"RAFT_1", "RAFT_2"}) {
            auto l = c.group_leader(g);
            if (!l) return false;
            auto v = c.view(*l);
            if (v.status != "OPEN" || v.mode != "PRIMARY") return false;
          }
          return c.view("SP1").status == "OPEN";
        },
        c.now() + within_ms);
  }
  /// The whole procedure; returns the time the MOUNT starts were issued.
  Millis deploy() {
    prepare();
    const Millis t0 = start_all();
    EXPECT_TRUE(run_until_healthy(30'000)) << c.trace().tail(40);
    return t0;
  }
};

}  // namespace dpc::sim::simtest
