// Runs the sh runbooks for real, against stand-in dminit, dmserver, dmrman
// and disql scripts that check what they are given (the PARFILE's mode and
// password, the ini files a MOUNT start needs, the conn line) and record
// every command line. Proves the runbook's control flow (FIFO consoles,
// waits, exit all / exit remaining, START_AT) and that the password never
// appears in a command line, the runbook's output or its files. The waits
// poll with DPC_TICK set to a few milliseconds.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/plan_builder.h"
#include "core/plan_render.h"
#include "core/plan_test_topologies.h"

namespace dpc {
namespace {

namespace fs = std::filesystem;
using testing_topologies::find_mutable;
using testing_topologies::make_topology;
using testing_topologies::Shape;

const char* kPassword = "Pw-s3cr3t_4711";

const char* kFakeDminit = R"SH(#!/bin/sh
printf 'dminit' >>"$FAKE_LOG"; for a in "$@"; do printf ' [%s]' "$a" >>"$FAKE_LOG"; done; echo >>"$FAKE_LOG"
path= name= port= par=
for a in "$@"; do
  case $a in
    path=*) path=${a#path=} ;;
    instance_name=*) name=${a#*=} ;;
    port_num=*) port=${a#*=} ;;
    PARFILE=*) par=${a#*=} ;;
  esac
done
[ -f "$par" ] || { echo "no PARFILE"; exit 1; }
grep -qx "SYSDBA_PWD=$FAKE_PW" "$par" || { echo "the PARFILE lacks SYSDBA_PWD"; exit 1; }
[ "$(stat -c %a "$par")" = 600 ] || { echo "PARFILE mode $(stat -c %a "$par")"; exit 1; }
[ ! -e "$path/DAMENG" ] || { echo "$path/DAMENG exists"; exit 1; }
mkdir -p "$path/DAMENG"
printf 'INSTANCE_NAME = %s\nPORT_NUM = %s   # sql port\nARCH_INI = 0   # archive\nALTER_MODE_STATUS = 1\n' "$name" "$port" >"$path/DAMENG/dm.ini"
echo "create dm database success."
)SH";

const char* kFakeDmserver = R"SH(#!/bin/sh
printf 'dmserver' >>"$FAKE_LOG"; for a in "$@"; do printf ' [%s]' "$a" >>"$FAKE_LOG"; done; echo >>"$FAKE_LOG"
ini=$1 mount=${3:-}
dir=$(dirname "$ini")
port=$(sed -n 's/^PORT_NUM = \([0-9]*\).*/\1/p' "$ini")
[ -f "$dir/mp.ini" ] || { echo "no mp.ini in $dir"; exit 1; }
if [ "$mount" = MOUNT ]; then
  grep -q '^ARCH_INI = 1' "$ini" || { echo "ARCH_INI is not 1"; exit 1; }
  grep -q '^ALTER_MODE_STATUS = 0' "$ini" || { echo "ALTER_MODE_STATUS is not 0"; exit 1; }
  grep -q '^RAFT_SELF_ID' "$dir/dmarch.ini" || { echo "no RAFT dmarch.ini"; exit 1; }
  state=PRIMARY/OPEN
else
  state=NORMAL/OPEN
fi
echo "$state" >"$FAKE_STATE/$port"
echo "SYSTEM IS READY."
while read -r line; do
  case $line in
    exit | "exit all") echo "$line on $port" >>"$FAKE_LOG"; rm -f "$FAKE_STATE/$port"; exit 0 ;;
  esac
done
echo "console closed under $port" >>"$FAKE_LOG"
rm -f "$FAKE_STATE/$port"
exit 3
)SH";

const char* kFakeDmrman = R"SH(#!/bin/sh
printf 'dmrman' >>"$FAKE_LOG"; for a in "$@"; do printf ' [%s]' "$a" >>"$FAKE_LOG"; done; echo >>"$FAKE_LOG"
[ "$2" = USE_AP=2 ] || { echo "USE_AP=2 missing"; exit 1; }
ini=$(printf '%s\n' "$1" | sed "s/^[^']*'\([^']*\)'.*/\1/")
port=$(sed -n 's/^PORT_NUM = \([0-9]*\).*/\1/p' "$ini")
[ ! -f "$FAKE_STATE/$port" ] || { echo "instance on $port is running"; echo "CMD END.CODE:[-8003]"; exit 0; }
case $1 in
  "CTLSTMT=BACKUP DATABASE "*) mkdir -p "$(printf '%s\n' "$1" | sed "s/.*BACKUPSET '\(.*\)'$/\1/")" ;;
  "CTLSTMT=RESTORE DATABASE "*)
    set=$(printf '%s\n' "$1" | sed "s/.*BACKUPSET '\(.*\)'$/\1/")
    [ -d "$set" ] || { echo "no backup set $set"; echo "CMD END.CODE:[-1]"; exit 0; } ;;
esac
echo "CMD END.CODE:[0]"
)SH";

const char* kFakeDisql = R"SH(#!/bin/sh
printf 'disql' >>"$FAKE_LOG"; for a in "$@"; do printf ' [%s]' "$a" >>"$FAKE_LOG"; done; echo >>"$FAKE_LOG"
input=$(cat)
conn=$(printf '%s\n' "$input" | grep '^conn ')
case $conn in
  "conn SYSDBA/\"$FAKE_PW\"@"*) ;;
  *) echo "[-2501]:wrong user name or password"; exit 1 ;;
esac
port=${conn##*:}
[ -f "$FAKE_STATE/$port" ] || { echo "[-70028]:cannot connect to port $port"; exit 1; }
printf '%s\n' "$input" | grep -v '^conn ' | while IFS= read -r line; do
  case $line in
    WHENEVER* | exit | "") ;;
    "select 'DPC_STATE='"*) echo "1    DPC_STATE=$(cat "$FAKE_STATE/$port")" ;;
    "select NAME from "*) grep -o "'[A-Za-z0-9_]*'" "$FAKE_SQL" | tr -d "'" | sort -u ;;
    "select 1 from dual;") echo "1    1" ;;
    SP_*) printf '%s\n' "$line" >>"$FAKE_SQL"; printf 'sql %s\n' "$line" >>"$FAKE_LOG"; echo "DMSQL executed" ;;
    *) echo "[-2007]:syntax error: $line" ;;
  esac
done
)SH";

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ShRunbook : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("dpc-runbook-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "dm" / "bin");
    fs::create_directories(root_ / "state");
    fs::create_directories(root_ / "data");
    const std::pair<const char*, const char*> fakes[] = {
        {"dminit", kFakeDminit}, {"dmserver", kFakeDmserver}, {"dmrman", kFakeDmrman},
        {"disql", kFakeDisql}};
    for (const auto& [name, text] : fakes) {
      fs::path p = root_ / "dm" / "bin" / name;
      std::ofstream(p) << text;
      fs::permissions(p, fs::perms::owner_all);
    }
    std::ofstream(root_ / "sql.txt") << "";
    setenv("DM_HOME", (root_ / "dm").c_str(), 1);
    setenv("DPC_TEST_PW", kPassword, 1);
    setenv("FAKE_PW", kPassword, 1);
    setenv("FAKE_LOG", (root_ / "commands.log").c_str(), 1);
    setenv("FAKE_STATE", (root_ / "state").c_str(), 1);
    setenv("FAKE_SQL", (root_ / "sql.txt").c_str(), 1);
    setenv("DPC_RUN_DIR", (root_ / "run").c_str(), 1);
    setenv("DPC_TICK", "0.01", 1);
    unsetenv("START_AT");
  }

  void TearDown() override {
    // Whatever a failed run left behind: servers and FIFO holders.
    for (const char* run : {"run", "dpc-run-test"}) {
      if (!fs::exists(root_ / run)) continue;
      for (const auto& entry : fs::directory_iterator(root_ / run)) {
        const std::string ext = entry.path().extension().string();
        if (ext != ".pid" && ext != ".holder") continue;
        const pid_t pid = static_cast<pid_t>(std::atol(read(entry.path()).c_str()));
        if (pid > 1) kill(pid, SIGKILL);
      }
    }
    for (const char* v : {"DM_HOME", "DPC_TEST_PW", "FAKE_PW", "FAKE_LOG", "FAKE_STATE", "FAKE_SQL",
                          "DPC_RUN_DIR", "DPC_TICK", "START_AT"}) {
      unsetenv(v);
    }
    fs::remove_all(root_);
  }

  Topology topology(Shape shape) {
    shape.host = "127.0.0.1";
    shape.base_dir = (root_ / "data").string();
    Topology topo = make_topology(shape);
    topo.password.env = "DPC_TEST_PW";
    return topo;
  }

  /// Writes the runbook and runs it with `shell`; exit status and output.
  /// With `cwd`, runs it from that directory.
  std::pair<int, std::string> run_runbook(const std::string& shell, const std::string& name,
                                          const std::string& text, const std::string& cwd = "") {
    const fs::path script = fs::absolute(root_ / name);
    std::ofstream(script) << text;
    std::string out;
    const std::string cd = cwd.empty() ? "" : "cd '" + cwd + "' && ";
    FILE* pipe = popen((cd + shell + " " + script.string() + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return {-1, ""};
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
  }

  /// The password appears nowhere: not in any recorded command line, the
  /// output, or any file under the run directory.
  void expect_no_password(const std::string& output) {
    EXPECT_EQ(output.find(kPassword), std::string::npos) << output;
    EXPECT_EQ(read(root_ / "commands.log").find(kPassword), std::string::npos);
    for (const auto& entry : fs::recursive_directory_iterator(root_ / "run")) {
      if (!entry.is_regular_file()) continue;
      EXPECT_EQ(read(entry.path()).find(kPassword), std::string::npos) << entry.path();
    }
  }

  size_t state_files() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(root_ / "state")) ++n;
    return n;
  }

  /// Line index in commands.log of the first line at or after `from` that
  /// contains `text`, or -1.
  /// A deploy and stop over three hosts (below).
  /// With `copy`, DPC_COPY is set to it.
  void several_hosts(bool hosts_reach_each_other, const char* copy = nullptr);

  int logged_at(const std::string& text, int from = 0) {
    std::istringstream in(read(root_ / "commands.log"));
    int i = 0;
    for (std::string line; std::getline(in, line); ++i) {
      if (i >= from && line.find(text) != std::string::npos) return i;
    }
    return -1;
  }

  int log_lines() {
    std::istringstream in(read(root_ / "commands.log"));
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }

  /// Deploys with the runbook, checks the order the stand-ins saw; with
  /// `rerun`, checks that running it again stops at its first step and that
  /// START_AT skips to the final health check; then stops the cluster.
  void deploy_then_stop(const std::string& shell, const Shape& shape, bool rerun) {
    const Topology topo = topology(shape);
    const Plan plan = build_deploy_plan(topo);
    const std::string deploy = render_plan_sh(plan, topo);
    auto [rc, out] = run_runbook(shell, "deploy.sh", deploy);
    ASSERT_EQ(rc, 0) << out << "\n--- commands:\n" << read(root_ / "commands.log");
    EXPECT_NE(out.find("Cluster test deployed."), std::string::npos) << out;
    EXPECT_EQ(state_files(), topo.instances.size()) << "every server runs after the deploy";
    expect_no_password(out);

    // The manual's order, as the stand-ins saw it.
    const Instance& mp1 = *topo.members_of(*topo.mp_group()).front();
    const std::string mp_register = "sql SP_CREATE_DPC_INSTANCE(NULL, '" + mp1.name + "'";
    const int mp_start = logged_at("dmserver [" + mp1.path + "/DAMENG/dm.ini]");
    ASSERT_GE(mp_start, 0);
    EXPECT_LT(mp_start, logged_at(mp_register));
    EXPECT_LT(logged_at(mp_register), logged_at("sql SP_CREATE_DPC_RAFT("));
    for (const Instance& inst : topo.instances) {
      if (inst.role == Role::MP) continue;
      const int reg = logged_at("', '" + inst.name + "', '" + role_name(inst.role) + "'");
      const int start = logged_at("dmserver [" + inst.path + "/DAMENG/dm.ini]");
      ASSERT_GE(reg, 0) << inst.name;
      ASSERT_GE(start, 0) << inst.name;
      EXPECT_LT(reg, start) << inst.name << " started before it was registered";
    }

    if (rerun) {
      // A second run stops at its first step (no dminit over the existing
      // database) and says why.
      const int before = log_lines();
      auto [rc2, out2] = run_runbook(shell, "deploy.sh", deploy);
      EXPECT_EQ(rc2, 1);
      EXPECT_NE(out2.find("error: " + topo.instances.front().name + " already holds a database"),
                std::string::npos)
          << out2;
      EXPECT_EQ(logged_at("dmserver", before), -1) << "nothing ran after the failed step";
      // START_AT skips to the last step, the health check, which passes.
      setenv("START_AT", std::to_string(plan.steps.size()).c_str(), 1);
      auto [rc3, out3] = run_runbook(shell, "deploy.sh", deploy);
      unsetenv("START_AT");
      EXPECT_EQ(rc3, 0) << out3;
      EXPECT_EQ(out3.find("== [1/"), std::string::npos) << out3;
      EXPECT_NE(out3.find("verify-health"), std::string::npos) << out3;
    }

    const int stop_from = log_lines();
    auto [src, sout] = run_runbook(shell, "stop.sh", render_plan_sh(build_stop_plan(topo), topo));
    ASSERT_EQ(src, 0) << sout << "\n--- commands:\n" << read(root_ / "commands.log");
    EXPECT_NE(sout.find("Cluster test stopped."), std::string::npos) << sout;
    EXPECT_EQ(state_files(), 0u) << "every server exited";
    EXPECT_EQ(logged_at("console closed"), -1) << "a server read end-of-file on its console";
    for (const Instance& inst : topo.instances) {
      EXPECT_FALSE(fs::exists(root_ / "run" / (inst.name + ".pid"))) << inst.name;
      EXPECT_FALSE(fs::exists(root_ / "run" / (inst.name + ".in"))) << inst.name;
    }
    // SPs first, the MP last.
    const Instance& sp = *topo.of_role(Role::SP).front();
    const int sp_exit = logged_at("exit on " + std::to_string(sp.port_num), stop_from);
    const int mp_exit = logged_at(" on " + std::to_string(mp1.port_num), stop_from);
    ASSERT_GE(sp_exit, 0);
    for (const Instance* bp : topo.of_role(Role::BP)) {
      const int bp_exit = logged_at(" on " + std::to_string(bp->port_num), stop_from);
      ASSERT_GE(bp_exit, 0) << bp->name;
      EXPECT_LT(sp_exit, bp_exit) << bp->name;
      EXPECT_LT(bp_exit, mp_exit) << bp->name;
    }
    expect_no_password(sout);
  }

  fs::path root_;
};

TEST_F(ShRunbook, DeploysStopsAndResumesReplicatedBpGroupsWithSh) {
  Shape shape;
  shape.bp_groups = {3, 1};
  deploy_then_stop("sh", shape, true);
}

TEST_F(ShRunbook, DeploysAndStopsAnMpRaftGroupWithBashPosix) {
  Shape shape;
  shape.mps = 3;
  shape.bp_groups = {1};
  deploy_then_stop("bash --posix", shape, false);
}

TEST_F(ShRunbook, TheStopRunbookFindsTheServersByTheirDmIniWhereverItIsRunFrom) {
  const Topology topo = topology(Shape{});
  unsetenv("DPC_RUN_DIR");  // the run directory is beside the runbook
  auto [rc, out] = run_runbook("sh", "deploy.sh", render_plan_sh(build_deploy_plan(topo), topo), "/");
  ASSERT_EQ(rc, 0) << out;
  ASSERT_TRUE(fs::exists(root_ / "dpc-run-test" / "SP1.pid"));
  const std::string stop = render_plan_sh(build_stop_plan(topo), topo);
  // A run directory without the servers' pid files and consoles: the servers
  // are found by their dm.ini all the same, and the stop fails naming one.
  setenv("DPC_RUN_DIR", (root_ / "elsewhere").c_str(), 1);
  auto [rc1, out1] = run_runbook("sh", "stop.sh", stop, "/");
  EXPECT_EQ(rc1, 1) << out1;
  EXPECT_NE(out1.find("no console for SP1"), std::string::npos) << out1;
  EXPECT_EQ(state_files(), topo.instances.size()) << "nothing was stopped";
  // From yet another directory, with the default run directory: stopped.
  unsetenv("DPC_RUN_DIR");
  auto [rc2, out2] = run_runbook("sh", "stop.sh", stop, root_.string());
  EXPECT_EQ(rc2, 0) << out2;
  EXPECT_EQ(state_files(), 0u) << "every server exited";
}

// Several hosts: each step on a host's files or servers goes through ssh
// (here a stand-in `ssh` on PATH that records its arguments and runs the
// command on this machine), SQL runs here, and the backup sets are carried
// between the hosts with tar over ssh and verified: host to host when the
// seed's host logs in to the target (ssh run from within an ssh), else
// (FAKE_SSH_NO_HOPS: the stand-in refuses that, as sshd would a key it does
// not know) through this machine.
void ShRunbook::several_hosts(bool hosts_reach_each_other, const char* copy) {
  fs::create_directories(root_ / "bin");
  std::ofstream(root_ / "bin" / "ssh") << "#!/bin/sh\n"
                                          "printf 'ssh %s\\n' \"$*\" >>\"$FAKE_LOG\"\n"
                                          "while [ $# -gt 0 ]; do\n"
                                          "  case $1 in -o|-l|-i|-p|-J) shift 2 ;; -*) shift ;; *) break ;; esac\n"
                                          "done\n"
                                          "if [ -n \"${FAKE_SSH_HOP:-}\" ] && [ -n \"${FAKE_SSH_NO_HOPS:-}\" ]; then\n"
                                          "  echo \"root@$1: Permission denied (publickey).\" >&2; exit 255\n"
                                          "fi\n"
                                          "shift\n"
                                          "FAKE_SSH_HOP=1 exec sh -c \"$*\"\n";
  fs::permissions(root_ / "bin" / "ssh", fs::perms::owner_all);
  const std::string old_path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
  setenv("PATH", ((root_ / "bin").string() + ":" + old_path).c_str(), 1);
  setenv("DPC_LOCAL_HOSTS", "127.0.0.1", 1);
  if (!hosts_reach_each_other) setenv("FAKE_SSH_NO_HOPS", "1", 1);
  if (copy != nullptr) setenv("DPC_COPY", copy, 1);
  Shape shape;
  shape.bp_groups = {3};
  Topology topo = topology(shape);
  find_mutable(topo, "BP12")->host = "10.0.0.2";
  find_mutable(topo, "BP13")->host = "10.0.0.3";
  find_mutable(topo, "SP1")->host = "10.0.0.2";

  const std::string deploy = render_plan_sh(build_deploy_plan(topo), topo);
  EXPECT_NE(deploy.find("DPC_COPY=${DPC_COPY:-'auto'}"), std::string::npos);
  auto [rc, out] = run_runbook("sh", "deploy.sh", deploy);
  EXPECT_EQ(rc, 0) << out << "\n--- commands:\n" << read(root_ / "commands.log");
  EXPECT_NE(out.find("(on host 10.0.0.2, through ssh)"), std::string::npos) << out;
  EXPECT_NE(out.find("verified " + find_mutable(topo, "BP11")->path + "/BACKUP_01 on 10.0.0.3"),
            std::string::npos) << out;
  EXPECT_GE(logged_at("ssh -o BatchMode=yes 10.0.0.3 sh -s"), 0);
  // The seed's host is asked whether it reaches the target, then sends the set.
  const int probed =
      logged_at("ssh -o BatchMode=yes 127.0.0.1 ssh -o BatchMode=yes -o ConnectTimeout=3 '10.0.0.3' true");
  if (copy != nullptr && std::string(copy) == "via-control") {
    EXPECT_LT(probed, 0) << "DPC_COPY=via-control asks nothing";
    EXPECT_NE(out.find("through this machine (DPC_COPY=via-control)"), std::string::npos) << out;
    EXPECT_GE(logged_at("ssh -o BatchMode=yes 127.0.0.1 tar -C"), 0) << "the set comes through this machine";
  } else if (hosts_reach_each_other) {
    EXPECT_GE(probed, 0);
    EXPECT_NE(out.find("host to host: 127.0.0.1 reaches 10.0.0.3 over ssh"), std::string::npos) << out;
    EXPECT_GE(logged_at("ssh -o BatchMode=yes -o ConnectTimeout=3 10.0.0.3 tar -C"), 0) << "the set goes host to host";
    // Every tar on the seed's host pipes into ssh there: none sends to this machine.
    std::istringstream log(read(root_ / "commands.log"));
    for (std::string line; std::getline(log, line);) {
      if (line.find("ssh -o BatchMode=yes 127.0.0.1 tar -C") != 0) continue;
      EXPECT_NE(line.find(" -cf - . | ssh -o BatchMode=yes -o ConnectTimeout=3 '10.0.0."), std::string::npos)
          << "a set passed this machine: " << line;
    }
  } else {
    EXPECT_GE(probed, 0);
    EXPECT_NE(out.find("through this machine: 127.0.0.1 cannot reach 10.0.0.3 over ssh "
                       "(root@10.0.0.3: Permission denied (publickey).)"), std::string::npos) << out;
    EXPECT_GE(logged_at("ssh -o BatchMode=yes 127.0.0.1 tar -C"), 0) << "the set comes through this machine";
  }
  if (copy != nullptr || !hosts_reach_each_other) {
    EXPECT_LT(logged_at("ConnectTimeout=3 10.0.0.3 tar -C"), 0) << "a set went host to host";
  }
  EXPECT_EQ(state_files(), topo.instances.size());
  expect_no_password(out);

  auto [src, sout] = run_runbook("sh", "stop.sh", render_plan_sh(build_stop_plan(topo), topo));
  EXPECT_EQ(src, 0) << sout;
  EXPECT_EQ(state_files(), 0u) << sout;
  setenv("PATH", old_path.c_str(), 1);
  unsetenv("DPC_LOCAL_HOSTS");
  unsetenv("FAKE_SSH_NO_HOPS");
  unsetenv("DPC_COPY");
}

TEST_F(ShRunbook, SeveralHostsRunEachStepOnItsHostThroughSshAndCopyHostToHost) { several_hosts(true); }

TEST_F(ShRunbook, SeveralHostsCopyThroughThisMachineWhenTheHostsCannotReachEachOther) { several_hosts(false); }

TEST_F(ShRunbook, SeveralHostsCopyThroughThisMachineWhenDpcCopySaysSo) { several_hosts(true, "via-control"); }

TEST_F(ShRunbook, RefusesToRunWithoutThePassword) {
  Shape shape;
  shape.bp_groups = {1};
  const Topology topo = topology(shape);
  unsetenv("DPC_TEST_PW");
  auto [rc, out] = run_runbook("sh", "deploy.sh", render_plan_sh(build_deploy_plan(topo), topo));
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("error: set DPC_TEST_PW to the SYSDBA password"), std::string::npos) << out;
  EXPECT_EQ(logged_at("dminit"), -1);
}

TEST_F(ShRunbook, FailsClearlyWhenDmHomeLacksATool) {
  Shape shape;
  shape.bp_groups = {1};
  const Topology topo = topology(shape);
  fs::remove(root_ / "dm" / "bin" / "dmrman");
  fs::remove(root_ / "dm" / "bin" / "dmserver");
  auto [rc, out] = run_runbook("sh", "deploy.sh", render_plan_sh(build_deploy_plan(topo), topo));
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("/bin/dmserver is missing or not executable; set DM_HOME"),
            std::string::npos)
      << out;
}

TEST_F(ShRunbook, HostileTextInTheTopologyStaysData) {
  // A topology validate would refuse, rendered anyway: the renderer's quoting
  // is the second line of defence. Before it, a line break in the file name
  // (or a host) ended a `#` comment and the next line ran as a command.
  Shape shape;
  shape.bp_groups = {1};
  Topology topo = topology(shape);
  const fs::path mark = root_ / "INJECTED";
  const std::string touch = "touch " + mark.string();
  topo.source_file = "t.json\n" + touch + "\n";
  for (Instance& inst : topo.instances) {
    inst.path += " \"q\" & 100% ; `" + touch + "` $(" + touch + ") \\b";
    inst.description = "it's\n$(" + touch + ") `" + touch + "`";
  }
  const std::string deploy = render_plan_sh(build_deploy_plan(topo), topo);
  auto [rc, out] = run_runbook("sh", "deploy.sh", deploy);
  EXPECT_EQ(rc, 0) << out << "\n--- commands:\n" << read(root_ / "commands.log");
  EXPECT_FALSE(fs::exists(mark)) << "text from the topology ran as a command";
  for (const Instance& inst : topo.instances) {
    EXPECT_GE(logged_at("dminit [path=" + inst.path + "]"), 0) << "dminit got another path";
    EXPECT_TRUE(fs::exists(fs::path(inst.path) / "DAMENG" / "dm.ini")) << inst.path;
  }
  auto [src, sout] = run_runbook("sh", "stop.sh", render_plan_sh(build_stop_plan(topo), topo));
  EXPECT_EQ(src, 0) << sout;
  EXPECT_FALSE(fs::exists(mark));
}

}  // namespace
}  // namespace dpc
