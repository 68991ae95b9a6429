// libFuzzer target: any bytes as a statement typed at the simulated
// cluster (the shell's `sql INST ...`, scenarios). Parsing must end in a
// statement or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/catalog/sql_statement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)dpc::sim::parse_sql(text);
  return 0;
}
