#include "core/plan_builder.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/dm_files.h"
#include "core/dm_params.h"
#include "core/install_plan.h"
#include "core/paths.h"
#include "core/registration_sql.h"

namespace dpc {

Step instance_step(std::string id, StepKind kind, const Instance& inst, std::string title,
                   std::vector<std::string> deps, int timeout_ms) {
  Step s;
  s.id = std::move(id);
  s.kind = kind;
  s.instance = inst.name;
  s.host = inst.host;
  s.title = std::move(title);
  s.deps = std::move(deps);
  s.timeout_ms = timeout_ms;
  return s;
}

std::vector<std::string> dminit_args(const Topology& topo, const Instance& inst) {
  std::vector<std::string> args = {
      "path=" + inst.path,
      "instance_name=" + inst.name,
      "port_num=" + std::to_string(inst.port_num),
      "ap_port_num=" + std::to_string(inst.ap_port_num),
      std::string("dpc_mode=") + role_name(inst.role),
  };
  for (std::string& p : init_param_args(inst.init)) args.push_back(std::move(p));
  if (topo.auto_overwrite) args.push_back("AUTO_OVERWRITE=" + std::to_string(*topo.auto_overwrite));
  return args;
}

std::vector<std::string> dmserver_args(const Instance& inst, bool mount) {
  std::vector<std::string> args = {db_file(inst, "dm.ini"),
                                   std::string("dpc_mode=") + role_name(inst.role)};
  if (mount) args.push_back("MOUNT");
  return args;
}

void set_offline_backup(Step& s, const Instance& inst, const std::string& what, bool mount) {
  s.program = "dmrman";
  s.args = {"CTLSTMT=BACKUP DATABASE '" + db_file(inst, "dm.ini") + "' " + what, "USE_AP=2"};
  s.clean_start_args = dmserver_args(inst, mount);
}

std::string backup_set_dir(const Topology& topo, const Instance& seed) {
  return path_join(seed.os, seed.path, topo.archive.backup_name);
}

std::string shadow_backup_set_dir(const Topology& topo, const Instance& seed) {
  return path_join(seed.os, seed.path, topo.archive.backup_name + "_SHADOW");
}

namespace {

SqlEndpoint endpoint_of(const Instance& inst) { return SqlEndpoint{inst.name, inst.host, inst.port_num}; }

class DeployBuilder {
 public:
  explicit DeployBuilder(const Topology& topo) : topo_(topo) { plan_.cluster = topo.cluster; }

  Plan build() {
    const std::vector<const Instance*> mps = mp_members();
    const Instance& mp1 = *mps.front();

    for (const Instance& inst : topo_.instances) init_step(inst);
    for (const Instance& inst : topo_.instances) mpini_step(inst);

    // The MP starts first (7.1.3); a replicated MP's first member starts
    // alone, with archiving on and a local-only dmarch.ini (7.3.3).
    std::vector<std::string> mp_deps = {"init:" + mp1.name, "mpini:" + mp1.name};
    if (topo_.mp_replicated()) {
      Step& edit = add(base("mp-dm-ini:" + mp1.name, StepKind::EditIni, mp1,
                            "enable archiving in " + mp1.name + "'s dm.ini (ARCH_INI = 1)",
                            {"init:" + mp1.name}, kFileTimeoutMs));
      edit.path = db_file(mp1, "dm.ini");
      edit.ini_set = dm_ini_seed_edits();
      write_step("mp-dmarch-local:" + mp1.name, mp1, "dmarch.ini",
                 dmarch_local_only(topo_, mp1), "local-only dmarch.ini for " + mp1.name,
                 {"init:" + mp1.name});
      mp_deps.push_back("mp-dm-ini:" + mp1.name);
      mp_deps.push_back("mp-dmarch-local:" + mp1.name);
    }
    start_step("start:" + mp1.name, mp1, false, std::move(mp_deps));
    mp_ready_ = "start:" + mp1.name;

    registration(mp1);

    if (topo_.mp_replicated()) {
      replica_group(*topo_.mp_group(), {"verify-registration"});
      mp_ready_ = "wait-leader:" + topo_.mp_group()->name;
    }

    std::vector<std::string> ready;  // what verify-health waits for
    for (const RaftGroup& raft : topo_.rafts) {
      if (raft.role != Role::BP) continue;
      if (raft.replicated()) {
        replica_group(raft, {});
        ready.push_back("wait-leader:" + raft.name);
      } else {
        for (const Instance* bp : topo_.members_of(raft)) ready.push_back(single_instance(*bp));
      }
    }
    for (const Instance* sp : topo_.of_role(Role::SP)) ready.push_back(single_instance(*sp, seed_exits_));
    ready.insert(ready.begin(), topo_.mp_replicated() ? mp_ready_ : "verify-registration");

    std::vector<const Instance*> sps = topo_.of_role(Role::SP);
    const Instance& health_at = sps.empty() ? mp1 : *sps.front();
    Step& health = add(base("verify-health", StepKind::Verify, health_at,
                            "check the cluster is healthy from " + health_at.name +
                                " (V$INSTANCE lists every instance; a query succeeds)",
                            std::move(ready), kSqlTimeoutMs));
    health.endpoint = endpoint_of(health_at);
    health.verify.what = VerifySpec::What::Health;
    for (const Instance& inst : topo_.instances) health.verify.instances.push_back(inst.name);
    after_ini_overrides();
    return std::move(plan_);
  }

 private:
  std::vector<const Instance*> mp_members() const {
    if (const RaftGroup* group = topo_.mp_group()) {
      auto members = topo_.members_of(*group);
      if (!members.empty()) return members;
    }
    return topo_.of_role(Role::MP);
  }

  static Step base(std::string id, StepKind kind, const Instance& inst, std::string title,
                   std::vector<std::string> deps, int timeout_ms) {
    return instance_step(std::move(id), kind, inst, std::move(title), std::move(deps), timeout_ms);
  }

  Step& add(Step step) {
    plan_.steps.push_back(std::move(step));
    return plan_.steps.back();
  }

  void init_step(const Instance& inst) {
    Step& s = add(base("init:" + inst.name, StepKind::InitInstance, inst,
                       "initialise " + inst.name + " (dminit)", {}, kToolTimeoutMs));
    s.program = "dminit";
    s.args = dminit_args(topo_, inst);
    s.needs_password = true;
    if (inst.ini.dm.empty()) return;
    // The topology's dm.ini overrides, set once the database exists and
    // before anything else touches the instance (after_ini_overrides()).
    Step& edit = add(base("ini:" + inst.name, StepKind::EditIni, inst,
                          "set the topology's dm.ini keys for " + inst.name, {"init:" + inst.name},
                          kFileTimeoutMs));
    edit.path = db_file(inst, "dm.ini");
    edit.ini_set.assign(inst.ini.dm.begin(), inst.ini.dm.end());
  }

  /// Every step that follows an instance's dminit also follows its ini:<I>
  /// step, so no other edit of dm.ini and no start runs before the overrides.
  void after_ini_overrides() {
    std::set<std::string> edited;  // instances with an ini:<I> step
    for (const Instance& inst : topo_.instances) {
      if (!inst.ini.dm.empty()) edited.insert(inst.name);
    }
    if (edited.empty()) return;
    for (Step& s : plan_.steps) {
      std::vector<std::string> extra;
      for (const std::string& dep : s.deps) {
        if (dep.rfind("init:", 0) != 0 || !edited.count(dep.substr(5))) continue;
        if (s.id != "ini:" + dep.substr(5)) extra.push_back("ini:" + dep.substr(5));
      }
      s.deps.insert(s.deps.end(), extra.begin(), extra.end());
    }
  }

  Step& write_step(std::string id, const Instance& inst, const std::string& file,
                   std::string content, std::string title, std::vector<std::string> deps) {
    Step& s = add(base(std::move(id), StepKind::WriteFile, inst, std::move(title), std::move(deps),
                       kFileTimeoutMs));
    s.path = db_file(inst, file);
    s.content = std::move(content);
    return s;
  }

  void mpini_step(const Instance& inst) {
    write_step("mpini:" + inst.name, inst, "mp.ini", mp_ini_text(topo_),
               "write " + inst.name + "'s mp.ini", {"init:" + inst.name});
  }

  void start_step(std::string id, const Instance& inst, bool mount, std::vector<std::string> deps) {
    std::string title = "start " + inst.name + " (dmserver" + (mount ? " MOUNT" : "") + ")";
    Step& s = add(base(std::move(id), StepKind::StartServer, inst, std::move(title),
                       std::move(deps), kStartTimeoutMs));
    s.program = "dmserver";
    s.args = dmserver_args(inst, mount);
    s.mount = mount;
  }

  void registration(const Instance& mp1) {
    std::string previous = "start:" + mp1.name;
    for (RegistrationCall& call : registration_script(topo_)) {
      Step& s = add(base(call.id, StepKind::RunSql, mp1, std::move(call.title), {previous},
                         kSqlTimeoutMs));
      s.instance = call.instance;
      s.endpoint = endpoint_of(mp1);
      s.statements = {std::move(call.statement)};
      s.guard_query = std::move(call.guard_query);
      previous = s.id;
      if (!call.instance.empty() && call.id == "register:" + call.instance) {
        registered_[call.instance] = s.id;
      }
    }
    Step& verify = add(base("verify-registration", StepKind::Verify, mp1,
                            "check the registration on " + mp1.name +
                                " (DPC_INSTANCE, DPC_BP_RAFT, DPC_BP_GROUP)",
                            {previous}, kSqlTimeoutMs));
    verify.endpoint = endpoint_of(mp1);
    verify.verify.what = VerifySpec::What::Registration;
    for (const Instance& inst : topo_.instances) verify.verify.instances.push_back(inst.name);
    for (const RaftGroup& raft : topo_.rafts) {
      if (raft.role != Role::MP) verify.verify.rafts.push_back(raft.name);
    }
    for (const BpGroup& group : topo_.bp_groups) verify.verify.bp_groups.push_back(group.name);
  }

  /// Deps every first start of an SP or BP has: its files, its registration,
  /// and a running MP.
  std::vector<std::string> start_deps(const Instance& inst) const {
    std::vector<std::string> deps = {"mpini:" + inst.name};
    auto it = registered_.find(inst.name);
    if (it != registered_.end()) deps.push_back(it->second);
    deps.push_back(mp_ready_);
    return deps;
  }

  /// A single BP or an SP: normal start, then wait for OPEN. Returns the id
  /// of the wait.
  /// `after`: extra deps of the start (an SP waits for every BP seed's exit).
  std::string single_instance(const Instance& inst, const std::vector<std::string>& after = {}) {
    std::vector<std::string> deps = start_deps(inst);
    deps.insert(deps.end(), after.begin(), after.end());
    start_step("start:" + inst.name, inst, false, std::move(deps));
    std::string id = "wait-open:" + inst.name;
    Step& wait = add(base(id, StepKind::WaitState, inst, "wait until " + inst.name + " is OPEN",
                          {"start:" + inst.name}, kWaitTimeoutMs));
    wait.endpoint = endpoint_of(inst);
    wait.wait.what = WaitSpec::What::InstanceState;
    wait.wait.state = "OPEN";
    wait.wait.instances = {inst.name};
    return id;
  }

  /// Prepares a replicated group from its seed (first member) and starts it
  /// (7.2.6-7.2.8, 7.3.6-7.3.7). `after` are extra deps of the seed's exit.
  void replica_group(const RaftGroup& raft, std::vector<std::string> after) {
    const std::vector<const Instance*> members = topo_.members_of(raft);
    const Instance& seed = *members.front();
    const bool is_mp = raft.role == Role::MP;
    std::vector<std::string> exit_deps = seed_first_start(seed, is_mp, std::move(after));
    const SeedBackup sets = seed_backup(seed, members, is_mp, std::move(exit_deps));
    const std::map<std::string, std::string> copied = copy_backups(seed, members, sets);
    std::vector<std::string> prepared;  // every member's dm.ini and dmarch.ini
    for (const Instance* m : members) {
      std::vector<std::string> config_deps =
          m == &seed ? std::vector<std::string>{"backup:" + seed.name} : restore_member(seed, *m, sets, copied);
      configure_member(*m, config_deps);
      prepared.push_back("dm-ini:" + m->name);
      prepared.push_back("dmarch:" + m->name);
    }
    start_group(raft, seed, members, is_mp, prepared);
  }

  /// Where a seed's backups go.
  struct SeedBackup {
    std::string set_dir;     ///< the backup set
    std::string shadow_set;  ///< the FULL SHADOW backup set (when shadow_backup)
    bool shadow_backup = false;
  };

  /// A BP seed's first start to OPEN, archiving on (an MP seed is started
  /// already). Returns the deps of the seed's exit.
  std::vector<std::string> seed_first_start(const Instance& seed, bool is_mp, std::vector<std::string> after) {
    const std::string& s = seed.name;
    std::vector<std::string> exit_deps = std::move(after);
    if (is_mp) {
      exit_deps.insert(exit_deps.begin(), "start:" + s);
      return exit_deps;
    }
    Step& edit = add(base("seed-dm-ini:" + s, StepKind::EditIni, seed,
                          "enable archiving in " + s + "'s dm.ini (ARCH_INI = 1)",
                          {"init:" + s}, kFileTimeoutMs));
    edit.path = db_file(seed, "dm.ini");
    edit.ini_set = dm_ini_seed_edits();
    write_step("seed-dmarch:" + s, seed, "dmarch.ini", dmarch_local_only(topo_, seed),
               "local-only dmarch.ini for " + s + " (no election yet)", {"init:" + s});
    std::vector<std::string> deps = {"seed-dm-ini:" + s, "seed-dmarch:" + s};
    for (std::string& d : start_deps(seed)) deps.push_back(std::move(d));
    Step& start = add(base("seed-start:" + s, StepKind::StartServer, seed,
                           "first start of seed " + s + " to OPEN (dmserver)", std::move(deps),
                           kStartTimeoutMs));
    start.program = "dmserver";
    start.args = dmserver_args(seed, false);
    exit_deps.insert(exit_deps.begin(), "seed-start:" + s);
    return exit_deps;
  }

  /// The seed's exit and its offline backup (and, for shadow members under
  /// shadow_method "backup", a FULL SHADOW one).
  SeedBackup seed_backup(const Instance& seed, const std::vector<const Instance*>& members, bool is_mp,
                         std::vector<std::string> exit_deps) {
    const std::string& s = seed.name;
    if (!is_mp) seed_exits_.push_back("seed-exit:" + s);
    Step& exit = add(base("seed-exit:" + s, StepKind::ConsoleExit, seed,
                          "exit seed " + s + " before its offline backup", std::move(exit_deps),
                          kExitTimeoutMs));
    exit.console_line = "exit";
    exit.wait.what = WaitSpec::What::Stopped;
    exit.wait.instances = {s};

    SeedBackup sets;
    sets.set_dir = backup_set_dir(topo_, seed);
    Step& backup = add(base("backup:" + s, StepKind::Backup, seed,
                            "offline full backup of " + s + " into " + sets.set_dir + " (dmrman)",
                            {"seed-exit:" + s}, kRmanTimeoutMs));
    // A refused backup restarts the seed as its first start did (no MOUNT).
    set_offline_backup(backup, seed, "FULL TO " + topo_.archive.backup_name + " BACKUPSET '" + sets.set_dir + "'",
                       false);

    // Manual 7.5.1, the first way: a second backup of the seed, FULL SHADOW,
    // restored as usual into each shadow member.
    bool has_shadow = false;
    for (const Instance* m : members) has_shadow = has_shadow || m->kind == ReplicaKind::Shadow;
    sets.shadow_backup = has_shadow && topo_.archive.shadow_method == "backup";
    sets.shadow_set = shadow_backup_set_dir(topo_, seed);
    if (sets.shadow_backup) {
      Step& sb = add(base("backup-shadow:" + s, StepKind::Backup, seed,
                          "offline FULL SHADOW backup of " + s + " into " + sets.shadow_set + " (dmrman)",
                          {"backup:" + s}, kRmanTimeoutMs));
      set_offline_backup(sb, seed,
                         "FULL SHADOW TO " + topo_.archive.backup_name + "_SHADOW BACKUPSET '" + sets.shadow_set + "'",
                         false);
    }
    return sets;
  }

  /// A member on another host than the seed restores from a copy of the
  /// set it restores on its own host: one verified copy per such host and
  /// set. Returns "<host> <set dir>" -> its copy step.
  std::map<std::string, std::string> copy_backups(const Instance& seed, const std::vector<const Instance*>& members,
                                                  const SeedBackup& sets) {
    const std::string& s = seed.name;
    std::map<std::string, std::string> copied;
    for (const Instance* m : members) {
      if (m->host == seed.host || m->name == s) continue;
      const bool from_shadow_set = m->kind == ReplicaKind::Shadow && sets.shadow_backup;
      const std::string dir = from_shadow_set ? sets.shadow_set : sets.set_dir;
      const std::string key = m->host + " " + dir;
      if (copied.count(key)) continue;
      const std::string id = std::string(from_shadow_set ? "copy-backup-shadow:" : "copy-backup:") + s + ":" + m->host;
      Step& copy = add(base(id, StepKind::CopyBackup, *m,
                            "copy " + s + "'s " + (from_shadow_set ? "SHADOW " : "") + "backup set " + dir +
                                " from " + seed.host + " to " + m->host + " and verify it",
                            {from_shadow_set ? "backup-shadow:" + s : "backup:" + s}, kCopyTimeoutMs));
      copy.instance = s;
      copy.path = dir;
      copy.source_host = seed.host;
      copied[key] = id;
    }
    return copied;
  }

  /// A member other than the seed: the seed's backup restored into it and
  /// its own DB_MAGIC. Returns the deps of its configuration.
  std::vector<std::string> restore_member(const Instance& seed, const Instance& m, const SeedBackup& sets,
                                          const std::map<std::string, std::string>& copied) {
    const std::string& s = seed.name;
    const bool shadow = m.kind == ReplicaKind::Shadow;
    const bool from_shadow_set = shadow && sets.shadow_backup;
    const std::string& dir = from_shadow_set ? sets.shadow_set : sets.set_dir;
    std::vector<std::string> restore_deps = {from_shadow_set ? "backup-shadow:" + s : "backup:" + s,
                                             "init:" + m.name};
    if (auto c = copied.find(m.host + " " + dir); c != copied.end()) restore_deps.push_back(c->second);
    Step& restore = add(base("restore:" + m.name, StepKind::Restore, m,
                             "restore " + s + "'s " + (from_shadow_set ? "SHADOW " : "") + "backup into " +
                                 m.name + (shadow ? " as a shadow replica" : "") + " (dmrman)",
                             std::move(restore_deps), kRmanTimeoutMs));
    restore.program = "dmrman";
    restore.args = {"CTLSTMT=RESTORE DATABASE '" + db_file(m, "dm.ini") + "' " +
                        (shadow && !from_shadow_set ? "TO SHADOW " : "") + "FROM BACKUPSET '" + dir + "'",
                    "USE_AP=2"};
    Step& magic = add(base("update-magic:" + m.name, StepKind::UpdateDbMagic, m,
                           "give " + m.name + " its own DB_MAGIC (dmrman)",
                           {"restore:" + m.name}, kRmanTimeoutMs));
    magic.program = "dmrman";
    magic.args = {"CTLSTMT=RECOVER DATABASE '" + db_file(m, "dm.ini") + "' UPDATE DB_MAGIC", "USE_AP=2"};
    return {"update-magic:" + m.name};
  }

  /// A member's dm.ini (archiving, ALTER_MODE_STATUS) and RAFT dmarch.ini.
  void configure_member(const Instance& m, const std::vector<std::string>& config_deps) {
    Step& edit = add(base("dm-ini:" + m.name, StepKind::EditIni, m,
                          "set ARCH_INI = 1, ALTER_MODE_STATUS = 0 in " + m.name + "'s dm.ini",
                          config_deps, kFileTimeoutMs));
    edit.path = db_file(m, "dm.ini");
    edit.ini_set = dm_ini_replica_edits();
    write_step("dmarch:" + m.name, m, "dmarch.ini", dmarch_raft(topo_, m),
               "RAFT dmarch.ini for " + m.name + " (RAFT_SELF_ID " + std::to_string(m.raft_self_id) +
                   ", RAFT_VOTE_INTERVAL " + std::to_string(m.raft_vote_interval) + ")",
               config_deps);
  }

  /// Every member started MOUNT once the whole group is prepared (7.2.8),
  /// then the wait for the group's leader.
  void start_group(const RaftGroup& raft, const Instance& seed, const std::vector<const Instance*>& members,
                   bool is_mp, const std::vector<std::string>& prepared) {
    std::vector<std::string> started;
    for (const Instance* m : members) {
      std::vector<std::string> deps = prepared;
      std::string id = "start:" + m->name;
      if (is_mp) {
        deps.push_back("mpini:" + m->name);
        if (m == &seed) id = "start-mount:" + m->name;
      } else {
        for (std::string& d : start_deps(*m)) deps.push_back(std::move(d));
      }
      start_step(id, *m, true, std::move(deps));
      started.push_back(id);
    }
    Step& wait = add(base("wait-leader:" + raft.name, StepKind::WaitState, seed,
                          "wait until " + raft.name + " elects a PRIMARY/OPEN leader",
                          std::move(started), kWaitTimeoutMs));
    wait.endpoint = endpoint_of(seed);
    wait.wait.what = WaitSpec::What::GroupLeader;
    wait.wait.group = raft.name;
    for (const Instance* m : members) wait.wait.instances.push_back(m->name);
  }

  const Topology& topo_;
  Plan plan_;
  std::string mp_ready_;                          ///< the step after which the MP serves
  /// Every BP seed's exit before its backup: an SP starts only after them
  /// (a BP group exiting while an SP runs makes the SP HALT).
  std::vector<std::string> seed_exits_;
  std::map<std::string, std::string> registered_;  ///< instance -> its register step
};

}  // namespace

Plan build_deploy_plan(const Topology& topo) {
  Plan plan = DeployBuilder(topo).build();
  add_install_steps(topo, plan);
  return plan;
}

}  // namespace dpc
