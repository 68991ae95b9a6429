// SimSession's hands-on commands, for driving a deployment by hand the way a
// DBA at a console would — including the wrong ways scenario files show:
//   write INST FILE TEXT...       write a file (FILE relative to <path>/DAMENG,
//                                 or absolute on INST's host); "\n" = newline
//   cat INST FILE                 print a file
//   tool INST dminit|dmrman ARGS  run one of DM's tools on INST's host
//   tool INST dmserver ARGS       start dmserver with exactly these arguments
//   show INST                     everything the simulator knows of an instance
//   jitter INST MS                election-timeout jitter bound of one instance
// (Part of the vocabulary of sim/session_commands.h, which checks INST first.)
#include <cerrno>
#include <cstdlib>

#include "core/paths.h"
#include "sim/limits.h"
#include "sim/session.h"

namespace dpc::sim {

namespace {

/// "a\nb" as typed (backslash, n) -> a newline; "\\" -> a backslash.
std::string unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char n = text[i + 1];
      if (n == 'n' || n == 't' || n == '\\') {
        out += n == 'n' ? '\n' : n == 't' ? '\t' : '\\';
        ++i;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

bool is_absolute(const std::string& p) {
  return !p.empty() && (p[0] == '/' || p[0] == '\\' || (p.size() > 1 && p[1] == ':'));
}

/// FILE relative to INST's <path>/DAMENG, or absolute on its host.
std::string file_of(const Instance& inst, const std::string& name) {
  return is_absolute(name) ? name : db_file(inst, name);
}

std::string view_text(const InstanceView& v) {
  auto t = [](SimTime x) { return x < 0 ? std::string("-") : format_time(x) + " ms"; };
  std::string out = v.name + " on " + (v.host.empty() ? "?" : v.host) + "\n";
  out += "  process " + v.process + ", STATUS$ " + v.status + " (" + std::to_string(v.sys_status) +
         "), MODE$ " + v.mode + ", dpc_mode " + (v.dpc_mode.empty() ? "?" : v.dpc_mode) + "\n";
  if (v.replica || !v.raft_group.empty()) {
    out += "  RAFT " + (v.raft_group.empty() ? "?" : v.raft_group) + " self_id " + std::to_string(v.self_id) +
           ", role " + (v.raft_role.empty() ? "none" : v.raft_role) + ", term " + std::to_string(v.term) +
           ", leader " + (v.leader.empty() ? "none" : v.leader) + ", " + (v.valid ? "valid" : "invalid") +
           ", c_lsn " + std::to_string(v.c_lsn) + ", last_lsn " + std::to_string(v.last_lsn) + "\n";
  }
  out += "  started " + t(v.started_at) + ", ready " + t(v.ready_at) + ", open " + t(v.open_at) + "\n";
  out += "  last stop " + (v.last_stop.empty() ? std::string("none") : v.last_stop) +
         (v.last_error.empty() ? "" : " (" + v.last_error + ")") + (v.halted ? ", halted" : "") +
         (v.dirty ? ", dirty" : "") + "\n";
  return out;
}

}  // namespace


CommandResult SimSession::cmd_write(const std::vector<std::string>& w) {
  const Instance& inst = *topo_.find_instance(w[1]);
  std::string text;
  for (size_t i = 3; i < w.size(); ++i) text += (i > 3 ? " " : "") + w[i];
  text = unescape(text);
  if (!text.empty() && text.back() != '\n') text += '\n';
  const std::string path = file_of(inst, w[2]);
  Status st = cluster_->write_file(inst.host, path, text);
  if (!st.ok()) return command_failed(st.message());
  return command_printed("wrote " + inst.host + ":" + path + " (" + std::to_string(text.size()) + " bytes)");
}

CommandResult SimSession::cmd_cat(const std::vector<std::string>& w) {
  const Instance& inst = *topo_.find_instance(w[1]);
  auto text = cluster_->read_file(inst.host, file_of(inst, w[2]));
  if (!text.ok()) return command_failed(text.message());
  return command_printed(*text);
}

CommandResult SimSession::cmd_tool(const std::vector<std::string>& w) {
  const Instance& inst = *topo_.find_instance(w[1]);
  if (w[2] != "dminit" && w[2] != "dmrman" && w[2] != "dmserver") {
    return command_failed("usage: tool INST dminit|dmrman|dmserver ARGS... (as on the command line, e.g. "
                          "CTLSTMT=\"BACKUP DATABASE '<dm.ini>' FULL TO B BACKUPSET '<dir>'\" USE_AP=2)");
  }
  std::vector<std::string> args(w.begin() + 3, w.end());
  if (w[2] == "dmserver") {
    Status st = cluster_->start_server_sync(inst.host, args);
    if (!st.ok()) return command_failed(st.message());
    return command_printed(w[1] + " is " + cluster_->view(w[1]).status);
  }
  auto out = cluster_->run_tool_sync(inst.host, w[2], args);
  if (!out.ok()) return command_failed(out.message());
  if (out->exit_code != 0) {
    return command_failed(w[2] + " on " + inst.host + " exited " + std::to_string(out->exit_code) + ": " + out->output);
  }
  return command_printed(out->output);
}

CommandResult SimSession::cmd_show(const std::vector<std::string>& w) {
  return command_printed(view_text(cluster_->view(w[1])));
}

CommandResult SimSession::cmd_jitter(const std::vector<std::string>& w) {
  char* end = nullptr;
  errno = 0;
  const long long ms = std::strtoll(w[2].c_str(), &end, 10);
  if (!end || *end != '\0' || errno != 0 || ms < 0 || ms > kMaxJitterMs) {
    return command_failed("usage: jitter INST MS (0..60000)");
  }
  cluster_->set_jitter(w[1], ms);
  return command_printed(w[1] + ": election-timeout jitter 0.." + std::to_string(ms) + " ms");
}

}  // namespace dpc::sim
