// The renderers as the second line of defence: a topology built in code (so
// validate never saw it) with hostile text in every free-text field (a line
// break, quotes, &, %, $(), backticks, parentheses, carets) must render into
// a cmd runbook whose every line, read by a small model of cmd's parser, has
// exactly the operators and variable expansions of the same runbook rendered
// from harmless values; the ini files, SQL statements and sh comments keep
// one line per line. (The sh runbook is executed with hostile values in
// runbook_sh_test.cc.)
#include <gtest/gtest.h>

#include <cctype>
#include <sstream>

#include "core/dm_files.h"
#include "core/plan_builder.h"
#include "core/plan_render.h"
#include "core/plan_test_topologies.h"
#include "core/registration_sql.h"

namespace dpc {
namespace {

using testing_topologies::make_topology;
using testing_topologies::Shape;

/// How cmd reads one line of a batch file, reduced to what matters for
/// injection: phase 1 expands %NAME% and %N / %~N and turns %% into %;
/// phase 2 toggles a quoted state at every ", escapes the next character
/// with ^ outside quotes, and treats & | < > ( ) outside quotes as
/// operators. The result lists the expansions and operators in order, and
/// "open-quote" when the line ends inside quotes.
std::vector<std::string> cmd_structure(const std::string& line) {
  std::vector<std::string> out;
  if (line.rfind("rem", 0) == 0 || line.rfind("::", 0) == 0) return {"rem"};
  std::string expanded;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '%') {
      expanded += line[i];
      continue;
    }
    if (i + 1 < line.size() && line[i + 1] == '%') {
      // %% is a literal % -- or a FOR variable %%T, which the runbook uses
      // in exactly one line of its own.
      expanded += '%';
      ++i;
      continue;
    }
    size_t j = i + 1;
    if (j < line.size() && line[j] == '~') ++j;
    if (j < line.size() && std::isdigit(static_cast<unsigned char>(line[j]))) {
      out.push_back("%arg" + line.substr(j, 1));
      expanded += 'A';
      i = j;
      continue;
    }
    const size_t close = line.find('%', i + 1);
    if (close == std::string::npos) continue;  // a lone % vanishes
    out.push_back("%" + line.substr(i + 1, close - i - 1) + "%");
    expanded += 'V';
    i = close;
  }
  // `(` opens a block only where a command starts (or after an `if`/`for`
  // condition, `do`, `else`); `)` closes one only inside a block.
  bool quoted = false;
  int depth = 0;
  std::string command;  // the current command's text so far
  for (size_t i = 0; i < expanded.size(); ++i) {
    const char c = expanded[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '^') {
      ++i;
      command += 'x';
      continue;
    } else if (!quoted && (c == '&' || c == '|' || c == '<' || c == '>')) {
      out.push_back(std::string(1, c));
      if (c == '&' || c == '|') command.clear();
      continue;
    } else if (!quoted && c == '(') {
      std::string cmd = command;
      while (!cmd.empty() && cmd.front() == ' ') cmd.erase(0, 1);
      while (!cmd.empty() && cmd.back() == ' ') cmd.pop_back();
      const bool opens = cmd.empty() || cmd.rfind("if ", 0) == 0 || cmd.rfind("for ", 0) == 0 ||
                         cmd == "else" ||
                         (cmd.size() >= 3 && cmd.compare(cmd.size() - 3, 3, " do") == 0);
      if (opens) {
        out.push_back("(");
        ++depth;
        command.clear();
        continue;
      }
    } else if (!quoted && c == ')' && depth > 0) {
      out.push_back(")");
      --depth;
      command.clear();
      continue;
    }
    command += c;
  }
  if (quoted) out.push_back("open-quote");
  return out;
}

std::vector<std::string> lines_of(const std::string& text, const std::string& eol) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(eol, start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + eol.size();
  }
  return out;
}

const char* kHostile = "x\"y & calc %PATH% ^ (a) | b < c > d $(id) `id` !x! ' ;\r\nrem z";

Topology harmless(OsKind os) {
  Shape shape;
  shape.os = os;
  shape.base_dir = os == OsKind::Windows ? "C:\\dm\\data" : "/dm/data";
  shape.bp_groups = {3};
  Topology topo = make_topology(shape);
  topo.source_file = "t.json";
  topo.password.file = os == OsKind::Windows ? "C:\\pw.txt" : "/pw.txt";
  return topo;
}

/// The same topology with kHostile in every free-text field.
Topology hostile(OsKind os) {
  Topology topo = harmless(os);
  topo.source_file += kHostile;
  topo.dm_home += kHostile;
  topo.password.file += kHostile;
  for (Instance& inst : topo.instances) {
    inst.path += kHostile;
    inst.host += kHostile;
    inst.ip_internal = inst.host;
    inst.ip_external = inst.host;
    inst.description += kHostile;
  }
  for (BpGroup& g : topo.bp_groups) g.description += kHostile;
  return topo;
}

TEST(CmdQuotingChecker, SeesOperatorsExpansionsAndQuotes) {
  EXPECT_EQ(cmd_structure("echo a & b"), (std::vector<std::string>{"&"}));
  EXPECT_EQ(cmd_structure("echo a ^& b"), std::vector<std::string>{});
  EXPECT_EQ(cmd_structure("echo \"a & b\""), std::vector<std::string>{});
  EXPECT_EQ(cmd_structure("echo \"a\" & b"), (std::vector<std::string>{"&"}));
  EXPECT_EQ(cmd_structure("echo %PATH% %%x%% %~1"),
            (std::vector<std::string>{"%PATH%", "%arg1"}));
  EXPECT_EQ(cmd_structure("echo \"a"), (std::vector<std::string>{"open-quote"}));
  EXPECT_EQ(cmd_structure("rem a & b"), (std::vector<std::string>{"rem"}));
  EXPECT_EQ(cmd_structure("echo f(x)"), std::vector<std::string>{});
  EXPECT_EQ(cmd_structure("if a==b (echo f(x^) & exit)"),
            (std::vector<std::string>{"(", "&", ")"}));
  EXPECT_EQ(cmd_structure("if a==b (echo f(x) & exit)"),
            (std::vector<std::string>{"(", ")", "&"}));
}

TEST(HostileText, CmdRunbookKeepsItsStructure) {
  for (bool stop : {false, true}) {
    const Topology good = harmless(OsKind::Windows), bad = hostile(OsKind::Windows);
    const Plan good_plan = stop ? build_stop_plan(good) : build_deploy_plan(good);
    const Plan bad_plan = stop ? build_stop_plan(bad) : build_deploy_plan(bad);
    const auto g = lines_of(render_plan_cmd(good_plan, good), "\r\n");
    const auto b = lines_of(render_plan_cmd(bad_plan, bad), "\r\n");
    ASSERT_EQ(g.size(), b.size()) << "a hostile value added or removed lines";
    for (size_t i = 0; i < g.size(); ++i) {
      EXPECT_EQ(b[i].find_first_of("\r\n"), std::string::npos) << b[i];
      EXPECT_EQ(cmd_structure(b[i]), cmd_structure(g[i]))
          << "line " << i + 1 << "\n  harmless: " << g[i] << "\n  hostile:  " << b[i];
    }
  }
}

TEST(HostileText, CmdRunbookUsesTheDefaultForAnUnsafePasswordVariable) {
  Topology topo = harmless(OsKind::Windows);
  topo.password.file.clear();
  topo.password.env = "PW&calc";
  const std::string cmd = render_plan_cmd(build_deploy_plan(topo), topo);
  EXPECT_EQ(cmd.find("calc"), std::string::npos);
  EXPECT_NE(cmd.find("set \"DPC_PW=%DM_SYSDBA_PWD%\""), std::string::npos);
}

TEST(HostileText, ShCommentsStayOneLine) {
  const Topology bad = hostile(OsKind::Linux);
  const std::string sh = render_plan_sh(build_deploy_plan(bad), bad);
  // The file name's line break is shown as \r\n inside the comment, so the
  // comment does not end there (the sh runbook runs with it in
  // runbook_sh_test.cc).
  EXPECT_NE(sh.find("t.json" + std::string("x\"y & calc %PATH% ^ (a) | b < c > d $(id) `id` "
                                           "!x! ' ;\\r\\nrem z")),
            std::string::npos);
}

TEST(HostileText, IniFilesKeepOneSettingPerLine) {
  Topology topo = harmless(OsKind::Linux);
  topo.instances[0].host = "10.0.0.1\nMP_RECONN_TIMEOUT = 0";
  topo.instances[0].ip_internal = topo.instances[0].host;
  for (Instance& inst : topo.instances) inst.path += "#x\nARCH_TYPE = REMOTE";
  const std::string mp = mp_ini_text(topo);
  EXPECT_EQ(mp.find("\nMP_RECONN_TIMEOUT"), std::string::npos) << mp;
  EXPECT_NE(mp.find("10.0.0.1?MP_RECONN_TIMEOUT = 0"), std::string::npos) << mp;
  for (const Instance& inst : topo.instances) {
    const std::string arch = dmarch_local_only(topo, inst);
    EXPECT_EQ(arch.find("\nARCH_TYPE = REMOTE"), std::string::npos) << arch;
    EXPECT_EQ(arch.find('#'), std::string::npos) << arch;
  }
}

TEST(HostileText, SqlLiteralsStayOnOneLineAndQuoted) {
  EXPECT_EQ(sql_literal("it's"), "'it''s'");
  EXPECT_EQ(sql_literal("a\nb"), "'a' || CHR(10) || 'b'");
  EXPECT_EQ(sql_literal("');DROP TABLE X;--"), "''');DROP TABLE X;--'");
  const Topology bad = hostile(OsKind::Linux);
  for (const Step& s : build_deploy_plan(bad).steps) {
    for (const std::string& st : s.statements) {
      EXPECT_EQ(st.find_first_of("\r\n"), std::string::npos) << st;
    }
  }
}

}  // namespace
}  // namespace dpc
