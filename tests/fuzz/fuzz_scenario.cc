// libFuzzer target: any bytes as a scenario file (its topology inline or
// missing). Loading must end in a scenario or diagnostics, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  dpc::sim::ScenarioLoad load = dpc::sim::load_scenario_text(text, "/nonexistent/fuzz.json");
  (void)dpc::format_diagnostics(load.diagnostics, "fuzz.json");
  return 0;
}
