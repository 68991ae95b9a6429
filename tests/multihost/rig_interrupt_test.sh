#!/bin/sh
# The rig cleans up when it is interrupted, and after a rig killed outright:
#  1. a rig running a long COMMAND gets SIGTERM: within seconds it has ended
#     COMMAND and removed its namespaces, bridge, sshds and temp directory;
#  2. a rig killed with SIGKILL leaves them behind; the next rig removes them.
#   tests/multihost/rig_interrupt_test.sh   (root; exit 77 = skipped)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root; skipped" >&2; exit 77; }
work=$(mktemp -d /tmp/dpc-rig-int.XXXXXX)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# A rig whose COMMAND notes the rig and then waits.
start_rig() {
  "$here/rig.sh" sh -c 'echo "$DPC_MH_NETNS" > "$1.ns"; echo "$DPC_MH_ROOT" > "$1.root";
                        cat $DPC_MH_SSHD_PIDS > "$1.sshd"; echo $$ > "$1.cmd"; exec sleep 300' sh "$1" &
  rig=$!
  for _ in $(seq 1 300); do [ -s "$1.cmd" ] && break; sleep 0.1; done
  [ -s "$1.cmd" ] || fail "the rig did not start"
}

gone() {  # $1: the noted prefix; every namespace, the bridge, sshd and COMMAND are gone
  for ns in $(cat "$1.ns"); do
    ip netns list | grep -q "^$ns\b" && return 1
  done
  br="$(sed 's/h1 .*//' "$1.ns")br"
  ip link show "$br" >/dev/null 2>&1 && return 1
  for pid in $(cat "$1.sshd") $(cat "$1.cmd"); do
    # Killed processes may stay zombies a moment before they are reaped.
    [ -r "/proc/$pid/stat" ] && ! sed 's/.*) //' "/proc/$pid/stat" | grep -q '^Z' && return 1
  done
  [ -e "$(cat "$1.root")" ] && return 1
  return 0
}

# 1. SIGTERM: cleaned up at once.
start_rig "$work/a"
kill -TERM "$rig"
for _ in $(seq 1 100); do kill -0 "$rig" 2>/dev/null || break; sleep 0.1; done
kill -0 "$rig" 2>/dev/null && fail "the rig still runs 10 s after SIGTERM"
settled() {  # gone within 5 s
  for _ in $(seq 1 50); do gone "$1" && return 0; sleep 0.1; done
  return 1
}
settled "$work/a" || fail "SIGTERM: the rig left namespaces, its bridge, a daemon or its directory behind"
echo "ok: SIGTERM cleans up"

# 2. SIGKILL: the next rig sweeps the leftovers.
start_rig "$work/b"
kill -KILL "$rig"
wait "$rig" 2>/dev/null || true
kill -KILL "$(cat "$work/b.cmd")"  # as CTest ends a timed-out test's processes
gone "$work/b" && fail "SIGKILL: expected leftovers to sweep"
"$here/rig.sh" true
settled "$work/b" || fail "the next rig did not remove what a killed rig left"
echo "ok: a killed rig's leftovers are removed by the next"
