// DmServer: starting and stopping (see dmserver.h for the whole model).
#include "sim/model/dmserver.h"

#include <utility>

#include "core/ini.h"
#include "core/paths.h"
#include "sim/engine/text_util.h"

namespace dpc::sim {

const char* sys_status_name(int code) {
  switch (code) {
    case kStarting: return "STARTUP";
    case kRedoDone: return "AFTER REDO";
    case kMount: return "MOUNT";
    case kOpen: return "OPEN";
    case kSuspend: return "SUSPEND";
    default: return "SHUTDOWN";
  }
}

const char* proc_state_name(ProcState state) {
  switch (state) {
    case ProcState::Stopped: return "stopped";
    case ProcState::Launching: return "launching";
    case ProcState::Connecting: return "connecting";
    case ProcState::Booting: return "booting";
    case ProcState::Running: return "running";
    case ProcState::Exiting: return "exiting";
  }
  return "?";
}

const char* stop_kind_name(StopKind kind) {
  switch (kind) {
    case StopKind::None: return "";
    case StopKind::Exit: return "exit";
    case StopKind::Halt: return "halt";
    case StopKind::Crash: return "crash";
    case StopKind::Refused: return "refused";
  }
  return "";
}

namespace {

/// "MP", "SP", "BP" or "BS" for a dpc_mode= value (names or 1..4), or "".
std::string normalize_mode(const std::string& v) {
  const std::string u = upper(trim(v));
  if (u == "MP" || u == "1") return "MP";
  if (u == "BP" || u == "2") return "BP";
  if (u == "SP" || u == "3") return "SP";
  if (u == "BS" || u == "4") return "BS";
  return "";
}

constexpr size_t kOutputLines = 24;

}  // namespace

DmServer::DmServer(World& world, std::string name, std::string host)
    : w_(world), name_(std::move(name)), host_(std::move(host)),
      endpoint_(world.net.endpoint(host_, name_)) {}

DmServer::~DmServer() = default;

void DmServer::say(const std::string& line) {
  output_.push_back(line);
  while (output_.size() > kOutputLines) output_.pop_front();
}

bool DmServer::accepts_sql() const {
  return (proc_ == ProcState::Running || proc_ == ProcState::Booting) &&
         (sys_status_ == kMount || sys_status_ == kOpen || sys_status_ == kSuspend);
}

bool DmServer::serving_mp() const {
  if (dpc_mode_ != "MP" || proc_ != ProcState::Running || sys_status_ != kOpen) return false;
  if (raft_) return raft_->role() == RaftRole::Leader;
  return true;
}

bool DmServer::valid_member() const {
  if (!raft_ || proc_ == ProcState::Stopped) return false;
  if (raft_->role() == RaftRole::Leader) return true;
  return raft_->role() == RaftRole::Follower && raft_->leader_id() != 0;
}

// ------------------------------------------------------------------ start

void start_dmserver(World& w, const std::string& host, const std::vector<std::string>& args,
                    std::function<void(Status)> done) {
  std::string ini, mode;
  bool mount = false;
  std::string problem;
  for (const auto& raw : args) {
    const std::string a = trim(unquote(raw));
    if (a.empty()) continue;
    const size_t eq = a.find('=');
    if (eq == std::string::npos) {
      const std::string u = upper(a);
      if (u == "MOUNT") {
        mount = true;
      } else if (u == "OPEN" || u == "-NOCONSOLE") {
        // OPEN is the default start; -noconsole only detaches the console.
      } else if (ini.empty()) {
        ini = a;
      } else {
        problem = "unexpected argument '" + a + "'";
      }
      continue;
    }
    const std::string key = upper(trim(a.substr(0, eq)));
    const std::string value = trim(unquote(a.substr(eq + 1)));
    if (key == "PATH" || key == "INI") {
      ini = value;
    } else if (key == "DPC_MODE") {
      mode = value;
    } else {
      problem = "unknown argument '" + key + "'";
    }
  }
  auto fail = [&w, done](std::string msg) {
    w.log("", "server.refused", msg);
    w.loop.after(w.timing.server_launch, "server.refused",
                 [done, msg]() { done(Error{std::move(msg)}); });
  };
  const std::string usage =
      "usage: dmserver <path>/DAMENG/dm.ini dpc_mode=MP|SP|BP [MOUNT]";
  if (!problem.empty()) return fail("dmserver on " + host + ": " + problem + "; " + usage);
  if (ini.empty()) return fail("dmserver on " + host + ": no dm.ini given; " + usage);
  Host& h = w.host(host);
  if (!h.up()) return fail("dmserver on " + host + ": the host is down");
  auto text = h.read(ini);
  if (!text.ok()) {
    return fail("dmserver: cannot open the ini file " + ini + " on host " + host +
                " (run dminit first): " + text.message());
  }
  auto parsed = parse_ini(*text, host + ":" + ini);
  if (!parsed.ok()) return fail("dmserver: " + parsed.message());
  const auto name = parsed->get("INSTANCE_NAME");
  if (!name || name->empty()) {
    return fail("dmserver: " + ini + " on host " + host + " has no INSTANCE_NAME");
  }
  DmServer* existing = w.server(*name);
  if (existing && existing->running()) {
    return fail("dmserver " + *name + ": already running on host " + existing->host() +
                "; exit it before starting it again");
  }
  w.server_for(*name, host).start(ini, mode, mount, std::move(done));
}

void DmServer::start(const std::string& ini_path, const std::string& dpc_mode_arg, bool mount,
                     std::function<void(Status)> done) {
  ++incarnation_;
  proc_ = ProcState::Launching;
  last_error_.clear();
  output_.clear();
  started_at_ = w_.now();
  ready_at_ = open_at_ = -1;
  sys_status_ = kStarting;
  sys_mode_ = "NORMAL";
  requested_mode_ = dpc_mode_arg;
  raft_group_.clear();
  group_size_ = 0;
  in_service_ = false;
  cfg_ = ServerConfig{};
  cfg_.ini_path = ini_path;
  cfg_.mount = mount;
  start_done_ = std::move(done);
  mp_lost_since_ = -1;
  halt_pending_ = false;
  rejected_.clear();
  last_report_.clear();
  synced_from_.clear();
  synced_version_ = 0;
  w_.log(name_, "server.launch",
         "dmserver " + ini_path + " dpc_mode=" + dpc_mode_arg + (mount ? " MOUNT" : ""));
  const uint64_t inc = incarnation_;
  w_.loop.after(w_.timing.server_launch, "server.load", [this, inc]() {
    if (!current(inc)) return;
    if (Status st = load_config(); !st.ok()) return refuse(st.message());
    if (dpc_mode_ == "MP") {
      raft_group_ = "MP_RAFT";
      if (cfg_.replica && image_->catalog) {
        if (Status st = resolve_peers(*image_->catalog, "MP_RAFT"); !st.ok()) {
          return refuse(st.message());
        }
      }
      if (Status st = bind_ports(); !st.ok()) return refuse(st.message());
      return boot();
    }
    proc_ = ProcState::Connecting;
    connect_started_ = w_.now();
    connect_mp();
  });
}

Status DmServer::load_config() {
  Host& h = w_.host(host_);
  auto text = h.read(cfg_.ini_path);
  if (!text.ok()) return Error{"cannot read " + cfg_.ini_path + ": " + text.message()};
  auto ini = parse_ini(*text, cfg_.ini_path);
  if (!ini.ok()) return ini.error();
  cfg_.db_dir = path_parent(cfg_.ini_path);
  image_ = h.db(cfg_.db_dir);
  if (!image_) {
    return Error{"there is no database in " + cfg_.db_dir + " on host " + host_ +
                 "; initialise it with dminit first"};
  }
  const std::string mode = normalize_mode(requested_mode_);
  if (requested_mode_.empty()) {
    return Error{name_ + " was started without dpc_mode=; a DMDPC instance needs dpc_mode=" +
                 image_->dpc_mode + " (the mode given to dminit)"};
  }
  if (mode.empty()) {
    return Error{"dpc_mode=" + requested_mode_ + " is not valid; use MP, SP or BP (or 1, 3, 2)"};
  }
  if (mode == "BS") {
    return Error{"dpc_mode=BS (a directly connected BP) is recognised but not modelled by the "
                 "simulator; start " + name_ + " with dpc_mode=" + image_->dpc_mode};
  }
  if (mode != image_->dpc_mode) {
    return Error{name_ + " was initialised with dpc_mode=" + image_->dpc_mode +
                 " but started with dpc_mode=" + mode +
                 "; the dmserver DPC_MODE must equal the one given to dminit"};
  }
  dpc_mode_ = mode;
  if (image_->restored_needs_magic_update) {
    return Error{name_ + " was restored from a backup set but its DB_MAGIC was not updated; run "
                 "dmrman CTLSTMT=\"RECOVER DATABASE '" + cfg_.ini_path +
                 "' UPDATE DB_MAGIC\" USE_AP=2 before starting it"};
  }
  if (cfg_.mount && !image_->ever_opened) {
    return Error{name_ + ": the database has never been opened, so it cannot start in MOUNT; "
                 "start it normally (OPEN) once, or restore it from a backup set of an opened "
                 "database"};
  }
  if (image_->dirty && dpc_mode_ != "MP") {
    // A dirty SP/BP still starts: it replays its redo first (boot()).
  }
  cfg_.port_num = static_cast<int>(ini_int(ini->get("PORT_NUM")).value_or(5236));
  cfg_.ap_port_num = static_cast<int>(ini_int(ini->get("AP_PORT_NUM")).value_or(0));
  if (cfg_.ap_port_num == 0) {
    return Error{cfg_.ini_path + " has no AP_PORT_NUM; a DMDPC instance needs one (dminit "
                 "ap_port_num=...)"};
  }
  cfg_.arch_ini = ini_int(ini->get("ARCH_INI")).value_or(0) == 1;

  const OsKind os = path_style(cfg_.ini_path);
  const std::string mp_path = path_join(os, cfg_.db_dir, "mp.ini");
  auto mp_text = h.read(mp_path);
  if (!mp_text.ok()) {
    return Error{name_ + ": mp.ini not found at " + mp_path +
                 "; every MP, SP and BP needs it (mp_host and mp_port of the MP)"};
  }
  if (Status st = parse_mp_ini(*mp_text, name_, dpc_mode_, cfg_); !st.ok()) return st;
  if (cfg_.arch_ini) {
    const std::string arch_path = path_join(os, cfg_.db_dir, "dmarch.ini");
    auto arch_text = h.read(arch_path);
    if (!arch_text.ok()) {
      return Error{name_ + ": ARCH_INI = 1 in dm.ini but there is no dmarch.ini at " + arch_path};
    }
    if (Status st = parse_dmarch_ini(*arch_text, name_, cfg_); !st.ok()) return st;
  }
  if (cfg_.xmal_hb <= 0) cfg_.xmal_hb = w_.timing.xmal_hb;
  return Status::Ok();
}

Status DmServer::bind_ports() {
  std::vector<std::pair<int, std::string>> want = {{cfg_.port_num, "PORT_NUM"},
                                                   {cfg_.ap_port_num, "AP_PORT_NUM"}};
  if (dpc_mode_ == "MP") want.push_back({cfg_.mp_port, "mp_port"});
  if (cfg_.port_num == cfg_.ap_port_num) {
    return Error{name_ + ": PORT_NUM and AP_PORT_NUM are both " + std::to_string(cfg_.port_num) +
                 "; the XMAL/RAFT port must differ from PORT_NUM"};
  }
  Host& h = w_.host(host_);
  for (const auto& [port, what] : want) {
    if (port < 1024 || port > 65534) {
      release_ports();
      return Error{name_ + ": " + what + " " + std::to_string(port) + " is outside 1024..65534"};
    }
    if (auto holder = h.port_holder(port)) {
      std::string held_as;
      if (DmServer* other = w_.server(*holder)) {
        for (const auto& [p, label] : other->bound_) {
          if (p == port) held_as = " (" + label + ")";
        }
      }
      if (*holder == name_) held_as = " (this instance's own " + held_as + ")";
      release_ports();
      return Error{name_ + ": cannot bind " + what + " " + std::to_string(port) + " on host " +
                   host_ + ": the port is already in use by " + *holder + held_as +
                   "; every port_num, ap_port_num and mp_port on one host must differ"};
    }
    h.bind(port, name_);
    bound_.push_back({port, what});
  }
  return Status::Ok();
}

void DmServer::release_ports() {
  Host& h = w_.host(host_);
  for (const auto& [port, what] : bound_) {
    auto holder = h.port_holder(port);
    if (holder && *holder == name_) h.release(port);
  }
  bound_.clear();
}

void DmServer::boot() {
  proc_ = ProcState::Booting;
  sys_status_ = kStarting;
  const int64_t replay = image_->dirty ? image_->pending_redo : 0;
  const SimTime duration = w_.timing.server_startup + replay * w_.timing.redo_replay_per_klsn / 1000;
  say("DM Database Server x64 V8 (DMDPC " + dpc_mode_ + ") starting");
  if (replay > 0) {
    say("the database was not shut down normally: replaying " + std::to_string(replay) +
        " LSN of redo");
  }
  w_.log(name_, "server.starting",
         replay > 0 ? "replaying " + std::to_string(replay) + " LSN of redo (" +
                          format_time(duration) + " ms)"
                    : "clean database");
  const uint64_t inc = incarnation_;
  w_.loop.after(duration, "server.redo", [this, inc]() {
    if (!current(inc)) return;
    sys_status_ = kRedoDone;
    image_->dirty = false;
    image_->pending_redo = 0;
    w_.log(name_, "server.redo_done", "");
    w_.loop.after(w_.timing.redo_to_mount, "server.mount", [this, inc]() {
      if (current(inc)) reach_mount();
    });
  });
}

void DmServer::reach_mount() {
  sys_status_ = kMount;
  w_.log(name_, "server.mount", cfg_.mount ? "MOUNT start" : "");
  if (cfg_.mount) {
    proc_ = ProcState::Running;
    if (cfg_.replica) start_raft();
    ready();
    return;
  }
  const uint64_t inc = incarnation_;
  w_.loop.after(w_.timing.mount_to_open, "server.open", [this, inc]() {
    if (current(inc)) open_standalone();
  });
}

void DmServer::open_standalone() {
  sys_status_ = kOpen;
  sys_mode_ = "NORMAL";
  open_at_ = w_.now();
  proc_ = ProcState::Running;
  image_->ever_opened = true;
  image_->append_local(w_.timing.open_redo_lsn);
  if (dpc_mode_ == "MP") watch_catalog_instances();
  w_.log(name_, "server.open",
         cfg_.replica ? "NORMAL (standalone: started without MOUNT, RAFT not joined; its own redo "
                        "now diverges from its group)"
                      : "NORMAL");
  ready();
  report_status();
}

void DmServer::ready() {
  ready_at_ = w_.now();
  in_service_ = raft_ != nullptr || group_size_ <= 1;
  say("SYSTEM IS READY.");
  w_.log(name_, "server.ready", sys_status_name(sys_status_));
  arm_heartbeat();
  finish_start(Status::Ok());
}

void DmServer::finish_start(Status st) {
  if (!start_done_) return;
  auto done = std::move(start_done_);
  start_done_ = nullptr;
  done(std::move(st));
}

void DmServer::refuse(const std::string& why) {
  say(why);
  last_error_ = why;
  w_.log(name_, "server.refused", why);
  stop_raft();
  release_ports();
  proc_ = ProcState::Stopped;
  ++incarnation_;
  last_stop_ = StopKind::Refused;
  sys_status_ = kClosed;
  image_ = nullptr;
  finish_start(Error{"dmserver " + name_ + " on host " + host_ + " refused to start: " + why});
}

// ------------------------------------------------------------------ stop

Status DmServer::console(const std::string& line) {
  const std::vector<std::string> words = split_words(lower(line));
  std::string cmd;
  for (const auto& word : words) cmd += (cmd.empty() ? "" : " ") + word;
  if (cmd != "exit" && cmd != "exit all") {
    return Error{"unknown console command '" + trim(line) + "' for " + name_ +
                 "; the simulated dmserver understands 'exit' and 'exit all'"};
  }
  if (!running()) return Error{name_ + " is not running; there is no console to type on"};
  w_.log(name_, "console", cmd);
  if (proc_ == ProcState::Exiting) return Status::Ok();
  if (cmd == "exit") {
    begin_exit(w_.timing.exit, "exit");
  } else {
    exit_all();
  }
  return Status::Ok();
}

Status DmServer::signal(Signal sig) {
  if (!running()) return Error{name_ + " is not running; no process to signal"};
  switch (sig) {
    case Signal::Usr1:
      w_.log(name_, "signal", "SIGUSR1 (exit all)");
      if (proc_ != ProcState::Exiting) exit_all();
      break;
    case Signal::Term:
      w_.log(name_, "signal", "SIGTERM (exit)");
      if (proc_ != ProcState::Exiting) begin_exit(w_.timing.exit, "SIGTERM");
      break;
    case Signal::Kill:
      w_.log(name_, "signal", "SIGKILL");
      crash("killed by SIGKILL");
      break;
  }
  return Status::Ok();
}

void DmServer::begin_exit(SimTime duration, const std::string& how) {
  if (!running() || proc_ == ProcState::Exiting) return;
  const bool before_ready = ready_at_ < 0;
  proc_ = ProcState::Exiting;
  w_.log(name_, "server.exiting", how);
  if (sys_status_ >= kMount && !before_ready) report_status();
  stop_raft();
  w_.loop.cancel(open_event_);
  const uint64_t inc = incarnation_;
  w_.loop.after(duration, "server.exit", [this, inc, how]() {
    if (current(inc)) finish_stop(StopKind::Exit, how);
  });
}

void DmServer::exit_all() {
  if (!raft_) {
    begin_exit(w_.timing.exit, "exit all (not a RAFT member: a plain exit)");
    return;
  }
  if (!valid_member()) {
    w_.log(name_, "server.exit_all_invalid",
           "exit all typed on an invalid member: it exits alone and cannot advance C_LSN");
    proc_ = ProcState::Exiting;
    stop_raft();
    const uint64_t inc = incarnation_;
    w_.loop.after(w_.timing.forced_halt, "server.halt", [this, inc]() {
      if (current(inc)) {
        finish_stop(StopKind::Halt,
                    "exit all typed on an invalid member: it exits alone and, as it cannot "
                    "advance C_LSN, is forced to HALT");
      }
    });
    return;
  }
  if (raft_->role() == RaftRole::Leader) {
    coordinate_exit_all(name_);
    return;
  }
  const Peer* leader = peer_by_id(raft_->leader_id());
  if (!leader) return;
  w_.log(name_, "server.exit_all", "asks the leader " + leader->name + " to coordinate");
  const std::string requester = name_;
  World* w = &w_;
  const std::string lhost = leader->host;
  const int lport = leader->port;
  w_.net.send(endpoint_, leader->ep, "exit_all",
              [w, lhost, lport, requester]() {
    if (DmServer* s = w->server_at(lhost, lport)) s->coordinate_exit_all(requester);
  });
}

void DmServer::crash(const std::string& why) {
  if (!running()) return;
  finish_stop(StopKind::Crash, why);
}

void DmServer::halt(const std::string& why) {
  if (!running()) return;
  finish_stop(StopKind::Halt, why);
}

void DmServer::schedule_halt(SimTime delay, const std::string& why) {
  if (!running() || proc_ == ProcState::Exiting) return;
  if (halt_pending_) return;  // the first reason (and deadline) stands
  halt_pending_ = true;
  w_.log(name_, "server.halt_pending", why + " (HALT in " + format_time(delay) + " ms)");
  const uint64_t inc = incarnation_;
  halt_event_ = w_.loop.after(delay, "server.halt", [this, inc, why]() {
    if (current(inc)) halt(why);
  });
}

void DmServer::finish_stop(StopKind kind, const std::string& why) {
  const bool normal = kind == StopKind::Exit;
  const bool was_ready = ready_at_ >= 0;
  if (normal && was_ready) {
    StatusReport final_report{name_, sys_mode_, kClosed, dpc_mode_ == "SP" ? 2 : 0};
    send_report(final_report);
  }
  stop_raft();
  release_ports();
  w_.loop.cancel(heartbeat_event_);
  w_.loop.cancel(halt_event_);
  w_.loop.cancel(open_event_);
  heartbeat_event_ = halt_event_ = open_event_ = 0;
  halt_pending_ = false;
  if (image_ && !normal) {
    image_->dirty = true;
    image_->pending_redo += w_.timing.dirty_redo_lsn;
  }
  proc_ = ProcState::Stopped;
  ++incarnation_;
  last_stop_ = kind;
  last_error_ = normal ? "" : why;
  sys_status_ = kClosed;
  image_ = nullptr;
  const char* kind_name = kind == StopKind::Exit ? "server.exit"
                          : kind == StopKind::Halt ? "server.halt"
                                                   : "server.crash";
  say(normal ? "normal of server exit" : "HALT: " + why);
  w_.log(name_, kind_name, why);
  if (!was_ready) {
    finish_start(Error{"dmserver " + name_ + " stopped before it was ready (" +
                       stop_kind_name(kind) + (why.empty() ? "" : ": " + why) + ")"});
  }
  w_.on_server_stopped(*this, normal);
}

InstanceView DmServer::view() const {
  InstanceView v;
  v.name = name_;
  v.host = host_;
  v.known = true;
  v.running = running();
  v.process = proc_state_name(proc_);
  v.dpc_mode = dpc_mode_;
  v.sys_status = sys_status_;
  v.status = sys_status_name(sys_status_);
  v.mode = sys_mode_;
  v.raft_group = raft_group_;
  v.halted = last_stop_ == StopKind::Halt && !running();
  v.last_stop = stop_kind_name(last_stop_);
  v.last_error = last_error_;
  v.started_at = started_at_;
  v.ready_at = ready_at_;
  v.open_at = open_at_;
  if (image_) {
    v.dirty = image_->dirty;
  } else if (auto it = w_.homes.find(name_); it != w_.homes.end()) {
    if (const Host* h = w_.hosts().count(it->second.host) ? w_.hosts().at(it->second.host).get()
                                                          : nullptr) {
      if (const DbImage* img = h->db(it->second.db_dir)) {
        v.dirty = img->dirty;
        if (v.dpc_mode.empty()) v.dpc_mode = img->dpc_mode;
      }
    }
  }
  if (raft_) {
    v.replica = true;
    v.raft_role = raft_role_name(raft_->role());
    v.term = raft_->term();
    v.self_id = raft_->self_id();
    v.leader_id = raft_->leader_id();
    v.leader = v.leader_id == raft_->self_id() ? name_ : peer_name(v.leader_id);
    v.c_lsn = raft_->commit_lsn();
    v.last_lsn = raft_->last_lsn();
    v.valid = valid_member();
  }
  return v;
}

}  // namespace dpc::sim
