#!/bin/sh
# The multi-host test rig: three hosts made as Linux network namespaces on a
# bridge this script creates (10.213.0.0/24, nothing else is contacted), each
# with its own OpenSSH sshd (host keys generated for this run) and its own
# private filesystem for DM data (a mount namespace binding <root>/hN onto
# <root>/mnt). Then it runs COMMAND with the rig described in the
# environment, and removes every namespace, link and daemon it made, also
# when COMMAND or the setup fails, and when the rig is interrupted (SIGINT,
# SIGTERM, SIGHUP: COMMAND is ended too). A rig killed outright (SIGKILL, a
# CTest timeout) cannot clean up: the next rig removes what it left (its
# namespaces and bridge carry its pid, dpc<pid>...).
#
#   tests/multihost/rig.sh COMMAND [ARGS...]
#
# COMMAND sees:
#   DPC_MH_ROOT        the rig's temp directory
#   DPC_MH_HOSTS       the hosts' addresses (10.213.0.11 10.213.0.12 10.213.0.13)
#   DPC_MH_DATA        the path that is private on every host (<root>/mnt)
#   DPC_MH_IDENTITY    the client key (root@ every host)
#   DPC_MH_PEER_HOSTS  the hosts that accept the hosts' own key (the first
#                      two): root on every host logs in to these with ssh
#                      -o BatchMode=yes (its ssh client is set up with that
#                      key and the hosts' keys); the third refuses it, so a
#                      host-to-host copy to it falls back to the control machine
#   DPC_MH_SSHD_LOGS   each sshd's log (LogLevel INFO: "Accepted publickey for
#                      root from ADDRESS"), in host order
#   DPC_MH_BRIDGE      the bridge (its counters count only traffic to and from
#                      this machine, not between the hosts)
#   DPC_MH_KNOWN_HOSTS the hosts' keys
#   DPC_MH_SSHD_PIDS   pid files of the sshds, in host order
#   DPC_MH_LINKS       each host's link on the bridge, in host order (set it
#                      down to cut that host's network, up to heal it)
#   DPC_MH_NETNS       each host's network namespace, in host order
#   DPC_MH_CONTROL     this machine's address on the bridge (10.213.0.1)
# Each host sees its own client configuration for ssh: /etc/ssh/ssh_config
# is bound, in its mount namespace only, to <root>/keys/ssh_config (the
# hosts' key, the hosts' known_hosts), as root's own ~/.ssh would be on a
# real host; this machine's files are not touched.
# Needs root, iproute2, util-linux (unshare), openssh-server and -client.
set -eu

[ "$#" -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "multihost rig: needs root (network namespaces); skipped" >&2; exit 77; }
for tool in ip unshare ssh ssh-keygen /usr/sbin/sshd; do
  command -v "$tool" >/dev/null 2>&1 || { echo "multihost rig: $tool is missing; skipped" >&2; exit 77; }
done
[ -f /etc/ssh/ssh_config ] || { echo "multihost rig: /etc/ssh/ssh_config is missing; skipped" >&2; exit 77; }

tag="dpc$$"
bridge="${tag}br"
n=3
hosts=""
child=""

# What a rig killed outright left behind: namespaces and bridges named after
# a pid that no longer runs (with the daemons in those namespaces).
for ns in $(ip netns list | sed -n 's/^\(dpc[0-9][0-9]*h[0-9][0-9]*\).*/\1/p'); do
  pid=${ns#dpc}
  pid=${pid%h*}
  kill -0 "$pid" 2>/dev/null && continue
  for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null || true
done
for br in $(ip -o link show type bridge | sed -n 's/^[0-9]*: \(dpc[0-9][0-9]*br\).*/\1/p'); do
  pid=${br#dpc}
  pid=${pid%br}
  kill -0 "$pid" 2>/dev/null || ip link del "$br" 2>/dev/null || true
done

for old in /tmp/dpc-mh.*; do
  [ -f "$old/rig.pid" ] || continue
  kill -0 "$(cat "$old/rig.pid")" 2>/dev/null || rm -rf "$old"
done

root=$(mktemp -d /tmp/dpc-mh.XXXXXX)
echo $$ > "$root/rig.pid"

cleanup() {
  rc=$?
  set +e
  # COMMAND first (interrupted rig), so it does not see its hosts vanish.
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$child" 2>/dev/null
  fi
  for i in $(seq 1 $n); do
    if [ -f "$root/h$i.sshd.pid" ]; then kill "$(cat "$root/h$i.sshd.pid")" 2>/dev/null; fi
    # Whatever still runs in a host's namespace (servers the test left) ends with it.
    for pid in $(ip netns pids "${tag}h$i" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "${tag}h$i" 2>/dev/null
    ip link del "${tag}v$i" 2>/dev/null
  done
  ip link del "$bridge" 2>/dev/null
  # ssh master connections the test opened (their sockets are under $root).
  for sock in "$root"/state/ssh/* "$root"/ssh/*; do
    [ -S "$sock" ] && ssh -o ControlPath="$sock" -O exit x >/dev/null 2>&1
  done
  rm -rf "$root"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$root/keys" "$root/mnt" /run/sshd
ssh-keygen -q -t ed25519 -N '' -C dpc-mh-client -f "$root/keys/id" 
# The hosts' own key (root's on every host), accepted by the first two hosts only.
ssh-keygen -q -t ed25519 -N '' -C dpc-mh-peer -f "$root/keys/peer"
cp "$root/keys/id.pub" "$root/keys/authorized_keys"
cat "$root/keys/id.pub" "$root/keys/peer.pub" > "$root/keys/authorized_keys.peers"
: > "$root/keys/known_hosts"
cat > "$root/keys/ssh_config" <<EOF
Host *
  IdentityFile $root/keys/peer
  IdentitiesOnly yes
  UserKnownHostsFile $root/keys/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
EOF

ip link add "$bridge" type bridge
ip addr add 10.213.0.1/24 dev "$bridge"
ip link set "$bridge" up

for i in $(seq 1 $n); do
  ns="${tag}h$i"
  addr="10.213.0.1$i"
  hosts="$hosts $addr"
  ip netns add "$ns"
  ip link add "${tag}v$i" type veth peer name eth0 netns "$ns"
  ip link set "${tag}v$i" master "$bridge" up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  mkdir -p "$root/h$i"
  ssh-keygen -q -t ed25519 -N '' -C "dpc-mh-h$i" -f "$root/keys/h$i"
  authorized="$root/keys/authorized_keys.peers"
  [ "$i" -le 2 ] || authorized="$root/keys/authorized_keys"
  printf '%s %s\n' "$addr" "$(cut -d' ' -f1,2 "$root/keys/h$i.pub")" >> "$root/keys/known_hosts"
  cat > "$root/h$i.sshd_config" <<EOF
ListenAddress $addr
Port 22
HostKey $root/keys/h$i
PidFile $root/h$i.sshd.pid
AuthorizedKeysFile $authorized
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
MaxStartups 100
MaxSessions 100
LogLevel INFO
EOF
  # The host's own filesystem view: <root>/hN is <root>/mnt there only.
  ip netns exec "$ns" unshare -m --propagation private \
    sh -c "mount --bind '$root/h$i' '$root/mnt' && mount --bind '$root/keys/ssh_config' /etc/ssh/ssh_config &&
           exec /usr/sbin/sshd -f '$root/h$i.sshd_config' -E '$root/h$i.sshd.log'"
done

# Every sshd answers before the test starts.
for i in $(seq 1 $n); do
  addr="10.213.0.1$i"
  ok=0
  for _ in $(seq 1 50); do
    if ssh -o BatchMode=yes -o ConnectTimeout=2 -i "$root/keys/id" -o UserKnownHostsFile="$root/keys/known_hosts" \
         -o StrictHostKeyChecking=yes -l root "$addr" true 2>/dev/null; then ok=1; break; fi
    sleep 0.1
  done
  [ "$ok" = 1 ] || { echo "multihost rig: sshd on $addr does not answer" >&2; cat "$root/h$i.sshd.log" >&2; exit 1; }
done

export DPC_MH_ROOT="$root"
export DPC_MH_HOSTS="${hosts# }"
export DPC_MH_DATA="$root/mnt"
export DPC_MH_IDENTITY="$root/keys/id"
export DPC_MH_KNOWN_HOSTS="$root/keys/known_hosts"
export DPC_MH_SSHD_PIDS="$root/h1.sshd.pid $root/h2.sshd.pid $root/h3.sshd.pid"
export DPC_MH_LINKS="${tag}v1 ${tag}v2 ${tag}v3"
export DPC_MH_NETNS="${tag}h1 ${tag}h2 ${tag}h3"
export DPC_MH_CONTROL="10.213.0.1"
export DPC_MH_PEER_HOSTS="10.213.0.11 10.213.0.12"
export DPC_MH_SSHD_LOGS="$root/h1.sshd.log $root/h2.sshd.log $root/h3.sshd.log"
export DPC_MH_BRIDGE="$bridge"
# In the background, so that a signal to the rig is handled at once (sh runs
# traps only between commands) and cleanup can end COMMAND.
"$@" &
child=$!
wait "$child"
