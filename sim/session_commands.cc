#include "sim/session_commands.h"

#include <cmath>
#include <cstdlib>

#include "sim/session.h"

namespace dpc::sim {

const std::vector<SessionCommand>& session_commands() {
  using A = ArgKind;
  using S = SimSession;
  static const std::vector<SessionCommand> table = {
      {"deploy", "deploy [upto STEP] [parallel N]", "run the deploy plan (the steps not yet done)", {}, 1, 5,
       &S::cmd_deploy},
      {"step", "step STEP", "run one plan step ('plan' lists them)", {A::Word}, 2, 2, &S::cmd_step},
      {"resume", "resume [parallel N]", "the deploy plan as `dpcctl deploy --resume` runs it", {}, 1, 3,
       &S::cmd_resume},
      {"stop", "stop", "run the stop plan in the manual's order", {}, 1, 1, &S::cmd_stop},
      {"plan", "plan", "list the deploy plan's steps, marking those done", {}, 1, 1, &S::cmd_plan},
      {"start", "start INST [mount]", "start dmserver (MOUNT for a RAFT member)", {A::Instance, A::Word}, 2, 3,
       &S::cmd_start},
      {"exit", "exit INST", "type `exit` on the server console", {A::Instance}, 2, 2, &S::cmd_exit},
      {"exit-all", "exit-all INST", "type `exit all` on the server console", {A::Instance}, 2, 2, &S::cmd_exit},
      {"signal", "signal INST usr1|term|kill", "send a signal (SIGUSR1 exit all, SIGTERM exit, SIGKILL crash)",
       {A::Instance, A::Word}, 3, 3, &S::cmd_signal},
      {"kill", "kill INST", "SIGKILL an instance", {A::Instance}, 2, 2, &S::cmd_signal},
      {"crash-host", "crash-host HOST", "every process on the host dies", {A::Host}, 2, 2, &S::cmd_host},
      {"restart-host", "restart-host HOST", "the host comes back", {A::Host}, 2, 2, &S::cmd_host},
      {"partition", "partition A B [oneway]", "cut the link between hosts or instances",
       {A::HostOrInstance, A::HostOrInstance, A::Word}, 3, 4, &S::cmd_partition},
      {"heal", "heal [A B]", "restore one link, or every link", {A::HostOrInstance, A::HostOrInstance}, 1, 3,
       &S::cmd_heal},
      {"isolate", "isolate A[,B...]", "cut instances (or leader:RAFT) off from every other instance", {A::Word},
       2, 2, &S::cmd_isolate},
      {"after", "after MS FAULT...", "run a fault command MS from now, in the middle of whatever runs then",
       {A::Number, A::Word}, 3, kAnyWords, &S::cmd_after},
      {"link", "link A B LATENCY_MS [JITTER_MS [LOSS]]", "a link's latency, jitter and loss (0..1)",
       {A::HostOrInstance, A::HostOrInstance, A::Number, A::Number, A::Number}, 4, 6, &S::cmd_link},
      {"elect", "elect INST on|off", "SP_SET_RAFT_ELECT on a RAFT member", {A::Instance, A::Word}, 3, 3,
       &S::cmd_elect},
      {"advance", "advance MS", "let virtual time pass", {A::Number}, 2, 2, &S::cmd_advance},
      {"time", "time", "the virtual time", {}, 1, 1, &S::cmd_time},
      {"sql", "sql INST STATEMENT", "run SQL as SYSDBA on an instance (the rest of the line)", {A::Instance}, 3, 3,
       &S::cmd_sql},
      {"status", "status", "the cluster table", {}, 1, 1, &S::cmd_status},
      {"leader", "leader RAFT", "a RAFT group's leader and term", {A::Raft}, 2, 2, &S::cmd_leader},
      {"trace", "trace [N]", "the last N trace events (default 20)", {A::Number}, 1, 2, &S::cmd_trace},
      {"write", "write INST FILE TEXT", "write a file in <path>/DAMENG (or absolute); \\n is a newline",
       {A::Instance}, 4, kAnyWords, &S::cmd_write},
      {"cat", "cat INST FILE", "print a file in <path>/DAMENG (or absolute)", {A::Instance}, 3, 3, &S::cmd_cat},
      {"tool", "tool INST dminit|dmrman|dmserver ARGS...", "DM's tools as typed, on INST's host",
       {A::Instance, A::Word}, 3, kAnyWords, &S::cmd_tool},
      {"show", "show INST", "everything the simulator knows of an instance", {A::Instance}, 2, 2, &S::cmd_show},
      {"jitter", "jitter INST MS", "the election-timeout jitter bound of one instance", {A::Instance, A::Number}, 3,
       3, &S::cmd_jitter},
      {"ctl", "ctl VERB ...",
       "dpcctl's cluster commands: ctl deploy [--resume] [--allow-mixed] [--dm-package P] | install "
       "[--dm-package P] | status | start|stop|restart [SEL] [--force] | "
       "kill SEL [--force] | switchover RAFT --to INST | destroy [--uninstall] | scale-out FILE | scale-in FILE | "
       "convert INST --to shadow|raft (SEL: NAME, -N A,B, -R BP, -G RAFT_1)",
       {A::Word}, 2, kAnyWords, &S::cmd_ctl},
      {"workload", "workload INST EVERY_MS COUNT",
       "COUNT status queries on INST, one every EVERY_MS, in the background", {A::Instance, A::Number, A::Number}, 4,
       4, &S::cmd_workload},
      {"workload-check", "workload-check INST", "fails when a query of INST's workload failed", {A::Instance}, 2, 2,
       &S::cmd_workload_check},
      {"help", "help", "this list", {}, 1, 1, &S::cmd_help},
  };
  return table;
}

const SessionCommand* find_session_command(const std::string& name) {
  for (const SessionCommand& c : session_commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::string unknown_host_or_instance(const Topology& topo, const std::string& name, bool hosts_only) {
  const std::set<std::string> hosts = topo.hosts();
  if (hosts.count(name) || (!hosts_only && topo.find_instance(name))) return "";
  std::string instances;
  for (const Instance& inst : topo.instances) instances += (instances.empty() ? "" : ", ") + inst.name;
  std::string host_list;
  for (const std::string& h : hosts) host_list += (host_list.empty() ? "" : ", ") + h;
  return "no " + std::string(hosts_only ? "host" : "host or instance") + " named '" + name + "' in cluster " +
         topo.cluster + "; hosts: " + host_list + (hosts_only ? "" : "; instances: " + instances);
}

namespace {

std::string check_arg(ArgKind kind, const std::string& word, const Topology& topo) {
  // leader:RAFT stands for the group's leader at the moment a fault strikes
  // (SimSession::resolve_leaders); only the group can be checked beforehand.
  const std::string leader = "leader:";
  const bool names_a_place = kind == ArgKind::Instance || kind == ArgKind::Host || kind == ArgKind::HostOrInstance;
  if (names_a_place && word.rfind(leader, 0) == 0) {
    const std::string raft = word.substr(leader.size());
    return topo.find_raft(raft) ? "" : "no RAFT group '" + raft + "' in the topology";
  }
  switch (kind) {
    case ArgKind::Word:
      return "";
    case ArgKind::Instance:
      return topo.find_instance(word) ? "" : "no instance '" + word + "' in the topology";
    case ArgKind::Host:
      return unknown_host_or_instance(topo, word, true);
    case ArgKind::HostOrInstance:
      return unknown_host_or_instance(topo, word, false);
    case ArgKind::Raft:
      return topo.find_raft(word) ? "" : "no RAFT group '" + word + "' in the topology";
    case ArgKind::Number: {
      char* end = nullptr;
      const double v = std::strtod(word.c_str(), &end);
      if (word.empty() || !end || *end != '\0' || !std::isfinite(v) || v < 0) {
        return "'" + word + "' is not a number >= 0";
      }
      return "";
    }
  }
  return "";
}

}  // namespace

std::string check_session_command(const std::vector<std::string>& words, const Topology& topo) {
  if (words.empty()) return "the command is empty";
  const SessionCommand* c = find_session_command(words[0]);
  if (c == nullptr) return "unknown command '" + words[0] + "' (type 'help')";
  const std::string usage = std::string("usage: ") + c->usage;
  if (words.size() < c->min_words || words.size() > c->max_words) return usage;
  for (size_t i = 0; i < c->args.size() && i + 1 < words.size(); ++i) {
    const std::string why = check_arg(c->args[i], words[i + 1], topo);
    if (!why.empty()) return words[0] + ": " + why + "\n" + usage;
  }
  return "";
}

std::string session_help() {
  std::string out = "commands:\n";
  for (const SessionCommand& c : session_commands()) {
    std::string line = std::string("  ") + c.usage;
    if (line.size() < 42) line.append(42 - line.size(), ' ');
    else line += "\n" + std::string(42, ' ');
    out += line + c.help + "\n";
  }
  out += "  quit                                    leave the shell\n"
         "A and B name hosts or instances of the topology.\n";
  return out;
}

}  // namespace dpc::sim
