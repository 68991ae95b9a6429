// Executor tests against a scripted in-memory backend (ninja's
// FakeCommandRunner style): ordering, parallelism, failures, timeouts,
// resume, the journal and fault injection.
#include "core/executor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/fault_backend.h"
#include "core/journal.h"

namespace dpc {
namespace {

/// A backend in virtual time: tools take `tool_ms`, servers start in
/// `start_ms`, SQL answers through `sql_handler` after 1 ms.
class FakeBackend : public Backend {
 public:
  std::string name() const override { return "fake"; }
  Result<std::string> read_file(const std::string& host, const std::string& path) override {
    auto it = files.find(host + ":" + path);
    if (it == files.end()) return Error{"no such file " + path};
    return it->second;
  }
  Status write_file(const std::string& host, const std::string& path, const std::string& content) override {
    files[host + ":" + path] = content;
    log.push_back("write " + path);
    return Status::Ok();
  }
  bool exists(const std::string& host, const std::string& path) override {
    return files.count(host + ":" + path) > 0;
  }
  void run_tool(const ToolRun& run, std::function<void(Result<ToolOutcome>)> done) override {
    log.push_back(run.program + " " + run.instance);
    if (hang.count(run.instance)) return;
    ToolOutcome out{fail.count(run.instance) ? 1 : 0, fail.count(run.instance) ? "line 1\nerror: disk full\n" : "ok\n"};
    call_at(now_ + tool_ms, [done, out]() { done(out); });
  }
  void start_server(const ServerLaunch& launch, std::function<void(Status)> done) override {
    log.push_back("start " + launch.instance);
    running[launch.instance] = true;
    call_at(now_ + tool_ms, [done]() { done(Status::Ok()); });
  }
  Status console(const std::string& instance, const std::string& line) override {
    log.push_back(line + " " + instance);
    call_at(now_ + 10, [this, instance]() { running[instance] = false; });
    return Status::Ok();
  }
  Status signal(const std::string&, Signal) override { return Status::Ok(); }
  bool server_running(const std::string& instance) override { return running[instance]; }
  void sql(const SqlEndpoint& at, const std::string& statement, std::function<void(Result<Rows>)> done) override {
    log.push_back("sql " + at.instance + " " + statement);
    Result<Rows> rows = sql_handler ? sql_handler(at, statement) : Result<Rows>(Rows{});
    call_at(now_ + 1, [done, rows]() { done(rows); });
  }
  Millis now() const override { return now_; }
  void call_at(Millis when, std::function<void()> fn) override { queue.emplace(std::make_pair(when, seq++), std::move(fn)); }
  bool run_one() override {
    if (queue.empty()) return false;
    auto it = queue.begin();
    now_ = std::max(now_, it->first.first);
    auto fn = std::move(it->second);
    queue.erase(it);
    fn();
    return true;
  }

  Millis now_ = 0;
  long seq = 0;
  Millis tool_ms = 100;
  std::map<std::pair<Millis, long>, std::function<void()>> queue;
  std::map<std::string, std::string> files;
  std::map<std::string, bool> running;
  std::set<std::string> fail, hang;
  std::vector<std::string> log;
  std::function<Result<Rows>(const SqlEndpoint&, const std::string&)> sql_handler;
};

Step tool_step(const std::string& id, const std::string& inst, std::vector<std::string> deps = {}) {
  Step s;
  s.id = id;
  s.kind = StepKind::InitInstance;
  s.instance = inst;
  s.host = "h";
  s.title = "initialise " + inst;
  s.program = "dminit";
  s.args = {"path=/d/" + inst, "instance_name=" + inst};
  s.deps = std::move(deps);
  return s;
}

Plan four_independent() {
  Plan p;
  for (auto n : {"A", "B", "C", "D"}) p.steps.push_back(tool_step(std::string("init:") + n, n));
  return p;
}

TEST(Executor, RunsIndependentStepsInParallelUpToTheBound) {
  for (auto [parallel, expect_ms] : {std::pair{1, 400}, {2, 200}, {4, 100}}) {
    FakeBackend b;
    ExecutorOptions o;
    o.parallel = parallel;
    auto report = Executor(b, o).run(four_independent());
    ASSERT_TRUE(report.ok) << report.error;
    EXPECT_EQ(report.finished - report.started, expect_ms) << "parallel=" << parallel;
    EXPECT_EQ(report.done, 4);
  }
}

TEST(Executor, StartsAStepOnlyAfterItsDeps) {
  FakeBackend b;
  Plan p;
  p.steps = {tool_step("init:A", "A"), tool_step("init:B", "B", {"init:A"}),
             tool_step("init:C", "C", {"init:A"}), tool_step("init:D", "D", {"init:B", "init:C"})};
  auto report = Executor(b, ExecutorOptions{}).run(p);
  ASSERT_TRUE(report.ok);
  EXPECT_EQ(b.log, (std::vector<std::string>{"dminit A", "dminit B", "dminit C", "dminit D"}));
  EXPECT_EQ(report.finished, 300);  // A, then B and C together, then D
  EXPECT_EQ(report.critical_path, (std::vector<std::string>{"init:A", "init:B", "init:D"}));
}

TEST(Executor, AStopRequestStartsNoNewStepAndLetsTheRunningOnesEnd) {
  FakeBackend b;
  Journal journal;
  ExecutorOptions o;
  o.parallel = 2;
  o.journal = &journal;
  o.stop_requested = [&b] { return b.now() >= 50; };  // while A and B run
  auto report = Executor(b, o).run(four_independent());
  EXPECT_TRUE(report.interrupted);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.error, "interrupted: no new step was started");
  EXPECT_EQ(b.log, (std::vector<std::string>{"dminit A", "dminit B"}));
  EXPECT_EQ(report.done, 2) << "the running steps ended normally";
  EXPECT_TRUE(journal.done("init:A"));
  EXPECT_TRUE(journal.done("init:B"));
  EXPECT_FALSE(journal.last("init:C").has_value()) << "never started, never recorded";
  EXPECT_EQ(report.records[2].outcome, StepOutcome::NotRun);
}

TEST(Executor, AStopRequestedAsAStepStartsStartsNoOtherStepOfItsBatch) {
  FakeBackend b;
  ExecutorOptions o;
  o.parallel = 4;  // all four are ready and would start together
  bool requested = false;
  o.on_event = [&](const StepEvent& e) {
    if (e.kind == StepEvent::Kind::Started && e.index == 1) requested = true;  // (1-based)
  };
  o.stop_requested = [&] { return requested; };
  auto report = Executor(b, o).run(four_independent());
  EXPECT_TRUE(report.interrupted);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(b.log, (std::vector<std::string>{"dminit A"}));
  EXPECT_EQ(report.done, 1) << "the step that had started ended normally";
  EXPECT_EQ(report.records[1].outcome, StepOutcome::NotRun);
}

TEST(Executor, AnAbortRequestGivesUpTheRunningSteps) {
  FakeBackend b;
  b.hang = {"A"};
  Journal journal;
  ExecutorOptions o;
  o.parallel = 1;
  o.journal = &journal;
  o.stop_requested = [&b] { return !b.log.empty(); };
  o.abort_requested = o.stop_requested;
  b.call_at(1000, [] {});  // something for run_one to do while A hangs
  auto report = Executor(b, o).run(four_independent());
  EXPECT_TRUE(report.interrupted);
  EXPECT_EQ(report.records[0].outcome, StepOutcome::Failed);
  EXPECT_EQ(report.records[0].error, "interrupted");
  EXPECT_EQ(journal.last("init:A"), StepOutcome::Failed);
  EXPECT_EQ(b.log.size(), 1u);
}

TEST(Executor, StartsTheLongestRemainingChainFirstButKeepsPlanOrderAlone) {
  // Plan order lists three short independent steps before a chain of three:
  // in plan order at parallel 2 the chain would start at 100 ms and end at
  // 400; longest chain first it ends at 300 (the dependency bound).
  Plan p;
  p.steps = {tool_step("init:X", "X"), tool_step("init:Y", "Y"), tool_step("init:Z", "Z"),
             tool_step("init:A", "A"), tool_step("init:B", "B", {"init:A"}),
             tool_step("init:C", "C", {"init:B"})};
  FakeBackend b;
  ExecutorOptions o;
  o.parallel = 2;
  auto report = Executor(b, o).run(p);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(b.log.front(), "dminit A");
  EXPECT_EQ(report.finished, 300);
  // One at a time: the plan's (the manual's) order, whatever the chains.
  FakeBackend one;
  o.parallel = 1;
  ASSERT_TRUE(Executor(one, o).run(p).ok);
  EXPECT_EQ(one.log, (std::vector<std::string>{"dminit X", "dminit Y", "dminit Z", "dminit A", "dminit B",
                                               "dminit C"}));
}

TEST(Executor, FailureNamesStepInstanceCommandAndOutputTailAndStopsNewSteps) {
  FakeBackend b;
  b.fail.insert("B");
  Plan p;
  p.steps = {tool_step("init:A", "A"), tool_step("init:B", "B", {"init:A"}), tool_step("init:C", "C", {"init:B"})};
  auto report = Executor(b, ExecutorOptions{}).run(p);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.failed_step, "init:B");
  EXPECT_NE(report.error.find("step init:B"), std::string::npos) << report.error;
  EXPECT_NE(report.error.find("instance B"), std::string::npos);
  EXPECT_NE(report.error.find("dminit path=/d/B instance_name=B"), std::string::npos);
  EXPECT_NE(report.error.find("error: disk full"), std::string::npos);
  EXPECT_EQ(report.records[2].outcome, StepOutcome::NotRun);
}

TEST(Executor, DmrmanNonZeroEndCodeFailsEvenWithExitZero) {
  FakeBackend b;
  struct Dmrman : FakeBackend {
    void run_tool(const ToolRun&, std::function<void(Result<ToolOutcome>)> done) override {
      call_at(now_ + 5, [done]() { done(ToolOutcome{0, "restore failed\nCMD END.CODE:[-8003]\n"}); });
    }
  } d;
  Plan p;
  p.steps = {tool_step("restore:B", "B")};
  p.steps[0].kind = StepKind::Restore;
  auto report = Executor(d, ExecutorOptions{}).run(p);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("code -8003"), std::string::npos) << report.error;
}

TEST(Executor, StepThatNeverCompletesTimesOut) {
  FakeBackend b;
  b.hang.insert("A");
  Plan p;
  p.steps = {tool_step("init:A", "A")};
  p.steps[0].timeout_ms = 5000;
  auto report = Executor(b, ExecutorOptions{}).run(p);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("timed out after 5 s"), std::string::npos) << report.error;
  EXPECT_EQ(report.finished, 5000);
}

TEST(Executor, WaitReportsWhatItWasWaitingForOnTimeout) {
  FakeBackend b;
  b.sql_handler = [](const SqlEndpoint&, const std::string&) -> Result<Rows> {
    Rows r;
    r.columns = {"INSTANCE_NAME", "STATUS$", "MODE$"};
    r.rows = {{"BP11", "MOUNT", "STANDBY"}};
    return r;
  };
  Plan p;
  Step w;
  w.id = "wait-leader:RAFT_1";
  w.kind = StepKind::WaitState;
  w.title = "wait for RAFT_1";
  w.wait.what = WaitSpec::What::GroupLeader;
  w.wait.group = "RAFT_1";
  w.wait.instances = {"BP11"};
  w.timeout_ms = 2000;
  p.steps = {w};
  auto report = Executor(b, ExecutorOptions{}).run(p);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("no member of RAFT_1 is PRIMARY and OPEN yet"), std::string::npos) << report.error;
}

TEST(Executor, ResumeSkipsOnlyStepsWhoseEffectStillHolds) {
  FakeBackend b;
  Plan p;
  Step w1;
  w1.id = "mpini:A";
  w1.kind = StepKind::WriteFile;
  w1.host = "h";
  w1.path = "/d/A/DAMENG/mp.ini";
  w1.content = "mp_port = 9000\n";
  Step w2 = w1;
  w2.id = "mpini:B";
  w2.path = "/d/B/DAMENG/mp.ini";
  p.steps = {w1, w2};
  Journal j;
  ExecutorOptions o;
  o.journal = &j;
  ASSERT_TRUE(Executor(b, o).run(p).ok);
  b.files["h:/d/B/DAMENG/mp.ini"] = "tampered\n";  // B's effect no longer holds
  b.log.clear();
  o.resume = true;
  auto report = Executor(b, o).run(p);
  ASSERT_TRUE(report.ok);
  EXPECT_EQ(report.records[0].outcome, StepOutcome::Skipped);
  EXPECT_EQ(report.records[1].outcome, StepOutcome::Done);
  EXPECT_EQ(b.log, (std::vector<std::string>{"write /d/B/DAMENG/mp.ini"}));
}

TEST(Executor, ResumeRunsRegistrationAgainOnlyWhenItsGuardFindsNoRow) {
  for (bool present : {true, false}) {
    FakeBackend b;
    Plan p;
    Step s;
    s.id = "register:BP11";
    s.kind = StepKind::RunSql;
    s.endpoint = {"MP", "h", 5236};
    s.statements = {"SP_CREATE_DPC_INSTANCE('RAFT_1', 'BP11', 'BP', 6002, 5238, '1.1.1.1', 'STANDBY', 0, 'BP instance');"};
    s.guard_query = "SELECT NAME FROM DPC_INSTANCE WHERE NAME = 'BP11'";
    p.steps = {s};
    b.sql_handler = [present](const SqlEndpoint&, const std::string& q) -> Result<Rows> {
      Rows r;
      r.columns = {"NAME"};
      if (q.rfind("SELECT", 0) == 0 && present) r.rows = {{"BP11"}};
      return r;
    };
    Journal j;
    (void)j.record("register:BP11", StepOutcome::Done, 0);
    ExecutorOptions o;
    o.journal = &j;
    o.resume = true;
    auto report = Executor(b, o).run(p);
    ASSERT_TRUE(report.ok);
    int calls = 0;
    for (const auto& l : b.log) calls += l.find("SP_CREATE_DPC_INSTANCE") != std::string::npos;
    EXPECT_EQ(calls, present ? 0 : 1) << "row present=" << present;
    EXPECT_EQ(report.records[0].outcome, present ? StepOutcome::Skipped : StepOutcome::Done);
  }
}

TEST(Executor, UnknownDependencyIsAPlanError) {
  FakeBackend b;
  Plan p;
  p.steps = {tool_step("init:A", "A", {"init:nope"})};
  auto report = Executor(b, ExecutorOptions{}).run(p);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.error.find("unknown step init:nope"), std::string::npos);
}

TEST(Journal, RecordsOutcomesInAFileAndIgnoresATornLastLine) {
  auto dir = std::filesystem::temp_directory_path() / "dpc-journal-test";
  std::filesystem::remove_all(dir);
  {
    auto j = Journal::open(dir.string(), "c1");
    ASSERT_TRUE(j.ok()) << j.message();
    ASSERT_TRUE(j->record("init:A", StepOutcome::Done, 10).ok());
    ASSERT_TRUE(j->record("init:B", StepOutcome::Failed, 20, "boom").ok());
  }
  { std::ofstream(dir / "journal.jsonl", std::ios::app) << "{\"step\": \"init:C\", \"outc"; }
  auto j = Journal::open(dir.string(), "c1");
  ASSERT_TRUE(j.ok());
  EXPECT_TRUE(j->done("init:A"));
  EXPECT_FALSE(j->done("init:B"));
  EXPECT_FALSE(j->last("init:C").has_value());
  auto other = Journal::open(dir.string(), "c2");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.message().find("belongs to cluster 'c1'"), std::string::npos) << other.message();
  std::filesystem::remove_all(dir);
}

TEST(FaultInjectingBackend, FailsTheMatchingOperationAfterSkippingSome) {
  FakeBackend b;
  FaultInjectingBackend f(b);
  f.add_rule(FaultRule{[](const OpInfo& op) { return op.kind == OpInfo::Kind::RunTool; }, 2, 1, 0, "injected disk error"});
  ExecutorOptions o;
  o.parallel = 1;
  auto report = Executor(f, o).run(four_independent());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.failed_step, "init:C");
  EXPECT_NE(report.error.find("injected disk error"), std::string::npos);
  EXPECT_EQ(f.injected(), 1);
}

TEST(FaultInjectingBackend, DelaysWithoutFailing) {
  FakeBackend b;
  FaultInjectingBackend f(b);
  f.add_rule(FaultRule{[](const OpInfo& op) { return op.instance == "A"; }, 0, 1, 1000, ""});
  auto report = Executor(f, ExecutorOptions{}).run(four_independent());
  ASSERT_TRUE(report.ok);
  EXPECT_EQ(report.finished, 1000);
  EXPECT_EQ(report.critical_path, std::vector<std::string>{"init:A"});
}

}  // namespace
}  // namespace dpc
