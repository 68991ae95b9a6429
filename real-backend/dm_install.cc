#include "real-backend/dm_install.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "core/paths.h"
#include "real-backend/host_transport.h"

namespace dpc::real {

namespace {

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

}  // namespace

std::string build_query_command(const std::string& dm_home) {
  std::string s;
  for (const char* tool : {"dminit", "dmserver", "dmrman"}) {
    const std::string path = dm_home + "/bin/" + tool;
    s += "[ -x " + sh_quote(path) + " ] || { echo " + sh_quote("MISSING " + path) + "; exit 0; }; ";
  }
  return s + "cd " + sh_quote(dm_home + "/bin") + " && ./dmserver -v 2>&1 | head -n 1";
}

Result<std::string> package_build(const std::string& package, Millis timeout_ms) {
  LocalTransport here("localhost");
  std::string home = package;
  std::string scratch;
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
      return Error{unpacked.message() + "; a DM package is a DM home directory or a tarball whose root is one"};
    }
  }
  auto r = here.run_checked("read the build of the DM package " + package, build_query_command(home), "", timeout_ms);
  if (!scratch.empty()) (void)here.run("rm -rf " + sh_quote(scratch), "", timeout_ms);
  if (!r) return Error{r.message() + "; a DM package is a DM home directory or a tarball whose root is one"};
  const std::string line = first_line(*r);
  if (line.empty() || line.rfind("MISSING ", 0) == 0) {
    return Error{"the DM package " + package + " has no runnable bin/dminit, bin/dmserver and bin/dmrman" +
                 std::string(line.empty() ? "" : " (a tool is missing in it)") +
                 "; a DM package is a DM home directory or a tarball whose root is one"};
  }
  return line;
}

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
  const std::string marker = "package=" + run.package + "\nsha256=" + want_sum + "\nbuild=" + *want + "\n";
  const std::string install =
      "rm -rf " + sh_quote(fresh) + " && mkdir -p " + sh_quote(fresh) + " && tar -C " + sh_quote(fresh) + " -xf " +
      sh_quote(remote_tar) + " && [ -x " + sh_quote(fresh + "/bin/dmserver") + " ] && " +
      "if [ -e " + sh_quote(run.dm_home) + " ]; then rm -rf " + sh_quote(run.dm_home + ".before-dpcctl") +
      " && mv " + sh_quote(run.dm_home) + " " + sh_quote(run.dm_home + ".before-dpcctl") + "; fi && mv " +
      sh_quote(fresh) + " " + sh_quote(run.dm_home) + " && printf '%s' " + sh_quote(marker) + " > " +
      sh_quote(run.dm_home + "/" + kInstalledMarker) + " && rm -f " + sh_quote(remote_tar);
  auto placed = host.run_checked("unpack the DM package into " + run.dm_home + on, install, "", timeout_ms);
  if (!placed) return placed.error();
  return "installed build " + *want + " into " + run.dm_home + on + " (was: " + (had.empty() ? "nothing" : had) +
         "; SHA-256 " + want_sum + " verified there)";
}

}  // namespace dpc::real
