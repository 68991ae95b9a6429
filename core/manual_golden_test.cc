// Golden tests against the manual itself: for each of the deployment
// chapter's sections 7.1, 7.2 and 7.3 (kept as fixtures in
// tests/fixtures/manual/, see tests/manual_fixture.h) every dminit, SP_ (registration), dmrman
// and dmserver line, every mp.ini and dmarch.ini block and every dm.ini
// setting it prints must appear in the plan of the matching
// scenarios/topologies/manual-7.x.json, with the registration statements in
// the manual's own order. Then the rendered plans are compared with the
// reviewed files in tests/golden/plan/ (DPC_REWRITE_GOLDEN=1 rewrites them).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/dm_files.h"
#include "core/plan_builder.h"
#include "core/plan_render.h"
#include "core/topology_load.h"
#include "tests/manual_fixture.h"

namespace dpc {
namespace {

namespace fs = std::filesystem;

using manual_fixture::read_file;
using manual_fixture::split_lines;

/// Drops `//` and `#` comments, collapses whitespace, and drops the spaces
/// around commas, parentheses and `=`.
std::string normalize(std::string line) {
  if (size_t c = line.find("//"); c != std::string::npos) line.erase(c);
  if (size_t c = line.find('#'); c != std::string::npos) line.erase(c);
  std::string collapsed;
  for (char c : line) {
    const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (space) {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
    } else {
      collapsed += c;
    }
  }
  std::string out;
  for (size_t i = 0; i < collapsed.size(); ++i) {
    const char c = collapsed[i];
    if (c == ' ') {
      const char prev = out.empty() ? ',' : out.back();
      const char next = i + 1 < collapsed.size() ? collapsed[i + 1] : ',';
      if (std::string(",()=").find(prev) != std::string::npos ||
          std::string(",()=").find(next) != std::string::npos) {
        continue;
      }
    }
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> normalized_lines(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& l : split_lines(text)) {
    std::string n = normalize(l);
    if (!n.empty()) out.push_back(n);
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

/// One fenced code block of the manual: the heading it is under and its lines.
struct Block {
  std::string heading;
  std::vector<std::string> lines;
};

/// The code blocks of section `number` ("7.2"), in order.
std::vector<Block> manual_blocks(const std::string& manual, const std::string& number) {
  std::vector<Block> blocks;
  bool in_section = false, in_code = false;
  std::string heading;
  for (const auto& line : split_lines(manual)) {
    if (starts_with(line, "## ")) in_section = starts_with(line, "## " + number + " ");
    if (!in_section) continue;
    if (starts_with(line, "#") && !in_code) heading = line;
    if (starts_with(line, "```")) {
      in_code = !in_code;
      if (in_code) blocks.push_back(Block{heading, {}});
      continue;
    }
    if (in_code) blocks.back().lines.push_back(line);
  }
  return blocks;
}

/// Normalised manual lines of a section that start with `prefix`
/// (after leading whitespace), in order.
std::vector<std::string> manual_lines(const std::vector<Block>& blocks, const std::string& prefix) {
  std::vector<std::string> out;
  for (const Block& b : blocks) {
    for (const auto& l : b.lines) {
      std::string n = normalize(l);
      if (starts_with(lower(n), lower(prefix))) out.push_back(n);
    }
  }
  return out;
}

struct ManualCluster {
  std::string number;  // "7.2"
  Topology topo;
  Plan plan;
  Plan stop;
  std::vector<Block> blocks;
};

ManualCluster load_manual(const std::string& number) {
  ManualCluster m;
  m.number = number;
  const std::string rel = "scenarios/topologies/manual-" + number + ".json";
  LoadOutcome outcome = load_topology_file(std::string(DPC_SOURCE_DIR) + "/" + rel);
  if (!outcome.ok()) {
    ADD_FAILURE() << rel << " does not load:\n" << format_diagnostics(outcome.diagnostics, rel);
    return m;
  }
  m.topo = *outcome.topology;
  m.topo.source_file = rel;  // golden files must not hold this checkout's path
  m.plan = build_deploy_plan(m.topo);
  m.stop = build_stop_plan(m.topo);
  const std::string manual = manual_fixture::section(number);
  if (manual.empty()) ADD_FAILURE() << "cannot read " << manual_fixture::fixture_path(number);
  m.blocks = manual_blocks(manual, number);
  return m;
}

/// Normalised command lines of the plan's steps of `kinds`.
std::vector<std::string> plan_commands(const Plan& plan, std::vector<StepKind> kinds) {
  std::vector<std::string> out;
  for (const Step& s : plan.steps) {
    if (std::find(kinds.begin(), kinds.end(), s.kind) != kinds.end()) {
      out.push_back(normalize(manual_command_line(s)));
    }
  }
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

/// Whether some normalised line of the cmd runbook contains `wanted`.
bool in_cmd(const std::vector<std::string>& cmd_lines, const std::string& wanted) {
  for (const auto& l : cmd_lines) {
    if (l.find(wanted) != std::string::npos) return true;
  }
  return false;
}

class ManualGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(ManualGolden, DminitLinesAreThePlansInitSteps) {
  ManualCluster m = load_manual(GetParam());
  const auto manual = manual_lines(m.blocks, "dminit ");
  EXPECT_EQ(manual.size(), m.topo.instances.size()) << "the manual initialises every instance";
  auto plan = plan_commands(m.plan, {StepKind::InitInstance});
  auto sorted_manual = manual;
  std::sort(sorted_manual.begin(), sorted_manual.end());
  std::sort(plan.begin(), plan.end());
  EXPECT_EQ(sorted_manual, plan);
  const auto cmd = normalized_lines(render_plan_cmd(m.plan, m.topo));
  for (const auto& line : manual) EXPECT_TRUE(in_cmd(cmd, line)) << "cmd runbook lacks: " << line;
}

TEST_P(ManualGolden, RegistrationStatementsAreTheManualsInItsOrder) {
  ManualCluster m = load_manual(GetParam());
  const auto manual = manual_lines(m.blocks, "SP_");
  std::vector<std::string> plan;
  for (const Step& s : m.plan.steps) {
    if (s.kind == StepKind::RunSql) {
      for (const auto& st : s.statements) plan.push_back(normalize(st));
    }
  }
  EXPECT_GE(manual.size(), 13u);
  EXPECT_EQ(manual, plan);
  const auto cmd = normalized_lines(render_plan_cmd(m.plan, m.topo));
  for (const auto& line : manual) EXPECT_TRUE(in_cmd(cmd, line)) << "cmd runbook lacks: " << line;
}

TEST_P(ManualGolden, RegistrationRespectsTheOrderRules) {
  ManualCluster m = load_manual(GetParam());
  // The MP registers itself first (7.1.4) ...
  int first_sql = -1;
  for (size_t i = 0; i < m.plan.steps.size() && first_sql < 0; ++i) {
    if (m.plan.steps[i].kind == StepKind::RunSql) first_sql = static_cast<int>(i);
  }
  ASSERT_GE(first_sql, 0);
  const Step& first = m.plan.steps[static_cast<size_t>(first_sql)];
  const std::string mp1 = m.topo.members_of(*m.topo.mp_group()).front()->name;
  EXPECT_EQ(first.id, "register:" + mp1);
  EXPECT_EQ(first.endpoint.instance, mp1);
  EXPECT_LT(m.plan.index_of("start:" + mp1), first_sql);
  // ... and every SP and BP is registered before its first start.
  for (const Instance& inst : m.topo.instances) {
    if (inst.role == Role::MP) continue;
    const int reg = m.plan.index_of("register:" + inst.name);
    int start = m.plan.index_of("seed-start:" + inst.name);
    if (start < 0) start = m.plan.index_of("start:" + inst.name);
    ASSERT_GE(reg, 0) << inst.name;
    ASSERT_GE(start, 0) << inst.name;
    EXPECT_LT(reg, start) << inst.name;
  }
}

TEST_P(ManualGolden, DmrmanLinesAreThePlansBackupRestoreAndMagicSteps) {
  ManualCluster m = load_manual(GetParam());
  const auto manual = manual_lines(m.blocks, "dmrman ");
  const auto plan = plan_commands(
      m.plan, {StepKind::Backup, StepKind::Restore, StepKind::UpdateDbMagic});
  const auto cmd = normalized_lines(render_plan_cmd(m.plan, m.topo));
  for (const auto& line : manual) {
    EXPECT_TRUE(contains(plan, line)) << "no plan step runs: " << line;
    EXPECT_TRUE(in_cmd(cmd, line)) << "cmd runbook lacks: " << line;
  }
  // The manual prints the first replicated group's lines in full.
  std::vector<std::string> first_group;
  for (const RaftGroup& g : m.topo.rafts) {
    if (!g.replicated() || !first_group.empty()) continue;
    for (const Step& s : m.plan.steps) {
      const Instance* inst = m.topo.find_instance(s.instance);
      if (inst != nullptr && inst->raft == g.name &&
          (s.kind == StepKind::Backup || s.kind == StepKind::Restore ||
           s.kind == StepKind::UpdateDbMagic)) {
        first_group.push_back(normalize(manual_command_line(s)));
      }
    }
  }
  EXPECT_EQ(manual, first_group);
}

TEST_P(ManualGolden, DmserverLinesAreThePlansStarts) {
  ManualCluster m = load_manual(GetParam());
  const auto manual = manual_lines(m.blocks, "dmserver ");
  ASSERT_FALSE(manual.empty());
  std::vector<std::string> plan;
  for (const auto& c : plan_commands(m.plan, {StepKind::StartServer})) plan.push_back(lower(c));
  for (const auto& line : manual) {
    // 7.2.6 writes dpc_mode=bp in lower case.
    EXPECT_TRUE(contains(plan, lower(line))) << "no start step runs: " << line;
  }
}

TEST_P(ManualGolden, MpIniBlocksAreEveryInstancesMpIni) {
  ManualCluster m = load_manual(GetParam());
  int blocks = 0;
  for (const Block& b : m.blocks) {
    const auto lines = normalized_lines([&] {
      std::string t;
      for (const auto& l : b.lines) t += l + "\n";
      return t;
    }());
    if (lines.empty() || !(starts_with(lines[0], "mp_host") || starts_with(lines[0], "[MP"))) {
      continue;
    }
    ++blocks;
    for (const Instance& inst : m.topo.instances) {
      const Step* s = m.plan.find("mpini:" + inst.name);
      ASSERT_NE(s, nullptr) << inst.name;
      EXPECT_EQ(normalized_lines(s->content), lines) << inst.name << " under " << b.heading;
    }
  }
  EXPECT_EQ(blocks, 1);
}

TEST_P(ManualGolden, DmarchBlocksAreThePlansDmarchFiles) {
  ManualCluster m = load_manual(GetParam());
  int blocks = 0;
  for (const Block& b : m.blocks) {
    std::string text;
    for (const auto& l : b.lines) text += l + "\n";
    const auto lines = normalized_lines(text);
    if (std::find(lines.begin(), lines.end(), "ARCH_TYPE=LOCAL") == lines.end()) continue;
    ++blocks;
    // The block's instance: the one whose local archive it names.
    const Instance* owner = nullptr;
    for (const Instance& inst : m.topo.instances) {
      if (contains(lines, "ARCH_DEST=" + local_arch_dest(m.topo, inst))) owner = &inst;
    }
    ASSERT_NE(owner, nullptr) << "no instance archives to the block under " << b.heading;
    const bool raft = contains(lines, "RAFT_SELF_ID=" + std::to_string(owner->raft_self_id));
    std::vector<std::string> ids;
    if (raft) {
      ids = {"dmarch:" + owner->name};
    } else {
      ids = {"seed-dmarch:" + owner->name, "mp-dmarch-local:" + owner->name};
    }
    const Step* s = nullptr;
    for (const auto& id : ids) {
      if (s == nullptr) s = m.plan.find(id);
    }
    ASSERT_NE(s, nullptr) << owner->name << " under " << b.heading;
    EXPECT_EQ(normalized_lines(s->content), lines) << s->id << " under " << b.heading;
  }
  if (m.topo.mp_replicated() ||
      std::any_of(m.topo.rafts.begin(), m.topo.rafts.end(),
                  [](const RaftGroup& g) { return g.replicated(); })) {
    EXPECT_EQ(blocks, 4) << "one local-only and three RAFT dmarch.ini";
  } else {
    EXPECT_EQ(blocks, 0);
  }
}

TEST_P(ManualGolden, DmIniSettingsAreThePlansEdits) {
  ManualCluster m = load_manual(GetParam());
  int blocks = 0;
  for (const Block& b : m.blocks) {
    std::string text;
    for (const auto& l : b.lines) text += l + "\n";
    const auto lines = normalized_lines(text);
    if (lines.empty() || !starts_with(lines[0], "ARCH_INI=")) continue;
    ++blocks;
    std::vector<std::pair<std::string, std::string>> set;
    for (const auto& l : lines) {
      const size_t eq = l.find('=');
      set.emplace_back(l.substr(0, eq), l.substr(eq + 1));
    }
    // One key: the seed before its first start; two: every replica.
    const std::vector<std::string> prefixes =
        set.size() == 1 ? std::vector<std::string>{"seed-dm-ini:", "mp-dm-ini:"}
                        : std::vector<std::string>{"dm-ini:"};
    int steps = 0;
    for (const Step& s : m.plan.steps) {
      if (std::none_of(prefixes.begin(), prefixes.end(),
                       [&](const std::string& p) { return starts_with(s.id, p); })) {
        continue;
      }
      ++steps;
      EXPECT_EQ(s.ini_set, set) << s.id << " under " << b.heading;
    }
    EXPECT_GT(steps, 0) << "no plan step sets the dm.ini under " << b.heading;
  }
  EXPECT_EQ(blocks, GetParam() == "7.1" ? 0 : 2);
}

TEST_P(ManualGolden, ShutdownFollowsTheManualsOrder) {
  ManualCluster m = load_manual(GetParam());
  std::vector<std::string> ids;
  for (const Step& s : m.stop.steps) ids.push_back(s.id);
  const std::map<std::string, std::vector<std::string>> expected = {
      {"7.1", {"exit:SP1", "exit:BP1", "exit:BP2", "exit:MP"}},
      {"7.2",
       {"exit:SP1", "exit-all:RAFT_1", "exit-remaining:RAFT_1", "exit-all:RAFT_2",
        "exit-remaining:RAFT_2", "exit:MP"}},
      {"7.3", {"exit:SP1", "exit:BP1", "exit-all:MP_RAFT", "exit-remaining:MP_RAFT"}},
  };
  EXPECT_EQ(ids, expected.at(GetParam()));
  // Every step waits for the one before it, across roles.
  for (size_t i = 1; i < m.stop.steps.size(); ++i) {
    const Step& s = m.stop.steps[i];
    const Instance* prev = m.topo.find_instance(m.stop.steps[i - 1].wait.instances.front());
    const Instance* self = m.topo.find_instance(s.wait.instances.front());
    if (prev->role != self->role) {
      EXPECT_FALSE(s.deps.empty()) << s.id;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Sections, ManualGolden, ::testing::Values("7.1", "7.2", "7.3"),
                         [](const auto& info) {
                           std::string name = "Manual" + info.param;
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

/// The reviewed renderings in tests/golden/plan/. DPC_REWRITE_GOLDEN=1
/// rewrites them; review the diff before committing it.
void expect_golden(const std::string& name, const std::string& actual) {
  const fs::path path = fs::path(DPC_SOURCE_DIR) / "tests" / "golden" / "plan" / name;
  const char* rewrite = std::getenv("DPC_REWRITE_GOLDEN");
  if (rewrite != nullptr && std::string(rewrite) == "1") {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  const std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing; run with DPC_REWRITE_GOLDEN=1";
  if (expected == actual) return;
  const auto a = split_lines(actual), e = split_lines(expected);
  size_t i = 0;
  while (i < a.size() && i < e.size() && a[i] == e[i]) ++i;
  ADD_FAILURE() << name << " differs from the golden file at line " << i + 1 << ":\n  golden: "
                << (i < e.size() ? e[i] : "<end>") << "\n  now:    "
                << (i < a.size() ? a[i] : "<end>")
                << "\nIf the change is intended, rerun with DPC_REWRITE_GOLDEN=1 and review the diff.";
}

TEST(PlanGolden, ManualClustersRenderAsReviewed) {
  for (const std::string number : {"7.1", "7.2", "7.3"}) {
    ManualCluster m = load_manual(number);
    const std::string base = "manual-" + number;
    expect_golden(base + ".deploy.txt", render_plan(m.plan, m.topo, PlanFormat::Text));
    expect_golden(base + ".deploy.sh", render_plan(m.plan, m.topo, PlanFormat::Sh));
    expect_golden(base + ".deploy.cmd", render_plan(m.plan, m.topo, PlanFormat::Cmd));
    expect_golden(base + ".stop.txt", render_plan(m.stop, m.topo, PlanFormat::Text));
    expect_golden(base + ".stop.cmd", render_plan(m.stop, m.topo, PlanFormat::Cmd));
  }
}

TEST(PlanGolden, LocalClusterShRunbooksRenderAsReviewed) {
  for (const std::string number : {"7.2", "7.3"}) {
    const std::string rel = "scenarios/topologies/local-" + number + ".json";
    LoadOutcome outcome = load_topology_file(std::string(DPC_SOURCE_DIR) + "/" + rel);
    ASSERT_TRUE(outcome.ok()) << format_diagnostics(outcome.diagnostics, rel);
    Topology topo = *outcome.topology;
    topo.source_file = rel;
    expect_golden("local-" + number + ".deploy.sh", render_plan_sh(build_deploy_plan(topo), topo));
    expect_golden("local-" + number + ".stop.sh", render_plan_sh(build_stop_plan(topo), topo));
    expect_golden("local-" + number + ".deploy.json", render_plan(build_deploy_plan(topo), topo,
                                                                  PlanFormat::Json));
  }
}

}  // namespace
}  // namespace dpc
