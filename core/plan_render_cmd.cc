// render_plan_cmd(): the plan as a Windows batch runbook in the manual's own
// style (`echo mp_host = ... > d:\...\DAMENG\mp.ini`, `start "MP" dmserver
// ...`, dmrman with CTLSTMT="..."). Lines end in CRLF, as cmd.exe needs for
// reliable labels. The password is read from the environment at run time and
// only ever written, with delayed expansion, into files under %TEMP%.
#include <set>
#include <string>
#include <vector>

#include "core/plan_render.h"
#include "core/text_rules.h"

namespace dpc {
namespace {

const char* kSubroutines = R"CMD(
:dpc_fail
echo error: step %~1 failed; fix the cause, then set START_AT to its number and run again 1>&2
exit /b 1

:dpc_sleep
ping -n %~1 127.0.0.1 > nul
exit /b 0

:dpc_parfile
rem %1 instance: writes SYSDBA_PWD into a PARFILE for dminit (removed after use)
set "DPC_PAR=%DPC_RUN_DIR%\%~1.dminit.par"
setlocal EnableDelayedExpansion
> "%DPC_PAR%" echo SYSDBA_PWD=!DPC_PW!
endlocal
exit /b 0

:dpc_disql
rem %1 host, %2 port, %3 SQL file, %4 output file: one disql session as SYSDBA
setlocal EnableDelayedExpansion
> "%DPC_RUN_DIR%\session.sql" echo WHENEVER SQLERROR EXIT 1
>> "%DPC_RUN_DIR%\session.sql" echo conn SYSDBA/"!DPC_PW!"@%~1:%~2
endlocal
type "%~3" >> "%DPC_RUN_DIR%\session.sql"
>> "%DPC_RUN_DIR%\session.sql" echo exit
disql -S /nolog < "%DPC_RUN_DIR%\session.sql" > "%~4" 2>&1
set DPC_RC=%ERRORLEVEL%
del /q "%DPC_RUN_DIR%\session.sql"
exit /b %DPC_RC%

:dpc_sql
rem %1 instance, %2 host, %3 port: runs %DPC_RUN_DIR%\step.sql; fails on a DM error
type "%DPC_RUN_DIR%\step.sql"
call :dpc_disql %2 %3 "%DPC_RUN_DIR%\step.sql" "%DPC_RUN_DIR%\step.out"
set DPC_RC=%ERRORLEVEL%
findstr /v /c:"SYSDBA/" "%DPC_RUN_DIR%\step.out" >> "%DPC_RUN_DIR%\sql.log"
if not "%DPC_RC%"=="0" goto :dpc_sql_failed
findstr /r /c:"\[-[0-9]" "%DPC_RUN_DIR%\step.out" > nul && goto :dpc_sql_failed
exit /b 0
:dpc_sql_failed
findstr /v /c:"SYSDBA/" "%DPC_RUN_DIR%\step.out"
echo error: SQL on %~1 failed 1>&2
exit /b 1

:dpc_state
rem %1 host, %2 port: DPC_STATE = MODE$/STATUS$ from V$INSTANCE, or empty
set "DPC_STATE="
> "%DPC_RUN_DIR%\state.sql" echo select 'DPC_STATE='^|^|MODE$^|^|'/'^|^|STATUS$ from V$INSTANCE;
call :dpc_disql %1 %2 "%DPC_RUN_DIR%\state.sql" "%DPC_RUN_DIR%\state.out"
for /f "tokens=2 delims==" %%S in ('findstr /r /c:"DPC_STATE=[A-Z]" "%DPC_RUN_DIR%\state.out"') do set "DPC_STATE=%%S"
exit /b 0

:dpc_wait
rem %1 what, %2 wanted state text, %3 seconds, then instance host port ...
set "DPC_WHAT=%~1"
set "DPC_WANT=%~2"
set /a DPC_LEFT=%~3
:dpc_wait_again
call :dpc_wait_round %*
if not errorlevel 1 exit /b 0
if %DPC_LEFT% LEQ 0 (echo error: %DPC_WHAT%: not reached in time 1>&2 & exit /b 1)
call :dpc_sleep 3
set /a DPC_LEFT-=2
goto :dpc_wait_again
:dpc_wait_round
if "%~4"=="" exit /b 1
call :dpc_state %5 %6
echo %DPC_STATE%| findstr /c:"%DPC_WANT%" > nul && (echo    %~4 is %DPC_STATE% & exit /b 0)
shift /4
shift /4
shift /4
goto :dpc_wait_round

:dpc_wait_down
rem %1 instance, %2 host, %3 port, %4 seconds: until it no longer answers SQL
set /a DPC_LEFT=%~4
:dpc_wait_down_again
call :dpc_state %2 %3
if "%DPC_STATE%"=="" (echo    %~1 stopped & exit /b 0)
if %DPC_LEFT% LEQ 0 (echo error: %~1 is still running 1>&2 & exit /b 1)
call :dpc_sleep 2
set /a DPC_LEFT-=1
goto :dpc_wait_down_again

:dpc_expect
rem %1 instance, %2 host, %3 port, %4 table, then names: each name is listed
> "%DPC_RUN_DIR%\expect.sql" echo select NAME from %~4;
call :dpc_disql %2 %3 "%DPC_RUN_DIR%\expect.sql" "%DPC_RUN_DIR%\expect.out" || exit /b 1
set "DPC_LABEL=%~1 %~4"
:dpc_expect_next
if "%~5"=="" (echo    %DPC_LABEL% lists every name & exit /b 0)
findstr /r /c:"\<%~5\>" "%DPC_RUN_DIR%\expect.out" > nul || (echo error: %DPC_LABEL% does not list %~5 1>&2 & exit /b 1)
shift /5
goto :dpc_expect_next

:dpc_set_ini
rem %1 ini file, %2 key, %3 value: replaces the key's value (keeping the rest of
rem its line) or appends KEY = VALUE; keeps the file's ANSI encoding
powershell -NoProfile -ExecutionPolicy Bypass -Command "$f='%~1'; $k='%~2'; $v='%~3'; $e=[Text.Encoding]::Default; $t=@([IO.File]::ReadAllLines($f,$e)); $re='^(\s*'+$k+'\s*=\s*)[^\s#]*'; $hit=$false; $t=@($t | %%{ if ($_ -match $re) { $hit=$true; $_ -replace $re,('${1}'+$v) } else { $_ } }); if (-not $hit) { $t+=($k+' = '+$v) }; [IO.File]::WriteAllLines($f,$t,$e)"
if errorlevel 1 exit /b 1
echo    %~2 = %~3 in %~1
exit /b 0
)CMD";

/// Text for `echo` outside quotes: cmd's special characters escaped, and `"`
/// too (so no quoted state starts); inside a ( ... ) block the parentheses
/// as well (so the block does not end early).
std::string echo_text(const std::string& text, bool in_block = false) {
  std::string out;
  for (char c : text) {
    if (c == '%') {
      out += "%%";
    } else if (c == '^' || c == '&' || c == '|' || c == '<' || c == '>' || c == '"' ||
               (in_block && (c == '(' || c == ')'))) {
      out += '^';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

bool needs_quotes(const std::string& arg) {
  return arg.empty() || arg.find_first_of(" \t&|<>^()\",;=") != std::string::npos;
}

std::string percent(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '%' ? std::string("%%") : std::string(1, c);
  return out;
}

/// Text in double quotes, `%` doubled. cmd has no way to put a `"` or a line
/// break inside quotes; they become `?`, which no Windows file name holds, so
/// a command given such a value fails instead of running something else
/// (validate refuses them first: docs/topology.md, "Characters").
std::string cmd_quoted(const std::string& text) {
  return "\"" + percent(replace_unquotable(text, "\"")) + "\"";
}

/// One command-line argument: bare, or KEY="VALUE" / "ARG" when it holds a
/// space or a character cmd would interpret; `%` doubled either way.
std::string arg_text(const std::string& arg) {
  size_t eq = arg.find('=');
  std::string key = eq == std::string::npos ? "" : arg.substr(0, eq + 1);
  std::string value = eq == std::string::npos ? arg : arg.substr(eq + 1);
  if (!needs_quotes(value) && key.find_first_of(" \t&|<>^()\",;") == std::string::npos) {
    return percent(arg);
  }
  return percent(key) + cmd_quoted(value);
}

/// A path as a redirection target: quoted when it needs it.
std::string path_text(const std::string& path) {
  return needs_quotes(path) || path.find('%') != std::string::npos ? cmd_quoted(path) : path;
}

std::string command(const Step& s) {
  std::string out = s.program;
  for (const auto& a : s.args) out += " " + arg_text(a);
  return out;
}

class CmdWriter {
 public:
  /// One line. A control character cannot be quoted in cmd; the renderers
  /// never pass one on (cmd_quoted, echo_text), and any that slipped through
  /// becomes `?` here so that it cannot end the line early.
  void line(const std::string& text = "") { out_ += replace_unquotable(text) + "\r\n"; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

/// The password variable's name when it is one (validate refuses others),
/// else DM_SYSDBA_PWD: a name never puts cmd syntax into the runbook.
std::string env_name_or_default(const std::string& name) {
  if (name.empty() || first_disallowed(TextField::EnvName, name)) return "DM_SYSDBA_PWD";
  return name;
}

std::string triple(const Topology& topo, const std::string& name) {
  const Instance* inst = topo.find_instance(name);
  if (inst == nullptr) return name + " - 0";
  return name + " " + arg_text(inst->host) + " " + std::to_string(inst->port_num);
}

/// What the commands of step N use: its number, its failure handlers, the
/// endpoint of its SQL and its timeout in seconds.
struct CmdStep {
  const Step& s;
  std::string n;      ///< "N"
  std::string fail;   ///< " || (call :dpc_fail ... & exit /b 1)"
  std::string check;  ///< "if errorlevel 1 (call :dpc_fail ... & exit /b 1)"
  std::string ep;     ///< "INSTANCE HOST PORT"
  std::string secs;   ///< the timeout in whole seconds
};

/// The opening remarks, the settings and the checks before step 1.
void preamble(CmdWriter& w, const Plan& plan, const Topology& topo) {
  const std::string pw_env = env_name_or_default(topo.password.env);
  w.line("@echo off");
  w.line("rem " + std::string(plan.stop ? "Stop" : "Deployment") + " runbook for the DMDPC cluster '" +
         plan.cluster + "' (" + std::to_string(plan.steps.size()) + " steps), generated by");
  w.line("rem `dpcctl plan" + (topo.source_file.empty() ? "" : " " + echo_text(topo.source_file)) +
         (plan.stop ? " --stop" : "") + " --format cmd`. It follows the DM manual's chapter 7");
  w.line("rem on this Windows host, one step at a time, and stops at the first failure.");
  w.line("rem");
  w.line("rem Environment:");
  w.line("rem   DM_HOME      DM installation; its bin folder holds dminit, dmserver, dmrman, disql");
  if (topo.password.file.empty()) {
    w.line("rem   " + pw_env + "  the SYSDBA password (required; never echoed)");
  }
  w.line("rem   DPC_RUN_DIR  logs and temporary SQL files (default: a folder under %TEMP%)");
  w.line("rem   START_AT     skip the steps numbered below this one (to continue after a fix)");
  w.line("rem Servers start in their own console windows, titled with the instance name;");
  w.line("rem `exit` and `exit all` are typed there, as in the manual.");
  w.line("setlocal EnableExtensions DisableDelayedExpansion");
  w.line("if not defined DM_HOME set " + cmd_quoted("DM_HOME=" + topo.dm_home));
  if (!topo.password.file.empty()) {
    w.line("set \"DPC_PW=\"");
    w.line("set /p DPC_PW=<" + cmd_quoted(topo.password.file));
    w.line("if not defined DPC_PW (echo error: cannot read the SYSDBA password from " +
           echo_text(topo.password.file, true) + " 1>&2 & exit /b 1)");
  } else {
    w.line("if not defined " + pw_env + " (echo error: set " + pw_env +
           " to the SYSDBA password; it is read from the environment and never echoed 1>&2 & exit /b 1)");
    w.line("set \"DPC_PW=%" + pw_env + "%\"");
  }
  w.line("if not defined DPC_RUN_DIR set \"DPC_RUN_DIR=%TEMP%\\dpc-run-" + plan.cluster + "\"");
  w.line("if not defined START_AT set START_AT=1");
  w.line("if not exist \"%DPC_RUN_DIR%\" mkdir \"%DPC_RUN_DIR%\"");
  w.line("set \"PATH=%DM_HOME%\\bin;%PATH%\"");
  std::set<std::string> tools = {"disql"};
  for (const Step& s : plan.steps) {
    if (!s.program.empty()) tools.insert(s.program);
  }
  std::string tool_list;
  for (const auto& t : tools) tool_list += (tool_list.empty() ? "" : " ") + t;
  w.line("for %%T in (" + tool_list + ") do if not exist \"%DM_HOME%\\bin\\%%T.exe\" "
         "(echo error: %DM_HOME%\\bin\\%%T.exe not found; set DM_HOME to the DM installation 1>&2 "
         "& exit /b 1)");
}

/// WriteFile: the file written line by line with echo.
void write_file_lines(CmdWriter& w, const CmdStep& c) {
  const Step& s = c.s;
  const std::string dir = s.path.substr(0, s.path.find_last_of("\\/") + 1);
  w.line("if not exist " + path_text(dir) + " (call :dpc_fail \"" + c.n + ". " + s.id +
         "\" & exit /b 1)");
  size_t start = 0;
  bool first = true;
  while (start < s.content.size()) {
    size_t nl = s.content.find('\n', start);
    if (nl == std::string::npos) nl = s.content.size();
    const std::string text = s.content.substr(start, nl - start);
    const std::string redirect = first ? " > " : " >> ";
    if (text.empty()) {
      w.line("echo." + std::string(first ? "> " : ">> ") + path_text(s.path));
    } else {
      w.line("echo " + echo_text(text) + redirect + path_text(s.path));
    }
    first = false;
    start = nl + 1;
  }
}

/// Verify: the registry tables (Registration) or V$INSTANCE and a query (Health).
void verify_lines(CmdWriter& w, const CmdStep& c) {
  const Step& s = c.s;
  auto names = [](const std::vector<std::string>& v) {
    std::string r;
    for (const auto& x : v) r += " " + x;
    return r;
  };
  if (s.verify.what == VerifySpec::What::Registration) {
    w.line("call :dpc_expect " + c.ep + " DPC_INSTANCE" + names(s.verify.instances) + c.fail);
    if (!s.verify.rafts.empty()) {
      w.line("call :dpc_expect " + c.ep + " DPC_BP_RAFT" + names(s.verify.rafts) + c.fail);
    }
    if (!s.verify.bp_groups.empty()) {
      w.line("call :dpc_expect " + c.ep + " DPC_BP_GROUP" + names(s.verify.bp_groups) + c.fail);
    }
  } else {
    w.line("call :dpc_expect " + c.ep + " V$INSTANCE" + names(s.verify.instances) + c.fail);
    w.line("> \"%DPC_RUN_DIR%\\step.sql\" echo select 1 from dual;");
    w.line("call :dpc_sql " + c.ep + c.fail);
  }
}

/// WaitState: a leader, an instance's state, or every instance down.
void wait_lines(CmdWriter& w, const CmdStep& c, const Topology& topo) {
  const Step& s = c.s;
  std::string targets;
  for (const auto& x : s.wait.instances) targets += " " + triple(topo, x);
  if (s.wait.what == WaitSpec::What::GroupLeader) {
    w.line("call :dpc_wait \"" + s.wait.group + " has a PRIMARY/OPEN leader\" PRIMARY/OPEN " + c.secs +
           targets + c.fail);
  } else if (s.wait.what == WaitSpec::What::InstanceState) {
    w.line("call :dpc_wait \"" + s.instance + " is " + s.wait.state + "\" /" + s.wait.state + " " + c.secs +
           targets + c.fail);
  } else {
    for (const auto& x : s.wait.instances) {
      w.line("call :dpc_wait_down " + triple(topo, x) + " " + c.secs + c.fail);
    }
  }
}

/// ConsoleExit / ConsoleExitAll: the user types the line in the console
/// windows; then the instances are awaited down.
void console_exit_lines(CmdWriter& w, const CmdStep& c, const Topology& topo) {
  const Step& s = c.s;
  std::string who;
  if (s.instance.empty()) {
    for (const auto& x : s.wait.instances) who += (who.empty() ? "" : ", ") + x;
    w.line("echo Type " + s.console_line + " in the console window of each of " + who +
           " that is still open, then press a key here.");
  } else {
    w.line("echo Type " + s.console_line + " in the console window titled " + s.instance +
           ", then press a key here.");
  }
  w.line("pause > nul");
  std::vector<std::string> down = s.wait.instances;
  if (s.kind == StepKind::ConsoleExitAll) down = {s.instance};  // the rest: exit-remaining
  for (const auto& x : down) {
    w.line("call :dpc_wait_down " + triple(topo, x) + " " + c.secs + c.fail);
  }
}

/// After a step the user does by hand: a key press, then `path` must exist.
void await_user(CmdWriter& w, const CmdStep& c, const std::string& path) {
  w.line("echo then press a key here.");
  w.line("pause > nul");
  w.line("if not exist " + path_text(path) + " (call :dpc_fail \"" + c.n + ". " + c.s.id + "\" & exit /b 1)");
}

/// The commands of one step.
void step_lines(CmdWriter& w, const CmdStep& c, const Topology& topo) {
  const Step& s = c.s;
  const std::string& n = c.n;
  const std::string& fail = c.fail;
  const std::string& check = c.check;
  const std::string& ep = c.ep;
  const std::string& secs = c.secs;
  switch (s.kind) {
    case StepKind::InitInstance:
      if (s.needs_password) {
        w.line("call :dpc_parfile " + s.instance);
        w.line(command(s) + " PARFILE=\"%DPC_PAR%\"");
        w.line("set DPC_RC=%ERRORLEVEL%");
        w.line("del /q \"%DPC_PAR%\"");
        w.line("if not \"%DPC_RC%\"==\"0\" (call :dpc_fail \"" + n + ". " + s.id +
               "\" & exit /b 1)");
      } else {
        w.line(command(s));
        w.line(check);
      }
      break;
    case StepKind::Backup:
    case StepKind::Restore:
    case StepKind::UpdateDbMagic:
      w.line(command(s));
      w.line(check);
      break;
    case StepKind::WriteFile:
      write_file_lines(w, c);
      break;
    case StepKind::EditIni:
      for (const auto& [k, v] : s.ini_set) {
        w.line("call :dpc_set_ini " + cmd_quoted(s.path) + " " + k + " " + v + fail);
      }
      break;
    case StepKind::StartServer: {
      const Instance* inst = topo.find_instance(s.instance);
      const std::string at =
          inst ? arg_text(inst->host) + " " + std::to_string(inst->port_num) : "- 0";
      w.line("start \"" + s.instance + "\" " + command(s));
      w.line("call :dpc_wait \"" + s.instance + " is up\" " + (s.mount ? "/" : "/OPEN") + " " +
             secs + " " + s.instance + " " + at + fail);
      break;
    }
    case StepKind::RunSql: {
      bool first = true;
      for (const auto& st : s.statements) {
        w.line(std::string(first ? ">" : ">>") + " \"%DPC_RUN_DIR%\\step.sql\" echo " +
               echo_text(st));
        first = false;
      }
      w.line("call :dpc_sql " + ep + fail);
      break;
    }
    case StepKind::Verify:
      verify_lines(w, c);
      break;
    case StepKind::WaitState:
      wait_lines(w, c, topo);
      break;
    case StepKind::InstallDm:
      w.line("echo Install DM on host " + s.host + " into " + path_text(s.path) + " from " + s.package +
             " unless it holds that build,");
      await_user(w, c, s.path + "\\bin\\dmserver.exe");
      break;
    case StepKind::CopyBackup:
      w.line("echo Copy the backup set " + path_text(s.path) + " from host " + s.source_host +
             " to the same path on this host (" + s.host + "), compare the file sizes,");
      await_user(w, c, s.path);
      break;
    case StepKind::ConsoleExit:
    case StepKind::ConsoleExitAll:
      console_exit_lines(w, c, topo);
      break;
  }
}

/// Step `i`'s block: a remark naming it and its deps, the START_AT skip,
/// its commands, and the label the skip jumps to.
void step_block(CmdWriter& w, const Plan& plan, size_t i, const Topology& topo) {
  const size_t total = plan.steps.size();
  const Step& s = plan.steps[i];
  const std::string n = std::to_string(i + 1);
  const std::string next = ":dpc_s" + std::to_string(i + 2);
  const CmdStep c{s, n, " || (call :dpc_fail \"" + n + ". " + s.id + "\" & exit /b 1)",
                  "if errorlevel 1 (call :dpc_fail \"" + n + ". " + s.id + "\" & exit /b 1)",
                  s.endpoint.instance + " " + arg_text(s.endpoint.host) + " " + std::to_string(s.endpoint.port),
                  std::to_string((s.timeout_ms + 999) / 1000)};
  w.line();
  std::string header = "rem ---- " + n + ". " + s.id + " [" + step_kind_name(s.kind) + "]";
  if (!s.deps.empty()) {
    header += " after:";
    for (const auto& d : s.deps) {
      int at = plan.index_of(d);
      header += " " + (at < 0 ? d : std::to_string(at + 1));
    }
  }
  w.line(header);
  w.line("if " + n + " LSS %START_AT% goto " + next);
  w.line("echo == [" + n + "/" + std::to_string(total) + "] " + echo_text(s.id + ": " + s.title));
  step_lines(w, c, topo);
  w.line(next);
}

}  // namespace

std::string render_plan_cmd(const Plan& plan, const Topology& topo) {
  CmdWriter w;
  preamble(w, plan, topo);
  for (size_t i = 0; i < plan.steps.size(); ++i) step_block(w, plan, i, topo);
  w.line();
  w.line("echo Cluster " + echo_text(plan.cluster) + (plan.stop ? " stopped." : " deployed."));
  w.line("exit /b 0");
  std::string sub = kSubroutines;
  size_t start = 0;
  while (start < sub.size()) {
    size_t nl = sub.find('\n', start);
    if (nl == std::string::npos) nl = sub.size();
    w.line(sub.substr(start, nl - start));
    start = nl + 1;
  }
  return w.take();
}

}  // namespace dpc
