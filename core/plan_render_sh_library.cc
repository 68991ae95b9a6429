// The fixed shell text of the sh runbook (core/plan_render_sh_library.h).
#include "core/plan_render_sh_library.h"

namespace dpc::sh_library {

const char* const kCopy = R"SH(
# copy_backup FROM TO DIR: carries the backup set DIR from host FROM to the
# same path on host TO with tar over ssh (ssh -o BatchMode=yes, so keys or an
# agent must be set up): host to host when FROM logs in to TO that way as its
# own user (asked on FROM first, with a 3 s connect timeout), else through
# this machine.
# DPC_COPY=via-control always goes through this machine; DPC_COPY=direct
# only host to host. The set is unpacked beside DIR and renamed into place
# only when the file list, sizes and SHA-256 sums match on both hosts.
# shellcheck disable=SC2086  # DPC_SSH_OPTS is several words
dpc_ssh() { dpc_h=$1; shift; ssh -o BatchMode=yes ${DPC_SSH_OPTS:-} "$dpc_h" "$@"; }
copy_backup() {
  dpc_list='find . -type f -printf "%P %s\n" | sort; find . -type f -exec sha256sum {} + | sort -k2'
  dpc_peer="ssh -o BatchMode=yes -o ConnectTimeout=3 '$2'"
  say "   copy $3 from $1 to $2"
  dpc_ssh "$2" "rm -rf '$3.dpc-copy' && mkdir -p '$3.dpc-copy'" ||
    die "cannot reach host $2 over ssh to copy $3"
  dpc_why=
  if [ "$DPC_COPY" != via-control ] && dpc_why=$(dpc_ssh "$1" "$dpc_peer true" 2>&1 </dev/null); then
    say "   host to host: $1 reaches $2 over ssh"
    dpc_ssh "$1" "tar -C '$3' -cf - . | $dpc_peer \"tar -C '$3.dpc-copy' -xf -\"" </dev/null ||
      die "copying $3 from $1 to $2 (host to host) failed"
  else
    dpc_why=$(printf '%s\n' "$dpc_why" | tail -n 1)
    [ "$DPC_COPY" != direct ] ||
      die "DPC_COPY=direct, but $1 cannot reach $2 over ssh ($dpc_why; on $1: ssh -o BatchMode=yes $2 true)"
    if [ "$DPC_COPY" = via-control ]; then say "   through this machine (DPC_COPY=via-control)"
    else say "   through this machine: $1 cannot reach $2 over ssh ($dpc_why)"; fi
    dpc_ssh "$1" "tar -C '$3' -cf - ." </dev/null | dpc_ssh "$2" "tar -C '$3.dpc-copy' -xf -" ||
      die "copying $3 from $1 to $2 failed"
  fi
  dpc_want=$(dpc_ssh "$1" "cd '$3' && { $dpc_list; }") || die "cannot list $3 on $1"
  dpc_got=$(dpc_ssh "$2" "cd '$3.dpc-copy' && { $dpc_list; }") ||
    die "cannot list the copy of $3 on $2"
  [ "$dpc_want" = "$dpc_got" ] || die "the copy of $3 on $2 differs from $1 (files, sizes or SHA-256)"
  dpc_ssh "$2" "rm -rf '$3' && mv '$3.dpc-copy' '$3'" ||
    die "cannot move the copy of $3 into place on $2"
  say "   verified $3 on $2: the same files, sizes and SHA-256 sums as on $1"
}
)SH";

const char* const kInstall = R"SH(
# install_dm HOST PACKAGE DM_HOME: puts DM into DM_HOME on HOST from PACKAGE
# (a DM home directory or a tarball of one, on this machine) unless
# DM_HOME/bin/dmserver -v there already reports the package's build: the
# package goes over once (ssh -o BatchMode=yes, or here for a local host),
# its SHA-256 is compared with this machine's, it is unpacked beside DM_HOME
# and renamed into place (an earlier DM home is kept as DM_HOME.before-dpcctl),
# and DM_HOME/.dpcctl-installed records that this runbook installed it.
dpc_sh_on() {
  case " ${DPC_LOCAL_HOSTS:-127.0.0.1 localhost ::1 $(hostname)} " in
    *" $1 "*) sh -c "$2" ;;
    *) ssh -o BatchMode=yes ${DPC_SSH_OPTS:-} "$1" "$2" ;;
  esac
}
dpc_build_of() {
  printf '%s' "for t in dminit dmserver dmrman; do [ -x \"$1/bin/\$t\" ] || exit 0; done; cd \"$1/bin\" && ./dmserver -v 2>&1 | head -n 1"
}
install_dm() {
  case "$2" in *DMInstall.bin) install_dm_silent "$1" "$2" "$3"; return $? ;; esac
  if [ -d "$2" ]; then
    dpc_want=$(sh -c "$(dpc_build_of "$2")")
    dpc_tar="$DPC_RUN_DIR/dm-package.tar"
    tar -C "$2" -cf "$dpc_tar" . || die "cannot pack the DM package $2"
  else
    [ -r "$2" ] || die "cannot read the DM package $2"
    dpc_tmp=$(mktemp -d) && tar -C "$dpc_tmp" -xf "$2" || die "cannot unpack the DM package $2"
    dpc_want=$(sh -c "$(dpc_build_of "$dpc_tmp")"); rm -rf "$dpc_tmp"
    dpc_tar=$2
  fi
  [ -n "$dpc_want" ] || die "the DM package $2 has no runnable bin/dminit, bin/dmserver and bin/dmrman"
  dpc_have=$(dpc_sh_on "$1" "$(dpc_build_of "$3")") || die "cannot ask host $1 for its DM build"
  if [ "$dpc_have" = "$dpc_want" ]; then say "   $3 on $1 already holds build $dpc_want; left alone"; return 0; fi
  dpc_sum=$(sha256sum < "$dpc_tar" | cut -d' ' -f1)
  dpc_sh_on "$1" "mkdir -p '$(dirname "$3")' && cat > '$3.dpc-package.tar'" < "$dpc_tar" ||
    die "copying the DM package to $1 failed"
  dpc_got=$(dpc_sh_on "$1" "sha256sum < '$3.dpc-package.tar' | cut -d' ' -f1") || die "cannot checksum the copy on $1"
  [ "$dpc_got" = "$dpc_sum" ] || die "the copy of the DM package on $1 has SHA-256 $dpc_got, not $dpc_sum"
  dpc_sh_on "$1" "rm -rf '$3.dpc-new' && mkdir -p '$3.dpc-new' && tar -C '$3.dpc-new' -xf '$3.dpc-package.tar' &&
    if [ -e '$3' ]; then rm -rf '$3.before-dpcctl' && mv '$3' '$3.before-dpcctl'; fi &&
    mv '$3.dpc-new' '$3' && printf 'package=%s\nsha256=%s\nbuild=%s\n' '$2' '$dpc_sum' '$dpc_want' > '$3/.dpcctl-installed' &&
    rm -f '$3.dpc-package.tar'" || die "installing DM into $3 on $1 failed"
  say "   installed build $dpc_want into $3 on $1 (SHA-256 $dpc_sum verified there)"
}
)SH";

const char* const kBase = R"SH(
say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# step N ID TITLE: announces step N; false when START_AT says to skip it.
step() {
  if [ "$1" -lt "$START_AT" ]; then return 1; fi
  say "== [$1/$DPC_TOTAL] $2: $3"
}

# tick: one polling interval; the timeouts below count ticks (DPC_TICK seconds each).
tick() { sleep "$DPC_TICK"; }

dpc_pid() { cat "$DPC_RUN_DIR/$1.pid" 2>/dev/null || true; }

# is_running NAME: the dmserver this runbook started for NAME is alive. The
# pid file is not trusted alone: where /proc exists the process must still
# be a dmserver (a zombie, or a pid reused by another program, has not that
# command line; an orphan's zombie lingers where init does not reap it).
#
# A server with no (or a stale) pid file here still counts when a process's
# command line names NAME's dm.ini (dpc_ini below): a server started by hand,
# or by this runbook run from another directory, is running all the same.
is_running() {
  dpc_p=$(dpc_pid "$1")
  if [ -n "$dpc_p" ] && kill -0 "$dpc_p" 2>/dev/null; then
    [ -d /proc/self ] || return 0
    if tr '\000' '\n' <"/proc/$dpc_p/cmdline" 2>/dev/null | grep -q dmserver; then return 0; fi
  fi
  [ -n "$(ini_pid "$1")" ]
}

# ini_pid NAME: the pid of a process one of whose arguments is exactly NAME's
# dm.ini, or nothing. grep only narrows the candidates, with the path less its
# first character as the pattern, so that grep's own command line is not a
# match; the exact match is made by the shell.
ini_pid() {
  [ -d /proc/self ] || return 0
  dpc_ini_path=$(dpc_ini "$1")
  grep -lsF -- "${dpc_ini_path#?}" /proc/[0-9]*/cmdline 2>/dev/null | while IFS= read -r dpc_c; do
    if tr '\000' '\n' <"$dpc_c" 2>/dev/null |
      { while IFS= read -r dpc_a; do [ "$dpc_a" = "$dpc_ini_path" ] && exit 0; done; exit 1; }; then
      dpc_c=${dpc_c#/proc/}
      echo "${dpc_c%/cmdline}"
      break
    fi
  done
}

# run_tool NAME PROGRAM ARGS...: runs a DM tool to completion, its output in
# $DPC_RUN_DIR/NAME.PROGRAM.log; fails on a non-zero exit or CODE:[n] != 0.
run_tool() {
  dpc_name=$1 dpc_prog=$2
  shift 2
  dpc_log="$DPC_RUN_DIR/$dpc_name.$dpc_prog.log"
  say "   \$ $dpc_prog $*"
  if "$DM_HOME/bin/$dpc_prog" "$@" >"$dpc_log" 2>&1; then dpc_rc=0; else dpc_rc=$?; fi
  if [ "$dpc_rc" -ne 0 ] || grep -q 'CODE:\[-\{0,1\}[1-9]' "$dpc_log"; then
    tail -n 20 "$dpc_log" >&2
    die "$dpc_prog for $dpc_name failed (exit $dpc_rc); its output is in $dpc_log"
  fi
}

# run_dminit NAME dminit ARGS...: dminit, with SYSDBA_PWD in a PARFILE that
# only this user can read and that is removed right after; never over an
# existing database (its path=<dir> holds DAMENG/dm.ini).
run_dminit() {
  for dpc_a in "$@"; do
    case $dpc_a in
      path=*)
        [ ! -f "${dpc_a#path=}/DAMENG/dm.ini" ] ||
          die "$1 already holds a database (${dpc_a#path=}/DAMENG/dm.ini); this runbook never runs dminit over one, whatever AUTO_OVERWRITE says" ;;
    esac
  done
  dpc_par="$DPC_RUN_DIR/$1.dminit.par"
  (umask 077 && printf 'SYSDBA_PWD=%s\n' "$DPC_PW" >"$dpc_par")
  run_tool "$@" "PARFILE=$dpc_par"
  rm -f "$dpc_par"
}

# write_file PATH: replaces PATH with the text on stdin (written beside it,
# then renamed).
write_file() {
  dpc_dir=$(dirname "$1")
  [ -d "$dpc_dir" ] || die "directory $dpc_dir does not exist; run the dminit step first"
  cat >"$1.dpc-new"
  mv -f "$1.dpc-new" "$1"
  say "   wrote $1"
}

# set_ini FILE KEY VALUE: sets KEY = VALUE in a dm.ini, keeping every other
# line and the comment on KEY's line; appends the key when it is absent.
set_ini() {
  [ -f "$1" ] || die "$1 does not exist; run the dminit step first"
  if grep -q "^[[:space:]]*$2[[:space:]]*=" "$1"; then
    sed "s/^\([[:space:]]*$2[[:space:]]*=[[:space:]]*\)[^[:space:]#]*/\1$3/" "$1" >"$1.dpc-new"
  else
    { cat "$1"; printf '%s = %s\n' "$2" "$3"; } >"$1.dpc-new"
  fi
  cat "$1.dpc-new" >"$1"
  rm -f "$1.dpc-new"
  say "   $2 = $3 in $1"
}

# sql_session HOST PORT: runs the SQL on stdin as SYSDBA in one disql session
# and prints its output; fails on any DM error ([-nnnn]). The password goes
# to disql on its standard input only.
sql_session() {
  dpc_sql=$(cat)
  if dpc_out=$("$DM_HOME/bin/disql" -S /nolog 2>&1 <<DPC_SQL
WHENEVER SQLERROR EXIT 1
conn SYSDBA/"$DPC_PW"@$1:$2
$dpc_sql
exit
DPC_SQL
  ); then dpc_rc=0; else dpc_rc=$?; fi
  dpc_out=$(printf '%s\n' "$dpc_out" | grep -v 'SYSDBA/' || true)
  printf '%s\n' "$dpc_out" >>"$DPC_RUN_DIR/sql.log"
  if [ "$dpc_rc" -ne 0 ] || printf '%s\n' "$dpc_out" | grep -q '\[-[0-9][0-9]*\]'; then
    printf '%s\n' "$dpc_out" | tail -n 20 >&2
    die "SQL on $1:$2 failed (disql exit $dpc_rc); see $DPC_RUN_DIR/sql.log"
  fi
  printf '%s\n' "$dpc_out"
}

# run_sql LABEL HOST PORT: runs the statements on stdin on LABEL at HOST:PORT.
run_sql() {
  dpc_stmts=$(cat)
  printf '%s\n' "$dpc_stmts" | sed "s/^/   SQL on $1> /"
  printf '%s\n' "$dpc_stmts" | sql_session "$2" "$3" >/dev/null
}

# expect_names LABEL HOST PORT TABLE NAME...: every NAME is in TABLE's NAME column.
expect_names() {
  dpc_label=$1 dpc_host=$2 dpc_port=$3 dpc_table=$4
  shift 4
  dpc_rows=$(printf 'select NAME from %s;\n' "$dpc_table" | sql_session "$dpc_host" "$dpc_port")
  for dpc_n in "$@"; do
    printf '%s\n' "$dpc_rows" | grep -qw -- "$dpc_n" ||
      die "$dpc_table on $dpc_label does not list $dpc_n"
  done
  say "   $dpc_table on $dpc_label lists $*"
}

# instance_state HOST PORT: MODE$/STATUS$ of the instance at HOST:PORT from
# V$INSTANCE (e.g. PRIMARY/OPEN), or nothing when it does not answer.
instance_state() {
  "$DM_HOME/bin/disql" -S /nolog 2>/dev/null <<DPC_SQL | sed -n 's/.*DPC_STATE=\([A-Z]*\/[A-Z]*\).*/\1/p' | head -n 1
conn SYSDBA/"$DPC_PW"@$1:$2
select 'DPC_STATE='||MODE\$||'/'||STATUS\$ from V\$INSTANCE;
exit
DPC_SQL
}

# wait_state WHAT PATTERN TIMEOUT NAME,HOST,PORT...: until one instance's
# MODE/STATUS matches PATTERN (grep), polling every tick.
wait_state() {
  dpc_what=$1 dpc_want=$2 dpc_tmo=$3
  shift 3
  dpc_left=$dpc_tmo
  while :; do
    for dpc_t in "$@"; do
      dpc_r=${dpc_t#*,}
      dpc_s=$(instance_state "${dpc_r%,*}" "${dpc_r##*,}")
      if [ -n "$dpc_s" ] && printf '%s\n' "$dpc_s" | grep -q -- "$dpc_want"; then
        say "   ${dpc_t%%,*} is $dpc_s"
        return 0
      fi
    done
    [ "$dpc_left" -gt 0 ] || die "$dpc_what: not reached within $dpc_tmo ticks"
    tick
    dpc_left=$((dpc_left - 1))
  done
}

# start_server NAME HOST PORT TIMEOUT OPEN|MOUNT dmserver ARGS...: starts
# dmserver in the background, its console on the FIFO $DPC_RUN_DIR/NAME.in
# and its output in NAME.server.log; waits until it prints SYSTEM IS READY
# (or, for a MOUNT start, until it answers SQL).
start_server() {
  dpc_name=$1 dpc_host=$2 dpc_port=$3 dpc_tmo=$4 dpc_how=$5
  shift 6
  if is_running "$dpc_name"; then die "$dpc_name is already running (pid $(dpc_pid "$dpc_name"))"; fi
  dpc_fifo="$DPC_RUN_DIR/$dpc_name.in"
  dpc_log="$DPC_RUN_DIR/$dpc_name.server.log"
  rm -f "$dpc_fifo"
  mkfifo "$dpc_fifo"
  touch "$dpc_log"
  dpc_from=$(($(wc -l <"$dpc_log") + 1))
  say "   \$ dmserver $*"
  # The holder keeps the FIFO open, so dmserver never reads end-of-file and
  # `exit` / `exit all` can be typed later (by this or the stop runbook).
  nohup tail -f /dev/null >"$dpc_fifo" 2>/dev/null &
  echo $! >"$DPC_RUN_DIR/$dpc_name.holder"
  nohup "$DM_HOME/bin/dmserver" "$@" <"$dpc_fifo" >>"$dpc_log" 2>&1 &
  echo $! >"$DPC_RUN_DIR/$dpc_name.pid"
  dpc_left=$dpc_tmo
  while :; do
    if tail -n "+$dpc_from" "$dpc_log" | grep -q 'SYSTEM IS READY'; then break; fi
    if [ "$dpc_how" = MOUNT ] && [ -n "$(instance_state "$dpc_host" "$dpc_port")" ]; then break; fi
    if ! is_running "$dpc_name"; then
      tail -n 20 "$dpc_log" >&2
      close_console "$dpc_name"
      die "dmserver for $dpc_name exited before it was ready; see $dpc_log"
    fi
    [ "$dpc_left" -gt 0 ] || die "dmserver for $dpc_name not ready after $dpc_tmo ticks; see $dpc_log"
    tick
    dpc_left=$((dpc_left - 1))
  done
  say "   $dpc_name is up (pid $(dpc_pid "$dpc_name"); console: $dpc_fifo)"
}

# close_console NAME: ends the FIFO holder of a server that has exited.
close_console() {
  dpc_h=$(cat "$DPC_RUN_DIR/$1.holder" 2>/dev/null || true)
  if [ -n "$dpc_h" ]; then kill "$dpc_h" 2>/dev/null || true; fi
  rm -f "$DPC_RUN_DIR/$1.holder" "$DPC_RUN_DIR/$1.pid" "$DPC_RUN_DIR/$1.in"
}

# console NAME LINE: types LINE on the console of a server this runbook started.
console() {
  [ -p "$DPC_RUN_DIR/$1.in" ] ||
    die "no console for $1 at $DPC_RUN_DIR/$1.in (not started by this runbook?): type '$2' on its console, then rerun with START_AT past this step"
  say "   $1> $2"
  printf '%s\n' "$2" >"$DPC_RUN_DIR/$1.in"
}

# wait_stopped TIMEOUT NAME...: until none of the servers runs.
wait_stopped() {
  dpc_wleft=$1
  shift
  for dpc_w in "$@"; do
    while is_running "$dpc_w"; do
      [ "$dpc_wleft" -gt 0 ] || die "$dpc_w is still running; it did not exit in time"
      tick
      dpc_wleft=$((dpc_wleft - 1))
    done
    close_console "$dpc_w"
    say "   $dpc_w stopped"
  done
}

# exit_server TIMEOUT NAME: types `exit` and waits until it has stopped.
exit_server() {
  if is_running "$2"; then console "$2" exit; fi
  wait_stopped "$1" "$2"
}

# exit_all TIMEOUT NAME...: types `exit all` on the first member still
# running; the valid members exit with it, the others are left running for
# exit_remaining.
exit_all() {
  dpc_tmo=$1
  shift
  dpc_on=
  for dpc_m in "$@"; do
    if [ -z "$dpc_on" ] && is_running "$dpc_m"; then dpc_on=$dpc_m; fi
  done
  if [ -z "$dpc_on" ]; then
    say "   none of $* is running"
    return 0
  fi
  console "$dpc_on" 'exit all'
  wait_stopped "$dpc_tmo" "$dpc_on"
  grace_wait "$@"
}

# grace_wait NAME...: gives the members of a group exited with `exit all`
# up to 30 ticks in all to stop (the others are left to exit_remaining).
grace_wait() {
  dpc_grace=30
  for dpc_m in "$@"; do
    while is_running "$dpc_m" && [ "$dpc_grace" -gt 0 ]; do
      tick
      dpc_grace=$((dpc_grace - 1))
    done
  done
}

# exit_remaining TIMEOUT NAME...: types `exit` on each member still running.
exit_remaining() {
  dpc_tmo=$1
  shift
  for dpc_m in "$@"; do
    if is_running "$dpc_m"; then console "$dpc_m" exit; fi
  done
  wait_stopped "$dpc_tmo" "$@"
}
)SH";

}  // namespace dpc::sh_library
