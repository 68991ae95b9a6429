// RealBackend against GoogleMock stand-ins for its two seams (the
// ProcessLauncher and the SqlConnector): what it asks the OS to run, where
// the password goes, how output, exits, timeouts and SQL completions come
// back through run_one().
#include "real-backend/real_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "real-backend/atomic_file.h"

namespace dpc::real {
namespace {

namespace fs = std::filesystem;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Return;

constexpr const char* kPassword = "Mock_Sysdba_Pwd_1";
constexpr int kPid = 4242;

class MockLauncher : public ProcessLauncher {
 public:
  MOCK_METHOD(Result<int>, start, (const ProcessSpec& spec, ProcessCallbacks callbacks), (override));
  MOCK_METHOD(Status, send_signal, (int pid, int signo), (override));
  MOCK_METHOD(bool, alive, (int pid), (override));
};

class MockSql : public SqlConnector {
 public:
  MOCK_METHOD(Result<Rows>, execute, (const SqlEndpoint& at, const std::string& statement), (override));
};

class RealBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-rb-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    fs::create_directories(dir_ + "/dm/bin");
    for (const char* tool : {"dminit", "dmserver", "dmrman"}) {
      std::string p = dir_ + "/dm/bin/" + tool;
      (void)write_file_atomic(p, "#!/bin/sh\n", 0755, true);
    }
    RealConfig config;
    config.dm_home = dir_ + "/dm";
    config.dm_home_origin = "--dm-home";
    config.state_dir = dir_ + "/state";
    config.run_one_max_wait_ms = 20;
    auto launcher = std::make_unique<::testing::NiceMock<MockLauncher>>();
    auto sql = std::make_unique<::testing::NiceMock<MockSql>>();
    launcher_ = launcher.get();
    sql_ = sql.get();
    ON_CALL(*launcher_, alive(_)).WillByDefault(Return(false));
    ON_CALL(*launcher_, alive(kPid)).WillByDefault(Return(true));
    backend_ = std::make_unique<RealBackend>(config, Secret(kPassword), std::make_shared<boost::asio::io_context>(),
                                             std::move(launcher), std::move(sql));
  }
  void TearDown() override {
    backend_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// Runs the backend until `pred` holds (or it is idle, or `limit` passes).
  template <typename Pred>
  bool drive(Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      if (!backend_->run_one()) break;
    }
    return pred();
  }

  std::string log_of(const std::string& instance) {
    auto text = read_whole_file(backend_->log_path(instance));
    return text ? *text : "";
  }

  /// Starts BP11's dmserver and makes it print its ready line.
  ProcessCallbacks start_ready_server() {
    ProcessCallbacks cb;
    EXPECT_CALL(*launcher_, start(_, _)).WillOnce([&cb](const ProcessSpec&, ProcessCallbacks c) {
      cb = std::move(c);
      return Result<int>(kPid);
    });
    std::optional<Status> ready;
    backend_->start_server({"BP11", "127.0.0.1", {dir_ + "/bp11/DAMENG/dm.ini", "dpc_mode=BP"}},
                           [&ready](Status st) { ready = st; });
    cb.on_line("SYSTEM IS READY.");
    EXPECT_TRUE(drive([&] { return ready.has_value(); }));
    EXPECT_TRUE(ready && ready->ok());
    return cb;
  }

  std::string dir_;
  MockLauncher* launcher_ = nullptr;
  MockSql* sql_ = nullptr;
  std::unique_ptr<RealBackend> backend_;
};

ToolRun dminit_run() {
  return ToolRun{"BP11", "127.0.0.1", "dminit",
                 {"path=/data/bp11", "instance_name=BP11", "port_num=5238", "ap_port_num=6002", "dpc_mode=BP"},
                 true};
}

TEST_F(RealBackendTest, RunToolGivesDminitThePasswordOnlyThroughAPrivateParfile) {
  ProcessSpec spec;
  ProcessCallbacks cb;
  std::string parfile_text;
  mode_t parfile_mode = 0;
  EXPECT_CALL(*launcher_, start(_, _)).WillOnce([&](const ProcessSpec& s, ProcessCallbacks c) {
    spec = s;
    cb = std::move(c);
    std::string par = s.args.at(0).substr(std::string("PARFILE=").size());
    parfile_text = *read_whole_file(par);
    struct stat st {};
    ::stat(par.c_str(), &st);
    parfile_mode = st.st_mode & 0777;
    return Result<int>(kPid);
  });
  std::optional<Result<ToolOutcome>> out;
  backend_->run_tool(dminit_run(), [&](Result<ToolOutcome> r) { out = std::move(r); });

  EXPECT_EQ(spec.program, dir_ + "/dm/bin/dminit");
  ASSERT_EQ(spec.args.size(), 1u);
  EXPECT_THAT(spec.args[0], ::testing::StartsWith("PARFILE=" + dir_ + "/state/secrets/"));
  EXPECT_EQ(parfile_mode, 0600u);
  EXPECT_THAT(parfile_text, HasSubstr("path=/data/bp11\n"));
  EXPECT_THAT(parfile_text, HasSubstr(std::string("SYSDBA_PWD=") + kPassword + "\n"));
  for (const auto& e : spec.env) EXPECT_THAT(e, Not(HasSubstr(kPassword)));
  EXPECT_THAT(spec.env_drop, ::testing::Contains("DM_SYSDBA_PWD")) << "the password variable is not inherited";

  cb.on_line("create dm database success. 2024-01-01");
  cb.on_exit(ProcessExit{0, 0});
  EXPECT_FALSE(out.has_value()) << "completion comes from run_one, not from the launcher's callback";
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_TRUE(out->ok()) << out->message();
  EXPECT_EQ((*out)->exit_code, 0);
  EXPECT_THAT((*out)->output, HasSubstr("create dm database success."));
  EXPECT_FALSE(fs::exists(spec.args[0].substr(8))) << "the PARFILE is removed when dminit ends";
  const std::string log = log_of("BP11");
  EXPECT_THAT(log, HasSubstr("dminit path=/data/bp11 instance_name=BP11"));
  EXPECT_THAT(log, HasSubstr("SYSDBA_PWD through a PARFILE"));
  EXPECT_THAT(log, HasSubstr("create dm database success."));
  EXPECT_THAT(log, Not(HasSubstr(kPassword)));
}

TEST_F(RealBackendTest, RunToolNeverCompletesFromInsideTheCall) {
  EXPECT_CALL(*launcher_, start(_, _)).WillOnce(Return(Result<int>(Error{"cannot start it"})));
  std::optional<Result<ToolOutcome>> out;
  backend_->run_tool(dminit_run(), [&](Result<ToolOutcome> r) { out = std::move(r); });
  EXPECT_FALSE(out.has_value());
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_FALSE(out->ok());
  EXPECT_THAT(out->message(), HasSubstr("dminit for BP11: cannot start it"));
  EXPECT_TRUE(fs::is_empty(dir_ + "/state/secrets")) << "no PARFILE is left behind";
}

TEST_F(RealBackendTest, RunToolReportsAParfileThatCannotBeWrittenAndStartsNothing) {
  ASSERT_TRUE(write_file_atomic(dir_ + "/state/secrets", "a file where the directory should be").ok());
  EXPECT_CALL(*launcher_, start(_, _)).Times(0);
  std::optional<Result<ToolOutcome>> out;
  backend_->run_tool(dminit_run(), [&](Result<ToolOutcome> r) { out = std::move(r); });
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_FALSE(out->ok());
  EXPECT_THAT(out->message(), HasSubstr("dminit for BP11: cannot create the directory " + dir_ + "/state/secrets"));
}

TEST_F(RealBackendTest, RunToolRefusesAParfileArgumentWithALineBreakAndStartsNothing) {
  // Before: "path=/data/bp11\nAUTO_OVERWRITE=1" became two PARFILE lines and
  // dminit overwrote an existing database.
  EXPECT_CALL(*launcher_, start(_, _)).Times(0);
  ToolRun run = dminit_run();
  run.args[0] = "path=/data/bp11\nAUTO_OVERWRITE=1";
  std::optional<Result<ToolOutcome>> out;
  backend_->run_tool(run, [&](Result<ToolOutcome> r) { out = std::move(r); });
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_FALSE(out->ok());
  EXPECT_THAT(out->message(), HasSubstr("path=/data/bp11\\nAUTO_OVERWRITE=1"));
  EXPECT_THAT(out->message(), HasSubstr("a line feed (U+000A), which a PARFILE cannot carry"));
  EXPECT_TRUE(!fs::exists(dir_ + "/state/secrets") || fs::is_empty(dir_ + "/state/secrets"));
}

TEST_F(RealBackendTest, RunToolTreatsANonZeroEndCodeAsFailureEvenWithExitStatusZero) {
  ProcessCallbacks cb;
  ProcessSpec spec;
  EXPECT_CALL(*launcher_, start(_, _)).WillOnce([&](const ProcessSpec& s, ProcessCallbacks c) {
    spec = s;
    cb = std::move(c);
    return Result<int>(kPid);
  });
  std::optional<Result<ToolOutcome>> out;
  ToolRun run{"BP12", "127.0.0.1", "dmrman",
              {"CTLSTMT=\"RESTORE DATABASE '/d/bp12/DAMENG/dm.ini' FROM BACKUPSET '/d/bp11/BACKUP_01'\"", "USE_AP=2"},
              false};
  backend_->run_tool(run, [&](Result<ToolOutcome> r) { out = std::move(r); });
  EXPECT_EQ(spec.args[0], "CTLSTMT=RESTORE DATABASE '/d/bp12/DAMENG/dm.ini' FROM BACKUPSET '/d/bp11/BACKUP_01'")
      << "the shell quotes are not passed on: no shell runs in between";
  cb.on_line("[-8206]:the database is running");
  cb.on_line("CMD END.CODE:[-8206]");
  cb.on_exit(ProcessExit{0, 0});
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_TRUE(out->ok());
  EXPECT_EQ((*out)->exit_code, -8206);
  EXPECT_THAT((*out)->output, HasSubstr("reported CODE:[-8206] although it exited with status 0"));
}

TEST_F(RealBackendTest, RunToolKillsAToolThatOutlivesItsTimeout) {
  ProcessCallbacks cb;
  EXPECT_CALL(*launcher_, start(_, _)).WillOnce([&](const ProcessSpec&, ProcessCallbacks c) {
    cb = std::move(c);
    return Result<int>(kPid);
  });
  EXPECT_CALL(*launcher_, send_signal(kPid, SIGKILL)).WillOnce([&](int, int) {
    cb.on_exit(ProcessExit{-1, SIGKILL});
    return Status::Ok();
  });
  std::optional<Result<ToolOutcome>> out;
  ToolRun run = dminit_run();
  run.timeout_ms = 50;
  backend_->run_tool(run, [&](Result<ToolOutcome> r) { out = std::move(r); });
  cb.on_line("initdb V8");
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_FALSE(out->ok());
  EXPECT_THAT(out->message(), HasSubstr("dminit for BP11 did not finish within 50 ms and was killed"));
  EXPECT_THAT(out->message(), HasSubstr("initdb V8"));
}

TEST_F(RealBackendTest, RunToolScrubsThePasswordFromOutputAndLog) {
  ProcessCallbacks cb;
  EXPECT_CALL(*launcher_, start(_, _)).WillOnce([&](const ProcessSpec&, ProcessCallbacks c) {
    cb = std::move(c);
    return Result<int>(kPid);
  });
  std::optional<Result<ToolOutcome>> out;
  backend_->run_tool(dminit_run(), [&](Result<ToolOutcome> r) { out = std::move(r); });
  cb.on_line(std::string("SYSDBA_PWD=") + kPassword);
  cb.on_exit(ProcessExit{0, 0});
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  EXPECT_THAT((*out)->output, HasSubstr("SYSDBA_PWD=******"));
  EXPECT_THAT((*out)->output, Not(HasSubstr(kPassword)));
  EXPECT_THAT(log_of("BP11"), Not(HasSubstr(kPassword)));
}

TEST_F(RealBackendTest, RemoteDminitGoesOverSshWithItsParfileOnStandardInput) {
  ProcessSpec spec;
  ProcessCallbacks cb;
  std::string stdin_text;
  struct stat st {};
  EXPECT_CALL(*launcher_, start(_, _)).WillOnce([&](const ProcessSpec& s, ProcessCallbacks c) {
    spec = s;
    cb = std::move(c);
    // A FIFO the backend holds open (so the host sees the input end only
    // when ssh does): read what waits in it without waiting for its end.
    int fd = ::open(s.stdin_path.c_str(), O_RDONLY | O_NONBLOCK);
    char buf[4096];
    ssize_t n = fd < 0 ? -1 : ::read(fd, buf, sizeof buf);
    if (fd >= 0) ::close(fd);
    stdin_text = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
    EXPECT_EQ(::stat(s.stdin_path.c_str(), &st), 0);
    return Result<int>(kPid);
  });
  std::optional<Result<ToolOutcome>> out;
  ToolRun run = dminit_run();
  run.host = "db-remote.invalid";
  backend_->run_tool(run, [&](Result<ToolOutcome> r) { out = std::move(r); });
  EXPECT_THAT(spec.program, ::testing::EndsWith("ssh"));
  EXPECT_THAT(spec.args, ::testing::Contains("BatchMode=yes"));
  EXPECT_THAT(spec.args, ::testing::Contains("db-remote.invalid"));
  for (const auto& a : spec.args) EXPECT_EQ(a.find(kPassword), std::string::npos) << a;
  EXPECT_THAT(spec.args.back(), HasSubstr("PARFILE="));
  EXPECT_THAT(spec.args.back(), HasSubstr("mktemp -d"));
  EXPECT_THAT(stdin_text, HasSubstr(std::string("SYSDBA_PWD=") + kPassword));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "a pipe: the password is never in a file here";
  EXPECT_TRUE(spec.stdin_read_only) << "ssh sees its input end when dpcctl dies";
  EXPECT_FALSE(fs::exists(spec.stdin_path)) << "removed once ssh has it open";
  EXPECT_THAT(spec.args.back(), HasSubstr("head -c " + std::to_string(stdin_text.size()) + " >"));
  EXPECT_THAT(spec.args.back(), HasSubstr("kill -s KILL -- -$p")) << "the tool dies with its ssh";
  cb.on_line("ssh: connect to host db-remote.invalid port 22: Connection refused");
  cb.on_exit(ProcessExit{255, 0});
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_FALSE(out->ok());
  EXPECT_THAT(out->message(), HasSubstr("host unreachable: host db-remote.invalid"));
}

TEST_F(RealBackendTest, StartServerDetachesWithAFifoConsoleAndReportsReadyOnItsReadyLine) {
  ProcessSpec spec;
  ProcessCallbacks cb;
  EXPECT_CALL(*launcher_, start(_, _)).WillOnce([&](const ProcessSpec& s, ProcessCallbacks c) {
    spec = s;
    cb = std::move(c);
    return Result<int>(kPid);
  });
  std::optional<Status> ready;
  backend_->start_server({"BP11", "127.0.0.1", {"/d/bp11/DAMENG/dm.ini", "dpc_mode=BP", "MOUNT"}},
                         [&](Status st) { ready = st; });
  EXPECT_EQ(spec.program, dir_ + "/dm/bin/dmserver");
  EXPECT_EQ(spec.args, (std::vector<std::string>{"/d/bp11/DAMENG/dm.ini", "dpc_mode=BP", "MOUNT"}));
  EXPECT_TRUE(spec.detach);
  EXPECT_EQ(spec.output_path, backend_->log_path("BP11"));
  EXPECT_EQ(spec.stdin_path, backend_->console_path("BP11"));
  struct stat st {};
  ASSERT_EQ(::stat(spec.stdin_path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(*read_whole_file(backend_->pid_path("BP11")), "4242\n/d/bp11/DAMENG/dm.ini\n");

  cb.on_line("DM Database Server x64 V8 startup...");
  EXPECT_FALSE(drive([&] { return ready.has_value(); }, std::chrono::milliseconds(200)))
      << "not ready before its ready line";
  cb.on_line("SYSTEM IS READY.");
  ASSERT_TRUE(drive([&] { return ready.has_value(); }));
  EXPECT_TRUE(ready->ok());
  EXPECT_TRUE(backend_->server_running("BP11"));

  cb.on_exit(ProcessExit{0, 0});
  EXPECT_FALSE(backend_->server_running("BP11"));
  EXPECT_FALSE(fs::exists(backend_->pid_path("BP11")));
}

TEST_F(RealBackendTest, StartServerThatExitsFirstReportsWhyWithTheTailOfItsOutput) {
  ProcessCallbacks cb;
  EXPECT_CALL(*launcher_, start(_, _)).WillOnce([&](const ProcessSpec&, ProcessCallbacks c) {
    cb = std::move(c);
    return Result<int>(kPid);
  });
  std::optional<Status> ready;
  backend_->start_server({"BP12", "127.0.0.1", {"/d/bp12/DAMENG/dm.ini", "dpc_mode=BP", "MOUNT"}},
                         [&](Status st) { ready = st; });
  cb.on_line("[-9737] DB_MAGIC of BP12 equals its backup source's");
  cb.on_exit(ProcessExit{1, 0});
  ASSERT_TRUE(drive([&] { return ready.has_value(); }));
  ASSERT_FALSE(ready->ok());
  EXPECT_THAT(ready->message(), HasSubstr("dmserver for BP12 ended (exit status 1) before it was ready"));
  EXPECT_THAT(ready->message(), HasSubstr("DB_MAGIC of BP12"));
  EXPECT_THAT(ready->message(), HasSubstr(backend_->log_path("BP12")));
  EXPECT_FALSE(backend_->server_running("BP12"));
}

TEST_F(RealBackendTest, StartServerNotReadyInTimeIsStoppedAndReported) {
  ProcessCallbacks cb;
  EXPECT_CALL(*launcher_, start(_, _)).WillOnce([&](const ProcessSpec&, ProcessCallbacks c) {
    cb = std::move(c);
    return Result<int>(kPid);
  });
  EXPECT_CALL(*launcher_, send_signal(kPid, SIGTERM)).WillOnce(Return(Status::Ok()));
  EXPECT_CALL(*launcher_, send_signal(kPid, SIGKILL)).Times(::testing::AtMost(1));
  std::optional<Status> ready;
  ServerLaunch launch{"SP1", "127.0.0.1", {"/d/sp1/DAMENG/dm.ini", "dpc_mode=SP"}};
  launch.timeout_ms = 50;
  backend_->start_server(launch, [&](Status st) { ready = st; });
  ASSERT_TRUE(drive([&] { return ready.has_value(); }));
  ASSERT_FALSE(ready->ok());
  EXPECT_THAT(ready->message(), HasSubstr("did not print its ready line within 50 ms; stopped it"));
}

TEST_F(RealBackendTest, StartServerRefusesAnInstanceThatIsAlreadyRunning) {
  start_ready_server();
  std::optional<Status> again;
  backend_->start_server({"BP11", "127.0.0.1", {dir_ + "/bp11/DAMENG/dm.ini", "dpc_mode=BP"}},
                         [&](Status st) { again = st; });
  ASSERT_TRUE(drive([&] { return again.has_value(); }));
  ASSERT_FALSE(again->ok());
  EXPECT_THAT(again->message(), HasSubstr("already running (pid 4242)"));
}

TEST_F(RealBackendTest, ConsoleTypesTheLineIntoTheServersFifo) {
  start_ready_server();
  int reader = ::open(backend_->console_path("BP11").c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  ASSERT_TRUE(backend_->console("BP11", "exit all").ok());
  char buf[64] = {0};
  ssize_t n = ::read(reader, buf, sizeof buf - 1);
  ::close(reader);
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "exit all\n");
  EXPECT_THAT(log_of("BP11"), HasSubstr("console: exit all"));
}

TEST_F(RealBackendTest, ConsoleOnAnInstanceThatIsNotRunningSaysSo) {
  Status st = backend_->console("SP1", "exit");
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("SP1 is not running"));
}

TEST_F(RealBackendTest, SignalGoesToTheServersPid) {
  start_ready_server();
  EXPECT_CALL(*launcher_, send_signal(kPid, SIGUSR1)).WillOnce(Return(Status::Ok()));
  EXPECT_TRUE(backend_->signal("BP11", Signal::Usr1).ok());
  EXPECT_THAT(log_of("BP11"), HasSubstr("sent SIGUSR1 to pid 4242"));
  EXPECT_FALSE(backend_->signal("BP12", Signal::Term).ok());
}

TEST_F(RealBackendTest, ServerRunningTrustsAPidFileOnlyWhileThatProcessRunsTheInstancesDmserver) {
  // A pid file from an earlier dpcctl naming a live process that is not a
  // dmserver of this instance (pid reuse) does not count.
  ASSERT_TRUE(write_file_atomic(backend_->pid_path("MP"), std::to_string(::getpid()) + "\n/d/mp/DAMENG/dm.ini\n").ok());
  EXPECT_CALL(*launcher_, alive(::getpid())).WillRepeatedly(Return(true));
  EXPECT_FALSE(backend_->server_running("MP"));
}

TEST_F(RealBackendTest, SqlRunsOnTheWorkerAndCompletesInsideRunOne) {
  std::thread::id worker;
  Rows answer;
  answer.columns = {"INSTANCE_NAME", "STATUS$"};
  answer.rows.push_back({std::string("MP"), std::string("OPEN")});
  EXPECT_CALL(*sql_, execute(_, "SELECT INSTANCE_NAME, STATUS$ FROM V$INSTANCE"))
      .WillOnce([&](const SqlEndpoint& at, const std::string&) {
        worker = std::this_thread::get_id();
        EXPECT_EQ(at.port, 5236);
        return Result<Rows>(answer);
      });
  std::optional<Result<Rows>> out;
  backend_->sql({"MP", "127.0.0.1", 5236}, "SELECT INSTANCE_NAME, STATUS$ FROM V$INSTANCE",
                [&](Result<Rows> r) { out = std::move(r); });
  EXPECT_FALSE(out.has_value());
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_TRUE(out->ok());
  EXPECT_EQ((*out)->rows[0][1], "OPEN");
  EXPECT_NE(worker, std::this_thread::get_id());
}

TEST_F(RealBackendTest, SqlErrorsNeverCarryThePassword) {
  EXPECT_CALL(*sql_, execute(_, _))
      .WillOnce(Return(Result<Rows>(Error{std::string("login failed for PWD=") + kPassword})));
  std::optional<Result<Rows>> out;
  backend_->sql({"MP", "127.0.0.1", 5236}, "SELECT 1", [&](Result<Rows> r) { out = std::move(r); });
  ASSERT_TRUE(drive([&] { return out.has_value(); }));
  ASSERT_FALSE(out->ok());
  EXPECT_THAT(out->message(), HasSubstr("PWD=******"));
}

TEST_F(RealBackendTest, RunOneIsIdleWithNothingPendingAndRunsTimersInTimeOrder) {
  EXPECT_FALSE(backend_->run_one());
  std::vector<int> fired;
  Millis t = backend_->now();
  backend_->call_at(t + 30, [&] { fired.push_back(2); });
  backend_->call_at(t + 10, [&] { fired.push_back(1); });
  ASSERT_TRUE(drive([&] { return fired.size() == 2; }));
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
  EXPECT_GE(backend_->now(), t + 30);
  EXPECT_FALSE(backend_->run_one());
}

TEST_F(RealBackendTest, FilesAreWrittenWholeAndNeedTheirDirectory) {
  EXPECT_TRUE(backend_->write_file("127.0.0.1", dir_ + "/mp.ini", "mp_host = 127.0.0.1\n").ok());
  EXPECT_TRUE(backend_->exists("localhost", dir_ + "/mp.ini"));
  EXPECT_EQ(*backend_->read_file("127.0.0.1", dir_ + "/mp.ini"), "mp_host = 127.0.0.1\n");
  Status st = backend_->write_file("127.0.0.1", dir_ + "/bp11/DAMENG/dm.ini", "x");
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("created by dminit"));
  EXPECT_FALSE(fs::exists(dir_ + "/bp11"));
}

}  // namespace
}  // namespace dpc::real
