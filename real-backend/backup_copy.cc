#include "real-backend/backup_copy.h"

#include <sstream>
#include <vector>

namespace dpc::real {

namespace {

std::string quoted_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + sh_quote(a);
  return out;
}

std::string pack_command(const std::string& dir) { return "tar -C " + sh_quote(dir) + " -cf - ."; }

std::string unpack_command(const std::string& dir) {
  return "tar -C " + sh_quote(staging_dir(dir)) + " -xf -";
}

/// The probe waits at most this long for the target on the source host
/// (ConnectTimeout bounds the connection; this, a login that hangs).
constexpr int kProbeLimitS = 15;

}  // namespace

PeerSsh peer_ssh_for(const std::string& target, const SshOptions& target_options) {
  PeerSsh p;
  p.host = target;
  p.user = target_options.user;
  p.port = target_options.port;
  return p;
}

std::string staging_dir(const std::string& dir) { return dir + ".dpc-copy"; }

std::string peer_ssh_command(const PeerSsh& to, const std::string& command) {
  std::string out = "ssh -o BatchMode=yes -o ConnectTimeout=" + std::to_string(to.connect_timeout_s) +
                    " -o ServerAliveInterval=5 -o ServerAliveCountMax=2 -T";
  if (!to.user.empty()) out += " -l " + sh_quote(to.user);
  if (to.port > 0) out += " -p " + std::to_string(to.port);
  return out + " -- " + sh_quote(to.host) + " " + sh_quote(command);
}

std::string probe_command(const PeerSsh& to) {
  return "out=$(timeout -s KILL " + std::to_string(kProbeLimitS) + " " + peer_ssh_command(to, "true") +
         " </dev/null 2>&1)\necho \"$?\"\nprintf '%s\\n' \"$out\"\n";
}

ProbeAnswer read_probe(const std::string& output) {
  std::istringstream in(output);
  std::string status, line, last;
  std::getline(in, status);
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  ProbeAnswer a;
  if (status == "0") {
    a.reachable = true;
    return a;
  }
  if (status == "137") {
    a.why = "no answer within " + std::to_string(kProbeLimitS) + " s";
  } else if (!last.empty()) {
    a.why = last;
  } else {
    a.why = status.empty() ? "the probe printed nothing" : "ssh ended with exit status " + status;
  }
  return a;
}

std::optional<std::string> route_without_probe(CopyRoute setting, const HostTransport& from,
                                               const HostTransport& to) {
  if (from.is_local()) return "the source " + from.host() + " is this machine";
  if (to.is_local()) return "the target " + to.host() + " is this machine";
  if (setting == CopyRoute::ViaControl) return "ssh.copy is \"via-control\" for " + to.host();
  return std::nullopt;
}

std::string prepare_command(const std::string& dir) {
  const std::string tmp = sh_quote(staging_dir(dir));
  return "rm -rf " + tmp + " && mkdir -p " + tmp;
}

std::string place_command(const std::string& dir) {
  return "rm -rf " + sh_quote(dir) + " && mv " + sh_quote(staging_dir(dir)) + " " + sh_quote(dir);
}

std::string listing_command(const std::string& dir) {
  return "cd " + sh_quote(dir) +
         " && find . -type f -printf '%P %s\\n' | LC_ALL=C sort && "
         "find . -type f -exec sha256sum {} + | LC_ALL=C sort -k2";
}

std::string direct_pipeline(const std::string& dir, const PeerSsh& to) {
  return pack_command(dir) + " | " + peer_ssh_command(to, unpack_command(dir));
}

std::string via_control_pipeline(const std::string& dir, const HostTransport& from, const HostTransport& to) {
  return quoted_argv(from.command_argv(pack_command(dir))) + " | " +
         quoted_argv(to.command_argv(unpack_command(dir)));
}

std::string bounded_pipeline(const std::string& pipeline, Millis timeout_ms) {
  const Millis seconds = (timeout_ms + 999) / 1000;
  return run_watched("timeout -s KILL " + std::to_string(seconds < 1 ? 1 : seconds) + " sh -c " +
                     sh_quote(pipeline));
}

}  // namespace dpc::real
