#include "core/dm_uninstall.h"

#include "core/install_plan.h"
#include "core/paths.h"

namespace dpc {

UninstallOutcome uninstall_dm(Backend& backend, const Topology& topo) {
  UninstallOutcome out;
  if (topo.dm_home.empty()) {
    out.output = "no DM home is configured (defaults.dm_home); nothing to uninstall\n";
    return out;
  }
  const std::string marker = path_join(path_style(topo.dm_home), topo.dm_home, kInstalledMarker);
  for (const std::string& host : topo.hosts()) {
    if (!backend.exists(host, marker)) {
      out.output += "left DM in " + topo.dm_home + " on " + host + ": dpcctl did not install it\n";
      continue;
    }
    Status st = backend.remove_tree(host, topo.dm_home);
    if (st) {
      out.output += "removed DM from " + topo.dm_home + " on " + host + " (dpcctl had installed it)\n";
    } else {
      out.ok = false;
      out.error += (out.error.empty() ? "" : "; ") + st.message();
    }
  }
  return out;
}

}  // namespace dpc
