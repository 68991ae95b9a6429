// libFuzzer target: any bytes as a topology file. Loading must end in a
// topology or diagnostics, never a crash, a sanitizer report or an uncaught
// exception; a topology that loads must plan and render in every format.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/plan_builder.h"
#include "core/plan_render.h"
#include "core/topology_load.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  dpc::LoadOutcome outcome = dpc::load_topology_text(text, "fuzz.json");
  (void)dpc::format_diagnostics(outcome.diagnostics, "fuzz.json");
  if (!outcome.ok()) return 0;
  const dpc::Topology& topo = *outcome.topology;
  for (const dpc::Plan& plan : {dpc::build_deploy_plan(topo), dpc::build_stop_plan(topo)}) {
    for (dpc::PlanFormat f : {dpc::PlanFormat::Text, dpc::PlanFormat::Json, dpc::PlanFormat::Sh,
                              dpc::PlanFormat::Cmd}) {
      (void)dpc::render_plan(plan, topo, f);
    }
  }
  return 0;
}
