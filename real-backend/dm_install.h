// DM put onto a host from a package (the install-dm step; RealBackend::
// install_dm) and asked for its build (the install step and preflight).
//
// A package is on this machine: a DM home directory, a tarball whose root
// is the DM home (bin/dminit, bin/dmserver, bin/dmrman, ...), or DM's
// installer, a file named DMInstall.bin (core/install_plan.h). A host's
// build is the first line `<DM home>/bin/dmserver -v` prints ([model]: the
// stand-in tools print "DM Database Server 64 V8 <build>"; what a real DM 8
// prints there is not checked against one).
//
// install_dm_on(): when the host's DM home holds the package's build it is
// left alone; else the package (a directory is tarred first) is copied to
// <DM home>.dpc-package.tar on the host, its SHA-256 compared with this
// machine's, unpacked beside the DM home, and renamed into place (a DM home
// that was there is kept as <DM home>.before-dpcctl), then marked with
// kInstalledMarker (package, sha256, build). DM's installer instead goes to
// <DM home>.dpc-install/ with its XML answer file (SHA-256 compared there)
// and runs there as `DMInstall.bin -q <answer file>` into <DM home>.dpc-new,
// whose build must be the installer's before it is renamed into place.
// Blocking, bounded by the run's timeout per command.
#pragma once

#include <string>

#include "core/backend.h"
#include "core/result.h"
#include "real-backend/host_transport.h"

namespace dpc::real {

/// The sh command printing the build of the DM home `dm_home`, or
/// "MISSING <path>" when one of its tools is missing.
std::string build_query_command(const std::string& dm_home);

/// What the package's dmserver says (`-v`), or an error naming the package.
/// DM's installer is run here into a scratch directory to ask it (once per
/// installer path and process).
Result<std::string> package_build(const std::string& package, Millis timeout_ms);

/// Installs as described above; `work_dir` (on this machine) holds the
/// tarball of a directory package. The text says what was done.
Result<std::string> install_dm_on(HostTransport& host, const InstallRun& run, const std::string& work_dir,
                                  Millis timeout_ms);

}  // namespace dpc::real
