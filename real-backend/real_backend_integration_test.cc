// RealBackend with its real process layer (AsioProcessLauncher) running the
// stand-in dminit, dmserver and dmrman built into DPC_FAKE_DM_HOME: real
// processes, PARFILEs, FIFO consoles, signals, timeouts, logs and pid files.
// SQL is not used here (see deploy_integration_test.cc).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/step_runner.h"
#include "core/tool_output.h"
#include "real-backend/asio_process_launcher.h"
#include "real-backend/atomic_file.h"
#include "real-backend/real_backend.h"
#include "real-backend/testing/free_ports.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPassword = "It_Sysdba_Pwd_42";

class NoSql : public SqlConnector {
 public:
  Result<Rows> execute(const SqlEndpoint& at, const std::string&) override {
    return Error{"no SQL in this test (" + at.instance + ")"};
  }
};

using testing::free_port;

bool listening(int port) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(s);
  return ok;
}

class RealProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-rpi-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    ::setenv("DPC_FAKE_RECORD", (dir_ + "/record.txt").c_str(), 1);
    ::unsetenv("DPC_FAKE_FAIL");
    ::unsetenv("DPC_FAKE_HANG");
    ::unsetenv("DPC_FAKE_READY_DELAY_MS");
    config_.dm_home = DPC_FAKE_DM_HOME;
    config_.dm_home_origin = "test";
    config_.state_dir = dir_ + "/state";
    config_.run_one_max_wait_ms = 50;
    config_.stop_grace_ms = 500;
    backend_ = make_backend();
  }
  void TearDown() override {
    // Stop any stand-in server a failed test left behind.
    for (const char* inst : {"MP", "SP1", "BP11"}) {
      if (backend_ && backend_->server_running(inst)) (void)backend_->signal(inst, Signal::Kill);
    }
    backend_.reset();
    ::unsetenv("DPC_FAKE_RECORD");
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::unique_ptr<RealBackend> make_backend() {
    auto io = std::make_shared<boost::asio::io_context>();
    return std::make_unique<RealBackend>(config_, Secret(kPassword), io, std::make_unique<AsioProcessLauncher>(*io),
                                         std::make_unique<NoSql>());
  }

  template <typename Pred>
  bool drive(RealBackend& b, Pred pred, int seconds = 10) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      if (!b.run_one()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
  }

  Result<ToolOutcome> run(const ToolRun& tool) {
    std::optional<Result<ToolOutcome>> out;
    backend_->run_tool(tool, [&](Result<ToolOutcome> r) { out = std::move(r); });
    EXPECT_TRUE(drive(*backend_, [&] { return out.has_value(); }));
    return out ? std::move(*out) : Result<ToolOutcome>(Error{"no answer"});
  }

  Status start(const std::string& inst, const std::vector<std::string>& args, int timeout_ms = 0) {
    std::optional<Status> ready;
    ServerLaunch launch{inst, "127.0.0.1", args};
    launch.timeout_ms = timeout_ms;
    backend_->start_server(launch, [&](Status st) { ready = st; });
    EXPECT_TRUE(drive(*backend_, [&] { return ready.has_value(); }));
    return ready ? *ready : Status(Error{"no answer"});
  }

  /// dminit of an instance under dir_; returns its dm.ini path.
  std::string init(const std::string& name, const std::string& mode, int port) {
    std::string path = dir_ + "/" + name;
    auto out = run({name, "127.0.0.1", "dminit",
                    {"path=" + path, "instance_name=" + name, "port_num=" + std::to_string(port),
                     "ap_port_num=" + std::to_string(free_port()), "dpc_mode=" + mode},
                    true});
    EXPECT_TRUE(out.ok() && out->exit_code == 0) << (out.ok() ? out->output : out.message());
    return path + "/DAMENG/dm.ini";
  }

  std::string text(const std::string& path) {
    auto t = read_whole_file(path);
    return t ? *t : "";
  }

  std::string dir_;
  RealConfig config_;
  std::unique_ptr<RealBackend> backend_;
};

TEST_F(RealProcessTest, DminitCreatesTheDatabaseAndGetsThePasswordOnlyThroughItsParfile) {
  std::string ini = init("BP11", "BP", free_port());
  EXPECT_TRUE(fs::exists(ini));
  EXPECT_THAT(text(ini), HasSubstr("INSTANCE_NAME"));
  const std::string record = text(dir_ + "/record.txt");
  EXPECT_THAT(record, HasSubstr("dminit\tPARFILE=" + dir_ + "/state/secrets/"));
  EXPECT_THAT(record, HasSubstr("parfile:SYSDBA_PWD=<given, 16 characters>"));
  EXPECT_THAT(record, HasSubstr("parfile:INSTANCE_NAME=BP11"));
  EXPECT_THAT(record, Not(HasSubstr("WARNING")));
  EXPECT_THAT(record, Not(HasSubstr(kPassword)));
  EXPECT_TRUE(fs::is_empty(dir_ + "/state/secrets")) << "the PARFILE is gone after dminit";
  const std::string log = text(backend_->log_path("BP11"));
  EXPECT_THAT(log, HasSubstr("create dm database success."));
  EXPECT_THAT(log, Not(HasSubstr(kPassword)));
}

TEST_F(RealProcessTest, DminitRefusesAnExistingDatabaseAndTheRunReportsIt) {
  init("SP1", "SP", free_port());
  auto again = run({"SP1", "127.0.0.1", "dminit",
                    {"path=" + dir_ + "/SP1", "instance_name=SP1", "port_num=5236", "dpc_mode=SP"}, true});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->exit_code, 1);
  EXPECT_THAT(again->output, HasSubstr("already exists"));
}

TEST_F(RealProcessTest, DmserverBecomesReadyListensAndObeysExitOnItsConsole) {
  int port = free_port();
  std::string ini = init("MP", "MP", port);
  Status st = start("MP", {ini, "dpc_mode=MP"});
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(backend_->server_running("MP"));
  EXPECT_TRUE(listening(port));
  ASSERT_TRUE(backend_->console("MP", "exit").ok());
  EXPECT_TRUE(drive(*backend_, [&] { return !backend_->server_running("MP"); }));
  const std::string log = text(backend_->log_path("MP"));
  EXPECT_THAT(log, HasSubstr("SYSTEM IS READY."));
  EXPECT_THAT(log, HasSubstr("[console exit] shutting down MP"));
  EXPECT_THAT(text(dir_ + "/record.txt"), HasSubstr("dmserver\t" + ini + "\tdpc_mode=MP"));
}

TEST_F(RealProcessTest, DmserverStopsOnSigtermAndOnSigusr1) {
  std::string mp = init("MP", "MP", free_port());
  ASSERT_TRUE(start("MP", {mp, "dpc_mode=MP"}).ok());
  ASSERT_TRUE(backend_->signal("MP", Signal::Term).ok());
  EXPECT_TRUE(drive(*backend_, [&] { return !backend_->server_running("MP"); }));
  ASSERT_TRUE(start("MP", {mp, "dpc_mode=MP"}).ok());
  ASSERT_TRUE(backend_->signal("MP", Signal::Usr1).ok());
  EXPECT_TRUE(drive(*backend_, [&] { return !backend_->server_running("MP"); }));
  EXPECT_THAT(text(dir_ + "/record.txt"), HasSubstr("dmserver-exit\tMP\tsignal SIGTERM"));
  EXPECT_THAT(text(dir_ + "/record.txt"), HasSubstr("dmserver-exit\tMP\tsignal SIGUSR1"));
}

TEST_F(RealProcessTest, AServerOutlivesItsBackendAndALaterBackendStopsIt) {
  std::string mp = init("MP", "MP", free_port());
  ASSERT_TRUE(start("MP", {mp, "dpc_mode=MP"}).ok());
  backend_ = make_backend();  // a later dpcctl: new process layer, same state directory
  ASSERT_TRUE(backend_->server_running("MP")) << "found through its pid file";
  ASSERT_TRUE(backend_->console("MP", "exit").ok());
  EXPECT_TRUE(drive(*backend_, [&] { return !backend_->server_running("MP"); }));
}

TEST_F(RealProcessTest, ADmserverThatExitsFirstReportsItsOwnWords) {
  std::string bp = init("BP11", "BP", free_port());  // no mp.ini written
  Status st = start("BP11", {bp, "dpc_mode=BP"});
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("before it was ready"));
  EXPECT_THAT(st.message(), HasSubstr("mp.ini not found"));
  EXPECT_FALSE(backend_->server_running("BP11"));
}

TEST_F(RealProcessTest, ADmserverNotReadyInTimeIsStopped) {
  std::string mp = init("MP", "MP", free_port());
  ::setenv("DPC_FAKE_READY_DELAY_MS", "3000", 1);
  Status st = start("MP", {mp, "dpc_mode=MP"}, 300);
  ::unsetenv("DPC_FAKE_READY_DELAY_MS");
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("did not print its ready line within 300 ms"));
  EXPECT_TRUE(drive(*backend_, [&] { return !backend_->server_running("MP"); }));
}

TEST_F(RealProcessTest, DmrmanReportingAFailureCodeWithExitStatusZeroFails) {
  std::string mp = init("MP", "MP", free_port());
  ASSERT_TRUE(start("MP", {mp, "dpc_mode=MP"}).ok());
  auto out = run({"MP", "127.0.0.1", "dmrman",
                  {"CTLSTMT=\"BACKUP DATABASE '" + mp + "' FULL TO BACKUP_01 BACKUPSET '" + dir_ + "/MP/BACKUP_01'\"",
                   "USE_AP=2"},
                  false});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->exit_code, -8206) << out->output;
  EXPECT_THAT(out->output, HasSubstr("is running"));
  (void)backend_->console("MP", "exit");
  EXPECT_TRUE(drive(*backend_, [&] { return !backend_->server_running("MP"); }));
  auto ok = run({"MP", "127.0.0.1", "dmrman",
                 {"CTLSTMT=BACKUP DATABASE '" + mp + "' FULL TO BACKUP_01 BACKUPSET '" + dir_ + "/MP/BACKUP_01'",
                  "USE_AP=2"},
                 false});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->exit_code, 0) << ok->output;
  EXPECT_THAT(ok->output, HasSubstr("CMD END.CODE:[0]"));
}

TEST_F(RealProcessTest, ABackupOfADatabaseKilledWhileRunningStartsAndExitsItNormallyFirst) {
  std::string mp = init("MP", "MP", free_port());
  ASSERT_TRUE(start("MP", {mp, "dpc_mode=MP"}).ok());
  ASSERT_TRUE(backend_->signal("MP", Signal::Kill).ok());
  ASSERT_TRUE(drive(*backend_, [&] { return !backend_->server_running("MP"); }));
  Step backup;
  backup.id = "backup:MP";
  backup.kind = StepKind::Backup;
  backup.instance = "MP";
  backup.host = "127.0.0.1";
  backup.program = "dmrman";
  backup.args = {"CTLSTMT=BACKUP DATABASE '" + mp + "' FULL TO BACKUP_01 BACKUPSET '" + dir_ + "/MP/BACKUP_01'",
                 "USE_AP=2"};
  auto refused = run({"MP", "127.0.0.1", "dmrman", backup.args, false});
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->exit_code, kRmanNotShutDownNormally) << refused->output;
  EXPECT_THAT(refused->output, HasSubstr("not shut down normally"));

  backup.clean_start_args = {mp, "dpc_mode=MP"};
  StepEnv env;
  env.backend = backend_.get();
  env.endpoints = std::make_shared<const std::map<std::string, SqlEndpoint>>();
  std::optional<Status> done;
  auto handle = run_step(env, backup, [&](Status st) { done = st; });
  ASSERT_TRUE(drive(*backend_, [&] { return done.has_value(); }, 20));
  EXPECT_TRUE(done->ok()) << done->message();
  EXPECT_TRUE(fs::exists(dir_ + "/MP/BACKUP_01/backup.meta"));
  EXPECT_FALSE(backend_->server_running("MP"));
  EXPECT_THAT(text(dir_ + "/record.txt"), HasSubstr("dmserver-exit\tMP\tconsole exit"));
}

TEST_F(RealProcessTest, AToolThatHangsIsKilledAtItsTimeout) {
  ::setenv("DPC_FAKE_HANG", "dmrman", 1);
  ToolRun hang{"BP11", "127.0.0.1", "dmrman", {"CTLSTMT=RECOVER DATABASE '/x/dm.ini' UPDATE DB_MAGIC", "USE_AP=2"}, false};
  hang.timeout_ms = 300;
  auto started = std::chrono::steady_clock::now();
  auto out = run(hang);
  ::unsetenv("DPC_FAKE_HANG");
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.message(), HasSubstr("did not finish within 300 ms and was killed"));
  EXPECT_THAT(out.message(), HasSubstr("hanging"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace dpc::real
