// The topology model: one DMDPC cluster as a DBA describes it, after defaults
// have been filled in. Produced by load_topology() (topology_load.h) from a
// JSON file, checked by validate_topology() (validate.h), consumed by the plan
// builder. Plain data; no I/O; no threading concerns.
//
// The JSON format is documented in docs/topology.md with a JSON Schema in
// docs/topology.schema.json. Field names below are the JSON names.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dpc {

enum class Role { MP, SP, BP };

/// "MP", "SP", "BP": the spelling dminit, dmserver and the catalog use.
const char* role_name(Role role);

/// Path style of a host, derived from the instance paths or set by `os`.
enum class OsKind { Linux, Windows };

/// Where the SYSDBA password comes from. The password itself is never stored
/// in the topology, a plan, a journal, a log or a trace.
struct PasswordSource {
  std::string env = "DM_SYSDBA_PWD";  ///< environment variable, or
  std::string file;                   ///< a file readable only by its owner (wins when set)
};

/// Member role inside a RAFT group (manual §7.5: shadow replicas).
enum class ReplicaKind { Voter, Shadow, Learner };

/// dminit's initialisation parameters (docs/topology.md, "init"). Unset
/// fields are left to dminit's own defaults and are not passed.
struct InitParams {
  std::optional<int> page_size;       ///< PAGE_SIZE: 4, 8, 16 or 32 (KB)
  std::optional<int> extent_size;     ///< EXTENT_SIZE: 16, 32 or 64 (pages)
  std::optional<int> log_size;        ///< LOG_SIZE (MB)
  std::optional<int> charset;         ///< CHARSET: 0 GB18030, 1 UTF-8, 2 EUC-KR
  std::optional<bool> case_sensitive; ///< CASE_SENSITIVE=Y|N
  std::optional<bool> length_in_char; ///< LENGTH_IN_CHAR=Y|N
  std::optional<int> blank_pad_mode;  ///< BLANK_PAD_MODE: 0 or 1
  bool operator==(const InitParams&) const = default;
};

/// Free `KEY = value` lines for dm.ini and dmarch.ini beyond what the plan
/// writes itself (docs/topology.md, "ini"), keys in upper case.
struct IniOverrides {
  std::map<std::string, std::string> dm;      ///< dm.ini
  std::map<std::string, std::string> dmarch;  ///< dmarch.ini, before its sections
  bool empty() const { return dm.empty() && dmarch.empty(); }
};

/// One DM instance (dminit + dmserver), of any role.
struct Instance {
  std::string name;         ///< INSTANCE_NAME; a safe SQL identifier
  Role role = Role::BP;
  std::string raft;         ///< RAFT group name ("MP_RAFT" for MPs)
  std::string host;         ///< host the instance runs on (address dpcctl reaches)
  OsKind os = OsKind::Linux;
  std::string ip_internal;  ///< registered IP_INTER
  std::string ip_external;  ///< registered IP_EXTER ("" = same as internal)
  int port_num = 0;         ///< PORT_NUM (SQL)
  int ap_port_num = 0;      ///< AP_PORT_NUM (XMAL / registered AP_PORT)
  std::string path;         ///< dminit path=; the database lives in path/DAMENG
  std::string description;  ///< registered DESC
  int mp_port = 0;          ///< MP only: this member's mp_port in mp.ini
  int raft_self_id = 0;     ///< RAFT_SELF_ID inside its group (1..n), 0 for single instances
  int raft_vote_interval = 0;  ///< RAFT_VOTE_INTERVAL (ms) inside a replica group
  ReplicaKind kind = ReplicaKind::Voter;
  std::optional<int> register_status;  ///< STATUS given at registration, if set explicitly
  InitParams init{};     ///< dminit parameters: defaults.init, then the instance's own
  IniOverrides ini{};    ///< ini overrides: cluster, then role, then group, then the instance's own
  std::string source_path{};  ///< where it is in the file, e.g. "bp_rafts[0].members[1]" ("" if built in code)
};

/// A RAFT group: MP_RAFT, an SP group (exactly one SP) or a BP group.
struct RaftGroup {
  std::string name;
  Role role = Role::BP;
  std::vector<std::string> members;  ///< instance names, in RAFT_SELF_ID order
  std::string source_path{};  ///< where it is in the file, e.g. "bp_rafts[0]", "mp.instances", "sp[0]"
  bool replicated() const { return members.size() > 1; }
};

/// Timing written to every dmarch.ini of a replica group (manual §7.2.7.3).
struct RaftTiming {
  int raft_hb_interval = 150;  ///< RAFT_HB_INTERVAL, ms
  int xmal_hb_interval = 5;    ///< XMAL_HB_INTERVAL, s
};

/// Local archive settings ([ARCHIVE_LOCAL1]).
struct ArchiveSettings {
  std::string dir_name = "arch";  ///< ARCH_DEST = <path>/DAMENG/<dir_name>
  int arch_file_size = 128;       ///< MB
  int arch_space_limit = 0;       ///< MB, 0 = unlimited
  std::string backup_name = "BACKUP_01";  ///< seed backup: TO <name> BACKUPSET '<seed path>/<name>'
  /// How a shadow replica is made (manual 7.5.1): "restore" = RESTORE ... TO
  /// SHADOW from the seed's ordinary backup; "backup" = a second backup of the
  /// seed, FULL SHADOW, restored as usual.
  std::string shadow_method = "restore";
};

struct BpGroup {
  std::string name;
  std::string description;
  std::vector<std::string> rafts;
  std::string source_path{};  ///< e.g. "bp_groups[0]" ("" if built in code)
};

struct FaultDomain {
  std::string name;
  std::string description;
  std::vector<std::string> instances;
  std::string source_path{};  ///< e.g. "fault_domains[0]" ("" if built in code)
};

/// One name per machine as far as a topology can tell: every loopback name
/// (localhost, localhost.localdomain, 127.x.x.x, ::1, in any case) is
/// "127.0.0.1"; other names are returned as they are. Port and path collisions, port allocation and the
/// availability lints compare hosts through it. (Preflight also knows this
/// machine's own names and addresses.)
std::string machine_of(const std::string& host);

/// How the real backend reaches a host over SSH (defaults.ssh, and
/// hosts.<host>.ssh field by field over them). Unset fields leave the
/// choice to ssh itself (~/.ssh/config). Never a password: ssh runs in
/// BatchMode, so keys or an agent are needed.
struct SshSettings {
  std::optional<std::string> user;
  std::optional<int> port;
  std::optional<std::string> identity_file;
  std::optional<std::string> jump_host;  ///< ssh -J (ProxyJump)
  std::vector<std::string> options;      ///< more ssh -o KEY=VALUE, added after the defaults'
  /// How SQL reaches this host's instances: "direct" (their address and
  /// PORT_NUM) or "tunnel" (an SSH local forward on the host's connection).
  std::optional<std::string> sql_via;
  /// How a backup set is carried to this host from another: "auto" (host to
  /// host when the source host reaches this one over SSH, else through the
  /// control machine), "direct" (host to host only) or "via-control".
  std::optional<std::string> copy;
};

/// The ODBC driver of the real backend (defaults.odbc); "" = dpcctl's default.
struct OdbcDefaults {
  std::string driver;      ///< a name registered with unixODBC, or a library path
  std::string connection;  ///< a connection-string template (%HOST%, %PORT%, ...)
};

struct Topology {
  std::string cluster;
  std::string source_file;      ///< where it was loaded from (for messages)
  std::string dm_home;          ///< DM installation (real backend); may be empty
  std::optional<int> auto_overwrite;  ///< dminit AUTO_OVERWRITE=0|1|2, omitted when unset
  PasswordSource password;
  SshSettings ssh;                               ///< defaults.ssh
  std::map<std::string, SshSettings> host_ssh;  ///< hosts.<host>.ssh, as written
  OdbcDefaults odbc;                             ///< defaults.odbc
  /// Where DM comes from when a host lacks it (defaults.dm_package): a DM
  /// home directory, a tarball of one, or DM's installer DMInstall.bin,
  /// on this machine; "" = none.
  std::string dm_package;
  std::map<std::string, std::string> host_dm_package;  ///< hosts.<host>.dm_package
  std::optional<int64_t> mp_reconn_timeout;  ///< MP_RECONN_TIMEOUT in mp.ini, if set
  RaftTiming timing;
  ArchiveSettings archive;

  /// Every instance: MPs first, then SPs, then BPs, each in file order.
  std::vector<Instance> instances;
  /// MP_RAFT first (when the MP is replicated or single), then SP groups, then BP groups.
  std::vector<RaftGroup> rafts;
  std::vector<BpGroup> bp_groups;
  std::vector<FaultDomain> fault_domains;

  const Instance* find_instance(const std::string& name) const;
  /// The hosts the instances run on, each once, in name order.
  std::set<std::string> hosts() const;
  /// defaults.ssh with hosts.<host>.ssh over it.
  SshSettings ssh_for(const std::string& host) const;
  /// hosts.<host>.dm_package, else defaults.dm_package ("" = none).
  std::string dm_package_for(const std::string& host) const;
  const RaftGroup* find_raft(const std::string& name) const;
  std::vector<const Instance*> of_role(Role role) const;
  /// The members of a group as instances, in RAFT_SELF_ID order.
  std::vector<const Instance*> members_of(const RaftGroup& group) const;
  /// MP_RAFT, the group of MP instances (always present in a valid topology).
  const RaftGroup* mp_group() const;
  bool mp_replicated() const;
};

}  // namespace dpc
