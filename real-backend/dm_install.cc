#include "real-backend/dm_install.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <map>
#include <mutex>

#include "core/install_plan.h"
#include "core/paths.h"
#include "real-backend/host_transport.h"

namespace dpc::real {

namespace {

/// The shell command that moves the DM home `fresh` into place (an earlier
/// DM home kept as <home>.before-dpcctl) and marks it as dpcctl's, with the
/// package, its SHA-256 and its build.
std::string move_into_place(const InstallRun& run, const std::string& fresh, const std::string& sha256,
                            const std::string& build) {
  const std::string marker = "package=" + run.package + "\nsha256=" + sha256 + "\nbuild=" + build + "\n";
  const std::string before = run.dm_home + ".before-dpcctl";
  return "if [ -e " + sh_quote(run.dm_home) + " ]; then rm -rf " + sh_quote(before) + " && mv " +
         sh_quote(run.dm_home) + " " + sh_quote(before) + "; fi && mv " + sh_quote(fresh) + " " +
         sh_quote(run.dm_home) + " && printf '%s' " + sh_quote(marker) + " > " +
         sh_quote(run.dm_home + "/" + kInstalledMarker);
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::string quoted_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + sh_quote(a);
  return out;
}

const char* kPackageKinds =
    "; a DM package is a DM home directory, a tarball whose root is one, or DM's installer DMInstall.bin";

}  // namespace

std::string build_query_command(const std::string& dm_home) {
  std::string s;
  for (const char* tool : {"dminit", "dmserver", "dmrman"}) {
    const std::string path = dm_home + "/bin/" + tool;
    s += "[ -x " + sh_quote(path) + " ] || { echo " + sh_quote("MISSING " + path) + "; exit 0; }; ";
  }
  return s + "cd " + sh_quote(dm_home + "/bin") + " && ./dmserver -v 2>&1 | head -n 1";
}

namespace {

std::string silent_install_command(const std::string& installer, const std::string& answer) {
  return "chmod +x " + sh_quote(installer) + " && " + sh_quote(installer) + " -q " + sh_quote(answer);
}

Result<std::string> installer_build(const std::string& installer, Millis timeout_ms) {
  // Asked once per installer and run of dpcctl: DM's installer is run here
  // into a scratch directory and that DM home asked (as a tarball is
  // unpacked here); the installer's own version flags are not relied on.
  static std::mutex mu;
  static std::map<std::string, std::string> known;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = known.find(installer);
    if (it != known.end()) return it->second;
  }
  LocalTransport here("localhost");
  char tmpl[] = "/tmp/dpc-installer.XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Error{"cannot make a scratch directory to run " + installer};
  const std::string scratch = tmpl;
  const std::string copy = scratch + "/" + kSilentInstaller;
  const std::string answer = scratch + "/auto_install.xml";
  auto cleanup = [&]() { (void)here.run("rm -rf " + sh_quote(scratch), "", timeout_ms); };
  auto ran = here.run_checked("run DM's installer " + installer + " into a scratch directory here",
                              "cp " + sh_quote(installer) + " " + sh_quote(copy) + " && cat > " + sh_quote(answer) +
                                  " && " + silent_install_command(copy, answer),
                              silent_install_answer(scratch + "/dm"), timeout_ms);
  if (!ran) {
    cleanup();
    return Error{ran.message() + kPackageKinds};
  }
  auto r = here.run_checked("read the build DM's installer " + installer + " installs",
                            build_query_command(scratch + "/dm"), "", timeout_ms);
  cleanup();
  if (!r) return Error{r.message() + kPackageKinds};
  const std::string line = first_line(*r);
  if (line.empty() || line.rfind("MISSING ", 0) == 0) {
    return Error{"DM's installer " + installer + " (" + kSilentInstaller +
                 " -q) installed no runnable bin/dminit, bin/dmserver and bin/dmrman"};
  }
  std::lock_guard<std::mutex> lock(mu);
  known[installer] = line;
  return line;
}

}  // namespace

Result<std::string> package_build(const std::string& package, Millis timeout_ms) {
  LocalTransport here("localhost");
  std::string home = package;
  std::string scratch;
  if (is_silent_installer(package)) return installer_build(package, timeout_ms);
  if (!is_dir(package)) {
    // A tarball: unpacked into a scratch directory here to ask its dmserver.
    char tmpl[] = "/tmp/dpc-package.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return Error{"cannot make a scratch directory to read the DM package " + package};
    scratch = tmpl;
    home = scratch;
    auto unpacked = here.run_checked("unpack the DM package " + package,
                                     "tar -C " + sh_quote(scratch) + " -xf " + sh_quote(package), "", timeout_ms);
    if (!unpacked) {
      (void)here.run("rm -rf " + sh_quote(scratch), "", timeout_ms);
      return Error{unpacked.message() + kPackageKinds};
    }
  }
  auto r = here.run_checked("read the build of the DM package " + package, build_query_command(home), "", timeout_ms);
  if (!scratch.empty()) (void)here.run("rm -rf " + sh_quote(scratch), "", timeout_ms);
  if (!r) return Error{r.message() + kPackageKinds};
  const std::string line = first_line(*r);
  if (line.empty() || line.rfind("MISSING ", 0) == 0) {
    return Error{"the DM package " + package + " has no runnable bin/dminit, bin/dmserver and bin/dmrman" +
                 std::string(line.empty() ? "" : " (a tool is missing in it)") + kPackageKinds};
  }
  return line;
}

namespace {

/// Copies `from` (on this machine) to `to` on the host, creating its
/// directory, and compares the SHA-256 there with this machine's.
Result<std::string> copy_verified(HostTransport& host, const std::string& from, const std::string& to,
                                  Millis timeout_ms) {
  LocalTransport here("localhost");
  const std::string on = " on " + host.host();
  auto sum = here.run_checked("checksum " + from, "sha256sum < " + sh_quote(from) + " | cut -d' ' -f1", "",
                              timeout_ms);
  if (!sum) return sum.error();
  const std::string want_sum = first_line(*sum);
  const std::string parent = to.substr(0, to.find_last_of('/'));
  const std::string pipeline =
      "cat " + sh_quote(from) + " | " +
      quoted_argv(host.command_argv("mkdir -p " + sh_quote(parent.empty() ? "/" : parent) + " && cat > " +
                                    sh_quote(to)));
  auto copied = here.run_checked("copy " + from + " to " + to + on, pipeline, "", timeout_ms);
  if (!copied) return copied.error();
  auto got = host.run_checked("checksum " + to + on, "sha256sum < " + sh_quote(to) + " | cut -d' ' -f1", "",
                              timeout_ms);
  if (!got) return got.error();
  if (first_line(*got) != want_sum) {
    return Error{"the copy " + to + on + " has SHA-256 " + first_line(*got) + ", not " + want_sum +
                 " as here; it was not installed (copy again: run the same command)"};
  }
  return want_sum;
}

/// DM's installer: copied to <dm_home>.dpc-install/ with an answer file
/// whose INSTALL_PATH is <dm_home>.dpc-new, run there with -q, the new DM
/// home's build checked against `want`, then renamed into place as a
/// tarball's would be.
Result<std::string> silent_install_on(HostTransport& host, const InstallRun& run, const std::string& want,
                                      const std::string& had, Millis timeout_ms) {
  const std::string on = " on " + host.host();
  const std::string staging = run.dm_home + ".dpc-install";
  const std::string installer = staging + "/" + kSilentInstaller;
  const std::string answer = staging + "/auto_install.xml";
  const std::string fresh = run.dm_home + ".dpc-new";
  auto sum = copy_verified(host, run.package, installer, timeout_ms);
  if (!sum) return sum.error();
  auto wrote = host.run_checked("write the answer file " + answer + on, "cat > " + sh_quote(answer),
                                silent_install_answer(fresh), timeout_ms);
  if (!wrote) return wrote.error();
  auto ran = host.run_checked(std::string(kSilentInstaller) + " -q " + answer + on,
                              "rm -rf " + sh_quote(fresh) + " && " + silent_install_command(installer, answer), "",
                              timeout_ms);
  if (!ran) return ran.error();
  auto got = host.run_checked("read the build " + std::string(kSilentInstaller) + " installed into " + fresh + on,
                              build_query_command(fresh), "", timeout_ms);
  if (!got) return got.error();
  if (first_line(*got) != want) {
    return Error{std::string(kSilentInstaller) + " -q " + answer + on + " left " +
                 (first_line(*got).rfind("MISSING ", 0) == 0 ? "no runnable tools (" + first_line(*got) + ")"
                                                            : "build " + first_line(*got)) +
                 " in " + fresh + ", not build " + want + "; nothing was replaced"};
  }
  const std::string place = move_into_place(run, fresh, *sum, want) + " && rm -rf " + sh_quote(staging);
  auto placed = host.run_checked("move the installed DM into " + run.dm_home + on, place, "", timeout_ms);
  if (!placed) return placed.error();
  return "installed build " + want + " into " + run.dm_home + on + " with " + kSilentInstaller + " -q (was: " +
         (had.empty() ? "nothing" : had) + "; SHA-256 " + *sum + " of the installer verified there)";
}

}  // namespace

Result<std::string> install_dm_on(HostTransport& host, const InstallRun& run, const std::string& work_dir,
                                  Millis timeout_ms) {
  const std::string on = " on " + host.host();
  auto want = package_build(run.package, timeout_ms);
  if (!want) return want.error();
  auto have = host.run_checked("read the build of " + run.dm_home + on, build_query_command(run.dm_home), "",
                               timeout_ms);
  if (!have) return have.error();
  const std::string had = first_line(*have);
  if (had == *want) return run.dm_home + on + " already holds build " + *want + "; left alone";

  if (is_silent_installer(run.package)) return silent_install_on(host, run, *want, had, timeout_ms);
  LocalTransport here("localhost");
  std::string tarball = run.package;
  if (is_dir(run.package)) {
    tarball = work_dir + "/dm-package.tar";
    auto packed = here.run_checked("pack " + run.package, "mkdir -p " + sh_quote(work_dir) + " && tar -C " +
                                                              sh_quote(run.package) + " -cf " + sh_quote(tarball) + " .",
                                   "", timeout_ms);
    if (!packed) return packed.error();
  }
  auto sum = here.run_checked("checksum " + tarball, "sha256sum < " + sh_quote(tarball) + " | cut -d' ' -f1", "",
                              timeout_ms);
  if (!sum) return sum.error();
  const std::string want_sum = first_line(*sum);
  const std::string remote_tar = run.dm_home + ".dpc-package.tar";
  const std::string fresh = run.dm_home + ".dpc-new";
  const std::string parent = run.dm_home.substr(0, run.dm_home.find_last_of('/'));
  const std::string pipeline =
      "cat " + sh_quote(tarball) + " | " +
      quoted_argv(host.command_argv("mkdir -p " + sh_quote(parent.empty() ? "/" : parent) + " && cat > " +
                                    sh_quote(remote_tar)));
  auto copied = here.run_checked("copy the DM package " + tarball + " to " + remote_tar + on, pipeline, "",
                                 timeout_ms);
  if (!copied) return copied.error();
  auto got = host.run_checked("checksum " + remote_tar + on,
                              "sha256sum < " + sh_quote(remote_tar) + " | cut -d' ' -f1", "", timeout_ms);
  if (!got) return got.error();
  if (first_line(*got) != want_sum) {
    return Error{"the copy of the DM package " + remote_tar + on + " has SHA-256 " + first_line(*got) + ", not " +
                 want_sum + " as here; it was not installed (copy again: run the same command)"};
  }
  const std::string install =
      "rm -rf " + sh_quote(fresh) + " && mkdir -p " + sh_quote(fresh) + " && tar -C " + sh_quote(fresh) + " -xf " +
      sh_quote(remote_tar) + " && [ -x " + sh_quote(fresh + "/bin/dmserver") + " ] && " +
      move_into_place(run, fresh, want_sum, *want) + " && rm -f " + sh_quote(remote_tar);
  auto placed = host.run_checked("unpack the DM package into " + run.dm_home + on, install, "", timeout_ms);
  if (!placed) return placed.error();
  return "installed build " + *want + " into " + run.dm_home + on + " (was: " + (had.empty() ? "nothing" : had) +
         "; SHA-256 " + want_sum + " verified there)";
}

}  // namespace dpc::real
