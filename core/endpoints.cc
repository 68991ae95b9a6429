#include "core/endpoints.h"

namespace dpc {

std::map<std::string, SqlEndpoint> sql_endpoints(const Topology& topo) {
  std::map<std::string, SqlEndpoint> out;
  for (const auto& inst : topo.instances) out[inst.name] = SqlEndpoint{inst.name, inst.host, inst.port_num};
  return out;
}

}  // namespace dpc
