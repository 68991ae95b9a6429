// DM's installation on the simulated hosts ([model] rules in dm_home.h).
#include "sim/model/dm_home.h"

#include <cstdint>
#include <cstdio>
#include <map>
#include <utility>

#include "core/install_plan.h"

namespace dpc::sim {
namespace {

const char* const kTools[] = {"dminit", "dmserver", "dmrman"};

bool windows_style(const std::string& path) {
  return path.find('\\') != std::string::npos || (path.size() >= 2 && path[1] == ':');
}

std::string join(const std::string& dir, const std::string& name) {
  return dir + (windows_style(dir) ? "\\" : "/") + name;
}

std::string checksum(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string tool_text(const std::string& tool, const std::string& build) {
  return "simulated DM " + tool + "\nbuild=" + build + "\n";
}

std::string build_in(const std::string& text) {
  const size_t at = text.find("build=");
  if (at == std::string::npos) return "";
  return text.substr(at + 6, text.find('\n', at) - at - 6);
}

void put_tools(Host& h, const std::string& dm_home, const std::string& build) {
  h.make_dirs(join(dm_home, "bin"));
  for (const char* tool : kTools) (void)h.write(dm_tool_path(dm_home, tool), tool_text(tool, build));
}

/// Moves a directory tree (its files) to another path.
void move_tree(Host& h, const std::string& from, const std::string& to) {
  h.remove_tree(to);
  h.make_dirs(to);
  const std::string prefix = Host::key(from);
  for (const std::string& file : h.files_under(from)) {
    auto text = h.read(file);
    if (!text) continue;
    const std::string dest = to + Host::key(file).substr(prefix.size());
    h.make_dirs(Host::parent(dest));
    (void)h.write(dest, *text);
  }
  h.remove_tree(from);
}

}  // namespace

std::string dm_tool_path(const std::string& dm_home, const std::string& tool) {
  return join(join(dm_home, "bin"), windows_style(dm_home) ? tool + ".exe" : tool);
}

void set_up_dm_homes(World& w, const std::string& dm_home, const std::set<std::string>& hosts) {
  if (w.dm_home.empty()) w.dm_home = dm_home;
  for (const std::string& name : hosts) {
    if (!w.dm_hosts.insert(name).second) continue;
    Host& h = w.host(name);
    const std::string build = w.options.dm.host_build(name);
    if (!build.empty()) put_tools(h, w.dm_home, build);
  }
}

std::optional<std::string> missing_dm_tool(World& w, const std::string& host, const std::string& tool) {
  if (w.dm_home.empty() || !w.dm_hosts.count(host)) return std::nullopt;
  Host* h = w.find_host(host);
  const std::string path = dm_tool_path(w.dm_home, tool);
  if (!h || h->is_file(path)) return std::nullopt;
  return "cannot run " + path + " on host " + host + ": No such file or directory (DM is not installed in " +
         w.dm_home + " there; name a DM package (defaults.dm_package or --dm-package, with defaults.dm_home) and the "
         "deploy installs it first)";
}

std::string dm_build_on(World& w, const std::string& host, const std::string& dm_home) {
  Host* h = w.find_host(host);
  if (!h) return "";
  for (const char* tool : kTools) {
    if (!h->is_file(dm_tool_path(dm_home, tool))) return "";
  }
  auto text = h->read(dm_tool_path(dm_home, "dmserver"));
  return text ? build_in(*text) : "";
}

void install_dm_package(World& w, const std::string& host, const std::string& package, const std::string& dm_home,
                        std::function<void(Status)> done) {
  auto finish = [&w](SimTime after, Status st, std::function<void(Status)> cb) {
    w.loop.after(after, st ? "dm.install.done" : "tool.error",
                 [cb = std::move(cb), st = std::move(st)]() { cb(st); });
  };
  Host* h = w.find_host(host);
  if (!h || !h->up()) {
    return finish(w.timing.tool_error,
                  Error{"cannot install DM on host " + host + ": the host is " + (h ? "down" : "unknown")},
                  std::move(done));
  }
  const std::string want = w.options.dm.package_build_of(package);
  if (want.empty()) {
    return finish(w.timing.tool_error,
                  Error{"the DM package " + package + " has no runnable bin/dminit, bin/dmserver and bin/dmrman; "
                        "a DM package is a DM home directory, a tarball whose root is one, or DM's installer " +
                        std::string(kSilentInstaller)},
                  std::move(done));
  }
  const std::string had = dm_build_on(w, host, dm_home);
  w.dm_hosts.insert(host);
  if (w.dm_home.empty()) w.dm_home = dm_home;
  if (had == want) {
    w.log("", "dm.install", dm_home + " on " + host + " already holds build " + want + "; left alone");
    return finish(w.timing.tool_error, Status::Ok(), std::move(done));
  }
  // The copy: the package (or the installer and its answer file) on the host.
  const bool silent = is_silent_installer(package);
  const std::string staged = silent ? dm_home + ".dpc-install" : dm_home + ".dpc-package.tar";
  const std::string copy_path = silent ? join(staged, kSilentInstaller) : staged;
  const std::string content = "simulated DM package " + package + "\nbuild=" + want + "\n";
  h->make_dirs(Host::parent(copy_path));
  (void)h->write(copy_path, content);
  if (silent) (void)h->write(join(staged, "auto_install.xml"), silent_install_answer(dm_home));
  auto there = h->read(copy_path);
  const std::string sum = checksum(content);
  if (!there || checksum(*there) != sum) {
    return finish(w.timing.tool_error,
                  Error{"the copy of the DM package " + copy_path + " on " + host + " does not match " + package +
                        "; it was not installed"},
                  std::move(done));
  }
  if (h->exists(dm_home)) move_tree(*h, dm_home, dm_home + ".before-dpcctl");
  put_tools(*h, dm_home, want);
  (void)h->write(join(dm_home, kInstalledMarker),
                 "package=" + package + "\nchecksum=" + sum + "\nbuild=" + want + "\n");
  h->remove_tree(staged);
  w.log("", "dm.install",
        (silent ? std::string(kSilentInstaller) + " -q " + join(staged, "auto_install.xml") + ": " : "") +
            "build " + want + " into " + dm_home + " on " + host + " (was: " + (had.empty() ? "nothing" : had) +
            "; checksum " + sum + " verified there)");
  finish(w.timing.backup, Status::Ok(), std::move(done));
}

Result<std::string> check_same_dm_build(World& w, const Topology& topo, bool allow_mixed) {
  const std::string dm_home = w.dm_home.empty() ? topo.dm_home : w.dm_home;
  std::map<std::string, std::string> hosts_of;  // build -> its hosts
  for (const std::string& host : topo.hosts()) {
    const std::string package = topo.dm_package_for(host);
    const std::string build = !package.empty() ? w.options.dm.package_build_of(package) : dm_build_on(w, host, dm_home);
    if (build.empty()) continue;  // no DM there: its first tool says so
    hosts_of[build] += (hosts_of[build].empty() ? "" : ", ") + host;
  }
  if (hosts_of.size() <= 1) return std::string();
  std::string detail = "mixed DM builds:";
  for (const auto& [b, hs] : hosts_of) detail += " " + hs + " " + b + ";";
  detail.pop_back();
  if (allow_mixed) return "warning: " + detail + " (allowed by --allow-mixed)";
  return Error{detail + "; install the same DM build on every host (name a package: defaults.dm_package or "
                        "--dm-package), or pass --allow-mixed"};
}

}  // namespace dpc::sim
