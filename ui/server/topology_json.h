// A loaded Topology (defaults applied) as JSON: every field the core uses,
// with no file positions and never a secret (only where the SYSDBA password
// comes from). Two topology files that give equal JSON here describe the same
// cluster, whatever their layout or which defaults they spelled out; the
// wizard's browser test compares its output to the manual's file this way.
// Pure function; no threading concerns.
#pragma once

#include <nlohmann/json.hpp>

#include "core/topology.h"

namespace dpc::ui {

nlohmann::json topology_json(const Topology& topo);

}  // namespace dpc::ui
