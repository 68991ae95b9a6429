// Scenario files: short JSON files (comments allowed) that set up a
// simulated cluster, drive it with the shell's command words (sim/session.h),
// inject faults and state what must happen. This header is the parsed form
// and the loader; sim/scenario/scenario_condition.h evaluates the conditions and
// sim/scenario/scenario_run.h runs a scenario for one seed. The format is
// docs/scenarios.md (schema: docs/scenario.schema.json).
//
//   { "name": "leader-crash-failover",
//     "topology": "topologies/local-7.2.json",
//     "sim": { "seed": 1, "jitter_ms": 0 },
//     "steps": [
//       { "do": "deploy" },
//       { "do": "kill BP11" }, { "mark": "crash" },
//       { "wait_until": { "group": "RAFT_1", "leader": "BP12" }, "within_ms": 3000 },
//       { "expect": { "elapsed_since": "crash", "at_most_ms": 2600 } } ] }
//
// Loading reports every problem at once, each with the JSON path of the
// field, its line and column, what is wrong and how to fix it (exit code 2
// at the CLI). Plain data and pure functions
// apart from reading files; a loaded Scenario is immutable and may be shared
// by runs on several threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/topology.h"
#include "sim/engine/timing_profile.h"
#include "sim/limits.h"
#include "sim/model/dm_setup.h"

namespace dpc::sim {

/// {"instance": NAME, ...}: what one instance looks like now.
struct InstanceCheck {
  std::string name;
  std::optional<std::string> status;     ///< STATUS$: OPEN, MOUNT, SHUTDOWN, STARTUP, AFTER REDO
  std::optional<std::string> mode;       ///< MODE$: NORMAL, PRIMARY, STANDBY
  std::optional<std::string> role;       ///< leader, follower, candidate, none
  std::optional<std::string> process;    ///< stopped, launching, connecting, booting, running, exiting
  std::optional<std::string> last_stop;  ///< none, exit, halt, crash, refused
  std::optional<std::string> leader;     ///< the leader it knows ("" = none)
  std::optional<std::string> error_contains;  ///< substring of why it last refused/halted/crashed
  std::optional<bool> running;
  std::optional<bool> halted;
  std::optional<bool> valid;
  std::optional<bool> dirty;
  std::optional<bool> caught_up;  ///< holds every LSN its group's leader committed
  std::optional<int64_t> term;
  std::optional<int64_t> min_term;
  std::optional<int64_t> min_c_lsn;
};

/// {"group": RAFT, ...}: a RAFT group's leadership.
struct GroupCheck {
  std::string raft;
  std::optional<std::string> leader;  ///< the running leader of the highest term
  bool no_leader = false;
  std::optional<bool> open;           ///< the leader is PRIMARY and OPEN
  std::optional<int64_t> term;        ///< the leader's term
  std::optional<int64_t> min_term;
  std::optional<int64_t> valid_members;  ///< members that lead or follow a leader
};

/// {"sql": {"on": INST, "query": "..."}, ...}: a statement's outcome.
struct SqlCheck {
  std::string on;
  std::string query;
  std::optional<bool> ok;
  std::optional<std::string> error_contains;
  std::optional<int64_t> row_count;
  std::map<std::string, std::string> has_row;  ///< some row has these column values
};

/// {"catalog": {"on": MP, "table": T, "where": {...}, "row": {...}}}.
struct CatalogCheck {
  std::string on;  ///< "" = the serving MP (the MP_RAFT leader when replicated)
  std::string table;
  std::map<std::string, std::string> where;  ///< selects the rows
  std::map<std::string, std::string> row;    ///< every selected row has these values
  std::optional<int64_t> count;              ///< how many rows `where` selects
};

/// {"elapsed_since": MARK, "until": MARK2, "at_most_ms": N, "at_least_ms": M}:
/// the virtual time from MARK to MARK2 (default: now).
struct ElapsedCheck {
  std::string mark;
  std::string until;  ///< "" = now
  std::optional<int64_t> at_most_ms;
  std::optional<int64_t> at_least_ms;
};

/// {"trace": {"kind": PREFIX, "instance": I, "detail_contains": S, "since": MARK},
///  "count"|"at_least"|"at_most": N}: events recorded so far.
struct TraceCheck {
  std::string kind;  ///< a kind ("raft.leader"), or a prefix ending in '.' ("raft.")
  std::string instance;
  std::string detail_contains;
  std::string since;  ///< a mark; "" = the whole run
  std::optional<int64_t> count;
  std::optional<int64_t> at_least;
  std::optional<int64_t> at_most;
};

struct Condition {
  enum class Kind { Instance, Group, Sql, Catalog, Elapsed, Trace, CatalogConsistent, All, Any, Not };
  Kind kind = Kind::All;
  std::string path;  ///< JSON path in the file
  int line = 0;
  std::string text;  ///< the condition as written (compact JSON), for messages
  InstanceCheck instance;
  GroupCheck group;
  SqlCheck sql;
  CatalogCheck catalog;
  ElapsedCheck elapsed;
  TraceCheck trace;
  std::vector<Condition> children;  ///< all / any / not
  /// Answering runs the simulation (SQL round trips): it cannot be checked
  /// after every event, only polled.
  bool needs_io() const;
};

/// One step of a scenario file (not a plan step, dpc::Step: a scenario
/// step may run a whole plan, a fault or a check).
struct ScenarioStep {
  enum class Kind { Do, WaitUntil, Expect, Hold, Mark };
  Kind kind = Kind::Do;
  std::string path;  ///< "steps[3]"
  int line = 0;
  std::string text;  ///< the step as written (compact JSON)
  std::string note;  ///< "note": why this step is here
  // do
  std::string command;
  std::optional<std::string> expect_error;   ///< the command must fail with this text
  std::optional<std::string> expect_output;  ///< the command must succeed printing this
  /// The command may succeed or fail (a fault that finds nothing to hit, a
  /// deploy under faults); a failed plan run must still name its step.
  bool may_fail = false;
  // wait_until / expect / hold
  Condition condition;
  int64_t within_ms = 0;  ///< wait_until: virtual-time bound
  int64_t for_ms = 0;     ///< hold: how long the condition must keep holding
  int64_t poll_ms = 50;   ///< SQL conditions are polled this often
  // mark
  std::string mark;
  std::optional<TraceCheck> mark_at;  ///< "at": the time of the last matching event
};

/// sim.links[i]: a link between two hosts or instances.
struct LinkSetting {
  std::string a;
  std::string b;
  double latency_ms = 0;
  double jitter_ms = 0;
  double loss = 0;
  bool one_way = false;
};

struct Scenario {
  std::string file;  ///< as given on the command line
  std::string name;  ///< "name", or the file's stem
  std::string description;
  std::string topology_source;  ///< the topology file, or "<inline>"
  Topology topology;
  uint64_t seed = 1;  ///< sim.seed: the run's seed when none is given
  int64_t jitter_ms = 0;
  TimingProfile profile;
  std::vector<LinkSetting> links;
  DmSetup dm;  ///< sim.dm: which DM each host holds (sim/model/dm_setup.h)
  /// sim.fold_heartbeats: fold idle groups' heartbeats (SimOptions).
  bool fold_heartbeats = false;
  std::vector<ScenarioStep> steps;
  /// <dir>/<stem>.transcript beside the file.
  std::string transcript_path() const;
};

struct ScenarioLoad {
  std::optional<Scenario> scenario;  ///< present when there is no error
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return scenario.has_value() && !has_errors(diagnostics); }
};

/// Reads and checks a scenario file.
ScenarioLoad load_scenario_file(const std::string& file);
/// The same from text; `file` names it and anchors relative paths.
ScenarioLoad load_scenario_text(const std::string& text, const std::string& file);

/// Whether a .json file is meant as a scenario: it is not JSON at all (so
/// the loader reports it) or its top level is an object with "steps".
/// Topologies and timing profiles beside scenarios are not.
bool is_scenario_file(const std::string& file);
/// The scenario files directly in a directory (*.json that is_scenario_file()),
/// sorted; empty when there are none or it cannot be read.
std::vector<std::string> scenario_files_in(const std::string& dir);

/// The field names one level of the format knows (for docs and schema
/// tests): "top", "sim", "link", "step", "instance", "group", "sql",
/// "catalog", "elapsed", "trace". Unknown level: empty.
std::vector<std::string> scenario_field_names(const std::string& level);

}  // namespace dpc::sim
