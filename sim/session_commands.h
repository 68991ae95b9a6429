// The one table of SimSession's command vocabulary — the words `dpcctl
// shell` takes and scenario files' `do:` steps run. Each entry gives the
// command's name, usage, help line, the kind of each leading argument
// (an instance, a host, a host or instance, a RAFT group, a number), how
// many words it takes, and the SimSession method that runs it. The table
// drives dispatch (SimSession::execute), the shell's `help`, and the check
// of a scenario's `do:` steps when the file is loaded, so an unknown
// command, a wrong arity or a name the topology lacks fails at load time,
// not halfway through a run. docs/scenarios.md lists the same usages (a
// test compares them). Immutable after first use; thread-safe to read.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/topology.h"

namespace dpc::sim {

class SimSession;
struct CommandResult;

/// What one argument word names; checked against the topology.
enum class ArgKind {
  Word,            ///< anything (checked by the command itself)
  Instance,        ///< an instance of the topology
  Host,            ///< a host of the topology
  HostOrInstance,  ///< either (faults: partition, heal, link)
  Raft,            ///< a RAFT group of the topology
  Number,          ///< a finite number >= 0
};

struct SessionCommand {
  const char* name;
  const char* usage;  ///< e.g. "partition A B [oneway]"
  const char* help;   ///< one line for `help`
  std::vector<ArgKind> args;  ///< kinds of words 1..n (fewer than max_words: the rest are Word)
  size_t min_words;           ///< including the command's name
  size_t max_words;           ///< including the name; kAnyWords for no limit
  CommandResult (SimSession::*run)(const std::vector<std::string>& words);
};

constexpr size_t kAnyWords = static_cast<size_t>(-1);

/// Every command, in the order `help` lists them.
const std::vector<SessionCommand>& session_commands();

/// The command named `name`, or nullptr.
const SessionCommand* find_session_command(const std::string& name);

/// "" when `words` (a split command line) is a known command with the right
/// number of words whose arguments name what they must in `topo`; else what
/// is wrong, ending with the usage. Used before a command runs and when a
/// scenario file is loaded.
std::string check_session_command(const std::vector<std::string>& words, const Topology& topo);

/// "" when `name` is a host (or, unless hosts_only, an instance) of `topo`;
/// else which hosts and instances there are.
std::string unknown_host_or_instance(const Topology& topo, const std::string& name, bool hosts_only);

/// The shell's help text, from the table.
std::string session_help();

}  // namespace dpc::sim
