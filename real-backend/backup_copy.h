// The commands that carry a backup set directory from one host to the same
// path on another (RealBackend::copy_backup, real_backend_copy.cc), as pure
// functions of the hosts' settings, so that a test can check them word for
// word. Two routes:
//
//  - host to host: on the source host, `tar -cf - . | ssh TARGET 'tar -xf -'`;
//    the data never passes this machine. The source host logs in to the
//    target as itself: the target's SSH user and port from the topology, but
//    the key, known_hosts and ~/.ssh/config are the source host's own (this
//    machine's identity file, agent and jump host never go along);
//  - through this machine: `ssh SOURCE tar -cf - . | ssh TARGET tar -xf -`.
//
// A probe run on the source host (`ssh -o BatchMode=yes -o ConnectTimeout=3
// TARGET true`) tells whether the first route can work. Either way the set
// is unpacked into <dir>.dpc-copy on the target, compared with the original
// (file list, sizes, SHA-256 on both hosts) and only then renamed to <dir>.
// Pure functions, no threading concerns.
#pragma once

#include <optional>
#include <string>

#include "core/backend.h"
#include "real-backend/host_transport.h"

namespace dpc::real {

/// How the source host logs in to the target for a host-to-host copy.
struct PeerSsh {
  std::string host;          ///< the target, as the topology names it
  std::string user;          ///< ssh -l; "" = ssh's choice on the source host
  int port = 0;              ///< ssh -p; 0 = ssh's choice
  int connect_timeout_s = 3; ///< ConnectTimeout
};

/// The target's user and port from its SSH settings; nothing else of them
/// (an identity file or jump host is this machine's, not the source's).
PeerSsh peer_ssh_for(const std::string& target, const SshOptions& target_options);

/// Where the copy is unpacked before it is verified: <dir>.dpc-copy.
std::string staging_dir(const std::string& dir);

/// Shell text for the source host: `ssh` to the target running `command`
/// there, in BatchMode (never a prompt) with a bounded connect time.
std::string peer_ssh_command(const PeerSsh& to, const std::string& command);

/// Shell text for the source host: whether it logs in to the target over
/// SSH without a prompt. Prints the exit status of that ssh on the first
/// line, then what ssh said; exits 0 itself.
std::string probe_command(const PeerSsh& to);

/// What a probe printed: reachable, or why not (ssh's last line, e.g.
/// "root@10.0.0.3: Permission denied (publickey).").
struct ProbeAnswer {
  bool reachable = false;
  std::string why;
};
ProbeAnswer read_probe(const std::string& output);

/// The route a copy takes without asking the source host: a reason to go
/// through this machine (either host is this machine; the target's copy
/// setting is via-control), or nothing when a probe decides.
std::optional<std::string> route_without_probe(CopyRoute setting, const HostTransport& from,
                                               const HostTransport& to);

/// On the target: empty the staging directory.
std::string prepare_command(const std::string& dir);
/// On the target: the verified staging directory becomes <dir>.
std::string place_command(const std::string& dir);
/// The file list with sizes, then the SHA-256 sums, of a directory tree.
std::string listing_command(const std::string& dir);

/// The pipeline run on the source host: tar straight into ssh to the target.
std::string direct_pipeline(const std::string& dir, const PeerSsh& to);
/// The pipeline run on this machine: tar on the source host through ssh,
/// into tar on the target host through ssh.
std::string via_control_pipeline(const std::string& dir, const HostTransport& from, const HostTransport& to);

/// `pipeline` killed (its whole process group) after `timeout_ms`, and at
/// once when the standard input of the shell running it ends (the ssh or
/// dpcctl carrying it died): run_watched(timeout -s KILL N sh -c PIPELINE).
std::string bounded_pipeline(const std::string& pipeline, Millis timeout_ms);

}  // namespace dpc::real
