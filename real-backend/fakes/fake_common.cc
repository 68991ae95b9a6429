#include "real-backend/fakes/fake_common.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fake {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string build_string(const char* argv0) {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  std::string dir = n > 0 ? parent_dir(std::string(self, static_cast<size_t>(n)))
                          : parent_dir(argv0 ? argv0 : "");
  if (dir.empty()) dir = ".";
  std::string text;
  if (read_file(dir + "/BUILD", &text)) {
    text = trim(text.substr(0, text.find('\n')));
    if (!text.empty()) return text;
  }
  const char* env = std::getenv("DPC_FAKE_BUILD");
  return env && *env ? env : "stand-in-1";
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::map<std::string, std::string> parse_kv(const std::vector<std::string>& words) {
  std::map<std::string, std::string> out;
  for (const auto& w : words) {
    size_t eq = w.find('=');
    if (eq == std::string::npos) {
      out[""] += (out[""].empty() ? "" : " ") + w;
    } else {
      out[upper(trim(w.substr(0, eq)))] = trim(w.substr(eq + 1));
    }
  }
  return out;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool read_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

bool write_file(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << content;
    if (!out) return false;
  }
  return ::rename(tmp.c_str(), path.c_str()) == 0;
}

bool make_dirs(const std::string& path) {
  std::string built;
  std::stringstream parts(path);
  if (!path.empty() && path[0] == '/') built = "/";
  for (std::string part; std::getline(parts, part, '/');) {
    if (part.empty()) continue;
    built += (built.empty() || built.back() == '/' ? "" : "/") + part;
    if (::mkdir(built.c_str(), 0755) != 0 && errno != EEXIST) return false;
  }
  return true;
}

std::string parent_dir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::map<std::string, std::map<std::string, std::string>> read_ini_sections(const std::string& path) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::string text;
  if (!read_file(path, &text)) return out;
  std::stringstream lines(text);
  std::string section;
  out[section];
  for (std::string line; std::getline(lines, line);) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    if (line.front() == '[' && line.back() == ']') {
      section = upper(trim(line.substr(1, line.size() - 2)));
      out[section];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    out[section][upper(trim(line.substr(0, eq)))] = trim(line.substr(eq + 1));
  }
  return out;
}

std::map<std::string, std::string> read_ini(const std::string& path) { return read_ini_sections(path)[""]; }

std::string dpc_mode_name(const std::string& value) {
  std::string v = upper(trim(value));
  if (v == "1" || v == "MP") return "MP";
  if (v == "2" || v == "BP") return "BP";
  if (v == "3" || v == "SP") return "SP";
  return "";
}

void record(const std::string& tool, const std::vector<std::string>& words) {
  const char* file = std::getenv("DPC_FAKE_RECORD");
  if (file == nullptr || *file == '\0') return;
  std::string line = tool;
  for (const auto& w : words) line += "\t" + w;
  std::ofstream out(file, std::ios::app);
  out << line << "\n";
}

bool should_fail(const std::string& tool, const std::string& joined_args) {
  const char* spec = std::getenv("DPC_FAKE_FAIL");
  if (spec == nullptr) return false;
  std::string s = spec;
  size_t colon = s.find(':');
  if (colon == std::string::npos || s.substr(0, colon) != tool) return false;
  return joined_args.find(s.substr(colon + 1)) != std::string::npos;
}

void maybe_hang(const std::string& tool) {
  const char* hang = std::getenv("DPC_FAKE_HANG");
  if (hang == nullptr || tool != hang) return;
  std::printf("%s: hanging (DPC_FAKE_HANG)\n", tool.c_str());
  std::fflush(stdout);
  ::sleep(60);
}

bool pid_alive(int pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  std::string stat;
  if (!read_file("/proc/" + std::to_string(pid) + "/stat", &stat)) return true;
  size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

int running_server(const std::string& dameng_dir) {
  auto state = read_ini(dameng_dir + "/fake.state");
  int pid = std::atoi(state["PID"].c_str());
  return pid_alive(pid) ? pid : 0;
}

long long new_magic() {
  static long long counter = 0;
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return ((static_cast<long long>(::getpid()) << 20) ^ now ^ (++counter * 7919)) & 0x7fffffff;
}

}  // namespace fake
