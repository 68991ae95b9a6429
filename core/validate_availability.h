// Availability lints: a topology that is valid but cannot survive one
// failure. Each finding is a Warning naming the members involved and what to
// change; `dpcctl validate` and `dpcctl check` show them, `validate --strict`
// makes them errors. They are kept apart from validate_topology()'s findings
// (LoadOutcome::lints) so that commands which only use a topology (plan,
// deploy on a laptop) do not repeat them. Pure functions; no threading concerns.
//
// The lints ([model] where the manual is silent; docs/topology.md, "Availability"):
//   - a replicated RAFT group (BP or MP_RAFT) that loses its majority of
//     voters with one voter down (shadows and learners do not vote);
//   - a group whose voters' majority sits on one host (loopback names are one host);
//   - fault domains declared, but some member of a replicated group in none;
//   - more than one SP, every SP on one host.
#pragma once

#include <vector>

#include "core/diagnostic.h"
#include "core/topology.h"

namespace dpc {

/// Every availability warning for `topo` (empty when it survives any one
/// failure of an instance or a host).
std::vector<Diagnostic> lint_availability(const Topology& topo);

}  // namespace dpc
