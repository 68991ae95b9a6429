#include "core/plan_render.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/plan_builder.h"
#include "core/plan_test_topologies.h"
#include "tests/manual_fixture.h"

namespace dpc {
namespace {

using testing_topologies::find_mutable;
using testing_topologies::make_topology;
using testing_topologies::Shape;

Topology linux_72() {
  Shape shape;
  shape.cluster = "t72";
  shape.bp_groups = {3, 3};
  return make_topology(shape);
}

Topology windows_73() {
  Shape shape;
  shape.cluster = "t73";
  shape.os = OsKind::Windows;
  shape.base_dir = "e:\\mpraft_data";
  shape.mps = 3;
  shape.bp_groups = {1};
  return make_topology(shape);
}

std::vector<std::string> lines_of(const std::string& text) { return manual_fixture::split_lines(text); }

bool has_line(const std::string& text, const std::string& wanted) {
  for (const auto& l : lines_of(text)) {
    if (l == wanted) return true;
  }
  return false;
}

/// Runs a shell command line; its exit status and output.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() /
             ("dpc-plan-render-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

bool have(const std::string& program) {
  return run("command -v " + program + " >/dev/null").first == 0;
}

TEST(ParsePlanFormat, KnowsTheFourFormats) {
  EXPECT_EQ(parse_plan_format("text"), PlanFormat::Text);
  EXPECT_EQ(parse_plan_format("json"), PlanFormat::Json);
  EXPECT_EQ(parse_plan_format("sh"), PlanFormat::Sh);
  EXPECT_EQ(parse_plan_format("cmd"), PlanFormat::Cmd);
  EXPECT_FALSE(parse_plan_format("yaml").has_value());
  EXPECT_FALSE(parse_plan_format("").has_value());
}

TEST(ManualCommandLine, QuotesArgumentsWithSpacesLikeTheManual) {
  Topology topo = windows_73();
  Plan plan = build_deploy_plan(topo);
  EXPECT_EQ(manual_command_line(*plan.find("backup:MP1")),
            "dmrman CTLSTMT=\"BACKUP DATABASE 'e:\\mpraft_data\\mp1\\DAMENG\\dm.ini' FULL TO "
            "BACKUP_01 BACKUPSET 'e:\\mpraft_data\\mp1\\BACKUP_01'\" USE_AP=2");
  EXPECT_EQ(manual_command_line(*plan.find("start:MP2")),
            "dmserver e:\\mpraft_data\\mp2\\DAMENG\\dm.ini dpc_mode=MP MOUNT");
}

TEST(RenderText, NumbersStepsAndNamesTheirDepsByNumber) {
  Topology topo = linux_72();
  Plan plan = build_deploy_plan(topo);
  const std::string text = render_plan_text(plan);
  EXPECT_EQ(lines_of(text).front(),
            "Deployment plan for cluster t72: " + std::to_string(plan.steps.size()) + " steps");
  const int n = plan.index_of("start:BP11") + 1;
  std::string deps;
  for (const auto& d : plan.find("start:BP11")->deps) {
    deps += (deps.empty() ? "" : ", ") + std::to_string(plan.index_of(d) + 1);
  }
  EXPECT_TRUE(has_line(text, "  " + std::to_string(n) +
                                 ". [start] start:BP11  start BP11 (dmserver MOUNT)   after: " + deps))
      << text;
  EXPECT_TRUE(has_line(text, "         $ dmserver /data/dpc/bp11/DAMENG/dm.ini dpc_mode=BP MOUNT"));
  // Numbers are right-aligned to the widest one.
  EXPECT_TRUE(has_line(text, "   1. [init] init:MP  initialise MP (dminit)")) << text;
  EXPECT_TRUE(has_line(text, "         | RAFT_SELF_ID = 2"));
  const std::string stop = render_plan_text(build_stop_plan(topo));
  EXPECT_EQ(lines_of(stop).front(), "Stop plan for cluster t72: 6 steps");
  EXPECT_TRUE(has_line(stop, "  2. [exit-all] exit-all:RAFT_1  exit all of RAFT_1 (typed on BP11)   after: 1"))
      << stop;
}

TEST(PlanJson, RoundTripsEveryField) {
  Topology t72 = linux_72();
  find_mutable(t72, "BP13")->kind = ReplicaKind::Shadow;
  t72.auto_overwrite = 2;
  for (const Topology& topo : {t72, windows_73()}) {
    for (const Plan& plan : {build_deploy_plan(topo), build_stop_plan(topo)}) {
      const nlohmann::json j = plan_to_json(plan);
      auto back = plan_from_json(nlohmann::json::parse(j.dump()));
      ASSERT_TRUE(back.ok()) << back.message();
      EXPECT_EQ(plan_to_json(*back), j);
      ASSERT_EQ(back->steps.size(), plan.steps.size());
      EXPECT_EQ(back->stop, plan.stop);
      EXPECT_EQ(back->cluster, plan.cluster);
      for (size_t i = 0; i < plan.steps.size(); ++i) {
        const Step& a = plan.steps[i];
        const Step& b = back->steps[i];
        EXPECT_EQ(a.id, b.id);
        EXPECT_EQ(a.kind, b.kind) << a.id;
        EXPECT_EQ(a.deps, b.deps) << a.id;
        EXPECT_EQ(a.args, b.args) << a.id;
        EXPECT_EQ(a.content, b.content) << a.id;
        EXPECT_EQ(a.ini_set, b.ini_set) << a.id;
        EXPECT_EQ(a.statements, b.statements) << a.id;
        EXPECT_EQ(a.guard_query, b.guard_query) << a.id;
        EXPECT_EQ(a.endpoint.port, b.endpoint.port) << a.id;
        EXPECT_EQ(a.wait.what, b.wait.what) << a.id;
        EXPECT_EQ(a.wait.instances, b.wait.instances) << a.id;
        EXPECT_EQ(a.verify.what, b.verify.what) << a.id;
        EXPECT_EQ(a.verify.rafts, b.verify.rafts) << a.id;
        EXPECT_EQ(a.mount, b.mount) << a.id;
        EXPECT_EQ(a.needs_password, b.needs_password) << a.id;
        EXPECT_EQ(a.timeout_ms, b.timeout_ms) << a.id;
        EXPECT_EQ(a.console_line, b.console_line) << a.id;
      }
    }
  }
}

TEST(PlanJson, IsTheDagWithKindNames) {
  const nlohmann::json j = plan_to_json(build_deploy_plan(linux_72()));
  EXPECT_EQ(j["cluster"], "t72");
  EXPECT_EQ(j["stop"], false);
  EXPECT_EQ(j["steps"][0]["id"], "init:MP");
  EXPECT_EQ(j["steps"][0]["kind"], "init");
  EXPECT_EQ(j["steps"][0]["needs_password"], true);
  EXPECT_FALSE(j["steps"][0].contains("statements"));
}

TEST(PlanJson, ReadErrorsNameTheStepAndField) {
  nlohmann::json j = plan_to_json(build_deploy_plan(linux_72()));
  auto expect_error = [](const nlohmann::json& bad, const std::string& part) {
    auto r = plan_from_json(bad);
    ASSERT_FALSE(r.ok()) << "accepted: " << part;
    EXPECT_NE(r.message().find(part), std::string::npos) << r.message();
  };
  nlohmann::json kind = j;
  kind["steps"][2]["kind"] = "teleport";
  expect_error(kind, "steps[2] (init:BP11).kind unknown step kind 'teleport'");
  nlohmann::json dup = j;
  dup["steps"][1]["id"] = "init:MP";
  expect_error(dup, "steps[1] repeats the id 'init:MP'");
  nlohmann::json later = j;
  later["steps"][0]["deps"] = {"verify-health"};
  expect_error(later, "steps[0] (init:MP).deps names 'verify-health', which is not an earlier step");
  nlohmann::json type = j;
  type["steps"][3]["timeout_ms"] = "soon";
  expect_error(type, "timeout_ms must be an integer");
  nlohmann::json args = j;
  args["steps"][0]["args"] = {1, 2};
  expect_error(args, "steps[0] (init:MP).args must be an array of strings");
  nlohmann::json no_id = j;
  no_id["steps"][4].erase("id");
  expect_error(no_id, "steps[4].id must be a non-empty string");
  expect_error(nlohmann::json::array(), "must be an object");
  nlohmann::json wait = plan_to_json(build_stop_plan(linux_72()));
  wait["steps"][0]["wait"]["what"] = "forever";
  expect_error(wait, "wait.what must be instance-state, group-leader or stopped");
}

TEST(RenderSh, PassesShDashAndBashSyntaxChecks) {
  for (const Topology& topo : {linux_72(), windows_73()}) {
    for (const Plan& plan : {build_deploy_plan(topo), build_stop_plan(topo)}) {
      const std::string path =
          write_temp(topo.cluster + (plan.stop ? "-stop" : "") + ".sh", render_plan_sh(plan, topo));
      for (const char* shell : {"sh", "dash", "bash"}) {
        if (!have(shell)) continue;
        auto [rc, out] = run(std::string(shell) + " -n " + path);
        EXPECT_EQ(rc, 0) << shell << " -n " << path << ":\n" << out;
      }
    }
  }
}

TEST(RenderSh, IsCleanUnderShellcheckWhenAvailable) {
  if (!have("shellcheck")) GTEST_SKIP() << "shellcheck is not installed";
  for (const Topology& topo : {linux_72(), windows_73()}) {
    for (const Plan& plan : {build_deploy_plan(topo), build_stop_plan(topo)}) {
      const std::string path = write_temp("check.sh", render_plan_sh(plan, topo));
      auto [rc, out] = run("shellcheck -s sh " + path);
      EXPECT_EQ(rc, 0) << out;
    }
  }
}

TEST(RenderSh, ReadsThePasswordFromTheNamedVariableOnly) {
  Topology topo = linux_72();
  topo.password.env = "MY_DM_PW";
  const std::string sh = render_plan_sh(build_deploy_plan(topo), topo);
  EXPECT_NE(sh.find("[ -n \"${MY_DM_PW:-}\" ] || die \"set MY_DM_PW to the SYSDBA password"),
            std::string::npos);
  EXPECT_TRUE(has_line(sh, "DPC_PW=$MY_DM_PW"));
  // The password reaches dminit through a PARFILE and disql through stdin;
  // it is never an argument of a command.
  EXPECT_TRUE(has_line(sh, "  (umask 077 && printf 'SYSDBA_PWD=%s\\n' \"$DPC_PW\" >\"$dpc_par\")"));
  EXPECT_TRUE(has_line(sh, "conn SYSDBA/\"$DPC_PW\"@$1:$2"));
  int uses = 0;
  for (const auto& l : lines_of(sh)) {
    if (l.find("$DPC_PW") == std::string::npos) continue;
    ++uses;
    EXPECT_TRUE(l.rfind("conn SYSDBA/", 0) == 0 || l.find("printf 'SYSDBA_PWD=%s\\n'") != std::string::npos)
        << "password used outside a heredoc or the PARFILE: " << l;
  }
  EXPECT_EQ(uses, 3);
  Topology from_file = linux_72();
  from_file.password.file = "/etc/dpc/sysdba.pw";
  const std::string sh2 = render_plan_sh(build_deploy_plan(from_file), from_file);
  EXPECT_TRUE(has_line(sh2, "DPC_PWFILE='/etc/dpc/sysdba.pw'"));
  EXPECT_TRUE(has_line(sh2, "DPC_PW=$(cat \"$DPC_PWFILE\")"));
}

TEST(RenderSh, StepsCallTheLibraryWithTheManualsCommands) {
  Topology topo = linux_72();
  topo.dm_home = "/opt/dm8";
  const std::string sh = render_plan_sh(build_deploy_plan(topo), topo);
  EXPECT_TRUE(has_line(sh, "set -eu"));
  EXPECT_TRUE(has_line(sh, "DM_HOME=${DM_HOME:-'/opt/dm8'}"));
  EXPECT_TRUE(has_line(sh, "  run_dminit BP12 dminit path=/data/dpc/bp12 instance_name=BP12 "
                           "port_num=5239 ap_port_num=6003 dpc_mode=BP"));
  EXPECT_TRUE(has_line(sh, "  run_tool BP11 dmrman CTLSTMT=\"BACKUP DATABASE "
                           "'/data/dpc/bp11/DAMENG/dm.ini' FULL TO BACKUP_01 BACKUPSET "
                           "'/data/dpc/bp11/BACKUP_01'\" USE_AP=2"));
  EXPECT_TRUE(has_line(sh, "  start_server BP12 10.0.0.1 5239 120 MOUNT dmserver "
                           "/data/dpc/bp12/DAMENG/dm.ini dpc_mode=BP MOUNT"));
  EXPECT_TRUE(has_line(sh, "  set_ini /data/dpc/bp12/DAMENG/dm.ini ALTER_MODE_STATUS 0"));
  EXPECT_TRUE(has_line(sh, "  write_file /data/dpc/bp12/DAMENG/dmarch.ini <<'DPC_EOF'"));
  EXPECT_TRUE(has_line(sh, "  run_sql MP 10.0.0.1 5236 <<'DPC_SQL'"));
  EXPECT_TRUE(has_line(sh, "  wait_state 'RAFT_1 has a PRIMARY/OPEN leader' '^PRIMARY/OPEN$' 120 "
                           "BP11,10.0.0.1,5238 BP12,10.0.0.1,5239 BP13,10.0.0.1,5240"));
  EXPECT_TRUE(has_line(sh, "  expect_names MP 10.0.0.1 5236 DPC_BP_GROUP BG_1"));
  const std::string stop = render_plan_sh(build_stop_plan(topo), topo);
  EXPECT_TRUE(has_line(stop, "  exit_server 120 SP1"));
  EXPECT_TRUE(has_line(stop, "  exit_all 120 BP21 BP22 BP23"));
  EXPECT_TRUE(has_line(stop, "  exit_remaining 120 BP21 BP22 BP23"));
}

TEST(RenderSh, HeredocDelimiterNeverClashesWithTheContent) {
  Plan plan;
  plan.cluster = "x";
  Step s;
  s.id = "write:X";
  s.kind = StepKind::WriteFile;
  s.title = "write";
  s.path = "/tmp/x";
  s.content = "a\nDPC_EOF\nb\n";
  plan.steps.push_back(s);
  const std::string sh = render_plan_sh(plan, Topology{});
  EXPECT_TRUE(has_line(sh, "  write_file /tmp/x <<'DPC_EOF1'")) << sh;
}

TEST(RenderCmd, IsInTheManualsStyleWithCrlfLines) {
  Topology topo = windows_73();
  const std::string cmd = render_plan_cmd(build_deploy_plan(topo), topo);
  size_t lf = 0, crlf = 0;
  for (size_t i = 0; i < cmd.size(); ++i) {
    if (cmd[i] == '\n') {
      ++lf;
      if (i > 0 && cmd[i - 1] == '\r') ++crlf;
    }
  }
  EXPECT_EQ(lf, crlf);
  EXPECT_TRUE(has_line(cmd, "@echo off"));
  EXPECT_TRUE(has_line(cmd, "echo [MP1] > e:\\mpraft_data\\sp1\\DAMENG\\mp.ini"));
  EXPECT_TRUE(has_line(cmd, "echo mp_port = 9000 >> e:\\mpraft_data\\sp1\\DAMENG\\mp.ini"));
  EXPECT_TRUE(has_line(cmd, "echo.>> e:\\mpraft_data\\sp1\\DAMENG\\mp.ini"));
  EXPECT_TRUE(has_line(cmd, "echo ARCH_DEST_ID = 3 >> e:\\mpraft_data\\mp2\\DAMENG\\dmarch.ini"));
  EXPECT_TRUE(has_line(cmd, "start \"MP2\" dmserver e:\\mpraft_data\\mp2\\DAMENG\\dm.ini dpc_mode=MP MOUNT"));
  EXPECT_TRUE(has_line(cmd, "dmrman CTLSTMT=\"RECOVER DATABASE 'e:\\mpraft_data\\mp3\\DAMENG\\dm.ini' "
                            "UPDATE DB_MAGIC\" USE_AP=2"));
  EXPECT_TRUE(has_line(cmd, "dminit path=e:\\mpraft_data\\bp11 instance_name=BP11 port_num=5240 "
                            "ap_port_num=6004 dpc_mode=BP PARFILE=\"%DPC_PAR%\""))
      << cmd;
  EXPECT_TRUE(has_line(cmd, "> \"%DPC_RUN_DIR%\\step.sql\" echo SP_CREATE_DPC_RAFT('BP', 'RAFT_1');"));
  EXPECT_TRUE(has_line(cmd, "call :dpc_set_ini \"e:\\mpraft_data\\mp1\\DAMENG\\dm.ini\" ARCH_INI 1 || "
                            "(call :dpc_fail \"" +
                                std::to_string(build_deploy_plan(topo).index_of("mp-dm-ini:MP1") + 1) +
                                ". mp-dm-ini:MP1\" & exit /b 1)"))
      << cmd;
}

TEST(RenderCmd, NeverEchoesThePassword) {
  Topology topo = windows_73();
  const std::string cmd = render_plan_cmd(build_deploy_plan(topo), topo);
  int uses = 0;
  for (const auto& l : lines_of(cmd)) {
    if (l.find("DM_SYSDBA_PWD%") != std::string::npos) {
      ++uses;
      EXPECT_EQ(l, "set \"DPC_PW=%DM_SYSDBA_PWD%\"");
    }
    if (l.find("DPC_PW!") != std::string::npos) {
      // Only into a file, through delayed expansion.
      EXPECT_TRUE(l.rfind("> \"%DPC_PAR%\" echo SYSDBA_PWD=!DPC_PW!", 0) == 0 ||
                  l.rfind(">> \"%DPC_RUN_DIR%\\session.sql\" echo conn SYSDBA/\"!DPC_PW!\"", 0) == 0)
          << l;
    }
  }
  EXPECT_EQ(uses, 1);
}

TEST(RenderCmd, EscapesCmdSpecialCharactersInEchoedText) {
  Topology topo = windows_73();
  topo.bp_groups[0].description = "50% & more";
  const std::string cmd = render_plan_cmd(build_deploy_plan(topo), topo);
  EXPECT_TRUE(has_line(cmd, "> \"%DPC_RUN_DIR%\\step.sql\" echo SP_CREATE_DPC_BP_GROUP('BG_1', "
                            "'50%% ^& more');"))
      << cmd;
}

}  // namespace
}  // namespace dpc
