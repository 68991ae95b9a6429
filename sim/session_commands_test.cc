// The command table: it is what dispatch, help and the scenario loader use,
// it matches docs/scenarios.md, and its checks name what is wrong before a
// command runs.
#include "sim/session_commands.h"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/topology_load.h"
#include "sim/session.h"

namespace dpc::sim {
namespace {

using testing::HasSubstr;

Topology local72() {
  LoadOutcome o = load_topology_file(std::string(DPC_SOURCE_DIR) + "/scenarios/topologies/local-7.2.json");
  EXPECT_TRUE(o.ok());
  return *o.topology;
}

std::string check(const std::string& line) { return check_session_command(split_command(line), local72()); }

TEST(SessionCommands, EveryUsageInTheTableIsDocumentedAndEveryDocumentedCommandIsInTheTable) {
  std::ifstream in(std::string(DPC_SOURCE_DIR) + "/docs/scenarios.md");
  std::stringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  const size_t from = doc.find("### Commands");
  ASSERT_NE(from, std::string::npos);
  doc = doc.substr(from, doc.find("## Conditions") - from);
  // The docs escape | inside table cells.
  std::string plain;
  for (size_t i = 0; i < doc.size(); ++i) {
    if (doc[i] == '\\' && i + 1 < doc.size() && doc[i + 1] == '|') continue;
    plain += doc[i];
  }
  for (const SessionCommand& c : session_commands()) {
    EXPECT_THAT(plain, HasSubstr(std::string("| `") + c.usage + "` |")) << c.name << " is not documented as used";
  }
  std::istringstream rows(plain);
  for (std::string row; std::getline(rows, row);) {
    if (row.rfind("| `", 0) != 0) continue;
    const std::string name = row.substr(3, row.find_first_of(" `", 3) - 3);
    EXPECT_NE(find_session_command(name), nullptr) << "docs/scenarios.md documents '" << name << "'";
  }
}

TEST(SessionCommands, HelpListsEveryCommand) {
  const std::string help = session_help();
  for (const SessionCommand& c : session_commands()) EXPECT_THAT(help, HasSubstr(c.usage));
}

TEST(SessionCommands, ChecksArityAndNamesBeforeAnythingRuns) {
  EXPECT_EQ(check("partition BP11 127.0.0.1"), "");
  EXPECT_EQ(check("deploy upto start:MP parallel 2"), "");
  EXPECT_EQ(check("deplo"), "unknown command 'deplo' (type 'help')");
  EXPECT_EQ(check("kill"), "usage: kill INST");
  EXPECT_EQ(check("kill BP11 BP12"), "usage: kill INST");
  EXPECT_THAT(check("kill BP99"), HasSubstr("kill: no instance 'BP99' in the topology\nusage: kill INST"));
  EXPECT_THAT(check("crash-host BP11"), HasSubstr("no host named 'BP11'"));
  EXPECT_THAT(check("partition BP11 BP99"), HasSubstr("no host or instance named 'BP99' in cluster local-7.2"));
  EXPECT_THAT(check("leader RAFT_9"), HasSubstr("no RAFT group 'RAFT_9'"));
  EXPECT_THAT(check("advance -5"), HasSubstr("'-5' is not a number >= 0"));
  EXPECT_THAT(check("advance nan"), HasSubstr("'nan' is not a number >= 0"));
  EXPECT_THAT(check("link 127.0.0.1 BP11 inf"), HasSubstr("'inf' is not a number >= 0"));
  EXPECT_EQ(check("sql SP1 select 1 from dual"), "");
}

TEST(SessionCommands, EveryCommandDispatchesToItsMethod) {
  // Each command run with its minimum words reaches its own method: none
  // answers "unknown command", and `time` answers with the time.
  SimSession session(local72(), SimOptions{});
  EXPECT_EQ(session.execute("time").output, "t = 0 ms");
  EXPECT_THAT(session.execute("help").output, HasSubstr("partition A B [oneway]"));
  const CommandResult bad = session.execute("heal BP11");
  EXPECT_FALSE(bad.ok);
  EXPECT_THAT(bad.error, HasSubstr("usage: heal [A B]")) << "one end of a link is not a link";
}

}  // namespace
}  // namespace dpc::sim
