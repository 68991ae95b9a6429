// The multi-host test: the manual's §7.2 cluster spread over three hosts
// (scenarios/topologies/spread-7.2.json: every RAFT group has one member per
// host, the same ports on every host) deployed through RealBackend over real
// OpenSSH to three network-namespace hosts made by tests/multihost/rig.sh,
// each with its own sshd and its own private filesystem for DM data. The DM
// tools are the stand-ins (real-backend/fakes) from the build tree, which
// every host sees. Then status, stop, and the faults: dpcctl killed mid-deploy
// (the backend dropped) then --resume; one host's network cut mid-deploy,
// healed, then --resume; one host's sshd stopped, then preflight and
// `dpcctl check` name that host within 5 s. The backup sets go host to host
// where the hosts reach each other, else through this machine
// (copy_route_test.cc shows which way the bytes went).
//
// SQL goes over the network: RealBackend's ODBC connector, through Debian's
// PostgreSQL ODBC driver (psqlodbc), connects to each instance's address and
// PORT_NUM on its namespace host, where the stand-in dmserver answers it
// over the PostgreSQL v3 protocol with the same model FakeDpcSql uses
// in-process (real-backend/testing/dpc_sql_model.h); the stand-ins learn
// whether their peers run by asking them over the namespace network, and
// read the cluster from dpc-fake-cluster.json in each host's data directory.
// One test reaches a host whose DM ports the control machine cannot reach
// through SSH tunnels (sql_via "tunnel").
//
// Skipped unless run by the rig (DPC_MH_ROOT set).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>
#include <gtest/gtest.h>

#include "core/cluster_status.h"
#include "core/endpoints.h"
#include "core/executor.h"
#include "core/journal.h"
#include "core/plan_builder.h"
#include "core/topology_load.h"
#include "real-backend/asio_process_launcher.h"
#include "real-backend/atomic_file.h"
#include "real-backend/preflight.h"
#include "real-backend/preflight_hosts.h"
#include "real-backend/real_backend.h"
#include "real-backend/sql_tunnel.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr const char* kPassword = "Multi_Host_Pwd_913";
/// Debian's PostgreSQL ODBC driver (odbc-postgresql registers it with unixODBC).
constexpr const char* kPgDriver = "PostgreSQL Unicode";
constexpr const char* kPgConnection =
    "DRIVER={%DRIVER%};SERVER=%HOST%;PORT=%PORT%;DATABASE=dpc;UID=%UID%;PWD=%PWD%;UseServerSidePrepare=0";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

/// While it lives, namespace host `ns` refuses its TCP replies from `ports`
/// ("22", "5236-5239") to this machine: a firewall between the two.
class RepliesRefused {
 public:
  RepliesRefused(std::string ns, const std::string& ports)
      : ns_(std::move(ns)), rule_(" to " + env("DPC_MH_CONTROL") + " ipproto tcp sport " + ports + " prohibit") {
    added_ = std::system(("ip -n " + ns_ + " rule add" + rule_).c_str()) == 0;
  }
  ~RepliesRefused() {
    if (added_) (void)std::system(("ip -n " + ns_ + " rule del" + rule_).c_str());
  }
  RepliesRefused(const RepliesRefused&) = delete;
  RepliesRefused& operator=(const RepliesRefused&) = delete;
  bool added() const { return added_; }

 private:
  std::string ns_, rule_;
  bool added_ = false;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::string> files_containing(const std::string& dir, const std::string& needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec || !it->is_regular_file(ec)) continue;
    auto text = read_whole_file(it->path().string());
    if (text && text->find(needle) != std::string::npos) out.push_back(it->path().string());
  }
  return out;
}

class MultiHost : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = env("DPC_MH_ROOT");
    if (root_.empty()) GTEST_SKIP() << "run through tests/multihost/rig.sh";
    hosts_ = words(env("DPC_MH_HOSTS"));
    ASSERT_EQ(hosts_.size(), 3u);
    auto loaded = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/spread-7.2.json");
    ASSERT_TRUE(loaded.ok());
    topo_ = *loaded.topology;
    seen_ = topo_;
    const std::string data = env("DPC_MH_DATA");
    for (size_t i = 0; i < topo_.instances.size(); ++i) {
      Instance& inst = topo_.instances[i];
      const auto h = std::find(hosts_.begin(), hosts_.end(), inst.host);
      ASSERT_NE(h, hosts_.end()) << inst.name << " is on " << inst.host;
      // The same path is private on every host; from here it is <root>/hN.
      inst.path = data + "/" + lower(inst.name);
      seen_.instances[i].path = root_ + "/h" + std::to_string(h - hosts_.begin() + 1) + "/" + lower(inst.name);
    }
    config_.dm_home = DPC_FAKE_DM_HOME;
    config_.dm_home_origin = "test";
    config_.state_dir = root_ + "/state";
    config_.remote_state_dir = data + "/state";
    config_.run_one_max_wait_ms = 50;
    config_.stop_grace_ms = 1000;
    config_.ssh_defaults.user = "root";
    config_.ssh_defaults.identity_file = env("DPC_MH_IDENTITY");
    config_.ssh_defaults.options = {"UserKnownHostsFile=" + env("DPC_MH_KNOWN_HOSTS"),
                                    "StrictHostKeyChecking=yes"};
    config_.ssh_defaults.connect_timeout_s = 3;
    config_.probe_binaries = false;
    config_.odbc_driver = kPgDriver;
    config_.odbc_connection = kPgConnection;
    config_.connect_timeout_ms = 10000;
    for (const Instance& inst : topo_.instances) config_.instance_hosts[inst.name] = inst.host;
    ::setenv("DM_SYSDBA_PWD", kPassword, 1);
    // Each test starts from empty hosts.
    std::error_code ec;
    fs::remove_all(config_.state_dir, ec);
    for (size_t h = 1; h <= hosts_.size(); ++h) {
      for (const auto& e : fs::directory_iterator(root_ + "/h" + std::to_string(h), ec)) fs::remove_all(e.path(), ec);
      // The cluster the stand-in servers of this host answer SQL about.
      fs::copy_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/spread-7.2.json",
                    root_ + "/h" + std::to_string(h) + "/dpc-fake-cluster.json", ec);
    }
    make_backend();
  }

  void TearDown() override {
    if (backend_) {
      for (const Instance& inst : topo_.instances) {
        if (backend_->server_running(inst.name)) (void)backend_->signal(inst.name, Signal::Kill);
      }
    }
    backend_.reset();
  }

  void make_backend() {
    backend_.reset();
    auto io = std::make_shared<boost::asio::io_context>();
    backend_ = std::make_unique<RealBackend>(config_, Secret(kPassword), io,
                                             std::make_unique<AsioProcessLauncher>(*io),
                                             make_sql_connector(config_, Secret(kPassword)));
  }

  /// A new backend (with config_ as it is now) deploys the topology, and
  /// the cluster is healthy.
  void deploy_anew_and_expect_healthy() {
    make_backend();
    ExecutionReport deployed = Executor(*backend_, options()).run(build_deploy_plan(topo_));
    ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;
    ClusterStatus status = gather_status(*backend_, topo_);
    EXPECT_TRUE(status.healthy) << status.health_note;
  }

  ExecutorOptions options() {
    ExecutorOptions o;
    o.parallel = 4;
    o.poll_interval_ms = 100;
    o.endpoints = sql_endpoints(topo_);
    return o;
  }

  std::string root_;
  std::vector<std::string> hosts_;
  Topology topo_;  ///< as the hosts see it
  Topology seen_;  ///< the same, with paths as this machine sees them
  RealConfig config_;
  std::unique_ptr<RealBackend> backend_;
};

TEST_F(MultiHost, DeploysAcrossThreeHostsCarryingBackupSetsThenStatusAndStop) {
  const Plan plan = build_deploy_plan(topo_);
  int copies = 0;
  for (const Step& s : plan.steps) copies += s.kind == StepKind::CopyBackup ? 1 : 0;
  ASSERT_EQ(copies, 4) << "RAFT_1 and RAFT_2 each carried to two other hosts";

  ExecutionReport deployed = Executor(*backend_, options()).run(plan);
  ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;
  // The registration reached the MP's stand-in over the network: its catalog
  // (kept beside its database on host 1) names every instance.
  auto catalog = read_whole_file(root_ + "/h1/mp/DAMENG/fake.catalog");
  ASSERT_TRUE(catalog.ok()) << "the MP stand-in took no registration SQL";
  for (const Instance& inst : topo_.instances) EXPECT_THAT(*catalog, HasSubstr("instance\t" + inst.name + "\n"));
  for (size_t i = 0; i < topo_.instances.size(); ++i) {
    const Instance& inst = topo_.instances[i];
    EXPECT_TRUE(backend_->server_running(inst.name)) << inst.name;
    EXPECT_TRUE(fs::exists(seen_.instances[i].path + "/DAMENG/dm.ini")) << inst.name;
    // Private: the path the host uses is empty on this machine.
    EXPECT_FALSE(fs::exists(inst.path)) << inst.path;
  }
  // The seeds' sets, carried and verified, are on the other hosts' disks.
  for (const char* h : {"h2", "h3"}) {
    for (const char* seed : {"bp11", "bp21"}) {
      EXPECT_TRUE(fs::is_directory(root_ + "/" + h + "/" + seed + "/BACKUP_01")) << h << " " << seed;
    }
  }
  // Host 1 logs in to host 2 with the hosts' own key: those sets went host
  // to host (host 2's sshd saw host 1 log in). Host 3 refuses that key, so
  // its sets came through this machine, and the deploy did not mind.
  for (const char* seed : {"BP11", "BP21"}) {
    auto log = read_whole_file(config_.state_dir + "/logs/" + seed + ".log");
    ASSERT_TRUE(log.ok()) << seed;
    EXPECT_THAT(*log, HasSubstr(" to " + hosts_[1] + ": host to host: " + hosts_[0] + " reaches " + hosts_[1] +
                                " over SSH as root"));
    EXPECT_THAT(*log, HasSubstr(" to " + hosts_[2] + ": through this machine: " + hosts_[0] + " cannot reach " +
                                hosts_[2] + " over SSH (root@" + hosts_[2] + ": Permission denied (publickey)"));
  }
  auto sshd2 = read_whole_file(words(env("DPC_MH_SSHD_LOGS"))[1]);
  ASSERT_TRUE(sshd2.ok());
  EXPECT_THAT(*sshd2, HasSubstr("Accepted publickey for root from " + hosts_[0] + " "));
  // Identical ports on every host.
  EXPECT_EQ(topo_.find_instance("BP12")->port_num, topo_.find_instance("BP13")->port_num);

  ClusterStatus status = gather_status(*backend_, topo_);
  EXPECT_TRUE(status.healthy) << status.health_note;

  // A later dpcctl (a new backend) sees the servers through the pid files
  // on their hosts, and stops them in the manual's order.
  make_backend();
  for (const Instance& inst : topo_.instances) EXPECT_TRUE(backend_->server_running(inst.name)) << inst.name;
  ExecutionReport stopped = Executor(*backend_, options()).run(build_stop_plan(topo_));
  ASSERT_TRUE(stopped.ok) << stopped.failed_step << ": " << stopped.error;
  for (const Instance& inst : topo_.instances) EXPECT_FALSE(backend_->server_running(inst.name)) << inst.name;

  // The password is in no file: not here, not on any host (their private
  // directories), not in a log or a left-over PARFILE.
  EXPECT_THAT(files_containing(root_, kPassword), ::testing::IsEmpty());
}

TEST_F(MultiHost, KilledMidDeployThenResumeFinishes) {
  const Plan plan = build_deploy_plan(topo_);
  {
    auto journal = Journal::open(config_.state_dir, topo_.cluster);
    ASSERT_TRUE(journal.ok()) << journal.message();
    ExecutorOptions o = options();
    o.journal = &*journal;
    // dpcctl dies while it carries the first backup set to another host:
    // the executor and its backend vanish mid-step (the copy's ssh
    // processes are killed; the step never reports). One step at a time,
    // so no other tool is caught mid-run (a dmrman BACKUP cut short is not
    // resumable: see docs/real-backend.md).
    o.parallel = 1;
    bool armed = false;
    o.on_event = [&](const StepEvent& e) {
      if (armed || e.kind != StepEvent::Kind::Started || e.step->kind != StepKind::CopyBackup) return;
      armed = true;
      backend_->call_at(backend_->now() + 150, [] { throw std::runtime_error("killed"); });
    };
    EXPECT_THROW(Executor(*backend_, o).run(plan), std::runtime_error);
  }
  make_backend();
  auto journal = Journal::open(config_.state_dir, topo_.cluster);
  ASSERT_TRUE(journal.ok()) << journal.message();
  ExecutorOptions o = options();
  o.journal = &*journal;
  o.resume = true;
  ExecutionReport resumed = Executor(*backend_, o).run(plan);
  ASSERT_TRUE(resumed.ok) << resumed.failed_step << ": " << resumed.error;
  EXPECT_GT(resumed.skipped, 0);
  ClusterStatus status = gather_status(*backend_, topo_);
  EXPECT_TRUE(status.healthy) << status.health_note;
}

TEST_F(MultiHost, ANetworkCutNamesTheHostAndResumeFinishesAfterHealing) {
  const Plan plan = build_deploy_plan(topo_);
  const std::string link = words(env("DPC_MH_LINKS"))[2];
  auto set_link = [&link](const char* state) {
    return std::system(("ip link set " + link + " " + state).c_str());
  };
  ExecutionReport cut;
  {
    auto journal = Journal::open(config_.state_dir, topo_.cluster);
    ASSERT_TRUE(journal.ok()) << journal.message();
    ExecutorOptions o = options();
    o.journal = &*journal;
    // The third host's link goes down as the first backup set is carried there.
    bool done = false;
    o.on_event = [&](const StepEvent& e) {
      if (done || e.kind != StepEvent::Kind::Started || e.step->kind != StepKind::CopyBackup ||
          e.step->host != hosts_[2]) {
        return;
      }
      done = true;
      EXPECT_EQ(set_link("down"), 0);
    };
    cut = Executor(*backend_, o).run(plan);
  }
  ASSERT_EQ(set_link("up"), 0);
  ASSERT_FALSE(cut.ok);
  EXPECT_THAT(cut.failed_step + " " + cut.error, HasSubstr(hosts_[2]));
  std::cerr << "after the cut: " << cut.failed_step << ": " << cut.error.substr(0, 400) << "\n";

  ::sleep(1);
  make_backend();
  auto journal = Journal::open(config_.state_dir, topo_.cluster);
  ASSERT_TRUE(journal.ok()) << journal.message();
  ExecutorOptions o = options();
  o.journal = &*journal;
  o.resume = true;
  ExecutionReport resumed = Executor(*backend_, o).run(plan);
  ASSERT_TRUE(resumed.ok) << resumed.failed_step << ": " << resumed.error;
  ClusterStatus status = gather_status(*backend_, topo_);
  EXPECT_TRUE(status.healthy) << status.health_note;
}

// The third host's DM ports do not answer this machine (its replies to
// them are refused by a routing rule in its namespace, as a firewall that
// lets only ssh through would): with sql_via "tunnel" for that host, its SQL
// goes through SSH local forwards and the deploy comes up healthy; straight
// to its address the same SQL fails.
TEST_F(MultiHost, SqlToAHostWhosePortsAreBlockedGoesThroughAnSshTunnel) {
  const RepliesRefused firewall(words(env("DPC_MH_NETNS"))[2], "5236-5239");
  ASSERT_TRUE(firewall.added());

  SshOptions tunnelled = config_.ssh_defaults;
  tunnelled.sql_tunnel = true;
  config_.ssh_hosts[hosts_[2]] = tunnelled;
  ASSERT_NO_FATAL_FAILURE(deploy_anew_and_expect_healthy());

  // Through a tunnel, BP13 answers; straight to its address it does not.
  const Instance& bp13 = *topo_.find_instance("BP13");
  const SqlEndpoint at{bp13.name, bp13.host, bp13.port_num};
  const std::string query = "SELECT INSTANCE_NAME, STATUS$, MODE$ FROM V$INSTANCE";
  auto tunnelled_sql = make_sql_connector(config_, Secret(kPassword));
  auto* tunnels = dynamic_cast<TunnelingSqlConnector*>(tunnelled_sql.get());
  ASSERT_NE(tunnels, nullptr);
  auto rows = tunnelled_sql->execute(at, query);
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0][0].value_or(""), "BP13");
  EXPECT_EQ(tunnels->forwards().count(bp13.host + ":" + std::to_string(bp13.port_num)), 1u);

  RealConfig direct = config_;
  direct.ssh_hosts.erase(hosts_[2]);
  direct.connect_timeout_ms = 1000;
  auto direct_sql = make_sql_connector(direct, Secret(kPassword));
  EXPECT_EQ(dynamic_cast<TunnelingSqlConnector*>(direct_sql.get()), nullptr);
  auto refused = direct_sql->execute(at, query);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.message(), HasSubstr("cannot connect to BP13 at " + bp13.host));

  // The forwards end with the connector.
  const int local_port = tunnels->forwards().begin()->second;
  tunnelled_sql.reset();
  RealConfig to_local = direct;
  auto gone = make_sql_connector(to_local, Secret(kPassword))->execute(SqlEndpoint{"BP13", "127.0.0.1", local_port}, query);
  EXPECT_FALSE(gone.ok()) << "the forward on 127.0.0.1:" << local_port << " outlived its connector";

  ExecutionReport stopped = Executor(*backend_, options()).run(build_stop_plan(topo_));
  EXPECT_TRUE(stopped.ok) << stopped.failed_step << ": " << stopped.error;
}

/// Puts the stand-in DM home into DM home `dm` on host N (1-based) only.
void place_fake_dm(const std::string& root, int host, const std::string& build) {
  const std::string home = root + "/h" + std::to_string(host) + "/dm";
  fs::create_directories(home);
  fs::copy(DPC_FAKE_DM_HOME, home, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  if (!build.empty()) {
    ASSERT_TRUE(write_file_atomic(home + "/bin/BUILD", build + "\n").ok());
  }
}

/// The pid of the local ssh process carrying `needle` to `host`, or 0.
int local_ssh_carrying(const std::string& host, const std::string& needle) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto cmdline = read_whole_file(e.path().string() + "/cmdline");
    if (!cmdline.ok()) continue;
    const std::string argv0 = cmdline->substr(0, cmdline->find('\0'));
    if (argv0 != "ssh" && !argv0.ends_with("/ssh")) continue;
    if (cmdline->find(host) != std::string::npos && cmdline->find(needle) != std::string::npos) {
      return std::atoi(name.c_str());
    }
  }
  return 0;
}

bool alive(int pid) {
  auto stat = read_whole_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat.ok()) return false;
  size_t paren = stat->rfind(')');
  return paren == std::string::npos || paren + 2 >= stat->size() || (*stat)[paren + 2] != 'Z';
}

bool ends_within(int pid, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (alive(pid) && std::chrono::steady_clock::now() < deadline) ::usleep(50 * 1000);
  return !alive(pid);
}

// A remote dmrman whose ssh is killed dies on its host at once; one whose
// host's network is cut (its sshd never learns) dies there at its timeout.
// The third host's sshd does not answer this machine (a routing rule in its
// namespace refuses its replies to us, as a firewall that admits ssh only
// from a bastion would): straight there ssh fails; with jump_host set to the
// first host, every operation goes through it — the login shows the first
// host's address as its client — and the deploy comes up healthy. The jump
// uses this machine's identity file and known_hosts as the last hop does.
TEST_F(MultiHost, AHostReachableOnlyThroughAJumpHostIsDeployedThroughIt) {
  const RepliesRefused firewall(words(env("DPC_MH_NETNS"))[2], "22");
  ASSERT_TRUE(firewall.added());

  SshOptions straight = config_.ssh_defaults;
  auto refused = SshTransport(hosts_[2], straight).run("true", "", 15000);
  EXPECT_FALSE(refused.ok()) << "the rule should keep this machine's ssh from " << hosts_[2];

  SshOptions jumped = config_.ssh_defaults;
  jumped.jump_host = "root@" + hosts_[0];
  auto login = SshTransport(hosts_[2], jumped).run("echo $SSH_CONNECTION", "", 15000);
  ASSERT_TRUE(login.ok()) << login.message();
  ASSERT_EQ(login->exit_code, 0) << login->errors;
  EXPECT_EQ(login->output.rfind(hosts_[0] + " ", 0), 0u) << "the client seen by " << hosts_[2] << ": "
                                                           << login->output;

  config_.ssh_hosts[hosts_[2]] = jumped;
  ASSERT_NO_FATAL_FAILURE(deploy_anew_and_expect_healthy());
}

TEST_F(MultiHost, ARemoteToolDiesWithItsSshOrAtItsTimeoutWhenTheNetworkIsCut) {
  const std::string home = root_ + "/h2/dm";
  fs::create_directories(home + "/bin");
  ASSERT_TRUE(write_file_atomic(home + "/bin/dmrman", "#!/bin/sh\necho $$ > " + env("DPC_MH_DATA") +
                                                         "/tool.pid\necho hanging\nexec sleep 300\n").ok());
  fs::permissions(home + "/bin/dmrman", fs::perms::owner_all);
  config_.dm_home = env("DPC_MH_DATA") + "/dm";
  auto run_hanging = [&](int timeout_ms) {
    fs::remove(root_ + "/h2/tool.pid");
    make_backend();
    ToolRun run{"BP12", hosts_[1], "dmrman", {"CTLSTMT=BACKUP DATABASE '/x/dm.ini' FULL"}, false};
    run.timeout_ms = timeout_ms;
    backend_->run_tool(run, [](Result<ToolOutcome>) {});
    int pid = 0;
    for (int i = 0; i < 200 && (pid == 0 || !alive(pid)); ++i) {
      backend_->run_one();
      auto text = read_whole_file(root_ + "/h2/tool.pid");
      pid = text.ok() ? std::atoi(text->c_str()) : 0;
    }
    return pid;
  };

  // The ssh carrying the run is killed (as when dpcctl dies with its children).
  const int first = run_hanging(120000);
  ASSERT_GT(first, 0);
  const int ssh = local_ssh_carrying(hosts_[1], "bin/dmrman");
  ASSERT_GT(ssh, 0);
  ASSERT_EQ(::kill(ssh, SIGKILL), 0);
  EXPECT_TRUE(ends_within(first, 5)) << "the tool outlived its ssh; it would run until its 120 s timeout";
  backend_.reset();

  // The host's network is cut: nothing tells its sshd, the remote timeout ends the tool.
  const int second = run_hanging(2000);
  ASSERT_GT(second, 0);
  const std::string link = words(env("DPC_MH_LINKS"))[1];
  ASSERT_EQ(std::system(("ip link set " + link + " down").c_str()), 0);
  const bool ended = ends_within(second, 6);
  ASSERT_EQ(std::system(("ip link set " + link + " up").c_str()), 0);
  EXPECT_TRUE(ended) << "the tool outlived its 2 s timeout on a host cut off from dpcctl";
  backend_.reset();
}

// Before the test that stops host 2's sshd (tests run in file order).
TEST_F(MultiHost, AHostWithoutDmGetsItFromThePackageAndTheClusterComesUpHealthy) {
  // DM lives in a directory private to every host; the second host has none.
  const std::string dm = env("DPC_MH_DATA") + "/dm";
  place_fake_dm(root_, 1, "");
  place_fake_dm(root_, 3, "");
  ASSERT_FALSE(fs::exists(root_ + "/h2/dm"));
  config_.dm_home = dm;
  topo_.dm_home = dm;
  topo_.dm_package = DPC_FAKE_DM_HOME;  // a DM home directory on this machine
  make_backend();

  PreflightReport pre;
  check_remote_hosts(topo_, config_, pre.checks);
  const std::string text = format_preflight(pre);
  EXPECT_TRUE(pre.ok()) << text;
  EXPECT_THAT(text, ::testing::ContainsRegex("PASS  tools " + hosts_[1] + " +DM there: none; the deploy installs build"));
  EXPECT_THAT(text, HasSubstr("PASS  same DM build"));

  const Plan plan = build_deploy_plan(topo_);
  ASSERT_EQ(plan.steps[0].kind, StepKind::InstallDm);
  ExecutionReport deployed = Executor(*backend_, options()).run(plan);
  ASSERT_TRUE(deployed.ok) << deployed.failed_step << ": " << deployed.error;
  // Installed where it lacked, left alone where the same build was.
  EXPECT_TRUE(fs::exists(root_ + "/h2/dm/bin/dmserver"));
  EXPECT_TRUE(fs::exists(root_ + "/h2/dm/" + std::string(kInstalledMarker)));
  EXPECT_FALSE(fs::exists(root_ + "/h1/dm/" + std::string(kInstalledMarker)));
  EXPECT_FALSE(fs::exists(root_ + "/h3/dm/" + std::string(kInstalledMarker)));
  auto log = read_whole_file(config_.state_dir + "/logs/install-" + hosts_[0] + ".log");
  ASSERT_TRUE(log.ok());
  EXPECT_THAT(*log, HasSubstr("left alone"));
  for (const Instance& inst : topo_.instances) EXPECT_TRUE(backend_->server_running(inst.name)) << inst.name;
  ClusterStatus status = gather_status(*backend_, topo_);
  EXPECT_TRUE(status.healthy) << status.health_note;
  ExecutionReport stopped = Executor(*backend_, options()).run(build_stop_plan(topo_));
  EXPECT_TRUE(stopped.ok) << stopped.failed_step << ": " << stopped.error;
}

TEST_F(MultiHost, PreflightRefusesMixedBuildsNamingHostsAndBuilds) {
  const std::string dm = env("DPC_MH_DATA") + "/dm";
  place_fake_dm(root_, 1, "");
  place_fake_dm(root_, 2, "stand-in-2");
  place_fake_dm(root_, 3, "");
  config_.dm_home = dm;
  topo_.dm_home = dm;
  PreflightReport pre;
  check_remote_hosts(topo_, config_, pre.checks);
  const std::string text = format_preflight(pre);
  EXPECT_FALSE(pre.ok()) << text;
  EXPECT_THAT(text, HasSubstr("FAIL  same DM build"));
  EXPECT_THAT(text, HasSubstr("mixed DM builds: " + hosts_[0] + ", " + hosts_[2] +
                              " DM Database Server 64 V8 stand-in-1; " + hosts_[1] +
                              " DM Database Server 64 V8 stand-in-2"));
  EXPECT_THAT(text, HasSubstr("--allow-mixed"));

  config_.allow_mixed = true;
  PreflightReport allowed;
  check_remote_hosts(topo_, config_, allowed.checks);
  EXPECT_TRUE(allowed.ok()) << format_preflight(allowed);
  EXPECT_THAT(format_preflight(allowed), HasSubstr("warning: mixed DM builds"));
}

TEST_F(MultiHost, PreflightNamesAHostWhoseSshdIsDownWithinFiveSeconds) {
  const std::string pid_file = words(env("DPC_MH_SSHD_PIDS"))[1];
  auto pid = read_whole_file(pid_file);
  ASSERT_TRUE(pid.ok());
  ASSERT_EQ(::kill(std::atoi(pid->c_str()), SIGTERM), 0);
  ::usleep(300 * 1000);
  const auto started = std::chrono::steady_clock::now();
  PreflightReport report = preflight(topo_, config_);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, std::chrono::seconds(6));
  const std::string text = format_preflight(report);
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(text, HasSubstr("FAIL  host " + hosts_[1]));
  EXPECT_THAT(text, HasSubstr("host unreachable"));
  EXPECT_THAT(text, HasSubstr("PASS  host " + hosts_[0]));

  // The same through `dpcctl check`, with the SSH settings in the topology
  // file (defaults.ssh) rather than in code.
  std::ifstream in(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/spread-7.2.json");
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, true, true);
  doc["defaults"]["base_dir"] = env("DPC_MH_DATA");
  doc["defaults"]["dm_home"] = DPC_FAKE_DM_HOME;
  doc["defaults"]["ssh"] = {{"user", "root"},
                            {"identity_file", env("DPC_MH_IDENTITY")},
                            {"options", {"UserKnownHostsFile=" + env("DPC_MH_KNOWN_HOSTS"),
                                         "StrictHostKeyChecking=yes"}}};
  const std::string file = root_ + "/spread.json";
  ASSERT_TRUE(write_file_atomic(file, doc.dump(2)).ok());
  const std::string command = std::string(DPCCTL) + " check " + file + " --backend=real --state-dir " + root_ +
                              "/check-state 2>&1";
  const auto cli_started = std::chrono::steady_clock::now();
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string cli;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) cli.append(buf, n);
  const int rc = ::pclose(pipe);
  EXPECT_LT(std::chrono::steady_clock::now() - cli_started, std::chrono::seconds(6));
  EXPECT_NE(rc, 0);
  EXPECT_THAT(cli, HasSubstr("FAIL  host " + hosts_[1]));
  EXPECT_THAT(cli, HasSubstr("PASS  host " + hosts_[0]));
  EXPECT_THAT(cli, HasSubstr("PASS  tools " + hosts_[2]));
  EXPECT_THAT(cli, HasSubstr("PASS  ports " + hosts_[2]));
  EXPECT_THAT(cli, HasSubstr("PASS  password route " + hosts_[2]));
}

}  // namespace
}  // namespace dpc::real
