// Where each instance of a topology takes SQL: its host and PORT_NUM.
// Used by the executor for waits and checks, and by `dpcctl status`.
#pragma once

#include <map>
#include <string>

#include "core/backend.h"
#include "core/topology.h"

namespace dpc {

std::map<std::string, SqlEndpoint> sql_endpoints(const Topology& topo);

}  // namespace dpc
