// DmServer: one simulated dmserver process and the instance it serves — the
// model of DM's server for every DMDPC role (MP, SP, BP). It reads the
// dm.ini, mp.ini and dmarch.ini actually present in its DAMENG directory,
// refuses to start with a message naming the instance and the rule broken,
// connects an SP/BP to the MP, boots through SYS_STATUS 1 -> 2 -> 3 (MOUNT)
// -> 4 (OPEN), runs a RaftNode when it is a replica started with MOUNT,
// reports its state to the MP catalog, answers SQL, and stops by `exit`,
// `exit all`, a HALT or a crash.
//
// The class is split by concern over several files: dmserver.cc (start and
// stop; the ini files themselves are read by server_config.h), dmserver_raft.cc (RAFT membership), dmserver_mp.cc (the MP link,
// status reports, the MP's side of them), dmserver_sql.cc (SQL) and
// views.cc (V$ views). Owned by the World (sim/model/world.h); single-threaded;
// every scheduled callback checks the incarnation it was scheduled in, so
// events of an earlier run of the process are ignored.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/result.h"
#include "sim/model/db_image.h"
#include "sim/model/heartbeat_fold.h"
#include "sim/model/server_config.h"
#include "sim/raft/raft_node.h"
#include "sim/catalog/sql_statement.h"
#include "sim/model/world.h"

namespace dpc::sim {

/// SYS_STATUS codes (V$DATABASE.STATUS$) [M8].
enum SysStatus { kStarting = 1, kRedoDone = 2, kMount = 3, kOpen = 4, kSuspend = 5, kClosed = 6 };
/// "STARTUP", "AFTER REDO", "MOUNT", "OPEN", "SUSPEND", "SHUTDOWN" (V$INSTANCE.STATUS$).
const char* sys_status_name(int code);

enum class ProcState { Stopped, Launching, Connecting, Booting, Running, Exiting };
const char* proc_state_name(ProcState state);

/// How the process last stopped.
enum class StopKind { None, Exit, Halt, Crash, Refused };
const char* stop_kind_name(StopKind kind);

/// Everything observable about one instance, for tests, the shell and status.
struct InstanceView {
  std::string name;
  std::string host;
  bool known = false;             ///< initialised by dminit or started at least once
  bool running = false;           ///< a process exists (starting, up or exiting)
  std::string process = "stopped";  ///< proc_state_name()
  std::string dpc_mode;           ///< MP, SP, BP (of the database)
  int sys_status = kClosed;
  std::string status = "SHUTDOWN";  ///< STATUS$
  std::string mode = "NORMAL";      ///< MODE$: NORMAL, PRIMARY, STANDBY
  std::string raft_group;         ///< registered RAFT group ("MP_RAFT" for MPs)
  bool replica = false;           ///< runs a RaftNode
  std::string raft_role;          ///< "leader", "follower", "candidate" or ""
  Term term = 0;
  int self_id = 0;
  int leader_id = 0;
  std::string leader;             ///< the leader's instance name, "" when unknown
  Lsn c_lsn = 0;
  Lsn last_lsn = 0;
  bool valid = false;             ///< a RAFT member that is or follows a leader
  bool halted = false;            ///< the last stop was a HALT
  bool dirty = false;             ///< the database needs redo at its next start
  std::string last_stop;          ///< "exit", "halt", "crash", "refused" or ""
  std::string last_error;         ///< why it last refused, halted or crashed
  SimTime started_at = -1;        ///< when the current/last process was launched
  SimTime ready_at = -1;          ///< when it became ready (MOUNT for a MOUNT start, else OPEN)
  SimTime open_at = -1;           ///< when it last reached OPEN
};

/// A RAFT message in flight, with what the receiver checks before its RaftNode
/// sees it: the sender's group and the identity of its database copy.
struct RaftEnvelope {
  std::string from;       ///< sender instance name
  std::string group;      ///< sender's RAFT group
  uint64_t permanent_magic = 0;
  uint64_t db_magic = 0;
  uint64_t history = 0;
  bool voter = true;
  RaftMessage msg;
};

/// A status report to the MP catalog (SYS_MODE, SYS_STATUS, STATUS).
struct StatusReport {
  std::string name;
  std::string sys_mode;
  int sys_status = kClosed;
  int status = 0;
};

class DmServer {
 public:
  DmServer(World& world, std::string name, std::string host);
  DmServer(const DmServer&) = delete;
  DmServer& operator=(const DmServer&) = delete;
  ~DmServer();

  const std::string& name() const { return name_; }
  const std::string& host() const { return host_; }
  /// This instance as an end of network messages (its host and name).
  const Endpoint& endpoint() const { return *endpoint_; }
  /// Moves a stopped instance to another host (dminit'd there under the same name).
  void rehome(const std::string& host) {
    if (running()) return;
    host_ = host;
    endpoint_ = w_.net.endpoint(host_, name_);
  }

  // ---- Lifecycle (dmserver.cc) ---------------------------------------------
  /// Launches the process: `dmserver <ini> dpc_mode=<mode> [MOUNT]`. `done`
  /// fires once: OK when ready (OPEN, or MOUNT for a MOUNT start), or an
  /// error naming the instance and the rule when it refuses or stops first.
  void start(const std::string& ini_path, const std::string& dpc_mode_arg, bool mount,
             std::function<void(Status)> done);
  /// A console line: "exit" or "exit all".
  Status console(const std::string& line);
  /// SIGUSR1 = exit all, SIGTERM = exit, SIGKILL = crash.
  Status signal(Signal sig);
  /// The process dies at once (SIGKILL, host crash): the database is dirty.
  void crash(const std::string& why);
  /// The server HALTs: it stops at once, leaving a dirty database.
  void halt(const std::string& why);
  /// HALT after `delay` unless the process stops first (wrong shutdown order).
  void schedule_halt(SimTime delay, const std::string& why);

  // ---- State ------------------------------------------------------------------
  bool running() const { return proc_ != ProcState::Stopped; }
  ProcState proc() const { return proc_; }
  int sys_status() const { return sys_status_; }
  const std::string& sys_mode() const { return sys_mode_; }
  /// MP, SP or BP: the mode of the running process (of the database when stopped).
  const std::string& dpc_mode() const { return dpc_mode_; }
  const std::string& raft_group() const { return raft_group_; }
  /// A BP that served its group in this (or its last) run: a RAFT member, or
  /// the only member of a single-replica group. A replica seed opened alone
  /// while its group is being prepared is not in service.
  bool in_service() const { return in_service_; }
  bool accepts_sql() const;
  /// An MP that serves the catalog: OPEN, and the leader when in MP_RAFT.
  bool serving_mp() const;
  /// A RAFT member that is the leader or follows one.
  bool valid_member() const;
  const RaftNode* raft() const { return raft_.get(); }
  /// The DAMENG directory and SQL port of the current (or last) run.
  const std::string& db_dir() const { return cfg_.db_dir; }
  int sql_port() const { return cfg_.port_num; }
  /// What this instance's catalog row should say now (SYS_MODE, SYS_STATUS, STATUS).
  StatusReport expected_report() const { return own_report(); }
  /// The database image of the running process, or nullptr when stopped.
  DbImage* image() { return image_; }
  InstanceView view() const;
  /// The last lines the process printed (console output).
  const std::deque<std::string>& output() const { return output_; }

  // ---- RAFT (dmserver_raft.cc) --------------------------------------------------
  void deliver_raft(const RaftEnvelope& env);
  /// Brings this member's group out of folded heartbeats (dmserver_fold.cc):
  /// every timer and counter becomes what running each heartbeat would have
  /// made it by now, and the messages still in flight are put back. Call it
  /// before anything reads or changes the group; a no-op when not folded
  /// (checked here: every RAFT message delivered asks).
  void unfold_group() {
    if (fold_) unfold();
  }
  /// The group's leader coordinates `exit all`: every valid member exits.
  void coordinate_exit_all(const std::string& requested_by);

  // ---- MP link and reports (dmserver_mp.cc) ------------------------------------
  /// MP side: a status report arrived.
  void on_report(const StatusReport& report);
  /// The serving MP this instance reaches through its mp.ini, or nullptr.
  DmServer* find_serving_mp(std::string* why_not = nullptr);
  /// MP side: the catalog (nullptr on other roles or when stopped).
  Catalog* catalog();

  // ---- SQL (dmserver_sql.cc, views.cc) -----------------------------------------
  /// Runs one statement as SYSDBA on this (running, MOUNT or OPEN) instance.
  Result<Rows> execute(const std::string& statement);

 private:
  struct Peer {
    int id = 0;
    std::string name;
    std::string host;
    int port = 0;
    bool voter = true;
    mutable DmServer* cached = nullptr;  ///< the server last found at host:port
    const Endpoint* ep = nullptr;        ///< {host, name} (Network::endpoint)
  };

  // dmserver.cc
  bool current(uint64_t inc) const { return inc == incarnation_ && proc_ != ProcState::Stopped; }
  void say(const std::string& line);
  Status load_config();
  Status bind_ports();
  void release_ports();
  void boot();
  void reach_mount();
  void open_standalone();
  void ready();
  void refuse(const std::string& why);
  void begin_exit(SimTime duration, const std::string& how);
  void exit_all();
  void finish_stop(StopKind kind, const std::string& why);
  void finish_start(Status st);

  // dmserver_raft.cc
  Status resolve_peers(const Catalog& catalog, const std::string& group_name);
  void start_raft();
  /// [model] A member that starts in its group tells the running peers
  /// whether it votes (a converted shadow, or a shadow converted back).
  void announce_voter(bool voter);
  /// [model] SP_ADD_RAFT_NODE('NAME', RAFT_SELF_ID) on a running member: the
  /// registered instance NAME joins this member's group as a peer.
  Result<Rows> add_raft_node(const ProcCall& call);
  /// [model] SP_DEL_RAFT_NODE('NAME') on a running member: NAME stops being
  /// a peer of this member.
  Result<Rows> del_raft_node(const ProcCall& call);
  void stop_raft();
  VMillis jitter();
  /// A RAFT message to a peer in flight: delivered by the event loop, it
  /// reaches whatever server listens at the peer's address then.
  struct RaftDelivery {
    DmServer* self;
    const Peer* target;
    uint64_t inc;
    RaftEnvelope env;
    void operator()() const;
  };
  RaftEnvelope envelope(RaftMessage msg) const;
  std::string raft_label(const RaftMessage& msg, const Peer& to) const;
  void send_raft(RaftOutput out);
  void after_raft();
  void arm_raft_timer();
  void schedule_raft_wakeup(SimTime at);
  void on_elected();
  void on_deposed();
  void on_follow();
  void on_leader_lost();
  void check_primary_majority();
  const Peer* peer_by_id(int id) const;
  /// The running server listening at a peer's address, or nullptr (cached
  /// while it keeps that address bound).
  DmServer* peer_server(const Peer& peer) const;
  std::string peer_name(int id) const;

  // dmserver_fold.cc
  void unfold();
  /// The leader: folds its group's heartbeats when the group is steady.
  void maybe_fold();
  std::shared_ptr<HeartbeatFold> fold_plan();
  bool fold_holds() const;
  /// A RAFT wake-up while folded; false when the normal path must run.
  bool folded_wakeup();
  /// raft_due_ as arm_raft_timer() sets it, without scheduling anything.
  void refresh_raft_due();
  /// A message to `peer` is in flight until `arrival` (for both ends).
  void in_flight_until(const Peer* peer, SimTime arrival);

  // dmserver_mp.cc
  void connect_mp();
  void on_mp_connected(DmServer& mp);
  StatusReport own_report() const;
  void report_status() { send_report(own_report()); }
  void send_report(const StatusReport& report);
  void apply_report(const StatusReport& report);
  void catalog_changed();
  void heartbeat();
  void arm_heartbeat();
  /// MP side, on starting to serve: watch every instance the catalog shows
  /// up, so one that died meanwhile is marked down after missed heartbeats.
  void watch_catalog_instances();

  // dmserver_sql.cc / views.cc
  Result<Rows> call_procedure(const ProcCall& call);
  Result<Rows> select(const Select& query);
  Result<Rows> other_statement(const OtherStatement& stmt);
  Result<Rows> view(const Select& query);
  std::optional<std::string> health_problem();
  void write_dml_redo();

  World& w_;
  std::string name_;
  std::string host_;
  const Endpoint* endpoint_;  ///< {host_, name_} (Network::endpoint)
  uint64_t incarnation_ = 0;
  ProcState proc_ = ProcState::Stopped;
  StopKind last_stop_ = StopKind::None;
  std::string last_error_;
  int sys_status_ = kClosed;
  std::string sys_mode_ = "NORMAL";
  std::string dpc_mode_;
  std::string requested_mode_;  ///< dpc_mode= as typed on the command line
  std::string raft_group_;
  size_t group_size_ = 0;  ///< members registered in raft_group_
  bool in_service_ = false;
  ServerConfig cfg_;
  DbImage* image_ = nullptr;
  std::vector<std::pair<int, std::string>> bound_;  ///< port, what it is
  std::function<void(Status)> start_done_;
  std::deque<std::string> output_;
  SimTime started_at_ = -1, ready_at_ = -1, open_at_ = -1;
  SimTime connect_started_ = 0;
  EventId heartbeat_event_ = 0;
  EventId halt_event_ = 0;
  bool halt_pending_ = false;
  EventId open_event_ = 0;
  SimTime mp_lost_since_ = -1;

  // RAFT
  std::unique_ptr<RaftNode> raft_;
  RaftInvariants* checker_ = nullptr;  ///< this group's invariants (World-owned)
  std::vector<Peer> peers_;
  EventId raft_timer_ = 0;
  SimTime raft_timer_at_ = -1;  ///< when the pending wake-up runs
  SimTime raft_due_ = -1;       ///< when RaftNode next wants on_tick (-1: never)
  VMillis last_tick_ms_ = -1;
  Term candidate_term_ = 0;  ///< the term of the last election traced
  RaftRole prev_role_ = RaftRole::Follower;
  int prev_leader_ = 0;
  bool following_ = false;
  std::set<std::string> rejected_;  ///< senders already traced as rejected
  SimTime no_majority_since_ = -1;
  Term last_reported_term_ = 0;
  SimTime raft_busy_until_ = -1;         ///< a RAFT message to or from it lands until then
  std::shared_ptr<HeartbeatFold> fold_;  ///< the group's folded heartbeats, when folded

  // MP side
  std::map<std::string, SimTime> last_report_;  ///< instance -> when last heard
  uint64_t catalog_version_ = 0;  ///< MP_RAFT leader: bumped by every catalog change
  Lsn catalog_lsn_ = 0;           ///< MP_RAFT leader: LSN of the last catalog change
  std::string synced_from_;       ///< MP_RAFT follower: the leader whose catalog it copied
  uint64_t synced_version_ = 0;   ///< ... and that catalog's version
};

/// Starts `dmserver <args>` on a host: finds the instance from the dm.ini
/// named in args and hands over to its DmServer. `done` as DmServer::start.
void start_dmserver(World& world, const std::string& host, const std::vector<std::string>& args,
                    std::function<void(Status)> done);

}  // namespace dpc::sim
