// Stand-in for DM's dmserver (see fake_common.h):
//   dmserver <path>/DAMENG/dm.ini dpc_mode=MP|SP|BP [MOUNT]
// Checks what DM checks where a deployment can get it wrong (dm.ini present,
// dpc_mode equal to dminit's, mp.ini present for SP/BP, DB_MAGIC updated
// after a restore, MOUNT only for a database opened before and configured
// for RAFT), listens on PORT_NUM, records its arguments, writes fake.state,
// prints "SYSTEM IS READY.", then obeys `exit` / `exit all` on standard
// input and SIGUSR1 / SIGTERM. On PORT_NUM it answers SQL over the
// PostgreSQL v3 protocol (fake_sql_service.h), so a real ODBC driver reaches
// it over the network.
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "real-backend/fakes/fake_common.h"
#include "real-backend/fakes/fake_sql_service.h"

namespace {

int fail(const std::string& message) {
  std::printf("%s\n", message.c_str());
  std::fflush(stdout);
  return 1;
}

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

using IniMap = std::map<std::string, std::string>;

struct Args {
  std::string ini_path;
  std::string mode;  ///< from dpc_mode=, empty when not given
  bool mount = false;
};

/// The command line; an error message when a word is not one dmserver takes.
std::string parse_args(const std::vector<std::string>& words, Args& args) {
  args.ini_path = words[0];
  for (size_t i = 1; i < words.size(); ++i) {
    std::string w = fake::upper(words[i]);
    if (w == "MOUNT") {
      args.mount = true;
    } else if (w.rfind("DPC_MODE=", 0) == 0) {
      args.mode = fake::dpc_mode_name(w.substr(9));
    } else {
      return "unknown argument " + words[i];
    }
  }
  return "";
}

/// What DM refuses before it opens the database; empty when it may start.
std::string refusal(const Args& args, IniMap& ini, IniMap& db, const std::string& dir) {
  const std::string inst = ini["INSTANCE_NAME"];
  const std::string mode = fake::dpc_mode_name(ini["DPC_MODE"]);
  const std::string asked = args.mode.empty() ? mode : args.mode;
  if (asked != mode) {
    return "[-718] dpc_mode=" + asked + " differs from the DPC_MODE " + mode + " the database was initialised with";
  }
  if (mode != "MP" && !fake::exists(dir + "/mp.ini")) return "mp.ini not found in " + dir + "; cannot find the MP";
  if (int pid = fake::running_server(dir); pid > 0) return "the database is in use by process " + std::to_string(pid);
  if (db["MAGIC_UPDATED"] == "0") {
    return "[-9737] DB_MAGIC of " + inst + " equals its backup source's; run RECOVER ... UPDATE DB_MAGIC first";
  }
  if (!args.mount) return "";
  if (db["OPENED"] != "1") return "[-109] " + inst + " was never opened; it cannot start MOUNT";
  if (ini["ARCH_INI"] != "1") return inst + ": MOUNT for a RAFT member needs ARCH_INI = 1 in dm.ini";
  auto arch = fake::read_ini_sections(dir + "/dmarch.ini");
  if (arch[""]["RAFT_SELF_ID"].empty()) return inst + ": dmarch.ini has no RAFT_SELF_ID";
  return "";
}

/// A listening socket on every address at `port`, or -1.
int listen_on(int port) {
  if (port <= 0) return -1;
  int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(sock, 64) != 0) {
    ::close(sock);
    return -1;
  }
  return sock;
}

/// Prints DM's startup lines, marks the database opened (not for MOUNT),
/// writes fake.state and says "SYSTEM IS READY.".
void open_database(bool mount, const std::string& mode, IniMap& db, const std::string& dir) {
  say("file dm.key not found, use default license!");
  say("version info: develop (stand-in)");
  say("DM Database Server x64 V8 startup...");
  say("Database mode = 0, oguid = 0");
  if (const char* delay = std::getenv("DPC_FAKE_READY_DELAY_MS")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(delay)));
  }
  if (!mount) {
    db["OPENED"] = "1";
    std::string text;
    for (const auto& [k, v] : db) text += k + "=" + v + "\n";
    fake::write_file(dir + "/fake.db", text);
  }
  fake::write_file(dir + "/fake.state", "PID=" + std::to_string(::getpid()) + "\nSTATUS=" +
                                            (mount ? "MOUNT" : "OPEN") + "\nMODE=" + mode +
                                            "\nMOUNT=" + (mount ? "1" : "0") + "\n");
  say("SYSTEM IS READY.");
}

/// Console lines read so far; sets `why` on `exit` / `exit all`.
void read_console(std::string& pending, std::string& why) {
  for (size_t nl; why.empty() && (nl = pending.find('\n')) != std::string::npos;) {
    std::string line = fake::trim(pending.substr(0, nl));
    pending.erase(0, nl + 1);
    if (line == "exit" || line == "exit all") {
      why = "console " + line;
    } else if (!line.empty()) {
      say("unknown console command: " + line);
    }
  }
}

/// Serves SQL connections until a signal or the console says to stop;
/// returns why it stopped.
std::string serve_until_stopped(int sfd, int sock, fake::SqlService& sql) {
  std::string pending, why;
  bool stdin_open = true;
  while (why.empty()) {
    pollfd fds[3] = {{sfd, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}, {sock, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) continue;
    if (fds[2].revents & POLLIN) {
      int client = ::accept4(sock, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) sql.serve(client);
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(sfd, &info, sizeof info) == sizeof info) {
        why = info.ssi_signo == SIGUSR1 ? "signal SIGUSR1" : "signal SIGTERM";
      }
    }
    if (why.empty() && (fds[1].revents & (POLLIN | POLLHUP))) {
      char buf[256];
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;  // no console: keep running until a signal
        continue;
      }
      pending.append(buf, static_cast<size_t>(n));
      read_console(pending, why);
    }
  }
  return why;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.size() == 1 && words[0] == "-v") {
    std::printf("DM Database Server 64 V8 %s\n", fake::build_string(argv[0]).c_str());
    return 0;
  }
  if (words.size() == 1 && fake::upper(words[0]) == "HELP") {
    say("DM Database Server (stand-in)\nformat: ./dmserver [ini_file_path] [-noconsole] [mount] [dpc_mode=...]");
    return 0;
  }
  fake::record("dmserver", words);
  if (words.empty()) return fail("usage: dmserver <dm.ini> dpc_mode=MP|SP|BP [MOUNT]");
  Args args;
  if (std::string bad = parse_args(words, args); !bad.empty()) return fail(bad);
  std::string joined;
  for (const auto& w : words) joined += w + " ";
  if (fake::should_fail("dmserver", joined)) return fail("[-1] fault injected by DPC_FAKE_FAIL");

  if (!fake::exists(args.ini_path)) return fail("the ini file " + args.ini_path + " does not exist");
  auto ini = fake::read_ini(args.ini_path);
  const std::string dir = fake::parent_dir(args.ini_path);
  const std::string inst = ini["INSTANCE_NAME"];
  auto db = fake::read_ini(dir + "/fake.db");
  if (std::string no = refusal(args, ini, db, dir); !no.empty()) return fail(no);
  const int port = std::atoi(ini["PORT_NUM"].c_str());
  const int sock = listen_on(port);
  if (sock < 0) return fail("[-1] " + inst + " cannot listen on port " + std::to_string(port));
  open_database(args.mount, fake::dpc_mode_name(ini["DPC_MODE"]), db, dir);

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sfd = ::signalfd(-1, &mask, SFD_CLOEXEC);
  fake::SqlService sql(dir, inst, args.mount);  // after the mask: its threads inherit it
  const std::string why = serve_until_stopped(sfd, sock, sql);
  fake::record("dmserver-exit", {inst, why});
  say("[" + why + "] shutting down " + inst + "...");
  if (const char* delay = std::getenv("DPC_FAKE_EXIT_DELAY_MS")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(delay)));
  }
  ::unlink((dir + "/fake.state").c_str());
  ::close(sock);
  say("normal of shutdown");
  // Connection threads may still run: end without destructors.
  std::fflush(stdout);
  ::_exit(0);
}
