// Preflight on the hosts that are not this machine (preflight.h runs it):
// every such host asked in parallel over ssh with one bounded script, so a
// dead host is reported within about `timeout_ms` and nothing hangs. Per
// host: reachable and authenticated (`host H`); dminit, dmserver and dmrman
// present there (`tools H`); `dminit help` there lists PARFILE, the one
// way dpcctl passes the password (`password route H`); its instances' ports free there, as `ss` sees
// them (`ports H`); their directories absent or empty (`directories H`);
// free disk per file system (`disk H`); its clock within 1 s of this
// machine's (a warning line otherwise); and the same dminit on every host
// (`same DM build`). Nothing is changed on any host.
//
// Blocking; one thread per remote host while it runs.
#pragma once

#include <vector>

#include "core/topology.h"
#include "real-backend/preflight.h"
#include "real-backend/real_config.h"

namespace dpc::real {

void check_remote_hosts(const Topology& topo, const RealConfig& config, std::vector<PreflightCheck>& out,
                        Millis timeout_ms = 5000);

}  // namespace dpc::real
